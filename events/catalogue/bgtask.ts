// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Background task events (upstream `event_types/bgtask/broadcast.py`),
 * broadcast with the cache domain `bgtask`, routed by task id.
 *
 * @module
 */

import { z } from "zod";
import {
  defineEvent,
  EventCacheDomain,
  type EventDefinition,
  EventDomain,
  type UserEventProjection,
} from "../define.ts";

const taskId = z.guid();
// Upstream renders a missing message with Python's str(None).
const shown = (message: string | null): string => message ?? "None";

/** The body of {@linkcode BgtaskUpdatedEvent}. */
export interface BgtaskUpdatedBody {
  /** The task's UUID. */
  task_id: string;
  /** Progress so far (a Python float). */
  current_progress: number;
  /** The total to reach (a Python float). */
  total_progress: number;
  /** A status line, or `null`. */
  message: string | null;
}

/** The body of the terminal bgtask events. */
export interface BgtaskDoneBody {
  /** The task's UUID. */
  task_id: string;
  /** A closing message, or `null`. */
  message: string | null;
}

/** The body of {@linkcode BgtaskPartialSuccessEvent}. */
export interface BgtaskPartialSuccessBody extends BgtaskDoneBody {
  /** What failed. */
  errors: string[];
}

function closing(event: string) {
  return (body: BgtaskDoneBody): UserEventProjection => ({
    event,
    retry: undefined,
    close: true,
    data: { task_id: body.task_id, message: shown(body.message) },
  });
}

/** `bgtask_updated`: a background task made progress. */
export const BgtaskUpdatedEvent: EventDefinition<BgtaskUpdatedBody> =
  defineEvent({
    name: "bgtask_updated",
    domain: EventDomain.BGTASK,
    pattern: "broadcast",
    schema: z.object({
      task_id: taskId,
      current_progress: z.number(),
      total_progress: z.number(),
      message: z.string().nullable().default(null),
    }),
    domainId: (body) => body.task_id,
    cacheDomain: EventCacheDomain.BGTASK,
    legacyFields: ["task_id", "current_progress", "total_progress", "message"],
    floatFields: ["current_progress", "total_progress"],
    userEvent: (body) => ({
      event: "bgtask_updated",
      retry: 5,
      close: false,
      data: {
        task_id: body.task_id,
        message: shown(body.message),
        current_progress: body.current_progress,
        total_progress: body.total_progress,
      },
    }),
  });

const doneSchema = z.object({
  task_id: taskId,
  message: z.string().nullable().default(null),
});

function terminal(
  name: string,
  userEvent: string,
): EventDefinition<BgtaskDoneBody> {
  return defineEvent({
    name,
    domain: EventDomain.BGTASK,
    pattern: "broadcast",
    schema: doneSchema,
    domainId: (body) => body.task_id,
    cacheDomain: EventCacheDomain.BGTASK,
    legacyFields: ["task_id", "message"],
    userEvent: closing(userEvent),
  });
}

/** `bgtask_done`: a background task finished. */
export const BgtaskDoneEvent: EventDefinition<BgtaskDoneBody> = terminal(
  "bgtask_done",
  "bgtask_done",
);

/** `bgtask_cancelled`: a background task was cancelled. */
export const BgtaskCancelledEvent: EventDefinition<BgtaskDoneBody> = terminal(
  "bgtask_cancelled",
  "bgtask_cancelled",
);

/** `bgtask_failed`: a background task failed. */
export const BgtaskFailedEvent: EventDefinition<BgtaskDoneBody> = terminal(
  "bgtask_failed",
  "bgtask_failed",
);

/** `bgtask_partial_success`: a task finished with some errors (SSE: `bgtask_done`). */
export const BgtaskPartialSuccessEvent: EventDefinition<
  BgtaskPartialSuccessBody
> = defineEvent({
  name: "bgtask_partial_success",
  domain: EventDomain.BGTASK,
  pattern: "broadcast",
  schema: z.object({
    task_id: taskId,
    message: z.string().nullable().default(null),
    errors: z.array(z.string()).default([]),
  }),
  domainId: (body) => body.task_id,
  cacheDomain: EventCacheDomain.BGTASK,
  legacyFields: ["task_id", "message", "errors"],
  userEvent: closing("bgtask_done"),
});

/**
 * Every bgtask event definition.
 *
 * @example Encoding with Python floats
 * ```ts
 * import { BGTASK_EVENTS, BgtaskUpdatedEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BGTASK_EVENTS.length, 5);
 * assert.ok(BGTASK_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * assert.equal(
 *   BgtaskUpdatedEvent.encode({
 *     task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
 *     current_progress: 0, total_progress: 10, message: "Task started",
 *   }),
 *   '{"task_id":"0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d","current_progress":0.0,"total_progress":10.0,"message":"Task started"}',
 * );
 * ```
 */
export const BGTASK_EVENTS: readonly EventDefinition<unknown>[] = [
  BgtaskUpdatedEvent,
  BgtaskDoneEvent,
  BgtaskCancelledEvent,
  BgtaskFailedEvent,
  BgtaskPartialSuccessEvent,
];
