// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// GlobalTimer on the halfstack's Redis (DB 11): three timers in two
// processes send one event per interval between them, also when the
// process that sent the last one is killed; redis-py's lock (upstream's
// redlock GlobalTimer) and our claims exclude each other.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Redis } from "ioredis";
import { EventProducer } from "../../../events/mod.ts";
import { GlobalTimer, RedisLeaderStore } from "../../../leader/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import {
  spawnChild,
  TEST_DB,
  TIMER_INTERVAL_MS,
  TimerTick,
  until,
} from "./_shared.ts";

interface Entry {
  /** The stream id's time part: when Redis appended it. */
  ms: number;
  source: string;
}

async function entries(raw: Redis, stream: string): Promise<Entry[]> {
  const rows = await raw.xrange(stream, "-", "+");
  return rows.map(([id, fields]) => {
    const source = fields[fields.indexOf("source") + 1] ?? "";
    return { ms: Number(id.split("-")[0]), source };
  });
}

Deno.test("global timer on Redis: three timers in two processes send one event per interval, across a SIGKILL", async () => {
  const { redis } = halfstackEnv();
  const addr = `${redis.host}:${redis.port}`;
  const uid = crypto.randomUUID().slice(0, 8);
  const key = `timer-test:${uid}`;
  const stream = `timer-events-${uid}`;
  const raw = new Redis({ host: redis.host, port: redis.port, db: TEST_DB });
  const child = spawnChild([
    addr,
    String(TEST_DB),
    "timer",
    key,
    "child",
    stream,
  ]);
  const queue = await RedisStreamQueue.connect({ addr, db: TEST_DB }, {
    nodeId: "parent",
  });
  const stores: RedisLeaderStore[] = [];
  const timers: GlobalTimer[] = [];
  try {
    await until(() => child.output().includes("ready"), 30_000);
    for (const serverId of ["a", "b"]) {
      const store = await RedisLeaderStore.connect({ addr, db: TEST_DB }, {
        logger: quietLogger,
      });
      stores.push(store);
      const timer = new GlobalTimer({
        store,
        key,
        serverId,
        intervalMs: TIMER_INTERVAL_MS,
        producer: new EventProducer(queue, { source: serverId, stream }),
        event: () => TimerTick.create({}),
        logger: quietLogger,
      });
      timer.start();
      timers.push(timer);
    }
    // Kill the child right after it has sent an event: mid-interval, with
    // its claim live.
    await until(async () => {
      const sent = await entries(raw, stream);
      return sent.length >= 3 && sent.at(-1)?.source === "child";
    }, 60_000);
    child.kill();
    assert.equal(await child.exited, "SIGKILL");
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 8 * TIMER_INTERVAL_MS));
    for (const timer of timers) await timer.close();
    const sent = await entries(raw, stream);
    const gaps = sent.slice(1).map((e, i) => e.ms - (sent[i] as Entry).ms);
    const sources = new Set(sent.map((e) => e.source));
    const after = sent.filter((e) => e.ms > killedAt).length;
    console.log(
      `${sent.length} events from ${[...sources].sort().join(", ")}; ` +
        `gaps ${Math.min(...gaps)}-${Math.max(...gaps)} ms ` +
        `(interval ${TIMER_INTERVAL_MS} ms); ${after} after the kill`,
    );
    assert.ok(sources.has("child"));
    assert.ok(sources.has("a") || sources.has("b"));
    // Never two in one interval. The claims are an interval apart on
    // Redis's clock; the events follow their claims by one round trip.
    assert.ok(Math.min(...gaps) >= TIMER_INTERVAL_MS - 40, `${gaps}`);
    // And the killed process delayed nothing: no interval went without one.
    assert.ok(Math.max(...gaps) <= 2 * TIMER_INTERVAL_MS - 40, `${gaps}`);
    assert.ok(after >= 6, `${after} events after the kill`);
  } finally {
    child.kill();
    for (const timer of timers) await timer.close();
    for (const store of stores) await store.close();
    await queue.close();
    await raw.del(stream, key);
    await raw.quit();
  }
});

const PYTHON_LOCK = `
import sys, redis
from redis.lock import Lock
host, port, db, key, action = sys.argv[1:6]
r = redis.Redis(host=host, port=int(port), db=int(db))
lock = Lock(r, key, timeout=3.0, blocking=False)
if action == "hold":
    print("acquired" if lock.acquire() else "refused")
else:
    print("acquired" if lock.acquire() else "refused")
    if lock.owned():
        lock.release()
`;

function pythonLock(key: string, action: "hold" | "try"): string {
  const { redis } = halfstackEnv();
  return execFileSync("/usr/bin/python3", [
    "-c",
    PYTHON_LOCK,
    redis.host,
    String(redis.port),
    String(TEST_DB),
    key,
    action,
  ]).toString().trim();
}

Deno.test("global timer on Redis: redis-py's lock (upstream's redlock timer) and our claims exclude each other", async () => {
  const { redis } = halfstackEnv();
  const key = `timer-test:${crypto.randomUUID()}`;
  const raw = new Redis({ host: redis.host, port: redis.port, db: TEST_DB });
  const store = await RedisLeaderStore.connect(
    { addr: `${redis.host}:${redis.port}`, db: TEST_DB },
    { logger: quietLogger },
  );
  try {
    // A Python GlobalTimer holds the lock (3 s lifetime): no claim for us.
    assert.equal(pythonLock(key, "hold"), "acquired");
    const refused = await store.claimTick(key, "ts", 1_000);
    assert.equal(refused.claimed, false);
    assert.ok(
      refused.remainingMs > 2_000 && refused.remainingMs <= 3_000,
      `${refused.remainingMs}`,
    );
    // It releases; our claim takes the tick and the Python side is refused.
    await raw.del(key);
    assert.equal((await store.claimTick(key, "ts", 1_000)).claimed, true);
    assert.equal(pythonLock(key, "try"), "refused");
  } finally {
    await store.close();
    await raw.del(key);
    await raw.quit();
  }
});
