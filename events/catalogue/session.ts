// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Session lifecycle events (upstream `event_types/session/broadcast.py` and
 * `anycast.py`), routed by session id. Most exist in both patterns with the
 * same body; the anycast consts end in `AnycastEvent`.
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

/**
 * `do_terminate_session`: ask the manager to terminate a session.
 *
 * @example Usage
 * ```ts
 * import { DoTerminateSessionEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = DoTerminateSessionEvent.decode({
 *   body: null,
 *   legacyArgs: ["f38dea23-50fa-42a0-b5ae-338f5f4693f4", "idle-timeout"],
 * });
 * assert.equal(body.reason, "idle-timeout");
 * ```
 */
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

/**
 * `session_enqueued`.
 *
 * @example Usage
 * ```ts
 * import { SessionEnqueuedEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = SessionEnqueuedEvent.decode({ body: {
 *   session_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", creation_id: "c-1",
 * } });
 * assert.equal(body.reason, "unknown");
 * assert.equal(SessionEnqueuedEvent.domainId(body), body.session_id);
 * ```
 */
export const SessionEnqueuedEvent: EventDefinition<SessionCreationBody> =
  creation("session_enqueued");
/**
 * `session_scheduled`.
 *
 * @example Usage
 * ```ts
 * import { SessionScheduledEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionScheduledEvent.name, "session_scheduled");
 * ```
 */
export const SessionScheduledEvent: EventDefinition<SessionCreationBody> =
  creation("session_scheduled");
/**
 * `session_checking_precondition`.
 *
 * @example Usage
 * ```ts
 * import { SessionCheckingPreconditionEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionCheckingPreconditionEvent.name, "session_checking_precondition");
 * ```
 */
export const SessionCheckingPreconditionEvent: EventDefinition<
  SessionCreationBody
> = creation("session_checking_precondition");
/**
 * `session_preparing`.
 *
 * @example Usage
 * ```ts
 * import { SessionPreparingEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionPreparingEvent.name, "session_preparing");
 * ```
 */
export const SessionPreparingEvent: EventDefinition<SessionCreationBody> =
  creation("session_preparing");
/**
 * `session_cancelled`.
 *
 * @example Usage
 * ```ts
 * import { SessionCancelledEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionCancelledEvent.name, "session_cancelled");
 * ```
 */
export const SessionCancelledEvent: EventDefinition<SessionCreationBody> =
  creation("session_cancelled");
/**
 * `session_started` (broadcast).
 *
 * @example Usage
 * ```ts
 * import { SessionStartedBroadcastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionStartedBroadcastEvent.pattern, "broadcast");
 * ```
 */
export const SessionStartedBroadcastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_started");
/**
 * `session_terminating`.
 *
 * @example Usage
 * ```ts
 * import { SessionTerminatingEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTerminatingEvent.name, "session_terminating");
 * ```
 */
export const SessionTerminatingEvent: EventDefinition<SessionTerminationBody> =
  termination("session_terminating");
/**
 * `session_terminated` (broadcast).
 *
 * @example Usage
 * ```ts
 * import { SessionTerminatedBroadcastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTerminatedBroadcastEvent.name, "session_terminated");
 * ```
 */
export const SessionTerminatedBroadcastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminated");
/**
 * `session_success`.
 *
 * @example Usage
 * ```ts
 * import { SessionSuccessEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = SessionSuccessEvent.decode({
 *   body: { session_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", exit_code: 0 },
 * });
 * assert.equal(body.exit_code, 0);
 * ```
 */
export const SessionSuccessEvent: EventDefinition<SessionResultBody> = result(
  "session_success",
);
/**
 * `session_failure`.
 *
 * @example Usage
 * ```ts
 * import { SessionFailureEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionFailureEvent.name, "session_failure");
 * ```
 */
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

/**
 * `scheduling`: the scheduler's progress on a session, cached under
 * `session_scheduler.<session id>`.
 *
 * @example Usage
 * ```ts
 * import { SchedulingEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = SchedulingEvent.decode({
 *   body: null,
 *   legacyArgs: ["f38dea23-50fa-42a0-b5ae-338f5f4693f4", "c-1", "pending->scheduled", "ok"],
 * });
 * assert.equal(
 *   SchedulingEvent.cacheId(body),
 *   "session_scheduler.f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 * );
 * ```
 */
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

/**
 * The broadcast session events (register these in an `EventRegistry`).
 *
 * @example Usage
 * ```ts
 * import { SESSION_BROADCAST_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SESSION_BROADCAST_EVENTS.length, 12);
 * assert.ok(SESSION_BROADCAST_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * ```
 */
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

/**
 * `do_terminate_session` (anycast).
 *
 * @example Usage
 * ```ts
 * import { DoTerminateSessionAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DoTerminateSessionAnycastEvent.pattern, "anycast");
 * ```
 */
export const DoTerminateSessionAnycastEvent: EventDefinition<
  DoTerminateSessionBody
> = doTerminate("anycast");
/**
 * `session_enqueued` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionEnqueuedAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionEnqueuedAnycastEvent.name, "session_enqueued");
 * ```
 */
export const SessionEnqueuedAnycastEvent: EventDefinition<SessionCreationBody> =
  creation("session_enqueued", "anycast");
/**
 * `session_checking_precondition` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionCheckingPreconditionAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionCheckingPreconditionAnycastEvent.pattern, "anycast");
 * ```
 */
export const SessionCheckingPreconditionAnycastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_checking_precondition", "anycast");
/**
 * `session_cancelled` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionCancelledAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionCancelledAnycastEvent.name, "session_cancelled");
 * ```
 */
export const SessionCancelledAnycastEvent: EventDefinition<
  SessionCreationBody
> = creation("session_cancelled", "anycast");
/**
 * `session_started` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionStartedAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionStartedAnycastEvent.name, "session_started");
 * ```
 */
export const SessionStartedAnycastEvent: EventDefinition<SessionCreationBody> =
  creation("session_started", "anycast");
/**
 * `session_terminating` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionTerminatingAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTerminatingAnycastEvent.name, "session_terminating");
 * ```
 */
export const SessionTerminatingAnycastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminating", "anycast");
/**
 * `session_terminated` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionTerminatedAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTerminatedAnycastEvent.name, "session_terminated");
 * ```
 */
export const SessionTerminatedAnycastEvent: EventDefinition<
  SessionTerminationBody
> = termination("session_terminated", "anycast");
/**
 * `session_success` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionSuccessAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionSuccessAnycastEvent.name, "session_success");
 * ```
 */
export const SessionSuccessAnycastEvent: EventDefinition<SessionResultBody> =
  result("session_success", "anycast");
/**
 * `session_failure` (anycast).
 *
 * @example Usage
 * ```ts
 * import { SessionFailureAnycastEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionFailureAnycastEvent.name, "session_failure");
 * ```
 */
export const SessionFailureAnycastEvent: EventDefinition<SessionResultBody> =
  result("session_failure", "anycast");
/**
 * `execution_started`.
 *
 * @example Usage
 * ```ts
 * import { ExecutionStartedEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const body = ExecutionStartedEvent.decode({
 *   body: null, legacyArgs: ["f38dea23-50fa-42a0-b5ae-338f5f4693f4"],
 * });
 * assert.equal(ExecutionStartedEvent.domainId(body), body.session_id);
 * ```
 */
export const ExecutionStartedEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_started");
/**
 * `execution_finished`.
 *
 * @example Usage
 * ```ts
 * import { ExecutionFinishedEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ExecutionFinishedEvent.name, "execution_finished");
 * ```
 */
export const ExecutionFinishedEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_finished");
/**
 * `execution_timeout`.
 *
 * @example Usage
 * ```ts
 * import { ExecutionTimeoutEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ExecutionTimeoutEvent.name, "execution_timeout");
 * ```
 */
export const ExecutionTimeoutEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_timeout");
/**
 * `execution_cancelled`.
 *
 * @example Usage
 * ```ts
 * import { ExecutionCancelledEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ExecutionCancelledEvent.name, "execution_cancelled");
 * ```
 */
export const ExecutionCancelledEvent: EventDefinition<SessionExecutionBody> =
  execution("execution_cancelled");

/**
 * The anycast session events.
 *
 * @example Usage
 * ```ts
 * import { SESSION_ANYCAST_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SESSION_ANYCAST_EVENTS.length, 13);
 * assert.ok(SESSION_ANYCAST_EVENTS.every((definition) => definition.pattern === "anycast"));
 * ```
 */
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
