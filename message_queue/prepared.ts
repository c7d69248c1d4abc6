// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * What a store that publishes a broadcast in its own round trip needs (the
 * background task store does): where the queue is ({@linkcode QueueLocation})
 * and the broadcast encoded but not sent ({@linkcode PreparedBroadcast}, with
 * its {@linkcode DurableCopy}).
 *
 * @module
 */

import type { StreamFieldValue } from "./payload.ts";

/**
 * Where a queue on Redis / Valkey keeps its streams and cache keys, and the
 * trimming arguments of its `XADD`s: what a store that writes a broadcast in
 * its own script (the background task store does) needs to write it as the
 * queue would. A `RedisStreamQueue` gives none: its retention loop trims
 * every stream it watches to what every consumer group has acknowledged,
 * so an add must never trim.
 *
 * @example Usage
 * ```ts
 * import type { QueueLocation } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const location: QueueLocation = {
 *   server: "127.0.0.1:6379",
 *   db: 4,
 *   trim: [],
 * };
 * assert.equal(location.db, 4);
 * ```
 */
export interface QueueLocation {
  /**
   * The server: `host:port`, `unix:<path>`, or
   * `sentinel:<master name>@<sorted Sentinel addresses>`.
   */
  readonly server: string;
  /** The logical database. */
  readonly db: number;
  /** The trimming arguments the queue puts in every `XADD` (none on Redis). */
  readonly trim: readonly string[];
}

/**
 * The durable copy of a {@linkcode PreparedBroadcast}: the stream entry a
 * broadcaster with a `durableStream` adds beside the live message.
 *
 * @example Usage
 * ```ts
 * import { encodeStreamFields, type DurableCopy } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const copy: DurableCopy = {
 *   stream: "events_durable",
 *   fields: encodeStreamFields({ name: "bgtask_done", source: "manager", payload: "{}" }),
 * };
 * assert.equal(copy.fields[1], "bgtask_done");
 * ```
 */
export interface DurableCopy {
  /** The durable stream. */
  readonly stream: string;
  /**
   * The entry's fields, name and value alternating, as `XADD` takes them
   * (a legacy envelope's `args` are bytes).
   */
  readonly fields: readonly StreamFieldValue[];
}

/**
 * A broadcast encoded for the wire but not sent (`EventProducer.prepareBroadcast`
 * makes one), saying everything its sending involves. Publishing it means,
 * on the server and in the DB of `location`: `SET <cacheId> <data> EX
 * <cacheTtlSeconds>` (when `cacheId` is set), `PUBLISH <channel> <data>`,
 * and, when `durable` is set, `XADD <durable.stream> <location.trim…> *
 * <durable.fields…>`. A publisher that cannot do all of it there (the
 * queue is elsewhere, or `location` is undefined) must send through the
 * producer instead. The background task store's scripts publish them.
 *
 * @example Usage
 * ```ts
 * import { encodeBroadcast, type PreparedBroadcast } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const prepared: PreparedBroadcast = {
 *   channel: "events_all",
 *   data: encodeBroadcast({ name: "bgtask_done", source: "manager", payload: "{}" }),
 *   cacheId: "bgtask.1",
 *   cacheTtlSeconds: 300,
 *   durable: undefined,
 *   location: { server: "127.0.0.1:6379", db: 4, trim: ["MAXLEN", "~", "100000"] },
 * };
 * assert.equal(JSON.parse(prepared.data).name, "bgtask_done");
 * ```
 */
export interface PreparedBroadcast {
  /** The pub/sub channel. */
  readonly channel: string;
  /** The broadcast JSON, exactly as a broadcaster writes it. */
  readonly data: string;
  /** The cache key, if the broadcast is cached. */
  readonly cacheId: string | undefined;
  /** The cache lifetime in seconds. */
  readonly cacheTtlSeconds: number;
  /** The durable copy, when the producer has a `durableStream`. */
  readonly durable: DurableCopy | undefined;
  /**
   * Where the queue keeps the cache key and the durable stream; `undefined`
   * when the queue is not on Redis (then only the producer can send it).
   */
  readonly location: QueueLocation | undefined;
}
