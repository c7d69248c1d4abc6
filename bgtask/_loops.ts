// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode MaintenanceLoops}: a manager's two periodic jobs, the heartbeat
 * that keeps this server's retriable tasks alive in the store and the check
 * that revives orphaned ones.
 *
 * @module
 */

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
 * The heartbeat and orphan loops: each runs, then waits its interval, until
 * {@linkcode MaintenanceLoops.stop}. Failures are logged, never thrown.
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
  #heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
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
    return Number(this.#heartbeatTimer !== undefined) +
      Number(this.#retryTimer !== undefined);
  }

  /** Runs both jobs once at once, as upstream, then schedules them. */
  async start(): Promise<void> {
    await this.#heartbeat();
    await this.#checkOrphansLogged();
    this.#scheduleHeartbeat();
    this.#scheduleRetry();
  }

  /** Cancels the timers; a job running now is not scheduled again. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#heartbeatTimer);
    clearTimeout(this.#retryTimer);
    this.#heartbeatTimer = this.#retryTimer = undefined;
  }

  #scheduleHeartbeat(): void {
    if (this.#stopped) return;
    this.#heartbeatTimer = setTimeout(async () => {
      await this.#heartbeat();
      this.#scheduleHeartbeat();
    }, this.#heartbeatMs);
  }

  #scheduleRetry(): void {
    if (this.#stopped) return;
    this.#retryTimer = setTimeout(async () => {
      await this.#checkOrphansLogged();
      this.#scheduleRetry();
    }, this.#retryMs);
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
