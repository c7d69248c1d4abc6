// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Load on the background task manager: 200 retriable tasks (1 000 with
// BACKEND_FAULTS_SCALE=soak) started at once on a RedisBgtaskStore and a
// RedisStreamQueue of a Redis of the test's own, each sending five
// progress updates 50 ms apart and finishing, heartbeats every 200 ms meanwhile. A
// second queue connection, as a web server would, listens for the final
// events.
//
// Asserted: every task ends with exactly one bgtask_done (received live,
// and cached as its last event), the store has every task as a success,
// every key left in Redis but the queue's own streams (trimmed by
// length) has a TTL, the
// manager runs nothing and holds no timer, and the V8 heap after a full
// collection is within 1 MiB + 2 KiB per task of where it stood after a
// warm-up batch of 20 (measured 0.5 to 0.7 MiB for 200 tasks, 1.0 MiB for
// 1 000; the manager keeps at most RECENT_RESULTS final statuses, a few
// dozen bytes each). A task's state kept after its end (its reporter,
// controller, timers, closures) would pass the bound at the soak size.
//
// The code under test is the manager's task tracking and finishing
// (bgtask/manager.ts, _task.ts, _publisher.ts) and the store's TTLs
// (bgtask/redis.ts, _redis_lua.ts).

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { z } from "zod";
import {
  BackgroundTaskManager,
  RECENT_RESULTS,
  RedisBgtaskStore,
} from "../../bgtask/mod.ts";
import {
  BGTASK_EVENTS,
  BgtaskCancelledEvent,
  BgtaskDoneEvent,
  BgtaskFailedEvent,
  cachedEventFetcher,
  EventDispatcher,
  EventProducer,
  EventRegistry,
} from "../../events/mod.ts";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import { quietLogger } from "../_logger.ts";
import { BGTASK_LIFETIMES } from "./_bgtask_shared.ts";
import { mib, readMemory } from "./_memory.ts";
import { FaultRedis, faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const TASKS = faultScale() === "soak" ? 1_000 : 200;
const UPDATES = 5;
/**
 * V8 heap growth allowed once the tasks are done (after a GC): 1 MiB fixed
 * (grown buffers and maps, compiled code: 0.5 to 0.7 MiB seen with 200
 * tasks) plus 2 KiB per task (the test's own maps, the kept statuses).
 */
const HEAP_LEFT_FIXED = 1024 * 1024;
const HEAP_LEFT_PER_TASK = 2 * 1024;
const WARM_UP = 20;

/**
 * Every key of `db` without a TTL, but streams: the queue's streams have
 * none by design (they are trimmed by length instead).
 */
async function keysWithoutTtl(redis: Redis): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "COUNT", 1000);
    cursor = next;
    for (const key of batch) {
      if (
        await redis.ttl(key) === -1 && await redis.type(key) !== "stream"
      ) keys.push(key);
    }
  } while (cursor !== "0");
  return keys.sort();
}

Deno.test(`fault: ${TASKS} concurrent background tasks on Redis all end with bgtask_done, leaving only expiring keys`, async () => {
  await using redis = await FaultRedis.start();
  const db0 = new Redis({ host: "127.0.0.1", port: redis.port, db: 0 });
  const db7 = new Redis({ host: "127.0.0.1", port: redis.port, db: 7 });
  const queue = await RedisStreamQueue.connect({ addr: redis.address }, {
    nodeId: "manager",
    logger: quietLogger,
  });
  const listenerQueue = await RedisStreamQueue.connect({
    addr: redis.address,
  }, { nodeId: "web", logger: quietLogger });
  const store = await RedisBgtaskStore.connect(
    { addr: redis.address },
    BGTASK_LIFETIMES,
  );
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: "manager" }),
    serverId: "bgtask-load",
    store,
    heartbeatIntervalMs: 200,
    logger: quietLogger,
  });
  const dispatcher = new EventDispatcher(listenerQueue, {
    group: "web",
    logger: quietLogger,
  });
  const done = new Map<string, number>();
  let failed = 0;
  dispatcher.subscribe(BgtaskDoneEvent, (_context, _source, body) => {
    done.set(body.task_id, (done.get(body.task_id) ?? 0) + 1);
  });
  for (const definition of [BgtaskFailedEvent, BgtaskCancelledEvent]) {
    dispatcher.subscribe(definition, () => void failed++);
  }
  let running = 0;
  let peak = 0;
  manager.registry.register({
    name: "load",
    manifest: z.object({ i: z.number() }),
    async execute({ i }, { reporter }) {
      peak = Math.max(peak, ++running);
      try {
        reporter.total = UPDATES;
        for (let step = 1; step <= UPDATES; step++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          await reporter.update(1, `step ${step}`);
        }
        return `task ${i} finished`;
      } finally {
        running--;
      }
    },
  });
  try {
    await dispatcher.start();
    await manager.init();
    // A warm-up batch first, so that the baseline includes the connections,
    // the compiled code and the manager's fixed state.
    const warmUp = await Promise.all(
      Array.from(
        { length: WARM_UP },
        (_, i) => manager.startRetriable("load", { i: -1 - i }),
      ),
    );
    await Promise.all(warmUp.map((id) => manager.wait(id)));
    await until(() => done.size === WARM_UP, 10_000, "the warm-up");
    done.clear();
    const before = readMemory(true);
    const startedAt = performance.now();
    const ids = await Promise.all(
      Array.from(
        { length: TASKS },
        (_, i) => manager.startRetriable("load", { i }),
      ),
    );
    const statuses = await Promise.all(ids.map((id) => manager.wait(id)));
    const ranMs = Math.round(performance.now() - startedAt);
    await until(
      () => done.size === TASKS || failed > 0,
      30_000,
      "the final events",
    )
      .catch(() => {});
    const endMs = Math.round(performance.now() - startedAt);
    const after = readMemory(true);
    const heapLeft = after.heapUsed - before.heapUsed;
    const fetchCached = cachedEventFetcher(
      listenerQueue.broadcaster(),
      new EventRegistry(BGTASK_EVENTS),
    );
    const cached = await Promise.all(
      ids.map((id) => fetchCached(`bgtask.${id}`)),
    );
    const stored = await Promise.all(
      ids.map((id) => db7.hget(`bgtask:subtask:${id}:__whole__`, "status")),
    );
    const stats = manager.stats;
    const handled = [...done.values()].filter((count) => count === 1).length;
    const twice = [...done.values()].filter((count) => count > 1).length;
    const noTtl = [
      ...(await keysWithoutTtl(db0)).map((key) => `db0 ${key}`),
      ...(await keysWithoutTtl(db7)).map((key) => `db7 ${key}`),
    ];
    console.log(
      `bgtask load: ${TASKS} tasks (${peak} running at once) ran in ${ranMs} ` +
        `ms, final events in ${endMs} ms; ${handled} bgtask_done, ${failed} ` +
        `failed or cancelled; keys without TTL: ${
          noTtl.join(", ") || "none"
        }; ` +
        `heap ${mib(before.heapUsed)} -> ${mib(after.heapUsed)} after GC, ` +
        `RSS ${mib(before.rss)} -> ${mib(after.rss)}`,
    );
    await reportFaultFigures({
      kind: "fault",
      name: "bgtask-load",
      sent: TASKS,
      handled,
      lost: TASKS - handled - twice,
      duplicates: twice,
      recoveryMs: endMs,
    });
    assert.ok(statuses.every((status) => status === "bgtask_done"));
    assert.equal(handled, TASKS, "every task's bgtask_done arrived once");
    assert.equal(failed, 0);
    assert.ok(
      cached.every((event) => event?.definition.name === "bgtask_done"),
      "every task's cached last event is bgtask_done",
    );
    assert.ok(stored.every((status) => status === "success"));
    assert.deepEqual(noTtl, [], "every key left expires");
    assert.equal(stats.running, 0);
    assert.equal(stats.graceTimers, 0);
    assert.ok(stats.recentResults <= RECENT_RESULTS);
    assert.ok(
      // Without a collection (a runtime that allows none) the heap
      // holds garbage: only the other checks apply.
      !after.collected ||
        heapLeft < HEAP_LEFT_FIXED + HEAP_LEFT_PER_TASK * TASKS,
      `heap left after the tasks: ${mib(heapLeft)}`,
    );
  } finally {
    await dispatcher.close();
    await manager.close();
    await store.close();
    await queue.close();
    await listenerQueue.close();
    db0.disconnect();
    db7.disconnect();
  }
});
