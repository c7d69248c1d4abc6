// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode RedisStreamQueue}: the message queue on Redis / Valkey, a
 * `StreamQueue` over a `RedisStreamStore`.
 *
 * @module
 */

import type { ValkeyTarget } from "../clients/valkey/mod.ts";
import { RedisStreamStore, type RedisStreamStoreOptions } from "./redis.ts";
import { StreamQueue } from "./stream_queue.ts";
import type { MessageQueueOptions } from "./types.ts";
import type { QueueLocation } from "./prepared.ts";

/** Options of {@linkcode RedisStreamQueue.connect}. */
export interface RedisStreamQueueOptions
  extends MessageQueueOptions, Omit<RedisStreamStoreOptions, "logger"> {}

/**
 * The message queue on Redis / Valkey: {@linkcode StreamQueue} over a
 * {@linkcode RedisStreamStore}. Upstream's production layout is stream
 * `events` and channel `events_all` in DB 4, one consumer group per
 * component (`manager`, …); those are the defaults here, except the DB,
 * which is the target's.
 *
 * @example Join a Backend.AI cluster's event stream
 * ```ts ignore
 * import { RedisStreamQueue } from "@backendai/common/message-queue";
 *
 * await using queue = await RedisStreamQueue.connect(
 *   { sentinels: "10.0.0.1:26379", serviceName: "mymaster", db: 4 },
 *   { nodeId: "my-service-1" },
 * );
 * const consumer = await queue.consumer({ group: "my-service" });
 * for await (const message of consumer) {
 *   console.log(message.name, message.body);
 *   await consumer.done(message);
 * }
 * ```
 */
export class RedisStreamQueue extends StreamQueue {
  /** Where the queue keeps its streams and cache keys, and how it trims. */
  readonly location: QueueLocation;

  /**
   * Makes the queue over a connected store (see
   * {@linkcode RedisStreamQueue.connect}).
   *
   * @param store The store, owned by the queue from now on.
   * @param options Node id, `maxLen`, logger.
   * @throws {InvalidAPIParameters} When `maxLen` is not a positive integer.
   */
  constructor(store: RedisStreamStore, options: RedisStreamQueueOptions = {}) {
    super(store, options);
    // An add never trims: the queue's retention loop trims every stream it
    // watches (a durable broadcast stream included) to what every group has
    // read and acknowledged, so a store writing into it must not trim either.
    this.location = { ...store.location, trim: [] };
  }

  /**
   * Connects to the server and makes the queue.
   *
   * @param target Where the server is.
   * @param options Node id, `maxLen`, logger, health check, timeouts.
   * @returns The queue.
   * @throws {ValkeyConnectionError} When the server is not reached in time.
   */
  static async connect(
    target: ValkeyTarget,
    options: RedisStreamQueueOptions = {},
  ): Promise<RedisStreamQueue> {
    const store = await RedisStreamStore.connect(target, options);
    return new RedisStreamQueue(store, options);
  }
}
