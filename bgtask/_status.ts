// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StatusQueries}: what a manager tells about tasks, from the
 * tasks running here and the ones in the store.
 *
 * @module
 */

import type { BackgroundTaskInfo } from "./manager_types.ts";
import type { BgtaskStore } from "./store.ts";
import { type StoredTask, TaskStatus } from "./types.ts";
import type { RunningTask } from "./_task.ts";

/** What {@linkcode StatusQueries} read. */
export interface StatusQueriesOptions {
  /** The tasks running here, by id. */
  readonly running: ReadonlyMap<string, RunningTask>;
  /** Where retriable tasks are stored. */
  readonly store: BgtaskStore;
  /** This server's id. */
  readonly serverId: string;
}

function infoOf(task: RunningTask): BackgroundTaskInfo {
  return {
    taskId: task.taskId,
    name: task.name,
    status: TaskStatus.ONGOING,
    retriable: task.retriable,
    runningHere: true,
    current: task.reporter.current,
    total: task.reporter.total,
    message: task.message,
    tags: [...task.tags],
  };
}

function storedInfo(stored: StoredTask): BackgroundTaskInfo {
  const sub = stored.subtasks[0];
  const status = stored.info.ongoingCount > 0
    ? TaskStatus.ONGOING
    : stored.info.failureCount > 0
    ? TaskStatus.FAILURE
    : TaskStatus.SUCCESS;
  return {
    taskId: stored.info.taskId,
    name: stored.info.taskName,
    status,
    retriable: true,
    runningHere: false,
    current: sub?.currentProgress ?? 0,
    total: sub?.totalProgress ?? 0,
    message: sub?.lastMessage || null,
    tags: [],
  };
}

/** Status queries: live state of the tasks running here, else the store's. */
export class StatusQueries {
  readonly #running: ReadonlyMap<string, RunningTask>;
  readonly #store: BgtaskStore;
  readonly #serverId: string;

  /**
   * Makes the queries.
   *
   * @param options The running tasks, the store and this server's id.
   */
  constructor(options: StatusQueriesOptions) {
    this.#running = options.running;
    this.#store = options.store;
    this.#serverId = options.serverId;
  }

  /**
   * What is known of a task.
   *
   * @param taskId The task id.
   * @returns The task, or `undefined` when unknown.
   */
  async status(taskId: string): Promise<BackgroundTaskInfo | undefined> {
    const task = this.#running.get(taskId);
    if (task !== undefined) return infoOf(task);
    const stored = await this.#store.getTask(taskId);
    return stored === undefined ? undefined : storedInfo(stored);
  }

  /**
   * The tasks of a tag: running here, and stored ones.
   *
   * @param tag The tag.
   * @returns The tasks.
   */
  listByTag(tag: string): Promise<BackgroundTaskInfo[]> {
    return this.#list(
      (task) => task.tags.includes(tag),
      this.#store.listTaskIds({ tag }),
    );
  }

  /**
   * The tasks of a server: running here (for this server), and stored ones.
   *
   * @param serverId The server id.
   * @returns The tasks.
   */
  listByServer(serverId: string): Promise<BackgroundTaskInfo[]> {
    return this.#list(
      () => serverId === this.#serverId,
      this.#store.listTaskIds({ serverId }),
    );
  }

  async #list(
    local: (task: RunningTask) => boolean,
    storedIds: Promise<string[]>,
  ): Promise<BackgroundTaskInfo[]> {
    const found = new Map<string, BackgroundTaskInfo>();
    for (const task of this.#running.values()) {
      if (local(task)) found.set(task.taskId, infoOf(task));
    }
    const ids = (await storedIds).filter((id) => !found.has(id));
    const stored = await Promise.all(
      ids.map((id) => this.#store.getTask(id).catch(() => undefined)),
    );
    for (const task of stored) {
      if (task !== undefined) {
        found.set(task.info.taskId, storedInfo(task));
      }
    }
    return [...found.values()];
  }
}
