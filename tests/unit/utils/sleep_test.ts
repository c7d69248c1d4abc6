// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Deno's op sanitizer fails a test that leaves a timer pending, so each abort
// test below also proves that sleep() cleared its timer.
import assert from "node:assert/strict";
import { sleep } from "../../../utils.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

Deno.test("sleep() resolves after the delay", async () => {
  const start = performance.now();
  const result = await sleep(20);
  assert.equal(result, undefined);
  assert.ok(performance.now() - start >= 15);
});

Deno.test("sleep() resolves at once for zero and negative delays", async () => {
  await sleep(0);
  await sleep(-100);
  await sleep(-Infinity);
});

Deno.test("sleep() rejects at once with an already-aborted signal's reason", async () => {
  const reason = new Error("already");
  const start = performance.now();
  await assert.rejects(
    sleep(10_000, { signal: AbortSignal.abort(reason) }),
    (err) => err === reason,
  );
  assert.ok(performance.now() - start < 1000);
});

Deno.test("sleep() rejects with an AbortError when aborted without a reason", async () => {
  const controller = new AbortController();
  const waiting = sleep(60_000, { signal: controller.signal });
  controller.abort();
  await assert.rejects(waiting, (err: unknown) => {
    assert.ok(err instanceof DOMException);
    assert.equal(err.name, "AbortError");
    return true;
  });
});

Deno.test("sleep() rejects mid-wait on abort and leaves no timer", async () => {
  const controller = new AbortController();
  const reason = new Error("stop");
  const start = performance.now();
  const waiting = sleep(60_000, { signal: controller.signal });
  const aborter = setTimeout(() => controller.abort(reason), 5);
  try {
    await assert.rejects(waiting, (err) => err === reason);
  } finally {
    clearTimeout(aborter);
  }
  assert.ok(performance.now() - start < 10_000);
});

Deno.test("sleep(Infinity) waits until the abort", async () => {
  const controller = new AbortController();
  const waiting = sleep(Infinity, { signal: controller.signal });
  let settled = false;
  waiting.then(() => settled = true, () => settled = true);
  await sleep(10);
  assert.equal(settled, false);
  controller.abort(new Error("enough"));
  await assert.rejects(waiting, /enough/);
});

Deno.test("sleep() detaches its abort listener once it resolves", async () => {
  const controller = new AbortController();
  await sleep(1, { signal: controller.signal });
  // Aborting afterwards must not reject anything (an unhandled rejection would fail the test).
  controller.abort(new Error("late"));
  await sleep(1);
});

Deno.test("sleep() rejects every waiter on one signal", async () => {
  const controller = new AbortController();
  const waits = Array.from(
    { length: 5 },
    () => sleep(60_000, { signal: controller.signal }),
  );
  controller.abort(new Error("all"));
  const results = await Promise.allSettled(waits);
  assert.deepEqual(results.map((r) => r.status), Array(5).fill("rejected"));
});

Deno.test("sleep() rejects NaN delays", async () => {
  await assert.rejects(sleep(NaN), (err: unknown) => {
    assert.ok(err instanceof InvalidAPIParameters);
    return true;
  });
});
