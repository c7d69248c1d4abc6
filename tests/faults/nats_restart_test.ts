// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The NATS server restarted under load, on the fault halfstack (never the
// shared one): anycasts go one after another while a consumer group reads
// and acknowledges; a second into the run the server is restarted
// (`halfstack restart nats`: SIGTERM, then the same store again). The
// client reconnects by itself; every anycast the server acknowledged must
// be read afterwards, by the live group and by a group that read nothing
// during the run (file storage keeps the stream and the groups across the
// restart; on memory storage this test fails), and the live consumer must
// read again after the restart.

import assert from "node:assert/strict";
import { NatsStreamQueue } from "../../message_queue/nats/mod.ts";
import { faultHalfstackEnv } from "../_halfstack.ts";
import { quietLogger } from "../_logger.ts";
import { natsFixture } from "../_nats.ts";
import { load, longestGapMs, restartFaultServer } from "./_restart.ts";
import { reportFaultFigures } from "./_report.ts";

Deno.test("NATS restarted mid-run: no acknowledged anycast is lost, the consumer goes on", async () => {
  const env = faultHalfstackEnv();
  const fixture = await natsFixture(
    "fault",
    `${env.nats.host}:${env.nats.port}`,
  );
  const queue = await NatsStreamQueue.connect(
    { servers: fixture.server },
    {
      namespace: fixture.namespace,
      logger: quietLogger,
      requestTimeoutMs: 2_000,
    },
  );
  try {
    const stream = "restart";
    const late = await queue.consumer({ group: "late", streams: [stream] });
    await late.close(); // the group exists; it reads after the run
    const consumer = await queue.consumer({
      group: "g",
      streams: [stream],
      blockMs: 1_000,
      idleTimeoutMs: 5_000,
    });
    let restartedAt = 0;
    const started = Date.now();
    const result = await load({
      anycaster: queue.anycaster({ stream }),
      consumer,
      ms: 4_000,
      faultAtMs: 1_000,
      fault: async () => {
        await restartFaultServer("nats");
        restartedAt = Date.now() - started;
      },
      drainMs: 30_000,
    });
    const read = new Set(result.read);
    const lost = [...result.acked].filter((n) => !read.has(n));
    await reportFaultFigures({
      kind: "fault",
      name: "nats-restart",
      sent: result.acked.size,
      handled: result.acked.size - lost.length,
      deadLettered: 0,
      lost: lost.length,
      duplicates: result.read.length - read.size,
      recoveryMs: longestGapMs(result.readAt),
    });
    assert.deepEqual(lost, [], "every acknowledged anycast was read");
    assert.ok(
      result.acked.size > 100,
      `anycasts went on: ${result.acked.size}`,
    );
    assert.ok(
      result.readAt.some((at) => at > restartedAt),
      "the consumer read after the restart",
    );
    const again = await queue.consumer({
      group: "late",
      streams: [stream],
      batchSize: 500,
    });
    const readLate = new Set<number>();
    for await (
      const batch of again.batches({ signal: AbortSignal.timeout(20_000) })
    ) {
      for (const message of batch) {
        readLate.add((message.body as { n: number }).n);
      }
      await again.doneAll(batch);
      if ([...result.acked].every((n) => readLate.has(n))) break;
    }
    assert.deepEqual(
      [...result.acked].filter((n) => !readLate.has(n)),
      [],
      "the late group reads every acknowledged anycast",
    );
    console.log(
      `nats restart: ${result.acked.size} acknowledged, ${result.failures} failed and sent again, ` +
        `${
          result.read.length - read.size
        } read twice, restarted at ${restartedAt} ms`,
    );
  } finally {
    await queue.close();
    await fixture.cleanup();
  }
});
