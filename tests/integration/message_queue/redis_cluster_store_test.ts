// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// RedisStreamStore on a Redis Cluster, checked from the servers' side: the
// slots agree with CLUSTER KEYSLOT, a dead-letter stream is `{<stream>}.dlq`
// on its stream's node, broadcast is sharded pub/sub, durable appends wait
// for a replica, and a consumer of streams in several slots reads them
// all. Needs `deno task halfstack up --cluster`.

import assert from "node:assert/strict";
import { Cluster } from "ioredis";
import { valkeyKeySlot } from "../../../clients/valkey/mod.ts";
import {
  RedisStreamQueue,
  RedisStreamStore,
} from "../../../message_queue/mod.ts";
import { clusterNodes, halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

async function raw(): Promise<Cluster> {
  const cluster = new Cluster(clusterNodes(halfstackEnv()), {
    lazyConnect: true,
  });
  await cluster.connect();
  return cluster;
}

function message(n: number) {
  return { name: "m", source: "test", payload: JSON.stringify({ n }) };
}

Deno.test("valkeyKeySlot() agrees with CLUSTER KEYSLOT", async () => {
  const cluster = await raw();
  try {
    for (const key of ["events", "{events}.dlq", "a{b}c", "x}y", "공지"]) {
      assert.equal(
        valkeyKeySlot(key),
        await cluster.cluster("KEYSLOT", key),
        key,
      );
    }
  } finally {
    await cluster.quit();
  }
});

Deno.test("RedisStreamStore on a cluster: dead letters go to {<stream>}.dlq, broadcast is sharded", async () => {
  const cluster = await raw();
  await using queue = await RedisStreamQueue.connect(
    { cluster: clusterNodes(halfstackEnv()) },
    { logger: quietLogger },
  );
  try {
    const stream = unique("s");
    const consumer = await queue.consumer({ group: "g", streams: [stream] });
    await queue.anycaster({ stream }).anycast(message(1));
    for await (const got of consumer.messages()) {
      await consumer.deadLetter(got, new Error("to the dead letters"));
      break;
    }
    assert.equal(await cluster.xlen(`{${stream}}.dlq`), 1);
    assert.equal(await cluster.exists(`${stream}.dlq`), 0);
    assert.equal(queue.location.server.startsWith("cluster:"), true);

    const channel = unique("c");
    const sharded = new Cluster(clusterNodes(halfstackEnv()), {
      shardedSubscribers: true,
      lazyConnect: true,
    });
    await sharded.connect();
    const seen: string[] = [];
    sharded.on("smessage", (_channel: string, data: string) => seen.push(data));
    await sharded.ssubscribe(channel);
    await queue.broadcaster({ channel }).broadcast(message(2));
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(seen.length, 1, "an SSUBSCRIBE of the channel got it");
    sharded.disconnect();
  } finally {
    await cluster.quit();
  }
});

Deno.test("RedisStreamStore on a cluster: a durable append is on a replica when acknowledged", async () => {
  const cluster = await raw();
  const store = await RedisStreamStore.connect(
    { cluster: clusterNodes(halfstackEnv()) },
    { logger: quietLogger, waitForReplicas: true },
  );
  try {
    const stream = unique("d");
    const [id] = await store.add([{ stream, fields: ["k", "v"] }]);
    const slot = valkeyKeySlot(stream);
    const slots = await cluster.cluster("SLOTS");
    const owner = slots.find(([low, high]) => low <= slot && slot <= high);
    const replicaPorts = (owner?.slice(3) ?? []).map((node) =>
      (node as unknown as [string, number])[1]
    );
    assert.equal(replicaPorts.length, 1, "the slot has one replica");
    const replica = cluster.nodes("slave").find((node) =>
      node.options.port === replicaPorts[0]
    );
    const range = await replica?.call("XRANGE", stream, "-", "+") as [
      string,
      string[],
    ][];
    const found = range.some(([entry]) => entry === id);
    assert.ok(found, "the stream's replica holds the entry");
  } finally {
    await store.close();
    await cluster.quit();
  }
});

Deno.test("RedisStreamStore on a cluster: one consumer reads streams that live in different slots", async () => {
  await using queue = await RedisStreamQueue.connect(
    { cluster: clusterNodes(halfstackEnv()) },
    { logger: quietLogger },
  );
  const a = unique("a");
  let b = unique("b");
  while (valkeyKeySlot(a) === valkeyKeySlot(b)) b = unique("b");
  const consumer = await queue.consumer({
    group: "g",
    streams: [a, b],
    blockMs: 2_000,
  });
  const reading = (async () => {
    const got: number[] = [];
    for await (
      const message of consumer.messages({
        signal: AbortSignal.timeout(10_000),
      })
    ) {
      got.push((message.body as { n: number }).n);
      await consumer.done(message);
      if (got.length === 2) break;
    }
    return got.sort();
  })();
  await new Promise((r) => setTimeout(r, 100)); // the read waits
  await queue.anycaster({ stream: b }).anycast(message(2));
  await queue.anycaster({ stream: a }).anycast(message(1));
  assert.deepEqual(await reading, [1, 2]);
});
