// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A Sentinel failover under load, on the fault halfstack (never the shared
// one): two queues anycast 1 000 events/s each, one of them with
// waitForReplicas; SENTINEL FAILOVER a third of the way in; afterwards a
// group that read nothing during the run reads each stream, and every
// event whose anycast was acknowledged must be there (with
// waitForReplicas), and the window in which acknowledged writes went to
// the demoted master must stay under 100 ms (without). Our client before
// (like ioredis's failoverDetector) kept writing to the old master until
// +switch-master, about a second, and lost 960 of the 6 000 events of
// each queue in this run.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  RedisStreamQueue,
  type RedisStreamQueueOptions,
} from "../../message_queue/mod.ts";
import { faultHalfstackEnv, type HalfstackEnv } from "../_halfstack.ts";
import { reportFaultFigures } from "./_report.ts";
import { longestGapMs } from "./_restart.ts";
import { quietLogger } from "../_logger.ts";
import {
  failover,
  waitForNewMaster,
  waitUntilFailoverReady,
} from "./_sentinel.ts";

const DB = 5;
const RATE = 1_000; // events per second, per queue
const SECONDS = 6;
const FAILOVER_AT_MS = (SECONDS * 1_000) / 3;

interface Run {
  readonly stream: string;
  readonly acked: Map<string, number>;
  readonly failures: Map<string, number>;
  maxLatencyMs: number;
}

function target(env: HalfstackEnv) {
  return {
    sentinels: env.sentinels,
    serviceName: env.sentinelMasterName,
    db: DB,
  };
}

async function onMaster<T>(
  env: HalfstackEnv,
  run: (redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = new Redis({
    sentinels: env.sentinels,
    name: env.sentinelMasterName,
    db: DB,
    lazyConnect: true,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

// Anycasts RATE events/s for SECONDS, calling `midway` at FAILOVER_AT_MS.
async function produce(
  queues: readonly { queue: RedisStreamQueue; run: Run }[],
  midway: () => void,
): Promise<void> {
  const started = performance.now();
  const total = RATE * SECONDS;
  let sent = 0;
  let fired = false;
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.min(total, Math.floor((elapsed * RATE) / 1_000));
      for (; sent < due; sent++) {
        for (const { queue, run } of queues) {
          const n = sent;
          const at = performance.now();
          pending.push(
            queue.anycaster({ stream: run.stream }).anycast({
              name: "fault_test",
              source: "faults",
              payload: `{"n":${n}}`,
            }).then(
              (id) => {
                run.acked.set(id, n);
                run.maxLatencyMs = Math.max(
                  run.maxLatencyMs,
                  performance.now() - at,
                );
              },
              (err: unknown) => {
                const text = (err instanceof Error ? err.message : String(err))
                  .slice(0, 60);
                run.failures.set(text, (run.failures.get(text) ?? 0) + 1);
              },
            ),
          );
        }
      }
      if (!fired && elapsed >= FAILOVER_AT_MS) {
        fired = true;
        midway();
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  await Promise.all(pending);
}

// What a group that read nothing during the run reads now, through the
// queue's own consumer.
async function readAll(
  queue: RedisStreamQueue,
  env: HalfstackEnv,
  stream: string,
): Promise<Set<string>> {
  const length = await onMaster(env, (redis) => redis.xlen(stream));
  const seen = new Set<string>();
  const stop = new AbortController();
  const limit = setTimeout(() => stop.abort(), 20_000);
  const consumer = await queue.consumer({
    group: "lagging",
    streams: [stream],
    blockMs: 200,
  });
  try {
    for await (const batch of consumer.batches({ signal: stop.signal })) {
      for (const message of batch) seen.add(message.id);
      await consumer.doneAll(batch);
      if (seen.size >= length) break;
    }
  } finally {
    clearTimeout(limit);
    await consumer.close();
  }
  return seen;
}

Deno.test("fault: a Sentinel failover under load loses no acknowledged event with waitForReplicas, and writes reach the demoted master for under 100 ms without", async () => {
  const env = faultHalfstackEnv();
  const before = await waitUntilFailoverReady(env);
  const suffix = crypto.randomUUID().slice(0, 8);
  const plain: Run = {
    stream: `faults-plain-${suffix}`,
    acked: new Map(),
    failures: new Map(),
    maxLatencyMs: 0,
  };
  const durable: Run = {
    stream: `faults-durable-${suffix}`,
    acked: new Map(),
    failures: new Map(),
    maxLatencyMs: 0,
  };
  // The lagging groups exist before the first event and read only after.
  await onMaster(env, async (redis) => {
    for (const run of [plain, durable]) {
      await redis.xgroup("CREATE", run.stream, "lagging", "0", "MKSTREAM");
    }
  });
  const options: RedisStreamQueueOptions = {
    nodeId: "faults",
    logger: quietLogger,
  };
  const plainQueue = await RedisStreamQueue.connect(target(env), options);
  const durableQueue = await RedisStreamQueue.connect(target(env), {
    ...options,
    waitForReplicas: { replicas: 1, timeoutMs: 1_000 },
  });
  try {
    let failingOver: Promise<void> | undefined;
    await produce(
      [{ queue: plainQueue, run: plain }, {
        queue: durableQueue,
        run: durable,
      }],
      () => failingOver = failover(env),
    );
    await failingOver;
    const after = await waitForNewMaster(env, before);

    const report: Record<string, unknown> = {
      masterBefore: before.port,
      masterAfter: after.port,
    };
    const lostIds: Record<string, string[]> = {};
    for (
      const [label, queue, run] of [
        ["plain", plainQueue, plain],
        ["durable", durableQueue, durable],
      ] as const
    ) {
      const seen = await readAll(queue, env, run.stream);
      const lost = [...run.acked.keys()].filter((id) => !seen.has(id));
      lostIds[label] = lost;
      const times = lost.map((id) => Number(id.split("-")[0]));
      report[label] = {
        sent: RATE * SECONDS,
        acknowledged: run.acked.size,
        refused: Object.fromEntries(run.failures),
        readByLaggingGroup: seen.size,
        lostAcknowledged: lost.length,
        windowMs: times.length === 0
          ? 0
          : Math.max(...times) - Math.min(...times) + 1,
        maxAnycastLatencyMs: Math.round(run.maxLatencyMs),
      };
    }
    console.log(`failover under load: ${JSON.stringify(report)}`);
    // The durable run's figures; the plain run's loss (asynchronous
    // replication, no waitForReplicas) is a documented loss path, bounded
    // by the window asserted below, and not a promise this run can break.
    // Sent: the anycasts acknowledged to the caller (a refused one was an
    // error to its caller, not a loss).
    const durableLost = lostIds.durable?.length ?? 0;
    await reportFaultFigures({
      kind: "fault",
      name: "sentinel-failover",
      sent: durable.acked.size,
      handled: durable.acked.size - durableLost,
      deadLettered: 0,
      lost: durableLost,
      duplicates: 0,
      // The write outage: the longest gap between the server times of two
      // consecutive entries acknowledged to the plain queue (the durable one
      // refuses writes until the new master has a replica in sync again).
      recoveryMs: longestGapMs(
        [...plain.acked.keys()].map((id) => Number(id.split("-")[0])),
      ),
    });

    assert.notEqual(after.port, before.port, "the master changed");
    const plainReport = report.plain as { windowMs: number };
    assert.ok(
      plainReport.windowMs < 100,
      `acknowledged writes reached the demoted master for ${plainReport.windowMs} ms ` +
        `(${lostIds.plain?.length} events lost)`,
    );
    assert.deepEqual(
      lostIds.durable,
      [],
      "with waitForReplicas no acknowledged event is lost",
    );
    assert.ok(durable.acked.size > 0, "durable anycasts were acknowledged");
    // The queues kept working on the new master.
    const lastPlain = Math.max(...plain.acked.values());
    assert.ok(
      lastPlain > RATE * SECONDS * 0.9,
      `plain anycasts kept being acknowledged (last #${lastPlain})`,
    );
  } finally {
    await plainQueue.close();
    await durableQueue.close();
    await onMaster(env, (redis) => redis.del(plain.stream, durable.stream))
      .catch(() => {});
  }
});
