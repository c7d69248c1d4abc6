// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Background task servers SIGKILLed mid-task, on a Redis of the test's
// own: three server processes (_bgtask_child.ts) start 3 retriable tasks
// each (10 each with BACKEND_FAULTS_SCALE=soak) and are killed at random
// moments while the tasks run. Two servers that share their tag, with the
// orphan loop every 300 ms, must revive every task exactly once between
// them (counted in Redis per task), and every task must end in success.
//
// The recovery code under test is the orphan reviver
// (bgtask/_orphans.ts, run by the manager's orphan loop) and its claim in
// the store (bgtask/_redis_lua.ts), which lets one server only take a
// task: without the reviver no task is run again and the test fails;
// without the claim's check both servers run some tasks and it fails too.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { z } from "zod";
import { BackgroundTaskManager, RedisBgtaskStore } from "../../bgtask/mod.ts";
import { EventProducer } from "../../events/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { BGTASK_LIFETIMES } from "./_bgtask_shared.ts";
import { type FaultChild, spawnFaultChild } from "./_child.ts";
import { FaultRedis, faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const SERVERS = 3;
const TASKS_EACH = faultScale() === "soak" ? 10 : 3;

Deno.test("fault: bgtask servers SIGKILLed mid-task; each task is revived exactly once elsewhere", async () => {
  await using redis = await FaultRedis.start();
  const tag = `revive-${crypto.randomUUID().slice(0, 8)}`;
  const bgtaskDb = new Redis({ host: "127.0.0.1", port: redis.port, db: 7 });
  const counter = new Redis({ host: "127.0.0.1", port: redis.port });
  const children: FaultChild[] = [];
  const revivers: {
    manager: BackgroundTaskManager;
    close: () => Promise<void>;
  }[] = [];
  try {
    for (let i = 0; i < SERVERS; i++) {
      children.push(
        spawnFaultChild("_bgtask_child", [
          redis.address,
          tag,
          String(TASKS_EACH),
        ]),
      );
    }
    await until(
      () => children.every((child) => child.output().includes("ready")),
      60_000,
      "the servers to start their tasks",
    );
    const ids = children.flatMap((child) =>
      child.output().split("\n").filter((line) => /^[0-9a-f-]{36}$/.test(line))
    );
    assert.equal(ids.length, SERVERS * TASKS_EACH);
    // Every task is running its first run before the kills.
    await until(
      async () => await counter.hlen(`${tag}:runs`) === ids.length,
      30_000,
      "the first runs",
    );
    let lastKillAt = 0;
    await Promise.all(children.map(async (child) => {
      await new Promise((r) => setTimeout(r, Math.random() * 1_000));
      await child.kill();
      lastKillAt = Math.max(lastKillAt, performance.now());
    }));

    // Two servers of the same tag revive the orphans.
    for (const name of ["b", "c"]) {
      const queue = await RedisStreamQueue.connect({ addr: redis.address }, {
        nodeId: name,
        logger: quietLogger,
      });
      const store = await RedisBgtaskStore.connect(
        { addr: redis.address },
        BGTASK_LIFETIMES,
      );
      const manager = new BackgroundTaskManager({
        producer: new EventProducer(queue, { source: name, channel: tag }),
        serverId: `reviver-${name}-${tag}`,
        store,
        tags: [tag],
        heartbeatIntervalMs: 300,
        retryIntervalMs: 300,
        cancelGraceMs: 100,
        logger: quietLogger,
      });
      manager.registry.register({
        name: "revivable",
        manifest: z.object({ i: z.number() }),
        async execute(_manifest, { reporter, taskId }) {
          await counter.hincrby(`${tag}:revived`, taskId, 1);
          await reporter.update(1, `revived by ${name}`);
          return `revived by ${name}`;
        },
      });
      await manager.init();
      revivers.push({
        manager,
        close: async () => {
          await manager.close();
          await store.close();
          await queue.close();
        },
      });
    }
    const statuses = () =>
      Promise.all(
        ids.map((id) =>
          bgtaskDb.hget(`bgtask:subtask:${id}:__whole__`, "status")
        ),
      );
    await until(
      async () => (await statuses()).every((status) => status === "success"),
      30_000,
      "every task to succeed",
    ).catch(() => {});
    const recoveryMs = Math.round(performance.now() - lastKillAt);
    // Later checks find nothing more to revive.
    await new Promise((r) => setTimeout(r, 1_000));
    for (const { manager } of revivers) {
      assert.equal(await manager.reviveOrphans(), 0);
    }
    const revived = await counter.hgetall(`${tag}:revived`);
    const firstRuns = await counter.hgetall(`${tag}:runs`);
    const final = await statuses();
    const handled = final.filter((status) => status === "success").length;
    const revivedTwice = Object.values(revived)
      .reduce((sum, count) => sum + Number(count) - 1, 0);
    const notRevived = ids.filter((id) => revived[id] === undefined);
    await reportFaultFigures({
      kind: "fault",
      name: "bgtask-sigkill",
      sent: ids.length,
      handled,
      deadLettered: 0,
      lost: ids.length - handled,
      duplicates: revivedTwice,
      recoveryMs,
    });
    console.log(
      `bgtask SIGKILL: ${ids.length} tasks, ${handled} succeeded, ` +
        `${
          Object.keys(revived).length
        } revived, ${revivedTwice} revived twice, ` +
        `done ${recoveryMs} ms after the last kill`,
    );
    assert.deepEqual(notRevived, [], "every task was revived");
    assert.equal(revivedTwice, 0, "no task was revived twice");
    assert.ok(
      Object.values(firstRuns).every((count) => count === "1"),
      "each first run ran once",
    );
    assert.equal(handled, ids.length, "every task succeeded");
    assert.ok(
      revivers.every(({ manager }) => manager.stats.running === 0),
      "nothing left running",
    );
  } finally {
    for (const child of children) await child.kill();
    for (const { close } of revivers) await close();
    bgtaskDb.disconnect();
    counter.disconnect();
  }
});
