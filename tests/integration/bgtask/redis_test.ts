// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Background tasks on real Redis (halfstack; bgtask keys in DB 7 as
// upstream, events in DB 14): upstream's key layout and lifetimes, one
// round trip per write, revival after a SIGKILL, and a claim race.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { z } from "zod";
import {
  BackgroundTaskManager,
  type BgtaskStoreOptions,
  type ProgressReporter,
  RedisBgtaskStore,
  WHOLE_TASK_KEY,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { uuidToHex } from "../../../utils.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { CHILD_LIFETIMES, EVENT_DB } from "./_shared.ts";

interface Server extends AsyncDisposable {
  manager: BackgroundTaskManager;
  store: RedisBgtaskStore;
  connection: Redis;
}

function redisOf(db: number): Redis {
  const env = halfstackEnv();
  return new Redis({ ...env.redis, db, lazyConnect: false });
}

async function server(
  options: {
    serverId: string;
    tags: string[];
    channel: string;
    lifetimes?: BgtaskStoreOptions;
  },
): Promise<Server> {
  const env = halfstackEnv();
  const addr = `${env.redis.host}:${env.redis.port}`;
  const queue = await RedisStreamQueue.connect({ addr, db: EVENT_DB }, {
    nodeId: options.serverId,
    logger: quietLogger,
  });
  const connection = redisOf(7);
  const store = new RedisBgtaskStore(connection, {
    eventDb: EVENT_DB,
    ...options.lifetimes,
  });
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, {
      source: options.serverId,
      channel: options.channel,
    }),
    serverId: options.serverId,
    store,
    tags: options.tags,
    logger: quietLogger,
    cancelGraceMs: 100,
  });
  return {
    manager,
    store,
    connection,
    async [Symbol.asyncDispose]() {
      await manager.close();
      await store.close();
      await connection.quit();
      await queue.close();
    },
  };
}

async function until(check: () => Promise<boolean> | boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("bgtask on Redis: upstream's keys and lifetimes, one round trip per update, events published", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const channel = `events_all-${uid}`;
  await using s = await server({
    serverId: `srv-${uid}`,
    tags: [`tag-${uid}`],
    channel,
  });
  const raw = redisOf(7);
  const rawEvents = redisOf(EVENT_DB);
  const listener = redisOf(0);
  const published: string[] = [];
  listener.on("message", (_channel: string, data: string) => {
    published.push(data);
  });
  await listener.subscribe(channel);
  try {
    let reporter!: ProgressReporter;
    let release!: () => void;
    s.manager.registry.register({
      name: "layout",
      manifest: z.object({ path: z.string() }),
      async execute(_manifest, context) {
        reporter = context.reporter;
        reporter.total = 101;
        await new Promise<void>((r) => (release = r));
        return "laid out";
      },
    });
    const id = await s.manager.startRetriable("layout", { path: "/data" });
    const hex = uuidToHex(id);
    assert.deepEqual(await raw.hgetall(`bgtask:meta:${id}`), {
      task_id: id,
      task_name: "layout",
      task_type: "single",
      body: '{"path":"/data"}',
      ongoing_count: "1",
      success_count: "0",
      failure_count: "0",
    });
    assert.deepEqual(await raw.smembers(`bgtask:subkey:${id}`), [
      WHOLE_TASK_KEY,
    ]);
    assert.deepEqual(await raw.hgetall(`bgtask:subtask:${id}:__whole__`), {
      task_id: id,
      key: WHOLE_TASK_KEY,
      status: "ongoing",
      last_message: "",
      current_progress: "0",
      total_progress: "0",
    });
    assert.ok(await raw.sismember(`bgtask:server:srv-${uid}`, hex));
    assert.ok(await raw.sismember(`bgtask:tag:tag-${uid}`, hex));
    const ttl = await raw.ttl(`bgtask:meta:${id}`);
    assert.ok(ttl > 86_390 && ttl <= 86_400, `ttl ${ttl}`);
    assert.ok((await raw.ttl(`bgtask:subtask:${id}:__whole__`)) > 86_390);
    const started = JSON.parse(await rawEvents.get(`bgtask.${id}`) ?? "{}");
    assert.equal(started.name, "bgtask_updated");
    assert.equal(JSON.parse(started.payload).message, "Task started");

    // One command per progress update: the script writes the subtask, the
    // cache and the PUBLISH together.
    await until(() => reporter !== undefined);
    await reporter.update(1, "warm-up"); // loads the script
    let commands = 0;
    const send = s.connection.sendCommand.bind(s.connection);
    s.connection.sendCommand = ((command: Parameters<typeof send>[0]) => {
      commands++;
      return send(command);
    }) as typeof s.connection.sendCommand;
    for (let i = 0; i < 100; i++) await reporter.update(1, `step ${i}`);
    assert.equal(commands, 100);
    s.connection.sendCommand = send;
    assert.deepEqual(
      await raw.hmget(
        `bgtask:subtask:${id}:__whole__`,
        "current_progress",
        "total_progress",
        "last_message",
      ),
      ["101", "101", "step 99"],
    );
    const cached = JSON.parse(await rawEvents.get(`bgtask.${id}`) ?? "{}");
    assert.equal(JSON.parse(cached.payload).current_progress, 101);
    assert.ok((await rawEvents.ttl(`bgtask.${id}`)) > 290);

    release();
    assert.equal(await s.manager.wait(id), "bgtask_done");
    assert.ok((await raw.ttl(`bgtask:meta:${id}`)) <= 60);
    assert.ok((await raw.ttl(`bgtask:subtask:${id}:__whole__`)) <= 60);
    assert.ok((await raw.ttl(`bgtask:subkey:${id}`)) <= 60);
    assert.equal(await raw.sismember(`bgtask:server:srv-${uid}`, hex), 0);
    assert.equal(await raw.sismember(`bgtask:tag:tag-${uid}`, hex), 0);
    assert.deepEqual(
      await raw.hmget(
        `bgtask:subtask:${id}:__whole__`,
        "status",
        "last_message",
      ),
      ["success", "Task completed successfully"],
    );
    assert.deepEqual(
      await raw.hmget(
        `bgtask:meta:${id}`,
        "ongoing_count",
        "success_count",
        "failure_count",
      ),
      ["0", "1", "0"],
    );
    const done = JSON.parse(await rawEvents.get(`bgtask.${id}`) ?? "{}");
    assert.equal(done.name, "bgtask_done");
    assert.equal(JSON.parse(done.payload).message, "laid out");
    await until(() => published.length === 103);
    const names = published.map((data) => JSON.parse(data).name);
    assert.equal(names[0], "bgtask_updated");
    assert.equal(names.at(-1), "bgtask_done");
    const steps = published.slice(2, 102).map((data) =>
      JSON.parse(JSON.parse(data).payload).message
    );
    assert.deepEqual(steps, Array.from({ length: 100 }, (_, i) => `step ${i}`));
    assert.deepEqual(s.manager.stats, {
      running: 0,
      retriable: 0,
      recentResults: 1,
      graceTimers: 0,
      loops: 0,
    });
  } finally {
    await listener.quit();
    await raw.quit();
    await rawEvents.quit();
  }
});

Deno.test("bgtask on Redis: a server killed with SIGKILL mid-task; another revives it exactly once", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const tag = `revive-${uid}`;
  const channel = `events_all-${uid}`;
  const env = halfstackEnv();
  const addr = `${env.redis.host}:${env.redis.port}`;
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const childPath = here.replace(
    /redis_test\.(ts|js)$/,
    `_server_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = compiled ? [childPath] : ["run", "-A", childPath];
  const child = spawn(command, [...args, addr, tag, channel], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const exited = new Promise<string | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal))
  );
  const raw = redisOf(7);
  const runs: string[] = [];
  const servers: Server[] = [];
  try {
    await until(() => /^[0-9a-f-]{36}\n/.test(out), 30_000);
    const id = out.trim().split("\n")[0] ?? "";
    await until(async () =>
      (await raw.hget(`bgtask:subtask:${id}:__whole__`, "current_progress")) ===
        "1"
    );
    child.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    for (const name of ["b", "c"]) {
      const s = await server({
        serverId: `srv-${name}-${uid}`,
        tags: [tag],
        channel,
        lifetimes: CHILD_LIFETIMES,
      });
      s.manager.registry.register({
        name: "revivable",
        manifest: z.object({ label: z.string() }),
        async execute({ label }, { reporter }) {
          runs.push(`${name} ${label} from ${reporter.current}`);
          await reporter.update(1, `revived by ${name}`);
          return `revived by ${name}`;
        },
      });
      servers.push(s);
    }
    // Both servers look for orphans until one has revived the task.
    let revived = 0;
    await until(async () => {
      const counts = await Promise.all(
        servers.map((s) => s.manager.reviveOrphans()),
      );
      revived += counts[0]! + counts[1]!;
      return revived > 0;
    }, 20_000);
    const winner = servers.find((s) => s.manager.stats.running > 0) ??
      servers[0]!;
    await winner.manager.wait(id).catch(() => {});
    await until(async () =>
      (await raw.hget(`bgtask:subtask:${id}:__whole__`, "status")) ===
        "success"
    );
    // Later checks find nothing more to revive.
    await new Promise((r) => setTimeout(r, 300));
    for (const s of servers) assert.equal(await s.manager.reviveOrphans(), 0);
    assert.equal(revived, 1);
    assert.equal(runs.length, 1);
    assert.match(runs[0] ?? "", new RegExp(`^[bc] ${tag} from 1$`));
    assert.equal(
      await raw.hget(`bgtask:subtask:${id}:__whole__`, "current_progress"),
      "2",
    );
  } finally {
    child.kill("SIGKILL");
    for (const s of servers) await s[Symbol.asyncDispose]();
    await raw.quit();
  }
});

Deno.test("bgtask on Redis: two servers racing the claim of one orphan revive it once", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const serverId = `race-${uid}`;
  const lifetimes = {
    metadataTtlSeconds: 4,
    claimThresholdSeconds: 3,
    finishedTtlSeconds: 60,
  };
  const runs: string[] = [];
  const servers: Server[] = [];
  try {
    for (const name of ["b", "c"]) {
      const s = await server({
        serverId,
        tags: [],
        channel: `events_all-${uid}`,
        lifetimes,
      });
      s.manager.registry.register({
        name: "race",
        manifest: z.object({}),
        execute: () => {
          runs.push(name);
          return "ok";
        },
      });
      servers.push(s);
    }
    const id = crypto.randomUUID();
    await servers[0]!.store.registerTask({
      task: {
        info: {
          taskId: id,
          taskName: "race",
          taskType: "single",
          body: {},
          ongoingCount: 1,
          successCount: 0,
          failureCount: 0,
        },
        subtasks: [{
          taskId: id,
          key: WHOLE_TASK_KEY,
          status: "ongoing",
          lastMessage: "",
          currentProgress: 0,
          totalProgress: 0,
        }],
      },
      serverId,
      tags: [],
    });
    assert.deepEqual(
      await Promise.all(servers.map((s) => s.manager.reviveOrphans())),
      [0, 0],
    );
    await new Promise((r) => setTimeout(r, 2_100)); // TTL falls below 3
    const counts = await Promise.all(
      servers.map((s) => s.manager.reviveOrphans()),
    );
    assert.equal(counts[0]! + counts[1]!, 1);
    await until(() => runs.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runs.length, 1);
  } finally {
    for (const s of servers) await s[Symbol.asyncDispose]();
  }
});
