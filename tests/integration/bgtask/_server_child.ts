// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A server for redis_test.ts that the test kills with SIGKILL: it starts
// one retriable task, reports progress 1, prints the task id, and waits.
// argv: <redis addr> <tag> <channel>

import process from "node:process";
import { z } from "zod";
import {
  BackgroundTaskManager,
  RedisBgtaskStore,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { CHILD_LIFETIMES, EVENT_DB } from "./_shared.ts";

const [addr = "", tag = "", channel = ""] = process.argv.slice(-3);
const queue = await RedisStreamQueue.connect({ addr, db: EVENT_DB }, {
  nodeId: "child",
});
const store = await RedisBgtaskStore.connect({ addr }, CHILD_LIFETIMES);
const manager = new BackgroundTaskManager({
  producer: new EventProducer(queue, { source: "child", channel }),
  serverId: `child-${process.pid}`,
  store,
  tags: [tag],
  heartbeatIntervalMs: 300,
});
manager.registry.register({
  name: "revivable",
  manifest: z.object({ label: z.string() }),
  async execute(_manifest, { reporter, signal }) {
    reporter.total = 2;
    await reporter.update(1, "child started");
    await new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  },
});
await manager.init();
const taskId = await manager.startRetriable("revivable", { label: tag });
console.log(taskId);
// Wait to be killed.
await new Promise(() => setInterval(() => {}, 1000));
