// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Consumer processes SIGKILLed at random moments while N anycast events
// flow (N = 3 000 here, 100 000 with BACKEND_FAULTS_SCALE=soak), on a Redis
// of the test's own: three consumer processes of one group
// (_consumer_child.ts) count what they handle in a Redis hash; every 300 to
// 900 ms one of them is killed and a new one, under a new name, takes its
// place. Afterwards every event must have been handled or be in the
// dead-letter stream (none lost), and the events handled twice are at most
// what was in flight at the kills: two batches per kill (the batch being
// handled and the one whose acks were queued but not yet confirmed).
//
// The recovery code under test is the consumer's idle reclaim
// (`#reclaim()` in message_queue/_consumer.ts, `claimIdle` in
// message_queue/_redis_claim.ts): the killed consumers' names are never
// used again, so their pending entries come back only through it. Without
// it the test loses what was in flight at each kill.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { type FaultChild, spawnFaultChild } from "./_child.ts";
import { FaultRedis, faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const SOAK = faultScale() === "soak";
const EVENTS = SOAK ? 100_000 : 3_000;
const RATE = SOAK ? 4_000 : 600; // events per second
const CONSUMERS = 3;
const BATCH = 50; // the children's batchSize

Deno.test("fault: consumers SIGKILLed at random moments lose no anycast event", async () => {
  await using redis = await FaultRedis.start();
  const stream = "sigkill";
  const group = "workers";
  const queue = await RedisStreamQueue.connect({ addr: redis.address }, {
    nodeId: "producer",
    logger: quietLogger,
  });
  const raw = new Redis({ host: "127.0.0.1", port: redis.port });
  const children: (FaultChild | undefined)[] = [];
  let generation = 0;
  const spawnConsumer = async (slot: number) => {
    const child = spawnFaultChild("_consumer_child", [
      redis.address,
      stream,
      group,
      `c${slot}-g${generation++}`,
    ]);
    children[slot] = child;
    await until(() => child.output().includes("ready"), 60_000, "a consumer");
  };
  try {
    // The group exists before the first event.
    await (await queue.consumer({
      group,
      name: "setup",
      streams: [stream],
      startFrom: "beginning",
    })).close();
    await Promise.all(
      Array.from({ length: CONSUMERS }, (_, i) => spawnConsumer(i)),
    );
    const anycaster = queue.anycaster({ stream });
    let produced = false;
    const producing = (async () => {
      const started = performance.now();
      for (let sent = 0; sent < EVENTS;) {
        const due = Math.min(
          EVENTS,
          Math.floor(((performance.now() - started) * RATE) / 1_000) + 1,
        );
        if (due > sent) {
          const items = [];
          for (; sent < due; sent++) {
            items.push({
              name: "n",
              source: "faults",
              payload: `{"n":${sent}}`,
            });
          }
          await anycaster.anycastBatch(items);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      produced = true;
    })();
    let kills = 0;
    let lastKillAt = 0;
    // Kill until the last event is out, and once more after it.
    for (let extra = 1; !produced || extra-- > 0;) {
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 600));
      const slot = Math.floor(Math.random() * CONSUMERS);
      await children[slot]?.kill();
      lastKillAt = performance.now();
      kills++;
      await spawnConsumer(slot);
    }
    await producing;
    const dead = new Set<number>();
    const handledKey = `${stream}:handled`;
    const accounted = async () => {
      for (const letter of await queue.deadLetters(stream, { count: 10_000 })) {
        const payload = letter.fields.payload;
        if (typeof payload === "string") dead.add(JSON.parse(payload).n);
      }
      return await raw.hlen(handledKey) + dead.size >= EVENTS;
    };
    await until(accounted, SOAK ? 300_000 : 60_000, "every event handled")
      .catch(() => {});
    const recoveryMs = Math.round(performance.now() - lastKillAt);
    const counts = await raw.hgetall(handledKey);
    let handledTwice = 0;
    const missing: number[] = [];
    for (let n = 0; n < EVENTS; n++) {
      const count = Number(counts[String(n)] ?? 0);
      if (count > 1) handledTwice += count - 1;
      if (count === 0 && !dead.has(n)) missing.push(n);
    }
    const handled = Object.keys(counts).length;
    const figures = {
      kind: "fault",
      name: "consumers-sigkill",
      sent: EVENTS,
      handled,
      deadLettered: dead.size,
      lost: missing.length,
      duplicates: handledTwice,
      recoveryMs,
    } as const;
    await reportFaultFigures(figures);
    console.log(
      `consumers SIGKILLed: ${JSON.stringify({ ...figures, kills })}`,
    );
    assert.deepEqual(missing.slice(0, 20), [], `${missing.length} events lost`);
    assert.ok(kills >= 3, `consumers were killed (${kills})`);
    assert.ok(
      handledTwice <= kills * 2 * BATCH,
      `${handledTwice} handled twice after ${kills} kills (at most ${
        kills * 2 * BATCH
      })`,
    );
  } finally {
    for (const child of children) await child?.kill();
    raw.disconnect();
    await queue.close();
  }
});
