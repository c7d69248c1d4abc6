// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Orphans on real Redis (bgtask keys in DB 7, events in DB 14): a task a
// Python server registered is revived; parallel, batch and inconsistent
// orphans are failed once and never claimed again.

import assert from "node:assert/strict";
import { z } from "zod";
import { WHOLE_TASK_KEY } from "../../../bgtask/mod.ts";
import { uuidToHex } from "../../../utils.ts";
import { orphan } from "../../unit/bgtask/_orphan.ts";
import { redisOf, server } from "./_server.ts";

const LIFETIMES = {
  metadataTtlSeconds: 4,
  claimThresholdSeconds: 3,
  finishedTtlSeconds: 60,
} as const;

/** Long enough for a fresh task's TTL to fall below the claim threshold. */
const orphaned = () => new Promise((r) => setTimeout(r, 2_100));

Deno.test("bgtask orphans on Redis: a task registered by a Python server is revived from its four-field subtask", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const serverId = `py-${uid}`;
  await using s = await server({
    serverId,
    tags: [],
    channel: `events_all-${uid}`,
    lifetimes: LIFETIMES,
  });
  const runs: string[] = [];
  s.manager.registry.register({
    name: "resize",
    manifest: z.object({ size: z.number() }),
    execute: ({ size }, { reporter }) => {
      runs.push(`size ${size} from ${reporter.current}/${reporter.total}`);
      return "ok";
    },
  });
  // What upstream's `register_task` writes, field for field.
  const id = crypto.randomUUID();
  const raw = redisOf(7);
  try {
    await raw.multi()
      .hset(`bgtask:meta:${id}`, {
        task_id: id,
        task_name: "resize",
        task_type: "single",
        body: '{"size":3}',
        ongoing_count: "1",
        success_count: "0",
        failure_count: "0",
      }).expire(`bgtask:meta:${id}`, 4)
      .sadd(`bgtask:subkey:${id}`, WHOLE_TASK_KEY)
      .expire(`bgtask:subkey:${id}`, 4)
      .hset(`bgtask:subtask:${id}:${WHOLE_TASK_KEY}`, {
        task_id: id,
        key: WHOLE_TASK_KEY,
        status: "ongoing",
        last_message: "",
      }).expire(`bgtask:subtask:${id}:${WHOLE_TASK_KEY}`, 4)
      .sadd(`bgtask:server:${serverId}`, uuidToHex(id))
      .expire(`bgtask:server:${serverId}`, 4)
      .exec();
    await orphaned();
    assert.equal(await s.manager.reviveOrphans(), 1);
    assert.equal(await s.manager.wait(id), "bgtask_done");
    assert.deepEqual(runs, ["size 3 from 0/0"]);
    assert.deepEqual(
      await raw.hmget(
        `bgtask:subtask:${id}:${WHOLE_TASK_KEY}`,
        "status",
        "last_message",
      ),
      ["success", "Task completed successfully"],
    );
  } finally {
    await raw.quit();
  }
});

Deno.test("bgtask orphans on Redis: parallel, batch and inconsistent orphans are failed once and never claimed again", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const serverId = `odd-${uid}`;
  const tag = `odd-tag-${uid}`;
  const channel = `events_all-${uid}`;
  await using s = await server({
    serverId,
    tags: [tag],
    channel,
    lifetimes: LIFETIMES,
  });
  const runs: string[] = [];
  s.manager.registry.register({
    name: "resize",
    manifest: z.object({ size: z.number() }),
    execute: (_manifest, { taskId }) => {
      runs.push(taskId);
      return "ok";
    },
  });
  const parallel = crypto.randomUUID();
  const batch = crypto.randomUUID();
  const empty = crypto.randomUUID();
  const tasks = [
    orphan(parallel, {
      type: "parallel",
      subtasks: [["a", "ongoing"], ["b", "success"], ["c", "ongoing"]],
    }),
    orphan(batch, { type: "batch", subtasks: [["x", "ongoing"]] }),
    orphan(empty, { subtasks: [[WHOLE_TASK_KEY, "success"]], ongoingCount: 1 }),
  ];
  for (const task of tasks) {
    await s.store.registerTask({ task, serverId, tags: [tag] });
  }
  const raw = redisOf(7);
  const listener = redisOf(0);
  const published: string[] = [];
  listener.on("message", (_channel: string, data: string) => {
    published.push(JSON.parse(data).name);
  });
  await listener.subscribe(channel);
  try {
    await orphaned();
    assert.equal(await s.manager.reviveOrphans(), 0);
    assert.deepEqual(runs, []);
    assert.deepEqual(
      await Promise.all(
        ["a", "b", "c"].map((key) =>
          raw.hget(`bgtask:subtask:${parallel}:${key}`, "status")
        ),
      ),
      ["failure", "success", "failure"],
    );
    assert.match(
      await raw.hget(`bgtask:subtask:${batch}:x`, "last_message") ?? "",
      /^Task not revived: a batch task is not revived here/,
    );
    assert.deepEqual(
      await raw.hmget(
        `bgtask:meta:${parallel}`,
        "ongoing_count",
        "success_count",
        "failure_count",
      ),
      ["0", "1", "2"],
    );
    for (const { info, subtasks } of tasks) {
      const keys = [
        `bgtask:meta:${info.taskId}`,
        `bgtask:subkey:${info.taskId}`,
        ...subtasks.map((sub) => `bgtask:subtask:${info.taskId}:${sub.key}`),
      ];
      for (const key of keys) {
        const ttl = await raw.ttl(key);
        assert.ok(ttl > 4 && ttl <= 60, `${key} ttl ${ttl}`);
      }
    }
    assert.deepEqual(await raw.smembers(`bgtask:server:${serverId}`), []);
    assert.deepEqual(await raw.smembers(`bgtask:tag:${tag}`), []);
    const deadline = Date.now() + 5_000;
    while (published.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(published, [
      "bgtask_failed",
      "bgtask_failed",
      "bgtask_failed",
    ]);
    // Past another claim threshold, nothing is claimed again.
    await orphaned();
    assert.equal(await s.manager.reviveOrphans(), 0);
    assert.deepEqual(await s.store.fetchUnmanagedTasks(serverId, [tag]), []);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(published.length, 3);
  } finally {
    await listener.quit();
    await raw.quit();
  }
});
