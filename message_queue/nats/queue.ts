// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode NatsStreamQueue}: the message queue on NATS JetStream, a
 * `StreamQueue` over a {@linkcode NatsStreamStore}.
 *
 * @module
 */

import { StreamQueue } from "../stream_queue.ts";
import type { MessageQueueOptions } from "../types.ts";
import { connectNats, type NatsTarget } from "./connect.ts";
import { NatsStreamStore, type NatsStreamStoreOptions } from "./store.ts";

/** Options of {@linkcode NatsStreamQueue.connect}. */
export interface NatsStreamQueueOptions
  extends MessageQueueOptions, Omit<NatsStreamStoreOptions, "logger"> {
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Gives up waiting for the first connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * The message queue on NATS JetStream: {@linkcode StreamQueue} over a
 * {@linkcode NatsStreamStore}, with the same semantics as on Redis (the
 * conformance suites prove it): anycast to consumer groups, redelivery
 * with the same id, dead letters after `maxDeliveries`, broadcast with a
 * cache, durable broadcast, retention that never trims what a group still
 * needs.
 *
 * @example Switch a service from Redis to NATS
 * ```ts ignore
 * import { NatsStreamQueue } from "@backendai/common/message-queue/nats";
 *
 * await using queue = await NatsStreamQueue.connect(
 *   { servers: "127.0.0.1:4222" },
 *   { nodeId: "my-service-1" },
 * );
 * const consumer = await queue.consumer({ group: "my-service" });
 * for await (const message of consumer) {
 *   console.log(message.name, message.body);
 *   await consumer.done(message);
 * }
 * ```
 */
export class NatsStreamQueue extends StreamQueue {
  /**
   * Makes the queue over a store (see {@linkcode NatsStreamQueue.connect}).
   *
   * @param store The store, owned by the queue from now on.
   * @param options Node id, lengths, trimming, logger.
   * @throws {InvalidAPIParameters} When an option is out of range.
   */
  constructor(store: NatsStreamStore, options: MessageQueueOptions = {}) {
    super(store, options);
  }

  /**
   * Connects to NATS and makes the queue.
   *
   * @param target Where the server is.
   * @param options Node id, lengths, trimming, namespace, storage, logger.
   * @returns The queue.
   * @throws {NatsConnectionError} When no server is reached in time.
   */
  static async connect(
    target: NatsTarget,
    options: NatsStreamQueueOptions = {},
  ): Promise<NatsStreamQueue> {
    const nc = await connectNats(target, {
      name: `backendai-mq:${options.nodeId ?? "node"}`,
      connectTimeoutMs: options.connectTimeoutMs,
      logger: options.logger,
      signal: options.signal,
    });
    const store = new NatsStreamStore(nc, options, true);
    return new NatsStreamQueue(store, options);
  }
}
