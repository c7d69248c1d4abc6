// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Memory benchmark (`deno task bench:memory`), on the halfstack Redis
 * (events in DB 9, bgtask keys in DB 10, both flushed):
 *
 * 1. RSS over a long run: one process, an `EventProducer` anycasting to four
 *    `EventDispatcher`s of one group through a `RedisStreamQueue`, 256-byte
 *    bodies, 256 sends in flight. After `BENCH_N_MEMORY_WARMUP` events
 *    (default 100000) the resident set size is the baseline; then
 *    `BENCH_N_MEMORY` events (default 1000000) in ten steps, the RSS read
 *    after each (every event of the step handled, the garbage collector run
 *    first when `--v8-flags=--expose-gc` exposes it, as the task does).
 *    `rssGrowthMb` is the last reading less the baseline (at most 20 MB);
 *    `rssPeakGrowthMb` the highest.
 * 2. What finished background tasks leave: a `BackgroundTaskManager`
 *    (initialised, so its heartbeat and orphan loops run) on a
 *    `RedisBgtaskStore` runs `BENCH_N_TASKS_MEMORY` (default 10000) retriable
 *    tasks and as many local ones, 256 starts in flight, each tenth failing,
 *    each tenth ending in partial success and each tenth cancelled, the rest
 *    reporting progress once and succeeding. Then, with every task finished
 *    and the manager still open: `keysWithoutTtl` counts the keys of both
 *    databases with no TTL (none allowed); `timersLeft` and
 *    `listenersLeft` are the timers pending and listeners attached (see
 *    `_leaks.ts`) less those of a baseline read after 200 warm-up tasks of
 *    each kind (none allowed); the manager's own `stats` are reported too.
 *
 * The last line of stdout is one JSON object with the figures and targets.
 * Environment: `BENCH_N_MEMORY`, `BENCH_N_MEMORY_WARMUP`,
 * `BENCH_N_TASKS_MEMORY`, `BACKEND_REDIS_ADDR` (else the halfstack env file).
 *
 * @module
 */

import { Redis } from "ioredis";
import { z } from "zod";
import {
  BackgroundTaskManager,
  PartialSuccess,
  type ProgressReporter,
  RedisBgtaskStore,
} from "../../bgtask/mod.ts";
import {
  defineEvent,
  EventDispatcher,
  EventDomain,
  EventProducer,
} from "../../events/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import {
  addr,
  CONSUMERS,
  DB,
  flush,
  host,
  port,
  produce,
  quiet,
  round,
  WINDOW,
} from "./_harness.ts";
import { type LeakCounts, trackLeaks } from "./_leaks.ts";

const N_MEMORY = Number(Deno.env.get("BENCH_N_MEMORY") ?? 1_000_000);
const N_WARMUP = Number(Deno.env.get("BENCH_N_MEMORY_WARMUP") ?? 100_000);
const N_TASKS = Number(Deno.env.get("BENCH_N_TASKS_MEMORY") ?? 10_000);
const STEPS = 10;
const BGTASK_DB = 10;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects garbage when exposed, then lets timers and I/O settle. */
async function settle(ms = 200): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  gc?.();
  await new Promise((r) => setTimeout(r, 0));
  gc?.();
}

const BenchEvent = defineEvent({
  name: "bench_event",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ t: z.number(), pad: z.string() }),
});

/** Part 1: the RSS of a process that pushes events through Redis. */
async function rssOverEvents(): Promise<{
  events: number;
  warmupEvents: number;
  eventsPerSec: number;
  baselineRssMb: number;
  rssMb: number[];
  heapUsedMb: number[];
  heapTotalMb: number[];
  externalMb: number[];
  rssGrowthMb: number;
  rssPeakGrowthMb: number;
  heapUsedGrowthMb: number;
}> {
  const stream = "bench-memory";
  const queue = await RedisStreamQueue.connect({ addr, db: DB }, {
    nodeId: "bench",
    logger: quiet,
  });
  let handled = 0;
  let waiter: { count: number; resolve: () => void } | undefined;
  const dispatchers: EventDispatcher[] = [];
  for (let i = 0; i < CONSUMERS; i++) {
    const dispatcher = new EventDispatcher(queue, {
      group: "g",
      consumer: { name: `c${i}`, streams: [stream], blockMs: 100 },
      logger: quiet,
    });
    dispatcher.consume(BenchEvent, () => {
      if (++handled === waiter?.count) waiter.resolve();
    });
    await dispatcher.start();
    dispatchers.push(dispatcher);
  }
  const producer = new EventProducer(queue, { source: "bench", stream });
  let sent = 0;
  const push = async (n: number): Promise<void> => {
    sent += n;
    const done = handled >= sent
      ? Promise.resolve()
      : new Promise<void>((resolve) => (waiter = { count: sent, resolve }));
    await produce(
      n,
      false,
      () =>
        producer.anycast(
          BenchEvent.create({ t: performance.now(), pad: "x".repeat(230) }),
        ),
    );
    await done;
    waiter = undefined;
  };
  const reading = () => {
    const usage = Deno.memoryUsage();
    return {
      rss: usage.rss / MB,
      heapUsed: usage.heapUsed / MB,
      heapTotal: usage.heapTotal / MB,
      external: usage.external / MB,
    };
  };
  await push(N_WARMUP);
  await settle();
  const baseline = reading();
  const rssMb: number[] = [];
  const heapUsedMb: number[] = [];
  const heapTotalMb: number[] = [];
  const externalMb: number[] = [];
  const step = Math.ceil(N_MEMORY / STEPS);
  let busy = 0;
  for (let done = 0; done < N_MEMORY; done += step) {
    const stepStart = performance.now();
    await push(Math.min(step, N_MEMORY - done));
    busy += performance.now() - stepStart;
    await settle();
    const now = reading();
    rssMb.push(round(now.rss, 1));
    heapUsedMb.push(round(now.heapUsed, 1));
    heapTotalMb.push(round(now.heapTotal, 1));
    externalMb.push(round(now.external, 1));
    console.log(
      `events ${
        String(N_WARMUP + Math.min(done + step, N_MEMORY)).padStart(8)
      }  rss ${now.rss.toFixed(1)} MB  heap used ${
        now.heapUsed.toFixed(1)
      } of ${now.heapTotal.toFixed(1)} MB  external ${
        now.external.toFixed(1)
      } MB`,
    );
  }
  await Promise.all(dispatchers.map((d) => d.close()));
  await queue.close();
  const last = rssMb.at(-1) ?? NaN;
  return {
    events: N_MEMORY,
    warmupEvents: N_WARMUP,
    eventsPerSec: Math.round(N_MEMORY / (busy / 1000)),
    baselineRssMb: round(baseline.rss, 1),
    rssMb,
    heapUsedMb,
    heapTotalMb,
    externalMb,
    rssGrowthMb: round(last - baseline.rss, 1),
    rssPeakGrowthMb: round(Math.max(...rssMb) - baseline.rss, 1),
    heapUsedGrowthMb: round((heapUsedMb.at(-1) ?? NaN) - baseline.heapUsed, 1),
  };
}

/** Keys of one database with no TTL: how many, and up to ten of them. */
async function keysWithoutTtl(
  db: number,
): Promise<{ keys: number; withoutTtl: number; sample: string[] }> {
  const client = new Redis({ host, port, db });
  let keys = 0;
  let withoutTtl = 0;
  const sample: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "COUNT", 1000);
    cursor = next;
    keys += batch.length;
    const pipeline = client.pipeline();
    for (const key of batch) pipeline.ttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    ttls.forEach(([err, ttl], i) => {
      if (err === null && ttl === -1) {
        withoutTtl++;
        if (sample.length < 10) sample.push(batch[i] as string);
      }
    });
  } while (cursor !== "0");
  await client.quit();
  return { keys, withoutTtl, sample };
}

type Kind = "done" | "failed" | "partial" | "cancelled";
const kindOf = (i: number): Kind =>
  (["failed", "partial", "cancelled"] as const)[i % 10] ?? "done";

/** One task's body, by kind; a cancelled one waits for its signal. */
async function taskBody(
  kind: Kind,
  reporter: ProgressReporter,
  signal: AbortSignal,
): Promise<string | PartialSuccess> {
  if (kind === "cancelled") {
    await new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener("abort", () => reject(signal.reason), {
        once: true,
      });
    });
  }
  if (kind === "failed") throw new Error("bench: a failing task");
  if (kind === "partial") return new PartialSuccess("partly", ["one failed"]);
  reporter.total = 1;
  await reporter.update(1, "step");
  return "ok";
}

/** Part 2: what finished tasks leave in Redis and in the process. */
async function finishedTasks(): Promise<{
  retriableTasks: number;
  localTasks: number;
  statuses: Record<string, number>;
  keys: Record<string, { keys: number; withoutTtl: number; sample: string[] }>;
  keysWithoutTtl: number;
  baseline: LeakCounts;
  after: LeakCounts;
  timersLeft: number;
  listenersLeft: number;
  managerStats: Record<string, number>;
}> {
  const tracker = trackLeaks();
  try {
    const queue = await RedisStreamQueue.connect({ addr, db: DB }, {
      nodeId: "bench",
      logger: quiet,
    });
    const connection = new Redis({
      host,
      port,
      db: BGTASK_DB,
      enableAutoPipelining: true,
    });
    const store = new RedisBgtaskStore(connection, { eventDb: DB });
    const manager = new BackgroundTaskManager({
      producer: new EventProducer(queue, { source: "bench" }),
      serverId: "bench",
      store,
      logger: quiet,
    });
    manager.registry.register({
      name: "unit",
      manifest: z.object({ i: z.number() }),
      execute: ({ i }, { reporter, signal }) =>
        taskBody(kindOf(i), reporter, signal),
    });
    await manager.init();
    const statuses: Record<string, number> = {};
    const run = async (n: number, offset: number): Promise<void> => {
      const waits: Promise<void>[] = [];
      const count = (status: string) =>
        void (statuses[status] = (statuses[status] ?? 0) + 1);
      for (const retriable of [true, false]) {
        for (let i = 0; i < n; i += WINDOW) {
          const ids = await Promise.all(
            Array.from({ length: Math.min(WINDOW, n - i) }, (_, j) => {
              const k = offset + i + j;
              return retriable
                ? manager.startRetriable("unit", { i: k })
                : manager.start(
                  (reporter, signal) => taskBody(kindOf(k), reporter, signal),
                  { name: "local" },
                );
            }),
          );
          ids.forEach((id, j) => {
            waits.push(manager.wait(id).then(count));
            if (kindOf(offset + i + j) === "cancelled") manager.cancel(id);
          });
        }
      }
      await Promise.all(waits);
    };
    await run(200, 0); // warm-up: lazy listeners and timers join the baseline
    await settle();
    const baseline = tracker.counts();
    for (const key of Object.keys(statuses)) delete statuses[key];
    await run(N_TASKS, 200);
    await settle();
    const after = tracker.counts();
    const managerStats = { ...manager.stats } as Record<string, number>;
    const keys = {
      [`db${BGTASK_DB}`]: await keysWithoutTtl(BGTASK_DB),
      [`db${DB}`]: await keysWithoutTtl(DB),
    };
    await manager.close();
    await store.close();
    await connection.quit();
    await queue.close();
    const listeners = (c: LeakCounts) =>
      c.eventTargetListeners + c.emitterListeners;
    return {
      retriableTasks: N_TASKS,
      localTasks: N_TASKS,
      statuses,
      keys,
      keysWithoutTtl: Object.values(keys).reduce((a, k) => a + k.withoutTtl, 0),
      baseline,
      after,
      timersLeft: after.timers - baseline.timers,
      listenersLeft: listeners(after) - listeners(baseline),
      managerStats,
    };
  } finally {
    tracker.restore();
  }
}

async function clean(): Promise<void> {
  await flush();
  const client = new Redis({ host, port, db: BGTASK_DB });
  await client.flushdb();
  await client.quit();
}

console.log(
  `Redis ${addr} (events DB ${DB}, bgtask DB ${BGTASK_DB}); ${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; gc ${
    gc === undefined ? "not exposed" : "before each reading"
  }`,
);
await clean();
const rss = await rssOverEvents();
console.log(
  `rss: baseline ${rss.baselineRssMb} MB after ${N_WARMUP} events, growth ${rss.rssGrowthMb} MB over ${N_MEMORY} more (peak ${rss.rssPeakGrowthMb} MB), ${rss.eventsPerSec} events/s`,
);
await clean();
const tasks = await finishedTasks();
console.log(
  `tasks: ${tasks.retriableTasks} retriable and ${tasks.localTasks} local finished ${
    JSON.stringify(tasks.statuses)
  }; keys without TTL ${tasks.keysWithoutTtl}, timers left ${tasks.timersLeft}, listeners left ${tasks.listenersLeft}`,
);
await clean();
const targets = {
  "rssGrowthMb<=20": rss.rssGrowthMb <= 20,
  "keysWithoutTtl==0": tasks.keysWithoutTtl === 0,
  "timersLeft==0": tasks.timersLeft <= 0,
  "listenersLeft==0": tasks.listenersLeft <= 0,
};
console.log(JSON.stringify({
  gcBeforeReadings: gc !== undefined,
  rssGrowthMb: rss.rssGrowthMb,
  keysWithoutTtl: tasks.keysWithoutTtl,
  timersLeft: tasks.timersLeft,
  listenersLeft: tasks.listenersLeft,
  rss,
  tasks,
  targets,
}));
Deno.exit(0);
