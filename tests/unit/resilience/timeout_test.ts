// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  ManualClock,
  PolicyBase,
  type PolicyStage,
  ResilienceTimeoutError,
  RetryPolicy,
  runNext,
  TimeoutPolicy,
  wrap,
} from "../../../resilience/mod.ts";

const never = (): Promise<never> => new Promise(() => {});

Deno.test("timeout: a fast call passes and the watchdog stops by itself", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 100, clock });
  assert.equal(await policy.execute(() => "fast"), "fast");
  assert.equal(policy.pending, 0);
  assert.equal(clock.pending, 1); // armed once, not cleared per call
  await clock.advance(100);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout: expiry rejects with upstream's message and aborts the signal", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 1500, clock });
  const events: unknown[] = [];
  policy.onTimeout((event) => events.push(event));
  let signal: AbortSignal | undefined;
  const call = policy.execute((context) => {
    signal = context.signal;
    return never();
  }, { operation: "slow" });
  call.catch(() => {});
  await clock.advance(1499);
  assert.equal(signal?.aborted, false);
  await clock.advance(1);
  await assert.rejects(call, (error) => {
    assert.ok(error instanceof ResilienceTimeoutError);
    assert.equal(error.message, "Operation exceeded timeout of 1.5s");
    assert.equal(error.errorCode().toString(), "backendai_generic_timeout");
    return true;
  });
  assert.ok(signal?.reason instanceof ResilienceTimeoutError);
  assert.deepEqual(events, [{ operation: "slow", timeoutMs: 1500 }]);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout: the inner error passes through unchanged when it comes first", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 100, clock });
  const inner = new DOMException("inner timeout", "TimeoutError");
  const call = policy.execute(async () => {
    await Promise.resolve();
    throw inner;
  });
  await assert.rejects(call, (error) => error === inner);
});

Deno.test("timeout: a late result after expiry is ignored", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 10, clock });
  let resolve!: (value: string) => void;
  const call = policy.execute(() => new Promise<string>((r) => (resolve = r)));
  call.catch(() => {});
  await clock.advance(10);
  resolve("late");
  await assert.rejects(call, ResilienceTimeoutError);
});

Deno.test("timeout: one watchdog timer serves many calls, each expiring at its own deadline", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 100, clock });
  const outcomes: string[] = [];
  const track = (label: string, promise: Promise<unknown>) =>
    promise.then(
      () => outcomes.push(`${label} ok`),
      () => outcomes.push(`${label} timeout`),
    );
  const early = Array.from(
    { length: 50 },
    (_, i) => track(`a${i}`, policy.execute(never)),
  );
  assert.equal(clock.pending, 1);
  await clock.advance(50);
  const late = track("b", policy.execute(never));
  let resolveFast!: () => void;
  const fast = track(
    "c",
    policy.execute(() => new Promise<void>((r) => (resolveFast = r))),
  );
  assert.equal(clock.pending, 1);
  assert.equal(policy.pending, 52);
  await clock.advance(50);
  await Promise.all(early);
  assert.equal(outcomes.length, 50);
  assert.ok(outcomes.every((o) => o.endsWith("timeout")));
  assert.equal(policy.pending, 2);
  resolveFast();
  await fast;
  await clock.advance(49);
  assert.equal(policy.pending, 1);
  await clock.advance(1);
  await late;
  assert.deepEqual(outcomes.slice(50), ["c ok", "b timeout"]);
  assert.equal(policy.pending, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("timeout: the caller's abort rejects at once with its reason", async () => {
  const clock = new ManualClock();
  const policy = new TimeoutPolicy({ timeoutMs: 10_000, clock });
  const controller = new AbortController();
  let signal: AbortSignal | undefined;
  const call = policy.execute(({ signal: s }) => {
    signal = s;
    return never();
  }, { signal: controller.signal });
  controller.abort(new Error("user cancelled"));
  await assert.rejects(call, /user cancelled/);
  assert.equal(signal?.aborted, true);
  assert.equal((signal?.reason as Error).message, "user cancelled");
  assert.equal(policy.pending, 0);
});

Deno.test("timeout inside retry limits each attempt; retry outside gives a new signal", async () => {
  const clock = new ManualClock();
  const pipeline = wrap(
    new RetryPolicy({ maxAttempts: 3, delayMs: 0, clock }),
    new TimeoutPolicy({ timeoutMs: 100, clock }),
  );
  const signals: AbortSignal[] = [];
  const call = pipeline.execute(({ signal, attempt }) => {
    signals.push(signal);
    return attempt < 3 ? never() : "third";
  });
  await clock.advance(100);
  await clock.advance(100);
  assert.equal(await call, "third");
  assert.equal(signals.length, 3);
  assert.deepEqual(signals.map((s) => s.aborted), [true, true, false]);
});

Deno.test("timeout: with the system clock, no timer is left behind: the process exits by itself", async () => {
  // An in-process check cannot fail: Deno's sanitizer does not report a
  // watchdog left armed. A child process that would live for the
  // watchdog's 600 s limit if the watchdog kept it alive must exit now.
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const child = here.replace(
    /timeout_test\.(ts|js)$/,
    `_timer_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = compiled ? [child] : ["run", "-A", child];
  const started = Date.now();
  const { code, stdout } = await new Promise<
    { code: number | null; stdout: string }
  >((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk) => (out += chunk));
    const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    proc.on("error", reject);
    proc.on("exit", (exitCode) => {
      clearTimeout(killer);
      resolve({ code: exitCode, stdout: out });
    });
  });
  const elapsed = Date.now() - started;
  assert.equal(
    code,
    0,
    `the child did not exit by itself (killed after ${elapsed} ms)`,
  );
  assert.deepEqual(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}"), {
    timedOut: 1,
    pending: 0,
  });
});

Deno.test("timeout: invalid limits are rejected", () => {
  for (const timeoutMs of [0, -5, Number.NaN]) {
    assert.throws(
      () => new TimeoutPolicy({ timeoutMs }),
      InvalidAPIParameters,
    );
  }
});

Deno.test("timeout: a limit beyond what a timer holds arms the watchdog once, clamped", async () => {
  const clock = new ManualClock();
  const delays: number[] = [];
  const recording = {
    now: () => clock.now(),
    setTimeout: (callback: () => void, ms: number) => {
      delays.push(ms);
      return clock.setTimeout(callback, ms);
    },
    clearTimeout: (handle: unknown) => clock.clearTimeout(handle),
  };
  const policy = new TimeoutPolicy({ timeoutMs: 2 ** 40, clock: recording });
  const call = policy.execute(({ signal }) =>
    new Promise((resolve) => signal.addEventListener("abort", resolve))
  );
  await clock.advance(10);
  assert.deepEqual(delays, [2 ** 31 - 1], "one timer, at the longest delay");
  assert.equal(policy.pending, 1);
  void call;
});

Deno.test("timeout: a stage that watches after the call was given up on hears it at once", async () => {
  const clock = new ManualClock();
  const heard: [unknown, boolean][] = [];
  let release!: () => void;
  const late: PolicyStage = {
    async run(chain, next, fn, scope) {
      await new Promise<void>((resolve) => (release = resolve));
      scope.abandonment?.watch({
        abandoned: (reason, timedOut) => heard.push([reason, timedOut]),
      });
      return await runNext(chain, next, fn, scope);
    },
  };
  const pipeline = wrap(
    new TimeoutPolicy({ timeoutMs: 10, clock }),
    new PolicyBase([late]),
  );
  const timedOut = pipeline.execute(() => "late");
  timedOut.catch(() => {});
  await clock.advance(10);
  release();
  await assert.rejects(timedOut, ResilienceTimeoutError);
  await clock.advance(0);
  assert.equal(heard.length, 1);
  assert.ok(heard[0]?.[0] instanceof ResilienceTimeoutError);
  assert.equal(heard[0]?.[1], true);

  const controller = new AbortController();
  const aborted = pipeline.execute(() => "late", { signal: controller.signal });
  aborted.catch(() => {});
  await clock.advance(0);
  controller.abort(new Error("caller left"));
  release();
  await assert.rejects(aborted, /caller left/);
  await clock.advance(0);
  assert.equal(heard.length, 2);
  assert.equal((heard[1]?.[0] as Error).message, "caller left");
  assert.equal(heard[1]?.[1], false);
});
