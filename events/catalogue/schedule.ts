// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Scheduler trigger events (upstream `event_types/schedule/anycast.py`),
 * anycast to the manager; they do not route.
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of the Sokovan scheduler triggers. */
export interface ScheduleTypeBody {
  /** Which schedule to process. */
  schedule_type: string;
}

/** The body of the route lifecycle triggers. */
export interface LifecycleTypeBody {
  /** Which lifecycle to process. */
  lifecycle_type: string;
}

/** The body of the deployment lifecycle triggers. */
export interface DeploymentLifecycleBody extends LifecycleTypeBody {
  /** A sub-step of the lifecycle, or `null`. */
  sub_step: string | null;
}

/** The body of the reconcile triggers. */
export interface ReconcileTypeBody {
  /** Which reconciliation to run. */
  reconcile_type: string;
}

function trigger<
  Field extends "schedule_type" | "lifecycle_type" | "reconcile_type",
>(
  name: string,
  field: Field,
): EventDefinition<Record<Field, string>> {
  return defineEvent({
    name,
    domain: EventDomain.SCHEDULE,
    pattern: "anycast",
    schema: z.object({ [field]: z.string() }) as unknown as z.ZodType<
      Record<Field, string>
    >,
    legacyFields: [field],
  });
}

/** `do_sokovan_process_if_needed`: run the scheduler if marks are present (short cycle). */
export const DoSokovanProcessIfNeededEvent: EventDefinition<ScheduleTypeBody> =
  trigger("do_sokovan_process_if_needed", "schedule_type");

/** `do_sokovan_process_schedule`: run the scheduler unconditionally (long cycle). */
export const DoSokovanProcessScheduleEvent: EventDefinition<ScheduleTypeBody> =
  trigger("do_sokovan_process_schedule", "schedule_type");

/** `do_deployment_lifecycle_if_needed`: run deployment lifecycles if needed (short cycle). */
export const DoDeploymentLifecycleIfNeededEvent: EventDefinition<
  DeploymentLifecycleBody
> = deployment("do_deployment_lifecycle_if_needed");

function deployment(name: string): EventDefinition<DeploymentLifecycleBody> {
  return defineEvent({
    name,
    domain: EventDomain.SCHEDULE,
    pattern: "anycast",
    schema: z.object({
      lifecycle_type: z.string(),
      sub_step: z.string().nullable().default(null),
    }),
    legacyFields: ["lifecycle_type", "sub_step"],
  });
}

/** `do_deployment_lifecycle`: run deployment lifecycles unconditionally (long cycle). */
export const DoDeploymentLifecycleEvent: EventDefinition<
  DeploymentLifecycleBody
> = deployment("do_deployment_lifecycle");

/** `do_route_lifecycle_if_needed`: run route lifecycles if needed (short cycle). */
export const DoRouteLifecycleIfNeededEvent: EventDefinition<LifecycleTypeBody> =
  trigger("do_route_lifecycle_if_needed", "lifecycle_type");

/** `do_route_lifecycle`: run route lifecycles unconditionally (long cycle). */
export const DoRouteLifecycleEvent: EventDefinition<LifecycleTypeBody> =
  trigger("do_route_lifecycle", "lifecycle_type");

/** `do_reconcile_process_if_needed`: run a reconciliation if needed (short cycle). */
export const DoReconcileProcessIfNeededEvent: EventDefinition<
  ReconcileTypeBody
> = trigger("do_reconcile_process_if_needed", "reconcile_type");

/** `do_reconcile_process`: run a reconciliation unconditionally (long cycle). */
export const DoReconcileProcessEvent: EventDefinition<ReconcileTypeBody> =
  trigger("do_reconcile_process", "reconcile_type");

/**
 * The schedule events (all anycast).
 *
 * @example Decoding a legacy tuple
 * ```ts
 * import { DoSokovanProcessScheduleEvent, SCHEDULE_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SCHEDULE_EVENTS.length, 8);
 * assert.ok(SCHEDULE_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const body = DoSokovanProcessScheduleEvent.decode({ body: null, legacyArgs: ["start"] });
 * assert.equal(body.schedule_type, "start");
 * ```
 */
export const SCHEDULE_EVENTS: readonly EventDefinition<unknown>[] = [
  DoSokovanProcessIfNeededEvent,
  DoSokovanProcessScheduleEvent,
  DoDeploymentLifecycleIfNeededEvent,
  DoDeploymentLifecycleEvent,
  DoRouteLifecycleIfNeededEvent,
  DoRouteLifecycleEvent,
  DoReconcileProcessIfNeededEvent,
  DoReconcileProcessEvent,
];
