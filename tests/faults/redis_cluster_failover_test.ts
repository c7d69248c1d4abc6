// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A Redis Cluster master killed under load, on the fault halfstack's
// cluster (never the shared one): anycasts (with waitForReplicas) go one
// after another while a consumer group reads and acknowledges; a second
// into the run the master of the stream's slot gets SIGKILL. Its replica
// must take over, every anycast the cluster acknowledged must be read
// afterwards (by the live group and by a group that read nothing during
// the run), and the consumer must read again after the failover. The
// killed node is started again at the end and rejoins as a replica. The
// test assumes nothing about which node is a master: it runs again under
// Node and Bun after Deno's run.

import assert from "node:assert/strict";
import { Cluster } from "ioredis";
import { valkeyKeySlot } from "../../clients/valkey/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { clusterNodes, faultHalfstackEnv } from "../_halfstack.ts";
import { quietLogger } from "../_logger.ts";
import {
  killFaultServer,
  load,
  longestGapMs,
  restartFaultServer,
} from "./_restart.ts";
import { reportFaultFigures } from "./_report.ts";

/** The port of the master serving `key`'s slot now. */
async function masterOf(seeds: string[], key: string): Promise<number> {
  const cluster = new Cluster(seeds, { lazyConnect: true });
  cluster.on("error", () => {});
  try {
    await cluster.connect();
    const slot = valkeyKeySlot(key);
    const slots = await cluster.cluster("SLOTS");
    const owner = slots.find(([low, high]) => low <= slot && slot <= high);
    return (owner?.[2] as unknown as [string, number])[1];
  } finally {
    cluster.disconnect();
  }
}

Deno.test("Redis Cluster master killed mid-run: its replica takes over, no acknowledged anycast is lost", async () => {
  const env = faultHalfstackEnv();
  const seeds = clusterNodes(env);
  const base = env.redisCluster?.[0]?.port as number;
  const stream = `failover-${crypto.randomUUID().slice(0, 8)}`;
  const before = await masterOf(seeds, stream);
  const victim = `redis-cluster-${before - base}`;
  const queue = await RedisStreamQueue.connect({ cluster: seeds }, {
    logger: quietLogger,
    waitForReplicas: { replicas: 1, timeoutMs: 1_000 },
  });
  let killedAt = 0;
  try {
    const late = await queue.consumer({ group: "late", streams: [stream] });
    await late.close(); // the group exists; it reads after the run
    const consumer = await queue.consumer({
      group: "g",
      streams: [stream],
      blockMs: 1_000,
      idleTimeoutMs: 5_000,
      reclaimIntervalMs: 1_000,
    });
    const started = Date.now();
    const result = await load({
      anycaster: queue.anycaster({ stream }),
      consumer,
      ms: 8_000,
      faultAtMs: 1_000,
      fault: () => {
        killFaultServer(victim);
        killedAt = Date.now() - started;
        return Promise.resolve();
      },
      drainMs: 30_000,
    });
    const after = await masterOf(seeds, stream);
    assert.notEqual(after, before, "the replica took the slot over");
    const read = new Set(result.read);
    const lost = [...result.acked].filter((n) => !read.has(n)).length;
    await reportFaultFigures({
      kind: "fault",
      name: "redis-cluster-master-kill",
      sent: result.acked.size,
      handled: result.acked.size - lost,
      deadLettered: 0,
      lost,
      duplicates: result.read.length - read.size,
      recoveryMs: longestGapMs(result.readAt),
    });
    assert.deepEqual(
      [...result.acked].filter((n) => !read.has(n)),
      [],
      "the live group read every acknowledged anycast",
    );
    assert.ok(
      result.readAt.some((at) => at > killedAt + 1_000),
      "the consumer read after the failover",
    );
    const again = await queue.consumer({
      group: "late",
      streams: [stream],
      batchSize: 500,
    });
    const readLate = new Set<number>();
    for await (
      const batch of again.batches({ signal: AbortSignal.timeout(20_000) })
    ) {
      for (const m of batch) readLate.add((m.body as { n: number }).n);
      await again.doneAll(batch);
      if ([...result.acked].every((n) => readLate.has(n))) break;
    }
    assert.deepEqual(
      [...result.acked].filter((n) => !readLate.has(n)),
      [],
      "the late group reads every acknowledged anycast",
    );
    console.log(
      `cluster failover: ${result.acked.size} acknowledged, ${result.failures} failed and sent again, ` +
        `${
          result.read.length - read.size
        } read twice; master ${before} killed at ${killedAt} ms, ` +
        `${after} took over`,
    );
  } finally {
    await queue.close();
    // Back as a replica of the new master, for the next run.
    await restartFaultServer(victim);
  }
});
