// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode LocalCron}: runs periodic tasks in this process (upstream
 * `LocalCron`), one schedule per task, with an initial delay, an interval, an
 * optional run timeout, failures logged and the schedule kept alive, and no
 * overlapping runs of one task.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { raceSignal } from "../_wait.ts";
import { type Clock, systemClock } from "../resilience/clock.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { CronClosedError, CronRunTimeoutError } from "./errors.ts";
import type { CronSchedule, CronTaskStats, PeriodicTask } from "./types.ts";

/** The longest delay a timer holds without overflowing (about 24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Options of {@linkcode LocalCron}. */
export interface LocalCronOptions {
  /**
   * Where failures, timeouts and skipped ticks are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * The time source and timers; a `ManualClock` (resilience) in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
  /**
   * How long `close()` lets running runs finish before aborting their
   * signals, in milliseconds.
   *
   * @default {5000}
   */
  closeGraceMs?: number | undefined;
}

/** Options of {@linkcode LocalCron.close}. */
export interface CronCloseOptions {
  /**
   * How long running runs may finish on their own before their signals
   * abort, in milliseconds.
   *
   * @default {the cron's closeGraceMs}
   */
  graceMs?: number | undefined;
  /**
   * The reason the runs' signals abort with.
   *
   * @default {a CronClosedError}
   */
  reason?: unknown;
  /**
   * Stops waiting for running runs: `close()` rejects with the signal's
   * reason (the cron is closed all the same; the runs are aborted).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

interface Loop {
  readonly task: PeriodicTask;
  readonly intervalMs: number;
  readonly initialDelayMs: number;
  readonly runTimeoutMs: number | undefined;
  readonly schedule: CronSchedule;
  timer: unknown;
  /** When the next run is due; for fixed-rate, the first run's start. */
  nextDue: number;
  controller: AbortController | undefined;
  running: Promise<void> | undefined;
  runs: number;
  failures: number;
  timeouts: number;
  skipped: number;
}

function checkTask(task: PeriodicTask, seen: Set<string>): void {
  const kind = "periodic task";
  if (typeof task?.name !== "string" || task.name === "") {
    invalidOption(kind, "name", task?.name, "a non-empty string");
  }
  if (seen.has(task.name)) {
    invalidOption(kind, "name", task.name, "unique within a cron");
  }
  seen.add(task.name);
  const positive = (field: "intervalMs" | "runTimeoutMs", value: unknown) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      invalidOption(
        `${kind} "${task.name}"`,
        field,
        value,
        "a finite number above 0",
      );
    }
  };
  positive("intervalMs", task.intervalMs);
  if (task.runTimeoutMs !== undefined) {
    positive("runTimeoutMs", task.runTimeoutMs);
  }
  const delay = task.initialDelayMs;
  if (
    delay !== undefined &&
    (typeof delay !== "number" || !Number.isFinite(delay) || delay < 0)
  ) {
    invalidOption(
      `${kind} "${task.name}"`,
      "initialDelayMs",
      delay,
      "a finite number of at least 0",
    );
  }
  const schedule = task.schedule;
  if (
    schedule !== undefined && schedule !== "fixed-rate" &&
    schedule !== "fixed-delay"
  ) {
    invalidOption(
      `${kind} "${task.name}"`,
      "schedule",
      schedule,
      '"fixed-rate" or "fixed-delay"',
    );
  }
  if (typeof task.run !== "function") {
    invalidOption(`${kind} "${task.name}"`, "run", task.run, "a function");
  }
}

function checkGrace(field: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    invalidOption("cron", field, value, "a finite number of at least 0");
  }
  return value;
}

/**
 * Runs {@linkcode PeriodicTask}s in this process on their own schedules
 * (upstream `LocalCron`).
 *
 * - The first run of a task starts `initialDelayMs` after `start()`; later
 *   runs follow its {@linkcode CronSchedule} (fixed rate by default).
 * - A run that throws or rejects is logged at `error` level and the task
 *   runs again at its next tick; nothing stops the schedule but `close()`.
 * - With `runTimeoutMs`, a run's signal aborts at the limit (reason
 *   {@linkcode CronRunTimeoutError}, logged at `warn`).
 * - Runs of one task never overlap: a tick that falls while the previous
 *   run is still going (a slow run, or one ignoring its aborted signal) is
 *   skipped, counted and logged at `warn`.
 * - `close()` stops scheduling, gives running runs `closeGraceMs` to end,
 *   then aborts their signals, and resolves once every run has ended. No
 *   timer is left behind.
 *
 * @example Run a task with a manual clock
 * ```ts
 * import { LocalCron } from "@backendai/common/cron";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const runs: number[] = [];
 * const cron = new LocalCron([{
 *   name: "tick",
 *   intervalMs: 1_000,
 *   initialDelayMs: 500,
 *   run: ({ scheduledAt }) => {
 *     runs.push(scheduledAt);
 *   },
 * }], { clock });
 * cron.start();
 * await clock.advance(2_600);
 * assert.deepEqual(runs, [500, 1_500, 2_500]);
 * await cron.close();
 * assert.equal(clock.pending, 0);
 * ```
 */
export class LocalCron implements AsyncDisposable {
  readonly #loops: Loop[];
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #closeGraceMs: number;
  #started = false;
  #closed = false;

  /**
   * Makes the cron; {@linkcode LocalCron.start} starts it.
   *
   * @param tasks The tasks, each with a unique name.
   * @param options Logger, clock and close grace period.
   * @throws {InvalidAPIParameters} When a task or an option is malformed
   * (`data.field` names it).
   */
  constructor(tasks: readonly PeriodicTask[], options: LocalCronOptions = {}) {
    const seen = new Set<string>();
    for (const task of tasks) checkTask(task, seen);
    this.#closeGraceMs = checkGrace("closeGraceMs", options.closeGraceMs) ??
      5_000;
    this.#logger = options.logger ?? consoleLogger;
    this.#clock = options.clock ?? systemClock;
    this.#loops = tasks.map((task) => ({
      task,
      intervalMs: task.intervalMs,
      initialDelayMs: task.initialDelayMs ?? 0,
      runTimeoutMs: task.runTimeoutMs,
      schedule: task.schedule ?? "fixed-rate",
      timer: undefined,
      nextDue: 0,
      controller: undefined,
      running: undefined,
      runs: 0,
      failures: 0,
      timeouts: 0,
      skipped: 0,
    }));
  }

  /**
   * Whether `start()` was called.
   *
   * @returns `true` once started.
   */
  get started(): boolean {
    return this.#started;
  }

  /**
   * Whether `close()` was called.
   *
   * @returns `true` once closing.
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Schedules every task's first run. Calling it again does nothing.
   *
   * @throws {CronClosedError} After `close()`.
   */
  start(): void {
    if (this.#closed) {
      throw new CronClosedError("Cannot start a closed cron");
    }
    if (this.#started) return;
    this.#started = true;
    const now = this.#clock.now();
    for (const loop of this.#loops) {
      loop.nextDue = now + loop.initialDelayMs;
      this.#schedule(loop);
    }
  }

  /**
   * What each task did so far.
   *
   * @returns One record per task, in the order given.
   */
  stats(): CronTaskStats[] {
    return this.#loops.map((loop) => ({
      name: loop.task.name,
      runs: loop.runs,
      failures: loop.failures,
      timeouts: loop.timeouts,
      skipped: loop.skipped,
      running: loop.running !== undefined,
    }));
  }

  #schedule(loop: Loop): void {
    const delay = loop.nextDue - this.#clock.now();
    if (delay > MAX_TIMER_DELAY_MS) {
      loop.timer = this.#clock.setTimeout(
        () => this.#schedule(loop),
        MAX_TIMER_DELAY_MS,
      );
      return;
    }
    loop.timer = this.#clock.setTimeout(
      () => this.#fire(loop),
      Math.max(0, delay),
    );
  }

  #fire(loop: Loop): void {
    loop.timer = undefined;
    if (this.#closed) return;
    const { task } = loop;
    const scheduledAt = loop.nextDue;
    const startedAt = this.#clock.now();
    const controller = new AbortController();
    loop.controller = controller;
    loop.runs++;
    let timeoutTimer: unknown;
    const limit = loop.runTimeoutMs;
    if (limit !== undefined) {
      timeoutTimer = this.#clock.setTimeout(() => {
        timeoutTimer = undefined;
        loop.timeouts++;
        this.#logger.warn(
          "cron: a periodic task run timed out; its signal is aborted",
          { task: task.name, runTimeoutMs: limit },
        );
        controller.abort(new CronRunTimeoutError(task.name, limit));
      }, limit);
    }
    let result: void | Promise<void>;
    try {
      result = task.run({ signal: controller.signal, scheduledAt });
    } catch (err) {
      result = Promise.reject(err);
    }
    loop.running = Promise.resolve(result).then(
      () => {},
      (err) => this.#failed(loop, controller.signal, err),
    ).finally(() => {
      if (timeoutTimer !== undefined) this.#clock.clearTimeout(timeoutTimer);
      loop.running = undefined;
      loop.controller = undefined;
      if (!this.#closed) this.#next(loop, startedAt);
    });
  }

  #failed(loop: Loop, signal: AbortSignal, err: unknown): void {
    // A run that ends with its own abort reason was stopped by us: the
    // timeout was logged when it fired, a close is expected.
    if (signal.aborted && err === signal.reason) return;
    loop.failures++;
    this.#logger.error("cron: a periodic task run failed", {
      task: loop.task.name,
      error: String(err),
      aborted: signal.aborted,
    });
  }

  #next(loop: Loop, startedAt: number): void {
    const now = this.#clock.now();
    if (loop.schedule === "fixed-delay") {
      loop.nextDue = now + loop.intervalMs;
    } else {
      // The first tick at or after now, on the grid of this run's tick.
      const base = loop.nextDue;
      const ticks = Math.max(1, Math.ceil((now - base) / loop.intervalMs));
      const missed = ticks - 1;
      loop.nextDue = base + ticks * loop.intervalMs;
      if (missed > 0) {
        loop.skipped += missed;
        this.#logger.warn(
          "cron: ticks skipped while the previous run was still going",
          {
            task: loop.task.name,
            skipped: missed,
            runMs: now - startedAt,
            intervalMs: loop.intervalMs,
          },
        );
      }
    }
    this.#schedule(loop);
  }

  /**
   * Stops scheduling, lets running runs finish for the grace period, then
   * aborts their signals; resolves once every run has ended (a run that
   * ignores its signal holds it up: pass `signal` to stop waiting). Calling
   * it again waits again.
   *
   * @param options Grace period, abort reason and a signal to stop waiting.
   * @throws {InvalidAPIParameters} When `graceMs` is malformed.
   * @throws {unknown} (as a rejection) The signal's reason when `signal`
   * aborts first.
   */
  async close(options: CronCloseOptions = {}): Promise<void> {
    const graceMs = checkGrace("graceMs", options.graceMs) ??
      this.#closeGraceMs;
    this.#closed = true;
    for (const loop of this.#loops) {
      if (loop.timer !== undefined) this.#clock.clearTimeout(loop.timer);
      loop.timer = undefined;
    }
    const running = this.#loops.filter((loop) => loop.running !== undefined);
    if (running.length === 0) return;
    const all = Promise.all(running.map((loop) => loop.running));
    const { signal } = options;
    try {
      if (graceMs > 0) {
        let timer: unknown;
        const grace = new Promise<boolean>((resolve) => {
          timer = this.#clock.setTimeout(() => resolve(false), graceMs);
        });
        try {
          const ended = all.then(() => true);
          if (await raceSignal(Promise.race([ended, grace]), signal)) return;
        } finally {
          this.#clock.clearTimeout(timer);
        }
      }
      this.#abort(running, options.reason);
      await raceSignal(all, signal);
    } catch (err) {
      this.#abort(running, options.reason);
      throw err;
    }
  }

  #abort(loops: readonly Loop[], reason: unknown): void {
    const still = loops.filter((loop) =>
      loop.controller !== undefined && !loop.controller.signal.aborted
    );
    if (still.length === 0) return;
    this.#logger.warn("cron: aborting runs still going at close", {
      tasks: still.map((loop) => loop.task.name),
    });
    for (const loop of still) {
      loop.controller?.abort(
        reason ??
          new CronClosedError(
            `Periodic task ${
              JSON.stringify(loop.task.name)
            } aborted: the cron closed`,
            { data: { task: loop.task.name } },
          ),
      );
    }
  }

  /** Same as {@linkcode LocalCron.close} with the default grace period. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
