// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The idle-check trigger (upstream `event_types/idle/anycast.py`), anycast to
 * the manager; it does not route and carries nothing (an empty tuple in the
 * legacy form).
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** `do_idle_check`: run the idle checkers over the running sessions. */
export const DoIdleCheckEvent: EventDefinition<Record<string, never>> =
  defineEvent({
    name: "do_idle_check",
    domain: EventDomain.IDLE_CHECK,
    pattern: "anycast",
    schema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    legacyFields: [],
  });

/**
 * The idle-check events (anycast).
 *
 * @example Usage
 * ```ts
 * import { DoIdleCheckEvent, IDLE_CHECK_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(IDLE_CHECK_EVENTS, [DoIdleCheckEvent]);
 * assert.equal(DoIdleCheckEvent.encode({}), "{}");
 * assert.deepEqual(DoIdleCheckEvent.encodeLegacy({}), new Uint8Array([0x90]));
 * ```
 */
export const IDLE_CHECK_EVENTS: readonly EventDefinition<unknown>[] = [
  DoIdleCheckEvent,
];
