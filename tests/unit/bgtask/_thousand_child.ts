// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A process for lifecycle_test.ts: runs 1000 concurrent tasks (half of them
// retriable) with the loops started, closes everything and prints the
// manager's counts. The test checks that the process then exits by itself.

import { z } from "zod";
import { BackgroundTaskManager } from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { MemoryQueue } from "../../../message_queue/mod.ts";

const queue = new MemoryQueue();
const manager = new BackgroundTaskManager({
  producer: new EventProducer(queue, { source: "child" }),
  serverId: "child",
  heartbeatIntervalMs: 20,
  retryIntervalMs: 50,
});
manager.registry.register({
  name: "work",
  manifest: z.object({ n: z.number() }),
  async execute({ n }, { reporter }) {
    reporter.total = 2;
    await reporter.update(1);
    await new Promise((r) => setTimeout(r, n % 7));
    await reporter.update(1);
    return String(n);
  },
});
await manager.init();
const ids = await Promise.all(
  Array.from(
    { length: 1000 },
    (_, n) =>
      n % 2 === 0
        ? manager.startRetriable("work", { n })
        : manager.start(async (reporter) => {
          await reporter.update(1);
          await new Promise((r) => setTimeout(r, n % 5));
        }),
  ),
);
const statuses = await Promise.all(ids.map((id) => manager.wait(id)));
await manager.close();
await queue.close();
console.log(JSON.stringify({
  done: statuses.filter((s) => s === "bgtask_done").length,
  stats: manager.stats,
}));
