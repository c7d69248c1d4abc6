// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StreamQueue}: the message queue semantics (consumer groups,
 * redelivery with the same id, dead letters, broadcast with a cache, durable
 * broadcast) written once over a {@linkcode StreamStore}, the handful of
 * Redis-Streams-shaped primitives a backend provides (see `store.ts`).
 * `MemoryQueue` and `RedisStreamQueue` are this class over their stores,
 * which is why one conformance suite fits both.
 *
 * @module
 */

import {
  consoleLogger,
  ExponentialBackoff,
  type Logger,
  sleep,
} from "../utils.ts";
import { InvalidAPIParameters } from "../exception.ts";
import { MessageQueueClosedError } from "./errors.ts";
import {
  decodeBroadcast,
  type DecodedMessage,
  decodeStreamEntry,
  encodeBroadcast,
  encodeStreamFields,
  type OutgoingMessage,
  type StreamFieldValue,
} from "./payload.ts";
import type {
  Anycaster,
  AnycasterOptions,
  Broadcaster,
  BroadcasterOptions,
  CachedBroadcast,
  ConsumedMessage,
  Consumer,
  ConsumerOptions,
  DeadLetter,
  DurableSubscriberOptions,
  MessageId,
  MessageQueue,
  MessageQueueOptions,
  SignalOptions,
  Subscriber,
  SubscriberOptions,
} from "./types.ts";
import {
  type DeliveredEntry,
  NoGroupError,
  type StoreSubscription,
  type StreamReader,
  type StreamStore,
} from "./store.ts";
import {
  broadcastDeadLetterFields,
  DEAD_LETTER_SUFFIX,
  deadLetterFields,
  errorKey,
  readDeadLetter,
} from "./dead_letter.ts";
import { errorText, positiveInteger, text, untilEither } from "./_util.ts";
import { AsyncFifo, raceSignal } from "../_wait.ts";

const DEFAULTS = {
  nodeId: "node",
  maxLen: 100_000,
  stream: "events",
  channel: "events_all",
  cacheTtlSeconds: 300,
  batchSize: 64,
  blockMs: 10_000,
  idleTimeoutMs: 300_000,
  maxDeliveries: 5,
} as const;

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
  #closed = false;

  /**
   * Makes a queue over `store`, which it then owns.
   *
   * @param store The backend.
   * @param options The node id, stream length and logger.
   * @throws {InvalidAPIParameters} When `maxLen` is not a positive integer.
   */
  constructor(store: StreamStore, options: MessageQueueOptions = {}) {
    this.#store = store;
    this.#nodeId = options.nodeId ?? DEFAULTS.nodeId;
    this.#maxLen = positiveInteger(options.maxLen, DEFAULTS.maxLen, "maxLen");
    this.#logger = options.logger ?? consoleLogger;
  }

  #checkOpen(what: string): void {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        `Cannot make a ${what}: the message queue is closed`,
      );
    }
  }

  #track<T extends { close(): Promise<void> }>(component: T): T {
    this.#components.add(component);
    return component;
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
    return this.#track(
      new StreamAnycaster(
        this.#store,
        options.stream ?? DEFAULTS.stream,
        this.#maxLen,
      ),
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
    return this.#track(
      new StreamBroadcaster(this.#store, {
        channel: options.channel ?? DEFAULTS.channel,
        cacheTtlSeconds: positiveInteger(
          options.cacheTtlSeconds,
          DEFAULTS.cacheTtlSeconds,
          "cacheTtlSeconds",
        ),
        durableStream: options.durableStream,
        maxLen: this.#maxLen,
      }),
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
    const consumer = new StreamConsumer(this.#store, {
      ...options,
      name: options.name ?? this.#nodeId,
      maxLen: this.#maxLen,
      logger: this.#logger,
    });
    this.#track(consumer);
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
    const subscriber = this.#track(
      new StreamSubscriber(this.#store, {
        channels: options.channels ?? [DEFAULTS.channel],
        name: this.#nodeId,
        maxLen: this.#maxLen,
        logger: this.#logger,
      }),
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

  /** Closes every component, then the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#components].map((c) => c.close()));
    this.#components.clear();
    await this.#store.close();
  }

  /** Same as {@linkcode StreamQueue.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function firstId(ids: string[]): string {
  return ids[0] as string;
}

class StreamAnycaster implements Anycaster {
  readonly stream: string;
  readonly #store: StreamStore;
  readonly #maxLen: number;
  #closed = false;

  constructor(store: StreamStore, stream: string, maxLen: number) {
    this.#store = store;
    this.stream = stream;
    this.#maxLen = maxLen;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot anycast: the anycaster is closed",
      );
    }
  }

  anycast(
    message: OutgoingMessage,
    options: SignalOptions = {},
  ): Promise<MessageId> {
    // Not an async function: one promise per send fewer on the hot path.
    let adding: Promise<string[]>;
    try {
      this.#checkOpen();
      options.signal?.throwIfAborted();
      adding = this.#store.add([{
        stream: this.stream,
        fields: encodeStreamFields(message),
      }], this.#maxLen);
    } catch (err) {
      return Promise.reject(err);
    }
    return (options.signal === undefined
      ? adding
      : raceSignal(adding, options.signal)).then(firstId);
  }

  async anycastBatch(
    messages: readonly OutgoingMessage[],
    options: SignalOptions = {},
  ): Promise<MessageId[]> {
    this.#checkOpen();
    options.signal?.throwIfAborted();
    if (messages.length === 0) return [];
    const items = messages.map((message) => ({
      stream: this.stream,
      fields: encodeStreamFields(message),
    }));
    return await raceSignal(
      this.#store.add(items, this.#maxLen),
      options.signal,
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class StreamBroadcaster implements Broadcaster {
  readonly channel: string;
  readonly #store: StreamStore;
  readonly #ttl: number;
  readonly #durableStream: string | undefined;
  readonly #maxLen: number;
  #closed = false;

  constructor(
    store: StreamStore,
    options: {
      channel: string;
      cacheTtlSeconds: number;
      durableStream: string | undefined;
      maxLen: number;
    },
  ) {
    this.#store = store;
    this.channel = options.channel;
    this.#ttl = options.cacheTtlSeconds;
    this.#durableStream = options.durableStream;
    this.#maxLen = options.maxLen;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot broadcast: the broadcaster is closed",
      );
    }
  }

  broadcast(
    message: OutgoingMessage,
    options: SignalOptions = {},
  ): Promise<void> {
    return this.broadcastBatch([{ message }], options);
  }

  broadcastWithCache(
    cacheId: string,
    message: OutgoingMessage,
    options: SignalOptions = {},
  ): Promise<void> {
    return this.broadcastBatch([{ message, cacheId }], options);
  }

  async broadcastBatch(
    items: readonly CachedBroadcast[],
    options: SignalOptions = {},
  ): Promise<void> {
    this.#checkOpen();
    options.signal?.throwIfAborted();
    if (items.length === 0) return;
    const published = items.map((item) => ({
      channel: this.channel,
      data: encodeBroadcast(item.message),
      cacheKey: item.cacheId,
      cacheTtlSeconds: this.#ttl,
    }));
    const durable = this.#durableStream;
    const work: Promise<unknown>[] = [];
    // The durable copy first: once broadcast returns, a durable subscriber
    // that starts later still finds the message.
    if (durable !== undefined) {
      work.push(this.#store.add(
        items.map((item) => ({
          stream: durable,
          fields: encodeStreamFields(item.message),
        })),
        this.#maxLen,
      ));
    }
    work.push(this.#store.publish(published));
    await raceSignal(Promise.all(work), options.signal);
  }

  async fetchCachedBroadcast(
    cacheId: string,
    options: SignalOptions = {},
  ): Promise<DecodedMessage | undefined> {
    this.#checkOpen();
    const data = await raceSignal(
      this.#store.getCache(cacheId),
      options.signal,
    );
    return data === undefined ? undefined : decodeBroadcast(data);
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

interface ResolvedConsumerOptions {
  group: string;
  name: string;
  streams: readonly string[];
  start: "$" | "0";
  batchSize: number;
  blockMs: number;
  idleTimeoutMs: number;
  reclaimIntervalMs: number;
  maxDeliveries: number;
  maxLen: number;
  logger: Logger;
}

// The longest an ack waits for the next read before it is sent on its own.
const ACK_DELAY_MS = 20;

class StreamConsumer implements Consumer {
  readonly group: string;
  readonly name: string;
  readonly #store: StreamStore;
  readonly #options: ResolvedConsumerOptions;
  readonly #closing = new AbortController();
  readonly #buffer: ConsumedMessage[] = [];
  readonly #pending = new Map<string, DeliveredEntry>();
  readonly #acks = new Map<string, string[]>();
  readonly #acksInFlight = new Set<Promise<void>>();
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #cursors = new Map<string, string>();
  readonly #backoff = new ExponentialBackoff({
    initialMs: 100,
    maxMs: 30_000,
    jitter: "equal",
  });
  #reader: StreamReader | undefined;
  #nextReclaim = 0;
  #closed = false;

  constructor(
    store: StreamStore,
    options: ConsumerOptions & { name: string; maxLen: number; logger: Logger },
  ) {
    if (typeof options.group !== "string" || options.group === "") {
      throw new InvalidAPIParameters(
        'A consumer needs a "group" (a non-empty string)',
        { data: { field: "group" } },
      );
    }
    const streams = options.streams ?? [DEFAULTS.stream];
    if (streams.length === 0) {
      throw new InvalidAPIParameters(
        'A consumer needs at least one stream in "streams"',
        { data: { field: "streams" } },
      );
    }
    const idleTimeoutMs = positiveInteger(
      options.idleTimeoutMs,
      DEFAULTS.idleTimeoutMs,
      "idleTimeoutMs",
    );
    this.#store = store;
    this.group = options.group;
    this.name = options.name;
    this.#options = {
      group: options.group,
      name: options.name,
      streams: [...new Set(streams)],
      start: options.startFrom === "beginning" ? "0" : "$",
      batchSize: positiveInteger(
        options.batchSize,
        DEFAULTS.batchSize,
        "batchSize",
      ),
      blockMs: positiveInteger(options.blockMs, DEFAULTS.blockMs, "blockMs"),
      idleTimeoutMs,
      reclaimIntervalMs: positiveInteger(
        options.reclaimIntervalMs,
        Math.min(60_000, idleTimeoutMs),
        "reclaimIntervalMs",
      ),
      maxDeliveries: positiveInteger(
        options.maxDeliveries,
        DEFAULTS.maxDeliveries,
        "maxDeliveries",
      ),
      maxLen: options.maxLen,
      logger: options.logger,
    };
  }

  async start(): Promise<void> {
    await this.#ensureGroups();
    this.#reader = this.#store.openReader();
    await this.#reader.connect();
    this.#nextReclaim = Date.now() + this.#options.reclaimIntervalMs;
  }

  async #ensureGroups(start: "$" | "0" = this.#options.start): Promise<void> {
    for (const stream of this.#options.streams) {
      await this.#store.ensureGroup(stream, this.group, start);
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ConsumedMessage> {
    return this.messages();
  }

  async *messages(
    options: SignalOptions = {},
  ): AsyncIterableIterator<ConsumedMessage> {
    const signal = this.#readSignal(options);
    while (!signal.aborted) {
      const next = this.#buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await this.#refill(signal);
    }
  }

  async *batches(
    options: SignalOptions = {},
  ): AsyncIterableIterator<readonly ConsumedMessage[]> {
    const signal = this.#readSignal(options);
    while (!signal.aborted) {
      if (this.#buffer.length > 0) {
        // The whole buffer at once: one promise per read, not per message.
        yield this.#buffer.splice(0);
        continue;
      }
      await this.#refill(signal);
    }
  }

  #readSignal(options: SignalOptions): AbortSignal {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot read: the consumer is closed",
      );
    }
    return untilEither(options.signal, this.#closing.signal);
  }

  /** Reads into the buffer; a failed read is logged and backed off from. */
  async #refill(signal: AbortSignal): Promise<void> {
    try {
      await this.#fill(signal);
      this.#backoff.reset();
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof NoGroupError) {
        this.#options.logger.warn(
          "message queue: consumer group missing; recreating it",
          { group: this.group, error: err.message },
        );
        // From "0": the stream was deleted and made anew, so everything
        // in it is new to this group; "$" would skip what came meanwhile.
        await this.#ensureGroups("0").catch(() => {});
        return;
      }
      const delay = this.#backoff.next();
      this.#options.logger.warn("message queue: read failed; retrying", {
        group: this.group,
        consumer: this.name,
        delayMs: delay,
        error: errorText(err),
      });
      await sleep(delay, { signal }).catch(() => {});
    }
  }

  async #fill(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    if (now >= this.#nextReclaim) {
      this.#nextReclaim = now + this.#options.reclaimIntervalMs;
      await this.#reclaim();
      if (this.#buffer.length > 0) return;
    }
    if (this.#acks.size > 0 || this.#acksInFlight.size > 0) {
      await this.#confirmAcks();
    }
    this.#reader ??= this.#store.openReader();
    const entries = await this.#reader.read({
      group: this.group,
      consumer: this.name,
      streams: this.#options.streams,
      count: this.#options.batchSize,
      blockMs: Math.max(
        1,
        Math.min(this.#options.blockMs, this.#nextReclaim - Date.now()),
      ),
      signal,
    });
    for (const entry of entries) {
      // Synchronous unless the entry is malformed and must be dead-lettered:
      // an await per entry cost a microtask turn per message.
      const deadLettering = this.#accept(entry);
      if (deadLettering !== undefined) await deadLettering;
    }
  }

  /** Buffers a decoded entry; returns a promise only when dead-lettering it. */
  #accept(entry: DeliveredEntry): Promise<void> | undefined {
    let message: ConsumedMessage;
    try {
      message = decodeStreamEntry(entry);
    } catch (err) {
      return this.#deadLetter(entry, errorText(err));
    }
    this.#pending.set(entry.id, entry);
    this.#buffer.push(message);
    return undefined;
  }

  async #reclaim(): Promise<void> {
    const { group, name, idleTimeoutMs, batchSize, maxDeliveries, logger } =
      this.#options;
    for (const stream of this.#options.streams) {
      let cursor = this.#cursors.get(stream) ?? "0-0";
      for (let round = 0; round < 10; round++) {
        const result = await this.#store.claimIdle({
          stream,
          group,
          consumer: name,
          minIdleMs: idleTimeoutMs,
          count: batchSize,
          cursor,
        });
        if (result.deleted.length > 0) {
          logger.warn(
            "message queue: pending entries were trimmed from the stream before an ack; raise maxLen",
            { stream, group, ids: result.deleted },
          );
        }
        for (const entry of result.entries) {
          if (entry.deliveryCount > maxDeliveries) {
            const stored = await this.#store.getCache(
              errorKey(stream, group, entry.id),
            );
            const error = stored === undefined
              ? `No ack after ${maxDeliveries} deliveries`
              : `${
                text(stored)
              } (then no ack after ${maxDeliveries} deliveries)`;
            await this.#deadLetter(
              { ...entry, deliveryCount: entry.deliveryCount - 1 },
              error,
            );
          } else {
            await this.#accept(entry);
          }
        }
        cursor = result.cursor;
        if (cursor === "0-0") break;
      }
      this.#cursors.set(stream, cursor);
    }
  }

  async #deadLetter(entry: DeliveredEntry, error: string): Promise<void> {
    const { group, name, maxLen, logger } = this.#options;
    try {
      const id = await this.#store.deadLetter({
        stream: entry.stream,
        group,
        id: entry.id,
        deadLetterStream: entry.stream + DEAD_LETTER_SUFFIX,
        fields: deadLetterFields(entry.fields, {
          stream: entry.stream,
          id: entry.id,
          group,
          consumer: name,
          deliveryCount: entry.deliveryCount,
          error,
        }),
        maxLen,
      });
      this.#pending.delete(entry.id);
      logger.warn("message queue: message moved to the dead-letter stream", {
        stream: entry.stream,
        id: entry.id,
        deadLetterId: id,
        group,
        deliveryCount: entry.deliveryCount,
        error,
      });
    } catch (err) {
      // Left pending: a later reclaim tries again. Nothing is lost.
      logger.error("message queue: could not dead-letter a message", {
        stream: entry.stream,
        id: entry.id,
        error: errorText(err),
      });
    }
  }

  #streamOf(message: ConsumedMessage | MessageId): {
    id: string;
    stream: string | undefined;
  } {
    if (typeof message === "string") {
      const pending = this.#pending.get(message);
      return {
        id: message,
        stream: pending?.stream ??
          (this.#options.streams.length === 1
            ? this.#options.streams[0]
            : undefined),
      };
    }
    return { id: message.id, stream: message.stream };
  }

  done(
    message: ConsumedMessage | MessageId,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new MessageQueueClosedError("Cannot ack: the consumer is closed"),
      );
    }
    const { id, stream } = this.#streamOf(message);
    this.#pending.delete(id);
    if (stream !== undefined) {
      this.#queueAck(stream, id);
      return Promise.resolve();
    }
    return this.#ackWherePending(id, options);
  }

  doneAll(messages: readonly ConsumedMessage[]): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new MessageQueueClosedError("Cannot ack: the consumer is closed"),
      );
    }
    for (const message of messages) {
      this.#pending.delete(message.id);
      this.#queueAck(message.stream, message.id);
    }
    return Promise.resolve();
  }

  async #ackWherePending(id: string, options: SignalOptions): Promise<void> {
    // A bare id and several streams: ack where it is pending (upstream too).
    for (const candidate of this.#options.streams) {
      const acked = await raceSignal(
        this.#store.ack(candidate, this.group, [id]),
        options.signal,
      );
      if (acked > 0) return;
    }
  }

  // Acks are batched: done() queues the id; the queued ids go out as one
  // XACK per stream before the next read (so one XACK per read batch, as a
  // hand-written loop would do), or ACK_DELAY_MS after the first of them
  // when the handler is slow, and every sent batch is confirmed before the
  // next read and before close(). A consumer that awaits done() for each
  // message so pays no round trip per message. An ack lost to a connection
  // failure only means the message is delivered again (at least once).
  #queueAck(stream: string, id: string): void {
    let ids = this.#acks.get(stream);
    if (ids === undefined) {
      ids = [];
      this.#acks.set(stream, ids);
    }
    ids.push(id);
    this.#ackTimer ??= setTimeout(() => this.#sendAcks(), ACK_DELAY_MS);
  }

  #sendAcks(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const [stream, ids] of this.#acks) {
      const sent: Promise<void> = this.#store.ack(stream, this.group, ids)
        .then(
          () => {},
          (err) =>
            this.#options.logger.warn(
              "message queue: ack failed; the messages will be redelivered",
              {
                stream,
                group: this.group,
                count: ids.length,
                error: errorText(err),
              },
            ),
        )
        .finally(() => this.#acksInFlight.delete(sent));
      this.#acksInFlight.add(sent);
    }
    this.#acks.clear();
  }

  async #confirmAcks(): Promise<void> {
    this.#sendAcks();
    if (this.#acksInFlight.size > 0) {
      await Promise.all(this.#acksInFlight);
    }
  }

  async deadLetter(
    message: ConsumedMessage,
    error: unknown,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot dead-letter: the consumer is closed",
      );
    }
    options.signal?.throwIfAborted();
    const entry = this.#pending.get(message.id) ??
      await this.#reread(message);
    if (entry === undefined) return; // acked or trimmed meanwhile
    this.#pending.delete(message.id);
    await raceSignal(this.#deadLetter(entry, errorText(error)), options.signal);
  }

  async #reread(message: ConsumedMessage): Promise<DeliveredEntry | undefined> {
    const [entry] = await this.#store.range(message.stream, 1, message.id);
    if (entry?.id !== message.id) return undefined;
    return {
      ...entry,
      stream: message.stream,
      deliveryCount: message.deliveryCount,
    };
  }

  async fail(
    message: ConsumedMessage | MessageId,
    error: unknown,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot report a failure: the consumer is closed",
      );
    }
    options.signal?.throwIfAborted();
    const { id } = this.#streamOf(message);
    const entry = this.#pending.get(id);
    const text = errorText(error);
    if (entry === undefined) return;
    this.#pending.delete(id);
    if (entry.deliveryCount >= this.#options.maxDeliveries) {
      await raceSignal(this.#deadLetter(entry, text), options.signal);
      return;
    }
    const { idleTimeoutMs, maxDeliveries, group } = this.#options;
    const ttlSeconds = Math.ceil(idleTimeoutMs * (maxDeliveries + 1) / 1000) +
      60;
    await raceSignal(
      this.#store.setCache(errorKey(entry.stream, group, id), text, ttlSeconds),
      options.signal,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort(
      new MessageQueueClosedError("The consumer is closed"),
    );
    this.#buffer.length = 0;
    await this.#confirmAcks();
    await this.#reader?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class StreamSubscriber implements Subscriber {
  readonly #store: StreamStore;
  readonly #channels: readonly string[];
  readonly #name: string;
  readonly #maxLen: number;
  readonly #logger: Logger;
  readonly #fifo = new AsyncFifo<DecodedMessage>();
  readonly #closing = new AbortController();
  #subscription: StoreSubscription | undefined;
  #closed = false;

  constructor(
    store: StreamStore,
    options: {
      channels: readonly string[];
      name: string;
      maxLen: number;
      logger: Logger;
    },
  ) {
    if (options.channels.length === 0) {
      throw new InvalidAPIParameters(
        'A subscriber needs at least one channel in "channels"',
        { data: { field: "channels" } },
      );
    }
    this.#store = store;
    this.#channels = options.channels;
    this.#name = options.name;
    this.#maxLen = options.maxLen;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    this.#subscription = await this.#store.subscribe(
      this.#channels,
      (channel, data) => this.#receive(channel, data),
    );
  }

  #receive(channel: string, data: StreamFieldValue): void {
    try {
      this.#fifo.push(decodeBroadcast(data));
    } catch (err) {
      // Kept, not dropped: the raw message goes to `<channel>.dlq`.
      const error = errorText(err);
      this.#logger.warn("message queue: malformed broadcast dead-lettered", {
        channel,
        error,
      });
      this.#store.add([{
        stream: channel + DEAD_LETTER_SUFFIX,
        fields: broadcastDeadLetterFields(channel, data, this.#name, error),
      }], this.#maxLen).catch((addError) =>
        this.#logger.error("message queue: could not dead-letter a broadcast", {
          channel,
          error: errorText(addError),
        })
      );
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<DecodedMessage> {
    return this.messages();
  }

  async *messages(
    options: SignalOptions = {},
  ): AsyncIterableIterator<DecodedMessage> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot read: the subscriber is closed",
      );
    }
    const signal = untilEither(options.signal, this.#closing.signal);
    while (true) {
      const message = await this.#fifo.shift(signal);
      if (message === undefined) return;
      yield message;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    this.#fifo.close();
    await this.#subscription?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

class DurableSubscriber implements Subscriber {
  readonly #consumer: Consumer;

  constructor(consumer: Consumer) {
    this.#consumer = consumer;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ConsumedMessage> {
    return this.messages();
  }

  async *messages(
    options: SignalOptions = {},
  ): AsyncIterableIterator<ConsumedMessage> {
    for await (const message of this.#consumer.messages(options)) {
      yield message;
      // Reached only when the next message is asked for: a handler that
      // throws (or a crash) leaves the message pending for redelivery.
      try {
        await this.#consumer.done(message);
      } catch (err) {
        if (err instanceof MessageQueueClosedError) return;
        throw err;
      }
    }
  }

  close(): Promise<void> {
    return this.#consumer.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
