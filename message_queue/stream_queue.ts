// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StreamQueue}: the message queue semantics (consumer groups,
 * redelivery with the same id, dead letters, broadcast with a cache, durable
 * broadcast) written once over a {@linkcode StreamStore}, the handful of
 * Redis-Streams-shaped primitives a backend provides (see `store.ts`).
 * `MemoryQueue` and `RedisStreamQueue` are this class over their stores,
 * which is why one conformance suite fits both. The queue checks the
 * options, makes the components (anycaster, broadcaster, consumer,
 * subscribers) and closes them with the store.
 *
 * @module
 */

import { consoleLogger, type Logger } from "../utils.ts";
import { MessageQueueClosedError } from "./errors.ts";
import type { StreamInfo, StreamStore } from "./store.ts";
import type { QueueStats, TrimReport } from "./trimming.ts";
import type {
  Anycaster,
  AnycasterOptions,
  Broadcaster,
  BroadcasterOptions,
  Consumer,
  ConsumerOptions,
  DeadLetter,
  DurableSubscriberOptions,
  MessageQueue,
  MessageQueueOptions,
  SignalOptions,
  Subscriber,
  SubscriberOptions,
} from "./types.ts";
import { DEAD_LETTER_SUFFIX, readDeadLetter } from "./dead_letter.ts";
import { StreamAnycaster } from "./_anycaster.ts";
import {
  DurableSubscriber,
  StreamBroadcaster,
  StreamSubscriber,
} from "./_broadcast.ts";
import { StreamConsumer } from "./_consumer.ts";
import { ConsumerNames } from "./_consumer_name.ts";
import {
  DEFAULT_STREAM,
  nonNegativeInteger,
  positiveInteger,
} from "./_util.ts";
import { Retention, type RetentionOptions } from "./_retention.ts";
import { invalidOption } from "../_options.ts";
import { raceSignal } from "../_wait.ts";

const DEFAULTS = {
  nodeId: "node",
  maxLen: 100_000,
  trimIntervalMs: 1000,
  backpressureTimeoutMs: 30_000,
  stream: DEFAULT_STREAM,
  channel: "events_all",
  cacheTtlSeconds: 300,
} as const;

const BACKPRESSURE = ["none", "wait", "reject"] as const;

/** Checks and resolves the retention options. */
function retentionOptions(
  options: MessageQueueOptions,
  logger: Logger,
): RetentionOptions {
  const maxLen = positiveInteger(options.maxLen, DEFAULTS.maxLen, "maxLen");
  const hardMaxLen = options.hardMaxLen === undefined
    ? undefined
    : positiveInteger(options.hardMaxLen, 0, "hardMaxLen");
  if (hardMaxLen !== undefined && hardMaxLen < maxLen) {
    invalidOption(
      "message queue",
      "hardMaxLen",
      hardMaxLen,
      `must be at least maxLen (${maxLen}); lower maxLen too`,
    );
  }
  const backpressure = options.backpressure ?? "none";
  if (!BACKPRESSURE.includes(backpressure)) {
    invalidOption(
      "message queue",
      "backpressure",
      backpressure,
      `must be one of ${BACKPRESSURE.join(", ")}`,
    );
  }
  if (backpressure !== "none" && hardMaxLen === undefined) {
    invalidOption(
      "message queue",
      "backpressure",
      backpressure,
      "needs hardMaxLen (the length at which anycasts wait or are refused)",
    );
  }
  return {
    maxLen,
    hardMaxLen,
    intervalMs: positiveInteger(
      options.trimIntervalMs,
      DEFAULTS.trimIntervalMs,
      "trimIntervalMs",
    ),
    backpressure,
    backpressureTimeoutMs: positiveInteger(
      options.backpressureTimeoutMs,
      DEFAULTS.backpressureTimeoutMs,
      "backpressureTimeoutMs",
    ),
    logger,
    onTrim: options.onTrim,
    onTrimLoss: options.onTrimLoss,
  };
}

/**
 * The message queue over a {@linkcode StreamStore}. It owns the store and
 * every component it makes; `close()` closes them all.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreamStore, StreamQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new StreamQueue(new MemoryStreamStore(), { nodeId: "n1" });
 * await using consumer = await queue.consumer({ group: "g" });
 * await queue.anycaster().anycast({ name: "hi", source: "n1", payload: "{}" });
 * for await (const message of consumer) {
 *   assert.equal(message.name, "hi");
 *   await consumer.done(message);
 *   break;
 * }
 * ```
 */
export class StreamQueue implements MessageQueue {
  readonly #store: StreamStore;
  readonly #nodeId: string;
  readonly #maxLen: number;
  readonly #logger: Logger;
  readonly #components: Set<{ close(): Promise<void> }> = new Set();
  readonly #names: ConsumerNames;
  readonly #retention: Retention;
  #closed = false;

  /**
   * Makes a queue over `store`, which it then owns.
   *
   * @param store The backend.
   * @param options The node id, worker index, stream lengths, trimming,
   * backpressure, hooks and logger.
   * @throws {InvalidAPIParameters} When a length or interval is not a
   * positive integer, `hardMaxLen` is below `maxLen`, or `backpressure` is
   * unknown or set without `hardMaxLen`.
   */
  constructor(store: StreamStore, options: MessageQueueOptions = {}) {
    this.#store = store;
    this.#nodeId = options.nodeId ?? DEFAULTS.nodeId;
    this.#logger = options.logger ?? consoleLogger;
    const retention = retentionOptions(options, this.#logger);
    this.#maxLen = retention.maxLen;
    this.#retention = new Retention(store, retention);
    this.#names = new ConsumerNames({
      nodeId: options.nodeId,
      workerIndex: options.workerIndex === undefined
        ? undefined
        : nonNegativeInteger(options.workerIndex, "workerIndex"),
      logger: this.#logger,
    });
  }

  #checkOpen(what: string): void {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        `Cannot make a ${what}: the message queue is closed`,
      );
    }
  }

  /**
   * Makes a component with a close hook that forgets it, and holds it
   * until then: a process that makes short-lived components does not grow.
   */
  #track<T extends { close(): Promise<void> }>(
    make: (onClose: () => void) => T,
  ): T {
    let component: T | undefined = undefined;
    const forget = (): void => {
      if (component !== undefined) this.#components.delete(component);
    };
    component = make(forget);
    this.#components.add(component);
    return component;
  }

  /**
   * What the queue holds and has done so far.
   *
   * @example Usage
   * ```ts
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue();
   * const anycaster = queue.anycaster();
   * assert.equal(queue.stats.openComponents, 1);
   * await anycaster.close();
   * assert.equal(queue.stats.openComponents, 0);
   * ```
   *
   * @returns A snapshot of the counters.
   */
  get stats(): QueueStats {
    return {
      openComponents: this.#components.size,
      ...this.#retention.stats,
    };
  }

  /**
   * Makes an anycaster for a stream.
   *
   * @param options The stream (default `"events"`).
   * @returns The anycaster.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  anycaster(options: AnycasterOptions = {}): Anycaster {
    this.#checkOpen("anycaster");
    const stream = options.stream ?? DEFAULTS.stream;
    const watch = this.#retention.watch(stream);
    return this.#track((onClose) =>
      new StreamAnycaster(this.#store, {
        stream,
        gate: watch.gate,
        onClose: () => {
          watch.release();
          onClose();
        },
      })
    );
  }

  /**
   * Makes a broadcaster for a channel.
   *
   * @param options The channel (default `"events_all"`), cache TTL (300 s)
   * and durable stream.
   * @returns The broadcaster.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  broadcaster(options: BroadcasterOptions = {}): Broadcaster {
    this.#checkOpen("broadcaster");
    const cacheTtlSeconds = positiveInteger(
      options.cacheTtlSeconds,
      DEFAULTS.cacheTtlSeconds,
      "cacheTtlSeconds",
    );
    const durable = options.durableStream;
    const watch = durable === undefined
      ? undefined
      : this.#retention.watch(durable);
    return this.#track((onClose) =>
      new StreamBroadcaster(this.#store, {
        channel: options.channel ?? DEFAULTS.channel,
        cacheTtlSeconds,
        durableStream: durable,
        onClose: () => {
          watch?.release();
          onClose();
        },
      })
    );
  }

  /**
   * Makes a consumer and creates its group on every stream.
   *
   * @param options The group and the read and redelivery settings.
   * @returns The consumer.
   * @throws {MessageQueueClosedError} When the queue is closed.
   * @throws {InvalidAPIParameters} When a setting is out of range.
   */
  async consumer(options: ConsumerOptions): Promise<Consumer> {
    this.#checkOpen("consumer");
    const lease = options.name === undefined
      ? this.#names.acquire(options.group)
      : undefined;
    const watches = [...new Set(options.streams ?? [DEFAULTS.stream])].map((
      stream,
    ) => this.#retention.watch(stream));
    const release = () => {
      lease?.release();
      for (const watch of watches) watch.release();
    };
    let consumer: StreamConsumer;
    try {
      consumer = this.#track((onClose) =>
        new StreamConsumer(this.#store, {
          ...options,
          name: options.name ?? lease?.name as string,
          logger: this.#logger,
          onClose: () => {
            release();
            onClose();
          },
        })
      );
    } catch (err) {
      release();
      throw err;
    }
    try {
      await raceSignal(consumer.start(), options.signal);
    } catch (err) {
      await consumer.close();
      throw err;
    }
    return consumer;
  }

  /**
   * Makes a subscriber; resolves once it is subscribed.
   *
   * @param options The channels (default `["events_all"]`).
   * @returns The subscriber.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  async subscriber(options: SubscriberOptions = {}): Promise<Subscriber> {
    this.#checkOpen("subscriber");
    const channels = options.channels ?? [DEFAULTS.channel];
    // Each channel's dead letters are capped (and counted) by the retention
    // step while the subscriber is open.
    const watches = [...new Set(channels)].map((channel) =>
      this.#retention.watch(channel + DEAD_LETTER_SUFFIX, "dead-letters")
    );
    const subscriber = this.#track((onClose) =>
      new StreamSubscriber(this.#store, {
        channels,
        name: this.#nodeId,
        logger: this.#logger,
        onClose: () => {
          for (const watch of watches) watch.release();
          onClose();
        },
      })
    );
    try {
      await raceSignal(subscriber.start(), options.signal);
    } catch (err) {
      await subscriber.close();
      throw err;
    }
    return subscriber;
  }

  /**
   * Makes a durable subscriber: a consumer group of its own on the durable
   * broadcast stream, acknowledging a message when the next is asked for.
   *
   * @param options The subscriber id, the stream, and consumer settings.
   * @returns The subscriber.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  async durableSubscriber(
    options: DurableSubscriberOptions,
  ): Promise<Subscriber> {
    const { subscriberId, stream, ...rest } = options;
    const consumer = await this.consumer({
      ...rest,
      group: subscriberId,
      name: subscriberId,
      streams: [stream],
    });
    return new DurableSubscriber(consumer);
  }

  /**
   * Reads the dead-letter stream (`<stream>.dlq`), oldest first.
   *
   * @param stream The original stream (default `"events"`).
   * @param options How many at most (default 100) and the abort signal.
   * @returns The dead letters.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  async deadLetters(
    stream: string = DEFAULTS.stream,
    options: SignalOptions & { count?: number } = {},
  ): Promise<DeadLetter[]> {
    this.#checkOpen("dead-letter read");
    const entries = await raceSignal(
      this.#store.range(
        stream + DEAD_LETTER_SUFFIX,
        positiveInteger(options.count, 100, "count"),
      ),
      options.signal,
    );
    return entries.map((entry) => readDeadLetter(entry));
  }

  /**
   * Reports a stream and each consumer group's lag on it: how many entries
   * it has not been delivered yet (`lag`) and how many it has not
   * acknowledged (`pending`).
   *
   * @example A group that stopped reading
   * ```ts
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue();
   * const consumer = await queue.consumer({ group: "manager" });
   * await consumer.close(); // down for a while
   * await queue.anycaster().anycastBatch(
   *   Array.from({ length: 5 }, () => ({ name: "m", source: "s", payload: "{}" })),
   * );
   * const info = await queue.streamInfo("events");
   * assert.equal(info?.length, 5);
   * assert.equal(info?.groups[0]?.lag, 5);
   * ```
   *
   * @param stream The stream (default `"events"`).
   * @param options The abort signal.
   * @returns Its state, or `undefined` when it does not exist.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  async streamInfo(
    stream: string = DEFAULTS.stream,
    options: SignalOptions = {},
  ): Promise<StreamInfo | undefined> {
    this.#checkOpen("stream info read");
    return await raceSignal(this.#store.streamInfo(stream), options.signal);
  }

  /**
   * Runs the trimming step at once on every stream the queue watches (the
   * streams of its open anycasters, durable broadcasters and consumers); it
   * also runs every `trimIntervalMs`. Losses are logged, counted, passed to
   * `onTrimLoss` and recorded as they are by the loop.
   *
   * @example Nothing a group still needs is trimmed
   * ```ts
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue({ maxLen: 10 });
   * const consumer = await queue.consumer({ group: "manager" });
   * await consumer.close();
   * await queue.anycaster().anycastBatch(
   *   Array.from({ length: 50 }, () => ({ name: "m", source: "s", payload: "{}" })),
   * );
   * const [report] = await queue.trimNow();
   * assert.equal(report?.trimmed, 0);
   * assert.equal(report?.info?.length, 50);
   * ```
   *
   * @returns What it did, per stream.
   * @throws {MessageQueueClosedError} When the queue is closed.
   */
  async trimNow(): Promise<TrimReport[]> {
    this.#checkOpen("trimming step");
    return await this.#retention.runNow();
  }

  /** Closes every component, then the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#retention.close();
    await Promise.allSettled([...this.#components].map((c) => c.close()));
    this.#components.clear();
    this.#names.close();
    await this.#store.close();
  }

  /** Same as {@linkcode StreamQueue.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
