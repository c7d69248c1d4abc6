// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The embedded message queue: {@linkcode MemoryQueue}, a real in-process
 * implementation of the Redis Streams model (consumer groups, pending lists,
 * delivery counts, idle reclaim, dead letters, pub/sub, a TTL cache) for
 * tests, demos and single-process deployments. No Redis anywhere.
 *
 * @module
 */

import { MessageQueueClosedError } from "./errors.ts";
import type { StreamFieldValue } from "./payload.ts";
import {
  type ClaimIdleArgs,
  type ClaimIdleResult,
  type DeadLetterArgs,
  type DeliveredEntry,
  type EnsureGroupOptions,
  NoGroupError,
  type PublishItem,
  type ReadGroupArgs,
  type StoredEntry,
  type StoreSubscription,
  type StreamInfo,
  type StreamReader,
  type StreamStore,
  type TrimArgs,
  type TrimResult,
} from "./store.ts";
import { StreamQueue } from "./stream_queue.ts";
import type { MessageQueueOptions } from "./types.ts";
import {
  compareIds,
  findEntry,
  indexAfter,
  type MemoryEntry,
  type MemoryStream,
  type PendingEntry,
  retainStream,
  streamInfoOf,
  toFields,
  trimTo,
} from "./_memory_stream.ts";
import { Wakeup } from "../_wait.ts";

// Expired cache entries are swept by a write at most this often.
const CACHE_SWEEP_MS = 1000;

/**
 * The in-memory {@linkcode StreamStore}: Redis Streams semantics in one
 * process, Redis 7's read counters included. Trimming is exact where Redis
 * trims approximately; pub/sub delivery is asynchronous (next microtask),
 * in publish order.
 *
 * @example Usage
 * ```ts
 * import { MemoryStreamStore } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryStreamStore();
 * await store.ensureGroup("s", "g", "$");
 * await store.add([{ stream: "s", fields: ["k", "v"] }], 100);
 * const reader = store.openReader();
 * const [entry] = await reader.read({
 *   group: "g", consumer: "c", streams: ["s"], count: 10, blockMs: 0,
 * });
 * assert.equal(entry?.deliveryCount, 1);
 * await store.close();
 * ```
 */
export class MemoryStreamStore implements StreamStore {
  readonly #streams = new Map<string, MemoryStream>();
  readonly #cache = new Map<string, { data: string; expiresAt: number }>();
  readonly #channels = new Map<
    string,
    Set<(channel: string, data: StreamFieldValue) => void>
  >();
  readonly #added = new Wakeup();
  readonly #closing = new AbortController();
  #nextSweep = 0;
  #closed = false;

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError("The memory stream store is closed");
    }
  }

  #stream(name: string, create: boolean): MemoryStream | undefined {
    let stream = this.#streams.get(name);
    if (stream === undefined && create) {
      stream = {
        entries: [],
        head: 0,
        idPrefix: "",
        lastMs: 0,
        lastSeq: 0,
        entriesAdded: 0,
        groups: new Map(),
      };
      this.#streams.set(name, stream);
    }
    return stream;
  }

  /**
   * Adds entries; given `maxLen`, trims each stream to it, exactly.
   *
   * @param items The streams and flat field lists.
   * @param maxLen When given, the length to trim to.
   * @returns The new ids.
   */
  add(
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen?: number,
  ): Promise<string[]> {
    this.#checkOpen();
    const ids: string[] = [];
    for (const item of items) {
      ids.push(this.#append(item.stream, item.fields, maxLen));
    }
    this.#added.notify();
    return Promise.resolve(ids);
  }

  #append(
    name: string,
    fields: readonly StreamFieldValue[],
    maxLen: number | undefined,
  ): string {
    const stream = this.#stream(name, true) as MemoryStream;
    const now = Date.now();
    let ms = now;
    let seq = 0;
    if (now <= stream.lastMs) {
      ms = stream.lastMs;
      seq = stream.lastSeq + 1;
    }
    if (ms !== stream.lastMs || stream.idPrefix === "") {
      stream.idPrefix = `${ms}-`; // a 13-digit number is slow to print
    }
    stream.lastMs = ms;
    stream.lastSeq = seq;
    const entry: MemoryEntry = {
      id: stream.idPrefix + seq,
      ms,
      seq,
      fields: toFields(fields),
    };
    stream.entries.push(entry);
    stream.entriesAdded++;
    if (maxLen !== undefined) trimTo(stream, maxLen);
    return entry.id;
  }

  /**
   * Creates a group unless it exists.
   *
   * @param stream The stream (created when missing).
   * @param group The group.
   * @param start `"$"` for new entries only, `"0"` for all.
   * @param _options Ignored: the consumer claims idle entries itself.
   */
  ensureGroup(
    stream: string,
    group: string,
    start: "$" | "0",
    _options?: EnsureGroupOptions,
  ): Promise<void> {
    this.#checkOpen();
    const target = this.#stream(stream, true) as MemoryStream;
    if (!target.groups.has(group)) {
      const length = target.entries.length - target.head;
      target.groups.set(group, {
        lastMs: start === "$" ? target.lastMs : 0,
        lastSeq: start === "$" ? target.lastSeq : 0,
        entriesRead: start === "$"
          ? target.entriesAdded
          : target.entriesAdded - length,
        pending: new Map(),
        consumers: new Set(),
      });
    }
    return Promise.resolve();
  }

  /**
   * Reports a stream and its groups.
   *
   * @param stream The stream.
   * @returns Its state, or `undefined` when it does not exist.
   */
  streamInfo(stream: string): Promise<StreamInfo | undefined> {
    this.#checkOpen();
    const target = this.#streams.get(stream);
    return Promise.resolve(
      target === undefined ? undefined : streamInfoOf(stream, target),
    );
  }

  /**
   * The retention step: losses found, acknowledged entries trimmed beyond
   * `maxLen` (exactly), the hard cap, loss records; all at once.
   *
   * @param args The stream, the lengths, and where loss records go.
   * @returns What was trimmed and lost, and the state after.
   */
  trim(args: TrimArgs): Promise<TrimResult> {
    this.#checkOpen();
    // The dead-letter stream's cap, counted, before this step's loss records.
    const dlq = this.#streams.get(args.deadLetterStream);
    const deadLettersDropped = dlq === undefined || args.deadLetterMaxLen <= 0
      ? 0
      : trimTo(dlq, args.deadLetterMaxLen);
    const stream = args.deadLettersOnly
      ? undefined
      : this.#streams.get(args.stream);
    if (stream === undefined) {
      return Promise.resolve({
        trimmed: 0,
        dropped: 0,
        deadLettersDropped,
        losses: [],
        uncounted: [],
        info: undefined,
      });
    }
    const result = retainStream(
      args.stream,
      stream,
      args,
      (fields) => this.#append(args.deadLetterStream, fields, undefined),
    );
    if (result.losses.length > 0) this.#added.notify();
    return Promise.resolve({ ...result, deadLettersDropped });
  }

  #readNow(args: ReadGroupArgs): DeliveredEntry[] {
    const delivered: DeliveredEntry[] = [];
    const now = Date.now();
    for (const name of args.streams) {
      const stream = this.#stream(name, false);
      const group = stream?.groups.get(args.group);
      if (stream === undefined || group === undefined) {
        throw new NoGroupError(name);
      }
      const { entries } = stream;
      group.consumers.add(args.consumer);
      // Entries are in id order: binary-search the first one after the group.
      const low = indexAfter(stream, group.lastMs, group.lastSeq);
      const end = Math.min(entries.length, low + args.count);
      for (let i = low; i < end; i++) {
        const entry = entries[i] as MemoryEntry;
        group.pending.set(entry.id, {
          consumer: args.consumer,
          deliveredAt: now,
          count: 1,
        });
        group.lastMs = entry.ms;
        group.lastSeq = entry.seq;
        group.entriesRead++;
        delivered.push({
          stream: name,
          id: entry.id,
          fields: entry.fields,
          deliveryCount: 1,
        });
      }
    }
    return delivered;
  }

  /**
   * Opens a reader; reads wait for new entries up to `blockMs`.
   *
   * @returns The reader.
   */
  openReader(): StreamReader {
    this.#checkOpen();
    const closing = new AbortController();
    return {
      read: async (args: ReadGroupArgs): Promise<DeliveredEntry[]> => {
        const deadline = Date.now() + args.blockMs;
        const signal = AbortSignal.any([
          closing.signal,
          this.#closing.signal,
          ...(args.signal === undefined ? [] : [args.signal]),
        ]);
        while (true) {
          this.#checkOpen();
          const entries = this.#readNow(args);
          const left = deadline - Date.now();
          if (entries.length > 0 || left <= 0 || signal.aborted) {
            return entries;
          }
          await this.#added.wait(left, signal);
        }
      },
      connect: () => Promise.resolve(),
      close: () => {
        closing.abort();
        return Promise.resolve();
      },
    };
  }

  /**
   * Acknowledges entries.
   *
   * @param stream The stream.
   * @param group The group.
   * @param ids The ids.
   * @returns How many were pending.
   */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    this.#checkOpen();
    const pending = this.#streams.get(stream)?.groups.get(group)?.pending;
    let count = 0;
    for (const id of ids) if (pending?.delete(id)) count++;
    return Promise.resolve(count);
  }

  /**
   * Claims entries pending at least `minIdleMs`, like `XAUTOCLAIM`.
   *
   * @param args The stream, group, consumer, idle time, count and cursor.
   * @returns The claimed entries, the next cursor, and trimmed ids.
   */
  claimIdle(args: ClaimIdleArgs): Promise<ClaimIdleResult> {
    this.#checkOpen();
    const stream = this.#streams.get(args.stream);
    const group = stream?.groups.get(args.group);
    if (stream === undefined || group === undefined) {
      return Promise.reject(new NoGroupError(args.stream));
    }
    group.consumers.add(args.consumer);
    const now = Date.now();
    const ids = [...group.pending.entries()]
      .filter(([id, pending]) =>
        compareIds(id, args.cursor) >= 0 &&
        (args.owner === undefined || pending.consumer === args.owner)
      )
      .map(([id]) => id)
      .sort(compareIds);
    const entries: DeliveredEntry[] = [];
    const deleted: string[] = [];
    let cursor = "0-0";
    for (const id of ids) {
      if (entries.length >= args.count) {
        cursor = id;
        break;
      }
      const pending = group.pending.get(id) as PendingEntry;
      if (now - pending.deliveredAt < args.minIdleMs) continue;
      const entry = findEntry(stream, id);
      if (entry === undefined) {
        group.pending.delete(id);
        deleted.push(id);
        continue;
      }
      pending.consumer = args.consumer;
      pending.deliveredAt = now;
      pending.count += 1;
      entries.push({
        stream: args.stream,
        id,
        fields: entry.fields,
        deliveryCount: pending.count,
      });
    }
    return Promise.resolve({ cursor, entries, deleted });
  }

  /**
   * Adds a dead letter and acknowledges the original, atomically.
   *
   * @param args Where from, where to, and what.
   * @returns The dead-letter entry's id.
   */
  async deadLetter(args: DeadLetterArgs): Promise<string> {
    const [id] = await this.add([
      { stream: args.deadLetterStream, fields: args.fields },
    ]);
    await this.ack(args.stream, args.group, [args.id]);
    return id as string;
  }

  /**
   * Reads entries oldest first.
   *
   * @param stream The stream.
   * @param count Most entries.
   * @param start The first id, inclusive.
   * @returns The entries.
   */
  range(
    stream: string,
    count: number,
    start: string = "0-0",
  ): Promise<StoredEntry[]> {
    this.#checkOpen();
    const target = this.#streams.get(stream);
    const entries = target?.entries.slice(target.head) ?? [];
    return Promise.resolve(
      entries.filter((entry) => compareIds(entry.id, start) >= 0)
        .slice(0, count)
        .map(({ id, fields }) => ({ id, fields })),
    );
  }

  /** Stores a cache entry; a write sweeps expired ones, at most once a second. */
  #cacheSet(key: string, data: string, ttlSeconds: number): void {
    const now = Date.now();
    if (now >= this.#nextSweep) {
      this.#nextSweep = now + CACHE_SWEEP_MS;
      for (const [cachedKey, cached] of this.#cache) {
        if (now >= cached.expiresAt) this.#cache.delete(cachedKey);
      }
    }
    this.#cache.set(key, { data, expiresAt: now + ttlSeconds * 1000 });
  }

  /**
   * Caches (where asked) and publishes messages, delivered on a microtask.
   *
   * @param items The messages.
   */
  publish(items: readonly PublishItem[]): Promise<void> {
    this.#checkOpen();
    for (const item of items) {
      if (item.cacheKey !== undefined) {
        this.#cacheSet(item.cacheKey, item.data, item.cacheTtlSeconds);
      }
      const listeners = [...(this.#channels.get(item.channel) ?? [])];
      if (listeners.length > 0) {
        queueMicrotask(() => {
          for (const listener of listeners) listener(item.channel, item.data);
        });
      }
    }
    return Promise.resolve();
  }

  /**
   * How many cache entries the store holds, expired ones not yet swept
   * included (they are swept at most a second after they expire, on the
   * next write to the cache).
   *
   * @example Usage
   * ```ts
   * import { MemoryStreamStore } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * const store = new MemoryStreamStore();
   * await store.setCache("k", "v", 60);
   * assert.equal(store.cacheSize, 1);
   * await store.close();
   * ```
   *
   * @returns The number of entries.
   */
  get cacheSize(): number {
    return this.#cache.size;
  }

  /**
   * Reads a cached message.
   *
   * @param key The key.
   * @returns The text, or `undefined` when missing or expired.
   */
  getCache(key: string): Promise<string | undefined> {
    this.#checkOpen();
    const cached = this.#cache.get(key);
    if (cached === undefined) return Promise.resolve(undefined);
    if (Date.now() >= cached.expiresAt) {
      this.#cache.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(cached.data);
  }

  /**
   * Stores a value with a lifetime.
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime in seconds.
   */
  setCache(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#checkOpen();
    this.#cacheSet(key, value, ttlSeconds);
    return Promise.resolve();
  }

  /**
   * Subscribes to channels.
   *
   * @param channels The channels.
   * @param onMessage Called with each message.
   * @returns The subscription.
   */
  subscribe(
    channels: readonly string[],
    onMessage: (channel: string, data: StreamFieldValue) => void,
  ): Promise<StoreSubscription> {
    this.#checkOpen();
    for (const channel of channels) {
      let listeners = this.#channels.get(channel);
      if (listeners === undefined) {
        listeners = new Set();
        this.#channels.set(channel, listeners);
      }
      listeners.add(onMessage);
    }
    return Promise.resolve({
      close: () => {
        for (const channel of channels) {
          this.#channels.get(channel)?.delete(onMessage);
        }
        return Promise.resolve();
      },
    });
  }

  /** Drops everything and wakes every blocked reader. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort();
    this.#streams.clear();
    this.#cache.clear();
    this.#channels.clear();
    return Promise.resolve();
  }
}

/**
 * The embedded message queue: {@linkcode StreamQueue} over a
 * {@linkcode MemoryStreamStore}. Same semantics as `RedisStreamQueue`, proven
 * by the same conformance suite; state lives in this object only.
 *
 * @example Anycast to a consumer group, broadcast to a subscriber
 * ```ts
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue({ nodeId: "manager-1" });
 * const consumer = await queue.consumer({ group: "manager" });
 * const subscriber = await queue.subscriber();
 * await queue.anycaster().anycast({ name: "job", source: "api", payload: '{"n":1}' });
 * await queue.broadcaster().broadcast({ name: "news", source: "api", payload: "{}" });
 *
 * for await (const message of consumer) {
 *   assert.deepEqual(message.body, { n: 1 });
 *   await consumer.done(message);
 *   break;
 * }
 * for await (const message of subscriber) {
 *   assert.equal(message.name, "news");
 *   break;
 * }
 * ```
 */
export class MemoryQueue extends StreamQueue {
  /**
   * Makes an empty queue.
   *
   * @param options The node id (default consumer name), `maxLen` and logger.
   */
  constructor(options: MessageQueueOptions = {}) {
    super(new MemoryStreamStore(), options);
  }
}
