// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Background task benchmark (`deno task bench:bgtask`), on the halfstack
 * Redis (events in DB 9, bgtask keys in DB 10, both flushed):
 *
 * 1. Progress updates per second: 8 retriable tasks each report
 *    `BENCH_N_UPDATES / 8` updates one after another, through a
 *    `RedisBgtaskStore` that publishes events in its own script. Round trips
 *    per update are counted twice: commands our connection sent, and the
 *    server's `INFO commandstats` calls.
 * 2. Retriable tasks started, updated once and completed per second (ours:
 *    `startRetriable`, 256 starts in flight; each handler reports once),
 *    next to BullMQ jobs that report progress once (worker concurrency 4,
 *    `addBulk` in windows of 256).
 *
 * The last line of stdout is one JSON object with the figures and ratios.
 * Environment: `BENCH_N_TASKS` (default 20000), `BENCH_N_UPDATES` (40000).
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
import {
  addr,
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

async function ours(): Promise<Ours> {
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

async function evalCalls(): Promise<number> {
  const client = new Redis({ host, port });
  const text = await client.info("commandstats");
  await client.quit();
  let calls = 0;
  for (const match of text.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)) {
    calls += Number(match[1]);
  }
  return calls;
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

async function progressUpdates(n: number): Promise<{
  updatesPerSec: number;
  commandsPerUpdate: number;
  serverScriptCallsPerUpdate: number;
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
  let commands = 0;
  const send = o.connection.sendCommand.bind(o.connection);
  o.connection.sendCommand = ((command: Parameters<typeof send>[0]) => {
    commands++;
    return send(command);
  }) as typeof o.connection.sendCommand;
  const scriptsBefore = await evalCalls();
  const per = Math.floor(n / UPDATERS);
  const start = performance.now();
  await Promise.all(reporters.map(async (reporter) => {
    for (let i = 0; i < per; i++) await reporter.update(1, "step");
  }));
  const seconds = (performance.now() - start) / 1000;
  const scripts = (await evalCalls()) - scriptsBefore;
  o.connection.sendCommand = send;
  for (const release of releases) release();
  await Promise.all(ids.map((id) => o.manager.wait(id)));
  await o.close();
  const total = per * UPDATERS;
  return {
    updatesPerSec: Math.round(total / seconds),
    commandsPerUpdate: round(commands / total, 3),
    serverScriptCallsPerUpdate: round(scripts / total, 3),
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

async function bullmqJobs(n: number): Promise<{ tasksPerSec: number }> {
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
    { connection, concurrency: 4 },
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
const updates = await progressUpdates(N_UPDATES);
console.log(
  `progress updates     ${updates.updatesPerSec} /s, ${updates.commandsPerUpdate} commands and ${updates.serverScriptCallsPerUpdate} server script calls per update`,
);
await clean();
await retriableTasks(2_000);
await clean();
const tasks = await perTask(N_TASKS, () => retriableTasks(N_TASKS));
console.log(
  `ours retriable tasks ${tasks.tasksPerSec} /s; Redis master per task: ${tasks.serverCommandsPerTask} commands, ${tasks.serverCpuUsPerTask} µs CPU`,
);
await clean();
await bullmqJobs(2_000);
await clean();
const bullmq = await perTask(N_TASKS, () => bullmqJobs(N_TASKS));
console.log(
  `bullmq jobs          ${bullmq.tasksPerSec} /s; Redis master per job: ${bullmq.serverCommandsPerTask} commands, ${bullmq.serverCpuUsPerTask} µs CPU`,
);
await clean();
const ratios = {
  oursVsBullmq: round(tasks.tasksPerSec / bullmq.tasksPerSec, 3),
};
const targets = {
  "roundTripsPerUpdate==1": updates.commandsPerUpdate === 1,
  "oursVsBullmq>=3": ratios.oursVsBullmq >= 3,
};
console.log(`oursVsBullmq ${ratios.oursVsBullmq}x`);
console.log(JSON.stringify({
  nTasks: N_TASKS,
  nUpdates: N_UPDATES,
  updates,
  ours: tasks,
  bullmq,
  ratios,
  targets,
}));
Deno.exit(0);
