// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A background task server for bgtask_sigkill_test.ts, which kills it with
// SIGKILL: it starts `count` retriable tasks, each of which counts its run
// in the Redis hash `<tag>:runs` (HINCRBY), reports progress 1 and then
// waits forever; it prints each task id on a line of its own, then `ready`.
// argv: <redis addr> <tag> <count>

import process from "node:process";
import { Redis } from "ioredis";
import { z } from "zod";
import { BackgroundTaskManager, RedisBgtaskStore } from "../../bgtask/mod.ts";
import { EventProducer } from "../../events/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { BGTASK_LIFETIMES } from "./_bgtask_shared.ts";

const [addr = "", tag = "", count = "1"] = process.argv.slice(-3);
const [host = "", port = ""] = addr.split(":");
const queue = await RedisStreamQueue.connect({ addr }, {
  nodeId: "child",
  logger: quietLogger,
});
const counter = new Redis({ host, port: Number(port) });
const store = await RedisBgtaskStore.connect({ addr }, BGTASK_LIFETIMES);
const manager = new BackgroundTaskManager({
  producer: new EventProducer(queue, { source: "child", channel: tag }),
  serverId: `child-${process.pid}`,
  store,
  tags: [tag],
  heartbeatIntervalMs: 300,
  logger: quietLogger,
});
manager.registry.register({
  name: "revivable",
  manifest: z.object({ i: z.number() }),
  async execute(_manifest, { reporter, signal, taskId }) {
    await counter.hincrby(`${tag}:runs`, taskId, 1);
    reporter.total = 2;
    await reporter.update(1, "first run");
    await new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  },
});
await manager.init();
for (let i = 0; i < Number(count); i++) {
  console.log(await manager.startRetriable("revivable", { i }));
}
console.log("ready");
await new Promise(() => setInterval(() => {}, 1_000));
