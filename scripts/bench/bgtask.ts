// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Background task benchmark (`deno task bench:bgtask`), on the halfstack
 * Redis (events in DB 9, bgtask keys in DB 10, both flushed):
 *
 * 1. Progress updates per second: 8 retriable tasks each report
 *    `BENCH_N_UPDATES / 8` updates one after another, through a
 *    `RedisBgtaskStore` (its write) and the producer (the event), sent
 *    together. Counted: commands sent per update on every ioredis connection
 *    of the process (`commandsPerUpdate`), commands the server executed per
 *    update (`INFO commandstats`), and round trips per update by the clock:
 *    the fastest of 10 updates through a proxy that delays each direction by
 *    20 ms, over the fastest `PING` through it (`roundTripsPerUpdate`).
 * 2. Retriable tasks started, updated once and completed per second (ours:
 *    `startRetriable`, 256 starts in flight; each handler reports once),
 *    next to BullMQ jobs that report progress once (`addBulk` in windows of
 *    256) at each worker concurrency of `BENCH_BULLMQ_CONCURRENCY` (default
 *    4, 16, 64). Around each run the Redis master's `INFO commandstats` and
 *    `INFO cpu` give its commands and CPU time per task. BullMQ's best
 *    concurrency (the most jobs/s) sets `oursVsBullmq`; its least CPU per job
 *    in the sweep sets `oursVsBullmqCpuPerTask` (ours over BullMQ's).
 *
 * The master's counters are server-wide: run it on a halfstack nobody else
 * is using (`BACKEND_REDIS_ADDR` points at another one), or the CPU figures
 * include their load. The last line of stdout is one JSON object with the
 * figures, ratios and targets. Environment: `BENCH_N_TASKS` (default 20000),
 * `BENCH_N_UPDATES` (40000), `BENCH_BULLMQ_CONCURRENCY` (4,16,64).
 *
 * @module
 */

import { Redis } from "ioredis";
// Inline on purpose, as in _harness.ts: BullMQ is only the benchmark's peer.
// deno-lint-ignore no-import-prefix
import { Queue, Worker } from "npm:bullmq@5.81.5";
import { z } from "zod";
import {
  BackgroundTaskManager,
  type ProgressReporter,
  RedisBgtaskStore,
} from "../../bgtask/mod.ts";
import { EventProducer } from "../../events/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { latencyProxy } from "../../tests/_latency_proxy.ts";
import {
  addr,
  BULLMQ_CONCURRENCIES,
  DB,
  flush,
  host,
  port,
  quiet,
  round,
  WINDOW,
} from "./_harness.ts";

const N_TASKS = Number(Deno.env.get("BENCH_N_TASKS") ?? 20_000);
const N_UPDATES = Number(Deno.env.get("BENCH_N_UPDATES") ?? 40_000);
const BGTASK_DB = 10;
const UPDATERS = 8;

interface Ours {
  manager: BackgroundTaskManager;
  connection: Redis;
  close(): Promise<void>;
}

async function ours(through: string = addr): Promise<Ours> {
  const queue = await RedisStreamQueue.connect({ addr: through, db: DB }, {
    nodeId: "bench",
    logger: quiet,
  });
  const [throughHost = host, throughPort = String(port)] = through.split(":");
  const connection = new Redis({
    host: throughHost,
    port: Number(throughPort),
    db: BGTASK_DB,
    enableAutoPipelining: true,
  });
  const store = new RedisBgtaskStore(connection);
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: "bench" }),
    serverId: "bench",
    store,
    logger: quiet,
  });
  return {
    manager,
    connection,
    async close() {
      await manager.close();
      await store.close();
      await connection.quit();
      await queue.close();
    },
  };
}

async function flushBgtask(): Promise<void> {
  const client = new Redis({ host, port, db: BGTASK_DB });
  await client.flushdb();
  await client.quit();
}

/** Calls of every command and the CPU time the master has used so far. */
async function serverUsage(): Promise<{ calls: number; cpuUs: number }> {
  const client = new Redis({ host, port });
  const stats = await client.info("commandstats");
  const cpu = await client.info("cpu");
  await client.quit();
  let calls = 0;
  for (const match of stats.matchAll(/cmdstat_[^:]+:calls=(\d+)/g)) {
    calls += Number(match[1]);
  }
  const seconds = (name: string) =>
    Number(cpu.match(new RegExp(`^${name}:([\\d.]+)`, "m"))?.[1] ?? 0);
  return {
    calls,
    cpuUs: (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1e6,
  };
}

/**
 * What the Redis master did per task over `run`: commands it executed (top
 * level and inside scripts) and its CPU time.
 */
async function perTask<T extends { tasksPerSec: number }>(
  n: number,
  run: () => Promise<T>,
): Promise<T & { serverCommandsPerTask: number; serverCpuUsPerTask: number }> {
  const before = await serverUsage();
  const result = await run();
  const after = await serverUsage();
  return {
    ...result,
    // Less the two INFO calls of the second reading.
    serverCommandsPerTask: round((after.calls - before.calls - 2) / n, 2),
    serverCpuUsPerTask: round((after.cpuUs - before.cpuUs) / n, 1),
  };
}

/** Updates through a proxy that delays each direction: round trips by the clock. */
async function roundTripsPerUpdate(): Promise<number> {
  await using proxy = await latencyProxy({ host, port }, 20);
  const o = await ours(proxy.addr);
  let reporter!: ProgressReporter;
  let release!: () => void;
  o.manager.registry.register({
    name: "round-trips",
    manifest: z.object({}),
    async execute(_m, context) {
      reporter = context.reporter;
      await new Promise<void>((r) => (release = r));
    },
  });
  const id = await o.manager.startRetriable("round-trips", {});
  while (reporter === undefined) await new Promise((r) => setTimeout(r, 1));
  await reporter.update(0, "warm-up");
  const fastest = async (run: () => Promise<unknown>) => {
    let best = Infinity;
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      await run();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const update = await fastest(() => reporter.update(1, "step"));
  const ping = await fastest(() => o.connection.ping());
  release();
  await o.manager.wait(id);
  await o.close();
  return round(update / ping, 2);
}

async function progressUpdates(n: number): Promise<{
  updatesPerSec: number;
  commandsPerUpdate: number;
  serverCommandsPerUpdate: number;
}> {
  const o = await ours();
  const reporters: ProgressReporter[] = [];
  const releases: (() => void)[] = [];
  o.manager.registry.register({
    name: "updater",
    manifest: z.object({}),
    async execute(_m, { reporter }) {
      reporters.push(reporter);
      await new Promise<void>((r) => releases.push(r));
    },
  });
  const ids = await Promise.all(
    Array.from(
      { length: UPDATERS },
      () => o.manager.startRetriable("updater", {}),
    ),
  );
  while (reporters.length < UPDATERS) {
    await new Promise((r) => setTimeout(r, 1));
  }
  for (const reporter of reporters) await reporter.update(0, "warm-up");
  const before = await serverUsage();
  // Counted on every ioredis connection of this process, so a store that
  // spreads an update over two connections (its write and the producer's
  // event) is counted in full.
  let commands = 0;
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (
    this: Redis,
    ...args: Parameters<typeof send>
  ) {
    commands++;
    return send.apply(this, args);
  };
  const per = Math.floor(n / UPDATERS);
  const start = performance.now();
  await Promise.all(reporters.map(async (reporter) => {
    for (let i = 0; i < per; i++) await reporter.update(1, "step");
  }));
  const seconds = (performance.now() - start) / 1000;
  Redis.prototype.sendCommand = send;
  const after = await serverUsage();
  for (const release of releases) release();
  await Promise.all(ids.map((id) => o.manager.wait(id)));
  await o.close();
  const total = per * UPDATERS;
  return {
    updatesPerSec: Math.round(total / seconds),
    commandsPerUpdate: round(commands / total, 3),
    // Less the two INFO calls of the second reading.
    serverCommandsPerUpdate: round((after.calls - before.calls - 2) / total, 3),
  };
}

async function retriableTasks(n: number): Promise<{ tasksPerSec: number }> {
  const o = await ours();
  o.manager.registry.register({
    name: "unit",
    manifest: z.object({ i: z.number() }),
    async execute(_m, { reporter }) {
      reporter.total = 1;
      await reporter.update(1);
    },
  });
  const start = performance.now();
  const waits: Promise<unknown>[] = [];
  for (let i = 0; i < n; i += WINDOW) {
    const ids = await Promise.all(
      Array.from(
        { length: Math.min(WINDOW, n - i) },
        (_, j) => o.manager.startRetriable("unit", { i: i + j }),
      ),
    );
    for (const id of ids) waits.push(o.manager.wait(id));
  }
  await Promise.all(waits);
  const seconds = (performance.now() - start) / 1000;
  await o.close();
  return { tasksPerSec: Math.round(n / seconds) };
}

async function bullmqJobs(
  n: number,
  concurrency: number,
): Promise<{ tasksPerSec: number }> {
  const connection = { host, port, db: DB, maxRetriesPerRequest: null };
  const name = "bench-bgtask-bullmq";
  const queue = new Queue(name, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  let completed = 0;
  let resolve!: () => void;
  const finished = new Promise<void>((r) => (resolve = r));
  const worker = new Worker(
    name,
    async (job) => {
      await job.updateProgress(1);
    },
    { connection, concurrency },
  );
  worker.on("completed", () => {
    if (++completed === n) resolve();
  });
  await worker.waitUntilReady();
  const start = performance.now();
  for (let i = 0; i < n; i += WINDOW) {
    await queue.addBulk(
      Array.from(
        { length: Math.min(WINDOW, n - i) },
        (_, j) => ({ name: "task", data: { i: i + j } }),
      ),
    );
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.close();
  return { tasksPerSec: Math.round(n / seconds) };
}

async function clean(): Promise<void> {
  await flush();
  await flushBgtask();
}

console.log(
  `Redis ${addr} (events DB ${DB}, bgtask DB ${BGTASK_DB}); ${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
await clean();
await progressUpdates(2_000); // warm-up
await clean();
const updates = {
  ...await progressUpdates(N_UPDATES),
  roundTripsPerUpdate: await roundTripsPerUpdate(),
};
console.log(
  `progress updates     ${updates.updatesPerSec} /s, ${updates.commandsPerUpdate} commands sent by the store and ${updates.serverCommandsPerUpdate} executed by the server per update, ${updates.roundTripsPerUpdate} round trips`,
);
await clean();
await retriableTasks(2_000);
await clean();
const tasks = await perTask(N_TASKS, () => retriableTasks(N_TASKS));
console.log(
  `ours retriable tasks ${tasks.tasksPerSec} /s; Redis master per task: ${tasks.serverCommandsPerTask} commands, ${tasks.serverCpuUsPerTask} µs CPU`,
);
interface BullmqRun {
  concurrency: number;
  tasksPerSec: number;
  serverCommandsPerTask: number;
  serverCpuUsPerTask: number;
}
const sweep: BullmqRun[] = [];
for (const concurrency of BULLMQ_CONCURRENCIES) {
  await clean();
  await bullmqJobs(2_000, concurrency);
  await clean();
  const run = await perTask(N_TASKS, () => bullmqJobs(N_TASKS, concurrency));
  sweep.push({ concurrency, ...run });
  console.log(
    `bullmq jobs, ${
      String(concurrency).padStart(3)
    } ${run.tasksPerSec} /s; Redis master per job: ${run.serverCommandsPerTask} commands, ${run.serverCpuUsPerTask} µs CPU`,
  );
}
await clean();
const fastest = sweep.reduce((a, b) => b.tasksPerSec > a.tasksPerSec ? b : a);
const leanest = sweep.reduce((a, b) =>
  b.serverCpuUsPerTask < a.serverCpuUsPerTask ? b : a
);
const ratios = {
  oursVsBullmq: round(tasks.tasksPerSec / fastest.tasksPerSec, 3),
  oursVsBullmqCpuPerTask: round(
    tasks.serverCpuUsPerTask / leanest.serverCpuUsPerTask,
    3,
  ),
};
const targets = {
  "roundTripsPerUpdate==1": updates.roundTripsPerUpdate < 1.5,
  "oursVsBullmq>=1.5": ratios.oursVsBullmq >= 1.5,
  "oursVsBullmqCpuPerTask<=0.4": ratios.oursVsBullmqCpuPerTask <= 0.4,
};
console.log(
  `oursVsBullmq ${ratios.oursVsBullmq}x (BullMQ at concurrency ${fastest.concurrency}), ` +
    `CPU per task ours/BullMQ ${ratios.oursVsBullmqCpuPerTask}x (BullMQ at concurrency ${leanest.concurrency})`,
);
console.log(JSON.stringify({
  nTasks: N_TASKS,
  nUpdates: N_UPDATES,
  updates,
  ours: tasks,
  bullmq: {
    fastestConcurrency: fastest.concurrency,
    leanestConcurrency: leanest.concurrency,
    tasksPerSec: fastest.tasksPerSec,
    serverCpuUsPerTask: leanest.serverCpuUsPerTask,
    sweep,
  },
  ratios,
  targets,
}));
Deno.exit(0);
