// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode LeaderCron}: periodic tasks that run only on the leader
 * (upstream `LeaderCron`).
 *
 * @module
 */

import { LocalCron, type LocalCronOptions } from "../cron/local_cron.ts";
import type { PeriodicTask } from "../cron/types.ts";
import type { LeaderTask, LeaderTaskContext } from "./types.ts";

/** Options of {@linkcode LeaderCron}. */
export interface LeaderCronOptions extends LocalCronOptions {
  /**
   * The name of this leader task in logs.
   *
   * @default {"leader-cron"}
   */
  name?: string | undefined;
}

/**
 * A {@linkcode LeaderTask} that runs {@linkcode PeriodicTask}s with a
 * {@linkcode LocalCron} for each term: the schedules start when this
 * server is elected (each task's initial delay counted from then) and stop
 * when it loses leadership, running runs aborted at once with the
 * `LeadershipLostError` as their signal's reason. Upstream's `LeaderCron`
 * keeps its loops running on every server and checks `is_leader` at each
 * tick, so a run that began just before a loss goes on; here it is aborted.
 *
 * @example Run a sweep only on the leader
 * ```ts
 * import { LeaderCron, LeaderElection, MemoryLeaderStore } from "@backendai/common/leader";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const store = new MemoryLeaderStore({ clock });
 * const sweeps: string[] = [];
 * const servers = ["a", "b"].map((serverId) => {
 *   const election = new LeaderElection({ store, serverId, clock });
 *   election.register(new LeaderCron([{
 *     name: "sweep",
 *     intervalMs: 60_000,
 *     run: () => void sweeps.push(serverId),
 *   }], { clock }));
 *   return election;
 * });
 * for (const election of servers) await election.start();
 * await clock.advance(180_000);
 * assert.deepEqual(sweeps, ["a", "a", "a", "a"]);
 * for (const election of servers) await election.close();
 * ```
 */
export class LeaderCron implements LeaderTask {
  /** The name of this leader task in logs. */
  readonly name: string;
  readonly #tasks: readonly PeriodicTask[];
  readonly #options: LocalCronOptions;

  /**
   * Checks the tasks and keeps them for each term.
   *
   * @param tasks The periodic tasks, each with a unique name.
   * @param options The cron's logger, clock and close grace, and a name.
   * @throws {InvalidAPIParameters} When a task or an option is malformed.
   */
  constructor(
    tasks: readonly PeriodicTask[],
    options: LeaderCronOptions = {},
  ) {
    // Checks the tasks now rather than at the first election.
    new LocalCron(tasks, options);
    this.name = options.name ?? "leader-cron";
    this.#tasks = [...tasks];
    this.#options = {
      logger: options.logger,
      clock: options.clock,
      closeGraceMs: options.closeGraceMs,
    };
  }

  /**
   * Runs the tasks until `signal` aborts, then stops them.
   *
   * @param context The term's signal.
   */
  async run(context: LeaderTaskContext): Promise<void> {
    const { signal } = context;
    if (signal.aborted) return;
    const cron = new LocalCron(this.#tasks, this.#options);
    cron.start();
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true })
    );
    await cron.close({ graceMs: 0, reason: signal.reason });
  }
}
