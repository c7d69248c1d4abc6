// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode BulkheadPolicy}: a concurrency limit with a bounded queue.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { BulkheadRejectedError } from "./errors.ts";
import {
  Emitter,
  type Listener,
  PolicyBase,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/** Options for {@linkcode BulkheadPolicy}. */
export interface BulkheadOptions {
  /**
   * How many calls run at once.
   *
   * @default {10}
   */
  maxConcurrent?: number | undefined;
  /**
   * How many calls may wait for a slot; the rest are rejected.
   *
   * @default {0}
   */
  maxQueue?: number | undefined;
}

/** Passed to {@linkcode BulkheadPolicy.onReject} listeners. */
export interface BulkheadRejectEvent {
  /** The operation name, if the call had one. */
  readonly operation: string | undefined;
}

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * Limits how many calls run at once so one slow dependency cannot take
 * every connection or worker. Up to `maxConcurrent` calls run; up to
 * `maxQueue` more wait in order for a slot; the rest fail at once with
 * {@linkcode BulkheadRejectedError}. A waiting call leaves the queue when
 * its caller aborts (or an enclosing timeout expires).
 *
 * @example Saturation
 * ```ts
 * import { BulkheadPolicy, BulkheadRejectedError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const bulkhead = new BulkheadPolicy({ maxConcurrent: 1, maxQueue: 1 });
 * const gate = { open: () => {} };
 * const first = bulkhead.execute(() => new Promise<void>((resolve) => (gate.open = resolve)));
 * const second = bulkhead.execute(() => "queued");
 * await assert.rejects(bulkhead.execute(() => "third"), BulkheadRejectedError);
 * assert.deepEqual([bulkhead.active, bulkhead.queued], [1, 1]);
 * gate.open();
 * await first;
 * assert.equal(await second, "queued");
 * ```
 */
export class BulkheadPolicy extends PolicyBase {
  readonly #stage: BulkheadStage;

  /**
   * Makes a bulkhead.
   *
   * @param options The concurrency and queue limits.
   * @throws {InvalidAPIParameters} When a limit is out of range.
   */
  constructor(options: BulkheadOptions = {}) {
    const stage = new BulkheadStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * How many calls are running.
   *
   * @returns The count.
   */
  get active(): number {
    return this.#stage.active;
  }

  /**
   * How many calls wait for a slot.
   *
   * @returns The count.
   */
  get queued(): number {
    return this.#stage.queue.length;
  }

  /**
   * Listens for rejected calls.
   *
   * @param listener Receives the operation name.
   * @returns The registration; dispose of it to stop listening.
   */
  onReject(listener: (event: BulkheadRejectEvent) => void): Listener {
    return this.#stage.rejected.on(listener);
  }
}

class BulkheadStage implements PolicyStage {
  readonly rejected: Emitter<BulkheadRejectEvent> = new Emitter();
  readonly queue: Waiter[] = [];
  active = 0;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;

  constructor(options: BulkheadOptions) {
    const { maxConcurrent = 10, maxQueue = 0 } = options;
    for (
      const [field, value, min] of [
        ["maxConcurrent", maxConcurrent, 1],
        ["maxQueue", maxQueue, 0],
      ] as const
    ) {
      if (!(Number.isInteger(value) && value >= min) && value !== Infinity) {
        invalidOption("bulkhead", field, value, `must be an integer >= ${min}`);
      }
    }
    this.#maxConcurrent = maxConcurrent;
    this.#maxQueue = maxQueue;
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    if (this.active >= this.#maxConcurrent) {
      if (this.queue.length >= this.#maxQueue) {
        if (this.rejected.active) {
          this.rejected.emit({ operation: scope.operation });
        }
        throw new BulkheadRejectedError(this.#maxConcurrent, this.#maxQueue);
      }
      await this.#wait(scope.waitSignal);
    } else {
      this.active++;
    }
    try {
      return await runNext(chain, next, fn, scope);
    } finally {
      this.#release();
    }
  }

  /** Waits for a slot; the releasing call hands its slot over. */
  #wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  #release(): void {
    const waiter = this.queue.shift();
    if (waiter === undefined) {
      this.active--;
      return;
    }
    if (waiter.onAbort !== undefined) {
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
    }
    waiter.resolve();
  }
}
