// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  ChaosFaultError,
  ChaosPolicy,
  ManualClock,
  seededRandom,
} from "../../../resilience/mod.ts";

const CALLS = 10_000;

async function outcomes(policy: ChaosPolicy): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < CALLS; i++) {
    seen.push(
      await policy.execute(() => "real").then(
        (v) => String(v),
        (e) => e instanceof ChaosFaultError ? "fault" : "other",
      ),
    );
  }
  return seen;
}

Deno.test("chaos: rates hold within tolerance over many calls with a fixed seed", async () => {
  const policy = new ChaosPolicy({
    fault: { rate: 0.2 },
    outcome: { rate: 0.1, value: "injected" },
    seed: 1234,
  });
  const seen = await outcomes(policy);
  const share = (label: string) =>
    seen.filter((s) => s === label).length / CALLS;
  // A fault is drawn first; the outcome is drawn for the 80% not faulted.
  assert.ok(Math.abs(share("fault") - 0.2) < 0.02, `faults ${share("fault")}`);
  assert.ok(
    Math.abs(share("injected") - 0.08) < 0.015,
    `outcomes ${share("injected")}`,
  );
  assert.equal(policy.counts.calls, CALLS);
  assert.equal(policy.counts.faults, seen.filter((s) => s === "fault").length);
});

Deno.test("chaos: the same seed gives the same sequence", async () => {
  const make = (seed: number) =>
    new ChaosPolicy({ fault: { rate: 0.5 }, seed });
  const a = await outcomes(make(99));
  const b = await outcomes(make(99));
  const c = await outcomes(make(100));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

Deno.test("chaos: custom errors, disabled policies and zero rates", async () => {
  const custom = new ChaosPolicy({
    fault: {
      rate: 1,
      error: (context) => new RangeError(`attempt ${context.attempt}`),
    },
  });
  await assert.rejects(custom.execute(() => 1), /attempt 1/);
  const fixed = new RangeError("fixed");
  await assert.rejects(
    new ChaosPolicy({ fault: { rate: 1, error: fixed } }).execute(() => 1),
    (error) => error === fixed,
  );
  const off = new ChaosPolicy({ fault: { rate: 1 }, enabled: false });
  assert.equal(await off.execute(() => "real"), "real");
  assert.equal(off.counts.faults, 0);
  const zero = new ChaosPolicy({ fault: { rate: 0 } });
  assert.equal(await zero.execute(() => "real"), "real");
});

Deno.test("chaos: injected latency waits on the clock and ends on abort", async () => {
  const clock = new ManualClock();
  const slow = new ChaosPolicy({
    latency: { rate: 1, ms: 100, maxMs: 200 },
    random: () => 0.5,
    clock,
  });
  let done = false;
  const call = slow.execute(() => "late").then((v) => {
    done = true;
    return v;
  });
  await clock.advance(149);
  assert.equal(done, false);
  await clock.advance(1);
  assert.equal(await call, "late");
  const controller = new AbortController();
  const aborted = slow.execute(() => "never", { signal: controller.signal });
  controller.abort(new Error("cancel"));
  await assert.rejects(aborted, /cancel/);
  assert.equal(clock.pending, 0);
  assert.equal(slow.counts.latencies, 2);
});

Deno.test("chaos: seededRandom is uniform enough and rates are validated", () => {
  const random = seededRandom(7);
  let sum = 0;
  const buckets = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = random();
    sum += x;
    buckets[Math.floor(x * 10)]++;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01);
  for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500);
  assert.throws(
    () => new ChaosPolicy({ fault: { rate: 1.5 } }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new ChaosPolicy({ latency: { rate: 0.5, ms: -1 } }),
    InvalidAPIParameters,
  );
});
