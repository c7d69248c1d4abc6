// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Where a task's events go: the prepared broadcast a store may publish says
// all of it, and a producer with a durable stream gets every task event
// there on the memory backends too.

import assert from "node:assert/strict";
import { z } from "zod";
import { BackgroundTaskManager } from "../../../bgtask/mod.ts";
import { BgtaskDoneEvent, EventProducer } from "../../../events/mod.ts";
import { encodeStreamFields, MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

Deno.test("bgtask: a prepared broadcast carries its durable copy and says where the queue is", async () => {
  await using queue = new MemoryQueue();
  const producer = new EventProducer(queue, {
    source: "manager-1",
    durableStream: "events_durable",
  });
  const event = BgtaskDoneEvent.create({
    task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
    message: "ok",
  });
  const prepared = producer.prepareBroadcast(event);
  assert.deepEqual(prepared.durable, {
    stream: "events_durable",
    fields: encodeStreamFields({
      name: "bgtask_done",
      source: "manager-1",
      payload: JSON.parse(prepared.data).payload,
    }),
  });
  // A queue in memory has no location: only the producer can send it.
  assert.ok("location" in prepared);
  assert.equal(prepared.location, undefined);
  const plain = new EventProducer(queue, { source: "manager-1" });
  assert.equal(plain.prepareBroadcast(event).durable, undefined);
});

Deno.test("bgtask: with a durable stream, every task event is in it (memory)", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  await using manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, {
      source: "manager-1",
      durableStream: "bgtask_durable",
    }),
    serverId: "manager-1",
    logger: quietLogger,
  });
  await using subscriber = await queue.durableSubscriber({
    subscriberId: "sse",
    stream: "bgtask_durable",
    startFrom: "beginning",
  });
  manager.registry.register({
    name: "copy",
    manifest: z.object({}),
    async execute(_manifest, { reporter }) {
      await reporter.update(1, "half");
      return "copied";
    },
  });
  const id = await manager.startRetriable("copy", {});
  assert.equal(await manager.wait(id), "bgtask_done");
  const names: string[] = [];
  for await (const message of subscriber) {
    names.push(`${message.name} ${JSON.parse(message.payload).message}`);
    if (message.name === "bgtask_done") break;
  }
  assert.deepEqual(names, [
    "bgtask_updated Task started",
    "bgtask_updated half",
    "bgtask_done copied",
  ]);
});
