// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Background tasks on a Redis Cluster (the halfstack's, started with
// `deno task halfstack up --cluster`): a task's keys carry its id as a hash
// tag, the server and tag sets are written beside the scripts, events go
// through the producer (sharded pub/sub), and an orphan is revived once.
// Fails, never skips, without the cluster.

import assert from "node:assert/strict";
import { Cluster } from "ioredis";
import { z } from "zod";
import {
  BackgroundTaskManager,
  RedisBgtaskStore,
  TaskStatus,
  TaskType,
  WHOLE_TASK_KEY,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { uuidToHex } from "../../../utils.ts";
import { clusterNodes, halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { until } from "./_server.ts";
import { CHILD_LIFETIMES } from "./_shared.ts";

async function raw(options: { sharded?: boolean } = {}): Promise<Cluster> {
  const cluster = new Cluster(clusterNodes(halfstackEnv()), {
    lazyConnect: true,
    shardedSubscribers: options.sharded ?? false,
  });
  await cluster.connect();
  return cluster;
}

Deno.test("bgtask on a Redis Cluster: a task runs, its keys share its hash tag, events come through the producer", async () => {
  const seeds = clusterNodes(halfstackEnv());
  const uid = crypto.randomUUID().slice(0, 8);
  const channel = `events_all-${uid}`;
  const serverId = `cluster-${uid}`;
  const queue = await RedisStreamQueue.connect({ cluster: seeds }, {
    nodeId: serverId,
    logger: quietLogger,
  });
  const store = await RedisBgtaskStore.connect({ cluster: seeds });
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: serverId, channel }),
    serverId,
    store,
    tags: [`tag-${uid}`],
    logger: quietLogger,
  });
  const cluster = await raw();
  const listener = await raw({ sharded: true });
  const published: string[] = [];
  listener.on("smessage", (_channel: string, data: string) => {
    const message = JSON.parse(data);
    published.push(`${message.name} ${JSON.parse(message.payload).message}`);
  });
  await listener.ssubscribe(channel);
  try {
    assert.equal(store.publishesTo(queue.location), false);
    let inSets: [number, number] = [0, 0];
    manager.registry.register({
      name: "on-cluster",
      manifest: z.object({}),
      async execute(_manifest, { reporter, taskId }) {
        const hex = uuidToHex(taskId);
        inSets = [
          await cluster.sismember(`bgtask:server:${serverId}`, hex),
          await cluster.sismember(`bgtask:tag:tag-${uid}`, hex),
        ];
        await reporter.update(1, "one");
        return "done on the cluster";
      },
    });
    const taskId = await manager.startRetriable("on-cluster", {});
    assert.equal(await manager.wait(taskId), "bgtask_done");
    assert.deepEqual(inSets, [1, 1], "in its sets while it runs");
    assert.equal(await cluster.exists(`bgtask:meta:{${taskId}}`), 1);
    assert.equal(await cluster.exists(`bgtask:meta:${taskId}`), 0);
    const subtask = await cluster.hgetall(
      `bgtask:subtask:{${taskId}}:${WHOLE_TASK_KEY}`,
    );
    assert.equal(subtask.status, "success");
    assert.equal(subtask.current_progress, "1");
    assert.equal(
      await cluster.sismember(`bgtask:server:${serverId}`, uuidToHex(taskId)),
      0,
      "out of its sets once done",
    );
    await until(() => published.length === 3);
    assert.deepEqual(published, [
      "bgtask_updated Task started",
      "bgtask_updated one",
      "bgtask_done done on the cluster",
    ]);
    const stored = await store.getTask(taskId);
    assert.equal(stored?.info.taskName, "on-cluster");
  } finally {
    listener.disconnect();
    await cluster.quit();
    await manager.close();
    await store.close();
    await queue.close();
  }
});

Deno.test("bgtask on a Redis Cluster: an orphan whose heartbeat stopped is claimed by one server only", async () => {
  const seeds = clusterNodes(halfstackEnv());
  const uid = crypto.randomUUID().slice(0, 8);
  const tag = `orphans-${uid}`;
  const stores = await Promise.all(
    [1, 2, 3].map(() =>
      RedisBgtaskStore.connect({ cluster: seeds }, CHILD_LIFETIMES)
    ),
  );
  try {
    const taskId = crypto.randomUUID();
    await stores[0]!.registerTask({
      task: {
        info: {
          taskId,
          taskName: "orphan",
          taskType: TaskType.SINGLE,
          body: {},
          ongoingCount: 1,
          successCount: 0,
          failureCount: 0,
        },
        subtasks: [{
          taskId,
          key: WHOLE_TASK_KEY,
          status: TaskStatus.ONGOING,
          lastMessage: "",
          currentProgress: 0,
          totalProgress: 0,
        }],
      },
      serverId: `gone-${uid}`,
      tags: [tag],
    });
    assert.deepEqual(await stores[1]!.listTaskIds({ tag }), [taskId]);
    // No heartbeat: after about 2 s its lifetime is under the threshold.
    await new Promise((r) => setTimeout(r, 2_500));
    const claims = await Promise.all(
      stores.slice(1).map((store) =>
        store.fetchUnmanagedTasks(`other-${uid}`, [tag])
      ),
    );
    const won = claims.flat().map((task) => task.info.taskId);
    assert.deepEqual(won, [taskId], "claimed exactly once");
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
});
