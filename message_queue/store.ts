// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The store seam: the handful of Redis-Streams-shaped primitives a message
 * queue backend provides ({@linkcode StreamStore}, with a blocking
 * {@linkcode StreamReader} per consumer), the records that cross it, and
 * {@linkcode NoGroupError}. `StreamQueue` writes the queue semantics
 * (consumer groups, redelivery with the same id, dead letters, broadcast
 * with a cache, durable broadcast) once over this seam; `MemoryStreamStore`,
 * `RedisStreamStore` and `NatsStreamStore` (`message-queue/nats`) implement
 * it.
 *
 * To put the queue on another store, implement {@linkcode StreamStore} with
 * Redis Streams semantics and hand it to `new StreamQueue(store, options)`:
 *
 * - `add` gives each entry a new, increasing `<ms>-<seq>` id; given a
 *   `maxLen` (dead-letter streams, which no group reads) it also trims the
 *   stream to about that length, and otherwise trims nothing.
 * - `ensureGroup` creates a group whose read counter is exact from the
 *   start (`entriesRead`: the entries added before its start position).
 *   It is told the group's idle timeout and delivery limit, for a server
 *   that redelivers by itself (NATS: the consumer's ack wait).
 * - `streamInfo` reports the length, the first and last ids, the entries
 *   ever added, and per group the consumers, the pending entries (count and
 *   oldest), the last delivered id, the read counter, and the lag: how many
 *   entries still in the stream come after the last delivered one.
 * - `trim` is the retention step the queue runs at an interval, atomic per
 *   call. It first reports entries some group had not acknowledged that are
 *   gone already (trimmed by another client, e.g. an upstream producer's
 *   `MAXLEN ~ 128`), recording one {@linkcode TrimLoss} per group and
 *   taking the lost ids off its pending list; then drops entries every group
 *   has acknowledged (or, with no group, any) while the stream is longer
 *   than `maxLen`, never one a group still needs; then, with a
 *   `hardMaxLen`, drops the oldest entries beyond it whoever needs them,
 *   and reports those losses the same way. Each loss is also added to
 *   `deadLetterStream` (the `_dlq_loss_*` fields of `dead_letter.ts`) in the
 *   same step, so no loss goes unrecorded.
 * - `StreamReader.read` returns entries new to the group (`>`), makes
 *   each one pending for the reading consumer with a delivery count of 1,
 *   waits at most `blockMs` (or until the signal aborts, then returns what
 *   it has), and throws {@linkcode NoGroupError} when the group is missing.
 *   A store whose server redelivers by itself (NATS) also returns the
 *   entries it redelivers, with their delivery count; the consumer
 *   dead-letters one past `maxDeliveries` as it does a claimed one.
 * - `claimIdle` takes over entries pending at least `minIdleMs` (only
 *   those of `owner` when given), keeping their ids and incrementing their
 *   delivery count, scans the pending list from `cursor` (`"0-0"` once the
 *   scan is complete), and reports in `deleted` the pending ids whose
 *   entries were trimmed away (and removes them from the pending list).
 *   A store whose server redelivers by itself claims nothing.
 * - `deadLetter` adds the dead letter and acknowledges the original entry
 *   in one atomic step, so that a message is never both or neither.
 * - `publish` sends to subscribers live (no history) and stores each item
 *   with a `cacheKey` under that key for `cacheTtlSeconds`; `subscribe`
 *   resolves once the subscription is active.
 * - `close` releases everything; the queue calls it once, last.
 *
 * The conformance suite (`tests/conformance/message_queue_suite.ts`) checks
 * a backend against these rules through a `StreamQueue` over it.
 *
 * @example A store that counts what is added, over the embedded one
 * ```ts
 * import {
 *   MemoryStreamStore,
 *   StreamQueue,
 *   type StreamStore,
 * } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const inner = new MemoryStreamStore();
 * let added = 0;
 * const store: StreamStore = {
 *   add(items, maxLen) {
 *     added += items.length;
 *     return inner.add(items, maxLen);
 *   },
 *   ensureGroup: (stream, group, start, options) =>
 *     inner.ensureGroup(stream, group, start, options),
 *   streamInfo: (stream) => inner.streamInfo(stream),
 *   trim: (args) => inner.trim(args),
 *   openReader: () => inner.openReader(),
 *   ack: (stream, group, ids) => inner.ack(stream, group, ids),
 *   claimIdle: (args) => inner.claimIdle(args),
 *   deadLetter: (args) => inner.deadLetter(args),
 *   range: (stream, count, start) => inner.range(stream, count, start),
 *   publish: (items) => inner.publish(items),
 *   getCache: (key) => inner.getCache(key),
 *   setCache: (key, value, ttlSeconds) => inner.setCache(key, value, ttlSeconds),
 *   subscribe: (channels, onMessage) => inner.subscribe(channels, onMessage),
 *   close: () => inner.close(),
 * };
 *
 * await using queue = new StreamQueue(store);
 * await using consumer = await queue.consumer({ group: "g" });
 * await queue.anycaster().anycast({ name: "hi", source: "n1", payload: "{}" });
 * for await (const message of consumer) {
 *   assert.equal(message.name, "hi");
 *   await consumer.done(message);
 *   break;
 * }
 * assert.equal(added, 1);
 * ```
 *
 * @module
 */

import type { StreamFields, StreamFieldValue } from "./payload.ts";

/**
 * A stream entry as a {@linkcode StreamStore} returns it.
 *
 * @example Usage
 * ```ts
 * import type { StoredEntry } from "@backendai/common/message-queue";
 *
 * const entry: StoredEntry = { id: "1-0", fields: { name: "ping" } };
 * ```
 */
export interface StoredEntry {
  /** The entry id. */
  readonly id: string;
  /** The fields, by name. */
  readonly fields: StreamFields;
}

/**
 * An entry delivered to a consumer of a group.
 *
 * @example Usage
 * ```ts
 * import type { DeliveredEntry } from "@backendai/common/message-queue";
 *
 * const entry: DeliveredEntry = {
 *   stream: "events", id: "1-0", fields: {}, deliveryCount: 1,
 * };
 * ```
 */
export interface DeliveredEntry extends StoredEntry {
  /** The stream it is in. */
  readonly stream: string;
  /** The pending list's delivery counter, this delivery included. */
  readonly deliveryCount: number;
}

/** The arguments of {@linkcode StreamReader.read} (`XREADGROUP`). */
export interface ReadGroupArgs {
  /** The consumer group. */
  readonly group: string;
  /** The consumer. */
  readonly consumer: string;
  /** The streams, each read from `>` (new entries). */
  readonly streams: readonly string[];
  /** Most entries to return (`COUNT`). */
  readonly count: number;
  /** Longest wait in milliseconds (`BLOCK`); 0 means do not wait. */
  readonly blockMs: number;
  /** Ends the wait early; the read then returns what it has (maybe nothing). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * A blocking reader, one per consumer: on Redis a dedicated connection, so
 * that a blocked `XREADGROUP` holds up no other command.
 */
export interface StreamReader {
  /**
   * Makes the reader ready (on Redis: opens its connection), so that the
   * first read does not pay for it.
   */
  connect(): Promise<void>;
  /**
   * Reads new entries for the consumer; each one becomes pending for it with
   * a delivery count of 1.
   *
   * @param args The group, consumer, streams, count, wait and signal.
   * @returns The entries, possibly none when the wait ran out.
   * @throws {NoGroupError} When a group does not exist (any more).
   */
  read(args: ReadGroupArgs): Promise<DeliveredEntry[]>;
  /** Releases the reader. */
  close(): Promise<void>;
}

/** The arguments of {@linkcode StreamStore.claimIdle} (`XAUTOCLAIM`). */
export interface ClaimIdleArgs {
  /** The stream. */
  readonly stream: string;
  /** The consumer group. */
  readonly group: string;
  /** The consumer that takes the entries over. */
  readonly consumer: string;
  /** Only entries idle at least this long, in milliseconds. */
  readonly minIdleMs: number;
  /** Most entries to claim. */
  readonly count: number;
  /** Where to continue the scan of the pending list (`"0-0"` to start). */
  readonly cursor: string;
  /**
   * Only entries pending for this consumer (`XPENDING … <owner>` then
   * `XCLAIM`): what a consumer that starts again under its old name takes
   * back at once.
   *
   * @default {undefined} (entries of any consumer, `XAUTOCLAIM`)
   */
  readonly owner?: string | undefined;
}

/** What {@linkcode StreamStore.claimIdle} returns. */
export interface ClaimIdleResult {
  /** Where the next scan continues; `"0-0"` when the scan is complete. */
  readonly cursor: string;
  /** The claimed entries with their delivery count after the claim. */
  readonly entries: DeliveredEntry[];
  /** Pending ids whose entries were trimmed from the stream before an ack. */
  readonly deleted: string[];
}

/** The arguments of {@linkcode StreamStore.deadLetter}. */
export interface DeadLetterArgs {
  /** The stream the entry is in. */
  readonly stream: string;
  /** The consumer group that gives up on it. */
  readonly group: string;
  /** The entry id, acknowledged in the same step. */
  readonly id: string;
  /** Where the dead letter goes (`<stream>.dlq`). */
  readonly deadLetterStream: string;
  /**
   * The dead letter's fields, flat: name, value, name, value, … The add
   * never trims the dead-letter stream: the retention step caps it and
   * counts what it drops (`TrimResult.deadLettersDropped`).
   */
  readonly fields: readonly StreamFieldValue[];
}

/**
 * What {@linkcode StreamStore.ensureGroup} is told about the group's
 * consumers, for a server that redelivers by itself (NATS JetStream: the
 * durable consumer's ack wait). Redis and memory stores ignore it: the
 * consumer claims idle entries itself.
 *
 * @example Usage
 * ```ts
 * import type { EnsureGroupOptions } from "@backendai/common/message-queue";
 *
 * const options: EnsureGroupOptions = { idleTimeoutMs: 60_000, maxDeliveries: 5 };
 * ```
 */
export interface EnsureGroupOptions {
  /**
   * How long a delivered entry may stay unacknowledged before it is
   * delivered again (the consumer's `idleTimeoutMs`).
   *
   * @default {undefined} (the store's default)
   */
  readonly idleTimeoutMs?: number | undefined;
  /**
   * The consumer's `maxDeliveries`, past which it dead-letters an entry.
   *
   * @default {undefined}
   */
  readonly maxDeliveries?: number | undefined;
}

/** One item of {@linkcode StreamStore.publish}. */
export interface PublishItem {
  /** The channel. */
  readonly channel: string;
  /** The message text. */
  readonly data: string;
  /** Also store the text under this key, when given. */
  readonly cacheKey?: string | undefined;
  /** The cache entry's lifetime in seconds. */
  readonly cacheTtlSeconds: number;
}

/**
 * A live pub/sub subscription of a {@linkcode StreamStore}.
 *
 * @example Usage
 * ```ts
 * import type { StoreSubscription } from "@backendai/common/message-queue";
 *
 * async function stop(subscription: StoreSubscription): Promise<void> {
 *   await subscription.close();
 * }
 * ```
 */
export interface StoreSubscription {
  /** Unsubscribes. */
  close(): Promise<void>;
}

/**
 * The primitives a backend provides, with Redis Streams semantics: streams
 * with consumer groups and pending lists, pub/sub channels, and a key/value
 * cache with a TTL. Implement it to put {@linkcode StreamQueue} on another
 * store.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreamStore, type StreamStore } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const store: StreamStore = new MemoryStreamStore();
 * const [id] = await store.add([{ stream: "s", fields: ["k", "v"] }], 1000);
 * assert.equal((await store.range("s", 10))[0]?.id, id);
 * await store.close();
 * ```
 */
export interface StreamStore {
  /**
   * Adds entries (`XADD stream * …`), in one round trip. Trimming is
   * {@linkcode StreamStore.trim}'s job; `maxLen` is for streams no group
   * reads (dead letters), trimmed here to about that length.
   *
   * @param items The streams and flat field lists.
   * @param maxLen When given, the approximate length to trim each stream to
   * (`XADD stream MAXLEN ~ maxLen * …`).
   * @returns The new ids, in order.
   */
  add(
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen?: number,
  ): Promise<string[]>;
  /**
   * Creates a consumer group unless it exists (`XGROUP CREATE … MKSTREAM
   * ENTRIESREAD n`, with `n` the entries added before `start`, so that its
   * lag and losses are counted exactly from the start).
   *
   * @param stream The stream (created when missing).
   * @param group The group.
   * @param start `"$"` for new entries only, `"0"` for all.
   * @param options The group's idle timeout and delivery limit, for a
   * server that redelivers by itself.
   */
  ensureGroup(
    stream: string,
    group: string,
    start: "$" | "0",
    options?: EnsureGroupOptions,
  ): Promise<void>;
  /**
   * Reports a stream and its consumer groups (`XINFO STREAM`, `XINFO
   * GROUPS`, `XPENDING` summaries), in one round trip.
   *
   * @param stream The stream.
   * @returns The stream's state, or `undefined` when it does not exist.
   */
  streamInfo(stream: string): Promise<StreamInfo | undefined>;
  /**
   * The retention step, atomic: reports (and records in the dead-letter
   * stream) entries some group lost, trims what every group acknowledged
   * beyond `maxLen`, and with `hardMaxLen` drops what is beyond it.
   *
   * @param args The stream, the lengths, and where loss records go.
   * @returns What was trimmed and lost, and the stream's state after.
   */
  trim(args: TrimArgs): Promise<TrimResult>;
  /**
   * Opens a blocking reader.
   *
   * @returns The reader.
   */
  openReader(): StreamReader;
  /**
   * Acknowledges entries (`XACK`).
   *
   * @param stream The stream.
   * @param group The group.
   * @param ids The entry ids.
   * @returns How many were pending.
   */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number>;
  /**
   * Takes over entries pending longer than `minIdleMs`, keeping their ids
   * and incrementing their delivery count.
   *
   * @param args The stream, group, consumer, idle time, count and cursor.
   * @returns The claimed entries, the next cursor and trimmed ids.
   */
  claimIdle(args: ClaimIdleArgs): Promise<ClaimIdleResult>;
  /**
   * Adds `fields` to `deadLetterStream` and acknowledges `id`, atomically.
   *
   * @param args Where from, where to, and what.
   * @returns The dead-letter entry's id.
   */
  deadLetter(args: DeadLetterArgs): Promise<string>;
  /**
   * Reads entries oldest first (`XRANGE stream - + COUNT count`).
   *
   * @param stream The stream.
   * @param count Most entries.
   * @param start The first id, inclusive.
   * @returns The entries.
   */
  range(stream: string, count: number, start?: string): Promise<StoredEntry[]>;
  /**
   * Publishes messages, caching those with a `cacheKey`, in one round trip.
   *
   * @param items The messages.
   */
  publish(items: readonly PublishItem[]): Promise<void>;
  /**
   * Reads a cached message.
   *
   * @param key The cache key.
   * @returns The text, or `undefined` when missing or expired.
   */
  getCache(key: string): Promise<StreamFieldValue | undefined>;
  /**
   * Stores a value with a lifetime (`SET key value EX ttl`).
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime in seconds.
   */
  setCache(key: string, value: string, ttlSeconds: number): Promise<void>;
  /**
   * Subscribes to channels; resolves once the subscription is active.
   *
   * @param channels The channels.
   * @param onMessage Called with each message.
   * @returns The subscription.
   */
  subscribe(
    channels: readonly string[],
    onMessage: (channel: string, data: StreamFieldValue) => void,
  ): Promise<StoreSubscription>;
  /** Releases every connection. */
  close(): Promise<void>;
}

/**
 * A consumer group as {@linkcode StreamStore.streamInfo} reports it.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type GroupInfo } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using consumer = await queue.consumer({ group: "manager" });
 * await queue.anycaster().anycast({ name: "m", source: "s", payload: "{}" });
 * const info = await queue.streamInfo("events");
 * const manager: GroupInfo | undefined = info?.groups[0];
 * assert.equal(manager?.lag, 1);
 * ```
 */
export interface GroupInfo {
  /** The group's name. */
  readonly name: string;
  /** How many consumers the group has. */
  readonly consumers: number;
  /** Entries delivered to a consumer and not acknowledged yet. */
  readonly pending: number;
  /** The oldest of them, if any. */
  readonly oldestPendingId: string | undefined;
  /** The last entry delivered to the group (`"0-0"` before any). */
  readonly lastDeliveredId: string;
  /**
   * The group's read counter (Redis `entries-read`): the position in the
   * stream's history of the last entry delivered; `undefined` when the
   * server keeps none (a group created by another client that has not read
   * since).
   */
  readonly entriesRead: number | undefined;
  /**
   * Entries in the stream after the last delivered one: not delivered to
   * the group yet. `undefined` when the server cannot tell.
   */
  readonly lag: number | undefined;
}

/**
 * A stream as {@linkcode StreamStore.streamInfo} reports it.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreamStore, type StreamInfo } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryStreamStore();
 * await store.add([{ stream: "s", fields: ["k", "v"] }]);
 * const info: StreamInfo | undefined = await store.streamInfo("s");
 * assert.equal(info?.length, 1);
 * await store.close();
 * ```
 */
export interface StreamInfo {
  /** The stream. */
  readonly stream: string;
  /** Entries in it now. */
  readonly length: number;
  /** Its first entry's id, if it has any. */
  readonly firstId: string | undefined;
  /** The last id it gave out (`"0-0"` before any). */
  readonly lastId: string;
  /** Entries ever added to it. */
  readonly entriesAdded: number;
  /** Its consumer groups. */
  readonly groups: readonly GroupInfo[];
}

/** The arguments of {@linkcode StreamStore.trim}. */
export interface TrimArgs {
  /** The stream. */
  readonly stream: string;
  /**
   * Entries every group has acknowledged are trimmed while the stream is
   * longer than this (approximately; all entries when it has no group).
   */
  readonly maxLen: number;
  /**
   * Beyond this length the oldest entries are dropped even if a group has
   * not acknowledged them, and each group's loss is reported.
   *
   * @default {undefined} (no hard cap)
   */
  readonly hardMaxLen?: number | undefined;
  /** Where loss records go (`<stream>.dlq`). */
  readonly deadLetterStream: string;
  /**
   * The dead-letter stream's cap: beyond it (approximately) its oldest dead
   * letters are dropped and counted in `TrimResult.deadLettersDropped`,
   * before this step adds its loss records.
   */
  readonly deadLetterMaxLen: number;
  /**
   * Only cap the dead-letter stream: for a broadcast channel's
   * `<channel>.dlq`, which has no stream of its own.
   *
   * @default {false}
   */
  readonly deadLettersOnly?: boolean | undefined;
}

/**
 * Entries of a stream that a consumer group lost: trimmed before the group
 * acknowledged them. Every lost id lies in `[firstId, endId)`.
 *
 * @example Usage
 * ```ts
 * import type { TrimLoss } from "@backendai/common/message-queue";
 *
 * function describe(loss: TrimLoss): string {
 *   return `${loss.group} lost ${loss.count} of ${loss.stream} in [${loss.firstId}, ${loss.endId})`;
 * }
 * ```
 */
export interface TrimLoss {
  /** The stream. */
  readonly stream: string;
  /** The group that lost them. */
  readonly group: string;
  /**
   * Why: `"hard-cap"` (this queue's `hardMaxLen`) or `"trimmed-elsewhere"`
   * (found gone: another client trimmed them, e.g. an upstream producer's
   * `XADD MAXLEN ~ 128`).
   */
  readonly cause: "hard-cap" | "trimmed-elsewhere";
  /** How many: `unread + pending`. */
  readonly count: number;
  /** Of which never delivered to the group. */
  readonly unread: number;
  /** Of which delivered to a consumer and not acknowledged. */
  readonly pending: number;
  /**
   * The lowest id the lost entries can have (inclusive). For a hard-cap
   * loss it is the first lost entry's id; for entries found gone, the id
   * right after the group's last delivered one when unread ones were lost.
   */
  readonly firstId: string;
  /** The end of the lost range (exclusive): the first entry kept. */
  readonly endId: string;
  /** The loss record's id in the dead-letter stream. */
  readonly deadLetterId: string;
}

/** What {@linkcode StreamStore.trim} returns. */
export interface TrimResult {
  /** Entries trimmed that no group still needed. */
  readonly trimmed: number;
  /** Entries dropped by the hard cap. */
  readonly dropped: number;
  /**
   * Dead letters dropped from the dead-letter stream by its cap
   * (`deadLetterMaxLen`): the one place a dead letter is ever removed.
   */
  readonly deadLettersDropped: number;
  /** What each group lost, found gone or dropped by the hard cap. */
  readonly losses: readonly TrimLoss[];
  /**
   * Groups whose losses cannot be counted: their position is before the
   * stream's first entry and the server keeps no read counter for them.
   */
  readonly uncounted: readonly string[];
  /** The stream's state after the step; `undefined` when it does not exist. */
  readonly info: StreamInfo | undefined;
}

/**
 * Thrown by a {@linkcode StreamReader} when the consumer group is missing,
 * e.g. after the stream was deleted; the consumer then recreates it.
 *
 * @example Usage
 * ```ts
 * import { NoGroupError } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new NoGroupError("events").name, "NoGroupError");
 * ```
 */
export class NoGroupError extends Error {
  /**
   * Makes the error.
   *
   * @param stream The stream whose group is missing.
   */
  constructor(stream: string) {
    super(`No consumer group on stream "${stream}"`);
    this.name = "NoGroupError";
  }
}
