// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode GlobalTimer}: anycasts an event once per interval across the
 * cluster (upstream `distributed.GlobalTimer`).
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { raceSignal } from "../_wait.ts";
import type { Event } from "../events/define.ts";
import { type Clock, systemClock } from "../resilience/clock.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { LeaderElectionError } from "./errors.ts";
import type { ClaimResult, LeaderStore } from "./types.ts";

/**
 * What sends a {@linkcode GlobalTimer}'s events: an `EventProducer` (of
 * `@backendai/common/events`), or anything with its `anycast`.
 *
 * @example An EventProducer is one
 * ```ts
 * import type { EventAnycaster } from "@backendai/common/leader";
 * import { EventProducer } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 *
 * await using queue = new MemoryQueue();
 * const producer: EventAnycaster = new EventProducer(queue, { source: "manager" });
 * ```
 */
export interface EventAnycaster {
  /**
   * Sends an event to one consumer of every group.
   *
   * @param event The event.
   * @param options An abort signal.
   * @returns Whatever the sender returns (an entry id).
   */
  anycast(
    event: Event,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<unknown>;
}

/** Options of {@linkcode GlobalTimer}. */
export interface GlobalTimerOptions {
  /** Where ticks are claimed: a `RedisLeaderStore` or a `MemoryLeaderStore`. */
  store: LeaderStore;
  /** What sends the event (an `EventProducer`). */
  producer: EventAnycaster;
  /** Makes the event of each tick (upstream `event_factory`). */
  event: () => Event;
  /**
   * The key every server's timer of this kind shares. To share ticks with
   * a Python `GlobalTimer` on upstream's `redlock` backend, use the same
   * key (its `LockID` as a decimal string, e.g. `"196"` for the idle
   * checker) in the same DB (5).
   */
  key: string;
  /** This server's id (the claim's value, for diagnostics). */
  serverId: string;
  /**
   * The interval, in milliseconds (upstream: 10 s).
   *
   * @default {10000}
   */
  intervalMs?: number | undefined;
  /**
   * The wait before this server's first claim, in milliseconds.
   *
   * @default {0}
   */
  initialDelayMs?: number | undefined;
  /**
   * The most a server adds at random to its wait for the next claim, in
   * milliseconds, so that servers do not all ask at the same instant.
   *
   * @default {min(25, intervalMs / 20)}
   */
  jitterMs?: number | undefined;
  /**
   * Where failed claims and sends are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * This server's timers; a `ManualClock` (with a `MemoryLeaderStore` on the
   * same clock) in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
  /**
   * Random numbers in [0, 1) for the jitter.
   *
   * @default {Math.random}
   */
  random?: (() => number) | undefined;
}

/** What a {@linkcode GlobalTimer} counts. */
export interface GlobalTimerStats {
  /** Ticks this server claimed. */
  readonly claimed: number;
  /** Events this server sent. */
  readonly fired: number;
  /** Claims or sends that failed (each logged). */
  readonly failures: number;
}

function checkNumber(
  field: string,
  value: number,
  minimum: number,
  inclusive: boolean,
): number {
  if (
    typeof value !== "number" || !Number.isFinite(value) ||
    (inclusive ? value < minimum : value <= minimum)
  ) {
    invalidOption(
      "global timer",
      field,
      value,
      `a finite number ${inclusive ? "of at least" : "above"} ${minimum}`,
    );
  }
  return value;
}

/**
 * Anycasts an event once per interval across every server running a timer
 * with the same key (upstream `GlobalTimer`).
 *
 * Upstream holds a distributed lock for the whole interval (anycast, then
 * sleep inside the lock; the lock's lifetime is at least the interval), so
 * two events are at least an interval apart; a holder that dies mid-sleep
 * blocks the timer until the lock's lifetime runs out (up to twice the
 * interval). Here each tick is claimed in the store with
 * `SET key id NX PX interval`: the claim expires by itself after exactly
 * one interval, so
 *
 * - two claims, and so two events, are at least one interval apart on the
 *   store's clock, whichever servers make them; no server holds anything
 *   between ticks, so a server killed at any moment delays nothing;
 * - every server waits for the current claim's remaining time (plus a few
 *   milliseconds of jitter) and asks again; one of them wins the next tick.
 *
 * A send that fails is logged and that interval has no event (the next
 * tick is not brought forward). A claim answered later than the interval
 * minus a tenth is not acted on, so a stalled server does not send an
 * event into its successor's interval. The event is sent after the claim:
 * a server that stalls between the two for most of an interval can still
 * put two events closer than one interval (upstream's lock has the same
 * window).
 *
 * @example Three servers, one event per interval
 * ```ts
 * import { GlobalTimer, MemoryLeaderStore } from "@backendai/common/leader";
 * import { DoSokovanProcessScheduleEvent } from "@backendai/common/events";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const store = new MemoryLeaderStore({ clock });
 * const sent: string[] = [];
 * const timers = ["a", "b", "c"].map((serverId) =>
 *   new GlobalTimer({
 *     store, clock, serverId, key: "timer:schedule", intervalMs: 1_000,
 *     producer: { anycast: async () => void sent.push(serverId) },
 *     event: () => DoSokovanProcessScheduleEvent.create({ schedule_type: "schedule" }),
 *   })
 * );
 * for (const timer of timers) timer.start();
 * await clock.advance(4_999);
 * assert.equal(sent.length, 5); // at 0, 1, 2, 3 and 4 s (plus jitter)
 * for (const timer of timers) await timer.close();
 * assert.equal(clock.pending, 0);
 * ```
 */
export class GlobalTimer implements AsyncDisposable {
  readonly #store: LeaderStore;
  readonly #producer: EventAnycaster;
  readonly #event: () => Event;
  readonly #key: string;
  readonly #serverId: string;
  readonly #intervalMs: number;
  readonly #initialDelayMs: number;
  readonly #jitterMs: number;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #random: () => number;
  #timer: unknown;
  #running: Promise<void> | undefined;
  #controller: AbortController | undefined;
  #started = false;
  #closed = false;
  #claimed = 0;
  #fired = 0;
  #failures = 0;

  /**
   * Makes a timer; {@linkcode GlobalTimer.start} starts it.
   *
   * @param options The store, producer, event, key, server id and timings.
   * @throws {InvalidAPIParameters} When an option is malformed.
   */
  constructor(options: GlobalTimerOptions) {
    for (const field of ["key", "serverId"] as const) {
      const value = options[field];
      if (typeof value !== "string" || value === "") {
        invalidOption("global timer", field, value, "a non-empty string");
      }
    }
    if (typeof options.event !== "function") {
      invalidOption("global timer", "event", options.event, "a function");
    }
    this.#store = options.store;
    this.#producer = options.producer;
    this.#event = options.event;
    this.#key = options.key;
    this.#serverId = options.serverId;
    this.#intervalMs = checkNumber(
      "intervalMs",
      options.intervalMs ?? 10_000,
      1,
      true,
    );
    this.#initialDelayMs = checkNumber(
      "initialDelayMs",
      options.initialDelayMs ?? 0,
      0,
      true,
    );
    this.#jitterMs = checkNumber(
      "jitterMs",
      options.jitterMs ?? Math.min(25, this.#intervalMs / 20),
      0,
      true,
    );
    this.#logger = options.logger ?? consoleLogger;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
  }

  /**
   * What this server's timer did so far.
   *
   * @returns The counts.
   */
  stats(): GlobalTimerStats {
    return {
      claimed: this.#claimed,
      fired: this.#fired,
      failures: this.#failures,
    };
  }

  /** Schedules the first claim after `initialDelayMs`; again does nothing. */
  start(): void {
    if (this.#closed) {
      throw new LeaderElectionError("Cannot start a closed global timer", {
        data: { key: this.#key },
      });
    }
    if (this.#started) return;
    this.#started = true;
    this.#schedule(this.#initialDelayMs);
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    const jitter = this.#jitterMs * this.#random();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#tick().finally(() => (this.#running = undefined));
    }, Math.max(0, delayMs) + jitter);
  }

  async #tick(): Promise<void> {
    const interval = this.#intervalMs;
    // A claim answered after this is not acted on (see the class doc).
    const usableMs = interval - interval / 10;
    const controller = new AbortController();
    this.#controller = controller;
    const timer = this.#clock.setTimeout(
      () =>
        controller.abort(
          new LeaderElectionError(
            `Claim of ${
              JSON.stringify(this.#key)
            } not answered within ${usableMs} ms`,
            { data: { key: this.#key, limitMs: usableMs } },
          ),
        ),
      usableMs,
    );
    const sentAt = this.#clock.now();
    let claim: ClaimResult;
    try {
      claim = await raceSignal(
        this.#store.claimTick(this.#key, this.#serverId, interval, {
          signal: controller.signal,
        }),
        controller.signal,
      );
    } catch (err) {
      this.#clock.clearTimeout(timer);
      this.#controller = undefined;
      if (this.#closed) return;
      this.#failures++;
      this.#logger.warn("global timer: claim failed", {
        key: this.#key,
        error: String(err),
      });
      this.#schedule(Math.min(interval, 1_000));
      return;
    }
    this.#clock.clearTimeout(timer);
    if (this.#closed) return;
    if (!claim.claimed) {
      this.#controller = undefined;
      const remaining = claim.remainingMs;
      this.#schedule(
        remaining >= 0 ? Math.min(interval, remaining + 1) : interval,
      );
      return;
    }
    this.#claimed++;
    try {
      await this.#producer.anycast(this.#event(), {
        signal: controller.signal,
      });
      this.#fired++;
    } catch (err) {
      if (!this.#closed) {
        this.#failures++;
        this.#logger.error(
          "global timer: sending the event failed; this interval has none",
          { key: this.#key, error: String(err) },
        );
      }
    } finally {
      this.#controller = undefined;
    }
    this.#schedule(sentAt + interval - this.#clock.now());
  }

  /**
   * Stops: no more claims; a send in progress is aborted and awaited.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#controller?.abort(
      new LeaderElectionError("The global timer is closed", {
        data: { key: this.#key },
      }),
    );
    await this.#running;
  }

  /** Same as {@linkcode GlobalTimer.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
