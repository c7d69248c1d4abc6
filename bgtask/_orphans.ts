// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode OrphanReviver}: claims the retriable tasks a dead server left
 * behind (upstream's retry check) and hands the ones it can run to the
 * manager, all at once; the ones it cannot run here are failed once, so
 * that no check claims them again.
 *
 * What is run again: a single task whose one ongoing subtask is
 * `__whole__`, whose handler is registered and whose manifest passes the
 * handler's schema.
 * Everything else is failed with a message that says why: an unknown
 * handler (upstream's message), a manifest that fails the schema, and, a
 * deliberate difference from upstream, parallel and batch tasks and single
 * tasks without exactly one ongoing subtask, `__whole__`. Upstream's `_retry_bgtask`
 * runs the handler once per ongoing subtask of a parallel task, with the
 * task's manifest and no subkey (so each run repeats the whole task), and
 * unregisters the task when the first run ends; for a batch task it starts
 * those runs and then raises "Unsupported task type", leaving the task to
 * be claimed again. Nothing in upstream creates either kind today.
 *
 * @module
 */

import type { Logger } from "../utils.ts";
import type {
  BackgroundTaskHandler,
  BackgroundTaskHandlerRegistry,
} from "./handler.ts";
import type { BgtaskStore } from "./store.ts";
import { type StoredTask, TaskType, WHOLE_TASK_KEY } from "./types.ts";
import type { TaskPublisher } from "./_publisher.ts";
import { BgtaskNotRegisteredError } from "./errors.ts";

/** A claimed orphan, ready to run again here. */
export interface RevivedTask {
  /** The task id. */
  readonly taskId: string;
  /** The handler's name. */
  readonly name: string;
  /** The stored progress. */
  readonly current: number;
  /** The stored total. */
  readonly total: number;
  /** The handler that runs it. */
  readonly handler: BackgroundTaskHandler<unknown>;
  /** The stored manifest, checked by the handler's schema. */
  readonly manifest: unknown;
}

/** What an {@linkcode OrphanReviver} works with. */
export interface OrphanReviverOptions {
  /** Where the orphans are. */
  readonly store: BgtaskStore;
  /** The handlers that can run them. */
  readonly registry: BackgroundTaskHandlerRegistry;
  /** This server's id. */
  readonly serverId: string;
  /** This server's tags. */
  readonly tags: readonly string[];
  /** Where problems are logged. */
  readonly logger: Logger;
  /** The tasks running here, by id: never revived twice. */
  readonly running: ReadonlyMap<string, unknown>;
  /** Whether the manager is closing: claimed orphans are then not started. */
  readonly closing: () => boolean;
  /** Records the end of the tasks it cannot revive. */
  readonly publisher: TaskPublisher;
  /**
   * Runs a claimed orphan on this server; `false` when the manager refused
   * it (it is closing).
   */
  readonly launch: (task: RevivedTask) => boolean;
}

/** Why a stored task is not run again here, or `undefined` when it is. */
function notRevivable(task: StoredTask): string | undefined {
  const { taskType } = task.info;
  if (taskType !== TaskType.SINGLE) {
    return `Task not revived: a ${taskType} task is not revived here (only single tasks are)`;
  }
  const ongoing = task.subtasks.filter((s) => s.status === "ongoing");
  if (ongoing.length !== 1) {
    return `Task not revived: a single task needs exactly one ongoing subtask, it has ${ongoing.length}`;
  }
  // Upstream registers a single task's one subtask as `__whole__`, and the
  // manager reports progress and the end there.
  if (ongoing[0]?.key !== WHOLE_TASK_KEY) {
    return `Task not revived: a single task's subtask must be "${WHOLE_TASK_KEY}", not "${
      ongoing[0]?.key
    }"`;
  }
  return undefined;
}

/**
 * Claims the orphaned tasks of a server and its tags and hands each to
 * `launch`, or fails it once when it cannot run here.
 */
export class OrphanReviver {
  readonly #store: BgtaskStore;
  readonly #registry: BackgroundTaskHandlerRegistry;
  readonly #serverId: string;
  readonly #tags: readonly string[];
  readonly #logger: Logger;
  readonly #running: ReadonlyMap<string, unknown>;
  readonly #closing: () => boolean;
  readonly #publisher: TaskPublisher;
  readonly #launch: (task: RevivedTask) => boolean;

  /**
   * Makes a reviver.
   *
   * @param options The store, handlers, server, publisher and the manager's callbacks.
   */
  constructor(options: OrphanReviverOptions) {
    this.#store = options.store;
    this.#registry = options.registry;
    this.#serverId = options.serverId;
    this.#tags = options.tags;
    this.#logger = options.logger;
    this.#running = options.running;
    this.#closing = options.closing;
    this.#publisher = options.publisher;
    this.#launch = options.launch;
  }

  /**
   * Claims the orphans and runs them again, every one at once. An orphan
   * that fails to be claimed or failed is logged; the others go on.
   *
   * @returns How many tasks were revived.
   */
  async revive(): Promise<number> {
    const orphans = await this.#store.fetchUnmanagedTasks(
      this.#serverId,
      this.#tags,
    );
    const revived = await Promise.all(
      orphans.map((orphan) =>
        this.#reviveOne(orphan).catch((err) => {
          this.#logger.warn("bgtask: an orphaned task was not revived", {
            taskId: orphan.info.taskId,
            error: String(err),
          });
          return false;
        })
      ),
    );
    return revived.filter(Boolean).length;
  }

  async #reviveOne(orphan: StoredTask): Promise<boolean> {
    // Claimed but not started: the store's TTL lets another server (or this
    // one restarted) claim it again later.
    if (this.#closing()) return false;
    const { info } = orphan;
    if (this.#running.has(info.taskId)) return false;
    if (!this.#registry.has(info.taskName)) {
      await this.#abandon(
        orphan,
        new BgtaskNotRegisteredError(info.taskName).message,
      );
      return false;
    }
    const reason = notRevivable(orphan);
    if (reason !== undefined) {
      await this.#abandon(orphan, reason);
      return false;
    }
    const handler = this.#registry.get(info.taskName);
    const parsed = handler.manifest.safeParse(info.body);
    if (!parsed.success) {
      await this.#abandon(
        orphan,
        `Task failed with exception: ${parsed.error.message}`,
      );
      return false;
    }
    await this.#store.claimTask(info.taskId, this.#serverId, this.#tags);
    // close() may have begun while the claim was on its way.
    if (this.#closing() || this.#running.has(info.taskId)) return false;
    const sub = orphan.subtasks.find((s) => s.status === "ongoing");
    return this.#launch({
      taskId: info.taskId,
      name: info.taskName,
      current: sub?.currentProgress ?? 0,
      total: sub?.totalProgress ?? 0,
      handler,
      manifest: parsed.data,
    });
  }

  async #abandon(orphan: StoredTask, message: string): Promise<void> {
    if (this.#closing()) return;
    this.#logger.warn("bgtask: an orphaned task is failed, not revived", {
      taskId: orphan.info.taskId,
      taskName: orphan.info.taskName,
      reason: message,
    });
    await this.#publisher.abandon(orphan, message);
  }
}
