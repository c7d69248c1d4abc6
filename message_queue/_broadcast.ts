// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The broadcast side: {@linkcode StreamBroadcaster} publishes over pub/sub
 * with a TTL cache of the last message per cache id (and, with a durable
 * stream, also adds each message to it); {@linkcode StreamSubscriber}
 * receives live broadcasts; {@linkcode DurableSubscriber} reads the durable
 * stream through a consumer group of its own.
 *
 * @module
 */

import type { Logger } from "../utils.ts";
import { InvalidAPIParameters } from "../exception.ts";
import { MessageQueueClosedError } from "./errors.ts";
import {
  decodeBroadcast,
  type DecodedMessage,
  encodeBroadcast,
  encodeStreamFields,
  type OutgoingMessage,
  type StreamFieldValue,
} from "./payload.ts";
import type { StoreSubscription, StreamStore } from "./store.ts";
import type {
  Broadcaster,
  CachedBroadcast,
  ConsumedMessage,
  Consumer,
  SignalOptions,
  Subscriber,
} from "./types.ts";
import {
  broadcastDeadLetterFields,
  DEAD_LETTER_SUFFIX,
} from "./dead_letter.ts";
import { errorText, untilEither } from "./_util.ts";
import { AsyncFifo, raceSignal } from "../_wait.ts";

/**
 * The {@linkcode Broadcaster} that `StreamQueue.broadcaster()` makes.
 */
export class StreamBroadcaster implements Broadcaster {
  readonly channel: string;
  readonly #store: StreamStore;
  readonly #ttl: number;
  readonly #durableStream: string | undefined;
  readonly #onClose: () => void;
  #closed = false;

  /**
   * Makes a broadcaster; the queue owns `store` and closes it.
   *
   * @param store The backend.
   * @param options The channel, the cache TTL in seconds, the durable
   * stream (if any; the queue's trimming loop trims it), and what to call
   * once on `close()`.
   */
  constructor(
    store: StreamStore,
    options: {
      channel: string;
      cacheTtlSeconds: number;
      durableStream: string | undefined;
      onClose: () => void;
    },
  ) {
    this.#store = store;
    this.channel = options.channel;
    this.#ttl = options.cacheTtlSeconds;
    this.#durableStream = options.durableStream;
    this.#onClose = options.onClose;
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
    if (!this.#closed) {
      this.#closed = true;
      this.#onClose();
    }
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The live {@linkcode Subscriber} that `StreamQueue.subscriber()` makes. A
 * broadcast it cannot decode goes to `<channel>.dlq`, raw.
 */
export class StreamSubscriber implements Subscriber {
  readonly #store: StreamStore;
  readonly #channels: readonly string[];
  readonly #name: string;
  readonly #logger: Logger;
  readonly #onClose: () => void;
  readonly #fifo = new AsyncFifo<DecodedMessage>();
  readonly #closing = new AbortController();
  #subscription: StoreSubscription | undefined;
  #closed = false;

  /**
   * Makes a subscriber; `start()` subscribes it.
   *
   * @param store The backend.
   * @param options The channels, the node name (recorded in dead letters),
   * the logger, and what to call once on `close()` (the queue's retention
   * step caps each `<channel>.dlq`, counting what it drops).
   * @throws {InvalidAPIParameters} When `channels` is empty.
   */
  constructor(
    store: StreamStore,
    options: {
      channels: readonly string[];
      name: string;
      logger: Logger;
      onClose: () => void;
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
    this.#logger = options.logger;
    this.#onClose = options.onClose;
  }

  /**
   * Subscribes; resolves once the subscription is active. A subscription
   * that completes after `close()` is closed at once.
   */
  async start(): Promise<void> {
    const subscription = await this.#store.subscribe(
      this.#channels,
      (channel, data) => this.#receive(channel, data),
    );
    this.#subscription = subscription;
    if (this.#closed) await subscription.close();
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
      }]).catch((addError) =>
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
    this.#onClose();
    this.#closing.abort();
    this.#fifo.close();
    await this.#subscription?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * The {@linkcode Subscriber} that `StreamQueue.durableSubscriber()` makes
 * over a consumer of its own group: it acknowledges a message when the next
 * one is asked for.
 */
export class DurableSubscriber implements Subscriber {
  readonly #consumer: Consumer;

  /**
   * Wraps a consumer, which it then owns.
   *
   * @param consumer The consumer of the subscriber's group.
   */
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
