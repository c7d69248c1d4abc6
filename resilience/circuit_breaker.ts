// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode CircuitBreakerPolicy}: the breaker upstream promised (spec 9.2),
 * with a consecutive-failure and a failure-rate mode.
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import { invalidOption } from "../_options.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CircuitOpenError } from "./errors.ts";
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

/**
 * The states of a breaker.
 *
 * @example Usage
 * ```ts
 * import { CircuitState } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * assert.equal(CircuitState.HALF_OPEN, "half-open");
 * ```
 */
export const CircuitState = {
  /** Calls pass; failures are counted. */
  CLOSED: "closed",
  /** Calls fail fast with {@linkcode CircuitOpenError}. */
  OPEN: "open",
  /** A few trial calls pass; their outcome closes or reopens the breaker. */
  HALF_OPEN: "half-open",
} as const;
/** One of the {@linkcode CircuitState} values. */
export type CircuitState = typeof CircuitState[keyof typeof CircuitState];

/** The failure-rate mode of {@linkcode CircuitBreakerOptions}. */
export interface FailureRateOptions {
  /** The failure ratio (0 < threshold <= 1) over the window that opens the breaker. */
  threshold: number;
  /**
   * The length of the sliding window, in milliseconds.
   *
   * @default {10000}
   */
  windowMs?: number | undefined;
  /**
   * The fewest calls in the window before the ratio counts.
   *
   * @default {20}
   */
  minimumThroughput?: number | undefined;
  /**
   * How many buckets the window slides by.
   *
   * @default {10}
   */
  buckets?: number | undefined;
}

/** Options for {@linkcode CircuitBreakerPolicy}. */
export interface CircuitBreakerOptions {
  /**
   * The name in errors and events.
   *
   * @default {"circuit"}
   */
  name?: string | undefined;
  /**
   * Consecutive failures that open the breaker (upstream's planned
   * `failure_threshold`); ignored when `failureRate` is set.
   *
   * @default {5}
   */
  failureThreshold?: number | undefined;
  /**
   * Opens the breaker on a failure ratio over a sliding window instead of a
   * run of consecutive failures.
   *
   * @default {undefined}
   */
  failureRate?: FailureRateOptions | undefined;
  /**
   * How long the breaker stays open before admitting trial calls, in
   * milliseconds (upstream's planned `recovery_timeout`).
   *
   * @default {30000}
   */
  recoveryMs?: number | undefined;
  /**
   * How many trial calls half-open admits; when that many succeed the
   * breaker closes, and one failure reopens it.
   *
   * @default {1}
   */
  halfOpenMaxCalls?: number | undefined;
  /**
   * Which errors count as failures of the dependency.
   *
   * @default {every error except a BackendAIError with a 4xx status and the caller's abort}
   */
  isFailure?: ((error: unknown) => boolean) | undefined;
  /**
   * A state to start from, as {@linkcode CircuitBreakerPolicy.snapshot}
   * exported it.
   *
   * @default {closed}
   */
  initialState?: CircuitBreakerSnapshot | undefined;
  /**
   * The time source of the recovery time and the window.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Passed to {@linkcode CircuitBreakerPolicy.onStateChange} listeners. */
export interface CircuitStateChange {
  /** The breaker's name. */
  readonly name: string;
  /** The state before. */
  readonly from: CircuitState;
  /** The state after. */
  readonly to: CircuitState;
  /** When, in clock time. */
  readonly at: number;
  /** The failure that opened the breaker, when it opened. */
  readonly error?: unknown;
}

/** A breaker's state as plain JSON, to store and restore. */
export interface CircuitBreakerSnapshot {
  /** The state. */
  state: CircuitState;
  /** When the breaker last opened, in clock time; `null` when closed. */
  openedAt: number | null;
  /** Consecutive failures counted in the closed state. */
  consecutiveFailures: number;
  /** The failure-rate window: `[bucket epoch, calls, failures]` per bucket. */
  window: [number, number, number][];
}

function isClientError(error: unknown): boolean {
  return error instanceof BackendAIError && error.status >= 400 &&
    error.status < 500;
}

function invalid(field: string, value: unknown, rule: string): never {
  return invalidOption("circuit breaker", field, value, rule);
}

/**
 * Stops calling a dependency that keeps failing. Closed, it counts
 * failures: `failureThreshold` in a row, or a `failureRate` over a sliding
 * window with a minimum throughput, open it. Open, it throws
 * {@linkcode CircuitOpenError} without calling the function. After
 * `recoveryMs` it turns half-open and admits `halfOpenMaxCalls` trial calls:
 * if they all succeed it closes, one failure reopens it with a fresh timer.
 * State changes are events; the state can be exported and restored (e.g. to
 * share it across restarts).
 *
 * A timeout counts as a failure on either side of the breaker. A
 * `TimeoutPolicy` inside it rejects the call with `ResilienceTimeoutError`,
 * which the breaker counts; one outside it tells the breaker when it
 * expires, so the call is counted then, even when the function ignores its
 * signal, and what the function does later is ignored. The caller's abort
 * is neither a success nor a failure: an aborted trial call gives its slot
 * back when the function ends, or at the abort when a timeout encloses the
 * breaker.
 *
 * @example The state machine
 * ```ts
 * import { CircuitBreakerPolicy, CircuitOpenError, ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const breaker = new CircuitBreakerPolicy({ failureThreshold: 2, recoveryMs: 1000, clock });
 * const states: string[] = [];
 * breaker.onStateChange(({ to }) => states.push(to));
 * const down = () => Promise.reject(new Error("connection refused"));
 * await breaker.execute(down).catch(() => {});
 * await breaker.execute(down).catch(() => {});
 * await assert.rejects(breaker.execute(() => "not called"), CircuitOpenError);
 * await clock.advance(1000);
 * assert.equal(await breaker.execute(() => "recovered"), "recovered");
 * assert.deepEqual(states, ["open", "half-open", "closed"]);
 * ```
 *
 * @example Failure rate over a window
 * ```ts
 * import { CircuitBreakerPolicy, ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const breaker = new CircuitBreakerPolicy({
 *   failureRate: { threshold: 0.5, windowMs: 10_000, minimumThroughput: 4 },
 *   clock: new ManualClock(),
 * });
 * for (const ok of [true, false, true, false]) {
 *   await breaker.execute(() => ok ? "ok" : Promise.reject(new Error("x"))).catch(() => {});
 * }
 * assert.equal(breaker.state, "open");
 * ```
 */
export class CircuitBreakerPolicy extends PolicyBase {
  readonly #stage: BreakerStage;

  /**
   * Makes a breaker.
   *
   * @param options Mode, thresholds, recovery and trial calls.
   * @throws {InvalidAPIParameters} When an option is out of range.
   */
  constructor(options: CircuitBreakerOptions = {}) {
    const stage = new BreakerStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * The current state; an open breaker whose recovery time has passed
   * reports (and becomes) half-open.
   *
   * @returns The state.
   */
  get state(): CircuitState {
    return this.#stage.currentState();
  }

  /**
   * Listens for state changes.
   *
   * @param listener Receives the change.
   * @returns The registration; dispose of it to stop listening.
   */
  onStateChange(listener: (change: CircuitStateChange) => void): Listener {
    return this.#stage.changed.on(listener);
  }

  /**
   * Exports the state as plain JSON.
   *
   * @returns The snapshot.
   */
  snapshot(): CircuitBreakerSnapshot {
    return this.#stage.snapshot();
  }

  /**
   * Replaces the state with an exported one (a state-change event is
   * emitted when the state differs).
   *
   * @param snapshot What {@linkcode CircuitBreakerPolicy.snapshot} returned.
   * @throws {InvalidAPIParameters} When the snapshot is malformed.
   */
  restore(snapshot: CircuitBreakerSnapshot): void {
    this.#stage.restore(snapshot);
  }

  /** Closes the breaker and forgets every counted failure. */
  reset(): void {
    this.#stage.restore({
      state: "closed",
      openedAt: null,
      consecutiveFailures: 0,
      window: [],
    });
  }
}

class BreakerStage implements PolicyStage {
  readonly changed: Emitter<CircuitStateChange> = new Emitter();
  readonly #name: string;
  readonly #threshold: number;
  readonly #recoveryMs: number;
  readonly #halfOpenMaxCalls: number;
  readonly #isFailure: ((error: unknown) => boolean) | undefined;
  readonly #clock: Clock;
  readonly #rate:
    | { [K in keyof FailureRateOptions]-?: NonNullable<FailureRateOptions[K]> }
    | undefined;
  readonly #bucketMs: number;
  #state: CircuitState = "closed";
  #openedAt = 0;
  #consecutive = 0;
  #trialsInFlight = 0;
  #trialSuccesses = 0;
  /** Per bucket: epoch (time / bucketMs, floored), calls, failures. */
  #epochs: Float64Array;
  #calls: Float64Array;
  #failures: Float64Array;

  constructor(options: CircuitBreakerOptions) {
    const {
      name = "circuit",
      failureThreshold = 5,
      recoveryMs = 30_000,
      halfOpenMaxCalls = 1,
    } = options;
    if (!(Number.isInteger(failureThreshold) && failureThreshold >= 1)) {
      invalid("failureThreshold", failureThreshold, "must be an integer >= 1");
    }
    if (!(Number.isFinite(recoveryMs) && recoveryMs >= 0)) {
      invalid("recoveryMs", recoveryMs, "must be a finite number >= 0");
    }
    if (!(Number.isInteger(halfOpenMaxCalls) && halfOpenMaxCalls >= 1)) {
      invalid("halfOpenMaxCalls", halfOpenMaxCalls, "must be an integer >= 1");
    }
    this.#name = name;
    this.#threshold = failureThreshold;
    this.#recoveryMs = recoveryMs;
    this.#halfOpenMaxCalls = halfOpenMaxCalls;
    this.#isFailure = options.isFailure;
    this.#clock = options.clock ?? systemClock;
    if (options.failureRate !== undefined) {
      const {
        threshold,
        windowMs = 10_000,
        minimumThroughput = 20,
        buckets = 10,
      } = options.failureRate;
      if (!(threshold > 0 && threshold <= 1)) {
        invalid("failureRate.threshold", threshold, "must be in (0, 1]");
      }
      if (!(Number.isFinite(windowMs) && windowMs > 0)) {
        invalid("failureRate.windowMs", windowMs, "must be a number > 0");
      }
      if (!(Number.isInteger(minimumThroughput) && minimumThroughput >= 1)) {
        invalid(
          "failureRate.minimumThroughput",
          minimumThroughput,
          "must be an integer >= 1",
        );
      }
      if (!(Number.isInteger(buckets) && buckets >= 1)) {
        invalid("failureRate.buckets", buckets, "must be an integer >= 1");
      }
      this.#rate = { threshold, windowMs, minimumThroughput, buckets };
      this.#bucketMs = windowMs / buckets;
    } else {
      this.#rate = undefined;
      this.#bucketMs = 1;
    }
    const size = this.#rate?.buckets ?? 0;
    this.#epochs = new Float64Array(size).fill(-1);
    this.#calls = new Float64Array(size);
    this.#failures = new Float64Array(size);
    if (options.initialState !== undefined) {
      this.#load(options.initialState);
    }
  }

  currentState(): CircuitState {
    if (
      this.#state === "open" &&
      this.#clock.now() - this.#openedAt >= this.#recoveryMs
    ) {
      this.#move("half-open");
    }
    return this.#state;
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    let trial = false;
    if (this.#state !== "closed") {
      const state = this.currentState();
      if (state === "open") {
        throw new CircuitOpenError(
          this.#name,
          this.#openedAt + this.#recoveryMs - this.#clock.now(),
        );
      }
      if (state === "half-open") {
        if (this.#trialsInFlight >= this.#halfOpenMaxCalls) {
          throw new CircuitOpenError(this.#name, 0);
        }
        this.#trialsInFlight++;
        trial = true;
      }
    }
    const abandonment = scope.abandonment;
    if (abandonment !== undefined) {
      return await this.#runWatched(chain, next, fn, scope, trial, abandonment);
    }
    let result: unknown;
    try {
      result = await runNext(chain, next, fn, scope);
    } catch (error) {
      this.#failed(error, trial, scope);
      throw error;
    }
    if (trial) this.#endTrial();
    this.#success(trial);
    return result;
  }

  /**
   * {@linkcode run} inside a timeout: the call is settled when the timeout
   * gives up on it (a timeout counts as a failure, the caller's abort as
   * nothing), and what the function does afterwards is ignored. Without
   * this a breaker inside a timeout never saw the timeout, and a trial
   * whose function ignored its signal held its slot for good.
   */
  async #runWatched(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
    trial: boolean,
    abandonment: Abandonment,
  ): Promise<unknown> {
    let settled = false;
    abandonment.watch({
      abandoned: (reason, timedOut) => {
        if (settled) return;
        settled = true;
        if (trial) this.#endTrial();
        if (timedOut) this.#outcome(reason, trial);
      },
    });
    let result: unknown;
    try {
      result = await runNext(chain, next, fn, scope);
    } catch (error) {
      if (!settled) {
        settled = true;
        this.#failed(error, trial, scope);
      }
      throw error;
    }
    if (!settled) {
      settled = true;
      if (trial) this.#endTrial();
      this.#success(trial);
    }
    return result;
  }

  /** A call that threw. */
  #failed(error: unknown, trial: boolean, scope: PolicyScope): void {
    if (trial) this.#endTrial();
    // A call given up on (aborted) is neither a success nor a failure: a
    // trial only gives its slot back.
    if (!scope.waitSignal?.aborted) this.#outcome(error, trial);
  }

  /** Counts an error as a failure, or as a success when it does not count. */
  #outcome(error: unknown, trial: boolean): void {
    if (this.#counts(error)) this.#failure(error, trial);
    else if (trial) this.#success(true);
  }

  #counts(error: unknown): boolean {
    return this.#isFailure === undefined
      ? !isClientError(error)
      : this.#isFailure(error);
  }

  #success(trial: boolean): void {
    if (this.#rate !== undefined) this.#record(false);
    else this.#consecutive = 0;
    if (trial && this.#state === "half-open") {
      if (++this.#trialSuccesses >= this.#halfOpenMaxCalls) {
        this.#move("closed");
      }
    }
  }

  #failure(error: unknown, trial: boolean): void {
    if (this.#state === "half-open") {
      if (trial) this.#open(error);
      return;
    }
    if (this.#state !== "closed") return;
    if (this.#rate === undefined) {
      if (++this.#consecutive >= this.#threshold) this.#open(error);
      return;
    }
    this.#record(true);
    let calls = 0;
    let failures = 0;
    const oldest = Math.floor(this.#clock.now() / this.#bucketMs) -
      this.#rate.buckets + 1;
    for (let i = 0; i < this.#rate.buckets; i++) {
      if ((this.#epochs[i] ?? -1) >= oldest) {
        calls += this.#calls[i] ?? 0;
        failures += this.#failures[i] ?? 0;
      }
    }
    if (
      calls >= this.#rate.minimumThroughput &&
      failures / calls >= this.#rate.threshold
    ) this.#open(error);
  }

  #record(failed: boolean): void {
    const epoch = Math.floor(this.#clock.now() / this.#bucketMs);
    const slot = epoch % this.#epochs.length;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#calls[slot] = 0;
      this.#failures[slot] = 0;
    }
    this.#calls[slot] = (this.#calls[slot] ?? 0) + 1;
    if (failed) this.#failures[slot] = (this.#failures[slot] ?? 0) + 1;
  }

  #open(error: unknown): void {
    this.#openedAt = this.#clock.now();
    this.#move("open", error);
  }

  // Every trial that started ends here once; a trial still running when
  // the breaker reopens or is restored ends into the new count, which never
  // goes below zero (it did, and let one trial too many in next time).
  #endTrial(): void {
    this.#trialsInFlight = Math.max(0, this.#trialsInFlight - 1);
  }

  #move(to: CircuitState, error?: unknown): void {
    const from = this.#state;
    this.#state = to;
    this.#trialSuccesses = 0;
    if (to === "closed") {
      this.#consecutive = 0;
      this.#epochs.fill(-1);
    }
    this.#emit(from, to, error);
  }

  #emit(from: CircuitState, to: CircuitState, error?: unknown): void {
    if (from !== to && this.changed.active) {
      const change: CircuitStateChange = {
        name: this.#name,
        from,
        to,
        at: this.#clock.now(),
        error,
      };
      this.changed.emit(change);
    }
  }

  snapshot(): CircuitBreakerSnapshot {
    const window: [number, number, number][] = [];
    for (let i = 0; i < this.#epochs.length; i++) {
      const epoch = this.#epochs[i] ?? -1;
      if (epoch >= 0) {
        window.push([epoch, this.#calls[i] ?? 0, this.#failures[i] ?? 0]);
      }
    }
    return {
      state: this.#state,
      openedAt: this.#state === "closed" ? null : this.#openedAt,
      consecutiveFailures: this.#consecutive,
      window,
    };
  }

  restore(snapshot: CircuitBreakerSnapshot): void {
    const from = this.#state;
    this.#load(snapshot);
    this.#emit(from, this.#state);
  }

  #load(snapshot: CircuitBreakerSnapshot): void {
    const states: readonly unknown[] = Object.values(CircuitState);
    if (!states.includes(snapshot?.state)) {
      invalid("state", snapshot?.state, "must be a CircuitState");
    }
    if (snapshot.state !== "closed" && typeof snapshot.openedAt !== "number") {
      invalid(
        "openedAt",
        snapshot.openedAt,
        "must be a number when not closed",
      );
    }
    this.#state = snapshot.state;
    this.#openedAt = snapshot.openedAt ?? 0;
    this.#consecutive = snapshot.consecutiveFailures ?? 0;
    this.#trialsInFlight = 0;
    this.#trialSuccesses = 0;
    this.#epochs.fill(-1);
    for (const [epoch, calls, failures] of snapshot.window ?? []) {
      if (this.#epochs.length === 0) break;
      const slot = epoch % this.#epochs.length;
      this.#epochs[slot] = epoch;
      this.#calls[slot] = calls;
      this.#failures[slot] = failures;
    }
  }
}
