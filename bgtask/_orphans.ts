// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode OrphanReviver}: claims the retriable tasks a dead server left
 * behind (upstream's retry check) and hands the ones it can run to the
 * manager; the ones no handler here can run are marked failed.
 *
 * @module
 */

import { BgtaskFailedEvent } from "../events/catalogue/bgtask.ts";
import type { Logger } from "../utils.ts";
import type {
  BackgroundTaskHandler,
  BackgroundTaskHandlerRegistry,
} from "./handler.ts";
import type { BgtaskStore } from "./store.ts";
import { BgtaskStatus, TaskType, WHOLE_TASK_KEY } from "./types.ts";
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
  /** Records the end of the subtasks it cannot revive. */
  readonly publisher: TaskPublisher;
  /** Runs a claimed orphan on this server. */
  readonly launch: (task: RevivedTask) => void;
}

/**
 * Claims the orphaned tasks of a server and its tags and hands each to
 * `launch`, or marks it failed when it cannot run here.
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
  readonly #launch: (task: RevivedTask) => void;

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
   * Claims the orphans and runs them again.
   *
   * @returns How many tasks were revived.
   */
  async revive(): Promise<number> {
    const orphans = await this.#store.fetchUnmanagedTasks(
      this.#serverId,
      this.#tags,
    );
    let revived = 0;
    for (const orphan of orphans) {
      // Claimed but not started: the store's TTL lets another server (or
      // this one restarted) claim it again later.
      if (this.#closing()) break;
      const { info } = orphan;
      if (this.#running.has(info.taskId)) continue;
      const ongoing = orphan.subtasks.filter((s) => s.status === "ongoing");
      if (!this.#registry.has(info.taskName)) {
        const message = new BgtaskNotRegisteredError(info.taskName).message;
        for (const sub of ongoing) {
          await this.#failOrphan(
            info.taskId,
            sub.key,
            message,
            "bgtask_execute_not-found",
          );
        }
        continue;
      }
      if (info.taskType !== TaskType.SINGLE || ongoing.length !== 1) {
        this.#logger.warn(
          "bgtask: only single tasks with one ongoing subtask are revived",
          {
            taskId: info.taskId,
            taskType: info.taskType,
            ongoing: ongoing.length,
          },
        );
        continue;
      }
      const handler = this.#registry.get(info.taskName);
      const parsed = handler.manifest.safeParse(info.body);
      if (!parsed.success) {
        const message = `Task failed with exception: ${parsed.error.message}`;
        await this.#failOrphan(
          info.taskId,
          WHOLE_TASK_KEY,
          message,
          "bgtask_read_invalid-data-format",
        );
        continue;
      }
      await this.#store.claimTask(info.taskId, this.#serverId, this.#tags);
      const sub = ongoing[0];
      this.#launch({
        taskId: info.taskId,
        name: info.taskName,
        current: sub?.currentProgress ?? 0,
        total: sub?.totalProgress ?? 0,
        handler,
        manifest: parsed.data,
      });
      revived++;
    }
    return revived;
  }

  /** Marks a stored subtask that cannot be revived as failed. */
  #failOrphan(
    taskId: string,
    subkey: string,
    message: string,
    errorCode: string,
  ): Promise<void> {
    return this.#publisher.finish(taskId, subkey, {
      status: BgtaskStatus.FAILED,
      event: BgtaskFailedEvent.create({ task_id: taskId, message }),
      storedStatus: "failure",
      lastMessage: message,
      errorCode,
    });
  }
}
