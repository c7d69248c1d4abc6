// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Background tasks on real Redis (halfstack; bgtask keys in DB 7 as
// upstream, events in DB 14): upstream's key layout and lifetimes, one
// round trip per progress update, the durable copy of task events,
// revival after a SIGKILL, and a claim race.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type ProgressReporter, WHOLE_TASK_KEY } from "../../../bgtask/mod.ts";
import { BgtaskDoneEvent, EventProducer } from "../../../events/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import { uuidToHex } from "../../../utils.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { latencyProxy } from "../../_latency_proxy.ts";
import { redisOf, type Server, server, until } from "./_server.ts";
import { CHILD_LIFETIMES, EVENT_DB } from "./_shared.ts";

Deno.test("bgtask on Redis: upstream's keys and lifetimes, events published in the queue's DB", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const channel = `events_all-${uid}`;
  await using s = await server({
    serverId: `srv-${uid}`,
    tags: [`tag-${uid}`],
    channel,
  });
  // The queue says where it is; the store, on the same server, publishes
  // there.
  const env = halfstackEnv();
  assert.deepEqual(s.queue.location, {
    server: `${env.redis.host}:${env.redis.port}`,
    db: EVENT_DB,
    trim: [],
  });
  assert.equal(s.store.publishesTo(s.queue.location), true);
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
    // Upstream's four fields, as a Python server writes them.
    assert.deepEqual(await raw.hgetall(`bgtask:subtask:${id}:__whole__`), {
      task_id: id,
      key: WHOLE_TASK_KEY,
      status: "ongoing",
      last_message: "",
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
    // cache key and the PUBLISH together, in the queue's DB.
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

for (const where of ["in the store's script", "beside the store's write"]) {
  Deno.test(`bgtask on Redis: a progress update is one round trip, the event ${where}`, async () => {
    const env = halfstackEnv();
    const delayMs = 40;
    await using proxy = await latencyProxy(env.redis, delayMs);
    // A second proxy names the same server differently: the store then
    // leaves the events to the producer.
    await using other = await latencyProxy(env.redis, delayMs);
    const uid = crypto.randomUUID().slice(0, 8);
    await using s = await server({
      serverId: `rtt-${uid}`,
      tags: [],
      channel: `events_all-${uid}`,
      addr: proxy.addr,
      storeAddr: where.startsWith("in") ? proxy.addr : other.addr,
    });
    let reporter!: ProgressReporter;
    let release!: () => void;
    s.manager.registry.register({
      name: "rtt",
      manifest: z.object({}),
      async execute(_manifest, context) {
        reporter = context.reporter;
        await new Promise<void>((r) => (release = r));
      },
    });
    const id = await s.manager.startRetriable("rtt", {});
    await until(() => reporter !== undefined);
    await reporter.update(1, "warm-up");
    const fastest = async (run: () => Promise<unknown>) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        await run();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const update = await fastest(() => reporter.update(1, "step"));
    const ping = await fastest(() => s.connection.ping());
    // Node's timers may fire a little early: the proxy's two delays, less 5%.
    assert.ok(ping >= 2 * delayMs * 0.95, `a ping took ${ping} ms`);
    // Two round trips would take at least twice as long as a ping.
    assert.ok(
      update < 1.5 * ping,
      `an update took ${update} ms, a ping ${ping}`,
    );
    release();
    assert.equal(await s.manager.wait(id), "bgtask_done");
  });
}

Deno.test("bgtask on Redis: a producer with a durable stream gets every task event there, written by the store's scripts", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const stream = `bgtask-durable-${uid}`;
  await using s = await server({
    serverId: `durable-${uid}`,
    tags: [],
    channel: `events_all-${uid}`,
    durableStream: stream,
  });
  await using subscriber = await s.queue.durableSubscriber({
    subscriberId: `sse-${uid}`,
    stream,
    startFrom: "beginning",
  });
  s.manager.registry.register({
    name: "durable",
    manifest: z.object({}),
    async execute(_manifest, { reporter }) {
      reporter.total = 2;
      await reporter.update(1, "one");
      await reporter.update(1, "two");
      return "kept";
    },
  });
  let commands = 0;
  const send = s.connection.sendCommand.bind(s.connection);
  s.connection.sendCommand = ((command: Parameters<typeof send>[0]) => {
    commands++;
    return send(command);
  }) as typeof s.connection.sendCommand;
  const id = await s.manager.startRetriable("durable", {});
  assert.equal(await s.manager.wait(id), "bgtask_done");
  s.connection.sendCommand = send;
  // Register, two updates, finish: one script each, the durable copy inside.
  assert.equal(commands, 4);
  const seen: string[] = [];
  for await (const message of subscriber) {
    const body = JSON.parse(message.payload);
    assert.equal(body.task_id, id);
    seen.push(`${message.name} ${body.message}`);
    if (message.name === "bgtask_done") break;
  }
  assert.deepEqual(seen, [
    "bgtask_updated Task started",
    "bgtask_updated one",
    "bgtask_updated two",
    "bgtask_done kept",
  ]);
  const events = redisOf(EVENT_DB);
  try {
    assert.equal(await events.xlen(stream), 4);
    await events.del(stream);
  } finally {
    await events.quit();
  }
});

Deno.test("bgtask on Redis: a store on another server than the queue never publishes; the producer sends every event", async () => {
  const env = halfstackEnv();
  // The same Redis under another name: the store cannot tell it is the
  // queue's server, so it must not publish there.
  await using proxy = await latencyProxy(env.redis, 0);
  const uid = crypto.randomUUID().slice(0, 8);
  const channel = `events_all-${uid}`;
  const stream = `bgtask-elsewhere-${uid}`;
  await using s = await server({
    serverId: `elsewhere-${uid}`,
    tags: [],
    channel,
    durableStream: stream,
    storeAddr: proxy.addr,
  });
  const listener = redisOf(0);
  const published: string[] = [];
  listener.on("message", (_channel: string, data: string) => {
    const message = JSON.parse(data);
    published.push(`${message.name} ${JSON.parse(message.payload).message}`);
  });
  await listener.subscribe(channel);
  const events = redisOf(EVENT_DB);
  try {
    s.manager.registry.register({
      name: "elsewhere",
      manifest: z.object({}),
      async execute(_manifest, { reporter }) {
        await reporter.update(1, "one");
        return "done elsewhere";
      },
    });
    const id = await s.manager.startRetriable("elsewhere", {});
    assert.equal(await s.manager.wait(id), "bgtask_done");
    await until(() => published.length === 3);
    assert.deepEqual(published, [
      "bgtask_updated Task started",
      "bgtask_updated one",
      "bgtask_done done elsewhere",
    ]);
    const cached = await s.queue.broadcaster().fetchCachedBroadcast(
      `bgtask.${id}`,
    );
    assert.equal(cached?.name, "bgtask_done");
    assert.equal(await events.xlen(stream), 3);
    // Handed a broadcast for the queue anyway, the store refuses it.
    const producer = new EventProducer(s.queue, { source: "x" });
    const prepared = producer.prepareBroadcast(
      BgtaskDoneEvent.create({ task_id: id, message: "late" }),
    );
    assert.equal(s.store.publishesTo(prepared.location), false);
    await assert.rejects(
      s.store.updateProgress(
        id,
        WHOLE_TASK_KEY,
        { current: 1, total: 1, message: null },
        prepared,
      ),
      InvalidAPIParameters,
    );
  } finally {
    await events.del(stream);
    await events.quit();
    await listener.quit();
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
