// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/** Event definitions shared by the events integration tests. @module */

import { z } from "zod";
import {
  defineEvent,
  type EventDefinition,
  EventDomain,
} from "../../../events/mod.ts";

/** An anycast event sent from a child process. */
export const CrossProcessEvent: EventDefinition<{ pid: number }> = defineEvent({
  name: "test_cross_process",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ pid: z.number() }),
});

/** An anycast event with a legacy positional form. */
export const LegacyJobEvent: EventDefinition<{ job_id: string; size: number }> =
  defineEvent({
    name: "test_legacy_job",
    domain: EventDomain.SCHEDULE,
    pattern: "anycast",
    schema: z.object({ job_id: z.string(), size: z.number() }),
    legacyFields: ["job_id", "size"],
  });
