// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The message queue on NATS JetStream, a subpath of its own so that only
 * its users load the NATS client: {@linkcode NatsStreamQueue} (a
 * `StreamQueue` over {@linkcode NatsStreamStore}) passes the same
 * conformance suites as the Redis and memory backends.
 *
 * How the queue maps onto NATS (namespace `bai` by default):
 *
 * - a stream `events` is the JetStream stream `bai_events` on the subject
 *   `bai.s.events`; its dead letters `events.dlq` are `bai_events:dlq`;
 *   an entry is one message whose data is a MessagePack array of its
 *   fields, and its id is `0-<stream sequence>`;
 * - a consumer group is a durable pull consumer of the stream (explicit
 *   acks, the ack wait is the consumer's `idleTimeoutMs`, no server-side
 *   delivery limit: the queue dead-letters past `maxDeliveries`, as on
 *   Redis); a closing consumer hands back what it held (`nak`) at once;
 * - a broadcast channel `events_all` is the core NATS subject
 *   `bai.b.events_all` (live only, as upstream's pub/sub); the broadcast
 *   cache is the key-value bucket `bai_cache`; durable broadcast is a
 *   stream with a consumer per subscriber;
 * - the buckets `bai_members` (each group's consumer names) and
 *   `bai_ledger` (per stream: where the library's trimming left it, and
 *   the lease that makes steps of several processes take turns).
 *
 * Every loss to trimming this library causes is counted before it
 * happens; a removal by another NATS client (a purge by hand) is found and
 * reported as uncounted for every group of the stream.
 *
 * Runtimes: the official client 3.x with its Node transport
 * (`@nats-io/transport-node`, `node:net`) on Node, Deno and Bun alike;
 * `new NatsStreamStore(nc)` takes any `NatsConnection` (e.g. one made
 * with `@nats-io/transport-deno`).
 *
 * ```ts ignore
 * import { NatsStreamQueue } from "@backendai/common/message-queue/nats";
 *
 * await using queue = await NatsStreamQueue.connect({ servers: "127.0.0.1:4222" });
 * const consumer = await queue.consumer({ group: "manager" });
 * await queue.anycaster().anycast({ name: "ping", source: "n1", payload: "{}" });
 * for await (const message of consumer) {
 *   await consumer.done(message);
 *   break;
 * }
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./names.ts";
export * from "./connect.ts";
export * from "./store.ts";
export * from "./queue.ts";
