// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  InvalidAPIParameters,
  PermissionDeniedError,
} from "../../../exception.ts";
import {
  CircuitBreakerPolicy,
  type CircuitBreakerSnapshot,
  CircuitOpenError,
  type CircuitStateChange,
  ManualClock,
  ResilienceTimeoutError,
  RetryPolicy,
  TimeoutPolicy,
  wrap,
} from "../../../resilience/mod.ts";

const fail = (): Promise<never> => Promise.reject(new Error("down"));
const swallow = (p: Promise<unknown>) => p.then(() => "ok", () => "failed");

function transitions(changes: CircuitStateChange[]): string[] {
  return changes.map((c) => `${c.from}->${c.to}@${c.at}`);
}

Deno.test("breaker: consecutive failures open it; a success resets the count", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({ failureThreshold: 3, clock });
  await swallow(breaker.execute(fail));
  await swallow(breaker.execute(fail));
  await breaker.execute(() => "ok");
  await swallow(breaker.execute(fail));
  await swallow(breaker.execute(fail));
  assert.equal(breaker.state, "closed");
  await swallow(breaker.execute(fail));
  assert.equal(breaker.state, "open");
});

Deno.test("breaker: open fails fast without calling fn, then half-open admits a trial", async () => {
  const clock = new ManualClock(1000);
  const breaker = new CircuitBreakerPolicy({
    name: "storage",
    failureThreshold: 1,
    recoveryMs: 5000,
    clock,
  });
  const changes: CircuitStateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  const opening = new Error("refused");
  await swallow(breaker.execute(() => Promise.reject(opening)));
  assert.equal(changes[0]?.error, opening);
  let calls = 0;
  await clock.advance(2000);
  await assert.rejects(
    breaker.execute(() => calls++),
    (error) => {
      assert.ok(error instanceof CircuitOpenError);
      assert.equal(error.retryAfterMs, 3000);
      assert.match(error.message, /Circuit "storage" is open/);
      return true;
    },
  );
  assert.equal(calls, 0);
  await clock.advance(3000);
  assert.equal(await breaker.execute(() => ++calls), 1);
  assert.equal(breaker.state, "closed");
  assert.deepEqual(transitions(changes), [
    "closed->open@1000",
    "open->half-open@6000",
    "half-open->closed@6000",
  ]);
});

Deno.test("breaker: a failed trial reopens with a fresh recovery timer", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 1000,
    clock,
  });
  await swallow(breaker.execute(fail));
  await clock.advance(1000);
  await swallow(breaker.execute(fail)); // the trial
  assert.equal(breaker.state, "open");
  assert.equal(breaker.snapshot().openedAt, 1000);
  await clock.advance(999);
  await assert.rejects(breaker.execute(() => 1), CircuitOpenError);
  await clock.advance(1);
  assert.equal(await breaker.execute(() => 2), 2);
});

Deno.test("breaker: half-open admits halfOpenMaxCalls trials and needs them all", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 10,
    halfOpenMaxCalls: 2,
    clock,
  });
  await swallow(breaker.execute(fail));
  await clock.advance(10);
  const releases: (() => void)[] = [];
  const trial = () => new Promise<void>((resolve) => releases.push(resolve));
  const first = breaker.execute(trial);
  const second = breaker.execute(trial);
  await assert.rejects(
    breaker.execute(() => 3),
    (error) => error instanceof CircuitOpenError && error.retryAfterMs === 0,
  );
  assert.equal(releases.length, 2);
  releases[0]?.();
  await first;
  assert.equal(breaker.state, "half-open");
  releases[1]?.();
  await second;
  assert.equal(breaker.state, "closed");
});

Deno.test("breaker: failure rate over a sliding window with a minimum throughput", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureRate: {
      threshold: 0.5,
      windowMs: 1000,
      buckets: 10,
      minimumThroughput: 6,
    },
    clock,
  });
  // 4 failures of 5 calls: below the minimum throughput.
  for (const ok of [false, false, false, true, false]) {
    await swallow(breaker.execute(ok ? () => 1 : fail));
  }
  assert.equal(breaker.state, "closed");
  // The window slides: those calls are forgotten.
  await clock.advance(1000);
  for (const ok of [true, true, true, true, false]) {
    await swallow(breaker.execute(ok ? () => 1 : fail));
  }
  await swallow(breaker.execute(fail)); // 2 of 6: 33%
  assert.equal(breaker.state, "closed");
  await clock.advance(500);
  await swallow(breaker.execute(fail)); // 3 of 7
  assert.equal(breaker.state, "closed");
  await swallow(breaker.execute(fail)); // 4 of 8: 50%
  assert.equal(breaker.state, "open");
});

Deno.test("breaker: client errors and the caller's abort are not failures", async () => {
  const breaker = new CircuitBreakerPolicy({ failureThreshold: 1 });
  await swallow(
    breaker.execute(() => Promise.reject(new PermissionDeniedError("no"))),
  );
  assert.equal(breaker.state, "closed");
  const controller = new AbortController();
  await swallow(breaker.execute(() => {
    controller.abort();
    throw new Error("aborted");
  }, { signal: controller.signal }));
  assert.equal(breaker.state, "closed");
  const custom = new CircuitBreakerPolicy({
    failureThreshold: 1,
    isFailure: (error) => (error as Error).message === "counts",
  });
  await swallow(custom.execute(fail));
  assert.equal(custom.state, "closed");
  await swallow(custom.execute(() => Promise.reject(new Error("counts"))));
  assert.equal(custom.state, "open");
});

Deno.test("breaker: timeouts count, and a retry outside stops at an open circuit", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({ failureThreshold: 2, clock });
  const pipeline = wrap(
    new RetryPolicy({ maxAttempts: 5, delayMs: 0, clock }),
    breaker,
    new TimeoutPolicy({ timeoutMs: 50, clock }),
  );
  let calls = 0;
  const call = pipeline.execute(() => {
    calls++;
    return new Promise(() => {});
  });
  call.catch(() => {});
  await clock.advance(50);
  await clock.advance(50);
  await assert.rejects(call, CircuitOpenError);
  assert.equal(calls, 2);
});

Deno.test("breaker: state exports to JSON and restores", async () => {
  const clock = new ManualClock(50_000);
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 2,
    recoveryMs: 30_000,
    clock,
  });
  await swallow(breaker.execute(fail));
  await swallow(breaker.execute(fail));
  const snapshot = JSON.parse(
    JSON.stringify(breaker.snapshot()),
  ) as CircuitBreakerSnapshot;
  assert.deepEqual(snapshot, {
    state: "open",
    openedAt: 50_000,
    consecutiveFailures: 2,
    window: [],
  });
  const revived = new CircuitBreakerPolicy({
    recoveryMs: 30_000,
    initialState: snapshot,
    clock,
  });
  await assert.rejects(revived.execute(() => 1), CircuitOpenError);

  const other = new CircuitBreakerPolicy({ clock });
  const changes: string[] = [];
  other.onStateChange((c) => changes.push(`${c.from}->${c.to}`));
  other.restore(snapshot);
  assert.equal(other.snapshot().state, "open");
  other.reset();
  assert.equal(other.state, "closed");
  assert.deepEqual(changes, ["closed->open", "open->closed"]);

  const rated = new CircuitBreakerPolicy({
    failureRate: { threshold: 0.9, minimumThroughput: 100 },
    clock,
  });
  await swallow(rated.execute(fail));
  await rated.execute(() => 1);
  const exported = rated.snapshot();
  assert.deepEqual(exported.window, [[50, 2, 1]]);
  const copy = new CircuitBreakerPolicy({
    failureRate: { threshold: 0.9, minimumThroughput: 100 },
    initialState: exported,
    clock,
  });
  assert.deepEqual(copy.snapshot(), exported);
  assert.throws(
    () => copy.restore({ ...exported, state: "ajar" as "open" }),
    InvalidAPIParameters,
  );
});

Deno.test("breaker: invalid options name the field", () => {
  for (
    const [options, field] of [
      [{ failureThreshold: 0 }, "failureThreshold"],
      [{ recoveryMs: -1 }, "recoveryMs"],
      [{ halfOpenMaxCalls: 0 }, "halfOpenMaxCalls"],
      [{ failureRate: { threshold: 0 } }, "failureRate.threshold"],
      [
        { failureRate: { threshold: 0.5, windowMs: 0 } },
        "failureRate.windowMs",
      ],
    ] as const
  ) {
    assert.throws(
      () => new CircuitBreakerPolicy(options),
      (error) =>
        error instanceof InvalidAPIParameters &&
        error.message.includes(`"${field}"`),
    );
  }
});

Deno.test("breaker: a trial that ends after the breaker reopened does not let an extra trial in later", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 10,
    halfOpenMaxCalls: 2,
    clock,
  });
  await swallow(breaker.execute(fail));
  await clock.advance(10);
  const settle: ((ok: boolean) => void)[] = [];
  const trial = () =>
    new Promise<void>((resolve, reject) =>
      settle.push((ok) => ok ? resolve() : reject(new Error("down")))
    );
  const first = swallow(breaker.execute(trial));
  const second = swallow(breaker.execute(trial));
  settle[0]?.(false); // reopens while the second trial still runs
  await first;
  assert.equal(breaker.state, "open");
  settle[1]?.(true);
  await second;
  await clock.advance(10);
  const admitted = [
    breaker.execute(trial),
    breaker.execute(trial),
    breaker.execute(trial),
  ].map(swallow);
  assert.equal(settle.length, 4, "two trials admitted, not three");
  settle[2]?.(true);
  settle[3]?.(true);
  assert.deepEqual(await Promise.all(admitted), ["ok", "ok", "failed"]);
});

Deno.test("breaker: an aborted trial is not a success: the breaker stays half-open", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 10,
    clock,
  });
  await swallow(breaker.execute(fail));
  await clock.advance(10);
  const controller = new AbortController();
  const aborted = breaker.execute(
    ({ signal }) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      ),
    { signal: controller.signal },
  );
  controller.abort(new Error("caller left"));
  await assert.rejects(aborted, /caller left/);
  assert.equal(breaker.state, "half-open");
  await breaker.execute(() => "ok");
  assert.equal(breaker.state, "closed");
});

// A timeout outside the breaker: wrap(timeout, breaker). The breaker must
// count the call that timed out, whether or not the function gives up when
// its signal is aborted.
const honoursSignal = ({ signal }: { signal: AbortSignal }) =>
  new Promise<never>((_, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason))
  );
const ignoresSignal = (): Promise<never> => new Promise(() => {});

for (
  const [label, fn] of [
    ["that gives up on abort", honoursSignal],
    ["that ignores its signal", ignoresSignal],
  ] as const
) {
  Deno.test(`breaker: a timeout outside it counts as a failure, for a function ${label}`, async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreakerPolicy({ failureThreshold: 2, clock });
    const pipeline = wrap(new TimeoutPolicy({ timeoutMs: 50, clock }), breaker);
    for (let i = 0; i < 2; i++) {
      const call = pipeline.execute(fn);
      const timedOut = assert.rejects(call, ResilienceTimeoutError);
      await clock.advance(50);
      await timedOut;
    }
    assert.equal(breaker.state, "open");
    let called = false;
    await assert.rejects(
      pipeline.execute(() => (called = true)),
      CircuitOpenError,
    );
    assert.equal(called, false);
  });
}

Deno.test("breaker: a trial that timed out outside it reopens the breaker; its late success is ignored", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 10,
    clock,
  });
  const pipeline = wrap(new TimeoutPolicy({ timeoutMs: 50, clock }), breaker);
  await swallow(pipeline.execute(fail));
  await clock.advance(10);
  let succeedLate!: (value: string) => void;
  const trial = pipeline.execute(() =>
    new Promise<string>((resolve) => (succeedLate = resolve))
  );
  const timedOut = assert.rejects(trial, ResilienceTimeoutError);
  await clock.advance(50);
  await timedOut;
  assert.equal(breaker.state, "open");
  succeedLate("too late");
  await clock.advance(0);
  assert.equal(breaker.snapshot().state, "open");
});

Deno.test("breaker: the caller's abort with a timeout outside frees the trial without counting it", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 1,
    recoveryMs: 10,
    clock,
  });
  const pipeline = wrap(new TimeoutPolicy({ timeoutMs: 50, clock }), breaker);
  await swallow(pipeline.execute(fail));
  await clock.advance(10);
  const controller = new AbortController();
  const aborted = pipeline.execute(ignoresSignal, {
    signal: controller.signal,
  });
  controller.abort(new Error("caller left"));
  await assert.rejects(aborted, /caller left/);
  assert.equal(breaker.state, "half-open");
  assert.equal(await pipeline.execute(() => "ok"), "ok");
  assert.equal(breaker.state, "closed");
});

Deno.test("breaker: a timeout around a retry counts the attempt it cut short", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({ failureThreshold: 1, clock });
  const pipeline = wrap(
    new TimeoutPolicy({ timeoutMs: 50, clock }),
    new RetryPolicy({ maxAttempts: 3, delayMs: 0, clock }),
    breaker,
  );
  const call = pipeline.execute(ignoresSignal);
  const timedOut = assert.rejects(call, ResilienceTimeoutError);
  await clock.advance(50);
  await timedOut;
  assert.equal(breaker.state, "open");
});

Deno.test("breaker: inside two timeouts, the one that expires first is counted once", async () => {
  const clock = new ManualClock();
  const breaker = new CircuitBreakerPolicy({ failureThreshold: 2, clock });
  const changes: CircuitStateChange[] = [];
  breaker.onStateChange((change) => changes.push(change));
  const pipeline = wrap(
    new TimeoutPolicy({ timeoutMs: 50, clock }),
    new TimeoutPolicy({ timeoutMs: 1000, clock }),
    breaker,
  );
  const call = pipeline.execute(honoursSignal);
  const timedOut = assert.rejects(
    call,
    (error) =>
      error instanceof ResilienceTimeoutError && error.timeoutMs === 50,
  );
  await clock.advance(50);
  await timedOut;
  assert.equal(breaker.snapshot().consecutiveFailures, 1);
  assert.equal(breaker.state, "closed");
  await clock.advance(1000);
  assert.equal(breaker.snapshot().consecutiveFailures, 1);
  assert.deepEqual(changes, []);
});
