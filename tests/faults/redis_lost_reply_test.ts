// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A read's reply lost with its connection, made exact by a proxy on
// loopback (_fault_proxy.ts, `cut-on-reply`): the consumer waits in
// XREADGROUP through the proxy, an event is anycast straight to Redis,
// Redis delivers it (it is now pending under the consumer's name) and the
// proxy resets the connection instead of passing the reply on. ioredis
// reconnects and sends the XREADGROUP again, which waits for newer
// entries: before the fix, the event stayed pending until the idle timeout
// (4 minutes by default). The redis_aof_restart test found it: a Redis
// stopped mid-XREADGROUP strands the entries of that read the same way.
//
// The recovery code under test: the reader reports a read that lived
// through a reconnect as failed (message_queue/_redis_reader.ts), and the
// consumer, after a failed read, takes back its own pending entries at
// once (`#recovering` in message_queue/_consumer.ts).

import assert from "node:assert/strict";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { faultProxy } from "./_fault_proxy.ts";
import { FaultRedis } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

Deno.test("fault: a read whose reply is lost with its connection hands its event out at once", async () => {
  await using redis = await FaultRedis.start();
  await using proxy = await faultProxy({ host: "127.0.0.1", port: redis.port });
  const producer = await RedisStreamQueue.connect({ addr: redis.address }, {
    nodeId: "producer",
    logger: quietLogger,
  });
  const queue = await RedisStreamQueue.connect({ addr: proxy.addr }, {
    nodeId: "consumer",
    logger: quietLogger,
    healthCheckIntervalMs: 0,
  });
  try {
    const consumer = await queue.consumer({
      group: "g",
      streams: ["lost-reply"],
      blockMs: 5_000,
      idleTimeoutMs: 600_000,
    });
    const rounds = 5;
    const waitedMs: number[] = [];
    const stop = AbortSignal.timeout(30_000);
    const iterator = consumer.messages({ signal: stop });
    for (let round = 0; round < rounds; round++) {
      const next = iterator.next();
      // The consumer waits in XREADGROUP now.
      await new Promise((r) => setTimeout(r, 300));
      proxy.mode = "cut-on-reply";
      const sentAt = performance.now();
      await producer.anycaster({ stream: "lost-reply" }).anycast({
        name: "x",
        source: "faults",
        payload: `{"n":${round}}`,
      });
      const result = await Promise.race([
        next,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 5_000)),
      ]);
      if (result === undefined || result.done) break;
      waitedMs.push(Math.round(performance.now() - sentAt));
      assert.deepEqual(result.value.body, { n: round });
      await consumer.done(result.value);
    }
    await reportFaultFigures({
      kind: "fault",
      name: "redis-lost-read-reply",
      sent: rounds,
      handled: waitedMs.length,
      deadLettered: 0,
      lost: rounds - waitedMs.length,
      duplicates: 0,
      recoveryMs: Math.max(0, ...waitedMs),
    });
    console.log(
      `lost read replies: ${proxy.resets} resets, handed out after ${
        JSON.stringify(waitedMs)
      } ms`,
    );
    assert.equal(waitedMs.length, rounds, "every event was handed out");
    assert.ok(proxy.resets >= rounds, `the replies were cut (${proxy.resets})`);
    assert.ok(
      waitedMs.every((ms) => ms < 2_000),
      `handed out within 2 s: ${JSON.stringify(waitedMs)}`,
    );
    await iterator.return?.();
    await consumer.close();
  } finally {
    await queue.close();
    await producer.close();
  }
});
