// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Session lifecycle events (upstream `event_types/session/broadcast.py` and
 * `anycast.py`), routed by session id. Most exist in both patterns with the
 * same body; the anycast consts end in `AnycastEvent`.
 *
 * @example Both patterns, routed by session id
 * ```ts
 * import {
 *   SESSION_ANYCAST_EVENTS, SESSION_BROADCAST_EVENTS, SessionEnqueuedEvent,
 * } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SESSION_BROADCAST_EVENTS.length, 12);
 * assert.ok(SESSION_BROADCAST_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * assert.equal(SESSION_ANYCAST_EVENTS.length, 13);
 * assert.ok(SESSION_ANYCAST_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const body = SessionEnqueuedEvent.decode({ body: {
 *   session_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", creation_id: "c-1",
 * } });
 * assert.equal(body.reason, "unknown");
 * assert.equal(SessionEnqueuedEvent.domainId(body), body.session_id);
 * ```
 *
 * @module
 */

import { z } from "zod";
import { KernelLifecycleEventReason } from "../../types.ts";
import {
  defineEvent,
  type DeliveryPattern,
  EventCacheDomain,
  type EventDefinition,
  EventDomain,
} from "../define.ts";

/** The body of `do_terminate_session`. */
export interface DoTerminateSessionBody {
  /** The session's UUID. */
  session_id: string;
  /** A `KernelLifecycleEventReason` value. */
  reason: string;
}

/** The body of the session creation events (`session_enqueued` … `session_started`). */
export interface SessionCreationBody {
  /** The session's UUID. */
  session_id: string;
  /** The id of the creation request. */
  creation_id: string;
  /** A `KernelLifecycleEventReason` value (default `"unknown"`). */
  reason: string;
}

/** The body of `session_terminating` and `session_terminated`. */
export interface SessionTerminationBody {
  /** The session's UUID. */
  session_id: string;
  /** Why (default `""`). */
  reason: string;
}

/** The body of `session_success` and `session_failure`. */
export interface SessionResultBody {
  /** The session's UUID. */
  session_id: string;
  /** A `KernelLifecycleEventReason` value (default `"unknown"`). */
  reason: string;
  /** The exit code, -1 when unknown. */
  exit_code: number;
}

const sessionId = z.guid();

function creation(
  name: string,
  pattern: DeliveryPattern = "broadcast",
): EventDefinition<SessionCreationBody> {
  return defineEvent({
    name,
    domain: EventDomain.SESSION,
    pattern,
    schema: z.object({
      session_id: sessionId,
      creation_id: z.string(),
      reason: z.string().default(KernelLifecycleEventReason.UNKNOWN),
    }),
    domainId: (body) => body.session_id,
    legacyFields: ["session_id", "creation_id", "reason"],
  });
}

function termination(
  name: string,
  pattern: DeliveryPattern = "broadcast",
): EventDefinition<SessionTerminationBody> {
  return defineEvent({
    name,
    domain: EventDomain.SESSION,
    pattern,
    schema: z.object({
      session_id: sessionId,
      reason: z.string().default(""),
    }),
    domainId: (body) => body.session_id,
    legacyFields: ["session_id", "reason"],
  });
}

function result(
  name: string,
  pattern: DeliveryPattern = "broadcast",
): EventDefinition<SessionResultBody> {
  return defineEvent({
    name,
    domain: EventDomain.SESSION,
    pattern,
    schema: z.object({
      session_id: sessionId,
      reason: z.string().default(KernelLifecycleEventReason.UNKNOWN),
      exit_code: z.number().int().default(-1),
    }),
    domainId: (body) => body.session_id,
    legacyFields: ["session_id", "reason", "exit_code"],
  });
}

/** `do_terminate_session` (broadcast): ask the manager to terminate a session. */
export const DoTerminateSessionEvent: EventDefinition<DoTerminateSessionBody> =
  doTerminate("broadcast");

function doTerminate(
  pattern: DeliveryPattern,
): EventDefinition<DoTerminateSessionBody> {
  return defineEvent({
    name: "do_terminate_session",
    domain: EventDomain.SESSION,
    pattern,
    schema: z.object({ session_id: sessionId, reason: z.string() }),
    domainId: (body) => body.session_id,
    legacyFields: ["session_id", "reason"],
  });
}

/** `session_enqueued` (broadcast): a session was queued for scheduling. */
export const SessionEnqueuedEvent: EventDefinition<SessionCreationBody> =
  creation("session_enqueued");

/** `session_scheduled` (broadcast): the scheduler placed a session on agents. */
export const SessionScheduledEvent: EventDefinition<SessionCreationBody> =
  creation("session_scheduled");

/** `session_checking_precondition` (broadcast): the scheduler checks a session's preconditions. */
export const SessionCheckingPreconditionEvent: EventDefinition<
  SessionCreationBody
> = creation("session_checking_precondition");

/** `session_preparing` (broadcast): a session's kernels are being prepared. */
export const SessionPreparingEvent: EventDefinition<SessionCreationBody> =
  creation("session_preparing");

/** `session_cancelled` (broadcast): a session's creation was cancelled. */
export const SessionCancelledEvent: EventDefinition<SessionCreationBody> =
  creation("session_cancelled");

/** `session_started` (broadcast): a session started. */
export const SessionStartedBroadcastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_started");

/** `session_terminating` (broadcast): a session is being terminated. */
export const SessionTerminatingEvent: EventDefinition<SessionTerminationBody> =
  termination("session_terminating");

/** `session_terminated` (broadcast): a session terminated. */
export const SessionTerminatedBroadcastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminated");

/** `session_success` (broadcast): a (batch) session finished successfully. */
export const SessionSuccessEvent: EventDefinition<SessionResultBody> = result(
  "session_success",
);

/** `session_failure` (broadcast): a (batch) session failed. */
export const SessionFailureEvent: EventDefinition<SessionResultBody> = result(
  "session_failure",
);

/** The body of `scheduling`. */
export interface SchedulingBody {
  /** The session's UUID. */
  session_id: string;
  /** The id of the creation request. */
  creation_id: string;
  /** The scheduler's status transition. */
  status_transition: string;
  /** Why. */
  reason: string;
}

/** `scheduling`: scheduler progress on a session, cached as `session_scheduler.<id>`. */
export const SchedulingEvent: EventDefinition<SchedulingBody> = defineEvent({
  name: "scheduling",
  domain: EventDomain.SESSION,
  pattern: "broadcast",
  schema: z.object({
    session_id: sessionId,
    creation_id: z.string(),
    status_transition: z.string(),
    reason: z.string().default(""),
  }),
  domainId: (body) => body.session_id,
  cacheDomain: EventCacheDomain.SESSION_SCHEDULER,
  legacyFields: ["session_id", "creation_id", "status_transition", "reason"],
});

/** The broadcast session events (register these in an `EventRegistry`). */
export const SESSION_BROADCAST_EVENTS: readonly EventDefinition<unknown>[] = [
  DoTerminateSessionEvent,
  SessionEnqueuedEvent,
  SessionScheduledEvent,
  SessionCheckingPreconditionEvent,
  SessionPreparingEvent,
  SessionCancelledEvent,
  SessionStartedBroadcastEvent,
  SessionTerminatingEvent,
  SessionTerminatedBroadcastEvent,
  SessionSuccessEvent,
  SessionFailureEvent,
  SchedulingEvent,
];

/** The body of the execution events (`execution_started` …). */
export interface SessionExecutionBody {
  /** The session's UUID. */
  session_id: string;
}

function execution(name: string): EventDefinition<SessionExecutionBody> {
  return defineEvent({
    name,
    domain: EventDomain.SESSION,
    pattern: "anycast",
    schema: z.object({ session_id: sessionId }),
    domainId: (body) => body.session_id,
    legacyFields: ["session_id"],
  });
}

/** `do_terminate_session` (anycast): ask the manager to terminate a session. */
export const DoTerminateSessionAnycastEvent: EventDefinition<
  DoTerminateSessionBody
> = doTerminate("anycast");

/** `session_enqueued` (anycast): a session was queued for scheduling. */
export const SessionEnqueuedAnycastEvent: EventDefinition<SessionCreationBody> =
  creation("session_enqueued", "anycast");

/** `session_checking_precondition` (anycast): the scheduler checks a session's preconditions. */
export const SessionCheckingPreconditionAnycastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_checking_precondition", "anycast");

/** `session_cancelled` (anycast): a session's creation was cancelled. */
export const SessionCancelledAnycastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_cancelled", "anycast");

/** `session_started` (anycast): a session started. */
export const SessionStartedAnycastEvent: EventDefinition<SessionCreationBody> =
  creation("session_started", "anycast");

/** `session_terminating` (anycast): a session is being terminated. */
export const SessionTerminatingAnycastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminating", "anycast");

/** `session_terminated` (anycast): a session terminated. */
export const SessionTerminatedAnycastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminated", "anycast");

/** `session_success` (anycast): a (batch) session finished successfully. */
export const SessionSuccessAnycastEvent: EventDefinition<SessionResultBody> =
  result("session_success", "anycast");

/** `session_failure` (anycast): a (batch) session failed. */
export const SessionFailureAnycastEvent: EventDefinition<SessionResultBody> =
  result("session_failure", "anycast");

/** `execution_started` (anycast): a batch session's execution started. */
export const ExecutionStartedEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_started");

/** `execution_finished` (anycast): a batch session's execution finished. */
export const ExecutionFinishedEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_finished");

/** `execution_timeout` (anycast): a batch session's execution timed out. */
export const ExecutionTimeoutEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_timeout");

/** `execution_cancelled` (anycast): a batch session's execution was cancelled. */
export const ExecutionCancelledEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_cancelled");

/** The anycast session events. */
export const SESSION_ANYCAST_EVENTS: readonly EventDefinition<unknown>[] = [
  DoTerminateSessionAnycastEvent,
  SessionEnqueuedAnycastEvent,
  SessionCheckingPreconditionAnycastEvent,
  SessionCancelledAnycastEvent,
  SessionStartedAnycastEvent,
  SessionTerminatingAnycastEvent,
  SessionTerminatedAnycastEvent,
  SessionSuccessAnycastEvent,
  SessionFailureAnycastEvent,
  ExecutionStartedEvent,
  ExecutionFinishedEvent,
  ExecutionTimeoutEvent,
  ExecutionCancelledEvent,
];
