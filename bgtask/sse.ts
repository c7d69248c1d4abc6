// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Live progress of one task over Server-Sent Events, built on the
 * {@linkcode EventHub}: {@linkcode relayBgtaskEvents} feeds the hub from a
 * dispatcher, {@linkcode taskEventStream} answers one client.
 *
 * @module
 */

import { BGTASK_EVENTS } from "../events/catalogue/bgtask.ts";
import { EventDomain } from "../events/define.ts";
import type {
  EventDispatcher,
  HandlerRegistration,
} from "../events/dispatcher.ts";
import {
  type CachedEventFetcher,
  CachedEventPropagator,
  type EventHub,
  eventStreamResponse,
} from "../events/hub.ts";
import type { Event } from "../events/define.ts";

/**
 * Subscribes `dispatcher` to the five `bgtask_*` broadcast events and
 * propagates each into `hub`, routed by task id.
 *
 * @example Usage
 * ```ts
 * import { relayBgtaskEvents } from "@backendai/common/bgtask";
 * import { EventDispatcher, EventHub } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using dispatcher = new EventDispatcher(queue, { group: "web" });
 * const registrations = relayBgtaskEvents(dispatcher, new EventHub());
 * assert.equal(registrations.length, 5);
 * ```
 *
 * @param dispatcher Where the broadcast events arrive.
 * @param hub Where they go.
 * @returns The registrations (pass them to `dispatcher.unsubscribe`).
 */
export function relayBgtaskEvents(
  dispatcher: EventDispatcher,
  hub: EventHub,
): HandlerRegistration[] {
  return BGTASK_EVENTS.map((definition) =>
    dispatcher.subscribe(definition, (_context, _source, body) => {
      hub.propagate(definition.create(body));
    })
  );
}

/** Options of {@linkcode taskEventStream}. */
export interface TaskEventStreamOptions {
  /** The hub fed by {@linkcode relayBgtaskEvents}. */
  hub: EventHub;
  /** Reads the cached last event (see `cachedEventFetcher`). */
  fetchCached: CachedEventFetcher;
  /**
   * Ends the stream, e.g. the request's signal.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Re-reads the cached event after this long without events, in ms.
   *
   * @default {30000}
   */
  refetchAfterMs?: number | undefined;
  /**
   * Send a `: keep-alive` comment after this long without an event, in ms;
   * 0 sends none.
   *
   * @default {15000}
   */
  keepAliveMs?: number | undefined;
}

/**
 * A `text/event-stream` Response with one task's progress: the cached last
 * event first (so a late client sees the current state, or the end), then
 * live events, as upstream's user events (`bgtask_updated` with `retry`,
 * then a closing `bgtask_done`, `bgtask_failed` or `bgtask_cancelled`), with
 * keep-alive comments while idle. The propagator leaves the hub as soon as
 * the stream ends, the client goes or the signal aborts.
 *
 * @example A late client gets the cached end
 * ```ts
 * import { BackgroundTaskManager, taskEventStream } from "@backendai/common/bgtask";
 * import {
 *   BGTASK_EVENTS, cachedEventFetcher, EventHub, EventProducer, EventRegistry,
 * } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using manager = new BackgroundTaskManager({
 *   producer: new EventProducer(queue, { source: "m1" }), serverId: "m1",
 * });
 * const taskId = await manager.start(() => "finished early");
 * await manager.wait(taskId);
 * const response = taskEventStream(taskId, {
 *   hub: new EventHub(),
 *   fetchCached: cachedEventFetcher(queue.broadcaster(), new EventRegistry(BGTASK_EVENTS)),
 * });
 * assert.match(await response.text(), /^event: bgtask_done\ndata: .*"finished early"/);
 * ```
 *
 * @param taskId The task id.
 * @param options The hub, the cache reader, the signal and the re-read interval.
 * @returns The streaming response.
 */
export function taskEventStream(
  taskId: string,
  options: TaskEventStreamOptions,
): Response {
  const { hub } = options;
  const propagator = new CachedEventPropagator(options.fetchCached, {
    cacheId: `bgtask.${taskId}`,
    refetchAfterMs: options.refetchAfterMs,
  });
  // Registered on the first read, not before: a stream cancelled or aborted
  // before it is read never runs this generator, so its finally could not
  // unregister. Nothing is missed meanwhile: the read starts with the
  // cached last event. `stop` is the stream's stop signal (the client went
  // away, or `options.signal` aborted): it ends a wait at once, so the
  // propagator leaves the hub then, not after the next re-read.
  async function* events(stop: AbortSignal): AsyncGenerator<Event> {
    hub.register(propagator, [[EventDomain.BGTASK, taskId]]);
    try {
      yield* propagator.receive(stop);
    } finally {
      hub.unregister(propagator.id);
    }
  }
  return eventStreamResponse(events, {
    signal: options.signal,
    keepAliveMs: options.keepAliveMs,
  });
}
