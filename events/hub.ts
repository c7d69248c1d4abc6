// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode EventHub}: fans events out to propagators registered under
 * `(domain, id)` aliases (`"*"` for a whole domain), the plumbing behind
 * server-sent events; {@linkcode BypassPropagator},
 * {@linkcode CachedEventPropagator} (replays the cached broadcast first and
 * re-fetches it after a silence), and {@linkcode eventStreamResponse}, which
 * turns a propagator into a `text/event-stream` Response.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import type { Broadcaster } from "../message_queue/types.ts";
import { AsyncFifo, Wakeup } from "../_wait.ts";
import { type SseEvent, sseResponse } from "../web/sse.ts";
import type { Event, EventDomain, EventRegistry } from "./define.ts";

/**
 * Receives events from an {@linkcode EventHub}.
 *
 * @example A propagator that counts
 * ```ts
 * import type { EventPropagator } from "@backendai/common/events";
 *
 * let count = 0;
 * const counter: EventPropagator = {
 *   id: "counter",
 *   propagate: () => void count++,
 *   close: () => {},
 * };
 * ```
 */
export interface EventPropagator {
  /** A unique id within the hub. */
  readonly id: string;
  /**
   * Takes one event.
   *
   * @param event The event.
   */
  propagate(event: Event): void;
  /** Ends delivery. */
  close(): void;
}

/** A `(domain, id)` alias; id `"*"` matches every event of the domain. */
export type PropagatorAlias = readonly [domain: EventDomain, id: string];

/**
 * Metrics hook of an {@linkcode EventHub} (upstream
 * `EventPropagatorMetricObserver`); the metrics module's
 * `EventPropagatorMetricObserver` fits.
 *
 * @example Counting propagators
 * ```ts
 * import { BypassPropagator, EventHub, type EventHubObserver } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * let active = 0;
 * const observer: EventHubObserver = {
 *   registered: () => void active++,
 *   unregistered: () => void active--,
 * };
 * const hub = new EventHub({ observer });
 * hub.register(new BypassPropagator("p1"), [["bgtask", "*"]]);
 * assert.equal(active, 1);
 * hub.unregister("p1");
 * assert.equal(active, 0);
 * ```
 */
export interface EventHubObserver {
  /**
   * A propagator was registered.
   *
   * @param aliases Its aliases.
   */
  registered(aliases: readonly PropagatorAlias[]): void;
  /**
   * A propagator was unregistered.
   *
   * @param aliases Its aliases.
   */
  unregistered(aliases: readonly PropagatorAlias[]): void;
}

/** Options of {@linkcode EventHub}. */
export interface EventHubOptions {
  /**
   * Metrics hook.
   *
   * @default {undefined}
   */
  observer?: EventHubObserver | undefined;
}

/**
 * Routes events to propagators by their definition's domain and the body's
 * domain id (upstream `EventHub`). Events without a domain id are not
 * propagated.
 *
 * @example Usage
 * ```ts
 * import { BgtaskDoneEvent, BypassPropagator, EventHub } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const hub = new EventHub();
 * const taskId = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
 * const propagator = new BypassPropagator();
 * hub.register(propagator, [["bgtask", taskId]]);
 * hub.propagate(BgtaskDoneEvent.create({ task_id: taskId, message: "ok" }));
 * hub.shutdown();
 * const received = [];
 * for await (const event of propagator) received.push(event.definition.name);
 * assert.deepEqual(received, ["bgtask_done"]);
 * ```
 */
export class EventHub {
  readonly #propagators = new Map<string, EventPropagator>();
  readonly #aliases = new Map<string, Set<string>>();
  readonly #aliasesOf = new Map<string, string[]>();
  readonly #registeredAliases = new Map<string, readonly PropagatorAlias[]>();
  readonly #observer: EventHubObserver | undefined;

  /**
   * Makes a hub.
   *
   * @param options The metrics hook.
   */
  constructor(options: EventHubOptions = {}) {
    this.#observer = options.observer;
  }

  /** Tells the observer; a hook that throws never breaks the hub. */
  #observe(call: (observer: EventHubObserver) => void): void {
    if (this.#observer === undefined) return;
    try {
      call(this.#observer);
    } catch {
      // Metrics must not break delivery.
    }
  }

  /**
   * Adds a propagator under aliases.
   *
   * @param propagator The propagator.
   * @param aliases Where it listens.
   * @throws {InvalidAPIParameters} When its id is already registered.
   */
  register(
    propagator: EventPropagator,
    aliases: readonly PropagatorAlias[],
  ): void {
    if (this.#propagators.has(propagator.id)) {
      throw new InvalidAPIParameters(
        `Propagator "${propagator.id}" is already registered`,
        { data: { field: "id", value: propagator.id } },
      );
    }
    this.#propagators.set(propagator.id, propagator);
    const keys = aliases.map(([domain, id]) => `${domain}\u0000${id}`);
    this.#aliasesOf.set(propagator.id, keys);
    for (const key of keys) {
      let set = this.#aliases.get(key);
      if (set === undefined) {
        set = new Set();
        this.#aliases.set(key, set);
      }
      set.add(propagator.id);
    }
    if (this.#observer !== undefined) {
      this.#registeredAliases.set(propagator.id, aliases);
      this.#observe((observer) => observer.registered(aliases));
    }
  }

  /**
   * Removes a propagator (without closing it).
   *
   * @param id The propagator's id.
   * @throws {InvalidAPIParameters} When no such propagator is registered.
   */
  unregister(id: string): void {
    if (!this.#propagators.delete(id)) {
      throw new InvalidAPIParameters(`No propagator "${id}" is registered`, {
        data: { field: "id", value: id },
      });
    }
    for (const key of this.#aliasesOf.get(id) ?? []) {
      const set = this.#aliases.get(key);
      set?.delete(id);
      if (set?.size === 0) this.#aliases.delete(key);
    }
    this.#aliasesOf.delete(id);
    const aliases = this.#registeredAliases.get(id);
    if (aliases !== undefined) {
      this.#registeredAliases.delete(id);
      this.#observe((observer) => observer.unregistered(aliases));
    }
  }

  /**
   * Sends an event to the domain's wildcard propagators and those of its
   * domain id.
   *
   * @param event The event.
   * @returns How many propagators got it.
   */
  propagate(event: Event): number {
    const id = event.definition.domainId(event.body);
    if (id === null) return 0;
    const { domain } = event.definition;
    const targets = new Set([
      ...(this.#aliases.get(`${domain}\u0000*`) ?? []),
      ...(this.#aliases.get(`${domain}\u0000${id}`) ?? []),
    ]);
    for (const target of targets) {
      this.#propagators.get(target)?.propagate(event);
    }
    return targets.size;
  }

  /**
   * Closes and removes the propagators under an alias (`"*"`: the domain's
   * wildcard propagators).
   *
   * @param domain The domain.
   * @param id The id, or `"*"`.
   */
  closeByAlias(domain: EventDomain, id: string): void {
    for (
      const target of [...(this.#aliases.get(`${domain}\u0000${id}`) ?? [])]
    ) {
      this.#propagators.get(target)?.close();
      this.unregister(target);
    }
  }

  /** Closes and removes every propagator. */
  shutdown(): void {
    for (const id of [...this.#propagators.keys()]) {
      this.#propagators.get(id)?.close();
      this.unregister(id);
    }
  }
}

/**
 * A propagator that queues events for one reader (upstream
 * `AsyncBypassPropagator`); iterate it until it is closed.
 *
 * @example Usage
 * ```ts
 * import { BypassPropagator } from "@backendai/common/events";
 *
 * const propagator = new BypassPropagator();
 * propagator.close();
 * let count = 0;
 * for await (const _ of propagator) count++;
 * if (count !== 0) throw new Error("a closed propagator yields nothing");
 * ```
 */
export class BypassPropagator implements EventPropagator, AsyncIterable<Event> {
  /** The id in the hub. */
  readonly id: string;
  readonly #fifo = new AsyncFifo<Event>();
  #closed = false;

  /**
   * Makes a propagator.
   *
   * @param id Its id (default: a random UUID).
   */
  constructor(id: string = crypto.randomUUID()) {
    this.id = id;
  }

  /**
   * Queues an event.
   *
   * @param event The event.
   */
  propagate(event: Event): void {
    if (!this.#closed) this.#fifo.push(event);
  }

  /** Ends the iteration once the queued events are read. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fifo.push(CLOSE as unknown as Event);
  }

  /**
   * Iterates the events until closed or the signal aborts.
   *
   * @param signal Stops the iteration.
   * @returns The events.
   */
  async *receive(signal?: AbortSignal): AsyncIterableIterator<Event> {
    while (true) {
      const event = await this.#fifo.shift(signal);
      if (event === undefined || event === (CLOSE as unknown as Event)) {
        return;
      }
      yield event;
    }
  }

  /**
   * Same as {@linkcode BypassPropagator.receive} without a signal.
   *
   * @returns The events.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Event> {
    return this.receive();
  }
}

const CLOSE = Symbol("close");

/** Fetches the cached event of a cache id. */
export type CachedEventFetcher = (
  cacheId: string,
) => Promise<Event | undefined>;

/**
 * A fetcher that reads the broadcast cache and decodes through a registry;
 * fetch or decode errors count as "nothing cached" (as upstream).
 *
 * @example Usage
 * ```ts
 * import { BGTASK_EVENTS, cachedEventFetcher, EventRegistry } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const fetch = cachedEventFetcher(queue.broadcaster(), new EventRegistry(BGTASK_EVENTS));
 * assert.equal(await fetch("bgtask.nothing"), undefined);
 * ```
 *
 * @param broadcaster Where the cache is.
 * @param registry How names become definitions.
 * @returns The fetcher.
 */
export function cachedEventFetcher(
  broadcaster: Broadcaster,
  registry: EventRegistry,
): CachedEventFetcher {
  return async (cacheId) => {
    try {
      const message = await broadcaster.fetchCachedBroadcast(cacheId);
      return message === undefined ? undefined : registry.decode(message);
    } catch {
      return undefined;
    }
  };
}

/** Options of {@linkcode CachedEventPropagator}. */
export interface CachedEventPropagatorOptions {
  /** The cache id to replay, e.g. `bgtask.<task id>`. */
  cacheId: string;
  /**
   * Re-fetch and yield the cached event after this long without events, in
   * ms: the safety net for lossy broadcast.
   *
   * @default {30000}
   */
  refetchAfterMs?: number | undefined;
  /**
   * The propagator's id.
   *
   * @default {a random UUID}
   */
  id?: string | undefined;
}

/**
 * A propagator that first yields the cached event, then live events, and
 * re-fetches the cached event after each silence (upstream
 * `WithCachePropagator`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskDoneEvent, CachedEventPropagator } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const cached = BgtaskDoneEvent.create({
 *   task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: "earlier",
 * });
 * const propagator = new CachedEventPropagator(() => Promise.resolve(cached), {
 *   cacheId: "bgtask.0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
 * });
 * for await (const event of propagator) {
 *   assert.equal((event.body as { message: string }).message, "earlier");
 *   propagator.close();
 * }
 * ```
 */
export class CachedEventPropagator
  implements EventPropagator, AsyncIterable<Event> {
  /** The id in the hub. */
  readonly id: string;
  readonly #fetch: CachedEventFetcher;
  readonly #cacheId: string;
  readonly #refetchAfterMs: number;
  readonly #events: Event[] = [];
  readonly #wakeup = new Wakeup();
  #closed = false;

  /**
   * Makes a propagator.
   *
   * @param fetch Reads the cached event.
   * @param options The cache id, silence and id.
   */
  constructor(
    fetch: CachedEventFetcher,
    options: CachedEventPropagatorOptions,
  ) {
    this.#fetch = fetch;
    this.#cacheId = options.cacheId;
    this.#refetchAfterMs = options.refetchAfterMs ?? 30_000;
    this.id = options.id ?? crypto.randomUUID();
  }

  /**
   * Queues an event.
   *
   * @param event The event.
   */
  propagate(event: Event): void {
    if (this.#closed) return;
    this.#events.push(event);
    this.#wakeup.notify();
  }

  /** Ends the iteration after the queued events. */
  close(): void {
    this.#closed = true;
    this.#wakeup.notify();
  }

  /**
   * Yields the cached event, then live ones, re-fetching after silences.
   *
   * @param signal Stops the iteration.
   * @returns The events.
   */
  async *receive(signal?: AbortSignal): AsyncIterableIterator<Event> {
    const cached = await this.#fetch(this.#cacheId);
    if (cached !== undefined) yield cached;
    while (!signal?.aborted) {
      const next = this.#events.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.#closed) return;
      const before = this.#events.length;
      await this.#wakeup.wait(this.#refetchAfterMs, signal);
      if (
        this.#events.length === before && !this.#closed && !signal?.aborted
      ) {
        const again = await this.#fetch(this.#cacheId);
        if (again !== undefined) yield again;
      }
    }
  }

  /**
   * Same as {@linkcode CachedEventPropagator.receive} without a signal.
   *
   * @returns The events.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Event> {
    return this.receive();
  }
}

/** Options of {@linkcode eventStreamResponse}. */
export interface EventStreamOptions {
  /**
   * Ends the stream (e.g. the request's signal).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Extra response headers.
   *
   * @default {{}}
   */
  headers?: HeadersInit | undefined;
  /**
   * Send a `: keep-alive` comment after this long without an event, in ms;
   * 0 sends none (see `sseResponse` of `@backendai/common/web`).
   *
   * @default {15000}
   */
  keepAliveMs?: number | undefined;
}

/**
 * Turns events into a `text/event-stream` Response with upstream's user
 * event projection: each event with a projection becomes `event:`,
 * optional `retry:` and `data:` lines; a close event ends the stream.
 * Events without a projection are skipped. The stream is the web layer's
 * `sseResponse`: keep-alive comments while idle, and the source stops when
 * the client goes away or the signal aborts (a propagator's `receive()` and
 * a function source get the stream's stop signal; any other iterable's
 * `return()` is called at once).
 *
 * @example Usage
 * ```ts
 * import {
 *   BgtaskDoneEvent, BypassPropagator, eventStreamResponse,
 * } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const propagator = new BypassPropagator();
 * propagator.propagate(BgtaskDoneEvent.create({
 *   task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: null,
 * }));
 * const response = eventStreamResponse(propagator);
 * assert.equal(response.headers.get("content-type"), "text/event-stream");
 * assert.equal(
 *   await response.text(),
 *   'event: bgtask_done\ndata: {"task_id":"0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d","message":"None"}\n\n',
 * );
 * ```
 *
 * @param events The events: a propagator, any iterable, or a function of
 * the stream's stop signal giving them.
 * @param options Abort signal, extra headers and the keep-alive interval.
 * @returns The streaming response.
 */
export function eventStreamResponse(
  events:
    | AsyncIterable<Event>
    | ((signal: AbortSignal) => AsyncIterable<Event>),
  options: EventStreamOptions = {},
): Response {
  return sseResponse(
    (signal) =>
      userEventFrames(
        typeof events === "function" ? events(signal) : events,
        signal,
      ),
    {
      signal: options.signal,
      headers: options.headers,
      keepAliveMs: options.keepAliveMs,
    },
  );
}

/**
 * The SSE frames of events' user projections, up to a close event. A
 * propagator is read with the stream's stop signal (its `receive(signal)`
 * ends while waiting); `return()` reaches the source at once, even while a
 * `next()` is pending, so an idle iterable is released too.
 */
function userEventFrames(
  events: AsyncIterable<Event>,
  signal: AbortSignal,
): AsyncIterable<SseEvent> {
  const receivable = events as {
    receive?: (signal: AbortSignal) => AsyncIterator<Event>;
  };
  const source = typeof receivable.receive === "function"
    ? receivable.receive(signal)
    : events[Symbol.asyncIterator]();
  let ended = false;
  const frames: AsyncIterator<SseEvent> = {
    async next(): Promise<IteratorResult<SseEvent>> {
      while (!ended) {
        const next = await source.next();
        if (next.done) break;
        const event = next.value;
        const projection = event.definition.userEvent(event.body);
        if (projection === null) continue;
        if (projection.close) ended = true;
        return {
          done: false,
          value: {
            event: projection.event,
            retry: projection.retry,
            data: JSON.stringify(projection.data),
          },
        };
      }
      ended = true;
      return { done: true, value: undefined };
    },
    async return(): Promise<IteratorResult<SseEvent>> {
      ended = true;
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => frames };
}
