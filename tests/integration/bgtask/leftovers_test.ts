// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// 10 000 finished tasks on real Redis leave nothing behind: no key under the
// task prefixes without a TTL (bgtask keys in DB 7, cached events in DB 14),
// no timer, no listener, nothing in the manager's maps.

import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { z } from "zod";
import { RECENT_RESULTS } from "../../../bgtask/mod.ts";
import { redisOf, server } from "./_server.ts";
import { EVENT_DB } from "./_shared.ts";

const TASKS = 10_000;
const WINDOW = 256;

/** Every key matching `pattern` whose TTL is -1 (no expiry). */
async function keysWithoutTtl(redis: Redis, pattern: string): Promise<{
  scanned: number;
  persistent: string[];
}> {
  let cursor = "0";
  let scanned = 0;
  const persistent: string[] = [];
  do {
    const [next, keys] = await redis.scan(
      cursor,
      "MATCH",
      pattern,
      "COUNT",
      1000,
    );
    cursor = next;
    scanned += keys.length;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.ttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      if (ttls[i]?.[1] === -1) persistent.push(key);
    });
  } while (cursor !== "0");
  return { scanned, persistent };
}

function listeners(emitter: Redis): Record<string, number> {
  return Object.fromEntries(
    emitter.eventNames().map((name) => [
      String(name),
      emitter.listenerCount(name),
    ]),
  );
}

Deno.test("bgtask on Redis: 10 000 finished tasks leave no key without a TTL, no timer and no listener", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  const serverId = `leftovers-${uid}`;
  const s = await server({
    serverId,
    tags: [`leftovers-tag-${uid}`],
    channel: `events_all-${uid}`,
  });
  const raw = redisOf(7);
  const rawEvents = redisOf(EVENT_DB);
  try {
    s.manager.registry.register({
      name: "leftover",
      manifest: z.object({ n: z.number() }),
      async execute({ n }, { reporter }) {
        reporter.total = 2;
        await reporter.update(1, "half");
        if (n % 10 === 0) throw new Error(`task ${n} failed`);
        await reporter.update(1);
        return n % 2 === 0 ? `done ${n}` : undefined;
      },
    });
    await s.manager.init(); // the loops run, as in a server
    const before = listeners(s.connection);
    const waits: Promise<string>[] = [];
    for (let i = 0; i < TASKS; i += WINDOW) {
      const ids = await Promise.all(
        Array.from(
          { length: Math.min(WINDOW, TASKS - i) },
          (_, j) => s.manager.startRetriable("leftover", { n: i + j }),
        ),
      );
      for (const id of ids) waits.push(s.manager.wait(id));
    }
    const statuses = await Promise.all(waits);
    assert.equal(statuses.filter((x) => x === "bgtask_failed").length, 1_000);
    assert.equal(statuses.filter((x) => x === "bgtask_done").length, 9_000);
    assert.deepEqual(s.manager.stats, {
      running: 0,
      retriable: 0,
      recentResults: RECENT_RESULTS,
      graceTimers: 0,
      loops: 2,
    });
    assert.deepEqual(listeners(s.connection), before);

    const tasks = await keysWithoutTtl(raw, "bgtask:*");
    assert.ok(tasks.scanned >= 3 * TASKS, `only ${tasks.scanned} task keys`);
    assert.deepEqual(tasks.persistent, [], "task keys without a TTL");
    const cached = await keysWithoutTtl(rawEvents, "bgtask.*");
    assert.ok(cached.scanned >= TASKS, `only ${cached.scanned} cached events`);
    assert.deepEqual(cached.persistent, [], "cached events without a TTL");
    assert.equal(await raw.exists(`bgtask:server:${serverId}`), 0);
    assert.equal(await raw.exists(`bgtask:tag:leftovers-tag-${uid}`), 0);
  } finally {
    await s[Symbol.asyncDispose]();
    await raw.quit();
    await rawEvents.quit();
  }
  // Closed: no loop is scheduled; the test sanitizers check the timers and
  // ops of the whole test.
  assert.equal(s.manager.stats.loops, 0);
  assert.equal(s.manager.stats.graceTimers, 0);
});
