// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The time source of the policies: {@linkcode systemClock} by default, a
 * {@linkcode ManualClock} in tests so backoff, timeouts and breaker recovery
 * run without waiting.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";

/**
 * What the policies read time from and schedule timers on.
 *
 * @example A clock that reports time in a fixed offset
 * ```ts
 * import { type Clock, systemClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const shifted: Clock = { ...systemClock, now: () => systemClock.now() + 1000 };
 * assert.ok(shifted.now() > Date.now());
 * ```
 */
export interface Clock {
  /**
   * The current time in milliseconds. Only differences are used, except by
   * a breaker's exported state, which stores `now()` values.
   *
   * @returns The time.
   */
  now(): number;
  /**
   * Runs `callback` once after `ms` milliseconds.
   *
   * @param callback What to run.
   * @param ms The delay.
   * @returns A handle for {@linkcode Clock.clearTimeout}.
   */
  setTimeout(callback: () => void, ms: number): unknown;
  /**
   * Cancels a timer; unknown or fired handles are ignored.
   *
   * @param handle What {@linkcode Clock.setTimeout} returned.
   */
  clearTimeout(handle: unknown): void;
  /**
   * Lets the process exit while this timer is pending (an idle watchdog).
   *
   * @param handle What {@linkcode Clock.setTimeout} returned.
   */
  unref?(handle: unknown): void;
  /**
   * Undoes {@linkcode Clock.unref}: the timer keeps the process alive again.
   *
   * @param handle What {@linkcode Clock.setTimeout} returned.
   */
  ref?(handle: unknown): void;
}

type DenoTimers = {
  unrefTimer?(id: number): void;
  refTimer?(id: number): void;
};

function denoTimers(): DenoTimers | undefined {
  return (globalThis as { Deno?: DenoTimers }).Deno;
}

/**
 * The real clock: `Date.now()` and the global timers; `unref` and `ref`
 * work on Deno, Node and Bun.
 *
 * @example Usage
 * ```ts
 * import { systemClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const fired = await new Promise<boolean>((resolve) => systemClock.setTimeout(() => resolve(true), 1));
 * assert.ok(fired);
 * ```
 */
export const systemClock: Clock = {
  now: (): number => Date.now(),
  setTimeout: (callback: () => void, ms: number): unknown =>
    setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void =>
    clearTimeout(handle as ReturnType<typeof setTimeout>),
  unref: (handle: unknown): void => {
    if (typeof handle === "number") denoTimers()?.unrefTimer?.(handle);
    else (handle as { unref?(): void } | null)?.unref?.();
  },
  ref: (handle: unknown): void => {
    if (typeof handle === "number") denoTimers()?.refTimer?.(handle);
    else (handle as { ref?(): void } | null)?.ref?.();
  },
};

interface ManualTimer {
  readonly id: number;
  readonly due: number;
  readonly callback: () => void;
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A clock that moves only when told: {@linkcode ManualClock.advance} runs the
 * due timers in time order and lets promise chains settle after each, so a
 * retry's backoff or a breaker's recovery time pass at once in tests.
 *
 * @example Test a timeout without waiting
 * ```ts
 * import { ManualClock, ResilienceTimeoutError, TimeoutPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const policy = new TimeoutPolicy({ timeoutMs: 5_000, clock });
 * const call = policy.execute(() => new Promise(() => {}));
 * const timedOut = assert.rejects(call, ResilienceTimeoutError);
 * await clock.advance(5_000);
 * await timedOut;
 * assert.equal(clock.pending, 0);
 * ```
 */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: ManualTimer[] = [];

  /**
   * Makes a clock.
   *
   * @param start The initial time in milliseconds.
   */
  constructor(start: number = 0) {
    this.#now = start;
  }

  /**
   * The current time.
   *
   * @returns The time in milliseconds.
   */
  now(): number {
    return this.#now;
  }

  /**
   * Schedules `callback` at `now() + ms`.
   *
   * @param callback What to run.
   * @param ms The delay (negative counts as 0).
   * @returns The timer id.
   */
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = {
      id: this.#nextId++,
      due: this.#now + Math.max(0, ms),
      callback,
    };
    this.#timers.push(timer);
    return timer.id;
  }

  /**
   * Cancels a timer.
   *
   * @param handle The timer id.
   */
  clearTimeout(handle: unknown): void {
    const index = this.#timers.findIndex((timer) => timer.id === handle);
    if (index >= 0) this.#timers.splice(index, 1);
  }

  /**
   * How many timers are scheduled.
   *
   * @returns The count.
   */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, running each timer that falls due (in due
   * order, at its due time) and letting promises settle after each.
   *
   * @param ms How far to move.
   * @returns A promise that resolves once time has moved and callbacks ran.
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + Math.max(0, ms);
    await nextMacrotask();
    for (;;) {
      let first: ManualTimer | undefined;
      for (const timer of this.#timers) {
        if (
          timer.due <= end && (first === undefined || timer.due < first.due)
        ) {
          first = timer;
        }
      }
      if (first === undefined) break;
      this.#timers.splice(this.#timers.indexOf(first), 1);
      this.#now = Math.max(this.#now, first.due);
      first.callback();
      await nextMacrotask();
    }
    this.#now = end;
    await nextMacrotask();
  }
}

/** The longest delay a timer holds without overflowing (about 24.8 days). */
export const MAX_TIMER_DELAY_MS: number = 2 ** 31 - 1;

/**
 * Waits `ms` on `clock`, on every clock the same way: a `NaN` delay is
 * refused, an aborted signal rejects with its reason, a negative delay waits
 * no time, and a delay longer than a timer holds (`Infinity` included) is
 * waited in steps (a longer timer overflows and fires after about 1 ms).
 * The timer and the abort listener are always cleaned up.
 */
export function clockWait(
  clock: Clock,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (Number.isNaN(ms)) {
    return Promise.reject(
      new InvalidAPIParameters("Cannot wait for NaN milliseconds", {
        data: { field: "ms", value: ms },
      }),
    );
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let remaining = Math.max(0, ms);
    let handle: unknown;
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const schedule = (): void => {
      const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
      remaining -= step;
      handle = clock.setTimeout(() => {
        if (remaining > 0) return schedule();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    schedule();
  });
}
