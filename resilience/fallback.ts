// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode FallbackPolicy}: a value or a function in place of a failure.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import {
  Emitter,
  type Listener,
  PolicyBase,
  type PolicyContext,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/** Options for {@linkcode FallbackPolicy}: give `value` or `fallback`. */
export interface FallbackOptions<F> {
  /**
   * The value returned in place of a matching failure.
   *
   * @default {undefined}
   */
  value?: F;
  /**
   * Computes the value from the error; what it throws is thrown.
   *
   * @default {undefined}
   */
  fallback?:
    | ((error: unknown, context: PolicyContext) => F | PromiseLike<F>)
    | undefined;
  /**
   * Which errors are replaced.
   *
   * @default {every error, except after the caller aborted}
   */
  when?: ((error: unknown) => boolean) | undefined;
}

/** Passed to {@linkcode FallbackPolicy.onFallback} listeners. */
export interface FallbackEvent {
  /** The error that was replaced. */
  readonly error: unknown;
  /** The operation name, if the call had one. */
  readonly operation: string | undefined;
}

/**
 * Returns a fallback instead of throwing when the call fails with a
 * matching error (upstream only promised this). Put it outermost so it
 * also replaces a {@linkcode CircuitOpenError}. `execute` is typed by the
 * function's result, so give a fallback of the same type.
 *
 * @example A cached default when the dependency is down
 * ```ts
 * import { CircuitBreakerPolicy, FallbackPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const fallback = new FallbackPolicy({ value: "cached" });
 * const pipeline = wrap(fallback, new CircuitBreakerPolicy({ failureThreshold: 1 }));
 * assert.equal(await pipeline.execute(() => Promise.reject(new Error("down"))), "cached");
 * assert.equal(await pipeline.execute(() => "not called while open"), "cached");
 * assert.equal(await fallback.execute(() => 1), 1);
 * ```
 *
 * @example Only for some errors
 * ```ts
 * import { FallbackPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const fallback = new FallbackPolicy({
 *   fallback: (error) => `default (${(error as Error).message})`,
 *   when: (error) => error instanceof RangeError,
 * });
 * assert.equal(await fallback.execute(() => { throw new RangeError("gone"); }), "default (gone)");
 * await assert.rejects(fallback.execute(() => { throw new Error("other"); }), /other/);
 * ```
 */
export class FallbackPolicy<F = unknown> extends PolicyBase {
  readonly #stage: FallbackStage<F>;

  /**
   * Makes a fallback policy.
   *
   * @param options The value or the function, and which errors it replaces.
   * @throws {InvalidAPIParameters} When neither or both of `value` and
   * `fallback` are given.
   */
  constructor(options: FallbackOptions<F>) {
    const stage = new FallbackStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * Listens for replaced failures.
   *
   * @param listener Receives the error.
   * @returns The registration; dispose of it to stop listening.
   */
  onFallback(listener: (event: FallbackEvent) => void): Listener {
    return this.#stage.used.on(listener);
  }
}

class FallbackStage<F> implements PolicyStage {
  readonly used: Emitter<FallbackEvent> = new Emitter();
  readonly #options: FallbackOptions<F>;

  constructor(options: FallbackOptions<F>) {
    const hasValue = "value" in options;
    if (hasValue === (options.fallback !== undefined)) {
      invalidOption(
        "fallback",
        "value",
        options.value,
        'give exactly one of "value" and "fallback"',
      );
    }
    this.#options = options;
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    try {
      return await runNext(chain, next, fn, scope);
    } catch (error) {
      const { when, fallback } = this.#options;
      if (scope.waitSignal?.aborted || (when !== undefined && !when(error))) {
        throw error;
      }
      if (this.used.active) {
        this.used.emit({ error, operation: scope.operation });
      }
      return fallback === undefined
        ? this.#options.value
        : await fallback(error, scope);
    }
  }
}
