// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  BulkheadPolicy,
  BulkheadRejectedError,
  ManualClock,
  ResilienceTimeoutError,
  TimeoutPolicy,
  wrap,
} from "../../../resilience/mod.ts";

function gate() {
  const releases: (() => void)[] = [];
  return {
    wait: () => new Promise<void>((resolve) => releases.push(resolve)),
    release: () => releases.shift()?.(),
    get waiting() {
      return releases.length;
    },
  };
}

Deno.test("bulkhead: runs maxConcurrent, queues maxQueue in order, rejects the rest", async () => {
  const bulkhead = new BulkheadPolicy({ maxConcurrent: 2, maxQueue: 2 });
  const g = gate();
  const order: string[] = [];
  const rejected: unknown[] = [];
  bulkhead.onReject((event) => rejected.push(event.operation));
  const calls = ["a", "b", "c", "d"].map((name) =>
    bulkhead.execute(async () => {
      order.push(name);
      await g.wait();
      return name;
    })
  );
  await assert.rejects(
    bulkhead.execute(() => "e", { operation: "e" }),
    BulkheadRejectedError,
  );
  assert.deepEqual(rejected, ["e"]);
  await Promise.resolve();
  assert.deepEqual([bulkhead.active, bulkhead.queued], [2, 2]);
  assert.deepEqual(order, ["a", "b"]);
  g.release();
  await calls[0];
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(order, ["a", "b", "c"]);
  assert.deepEqual([bulkhead.active, bulkhead.queued], [2, 1]);
  while (g.waiting > 0 || bulkhead.active > 0) {
    g.release();
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.deepEqual(await Promise.all(calls), ["a", "b", "c", "d"]);
  assert.deepEqual([bulkhead.active, bulkhead.queued], [0, 0]);
});

Deno.test("bulkhead: a failing call frees its slot", async () => {
  const bulkhead = new BulkheadPolicy({ maxConcurrent: 1 });
  await assert.rejects(bulkhead.execute(() => Promise.reject(new Error("x"))));
  assert.equal(bulkhead.active, 0);
  assert.equal(await bulkhead.execute(() => 1), 1);
});

Deno.test("bulkhead: an aborted waiter leaves the queue with the reason", async () => {
  const bulkhead = new BulkheadPolicy({ maxConcurrent: 1, maxQueue: 5 });
  const g = gate();
  const running = bulkhead.execute(() => g.wait());
  const controller = new AbortController();
  const waiting = bulkhead.execute(() => "never", {
    signal: controller.signal,
  });
  assert.equal(bulkhead.queued, 1);
  controller.abort(new Error("gave up"));
  await assert.rejects(waiting, /gave up/);
  assert.equal(bulkhead.queued, 0);
  g.release();
  await running;
  assert.equal(bulkhead.active, 0);
});

Deno.test("bulkhead: a timeout outside counts the time spent queueing", async () => {
  const clock = new ManualClock();
  const bulkhead = new BulkheadPolicy({ maxConcurrent: 1, maxQueue: 1 });
  const pipeline = wrap(new TimeoutPolicy({ timeoutMs: 100, clock }), bulkhead);
  const g = gate();
  const first = bulkhead.execute(() => g.wait());
  let ran = false;
  const queued = pipeline.execute(() => {
    ran = true;
  });
  queued.catch(() => {});
  await clock.advance(100);
  await assert.rejects(queued, ResilienceTimeoutError);
  assert.equal(bulkhead.queued, 0);
  g.release();
  await first;
  assert.equal(ran, false);
  assert.equal(bulkhead.active, 0);
});

Deno.test("bulkhead: invalid limits are rejected", () => {
  assert.throws(
    () => new BulkheadPolicy({ maxConcurrent: 0 }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new BulkheadPolicy({ maxQueue: -1 }),
    InvalidAPIParameters,
  );
  assert.doesNotThrow(() => new BulkheadPolicy({ maxQueue: Infinity }));
});
