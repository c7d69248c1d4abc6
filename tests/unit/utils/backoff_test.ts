// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  backoffDelays,
  type BackoffOptions,
  computeBackoff,
  ExponentialBackoff,
} from "../../../utils.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

Deno.test("computeBackoff() grows exponentially up to the cap", () => {
  const delays = [0, 1, 2, 3, 4, 5, 20, 10_000].map((attempt) =>
    computeBackoff(attempt, { initialMs: 100, maxMs: 2000, jitter: "none" })
  );
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  assert.equal(
    computeBackoff(2, { initialMs: 10, multiplier: 3, jitter: "none" }),
    90,
  );
  assert.equal(
    computeBackoff(5, { initialMs: 7, multiplier: 1, jitter: "none" }),
    7,
  );
  assert.equal(computeBackoff(-3, { initialMs: 100, jitter: "none" }), 100);
  assert.equal(
    computeBackoff(5000, { initialMs: 0, maxMs: Infinity, jitter: "none" }),
    0,
  );
});

Deno.test("computeBackoff() has documented defaults: 100 ms, x2, 30 s cap, full jitter", () => {
  assert.equal(computeBackoff(0, { jitter: "none" }), 100);
  assert.equal(computeBackoff(1, { jitter: "none" }), 200);
  assert.equal(computeBackoff(100, { jitter: "none" }), 30_000);
  assert.equal(computeBackoff(3, { random: () => 0.5 }), 400);
});

Deno.test("computeBackoff() applies full and equal jitter from the random source", () => {
  const opts = { initialMs: 100, maxMs: 10_000 } as const;
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "full", random: () => 0 }),
    0,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "full", random: () => 0.25 }),
    200,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "equal", random: () => 0 }),
    400,
  );
  assert.equal(
    computeBackoff(3, { ...opts, jitter: "equal", random: () => 0.5 }),
    600,
  );
  let calls = 0;
  computeBackoff(3, {
    ...opts,
    jitter: "none",
    random: () => {
      calls++;
      return 0;
    },
  });
  assert.equal(calls, 0, "no jitter draws no random number");
  for (let i = 0; i < 200; i++) {
    const full = computeBackoff(3, opts);
    assert.ok(full >= 0 && full < 800, String(full));
    const equal = computeBackoff(3, { ...opts, jitter: "equal" });
    assert.ok(equal >= 400 && equal < 800, String(equal));
  }
});

Deno.test("computeBackoff() rejects out-of-range options", () => {
  const bad: Array<[BackoffOptions, string]> = [
    [{ initialMs: -1 }, "initialMs"],
    [{ initialMs: NaN }, "initialMs"],
    [{ initialMs: Infinity }, "initialMs"],
    [{ maxMs: -1 }, "maxMs"],
    [{ maxMs: NaN }, "maxMs"],
    [{ multiplier: 0.5 }, "multiplier"],
    [{ multiplier: Infinity }, "multiplier"],
    [{ jitter: "decorrelated" as "full" }, "jitter"],
  ];
  for (const [options, field] of bad) {
    assert.throws(() => computeBackoff(0, options), (err: unknown) => {
      assert.ok(err instanceof InvalidAPIParameters, field);
      assert.equal(err.data?.field, field);
      return true;
    });
    assert.throws(() => new ExponentialBackoff(options), InvalidAPIParameters);
    assert.throws(() => backoffDelays(options), InvalidAPIParameters);
  }
});

Deno.test("backoffDelays() yields count delays, or forever", () => {
  assert.deepEqual(
    [...backoffDelays({ initialMs: 10, maxMs: 50, jitter: "none", count: 5 })],
    [10, 20, 40, 50, 50],
  );
  assert.deepEqual([...backoffDelays({ count: 0 })], []);
  let taken = 0;
  for (const delay of backoffDelays({ initialMs: 1, jitter: "none" })) {
    assert.ok(delay >= 1);
    if (++taken === 1000) break;
  }
  assert.equal(taken, 1000);
  assert.throws(() => backoffDelays({ count: -1 }), InvalidAPIParameters);
  assert.throws(() => backoffDelays({ count: NaN }), InvalidAPIParameters);
});

Deno.test("backoffDelays() draws jitter from the injected random source", () => {
  const draws = [0.5, 0.25, 1 - Number.EPSILON];
  let i = 0;
  const delays = [
    ...backoffDelays({
      initialMs: 100,
      jitter: "full",
      count: 3,
      random: () => draws[i++] ?? 0,
    }),
  ];
  assert.deepEqual(delays.slice(0, 2), [50, 50]);
  assert.ok((delays[2] ?? 0) < 400 && (delays[2] ?? 0) > 399);
});

Deno.test("backoffDelays() and ExponentialBackoff copy their options", () => {
  const options: BackoffOptions = { initialMs: 10, jitter: "none" };
  const delays = backoffDelays({ ...options, count: 2 });
  const backoff = new ExponentialBackoff(options);
  options.initialMs = 1000;
  assert.equal(backoff.next(), 10);
  const mutable: { initialMs: number; jitter: "none"; count: number } = {
    initialMs: 10,
    jitter: "none",
    count: 2,
  };
  const fromMutable = backoffDelays(mutable);
  mutable.initialMs = 1000;
  assert.deepEqual([...fromMutable], [10, 20]);
  assert.deepEqual([...delays], [10, 20]);
});

Deno.test("ExponentialBackoff counts attempts and starts over on reset()", () => {
  const backoff = new ExponentialBackoff({
    initialMs: 500,
    maxMs: 3000,
    jitter: "none",
  });
  assert.equal(backoff.attempt, 0);
  assert.deepEqual(
    Array.from({ length: 5 }, () => backoff.next()),
    [500, 1000, 2000, 3000, 3000],
  );
  assert.equal(backoff.attempt, 5);
  backoff.reset();
  assert.equal(backoff.attempt, 0);
  assert.equal(backoff.next(), 500);
});

Deno.test("ExponentialBackoff.wait() sleeps the next delay and honours abort", async () => {
  const backoff = new ExponentialBackoff({ initialMs: 1, jitter: "none" });
  await backoff.wait();
  assert.equal(backoff.attempt, 1);
  const slow = new ExponentialBackoff({ initialMs: 60_000, jitter: "none" });
  const controller = new AbortController();
  const waiting = slow.wait({ signal: controller.signal });
  controller.abort(new Error("closing"));
  await assert.rejects(waiting, /closing/);
  assert.equal(slow.attempt, 1);
});
