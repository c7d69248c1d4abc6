// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode TimeoutPolicy}: a time limit per call, with one watchdog timer
 * per policy instead of one timer per call.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { type Clock, MAX_TIMER_DELAY_MS, systemClock } from "./clock.ts";
import { ResilienceTimeoutError } from "./errors.ts";
import {
  type AbandonListener,
  type Abandonment,
  Emitter,
  type Listener,
  PolicyBase,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/** Options for {@linkcode TimeoutPolicy}. */
export interface TimeoutOptions {
  /** The limit of one call, in milliseconds (upstream's `timeout`, in seconds there). */
  timeoutMs: number;
  /**
   * The time source of the watchdog.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

/** Passed to {@linkcode TimeoutPolicy.onTimeout} listeners. */
export interface TimeoutEvent {
  /** The operation name, if the call had one. */
  readonly operation: string | undefined;
  /** The limit that was exceeded. */
  readonly timeoutMs: number;
}

/**
 * Limits how long a call may take. When the limit passes first, the call
 * rejects with {@linkcode ResilienceTimeoutError} and the function's signal
 * is aborted with that error; when the function settles first, its value or
 * its error passes through unchanged (upstream converts a `TimeoutError`
 * the function raises itself; we do not). The caller's abort ends the wait
 * at once with the signal's reason. Stages inside the timeout hear when it
 * gives up on a call ({@linkcode PolicyScope.abandonment}): a
 * `CircuitBreakerPolicy` inside counts the timeout as a failure at that
 * moment, even when the function ignores its signal.
 *
 * Cost: one watchdog timer per policy, armed for the oldest pending call
 * and never one per call; the function's `AbortController` is created only
 * when the function reads `signal`. While a call is pending the watchdog
 * keeps the process alive, so a hung call still ends in a timeout; once
 * none is pending it is unref'd (it never delays an exit) and stops by
 * itself when it next fires.
 *
 * @example Usage
 * ```ts
 * import { ResilienceTimeoutError, TimeoutPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const policy = new TimeoutPolicy({ timeoutMs: 20 });
 * assert.equal(await policy.execute(() => "fast"), "fast");
 * let reason: unknown;
 * await assert.rejects(
 *   policy.execute(({ signal }) =>
 *     new Promise((_, reject) =>
 *       signal.addEventListener("abort", () => reject(reason = signal.reason))
 *     )
 *   ),
 *   ResilienceTimeoutError,
 * );
 * assert.ok(reason instanceof ResilienceTimeoutError);
 * ```
 */
export class TimeoutPolicy extends PolicyBase {
  readonly #stage: TimeoutStage;

  /**
   * Makes a timeout policy.
   *
   * @param options The limit and the clock.
   * @throws {InvalidAPIParameters} When `timeoutMs` is not a positive number.
   */
  constructor(options: TimeoutOptions) {
    const stage = new TimeoutStage(options);
    super([stage]);
    this.#stage = stage;
  }

  /**
   * The limit of one call.
   *
   * @returns The limit in milliseconds.
   */
  get timeoutMs(): number {
    return this.#stage.timeoutMs;
  }

  /**
   * How many calls are running under this policy.
   *
   * @returns The count.
   */
  get pending(): number {
    return this.#stage.pending;
  }

  /**
   * Listens for timeouts.
   *
   * @param listener Receives the operation and the limit.
   * @returns The registration; dispose of it to stop listening.
   */
  onTimeout(listener: (event: TimeoutEvent) => void): Listener {
    return this.#stage.timedOut.on(listener);
  }
}

/**
 * One pending call: a node in the stage's deadline-ordered list, and the
 * {@linkcode Abandonment} of the stages inside it.
 */
class TimeoutEntry implements PolicyScope, Abandonment {
  readonly #stage: TimeoutStage;
  readonly #parent: PolicyScope;
  readonly deadline: number;
  prev: TimeoutEntry | undefined = undefined;
  next: TimeoutEntry | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #outer: AbortSignal | undefined = undefined;
  #expired: ResilienceTimeoutError | undefined = undefined;
  #done = false;
  #resolve: ((value: unknown) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;
  #listeners: AbandonListener[] | undefined = undefined;
  /** Given up on: by the watchdog when `#expired` is set, else by the caller. */
  #abandoned = false;

  constructor(stage: TimeoutStage, parent: PolicyScope, deadline: number) {
    this.#stage = stage;
    this.#parent = parent;
    this.deadline = deadline;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      const outer = this.#parent.waitSignal;
      if (this.#expired !== undefined) this.#controller.abort(this.#expired);
      else if (outer?.aborted) this.#controller.abort(outer.reason);
    }
    return this.#controller.signal;
  }

  get waitSignal(): AbortSignal {
    return this.signal;
  }

  get attempt(): number {
    return this.#parent.attempt;
  }

  get operation(): string | undefined {
    return this.#parent.operation;
  }

  get onRetry(): (() => void) | undefined {
    return this.#parent.onRetry;
  }

  get abandonment(): Abandonment {
    return this;
  }

  watch(listener: AbandonListener): void {
    if (this.#abandoned) {
      const expired = this.#expired;
      listener.abandoned(expired ?? this.#outer?.reason, expired !== undefined);
    } else (this.#listeners ??= []).push(listener);
    // An enclosing timeout may give up on the call first.
    this.#parent.abandonment?.watch(listener);
  }

  start(inner: Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      const outer = this.#parent.waitSignal;
      if (outer !== undefined) {
        this.#outer = outer;
        outer.addEventListener("abort", this);
      }
      inner.then(
        (value) => this.#settle(value, false),
        (error) => this.#settle(error, true),
      );
    });
  }

  /** The caller aborted. */
  handleEvent(): void {
    const reason = this.#outer?.reason;
    if (this.#done) return;
    this.#stage.unlink(this);
    this.#finish();
    this.#abandon(reason, false);
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  /** The watchdog found this call past its deadline. */
  expire(): void {
    const error = new ResilienceTimeoutError(this.#stage.timeoutMs);
    this.#expired = error;
    this.#finish();
    // The stages inside hear it before the function's signal is aborted,
    // so a breaker counts the timeout, not what the function does next.
    this.#abandon(error, true);
    this.#controller?.abort(error);
    if (this.#stage.timedOut.active) {
      this.#stage.timedOut.emit({
        operation: this.operation,
        timeoutMs: this.#stage.timeoutMs,
      });
    }
    this.#reject?.(error);
  }

  #settle(outcome: unknown, failed: boolean): void {
    if (this.#done) return;
    this.#stage.unlink(this);
    this.#finish();
    if (failed) this.#reject?.(outcome);
    else this.#resolve?.(outcome);
  }

  #finish(): void {
    this.#done = true;
    this.#outer?.removeEventListener("abort", this);
  }

  #abandon(reason: unknown, timedOut: boolean): void {
    this.#abandoned = true;
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    this.#listeners = undefined;
    for (const listener of listeners) {
      try {
        listener.abandoned(reason, timedOut);
      } catch {
        // A listener's bug must not keep the caller from its timeout.
      }
    }
  }
}

class TimeoutStage implements PolicyStage {
  readonly timedOut: Emitter<TimeoutEvent> = new Emitter();
  readonly timeoutMs: number;
  readonly #clock: Clock;
  #head: TimeoutEntry | undefined = undefined;
  #tail: TimeoutEntry | undefined = undefined;
  #pending = 0;
  #timer: unknown = undefined;
  #armed = false;
  #idle = false;

  constructor(options: TimeoutOptions) {
    const { timeoutMs } = options;
    if (!(typeof timeoutMs === "number" && timeoutMs > 0)) {
      invalidOption("timeout", "timeoutMs", timeoutMs, "must be a number > 0");
    }
    this.timeoutMs = timeoutMs;
    this.#clock = options.clock ?? systemClock;
  }

  get pending(): number {
    return this.#pending;
  }

  run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    const outer = scope.waitSignal;
    if (outer?.aborted) return Promise.reject(outer.reason);
    const entry = new TimeoutEntry(
      this,
      scope,
      this.#clock.now() + this.timeoutMs,
    );
    // Every entry has the same limit, so appending keeps deadline order.
    if (this.#tail === undefined) this.#head = entry;
    else {
      this.#tail.next = entry;
      entry.prev = this.#tail;
    }
    this.#tail = entry;
    this.#pending++;
    if (!this.#armed) this.#arm(this.timeoutMs);
    else if (this.#idle) {
      this.#idle = false;
      this.#clock.ref?.(this.#timer);
    }
    return entry.start(runNext(chain, next, fn, entry));
  }

  unlink(entry: TimeoutEntry): void {
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = undefined;
    if (--this.#pending === 0 && this.#armed) {
      // Idle: the armed watchdog stays (re-arming per call would cost a
      // timer per call) but no longer keeps the process alive.
      this.#idle = true;
      this.#clock.unref?.(this.#timer);
    }
  }

  #arm(delay: number): void {
    this.#armed = true;
    this.#idle = false;
    // Clamped to what a timer holds: a longer delay overflows to 1 ms, and
    // the watchdog fired every millisecond. A far deadline re-arms on firing.
    this.#timer = this.#clock.setTimeout(
      this.#fire,
      Math.min(MAX_TIMER_DELAY_MS, Math.max(1, delay)),
    );
  }

  readonly #fire = (): void => {
    this.#armed = false;
    this.#timer = undefined;
    const now = this.#clock.now();
    let head = this.#head;
    while (head !== undefined && head.deadline <= now) {
      this.unlink(head);
      head.expire();
      head = this.#head;
    }
    if (head !== undefined) this.#arm(Math.ceil(head.deadline - now));
  };
}
