// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode EventDispatcher}: runs typed handlers for anycast events (as a
 * member of a consumer group, acking only when every handler succeeded) and
 * broadcast events (as a subscriber), with the producer's request context
 * re-entered around each handler.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import { MessageQueueClosedError } from "../message_queue/errors.ts";
import type {
  ConsumedMessage,
  Consumer,
  MessageQueue,
  Subscriber,
} from "../message_queue/types.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { handleAnycast, reportHandlerError, runAll } from "./_full_path.ts";
import {
  callHandler,
  newRegistration,
  plainRegistration,
  type Registration,
} from "./_registration.ts";
import type { EventDefinition } from "./define.ts";
import type {
  EventDispatcherOptions,
  EventHandler,
  HandlerOptions,
} from "./handler.ts";
import { errorText } from "../_error_text.ts";

/** The fast path ran the handler and it returned: ack with the batch. */
const HANDLED = "handled";
/** The fast path does not apply: run the full path. */
const FULL_PATH = "full-path";

/**
 * What the anycast fast path did with one message: {@linkcode HANDLED},
 * {@linkcode FULL_PATH}, or a promise while the handler runs or its failure
 * is settled (the message is then acked or failed by that promise).
 */
type FastPathResult = typeof HANDLED | typeof FULL_PATH | Promise<void>;

/**
 * A registered handler; pass it to `unconsume` / `unsubscribe`.
 *
 * @example Usage
 * ```ts
 * import { BgtaskDoneEvent, EventDispatcher, type HandlerRegistration } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 *
 * await using queue = new MemoryQueue();
 * const dispatcher = new EventDispatcher(queue);
 * const registration: HandlerRegistration = dispatcher.subscribe(BgtaskDoneEvent, () => {});
 * dispatcher.unsubscribe(registration);
 * ```
 */
export interface HandlerRegistration {
  /** The handler's name. */
  readonly name: string;
  /** The event name. */
  readonly event: string;
  /** Anycast (`consume`) or broadcast (`subscribe`). */
  readonly pattern: "anycast" | "broadcast";
}

/**
 * Runs typed handlers for events from a message queue (upstream
 * `EventDispatcher`).
 *
 * - Anycast (`consume`): the dispatcher is one member of the consumer group;
 *   a message is acked when every handler of it succeeded, acked at once
 *   when it has no handler, redelivered when a handler failed, and moved to
 *   the dead-letter stream when its body cannot be decoded.
 * - Broadcast (`subscribe`): every handler runs; one failing never stops
 *   the others.
 * - Around each handler the producer's request id and users are re-entered,
 *   so `currentRequestId()` inside it is the producer's.
 *
 * @example Anycast with a request id flowing through
 * ```ts
 * import { currentRequestId, withRequestId } from "@backendai/common/contexts";
 * import {
 *   BgtaskDoneEvent, EventDispatcher, EventProducer,
 * } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using dispatcher = new EventDispatcher(queue, { group: "manager" });
 * let report!: (line: string) => void;
 * const seen = new Promise<string>((resolve) => (report = resolve));
 * dispatcher.consume(BgtaskDoneEvent, (_context, _source, body) => {
 *   report(`${body.message} ${currentRequestId()}`);
 * });
 * await dispatcher.start();
 * const producer = new EventProducer(queue, { source: "manager" });
 * await withRequestId("req-7", () =>
 *   producer.anycast(BgtaskDoneEvent.create({
 *     task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: "ok",
 *   }))
 * );
 * assert.equal(await seen, "ok req-7");
 * ```
 */
export class EventDispatcher implements AsyncDisposable {
  readonly #queue: MessageQueue;
  readonly #options: EventDispatcherOptions;
  readonly #logger: Logger;
  readonly #consumers = new Map<string, Set<Registration>>();
  readonly #subscribers = new Map<string, Set<Registration>>();
  // Per event name, the anycast registration the fast path may run on its
  // own: the only one, with no coalescing or reporters (kept up to date by
  // #register and #unregister).
  readonly #plainAnycast = new Map<string, Registration>();
  // Running anycast handlings (bounded by `concurrency`) and broadcast
  // handlings (unbounded: pub/sub cannot wait); close() waits for both.
  readonly #anycastInFlight = new Set<Promise<void>>();
  readonly #broadcastInFlight = new Set<Promise<void>>();
  readonly #concurrency: number;
  #consumer: Consumer | undefined;
  #subscriber: Subscriber | undefined;
  #loops: Promise<void>[] = [];
  readonly #stopping = new AbortController();
  #started = false;
  #closed = false;

  /**
   * Makes a dispatcher on `queue` (which it does not own).
   *
   * @param queue The message queue.
   * @param options The group, channels, concurrency and error hooks.
   * @throws {InvalidAPIParameters} When `concurrency` is not a positive integer.
   */
  constructor(queue: MessageQueue, options: EventDispatcherOptions = {}) {
    const concurrency = options.concurrency ?? 64;
    if (!Number.isInteger(concurrency) || concurrency <= 0) {
      throw new InvalidAPIParameters(
        `"concurrency" must be a positive integer, got ${concurrency}`,
        { data: { field: "concurrency" } },
      );
    }
    this.#queue = queue;
    this.#options = options;
    this.#concurrency = concurrency;
    this.#logger = options.logger ?? consoleLogger;
  }

  #register<Context, Body>(
    table: Map<string, Set<Registration>>,
    pattern: "anycast" | "broadcast",
    definition: EventDefinition<Body>,
    handler: EventHandler<Context, Body>,
    options: HandlerOptions<Context>,
    eventName: string = definition.name,
  ): HandlerRegistration {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot register a handler: the dispatcher is closed",
      );
    }
    const registration = newRegistration(
      pattern,
      definition,
      handler,
      options,
      eventName,
    );
    let set = table.get(eventName);
    if (set === undefined) {
      set = new Set();
      table.set(eventName, set);
    }
    set.add(registration as unknown as Registration);
    if (table === this.#consumers) this.#updatePlainAnycast(eventName);
    return registration;
  }

  #updatePlainAnycast(eventName: string): void {
    const only = plainRegistration(this.#consumers.get(eventName));
    if (only === undefined) this.#plainAnycast.delete(eventName);
    else this.#plainAnycast.set(eventName, only);
  }

  /**
   * Registers an anycast handler.
   *
   * @param definition The event.
   * @param handler The handler.
   * @param options Context, name, coalescing and reporters.
   * @returns The registration.
   * @throws {InvalidAPIParameters} When the dispatcher has no `group`.
   */
  consume<Body, Context = undefined>(
    definition: EventDefinition<Body>,
    handler: EventHandler<Context, Body>,
    options: HandlerOptions<Context> = {},
  ): HandlerRegistration {
    if (this.#options.group === undefined) {
      throw new InvalidAPIParameters(
        'Cannot consume: the dispatcher was made without a "group"',
        { data: { field: "group" } },
      );
    }
    return this.#register(
      this.#consumers,
      "anycast",
      definition,
      handler,
      options,
    );
  }

  /**
   * Registers a broadcast handler.
   *
   * @param definition The event.
   * @param handler The handler.
   * @param options Context, name, coalescing, reporters, and the event name
   * to listen to when it differs from the definition's.
   * @returns The registration.
   */
  subscribe<Body, Context = undefined>(
    definition: EventDefinition<Body>,
    handler: EventHandler<Context, Body>,
    options: HandlerOptions<Context> & { eventName?: string } = {},
  ): HandlerRegistration {
    return this.#register(
      this.#subscribers,
      "broadcast",
      definition,
      handler,
      options,
      options.eventName,
    );
  }

  /**
   * Removes an anycast handler.
   *
   * @param registration What `consume` returned.
   */
  unconsume(registration: HandlerRegistration): void {
    this.#unregister(this.#consumers, registration);
  }

  /**
   * Removes a broadcast handler.
   *
   * @param registration What `subscribe` returned.
   */
  unsubscribe(registration: HandlerRegistration): void {
    this.#unregister(this.#subscribers, registration);
  }

  #unregister(
    table: Map<string, Set<Registration>>,
    registration: HandlerRegistration,
  ): void {
    const set = table.get(registration.event);
    set?.delete(registration as Registration);
    (registration as Registration).coalescer?.close();
    if (set?.size === 0) table.delete(registration.event);
    if (table === this.#consumers) this.#updatePlainAnycast(registration.event);
  }

  /**
   * Starts reading: the consumer (when a `group` was given) and the
   * subscriber. Resolves once both are connected.
   *
   * @throws {MessageQueueClosedError} When the dispatcher or queue is closed.
   */
  async start(): Promise<void> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot start: the dispatcher is closed",
      );
    }
    if (this.#started) return;
    this.#started = true;
    try {
      if (this.#options.group !== undefined) {
        this.#consumer = await this.#queue.consumer({
          ...this.#options.consumer,
          group: this.#options.group,
        });
        this.#loops.push(this.#consumeLoop(this.#consumer));
      }
      this.#subscriber = await this.#queue.subscriber({
        channels: this.#options.channels,
      });
      this.#loops.push(this.#subscribeLoop(this.#subscriber));
    } catch (err) {
      // Undone, so that a later start() tries again from the beginning.
      await this.#consumer?.close();
      await Promise.allSettled(this.#loops);
      this.#consumer = undefined;
      this.#loops = [];
      this.#started = false;
      throw err;
    }
  }

  async #consumeLoop(consumer: Consumer): Promise<void> {
    const signal = this.#stopping.signal;
    let release: (() => void) | undefined;
    const track = (handling: Promise<void>) => {
      const tracked = handling.finally(() => {
        this.#anycastInFlight.delete(tracked);
        release?.();
        release = undefined;
      });
      this.#anycastInFlight.add(tracked);
    };
    for await (const batch of consumer.batches({ signal })) {
      // Messages whose handler returned synchronously: acked together.
      const handled: ConsumedMessage[] = [];
      for (const message of batch) {
        // Once stopping, the rest stays pending and is delivered again.
        if (signal.aborted) break;
        if (this.#anycastInFlight.size >= this.#concurrency) {
          this.#ackAll(consumer, handled.splice(0));
          while (this.#anycastInFlight.size >= this.#concurrency) {
            await new Promise<void>((resolve) => (release = resolve));
          }
        }
        const fast = this.#handleAnycastNow(consumer, message);
        if (fast === HANDLED) handled.push(message);
        else if (fast === FULL_PATH) {
          track(handleAnycast(
            consumer,
            message,
            this.#consumers.get(message.name),
            this.#options,
            this.#logger,
          ));
        } else track(fast);
      }
      this.#ackAll(consumer, handled);
    }
  }

  #ackAll(consumer: Consumer, messages: ConsumedMessage[]): void {
    if (messages.length === 0) return;
    // doneAll() only queues the acks (sent in a batch, confirmed before close).
    consumer.doneAll(messages).catch((err) => {
      if (err instanceof MessageQueueClosedError) return;
      this.#logger.error("events: could not settle anycast messages", {
        ids: messages.map((message) => message.id),
        error: errorText(err),
      });
    });
  }

  /**
   * The common case without a promise per step: one plain registration (no
   * coalescing or reporters) and a body that decodes; the observer, if any,
   * is timed and told here too. Returns {@linkcode HANDLED} when the handler
   * returned successfully and synchronously (the caller acks the message),
   * a promise while the handler runs or its failure is settled, and
   * {@linkcode FULL_PATH} when the full path must run.
   */
  #handleAnycastNow(
    consumer: Consumer,
    message: ConsumedMessage,
  ): FastPathResult {
    const registration = this.#plainAnycast.get(message.name);
    if (registration === undefined) return FULL_PATH;
    let body: unknown;
    try {
      body = registration.definition.decode(message);
    } catch {
      return FULL_PATH; // the full path dead-letters it with the error
    }
    const observer = this.#options.observer;
    const started = observer === undefined ? 0 : performance.now();
    let result: unknown;
    try {
      result = callHandler(registration, message, body);
    } catch (err) {
      return this.#settleFailure(
        consumer,
        message,
        registration,
        body,
        err,
        started,
      );
    }
    if (
      typeof (result as PromiseLike<unknown> | undefined)?.then === "function"
    ) {
      return Promise.resolve(result).then(
        () => {
          this.#observeSuccess(message.name, started);
          return this.#settle(consumer.done(message), message);
        },
        (err) =>
          this.#settleFailure(
            consumer,
            message,
            registration,
            body,
            err,
            started,
          ),
      );
    }
    this.#observeSuccess(message.name, started);
    return HANDLED;
  }

  /** Tells the observer of a success on the fast path. */
  #observeSuccess(event: string, started: number): void {
    const observer = this.#options.observer;
    if (observer === undefined) return;
    try {
      observer.onSuccess(event, performance.now() - started);
    } catch (err) {
      this.#logger.error("events: the observer failed", {
        error: errorText(err),
      });
    }
  }

  /** Reports a handler's failure and leaves the message for redelivery. */
  #settleFailure(
    consumer: Consumer,
    message: ConsumedMessage,
    registration: Registration,
    body: unknown,
    err: unknown,
    started: number,
  ): Promise<void> {
    const error = err ?? new Error("A handler threw a nullish value");
    const observer = this.#options.observer;
    if (observer !== undefined) {
      try {
        observer.onFailure(message.name, performance.now() - started, error);
      } catch (observerError) {
        this.#logger.error("events: the observer failed", {
          error: errorText(observerError),
        });
      }
    }
    reportHandlerError(
      error,
      {
        event: message.name,
        handler: registration.name,
        source: message.source,
        body,
      },
      this.#options.onConsumerError,
      this.#logger,
    );
    return this.#settle(consumer.fail(message, error), message);
  }

  /**
   * Logs what settling a message throws (a closed consumer is expected);
   * the returned promise never rejects.
   */
  #settle(
    settling: Promise<void>,
    message: ConsumedMessage,
  ): Promise<void> {
    return settling.catch((err) => {
      if (err instanceof MessageQueueClosedError) return;
      this.#logger.error("events: could not settle an anycast message", {
        event: message.name,
        id: message.id,
        error: errorText(err),
      });
    });
  }

  async #subscribeLoop(subscriber: Subscriber): Promise<void> {
    for await (
      const message of subscriber.messages({ signal: this.#stopping.signal })
    ) {
      const registrations = this.#subscribers.get(message.name);
      if (registrations === undefined || registrations.size === 0) continue;
      // Broadcast handlers run without holding up the next message.
      const handling = runAll(
        [...registrations],
        message,
        this.#options.onSubscriberError,
        this.#options,
        this.#logger,
      ).then(() => {}, () => {}).finally(() => {
        this.#broadcastInFlight.delete(handling);
      });
      this.#broadcastInFlight.add(handling);
    }
  }

  /**
   * Stops reading, waits for running handlers, and closes the consumer and
   * subscriber (not the queue). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const table of [this.#consumers, this.#subscribers]) {
      for (const set of table.values()) {
        for (const registration of set) registration.coalescer?.close();
      }
    }
    // Stop taking messages, let running handlers settle their messages,
    // then release the consumer and subscriber.
    this.#stopping.abort();
    await Promise.allSettled(this.#loops);
    await Promise.allSettled([
      ...this.#anycastInFlight,
      ...this.#broadcastInFlight,
    ]);
    await this.#consumer?.close();
    await this.#subscriber?.close();
  }

  /** Same as {@linkcode EventDispatcher.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
