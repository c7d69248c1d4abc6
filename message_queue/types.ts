// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The interfaces every message queue backend implements: {@linkcode Anycaster},
 * {@linkcode Broadcaster}, {@linkcode Consumer}, {@linkcode Subscriber}, and
 * the {@linkcode MessageQueue} that makes them.
 *
 * @module
 */

import type { Logger } from "../utils.ts";
import type {
  DecodedAnycast,
  DecodedMessage,
  OutgoingMessage,
  StreamFieldValue,
} from "./payload.ts";
import type { StreamInfo, TrimLoss } from "./store.ts";
import type { QueueLocation } from "./prepared.ts";
import type { QueueStats, TrimmingOptions, TrimReport } from "./trimming.ts";

/** A stream entry id, e.g. `"1724400000000-0"` (upstream `MessageId`). */
export type MessageId = string;

/**
 * A message handed to a {@linkcode Consumer}: the decoded entry plus where it
 * came from and how often it has been delivered.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type ConsumedMessage } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using consumer = await queue.consumer({ group: "manager" });
 * await queue.anycaster().anycast({ name: "ping", source: "test", payload: "{}" });
 * for await (const message of consumer) {
 *   const seen: ConsumedMessage = message;
 *   assert.equal(seen.deliveryCount, 1);
 *   await consumer.done(seen);
 *   break;
 * }
 * ```
 */
export interface ConsumedMessage extends DecodedAnycast {
  /** The stream entry id. It stays the same across redeliveries. */
  readonly id: MessageId;
  /** The stream the entry was read from. */
  readonly stream: string;
  /**
   * How many times the entry has been delivered to a consumer of this group,
   * this delivery included (the pending list's delivery counter).
   */
  readonly deliveryCount: number;
}

/** Options of a single send or read call. */
export interface SignalOptions {
  /**
   * Cancels the wait: the call rejects with the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Point-to-point sending: each message goes to exactly one consumer of every
 * consumer group that reads the stream (upstream `AbstractAnycaster`).
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type Anycaster } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const anycaster: Anycaster = queue.anycaster();
 * const id = await anycaster.anycast({ name: "ping", source: "test", payload: "{}" });
 * assert.match(id, /^\d+-\d+$/);
 * ```
 */
export interface Anycaster extends AsyncDisposable {
  /** The stream the messages are added to. */
  readonly stream: string;
  /**
   * Adds one message to the stream.
   *
   * @param message The message.
   * @param options The abort signal.
   * @returns The new entry's id.
   */
  anycast(
    message: OutgoingMessage,
    options?: SignalOptions,
  ): Promise<MessageId>;
  /**
   * Adds several messages in one round trip, in order.
   *
   * @param messages The messages.
   * @param options The abort signal.
   * @returns The new entries' ids, in the same order.
   */
  anycastBatch(
    messages: readonly OutgoingMessage[],
    options?: SignalOptions,
  ): Promise<MessageId[]>;
  /** Stops sending; later calls throw `MessageQueueClosedError`. */
  close(): Promise<void>;
}

/**
 * One item of {@linkcode Broadcaster.broadcastBatch}: a message, cached under
 * `cacheId` when one is given.
 */
export interface CachedBroadcast {
  /** The message. */
  readonly message: OutgoingMessage;
  /**
   * The cache key (upstream uses the raw id, e.g. `bgtask.<uuid>`).
   *
   * @default {undefined} (not cached)
   */
  readonly cacheId?: string | undefined;
}

/**
 * Fan-out sending: every live subscriber gets each message (upstream
 * `AbstractBroadcaster`). The last message per cache id can be fetched later.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type Broadcaster } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const broadcaster: Broadcaster = queue.broadcaster();
 * await broadcaster.broadcastWithCache("bgtask.1", {
 *   name: "bgtask_done", source: "manager", payload: '{"task_id":"1"}',
 * });
 * const cached = await broadcaster.fetchCachedBroadcast("bgtask.1");
 * assert.equal(cached?.name, "bgtask_done");
 * ```
 */
export interface Broadcaster extends AsyncDisposable {
  /** The pub/sub channel. */
  readonly channel: string;
  /**
   * Publishes one message to every subscriber.
   *
   * @param message The message.
   * @param options The abort signal.
   */
  broadcast(message: OutgoingMessage, options?: SignalOptions): Promise<void>;
  /**
   * Caches the message under `cacheId` (for the cache TTL) and publishes it.
   *
   * @param cacheId The cache key.
   * @param message The message.
   * @param options The abort signal.
   */
  broadcastWithCache(
    cacheId: string,
    message: OutgoingMessage,
    options?: SignalOptions,
  ): Promise<void>;
  /**
   * Caches (where asked) and publishes several messages in one round trip.
   *
   * @param items The messages and their cache ids.
   * @param options The abort signal.
   */
  broadcastBatch(
    items: readonly CachedBroadcast[],
    options?: SignalOptions,
  ): Promise<void>;
  /**
   * Reads the last message cached under `cacheId`.
   *
   * @param cacheId The cache key.
   * @param options The abort signal.
   * @returns The message, or `undefined` when there is none or it expired.
   */
  fetchCachedBroadcast(
    cacheId: string,
    options?: SignalOptions,
  ): Promise<DecodedMessage | undefined>;
  /** Stops sending; later calls throw `MessageQueueClosedError`. */
  close(): Promise<void>;
}

/**
 * Reads anycast messages as one member of a consumer group (upstream
 * `AbstractConsumer`). Iterate it, and acknowledge each message with
 * {@linkcode Consumer.done} once handled. A message that is neither done nor
 * failed is redelivered, with the same id, after the idle timeout; one that
 * reaches `maxDeliveries` goes to the dead-letter stream.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type Consumer } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const consumer: Consumer = await queue.consumer({ group: "manager" });
 * await queue.anycaster().anycast({ name: "ping", source: "test", payload: "1" });
 * for await (const message of consumer) {
 *   assert.equal(message.body, 1);
 *   await consumer.done(message);
 *   break;
 * }
 * await consumer.close();
 * ```
 */
export interface Consumer
  extends AsyncIterable<ConsumedMessage>, AsyncDisposable {
  /** The consumer group. */
  readonly group: string;
  /** This consumer's name within the group. */
  readonly name: string;
  /**
   * Iterates the messages until `close()` or the signal aborts (then the
   * iteration just ends).
   *
   * @param options The abort signal.
   * @returns The messages, one at a time.
   */
  messages(options?: SignalOptions): AsyncIterableIterator<ConsumedMessage>;
  /**
   * Iterates the messages a read at a time: each batch is what one read
   * brought (at most `batchSize`, never empty), in order. Ends like
   * {@linkcode Consumer.messages}. A message of a batch that is left
   * unhandled stays pending and is delivered again after the idle timeout.
   *
   * @example Usage
   * ```ts
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue();
   * const consumer = await queue.consumer({ group: "workers", startFrom: "beginning" });
   * await queue.anycaster().anycastBatch([
   *   { name: "a", source: "api", payload: "{}" },
   *   { name: "b", source: "api", payload: "{}" },
   * ]);
   * for await (const batch of consumer.batches()) {
   *   assert.deepEqual(batch.map((message) => message.name), ["a", "b"]);
   *   for (const message of batch) await consumer.done(message);
   *   break;
   * }
   * await consumer.close();
   * ```
   *
   * @param options The abort signal.
   * @returns The messages, a read's worth at a time.
   */
  batches(
    options?: SignalOptions,
  ): AsyncIterableIterator<readonly ConsumedMessage[]>;
  /**
   * Acknowledges a handled message (`XACK`). Acks are batched: this queues
   * the ack, which goes out with the others of the same tick and is
   * confirmed before the next read and before `close()`; an ack lost to a
   * connection failure means the message is delivered again.
   *
   * @param message The message, or its id.
   * @param options The abort signal.
   */
  done(
    message: ConsumedMessage | MessageId,
    options?: SignalOptions,
  ): Promise<void>;
  /**
   * Acknowledges several handled messages, as {@linkcode Consumer.done} does
   * for each (the acks are queued and go out together).
   *
   * @example Usage
   * ```ts
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue();
   * const consumer = await queue.consumer({ group: "workers", startFrom: "beginning" });
   * await queue.anycaster().anycastBatch([
   *   { name: "a", source: "api", payload: "{}" },
   *   { name: "b", source: "api", payload: "{}" },
   * ]);
   * for await (const batch of consumer.batches()) {
   *   assert.equal(batch.length, 2);
   *   await consumer.doneAll(batch);
   *   break;
   * }
   * await consumer.close(); // confirms the acks
   * ```
   *
   * @param messages The messages.
   * @throws {MessageQueueClosedError} After `close()`.
   */
  doneAll(messages: readonly ConsumedMessage[]): Promise<void>;
  /**
   * Reports that handling failed. The message is redelivered after the idle
   * timeout, or, at its last allowed delivery, moved to the dead-letter
   * stream with this error.
   *
   * @param message The message, or its id.
   * @param error Why handling failed.
   * @param options The abort signal.
   */
  fail(
    message: ConsumedMessage | MessageId,
    error: unknown,
    options?: SignalOptions,
  ): Promise<void>;
  /**
   * Moves a message to the dead-letter stream at once, with this error,
   * whatever its delivery count (e.g. a body that can never be decoded).
   *
   * @param message The message.
   * @param error Why it is given up on.
   * @param options The abort signal.
   */
  deadLetter(
    message: ConsumedMessage,
    error: unknown,
    options?: SignalOptions,
  ): Promise<void>;
  /** Ends the iteration and releases the connection. */
  close(): Promise<void>;
}

/**
 * Reads broadcast messages (upstream `AbstractSubscriber`); there is no ack.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type Subscriber } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using subscriber: Subscriber = await queue.subscriber();
 * await queue.broadcaster().broadcast({ name: "hello", source: "test", payload: "{}" });
 * for await (const message of subscriber) {
 *   assert.equal(message.name, "hello");
 *   break;
 * }
 * ```
 */
export interface Subscriber
  extends AsyncIterable<DecodedMessage>, AsyncDisposable {
  /**
   * Iterates the messages until `close()` or the signal aborts.
   *
   * @param options The abort signal.
   * @returns The messages, one at a time.
   */
  messages(options?: SignalOptions): AsyncIterableIterator<DecodedMessage>;
  /** Ends the iteration and unsubscribes. */
  close(): Promise<void>;
}

/**
 * An entry of a dead-letter stream (`<stream>.dlq`): the original fields and
 * why the entry was given up on.
 *
 * @example Usage
 * ```ts
 * import type { DeadLetter } from "@backendai/common/message-queue";
 *
 * function describe(letter: DeadLetter): string {
 *   return `${letter.originalId} after ${letter.deliveryCount} deliveries: ${letter.error}`;
 * }
 * ```
 */
export interface DeadLetter {
  /** The id of the entry in the dead-letter stream. */
  readonly id: MessageId;
  /** The stream the message came from. */
  readonly stream: string;
  /** Its id in that stream. */
  readonly originalId: MessageId;
  /** The consumer group that gave up on it. */
  readonly group: string;
  /** The consumer that moved it. */
  readonly consumer: string;
  /** How many times it had been delivered. */
  readonly deliveryCount: number;
  /** The last error: a handler's, a decoding error, or "no ack after N deliveries". */
  readonly error: string;
  /** The original entry's fields, unchanged (none in a loss record). */
  readonly fields: Readonly<Record<string, StreamFieldValue>>;
  /**
   * Set in a loss record: entries of `stream` that `group` lost to trimming,
   * how many, why, and their id range `[firstId, endId)`. Such a record has
   * no `originalId`, `consumer` or fields.
   */
  readonly loss?:
    | Omit<TrimLoss, "stream" | "group" | "deadLetterId">
    | undefined;
}

/** Options of {@linkcode MessageQueue.anycaster}. */
export interface AnycasterOptions {
  /**
   * The stream to add to.
   *
   * @default {"events"}
   */
  stream?: string | undefined;
}

/** Options of {@linkcode MessageQueue.broadcaster}. */
export interface BroadcasterOptions {
  /**
   * The pub/sub channel.
   *
   * @default {"events_all"}
   */
  channel?: string | undefined;
  /**
   * How long a cached broadcast lives, in seconds (`SET … EX`).
   *
   * @default {300}
   */
  cacheTtlSeconds?: number | undefined;
  /**
   * Also add every broadcast to this stream, for durable subscribers
   * ({@linkcode MessageQueue.durableSubscriber}).
   *
   * @default {undefined} (pub/sub only, as upstream)
   */
  durableStream?: string | undefined;
}

/** Options of {@linkcode MessageQueue.consumer}. */
export interface ConsumerOptions extends SignalOptions {
  /** The consumer group; every group gets every message once. */
  group: string;
  /**
   * This consumer's name in the group. A consumer takes over the messages
   * still pending under its name when it starts, at once (not after the
   * idle timeout), so a name must be stable across restarts of the same
   * worker and never held by two live processes.
   *
   * The default is `<nodeId>:<program>:<slot>`: the queue's `nodeId` (else
   * the host name), 12 hex digits of the SHA-256 of the entry point, and
   * the queue's `workerIndex`, else the lowest worker slot free on this
   * node (claimed with a file in the temporary directory, released on
   * `close()`), so several worker processes of one program on one node get
   * different names, and a worker restarted alone gets its old one. A
   * second consumer of the same group from the same queue gets `.1`, and
   * so on. Pin it here, or pin the slot with `workerIndex`.
   *
   * @default {`<nodeId>:<program>:<slot>`}
   */
  name?: string | undefined;
  /**
   * The streams to read.
   *
   * @default {["events"]}
   */
  streams?: readonly string[] | undefined;
  /**
   * Where a newly created group starts: `"new"` (`$`, upstream) reads only
   * messages added from now on, `"beginning"` (`0`) the whole stream.
   *
   * @default {"new"}
   */
  startFrom?: "new" | "beginning" | undefined;
  /**
   * Most entries taken per read (`XREADGROUP COUNT`).
   *
   * @default {64}
   */
  batchSize?: number | undefined;
  /**
   * Longest wait of one blocking read, in milliseconds (`BLOCK`).
   *
   * @default {10000}
   */
  blockMs?: number | undefined;
  /**
   * How long a delivered message may stay unacknowledged before another
   * consumer of the group takes it over, in milliseconds. Upstream's Python
   * consumers use 300 000 and re-add what they take over as a copy at the
   * tail of the stream (read again by every group); below it, a live
   * TypeScript member of a group shared with Python members gets there
   * first and keeps the entry's id.
   *
   * @default {240000}
   */
  idleTimeoutMs?: number | undefined;
  /**
   * How often pending messages are checked for the idle timeout, in ms.
   *
   * @default {min(30000, idleTimeoutMs)}
   */
  reclaimIntervalMs?: number | undefined;
  /**
   * Deliveries after which a message goes to the dead-letter stream.
   *
   * @default {5}
   */
  maxDeliveries?: number | undefined;
}

/** Options of {@linkcode MessageQueue.subscriber}. */
export interface SubscriberOptions extends SignalOptions {
  /**
   * The channels to subscribe to.
   *
   * @default {["events_all"]}
   */
  channels?: readonly string[] | undefined;
}

/** Options of {@linkcode MessageQueue.durableSubscriber}. */
export interface DurableSubscriberOptions
  extends Omit<ConsumerOptions, "group" | "streams" | "name"> {
  /**
   * Who subscribes: the consumer group of this subscriber. Keep it stable, so
   * that a restarted subscriber resumes where it stopped.
   */
  subscriberId: string;
  /** The stream a broadcaster with `durableStream` writes. */
  stream: string;
}

/** Options shared by the queue backends. */
export interface MessageQueueOptions extends TrimmingOptions {
  /**
   * This node's id: the first part of the default consumer names (see
   * {@linkcode ConsumerOptions.name}) and the name a subscriber records in
   * the dead letters it writes.
   *
   * @default {the host name in consumer names, `"node"` in dead letters}
   */
  nodeId?: string | undefined;
  /**
   * This process's index among the worker processes of the same program on
   * this node (upstream's process index): the last part of the default
   * consumer names. Give it when a supervisor numbers the workers (pm2's
   * `NODE_APP_INSTANCE`, a systemd instance); without it the queue claims
   * the lowest free slot itself.
   *
   * @default {the lowest worker slot free on this node}
   */
  workerIndex?: number | undefined;
  /**
   * Where warnings go (malformed or dead-lettered messages, reconnects).
   *
   * @default {console}
   */
  logger?: Logger | undefined;
}

/**
 * A message queue backend: the factory of its components.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type MessageQueue } from "@backendai/common/message-queue";
 *
 * const queue: MessageQueue = new MemoryQueue();
 * await queue.close();
 * ```
 */
export interface MessageQueue extends AsyncDisposable {
  /**
   * Where the queue keeps its keys, for a queue on Redis / Valkey
   * (`undefined` elsewhere).
   */
  readonly location?: QueueLocation | undefined;
  /**
   * Makes an anycaster.
   *
   * @param options The stream.
   * @returns The anycaster.
   */
  anycaster(options?: AnycasterOptions): Anycaster;
  /**
   * Makes a broadcaster.
   *
   * @param options The channel, cache TTL and durable stream.
   * @returns The broadcaster.
   */
  broadcaster(options?: BroadcasterOptions): Broadcaster;
  /**
   * Makes a consumer once its group exists on every stream.
   *
   * @param options The group, name, streams and redelivery settings.
   * @returns The consumer.
   */
  consumer(options: ConsumerOptions): Promise<Consumer>;
  /**
   * Makes a subscriber once it is subscribed.
   *
   * @param options The channels.
   * @returns The subscriber.
   */
  subscriber(options?: SubscriberOptions): Promise<Subscriber>;
  /**
   * Makes a subscriber that misses nothing while it is down: it reads the
   * durable stream as its own consumer group, acknowledging each message
   * when the next one is asked for.
   *
   * @param options The subscriber id and the stream.
   * @returns The subscriber.
   */
  durableSubscriber(options: DurableSubscriberOptions): Promise<Subscriber>;
  /**
   * Reads the dead-letter stream of `stream`, oldest first.
   *
   * @param stream The original stream.
   * @param options How many at most (default 100), and the abort signal.
   * @returns The dead letters.
   */
  deadLetters(
    stream?: string,
    options?: SignalOptions & { count?: number },
  ): Promise<DeadLetter[]>;
  /**
   * Reports a stream and the lag of each consumer group on it.
   *
   * @param stream The stream.
   * @param options The abort signal.
   * @returns Its state, or `undefined` when it does not exist.
   */
  streamInfo(
    stream?: string,
    options?: SignalOptions,
  ): Promise<StreamInfo | undefined>;
  /**
   * Runs the trimming step at once on every stream the queue watches (it
   * also runs every `trimIntervalMs`).
   *
   * @returns What it did, per stream.
   */
  trimNow(): Promise<TrimReport[]>;
  /** What the queue holds and has done so far. */
  readonly stats: QueueStats;
  /** Closes every component made by this queue, then the connections. */
  close(): Promise<void>;
}
