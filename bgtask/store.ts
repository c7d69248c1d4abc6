// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode BgtaskStore}: where retriable tasks are kept so that another
 * server can revive them (upstream `ValkeyBgtaskClient`).
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import type {
  PreparedBroadcast,
  QueueLocation,
} from "../message_queue/prepared.ts";
import {
  type StoredTask,
  TASK_FINISHED_TTL,
  TASK_METADATA_TTL,
  TASK_TTL_THRESHOLD,
  type TaskStatus,
  type TaskSubKeyInfo,
} from "./types.ts";

/** Lifetimes of stored tasks, shared by every store. */
export interface BgtaskStoreOptions {
  /**
   * How long task metadata lives without a heartbeat, in seconds.
   *
   * @default {86400}
   */
  metadataTtlSeconds?: number | undefined;
  /**
   * A task whose remaining TTL is below this is orphaned and claimable, in
   * seconds (upstream: 86400 - 300, so 5 minutes without a heartbeat).
   *
   * @default {metadataTtlSeconds - 300}
   */
  claimThresholdSeconds?: number | undefined;
  /**
   * How long a finished task stays queryable, in seconds.
   *
   * @default {60}
   */
  finishedTtlSeconds?: number | undefined;
}

/** What {@linkcode BgtaskStore.registerTask} stores. */
export interface RegisterTaskArgs {
  /** The task. */
  task: StoredTask;
  /** The server that runs it. */
  serverId: string;
  /** Its tags (servers sharing a tag may revive it). */
  tags: readonly string[];
  /**
   * The started event, published in the same round trip (only to a store
   * that {@linkcode BgtaskStore.publishesTo} its location).
   *
   * @default {undefined}
   */
  broadcast?: PreparedBroadcast | undefined;
}

/** What {@linkcode BgtaskStore.finishSubtask} records. */
export interface FinishSubtaskArgs {
  /** The task id. */
  taskId: string;
  /** The subkey. */
  subkey: string;
  /** Success or failure. */
  status: Exclude<TaskStatus, "ongoing">;
  /** The closing message. */
  lastMessage: string;
  /** The server that ran it. */
  serverId: string;
  /** Its tags. */
  tags: readonly string[];
  /**
   * Every subkey of the task, when the caller knows no other subtask of it
   * is ongoing (a single task: `[WHOLE_TASK_KEY]`): the task is then
   * unregistered in the same round trip, without reading its counter first.
   * Without it, the task is unregistered once its `ongoing_count` reaches 0.
   *
   * @default {undefined}
   */
  finalSubkeys?: readonly string[] | undefined;
  /**
   * The final event, published in the same round trip (only to a store
   * that {@linkcode BgtaskStore.publishesTo} its location).
   *
   * @default {undefined}
   */
  broadcast?: PreparedBroadcast | undefined;
}

/** One progress report. */
export interface TaskProgress {
  /** Progress so far. */
  current: number;
  /** The total. */
  total: number;
  /** The message, or `null` to keep the last one. */
  message: string | null;
}

/** A task this server keeps alive. */
export interface HeartbeatTask {
  /** The task id. */
  taskId: string;
  /** Its subkeys. */
  subkeys: readonly string[];
}

/**
 * Where retriable tasks live: a task, its subtasks, and the server and tag
 * sets that say who may revive it. Implemented by
 * {@linkcode MemoryBgtaskStore} and {@linkcode RedisBgtaskStore}.
 *
 * @example Usage
 * ```ts
 * import { type BgtaskStore, MemoryBgtaskStore } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * await using store: BgtaskStore = new MemoryBgtaskStore();
 * assert.equal(await store.getTask("0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d"), undefined);
 * ```
 */
export interface BgtaskStore extends AsyncDisposable {
  /**
   * Whether the store can publish a prepared broadcast bound for
   * `location` itself, in the round trip of its own write: the queue is on
   * the store's server. Absent or `false`: the manager sends events
   * through its producer, beside the store's write.
   *
   * @param location Where the producer's queue keeps its keys.
   * @returns Whether `broadcast` arguments for it are accepted.
   */
  publishesTo?(location: QueueLocation | undefined): boolean;
  /**
   * Stores a new task with its subtasks, and adds it to the server's and
   * the tags' sets.
   *
   * @param args The task, server, tags and started event.
   */
  registerTask(args: RegisterTaskArgs): Promise<void>;
  /**
   * Adds a revived task to this server's and tags' sets.
   *
   * @param taskId The task id.
   * @param serverId This server.
   * @param tags This server's tags.
   */
  claimTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void>;
  /**
   * Renews the lifetime of running tasks and of this server's sets.
   *
   * @param tasks The running tasks.
   * @param serverId This server.
   * @param tags This server's tags.
   */
  heartbeat(
    tasks: readonly HeartbeatTask[],
    serverId: string,
    tags: readonly string[],
  ): Promise<void>;
  /**
   * Records progress on a subtask (a subtask that is gone is left alone)
   * and publishes the progress event when one is given.
   *
   * @param taskId The task id.
   * @param subkey The subkey.
   * @param progress The progress.
   * @param broadcast The progress event (see {@linkcode BgtaskStore.publishesTo}).
   */
  updateProgress(
    taskId: string,
    subkey: string,
    progress: TaskProgress,
    broadcast?: PreparedBroadcast,
  ): Promise<void>;
  /**
   * Records a subtask's end; once no subtask is ongoing (or `finalSubkeys`
   * says so), shortens every lifetime to the finished TTL and leaves the
   * sets. Publishes the event when one is given.
   *
   * @param args The task, subtask, outcome, server, tags, final subkeys and event.
   * @returns Whether the whole task is finished.
   */
  finishSubtask(args: FinishSubtaskArgs): Promise<boolean>;
  /**
   * Shortens a task's lifetime to the finished TTL and removes it from the
   * given sets (for tasks that cannot be revived).
   *
   * @param taskId The task id.
   * @param serverId The server set.
   * @param tags The tag sets.
   */
  unregisterTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void>;
  /**
   * Finds the orphaned tasks of this server and tags, claiming each
   * atomically (upstream's TTL-threshold claim): of several servers asking
   * at once, exactly one gets each task. Unreadable tasks are unregistered.
   *
   * @param serverId This server.
   * @param tags This server's tags.
   * @returns The claimed tasks.
   */
  fetchUnmanagedTasks(
    serverId: string,
    tags: readonly string[],
  ): Promise<StoredTask[]>;
  /**
   * Reads a task.
   *
   * @param taskId The task id.
   * @returns The task, or `undefined` when unknown or expired.
   */
  getTask(taskId: string): Promise<StoredTask | undefined>;
  /**
   * The ids of the tasks in a server's or a tag's set.
   *
   * @param by The server id or the tag.
   * @returns The task ids (UUIDs with dashes).
   */
  listTaskIds(by: { serverId: string } | { tag: string }): Promise<string[]>;
  /** Releases the store's resources. */
  close(): Promise<void>;
}

/** Resolves the three lifetimes with their defaults, checking them. */
export function storeLifetimes(options: BgtaskStoreOptions): {
  metadataTtlSeconds: number;
  claimThresholdSeconds: number;
  finishedTtlSeconds: number;
} {
  const metadataTtlSeconds = options.metadataTtlSeconds ?? TASK_METADATA_TTL;
  const claimThresholdSeconds = options.claimThresholdSeconds ??
    metadataTtlSeconds - (TASK_METADATA_TTL - TASK_TTL_THRESHOLD);
  const finishedTtlSeconds = options.finishedTtlSeconds ?? TASK_FINISHED_TTL;
  for (
    const [field, value] of [
      ["metadataTtlSeconds", metadataTtlSeconds],
      ["claimThresholdSeconds", claimThresholdSeconds],
      ["finishedTtlSeconds", finishedTtlSeconds],
    ] as const
  ) {
    if (!(Number.isInteger(value) && value >= 1)) {
      throw new InvalidAPIParameters(
        `Invalid bgtask store option "${field}": must be an integer >= 1`,
        { data: { field, value } },
      );
    }
  }
  if (claimThresholdSeconds >= metadataTtlSeconds) {
    throw new InvalidAPIParameters(
      'Invalid bgtask store option "claimThresholdSeconds": must be below metadataTtlSeconds',
      {
        data: { field: "claimThresholdSeconds", value: claimThresholdSeconds },
      },
    );
  }
  return { metadataTtlSeconds, claimThresholdSeconds, finishedTtlSeconds };
}

/** A subtask as it is first stored (upstream stores the first four fields). */
export function ongoingSubtask(taskId: string, key: string): TaskSubKeyInfo {
  return {
    taskId,
    key,
    status: "ongoing",
    lastMessage: "",
    currentProgress: 0,
    totalProgress: 0,
  };
}
