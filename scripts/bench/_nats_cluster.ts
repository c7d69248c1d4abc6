// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The NATS and Redis Cluster runners of `bench:mq` (same load as the
 * single-Redis runners: one producer, four consumers of one group,
 * 256-byte payloads, `done()` per message):
 *
 * - `nats-raw`: the plain NATS client doing the same work, the ceiling of
 *   our NATS backend: `js.publish` of a JSON envelope to a file-storage
 *   stream, four `consume()` loops (the client's continuous pull, 64 at a
 *   time) on one durable consumer, `ack()` per message;
 * - `nats`: `NatsStreamQueue` (file storage);
 * - `cluster`: `RedisStreamQueue` on the halfstack's Redis Cluster.
 *
 * Addresses: `BACKEND_NATS_URL` and `BACKEND_REDIS_CLUSTER_NODES`, else the
 * halfstack env file (the cluster needs `deno task halfstack up --cluster`).
 *
 * @module
 */

import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type JetStreamManager,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { Cluster } from "ioredis";
import { RedisStreamQueue, type StreamQueue } from "../../message_queue/mod.ts";
import { connectNats, NatsStreamQueue } from "../../message_queue/nats/mod.ts";
import { readHalfstackEnv } from "../halfstack.ts";
import {
  CONSUMERS,
  type Measurement,
  payload,
  produce,
  quiet,
  sendTime,
  Sink,
} from "./_harness.ts";

const env = readHalfstackEnv() ?? {};

/** The NATS server, `host:port`. */
export const natsServer: string = (Deno.env.get("BACKEND_NATS_URL") ??
  env.BACKEND_NATS_URL ?? "nats://127.0.0.1:14222").replace(/^nats:\/\//, "");

/** The Redis Cluster's nodes, if one is up. */
export const clusterSeeds: string[] | undefined = (() => {
  const nodes = Deno.env.get("BACKEND_REDIS_CLUSTER_NODES") ??
    env.BACKEND_REDIS_CLUSTER_NODES;
  return nodes === undefined || nodes === "" ? undefined : nodes.split(",");
})();

const NAMESPACE = "benchmq";
const utf8 = new TextEncoder();
const text = new TextDecoder();

async function deleteStreams(jsm: JetStreamManager): Promise<void> {
  const names: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(`${NAMESPACE}_`) || name === "benchraw") {
      names.push(name);
    }
  }
  await Promise.all(names.map((name) => jsm.streams.delete(name)));
}

async function natsConnection(): Promise<NatsConnection> {
  return await connectNats({ servers: natsServer }, { logger: quiet });
}

/** The plain NATS client: the ceiling of our NATS backend. */
export async function runNatsRaw(
  n: number,
  paced: boolean,
): Promise<Measurement> {
  const nc = await natsConnection();
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await deleteStreams(jsm);
  await jsm.streams.add({ name: "benchraw", subjects: ["benchraw.s"] });
  await jsm.consumers.add("benchraw", {
    durable_name: "g",
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    max_ack_pending: -1,
  });
  const sink = new Sink(n);
  const loops = await Promise.all(
    Array.from({ length: CONSUMERS }, async () => {
      const consumer = await js.consumers.get("benchraw", "g");
      return await consumer.consume({
        max_messages: 64,
        callback: (m) => {
          const envelope = JSON.parse(text.decode(m.data)) as {
            payload: string;
          };
          sink.record(sendTime(JSON.parse(envelope.payload)));
          m.ack();
        },
      });
    }),
  );
  const start = performance.now();
  await produce(n, paced, () =>
    js.publish(
      "benchraw.s",
      utf8.encode(JSON.stringify({
        name: "bench",
        source: "bench",
        payload: payload(),
      })),
    ));
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(loops.map((loop) => loop.close()));
  await jsm.streams.delete("benchraw");
  await nc.close();
  return sink.measure(seconds);
}

async function runQueue(
  queue: StreamQueue,
  stream: string,
  n: number,
  paced: boolean,
): Promise<Measurement> {
  const consumers = await Promise.all(
    Array.from({ length: CONSUMERS }, (_, i) =>
      queue.consumer({
        group: "g",
        name: `c${i}`,
        streams: [stream],
        batchSize: 64,
        blockMs: 100,
      })),
  );
  const sink = new Sink(n);
  const loops = consumers.map(async (consumer) => {
    for await (const message of consumer) {
      sink.record(sendTime(message.body));
      await consumer.done(message);
    }
  });
  const anycaster = queue.anycaster({ stream });
  const start = performance.now();
  await produce(
    n,
    paced,
    () =>
      anycaster.anycast({ name: "bench", source: "bench", payload: payload() }),
  );
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  await Promise.all(loops);
  return sink.measure(seconds);
}

/** Our NATS backend. */
export async function runNatsOurs(
  n: number,
  paced: boolean,
): Promise<Measurement> {
  const nc = await natsConnection();
  await deleteStreams(await jetstreamManager(nc));
  await nc.close();
  const queue = await NatsStreamQueue.connect({ servers: natsServer }, {
    nodeId: "bench",
    namespace: NAMESPACE,
    logger: quiet,
  });
  return await runQueue(queue, "bench", n, paced);
}

/** Our Redis backend on the cluster. */
export async function runClusterOurs(
  n: number,
  paced: boolean,
): Promise<Measurement> {
  const seeds = clusterSeeds as string[];
  const raw = new Cluster(seeds, { lazyConnect: true });
  await raw.connect();
  await raw.del("bench-cluster", "{bench-cluster}.dlq");
  await raw.quit();
  const queue = await RedisStreamQueue.connect({ cluster: seeds }, {
    nodeId: "bench",
    logger: quiet,
  });
  return await runQueue(queue, "bench-cluster", n, paced);
}
