// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Redis with an append-only file (`appendfsync everysec`) restarted
// mid-stream, on a Redis of the test's own: anycasts go one after another
// (a failed one is sent again after 50 ms) while a consumer group reads
// and acknowledges; a second in, Redis is stopped (SIGTERM: it fsyncs the
// file and exits; or SIGKILL: no shutdown at all), stays down for a second
// and starts again on the same file. The producer and the consumer must
// both succeed again within 2 s of Redis answering PING, and every anycast
// acknowledged to the caller must be read afterwards.
//
// Why SIGKILL loses nothing here: Redis writes (write(2)) the AOF buffer
// before it sends the replies of the same event loop turn, so an
// acknowledged write is in the kernel's page cache, which a process crash
// does not lose. The window AOF everysec can lose (see RELIABILITY.md) is
// an OS crash or power loss (what was not yet fsynced: up to about 1 s of
// acknowledged writes) and, when an fsync takes longer than a second,
// Redis postponing the write(2) itself by up to 2 s (INFO
// aof_delayed_fsync counts it) while it still replies: a process crash
// then loses up to 2 s. The test checks that no write was postponed.
//
// The recovery code under test is the client side: the reconnect backoff
// of clients/valkey/connect.ts (first retry at once, then from 100 ms,
// doubling) and the consumer's read retry (`#run` in
// message_queue/_consumer.ts, 100 ms doubling, reset on success). With a
// backoff starting at 2 s, or no read retry, the 2 s bound fails; with
// `appendonly no` (FaultRedis "none") every acknowledged anycast is lost.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { FaultRedis } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const RUN_MS = 5_000;
const FAULT_AT_MS = 1_000;
const DOWN_MS = 1_000;

async function restartMidStream(signal: "SIGTERM" | "SIGKILL") {
  await using redis = await FaultRedis.start("everysec");
  const stream = "aof";
  const queue = await RedisStreamQueue.connect({ addr: redis.address }, {
    nodeId: "faults",
    logger: quietLogger,
  });
  const acked = new Map<number, number>(); // n -> when (ms since start)
  const read: number[] = [];
  const readAt: number[] = [];
  let failures = 0;
  let stoppingAt = Number.NaN;
  let answeredAt = Number.NaN;
  let delayedFsync = Number.NaN;
  const started = performance.now();
  const now = () => performance.now() - started;
  try {
    const consumer = await queue.consumer({
      group: "g",
      streams: [stream],
      startFrom: "beginning",
      blockMs: 200,
    });
    const stop = new AbortController();
    const reading = (async () => {
      while (!stop.signal.aborted) {
        try {
          for await (
            const message of consumer.messages({ signal: stop.signal })
          ) {
            read.push((message.body as { n: number }).n);
            readAt.push(now());
            await consumer.done(message);
          }
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    const faulting = (async () => {
      await new Promise((r) => setTimeout(r, FAULT_AT_MS));
      const info = new Redis({ host: "127.0.0.1", port: redis.port });
      try {
        const persistence = await info.info("persistence");
        delayedFsync = Number(/aof_delayed_fsync:(\d+)/.exec(persistence)?.[1]);
      } finally {
        info.disconnect();
      }
      stoppingAt = now();
      await redis.restart(signal, DOWN_MS);
      answeredAt = now();
    })();
    const anycaster = queue.anycaster({ stream });
    // Until RUN_MS, and at least 2 s after Redis answers again.
    const running = () =>
      now() < RUN_MS || Number.isNaN(answeredAt) ||
      now() < answeredAt + 2_000;
    for (let n = 0; running();) {
      try {
        await anycaster.anycast({
          name: "aof",
          source: "faults",
          payload: `{"n":${n}}`,
        });
        acked.set(n++, now());
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await faulting;
    const seen = new Set(read);
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline && [...acked.keys()].some((n) => !seen.has(n))
    ) {
      await new Promise((r) => setTimeout(r, 100));
      for (const n of read) seen.add(n);
    }
    stop.abort();
    await reading;
    await consumer.close();
    const lost = [...acked.keys()].filter((n) => !seen.has(n));
    if (lost.length > 0) {
      // Where they are: pending under a consumer (stranded), or gone.
      const raw = new Redis({ host: "127.0.0.1", port: redis.port });
      console.log(
        `lost: ${lost.length}; pending in the group: ${
          JSON.stringify(await raw.xpending(stream, "g"))
        }; stream length ${await raw.xlen(stream)}`,
      );
      raw.disconnect();
    }
    const firstAck = Math.min(
      ...[...acked.values()].filter((at) => at >= answeredAt),
    );
    const firstRead = Math.min(...readAt.filter((at) => at >= answeredAt));
    return {
      acked: acked.size,
      handled: acked.size - lost.length,
      lost,
      readTwice: read.length - seen.size,
      failures,
      producerResumeMs: Math.round(firstAck - answeredAt),
      consumerResumeMs: Math.round(firstRead - answeredAt),
      delayedFsync,
      stoppedForMs: Math.round(answeredAt - stoppingAt),
    };
  } finally {
    await queue.close();
  }
}

for (const signal of ["SIGTERM", "SIGKILL"] as const) {
  Deno.test(`fault: Redis with AOF everysec restarted mid-stream (${signal}) loses no acknowledged anycast; both sides resume within 2 s`, async () => {
    const result = await restartMidStream(signal);
    await reportFaultFigures({
      kind: "fault",
      name: `redis-aof-restart-${signal.toLowerCase()}`,
      sent: result.acked,
      handled: result.handled,
      deadLettered: 0,
      lost: result.lost.length,
      duplicates: result.readTwice,
      recoveryMs: Math.max(result.producerResumeMs, result.consumerResumeMs),
    });
    console.log(
      `Redis AOF restart (${signal}): ${
        JSON.stringify({ ...result, lost: result.lost.length })
      }`,
    );
    assert.equal(
      result.delayedFsync,
      0,
      "no write was postponed by a slow fsync",
    );
    assert.deepEqual(result.lost, [], "every acknowledged anycast was read");
    assert.ok(result.acked > 100, `anycasts went on (${result.acked})`);
    assert.ok(
      result.producerResumeMs < 2_000,
      `the producer resumed ${result.producerResumeMs} ms after Redis answered`,
    );
    assert.ok(
      result.consumerResumeMs < 2_000,
      `the consumer resumed ${result.consumerResumeMs} ms after Redis answered`,
    );
  });
}
