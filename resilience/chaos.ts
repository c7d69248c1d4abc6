// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode ChaosPolicy}: fault, latency and outcome injection, seedable,
 * so users can test their own pipelines.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { type Clock, clockWait, systemClock } from "./clock.ts";
import { ChaosFaultError } from "./errors.ts";
import {
  PolicyBase,
  type PolicyContext,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/**
 * A deterministic random source (mulberry32) for reproducible chaos and
 * jitter: the same seed gives the same sequence in [0, 1).
 *
 * @example Usage
 * ```ts
 * import { seededRandom } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const a = seededRandom(42);
 * const b = seededRandom(42);
 * const first = [a(), a(), a()];
 * assert.deepEqual(first, [b(), b(), b()]);
 * assert.ok(first.every((x) => x >= 0 && x < 1));
 * ```
 *
 * @param seed Any integer.
 * @returns The random source.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options for {@linkcode ChaosPolicy}. Each injection is drawn independently. */
export interface ChaosOptions {
  /**
   * Fails a share of calls without calling the function.
   *
   * @default {undefined}
   */
  fault?: {
    /** The share of calls, in [0, 1]. */
    rate: number;
    /**
     * What is thrown: an error, or a function that makes one per call (it
     * may return any value to throw). Default: {@linkcode ChaosFaultError}.
     */
    error?: Error | ((context: PolicyContext) => unknown);
  };
  /**
   * Delays a share of calls before calling the function.
   *
   * @default {undefined}
   */
  latency?: {
    /** The share of calls, in [0, 1]. */
    rate: number;
    /** The delay in milliseconds; with `maxMs`, the delay is uniform in [ms, maxMs]. */
    ms: number;
    /** The largest delay. */
    maxMs?: number;
  };
  /**
   * Returns a value for a share of calls without calling the function.
   *
   * @default {undefined}
   */
  outcome?: {
    /** The share of calls, in [0, 1]. */
    rate: number;
    /** The value returned. */
    value: unknown;
  };
  /**
   * Injects nothing when `false` (switch chaos off in production configs).
   *
   * @default {true}
   */
  enabled?: boolean | undefined;
  /**
   * The seed of the random source, for reproducible runs.
   *
   * @default {undefined (Math.random)}
   */
  seed?: number | undefined;
  /**
   * The random source; overrides `seed`.
   *
   * @default {Math.random, or seededRandom(seed)}
   */
  random?: (() => number) | undefined;
  /**
   * The time source of the injected latency.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** How many injections a {@linkcode ChaosPolicy} made. */
export interface ChaosCounts {
  /** Calls run through the policy. */
  calls: number;
  /** Faults thrown. */
  faults: number;
  /** Delays added. */
  latencies: number;
  /** Values returned in place of the function. */
  outcomes: number;
}

function checkRate(field: string, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) {
    invalidOption("chaos", field, rate, "must be in [0, 1]");
  }
}

/**
 * Injects failures into a pipeline on purpose: latency first (waiting,
 * abortable), then a fault, then a replaced outcome, each at its own rate.
 * With a seed the sequence of injections is reproducible.
 *
 * @example Check that a retry absorbs a 30% fault rate
 * ```ts
 * import { ChaosPolicy, RetryPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const chaos = new ChaosPolicy({ fault: { rate: 0.3 }, seed: 7 });
 * const pipeline = wrap(new RetryPolicy({ maxAttempts: 5, delayMs: 0 }), chaos);
 * for (let i = 0; i < 100; i++) {
 *   assert.equal(await pipeline.execute(() => "ok"), "ok");
 * }
 * assert.ok(chaos.counts.faults > 10);
 * ```
 */
export class ChaosPolicy extends PolicyBase {
  readonly #stage: ChaosStage;

  /**
   * Makes a chaos policy.
   *
   * @param options What to inject, how often, and the seed.
   * @throws {InvalidAPIParameters} When a rate is outside [0, 1].
   */
  constructor(options: ChaosOptions) {
    const stage = new ChaosStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * How many injections were made so far.
   *
   * @returns A copy of the counts.
   */
  get counts(): ChaosCounts {
    return { ...this.#stage.counts };
  }
}

class ChaosStage implements PolicyStage {
  readonly counts: ChaosCounts = {
    calls: 0,
    faults: 0,
    latencies: 0,
    outcomes: 0,
  };
  readonly #options: ChaosOptions;
  readonly #random: () => number;
  readonly #clock: Clock;

  constructor(options: ChaosOptions) {
    if (options.fault) checkRate("fault.rate", options.fault.rate);
    if (options.latency) {
      checkRate("latency.rate", options.latency.rate);
      if (!(options.latency.ms >= 0)) {
        invalidOption(
          "chaos",
          "latency.ms",
          options.latency.ms,
          "must be >= 0",
        );
      }
    }
    if (options.outcome) checkRate("outcome.rate", options.outcome.rate);
    this.#options = options;
    this.#random = options.random ??
      (options.seed === undefined ? Math.random : seededRandom(options.seed));
    this.#clock = options.clock ?? systemClock;
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    const { fault, latency, outcome, enabled = true } = this.#options;
    this.counts.calls++;
    if (enabled) {
      if (latency !== undefined && this.#random() < latency.rate) {
        this.counts.latencies++;
        const ms = latency.maxMs === undefined
          ? latency.ms
          : latency.ms + this.#random() * (latency.maxMs - latency.ms);
        await clockWait(this.#clock, ms, scope.waitSignal);
      }
      if (fault !== undefined && this.#random() < fault.rate) {
        this.counts.faults++;
        const { error } = fault;
        throw error === undefined
          ? new ChaosFaultError()
          : typeof error === "function"
          ? error(scope)
          : error;
      }
      if (outcome !== undefined && this.#random() < outcome.rate) {
        this.counts.outcomes++;
        return outcome.value;
      }
    }
    return await runNext(chain, next, fn, scope);
  }
}
