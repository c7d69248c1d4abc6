// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode MaintenanceLoops}: a manager's two periodic jobs, the heartbeat
 * that keeps this server's retriable tasks alive in the store and the check
 * that revives orphaned ones, scheduled by a `LocalCron`.
 *
 * @module
 */

import { LocalCron } from "../cron/mod.ts";
import type { Logger } from "../utils.ts";
import type { BgtaskStore } from "./store.ts";
import { WHOLE_TASK_KEY } from "./types.ts";
import type { RunningTask } from "./_task.ts";

/** What {@linkcode MaintenanceLoops} work with. */
export interface MaintenanceLoopsOptions {
  /** Where retriable tasks are stored. */
  readonly store: BgtaskStore;
  /** This server's id. */
  readonly serverId: string;
  /** This server's tags. */
  readonly tags: readonly string[];
  /** Where failures are logged. */
  readonly logger: Logger;
  /** The tasks running here, by id. */
  readonly running: ReadonlyMap<string, RunningTask>;
  /** How often the heartbeat runs, in ms. */
  readonly heartbeatMs: number;
  /** How often orphans are looked for, in ms. */
  readonly retryMs: number;
  /** Looks for orphans and revives them. */
  readonly checkOrphans: () => Promise<unknown>;
}

/**
 * The heartbeat and orphan loops: both run once at start (as upstream), then
 * each waits its interval after a run ends (a `LocalCron` task with the
 * `"fixed-delay"` schedule), until {@linkcode MaintenanceLoops.stop}.
 * Failures are logged, never thrown.
 */
export class MaintenanceLoops {
  readonly #store: BgtaskStore;
  readonly #serverId: string;
  readonly #tags: readonly string[];
  readonly #logger: Logger;
  readonly #running: ReadonlyMap<string, RunningTask>;
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #checkOrphans: () => Promise<unknown>;
  #cron: LocalCron | undefined;
  #stopped = false;

  /**
   * Makes the loops; {@linkcode MaintenanceLoops.start} starts them.
   *
   * @param options The store, server, running tasks, intervals and orphan check.
   */
  constructor(options: MaintenanceLoopsOptions) {
    this.#store = options.store;
    this.#serverId = options.serverId;
    this.#tags = options.tags;
    this.#logger = options.logger;
    this.#running = options.running;
    this.#heartbeatMs = options.heartbeatMs;
    this.#retryMs = options.retryMs;
    this.#checkOrphans = options.checkOrphans;
  }

  /**
   * How many loops are scheduled (0 to 2).
   *
   * @returns The count.
   */
  get scheduled(): number {
    return this.#cron === undefined || this.#cron.closed ? 0 : 2;
  }

  /** Runs both jobs once at once, as upstream, then schedules them. */
  async start(): Promise<void> {
    await this.#heartbeat();
    await this.#checkOrphansLogged();
    if (this.#stopped) return;
    this.#cron = new LocalCron([
      {
        name: "bgtask-heartbeat",
        intervalMs: this.#heartbeatMs,
        initialDelayMs: this.#heartbeatMs,
        schedule: "fixed-delay",
        run: () => this.#heartbeat(),
      },
      {
        name: "bgtask-orphan-check",
        intervalMs: this.#retryMs,
        initialDelayMs: this.#retryMs,
        schedule: "fixed-delay",
        run: () => this.#checkOrphansLogged(),
      },
    ], { logger: this.#logger, closeGraceMs: 0 });
    this.#cron.start();
  }

  /**
   * Stops scheduling; resolves once a job running now has ended (neither
   * job is aborted: both are short store calls).
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#cron?.close();
  }

  async #heartbeat(): Promise<void> {
    // A settled task is finishing: its shortened lifetime must not be
    // renewed by a heartbeat landing after the finish.
    const tasks = [...this.#running.values()]
      .filter((task) => task.retriable && !task.settled)
      .map((task) => ({ taskId: task.taskId, subkeys: [WHOLE_TASK_KEY] }));
    try {
      await this.#store.heartbeat(tasks, this.#serverId, this.#tags);
    } catch (err) {
      this.#logger.warn("bgtask: heartbeat failed", { error: String(err) });
    }
  }

  async #checkOrphansLogged(): Promise<void> {
    try {
      await this.#checkOrphans();
    } catch (err) {
      this.#logger.warn("bgtask: orphan check failed", { error: String(err) });
    }
  }
}
