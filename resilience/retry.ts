// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode RetryPolicy}: upstream's retry, counted in total attempts, with
 * exponential backoff, jitter and an abortable wait.
 *
 * @module
 */

import { BackendAIError, InvalidAPIParameters } from "../exception.ts";
import { invalidOption } from "../_options.ts";
import type { BackoffJitter } from "../utils.ts";
import { type Clock, clockWait, systemClock } from "./clock.ts";
import {
  type Abandonment,
  Emitter,
  type Listener,
  PolicyBase,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/** How the delay between attempts grows. */
export type BackoffStrategy = "fixed" | "exponential";

/** Options for {@linkcode RetryPolicy}. */
export interface RetryOptions {
  /**
   * Total attempts, the first included (upstream's `max_retries`): 3 means
   * up to 3 calls. At least 1.
   *
   * @default {3}
   */
  maxAttempts?: number | undefined;
  /**
   * The delay before the first retry, in milliseconds (upstream's
   * `retry_delay`).
   *
   * @default {100}
   */
  delayMs?: number | undefined;
  /**
   * `"fixed"` waits `delayMs` every time; `"exponential"` waits
   * `min(delayMs * 2 ** (retry - 1), maxDelayMs)`.
   *
   * @default {"fixed"}
   */
  backoff?: BackoffStrategy | undefined;
  /**
   * The longest delay, before jitter, in milliseconds.
   *
   * @default {10000}
   */
  maxDelayMs?: number | undefined;
  /**
   * How each delay is randomised: `"none"` (upstream), `"full"` (a random
   * delay up to the computed one) or `"equal"` (half fixed, half random).
   * Use `"full"` for many clients retrying one dependency.
   *
   * @default {"none"}
   */
  jitter?: BackoffJitter | undefined;
  /**
   * Decides whether an error is worth another attempt, programming errors
   * included: when given, it is asked about every error except those never
   * retried (any `nonRetryable` class, a `BackendAIError` whose `retryable`
   * is `false`, anything after the caller aborted). Keep refusing bugs with
   * `!isProgrammingError(error) && ...`.
   *
   * @default {every error that is not a programming error ({@linkcode isProgrammingError})}
   */
  retryIf?: ((error: unknown, attempt: number) => boolean) | undefined;
  /**
   * Error classes never retried (upstream's `non_retryable_exceptions`);
   * e.g. `[BackendAIError]` as upstream's Valkey clients configure it.
   *
   * @default {[]}
   */
  nonRetryable?:
    | readonly (abstract new (...args: never[]) => unknown)[]
    | undefined;
  /**
   * The random source for jitter, returning values in [0, 1). It is drawn
   * once per delay with jitter and never at construction, so a seeded
   * source gives the same delays on every run. A `NaN` delay is refused
   * with `InvalidAPIParameters` (the attempt's error as its `cause`).
   *
   * @default {Math.random}
   */
  random?: (() => number) | undefined;
  /**
   * The time source of the waits.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Passed to {@linkcode RetryPolicy.onRetry} listeners. */
export interface RetryEvent {
  /** The error of the attempt that failed. */
  readonly error: unknown;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long the policy waits before the next attempt. */
  readonly delayMs: number;
}

/** Passed to {@linkcode RetryPolicy.onGiveUp} listeners. */
export interface GiveUpEvent {
  /** The error that is thrown to the caller. */
  readonly error: unknown;
  /** How many attempts were made. */
  readonly attempts: number;
}

/**
 * Whether `error` is a programming error, never worth another attempt:
 * a `ReferenceError`, a `SyntaxError`, or a `TypeError` that is not fetch's
 * network failure. {@linkcode RetryPolicy} refuses these unless `retryIf`
 * says otherwise.
 *
 * fetch reports a network failure as a `TypeError` too, so a `TypeError` is
 * taken for one (and retried) when:
 * - its message is `fetch failed` (Node's undici and Deno; the socket error
 *   is its `cause`), or starts with `error sending request` (older Deno);
 * - or it carries a system error `code`, as Bun's does (`ECONNREFUSED`,
 *   `ECONNRESET`, `ENOTFOUND`, ...);
 * - and in both cases neither it nor its `cause` has a `code` that names a
 *   bad argument: Node's and Bun's `ERR_…` (`ERR_INVALID_URL`) or undici's
 *   `UND_ERR_INVALID_ARG`.
 *
 * Every other `TypeError` (`x is not a function`, a bad URL, a GET with a
 * body) is a programming error. Browsers' messages (`Failed to fetch`,
 * `Load failed`) are not recognised: use `retryIf` there.
 *
 * @example Usage
 * ```ts
 * import { isProgrammingError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:80"), { code: "ECONNREFUSED" });
 * assert.equal(isProgrammingError(new TypeError("fetch failed", { cause: refused })), false);
 * assert.equal(isProgrammingError(new TypeError("x is not a function")), true);
 * assert.equal(isProgrammingError(new ReferenceError("y is not defined")), true);
 * assert.equal(isProgrammingError(new Error("connection reset")), false);
 * ```
 *
 * @param error What was thrown.
 * @returns `true` for a programming error.
 */
export function isProgrammingError(error: unknown): boolean {
  if (error instanceof ReferenceError || error instanceof SyntaxError) {
    return true;
  }
  return error instanceof TypeError && !isNetworkTypeError(error);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function namesBadArgument(code: string | undefined): boolean {
  return code !== undefined &&
    (code.startsWith("ERR_") || code === "UND_ERR_INVALID_ARG");
}

function isNetworkTypeError(error: TypeError): boolean {
  const code = errorCode(error);
  if (namesBadArgument(code) || namesBadArgument(errorCode(error.cause))) {
    return false;
  }
  return error.message === "fetch failed" ||
    error.message.startsWith("error sending request") || code !== undefined;
}

function checkNumber(
  field: string,
  value: number,
  valid: boolean,
  rule: string,
): void {
  if (!valid) invalidOption("retry", field, value, rule);
}

/**
 * Runs a function again when it fails, up to `maxAttempts` calls in total,
 * waiting between attempts. There is no wait after the last attempt; the
 * last error is thrown. The caller's abort ends a wait at once, with the
 * signal's reason. Every attempt gets a fresh inner scope, so a timeout
 * inside the retry limits each attempt.
 *
 * Programming errors ({@linkcode isProgrammingError}: a `ReferenceError`, a
 * `SyntaxError`, a `TypeError` other than fetch's network failure) are not
 * retried unless `retryIf` says so. A `nonRetryable` class, a
 * `BackendAIError` whose `retryable` is `false` (an open circuit, a full
 * bulkhead) and an error after the caller aborted never are.
 *
 * @example Exponential backoff with jitter
 * ```ts
 * import { ManualClock, RetryPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const retry = new RetryPolicy({
 *   maxAttempts: 4, delayMs: 100, backoff: "exponential", jitter: "none", clock,
 * });
 * const delays: number[] = [];
 * retry.onRetry((event) => delays.push(event.delayMs));
 * const call = retry.execute(({ attempt }) => {
 *   if (attempt < 4) throw new Error("busy");
 *   return "done";
 * });
 * await clock.advance(700);
 * assert.equal(await call, "done");
 * assert.deepEqual(delays, [100, 200, 400]);
 * ```
 *
 * @example Only some errors are retried
 * ```ts
 * import { BackendAIError } from "@backendai/common/exception";
 * import { RetryPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const retry = new RetryPolicy({ maxAttempts: 3, delayMs: 0, nonRetryable: [BackendAIError] });
 * let calls = 0;
 * await assert.rejects(retry.execute(() => {
 *   calls++;
 *   throw new BackendAIError("Bad request");
 * }));
 * assert.equal(calls, 1);
 * ```
 */
export class RetryPolicy extends PolicyBase {
  readonly #stage: RetryStage;

  /**
   * Makes a retry policy.
   *
   * @param options Attempts, backoff, jitter and what to retry.
   * @throws {InvalidAPIParameters} When a number is out of range.
   */
  constructor(options: RetryOptions = {}) {
    const stage = new RetryStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * Listens for retries: called before each wait.
   *
   * @param listener Receives the failed attempt, its error and the delay.
   * @returns The registration; dispose of it to stop listening.
   */
  onRetry(listener: (event: RetryEvent) => void): Listener {
    return this.#stage.retried.on(listener);
  }

  /**
   * Listens for give-ups: called when an error is thrown to the caller after
   * the attempts are used up or the error is not retryable.
   *
   * @param listener Receives the error and the number of attempts.
   * @returns The registration; dispose of it to stop listening.
   */
  onGiveUp(listener: (event: GiveUpEvent) => void): Listener {
    return this.#stage.gaveUp.on(listener);
  }

  /**
   * The delay before the retry that follows attempt `attempt` (from 1),
   * jitter included.
   *
   * @param attempt The attempt that failed.
   * @returns The delay in milliseconds.
   */
  delayAfter(attempt: number): number {
    return this.#stage.delayAfter(attempt);
  }
}

class RetryScope implements PolicyScope {
  readonly #parent: PolicyScope;
  attempt: number = 1;

  constructor(parent: PolicyScope) {
    this.#parent = parent;
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  get waitSignal(): AbortSignal | undefined {
    return this.#parent.waitSignal;
  }

  get operation(): string | undefined {
    return this.#parent.operation;
  }

  get onRetry(): (() => void) | undefined {
    return this.#parent.onRetry;
  }
  get abandonment(): Abandonment | undefined {
    return this.#parent.abandonment;
  }
}

class RetryStage implements PolicyStage {
  readonly retried: Emitter<RetryEvent> = new Emitter();
  readonly gaveUp: Emitter<GiveUpEvent> = new Emitter();
  readonly #maxAttempts: number;
  readonly #delayMs: number;
  readonly #multiplier: number;
  readonly #maxDelayMs: number;
  readonly #jitter: BackoffJitter;
  readonly #random: () => number;
  readonly #retryIf: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly #nonRetryable: readonly (abstract new (
    ...args: never[]
  ) => unknown)[];
  readonly #clock: Clock;

  constructor(options: RetryOptions) {
    const {
      maxAttempts = 3,
      delayMs = 100,
      backoff = "fixed",
      maxDelayMs = 10_000,
      jitter = "none",
    } = options;
    checkNumber(
      "maxAttempts",
      maxAttempts,
      Number.isInteger(maxAttempts) && maxAttempts >= 1,
      "must be an integer >= 1",
    );
    checkNumber(
      "delayMs",
      delayMs,
      Number.isFinite(delayMs) && delayMs >= 0,
      "must be a finite number >= 0",
    );
    checkNumber("maxDelayMs", maxDelayMs, maxDelayMs >= 0, "must be >= 0");
    if (backoff !== "fixed" && backoff !== "exponential") {
      invalidOption(
        "retry",
        "backoff",
        backoff,
        'must be "fixed" or "exponential"',
      );
    }
    if (jitter !== "none" && jitter !== "full" && jitter !== "equal") {
      invalidOption(
        "retry",
        "jitter",
        jitter,
        'must be "none", "full" or "equal"',
      );
    }
    this.#maxAttempts = maxAttempts;
    this.#delayMs = delayMs;
    this.#multiplier = backoff === "fixed" ? 1 : 2;
    this.#maxDelayMs = maxDelayMs;
    this.#jitter = jitter;
    this.#random = options.random ?? Math.random;
    this.#retryIf = options.retryIf;
    this.#nonRetryable = [...options.nonRetryable ?? []];
    this.#clock = options.clock ?? systemClock;
  }

  // computeBackoff()'s formula on the options checked once, above: it would
  // check them again per delay, and a probe call to check them drew a random
  // number at construction, shifting a seeded sequence by one.
  delayAfter(attempt: number): number {
    const base = this.#delayMs === 0 ? 0 : Math.min(
      this.#maxDelayMs,
      this.#delayMs * this.#multiplier ** Math.max(0, attempt - 1),
    );
    switch (this.#jitter) {
      case "none":
        return base;
      case "equal":
        return base / 2 + this.#random() * (base / 2);
      default:
        return this.#random() * base;
    }
  }

  #retryable(error: unknown, attempt: number): boolean {
    for (const type of this.#nonRetryable) {
      if (error instanceof type) return false;
    }
    if (error instanceof BackendAIError && error.retryable === false) {
      return false;
    }
    return this.#retryIf === undefined
      ? !isProgrammingError(error)
      : this.#retryIf(error, attempt);
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    const attemptScope = new RetryScope(scope);
    for (;;) {
      try {
        return await runNext(chain, next, fn, attemptScope);
      } catch (error) {
        const attempt = attemptScope.attempt;
        if (
          attempt >= this.#maxAttempts || scope.waitSignal?.aborted ||
          !this.#retryable(error, attempt)
        ) {
          if (this.gaveUp.active) {
            this.gaveUp.emit({ error, attempts: attempt });
          }
          throw error;
        }
        const delayMs = this.delayAfter(attempt);
        if (Number.isNaN(delayMs)) {
          throw new InvalidAPIParameters(
            'Invalid retry option "random": it returned a value that is not a number',
            { data: { field: "random", value: delayMs }, cause: error },
          );
        }
        if (this.retried.active) this.retried.emit({ error, attempt, delayMs });
        scope.onRetry?.();
        if (delayMs > 0) {
          await clockWait(this.#clock, delayMs, scope.waitSignal);
        }
        attemptScope.attempt = attempt + 1;
      }
    }
  }
}
