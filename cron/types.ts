// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * What a cron runs: {@linkcode PeriodicTask}, and what it reports about each
 * task: {@linkcode CronTaskStats}.
 *
 * @module
 */

/**
 * When a periodic task's next run is due.
 *
 * - `"fixed-rate"` (the default): runs start every `intervalMs`, counted
 *   from the first run's start; a run that outlasts the interval makes the
 *   ticks that fall during it be skipped (counted in
 *   {@linkcode CronTaskStats.skipped} and logged), and the next run starts at
 *   the first tick after it ends. Runs never overlap and never bunch up.
 * - `"fixed-delay"`: upstream's loop: the next run starts `intervalMs` after
 *   the previous one ended, so a slow run delays every later one.
 */
export type CronSchedule = "fixed-rate" | "fixed-delay";

/** What a run of a {@linkcode PeriodicTask} gets. */
export interface PeriodicTaskContext {
  /**
   * Aborted when the run outlives `runTimeoutMs` (reason
   * `CronRunTimeoutError`) or the cron closes and the grace period runs out
   * (reason `CronClosedError`, or the reason given to `close()`). Pass it to
   * every wait.
   */
  readonly signal: AbortSignal;
  /** When this run was due, on the cron's clock (milliseconds). */
  readonly scheduledAt: number;
}

/**
 * A unit of work run periodically (upstream `PeriodicTask`, with times in
 * milliseconds).
 *
 * @example A task object
 * ```ts
 * import type { PeriodicTask } from "@backendai/common/cron";
 * import assert from "node:assert/strict";
 *
 * let sweeps = 0;
 * const sweep: PeriodicTask = {
 *   name: "sweep",
 *   intervalMs: 60_000,
 *   initialDelayMs: 5_000,
 *   runTimeoutMs: 10_000,
 *   run: async ({ signal }) => {
 *     if (!signal.aborted) sweeps++;
 *   },
 * };
 * await sweep.run({ signal: new AbortController().signal, scheduledAt: 0 });
 * assert.equal(sweeps, 1);
 * ```
 */
export interface PeriodicTask {
  /** The name used in logs and {@linkcode CronTaskStats}; unique in a cron. */
  readonly name: string;
  /** The time between runs, in milliseconds (see {@linkcode CronSchedule}). */
  readonly intervalMs: number;
  /**
   * The wait before the first run, in milliseconds.
   *
   * @default {0}
   */
  readonly initialDelayMs?: number | undefined;
  /**
   * How long one run may take before its signal is aborted, in
   * milliseconds; none when undefined. A run that ignores its signal still
   * keeps the next run from starting until it ends.
   *
   * @default {undefined}
   */
  readonly runTimeoutMs?: number | undefined;
  /**
   * When the next run is due.
   *
   * @default {"fixed-rate"}
   */
  readonly schedule?: CronSchedule | undefined;
  /**
   * Does the work. A thrown error or a rejection is logged and the task
   * runs again at its next tick.
   *
   * @param context The abort signal and when the run was due.
   */
  run(context: PeriodicTaskContext): void | Promise<void>;
}

/** What a cron counts for one task (see `LocalCron.stats()`). */
export interface CronTaskStats {
  /** The task's name. */
  readonly name: string;
  /** Runs started. */
  readonly runs: number;
  /** Runs that threw or rejected (timed-out runs not included). */
  readonly failures: number;
  /** Runs whose signal was aborted by `runTimeoutMs`. */
  readonly timeouts: number;
  /** Ticks skipped because the previous run was still going. */
  readonly skipped: number;
  /** Whether a run is going now. */
  readonly running: boolean;
}
