// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  type Clock,
  ManualClock,
  systemClock,
} from "../../../resilience/mod.ts";
import { clockWait } from "../../../resilience/clock.ts";

/** The outcome of a promise so far, without waiting for it. */
async function state(promise: Promise<unknown>): Promise<unknown> {
  const pending = Symbol("pending");
  const outcome = await Promise.race([
    promise.then(() => "resolved", (error: unknown) => error),
    new Promise((resolve) => setTimeout(() => resolve(pending), 0)),
  ]);
  return outcome === pending ? "pending" : outcome;
}

/** A clock that records the delay of every timer it sets. */
function recording(inner: Clock): Clock & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    now: () => inner.now(),
    setTimeout: (callback, ms) => {
      delays.push(ms);
      return inner.setTimeout(callback, ms);
    },
    clearTimeout: (handle) => inner.clearTimeout(handle),
  };
}

Deno.test("clockWait: a NaN delay is refused on every clock, not waited forever", async () => {
  const manual = new ManualClock();
  const clocks: [string, Clock][] = [
    ["system", systemClock],
    ["manual", manual],
    ["custom", { ...systemClock, now: () => Date.now() + 1 }],
  ];
  for (const [label, clock] of clocks) {
    const wait = clockWait(clock, Number.NaN, undefined);
    wait.catch(() => {});
    await manual.advance(1000);
    const outcome = await state(wait);
    assert.ok(
      outcome instanceof InvalidAPIParameters,
      `${label}: ${String(outcome)}`,
    );
  }
});

Deno.test("clockWait: an aborted signal rejects with its reason on every clock", async () => {
  for (const clock of [systemClock, new ManualClock()]) {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(clockWait(clock, 10, controller.signal), /stop/);
    const later = new AbortController();
    const wait = clockWait(clock, 60_000, later.signal);
    later.abort(new Error("later"));
    await assert.rejects(wait, /later/);
  }
});

Deno.test("clockWait: a wait longer than a timer holds is waited in steps on every clock", async () => {
  const manual = new ManualClock();
  const clock = recording(manual);
  const wait = clockWait(clock, 2 ** 32, undefined);
  await manual.advance(2 ** 32 - 1);
  assert.equal(await state(wait), "pending");
  await manual.advance(1);
  assert.equal(await state(wait), "resolved");
  assert.ok(
    clock.delays.every((ms) => ms <= 2 ** 31 - 1),
    `timer delays ${clock.delays}`,
  );
  assert.equal(manual.pending, 0);
});

Deno.test("clockWait: a long wait on a custom real-time clock does not end at once", async () => {
  // A timer longer than 2 ** 31 - 1 ms overflows and fires after about 1 ms.
  const clock: Clock = { ...systemClock, now: () => Date.now() + 1000 };
  const controller = new AbortController();
  const wait = clockWait(clock, 2 ** 40, controller.signal);
  wait.catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 30));
  const outcome = await state(wait);
  controller.abort(new Error("done"));
  assert.equal(outcome, "pending");
});
