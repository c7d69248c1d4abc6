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
 *   (Redis Streams + pub/sub, wire-compatible with upstream main; also on a
 *   Redis / Valkey Cluster, with `cluster` seeds), both a
 *   {@linkcode StreamQueue} over a {@linkcode StreamStore}; `NatsStreamQueue`
 *   (NATS JetStream) in the subpath `@backendai/common/message-queue/nats`.
 * - The wire codec: {@linkcode encodeStreamFields}, {@linkcode decodeStreamFields},
 *   {@linkcode encodeBroadcast}, {@linkcode decodeBroadcast} (legacy msgpack too).
 *
 * Trimming never loses what a consumer group has not acknowledged: every
 * `trimIntervalMs` (1 s) the queue trims each stream it writes or reads down
 * to `maxLen` (100 000) entries, but only of entries every group has
 * acknowledged (`XTRIM MINID ~` to the oldest entry a group still needs; no
 * round trip per add). A group that is down keeps its entries; a warning
 * says when it is far behind, and {@linkcode StreamQueue.streamInfo} gives
 * each group's lag. The opt-in `hardMaxLen` is the safety valve: past it the
 * oldest entries go even if unread, and each group's loss is logged as an
 * error with the exact count and id range, counted in `queue.stats`, passed
 * to `onTrimLoss`, and recorded in `<stream>.dlq`. With `backpressure`
 * (`"wait"` or `"reject"`) anycasts hold back instead, or fail with
 * {@linkcode StreamFullError}.
 *
 * Consumer names default to `<nodeId>:<program>:<slot>`: unique per process
 * on a node, the same after a restart of the same worker, which takes back
 * what was pending under its name at once. Pin one with the consumer's
 * `name` or the queue's `workerIndex`.
 *
 * Sharing a stream with upstream's Python components (the `events` stream
 * of a running cluster):
 *
 * - Python producers trim the shared stream on every add (`XADD MAXLEN ~
 *   128`, which keeps between about 128 and 228 entries), whoever has read
 *   what: there, a group more than ~128 entries behind loses entries,
 *   whatever this queue does. The queue finds such losses within a
 *   trimming interval and reports them like the hard cap's (cause
 *   `"trimmed-elsewhere"`), exactly where Redis's read counters allow; keep
 *   TypeScript consumers close behind, or give TypeScript-only traffic a
 *   stream of its own.
 * - A Python member of a consumer group claims entries idle for 5 minutes
 *   (`XAUTOCLAIM`, every minute), whoever's they are, and re-adds each as a
 *   new entry at the tail (`_retry_count` + 1, a new id) that every group
 *   on the stream reads again; after 4 re-adds it drops it. In a group
 *   shared with Python members, the defaults keep TypeScript members ahead
 *   of that: a restarted consumer takes its own pending entries back at
 *   once, and idle entries are claimed after 4 minutes (`idleTimeoutMs`
 *   240 000), checked every 30 s, so a live TypeScript member claims an
 *   entry (same id) before a Python member can copy it. Keep
 *   `idleTimeoutMs` under 300 000 in such a group.
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
export * from "./prepared.ts";
export * from "./trimming.ts";
export * from "./store.ts";
export * from "./stream_queue.ts";
export { DEAD_LETTER_SUFFIX } from "./dead_letter.ts";
export * from "./memory.ts";
export * from "./redis_location.ts";
export * from "./redis.ts";
export * from "./redis_queue.ts";
