// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Kernel lifecycle events (upstream `event_types/kernel/anycast.py` and
 * `broadcast.py`). Every one exists in both patterns, with the same body:
 * the anycast ones are consumed by the manager, the broadcast ones feed
 * subscribers. Creation events route by kernel id; termination events
 * route by kernel id when broadcast and not at all when anycast, as in
 * upstream since 2026-08. `kernel_started` requires `creation_info`.
 *
 * @example Both patterns, routed by kernel id
 * ```ts
 * import {
 *   KERNEL_ANYCAST_EVENTS, KERNEL_BROADCAST_EVENTS, KernelPreparingAnycastEvent,
 * } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(KERNEL_ANYCAST_EVENTS.length, 8);
 * assert.ok(KERNEL_ANYCAST_EVENTS.every((definition) => definition.pattern === "anycast"));
 * assert.equal(KERNEL_BROADCAST_EVENTS.length, 7);
 * assert.ok(KERNEL_BROADCAST_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * const body = KernelPreparingAnycastEvent.decode({ body: {
 *   kernel_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
 *   session_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 * } });
 * assert.deepEqual(body.creation_info, {});
 * assert.equal(KernelPreparingAnycastEvent.domainId(body), body.kernel_id);
 * ```
 *
 * @module
 */

import { z } from "zod";
import { KernelLifecycleEventReason } from "../../types.ts";
import {
  defineEvent,
  type DeliveryPattern,
  type EventDefinition,
  EventDomain,
} from "../define.ts";

/** The body of the kernel creation events (`kernel_preparing` … `kernel_started`). */
export interface KernelCreationBody {
  /** The kernel's UUID. */
  kernel_id: string;
  /** The session's UUID. */
  session_id: string;
  /** Why, when given (default `""`). */
  reason: string;
  /** Creation details from the agent. */
  creation_info: Record<string, unknown>;
}

/** The body of `kernel_cancelled`. */
export interface KernelCancelledBody {
  /** The kernel's UUID. */
  kernel_id: string;
  /** The session's UUID. */
  session_id: string;
  /** Why (default `""`). */
  reason: string;
}

/** The body of `kernel_terminating` and `kernel_terminated`. */
export interface KernelTerminationBody {
  /** The kernel's UUID. */
  kernel_id: string;
  /** The session's UUID. */
  session_id: string;
  /** A `KernelLifecycleEventReason` value, e.g. `"user-requested"`. */
  reason: string;
  /** The container's exit code, -1 when unknown. */
  exit_code: number;
}

/** The body of `do_sync_kernel_logs` (anycast only). */
export interface DoSyncKernelLogsBody {
  /** The kernel's UUID. */
  kernel_id: string;
  /** The container id. */
  container_id: string;
}

const creationSchema = z.object({
  kernel_id: z.guid(),
  session_id: z.guid(),
  reason: z.string().default(""),
  creation_info: z.record(z.string(), z.unknown()).default({}),
});

const cancelledSchema = z.object({
  kernel_id: z.guid(),
  session_id: z.guid(),
  reason: z.string().default(""),
});

const terminationSchema = z.object({
  kernel_id: z.guid(),
  session_id: z.guid(),
  reason: z.string().default(KernelLifecycleEventReason.UNKNOWN),
  exit_code: z.number().int().default(-1),
});

// Newer upstream drops `creation_info` from preparing/pulling/creating
// (a consumer ignores it) and requires it on `kernel_started`, so only
// kernel_started has no default.
const startedSchema = creationSchema.extend({
  creation_info: z.record(z.string(), z.unknown()),
});

function creation(
  name: string,
  pattern: DeliveryPattern,
): EventDefinition<KernelCreationBody> {
  return defineEvent({
    name,
    domain: EventDomain.KERNEL,
    pattern,
    schema: name === "kernel_started" ? startedSchema : creationSchema,
    domainId: (body) => body.kernel_id,
    legacyFields: ["kernel_id", "session_id", "reason", "creation_info"],
  });
}

function cancelled(
  pattern: DeliveryPattern,
): EventDefinition<KernelCancelledBody> {
  return defineEvent({
    name: "kernel_cancelled",
    domain: EventDomain.KERNEL,
    pattern,
    schema: cancelledSchema,
    domainId: (body) => body.kernel_id,
    legacyFields: ["kernel_id", "session_id", "reason"],
  });
}

function termination(
  name: string,
  pattern: DeliveryPattern,
): EventDefinition<KernelTerminationBody> {
  return defineEvent({
    name,
    domain: EventDomain.KERNEL,
    pattern,
    schema: terminationSchema,
    // Upstream routes the broadcast ones by kernel id (since 2026-08), the
    // anycast ones not at all.
    ...(pattern === "broadcast"
      ? { domainId: (body: KernelTerminationBody) => body.kernel_id }
      : {}),
    legacyFields: ["kernel_id", "session_id", "reason", "exit_code"],
  });
}

/** `kernel_preparing` (anycast): an agent began preparing a kernel. */
export const KernelPreparingAnycastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_preparing", "anycast");

/** `kernel_pulling` (anycast): an agent is pulling a kernel's image. */
export const KernelPullingAnycastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_pulling", "anycast");

/** `kernel_creating` (anycast): an agent is creating a kernel's container. */
export const KernelCreatingAnycastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_creating", "anycast");

/** `kernel_started` (anycast): a kernel started, with its creation info. */
export const KernelStartedAnycastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_started", "anycast");

/** `kernel_cancelled` (anycast): a kernel's creation was cancelled. */
export const KernelCancelledAnycastEvent: EventDefinition<KernelCancelledBody> =
  cancelled("anycast");

/** `kernel_terminating` (anycast): a kernel is being terminated. */
export const KernelTerminatingAnycastEvent: EventDefinition<
  KernelTerminationBody
> = termination("kernel_terminating", "anycast");

/** `kernel_terminated` (anycast): a kernel terminated, with its exit code. */
export const KernelTerminatedAnycastEvent: EventDefinition<
  KernelTerminationBody
> = termination("kernel_terminated", "anycast");

/** `do_sync_kernel_logs` (anycast): ask the agent to ship a kernel's logs. */
export const DoSyncKernelLogsEvent: EventDefinition<DoSyncKernelLogsBody> =
  defineEvent({
    name: "do_sync_kernel_logs",
    domain: EventDomain.KERNEL,
    pattern: "anycast",
    schema: z.object({ kernel_id: z.guid(), container_id: z.string() }),
    domainId: (body) => body.kernel_id,
    legacyFields: ["kernel_id", "container_id"],
  });

/** `kernel_preparing` (broadcast): an agent began preparing a kernel. */
export const KernelPreparingBroadcastEvent: EventDefinition<
  KernelCreationBody
> = creation("kernel_preparing", "broadcast");

/** `kernel_pulling` (broadcast): an agent is pulling a kernel's image. */
export const KernelPullingBroadcastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_pulling", "broadcast");

/** `kernel_creating` (broadcast): an agent is creating a kernel's container. */
export const KernelCreatingBroadcastEvent: EventDefinition<
  KernelCreationBody
> = creation("kernel_creating", "broadcast");

/** `kernel_started` (broadcast): a kernel started, with its creation info. */
export const KernelStartedBroadcastEvent: EventDefinition<KernelCreationBody> =
  creation("kernel_started", "broadcast");

/** `kernel_cancelled` (broadcast): a kernel's creation was cancelled. */
export const KernelCancelledBroadcastEvent: EventDefinition<
  KernelCancelledBody
> = cancelled("broadcast");

/** `kernel_terminating` (broadcast): a kernel is being terminated. */
export const KernelTerminatingBroadcastEvent: EventDefinition<
  KernelTerminationBody
> = termination("kernel_terminating", "broadcast");

/** `kernel_terminated` (broadcast): a kernel terminated, with its exit code. */
export const KernelTerminatedBroadcastEvent: EventDefinition<
  KernelTerminationBody
> = termination("kernel_terminated", "broadcast");

/** The anycast kernel events. */
export const KERNEL_ANYCAST_EVENTS: readonly EventDefinition<unknown>[] = [
  KernelPreparingAnycastEvent,
  KernelPullingAnycastEvent,
  KernelCreatingAnycastEvent,
  KernelStartedAnycastEvent,
  KernelCancelledAnycastEvent,
  KernelTerminatingAnycastEvent,
  KernelTerminatedAnycastEvent,
  DoSyncKernelLogsEvent,
];

/** The broadcast kernel events (register these in an `EventRegistry`). */
export const KERNEL_BROADCAST_EVENTS: readonly EventDefinition<unknown>[] = [
  KernelPreparingBroadcastEvent,
  KernelPullingBroadcastEvent,
  KernelCreatingBroadcastEvent,
  KernelStartedBroadcastEvent,
  KernelCancelledBroadcastEvent,
  KernelTerminatingBroadcastEvent,
  KernelTerminatedBroadcastEvent,
];
