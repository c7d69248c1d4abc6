// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A consumer process for consumers_sigkill_test.ts, which kills it with
// SIGKILL at random moments: it reads the stream as one member of the
// group, counts each event it handles in a Redis hash (HINCRBY
// `<stream>:handled` n 1, before the ack, as a real handler's side effect
// would be), acknowledges the batch, and prints `ready` once its consumer
// exists.
// argv: <redis addr> <stream> <group> <consumer name>

import process from "node:process";
import { Redis } from "ioredis";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";

const [addr = "", stream = "", group = "", name = ""] = process.argv.slice(-4);
const [host = "", port = ""] = addr.split(":");
const queue = await RedisStreamQueue.connect({ addr }, {
  nodeId: name,
  logger: quietLogger,
});
const counter = new Redis({ host, port: Number(port) });
const consumer = await queue.consumer({
  group,
  name,
  streams: [stream],
  batchSize: 50,
  blockMs: 200,
  // A killed consumer's entries are taken over by the others after this.
  idleTimeoutMs: 1_500,
  reclaimIntervalMs: 500,
});
console.log("ready");
for await (const batch of consumer.batches()) {
  const pipeline = counter.pipeline();
  for (const message of batch) {
    pipeline.hincrby(
      `${stream}:handled`,
      String((message.body as { n: number }).n),
      1,
    );
  }
  await pipeline.exec();
  // Some handling time, so a kill often lands between the side effect and
  // the ack.
  await new Promise((r) => setTimeout(r, 10));
  await consumer.doneAll(batch);
}
