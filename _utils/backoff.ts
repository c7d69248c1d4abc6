// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Exponential backoff with jitter: {@linkcode computeBackoff},
 * {@linkcode backoffDelays} and {@linkcode ExponentialBackoff}.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import { sleep, type SleepOptions } from "./sleep.ts";

/**
 * How {@linkcode computeBackoff} randomises a delay: `"none"` gives exactly
 * the base, `"full"` a random delay in [0, base), `"equal"` half the base plus
 * a random part of the other half.
 */
export type BackoffJitter = "none" | "full" | "equal";

/** Options for {@linkcode computeBackoff} and its relatives. */
export interface BackoffOptions {
  /**
   * The delay of the first retry (attempt 0), before jitter, in milliseconds.
   *
   * @default {100}
   */
  initialMs?: number | undefined;
  /**
   * The largest delay, before jitter, in milliseconds.
   *
   * @default {30000}
   */
  maxMs?: number | undefined;
  /**
   * How much the delay grows per attempt (at least 1).
   *
   * @default {2}
   */
  multiplier?: number | undefined;
  /**
   * How the delay is randomised so that many clients do not retry at once.
   *
   * @default {"full"}
   */
  jitter?: BackoffJitter | undefined;
  /**
   * The random source, returning values in [0, 1); inject one in tests.
   *
   * @default {Math.random}
   */
  random?: (() => number) | undefined;
}

const JITTERS: ReadonlySet<string> = new Set(["none", "full", "equal"]);

function checkBackoffOptions(options: BackoffOptions): void {
  const { initialMs = 100, maxMs = 30_000, multiplier = 2, jitter = "full" } =
    options;
  const invalid = (field: string, value: unknown, rule: string): never => {
    throw new InvalidAPIParameters(
      `Invalid backoff option "${field}": ${rule}`,
      { data: { field, value } },
    );
  };
  if (!(Number.isFinite(initialMs) && initialMs >= 0)) {
    invalid("initialMs", initialMs, "must be a finite number >= 0");
  }
  if (!(maxMs >= 0)) invalid("maxMs", maxMs, "must be >= 0");
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) {
    invalid("multiplier", multiplier, "must be a finite number >= 1");
  }
  if (!JITTERS.has(jitter)) {
    invalid("jitter", jitter, 'must be "none", "full" or "equal"');
  }
}

/**
 * The delay before retry number `attempt` (0-based):
 * `min(maxMs, initialMs * multiplier ** attempt)`, then jitter.
 *
 * @example Usage
 * ```ts
 * import { computeBackoff } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const exact = [0, 1, 2, 3, 10].map((n) =>
 *   computeBackoff(n, { initialMs: 100, maxMs: 1000, jitter: "none" })
 * );
 * assert.deepEqual(exact, [100, 200, 400, 800, 1000]);
 * assert.equal(computeBackoff(2, { jitter: "full", random: () => 0.5 }), 200);
 * assert.equal(computeBackoff(2, { jitter: "equal", random: () => 0 }), 200);
 * ```
 *
 * @param attempt The retry number, from 0 (negative counts as 0).
 * @param options The growth, the cap and the jitter.
 * @returns The delay in milliseconds.
 * @throws {InvalidAPIParameters} When an option is out of range.
 */
export function computeBackoff(
  attempt: number,
  options: BackoffOptions = {},
): number {
  checkBackoffOptions(options);
  const {
    initialMs = 100,
    maxMs = 30_000,
    multiplier = 2,
    jitter = "full",
    random = Math.random,
  } = options;
  const base = initialMs === 0
    ? 0
    : Math.min(maxMs, initialMs * multiplier ** Math.max(0, attempt));
  switch (jitter) {
    case "none":
      return base;
    case "equal":
      return base / 2 + random() * (base / 2);
    default:
      return random() * base;
  }
}

/** Options for {@linkcode backoffDelays}. */
export interface BackoffDelaysOptions extends BackoffOptions {
  /**
   * How many delays to yield.
   *
   * @default {Infinity}
   */
  count?: number | undefined;
}

/**
 * Yields the delays of successive retries, as {@linkcode computeBackoff}
 * computes them for attempts 0, 1, 2, ...
 *
 * @example Retry an operation up to three more times
 * ```ts
 * import { backoffDelays, sleep } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   [...backoffDelays({ initialMs: 1, maxMs: 3, jitter: "none", count: 4 })],
 *   [1, 2, 3, 3],
 * );
 * let calls = 0;
 * const flaky = () => ++calls < 3 ? Promise.reject(new Error("busy")) : Promise.resolve("ok");
 * let result = await flaky().catch(() => undefined);
 * for (const delay of backoffDelays({ initialMs: 1, count: 3 })) {
 *   if (result !== undefined) break;
 *   await sleep(delay);
 *   result = await flaky().catch(() => undefined);
 * }
 * assert.equal(result, "ok");
 * ```
 *
 * @param options The growth, the cap, the jitter and the count.
 * @returns A generator of delays in milliseconds.
 * @throws {InvalidAPIParameters} When an option is out of range (on the
 * call, not on the first `next()`).
 */
export function backoffDelays(
  options: BackoffDelaysOptions = {},
): Generator<number, void, undefined> {
  checkBackoffOptions(options);
  const { count = Infinity } = options;
  if (!(count >= 0)) {
    throw new InvalidAPIParameters(
      'Invalid backoff option "count": must be >= 0',
      { data: { field: "count", value: count } },
    );
  }
  const frozen: BackoffOptions = { ...options };
  return (function* (): Generator<number, void, undefined> {
    for (let attempt = 0; attempt < count; attempt++) {
      yield computeBackoff(attempt, frozen);
    }
  })();
}

/**
 * A backoff that remembers its attempt: each {@linkcode ExponentialBackoff.next}
 * gives the next delay and {@linkcode ExponentialBackoff.reset} starts over,
 * e.g. after a reconnect succeeds.
 *
 * @example A reconnect loop
 * ```ts
 * import { ExponentialBackoff } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const backoff = new ExponentialBackoff({ initialMs: 500, maxMs: 30_000, jitter: "none" });
 * assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [500, 1000, 2000]);
 * assert.equal(backoff.attempt, 3);
 * backoff.reset();
 * assert.equal(backoff.next(), 500);
 *
 * const quick = new ExponentialBackoff({ initialMs: 1, jitter: "none" });
 * await quick.wait(); // sleeps 1 ms
 * assert.equal(quick.attempt, 1);
 * ```
 */
export class ExponentialBackoff {
  readonly #options: BackoffOptions;
  #attempt: number = 0;

  /**
   * Makes a backoff.
   *
   * @param options The growth, the cap and the jitter (copied).
   * @throws {InvalidAPIParameters} When an option is out of range.
   */
  constructor(options: BackoffOptions = {}) {
    checkBackoffOptions(options);
    this.#options = { ...options };
  }

  /**
   * How many delays have been taken since the start or the last reset.
   *
   * @returns The count.
   */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Takes the next delay.
   *
   * @returns The delay in milliseconds.
   */
  next(): number {
    return computeBackoff(this.#attempt++, this.#options);
  }

  /** Starts over from the first delay. */
  reset(): void {
    this.#attempt = 0;
  }

  /**
   * Takes the next delay and sleeps for it.
   *
   * @param options The abort signal.
   * @returns A promise that resolves after the delay, or rejects with the
   * signal's reason on abort.
   */
  wait(options: SleepOptions = {}): Promise<void> {
    return sleep(this.next(), options);
  }
}
