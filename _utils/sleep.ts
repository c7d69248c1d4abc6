// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * An abortable {@linkcode sleep} that also takes delays longer than a timer holds.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";

/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Aborts the wait: the promise rejects with the signal's reason at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** The longest delay `setTimeout` takes without overflowing (about 24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Waits for `ms` milliseconds, or until `signal` aborts. The timer and the
 * abort listener are always cleaned up, so an aborted sleep leaves nothing
 * pending. Negative delays wait no time; delays longer than a timer can hold
 * (about 24.8 days, `Infinity` included) are waited in steps, so
 * `sleep(Infinity, { signal })` waits until the abort.
 *
 * @example Abort a long wait
 * ```ts
 * import { sleep } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * await sleep(1);
 * const controller = new AbortController();
 * const waiting = sleep(60_000, { signal: controller.signal });
 * controller.abort(new Error("shutting down"));
 * await assert.rejects(waiting, /shutting down/);
 * ```
 *
 * @param ms How long to wait, in milliseconds.
 * @param options The abort signal.
 * @returns A promise that resolves after the wait, or rejects with the
 * signal's reason on abort.
 * @throws {InvalidAPIParameters} (as a rejection) When `ms` is `NaN`.
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  if (Number.isNaN(ms)) {
    return Promise.reject(
      new InvalidAPIParameters("Cannot sleep for NaN milliseconds", {
        data: { value: ms },
      }),
    );
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let remaining = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const schedule = (): void => {
      const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) return schedule();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    schedule();
  });
}
