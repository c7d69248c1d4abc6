// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The debounce behind a handler's `coalescing` option (upstream
 * `CoalescingState`): a trailing-edge wait with a size-based flush.
 *
 * @module
 */

import type { CoalescingOptions } from "./handler.ts";

/**
 * Trailing-edge debounce with a size-based flush (upstream
 * `CoalescingState`): each call re-arms the wait and turns earlier waiting
 * calls into "skip".
 */
export class Coalescer {
  readonly #options: CoalescingOptions;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiting: ((run: boolean) => void)[] = [];

  /**
   * Makes a debounce gate.
   *
   * @param options The quiet period and the batch size.
   */
  constructor(options: CoalescingOptions) {
    this.#options = options;
  }

  /**
   * Counts one call and waits for the burst to end.
   *
   * @returns `true` when this call runs the handler (the quiet period passed
   * with no later call, or the batch filled up), `false` when a later call
   * took its place.
   */
  gate(): Promise<boolean> {
    this.#size++;
    clearTimeout(this.#timer);
    this.#skipWaiting();
    if (this.#size >= this.#options.maxBatchSize) {
      this.#size = 0;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#timer = setTimeout(() => {
        this.#size = 0;
        this.#waiting = [];
        resolve(true);
      }, this.#options.maxWaitMs);
    });
  }

  #skipWaiting(): void {
    for (const resolve of this.#waiting) resolve(false);
    this.#waiting = [];
  }

  /**
   * Ends the burst now: the call that was waiting runs (as if the wait had
   * passed), so its message is not acked without a handler having run.
   */
  close(): void {
    clearTimeout(this.#timer);
    this.#size = 0;
    const last = this.#waiting.pop();
    this.#skipWaiting();
    last?.(true);
  }
}
