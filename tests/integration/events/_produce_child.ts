// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A second process for events_test.ts: anycasts one event under a request
// id, through the Redis address, DB and stream given in argv.

import process from "node:process";
import { withRequestId } from "../../../contexts/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { CrossProcessEvent } from "./_events.ts";

const [addr = "", db = "0", stream = "", requestId = ""] = process.argv.slice(
  -4,
);
const queue = await RedisStreamQueue.connect({ addr, db: Number(db) }, {
  nodeId: "child",
});
const producer = new EventProducer(queue, { source: "child-process", stream });
await withRequestId(
  requestId,
  () => producer.anycast(CrossProcessEvent.create({ pid: process.pid })),
);
await queue.close();
