// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode MemoryBgtaskStore}: the embedded task store, with the Redis
 * store's semantics (lifetimes, claims, sets) in one process.
 *
 * @module
 */

import type {
  BgtaskStore,
  BgtaskStoreOptions,
  FinishSubtaskArgs,
  HeartbeatTask,
  RegisterTaskArgs,
  TaskProgress,
} from "./store.ts";
import { storeLifetimes } from "./store.ts";
import type { StoredTask, TaskInfo, TaskSubKeyInfo } from "./types.ts";

/** Options of {@linkcode MemoryBgtaskStore}. */
export interface MemoryBgtaskStoreOptions extends BgtaskStoreOptions {
  /**
   * The clock, in milliseconds (inject one in tests).
   *
   * @default {Date.now}
   */
  now?: (() => number) | undefined;
}

interface MemoryTask {
  info: TaskInfo;
  subtasks: Map<string, TaskSubKeyInfo>;
  expiresAt: number;
}

/**
 * Keeps retriable tasks in memory: what the Redis store keeps, with the
 * same lifetimes and the same claim rule, for one process (the embedded
 * default). Events are sent by the manager, as with every store.
 *
 * @example Usage
 * ```ts
 * import { MemoryBgtaskStore } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * await using store = new MemoryBgtaskStore();
 * const taskId = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
 * await store.registerTask({
 *   task: {
 *     info: { taskId, taskName: "scan", taskType: "single", body: {}, ongoingCount: 1, successCount: 0, failureCount: 0 },
 *     subtasks: [{ taskId, key: "__whole__", status: "ongoing", lastMessage: "", currentProgress: 0, totalProgress: 0 }],
 *   },
 *   serverId: "server-1",
 *   tags: [],
 * });
 * assert.deepEqual(await store.listTaskIds({ serverId: "server-1" }), [taskId]);
 * ```
 */
export class MemoryBgtaskStore implements BgtaskStore {
  readonly #tasks = new Map<string, MemoryTask>();
  readonly #sets = new Map<string, Set<string>>();
  readonly #ttl: number;
  readonly #threshold: number;
  readonly #finishedTtl: number;
  readonly #now: () => number;
  #sweepAt = 64;

  /**
   * Makes a store.
   *
   * @param options Lifetimes and the clock.
   * @throws {InvalidAPIParameters} When a lifetime is out of range.
   */
  constructor(options: MemoryBgtaskStoreOptions = {}) {
    const lifetimes = storeLifetimes(options);
    this.#ttl = lifetimes.metadataTtlSeconds;
    this.#threshold = lifetimes.claimThresholdSeconds;
    this.#finishedTtl = lifetimes.finishedTtlSeconds;
    this.#now = options.now ?? Date.now;
  }

  #live(taskId: string): MemoryTask | undefined {
    const task = this.#tasks.get(taskId);
    if (task !== undefined && task.expiresAt <= this.#now()) {
      this.#tasks.delete(taskId);
      return undefined;
    }
    return task;
  }

  /** Drops expired tasks; amortised over registrations. */
  #sweep(): void {
    const now = this.#now();
    for (const [id, task] of this.#tasks) {
      if (task.expiresAt <= now) this.#tasks.delete(id);
    }
    this.#sweepAt = Math.max(64, this.#tasks.size * 2);
  }

  #set(name: string): Set<string> {
    let set = this.#sets.get(name);
    if (set === undefined) {
      set = new Set();
      this.#sets.set(name, set);
    }
    return set;
  }

  #setNames(serverId: string, tags: readonly string[]): string[] {
    return [`server:${serverId}`, ...tags.map((tag) => `tag:${tag}`)];
  }

  #claim(taskId: string, serverId: string, tags: readonly string[]): void {
    for (const name of this.#setNames(serverId, tags)) {
      this.#set(name).add(taskId);
    }
  }

  /**
   * Stores a task.
   *
   * @param args The task, server and tags.
   */
  registerTask(args: RegisterTaskArgs): Promise<void> {
    if (this.#tasks.size >= this.#sweepAt) this.#sweep();
    const { info, subtasks } = structuredClone(args.task);
    this.#tasks.set(info.taskId, {
      info,
      subtasks: new Map(subtasks.map((sub) => [sub.key, sub])),
      expiresAt: this.#now() + this.#ttl * 1000,
    });
    this.#claim(info.taskId, args.serverId, args.tags);
    return Promise.resolve();
  }

  /**
   * Adds a task to this server's and tags' sets.
   *
   * @param taskId The task id.
   * @param serverId This server.
   * @param tags This server's tags.
   */
  claimTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    this.#claim(taskId, serverId, tags);
    return Promise.resolve();
  }

  /**
   * Renews running tasks.
   *
   * @param tasks The running tasks.
   */
  heartbeat(tasks: readonly HeartbeatTask[]): Promise<void> {
    for (const { taskId } of tasks) {
      const task = this.#live(taskId);
      if (task !== undefined) task.expiresAt = this.#now() + this.#ttl * 1000;
    }
    return Promise.resolve();
  }

  /**
   * Records progress.
   *
   * @param taskId The task id.
   * @param subkey The subkey.
   * @param progress The progress.
   */
  updateProgress(
    taskId: string,
    subkey: string,
    progress: TaskProgress,
  ): Promise<void> {
    const sub = this.#live(taskId)?.subtasks.get(subkey);
    if (sub !== undefined) {
      sub.currentProgress = progress.current;
      sub.totalProgress = progress.total;
      if (progress.message !== null) sub.lastMessage = progress.message;
    }
    return Promise.resolve();
  }

  /**
   * Records a subtask's end; unregisters the task when no subtask is
   * ongoing or `finalSubkeys` is given.
   *
   * @param args The task, subtask, outcome, server, tags and final subkeys.
   * @returns Whether the whole task is finished.
   */
  finishSubtask(args: FinishSubtaskArgs): Promise<boolean> {
    const task = this.#live(args.taskId);
    let done = true;
    if (task !== undefined) {
      const sub = task.subtasks.get(args.subkey);
      if (sub !== undefined) {
        sub.status = args.status;
        sub.lastMessage = args.lastMessage;
      }
      if (args.status === "success") task.info.successCount++;
      else task.info.failureCount++;
      done = --task.info.ongoingCount <= 0 || args.finalSubkeys !== undefined;
    }
    if (done) this.#unregister(args.taskId, args.serverId, args.tags);
    return Promise.resolve(done);
  }

  #unregister(taskId: string, serverId: string, tags: readonly string[]): void {
    const task = this.#live(taskId);
    if (task !== undefined) {
      task.expiresAt = this.#now() + this.#finishedTtl * 1000;
    }
    for (const name of this.#setNames(serverId, tags)) {
      this.#sets.get(name)?.delete(taskId);
    }
  }

  /**
   * Shortens a task's lifetime and removes it from the sets.
   *
   * @param taskId The task id.
   * @param serverId The server set.
   * @param tags The tag sets.
   */
  unregisterTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    this.#unregister(taskId, serverId, tags);
    return Promise.resolve();
  }

  /**
   * Claims the orphaned tasks of this server and tags.
   *
   * @param serverId This server.
   * @param tags This server's tags.
   * @returns The claimed tasks.
   */
  fetchUnmanagedTasks(
    serverId: string,
    tags: readonly string[],
  ): Promise<StoredTask[]> {
    const ids = new Set<string>();
    for (const name of this.#setNames(serverId, tags)) {
      for (const id of this.#sets.get(name) ?? []) ids.add(id);
    }
    const claimed: StoredTask[] = [];
    const now = this.#now();
    for (const id of ids) {
      const task = this.#live(id);
      if (task === undefined) {
        for (const name of this.#setNames(serverId, tags)) {
          this.#sets.get(name)?.delete(id);
        }
        continue;
      }
      const ttl = Math.ceil((task.expiresAt - now) / 1000);
      if (ttl < this.#threshold) {
        task.expiresAt = now + this.#ttl * 1000; // the claim
        claimed.push(this.#copy(task));
      }
    }
    return Promise.resolve(claimed);
  }

  #copy(task: MemoryTask): StoredTask {
    return structuredClone({
      info: task.info,
      subtasks: [...task.subtasks.values()],
    });
  }

  /**
   * Reads a task.
   *
   * @param taskId The task id.
   * @returns The task, or `undefined`.
   */
  getTask(taskId: string): Promise<StoredTask | undefined> {
    const task = this.#live(taskId);
    return Promise.resolve(task === undefined ? undefined : this.#copy(task));
  }

  /**
   * The ids in a server's or a tag's set.
   *
   * @param by The server id or the tag.
   * @returns The task ids.
   */
  listTaskIds(by: { serverId: string } | { tag: string }): Promise<string[]> {
    const name = "serverId" in by ? `server:${by.serverId}` : `tag:${by.tag}`;
    return Promise.resolve([...this.#sets.get(name) ?? []]);
  }

  /** Forgets everything. */
  close(): Promise<void> {
    this.#tasks.clear();
    this.#sets.clear();
    return Promise.resolve();
  }

  /** Same as {@linkcode MemoryBgtaskStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
