// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The message queue that carries every event between components.
 *
 * - {@linkcode Anycaster} / {@linkcode Consumer}: point to point; each message
 *   goes to exactly one consumer of every consumer group, which acknowledges
 *   it with `done()`. Unacknowledged messages are redelivered with their id
 *   after the idle timeout; after `maxDeliveries` (default 5) they go to the
 *   dead-letter stream `<stream>.dlq` with the last error. Nothing is dropped.
 * - {@linkcode Broadcaster} / {@linkcode Subscriber}: fan-out over pub/sub,
 *   with a TTL cache of the last message per cache id, as upstream; or, with
 *   `durableStream`, also through a stream that durable subscribers read as
 *   consumer groups of their own, so a restarting subscriber misses nothing.
 * - Backends: {@linkcode MemoryQueue} (embedded) and {@linkcode RedisStreamQueue}
 *   (Redis Streams + pub/sub, wire-compatible with upstream main), both a
 *   {@linkcode StreamQueue} over a {@linkcode StreamStore}.
 * - The wire codec: {@linkcode encodeStreamFields}, {@linkcode decodeStreamFields},
 *   {@linkcode encodeBroadcast}, {@linkcode decodeBroadcast} (legacy msgpack too).
 *
 * @example Anycast and broadcast on the embedded backend
 * ```ts
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const consumer = await queue.consumer({ group: "manager" });
 * await queue.anycaster().anycast({
 *   name: "session_started", source: "agent-1", payload: '{"session_id":"s-1"}',
 * });
 * for await (const message of consumer) {
 *   assert.equal(message.name, "session_started");
 *   await consumer.done(message);
 *   break;
 * }
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./payload.ts";
export * from "./types.ts";
export * from "./store.ts";
export * from "./stream_queue.ts";
export { DEAD_LETTER_SUFFIX } from "./dead_letter.ts";
export * from "./memory.ts";
export * from "./redis.ts";
