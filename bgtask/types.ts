// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Background task values and errors shared by the manager and the stores
 * (upstream `data/bgtask/defs.py` and `bgtask/types.py`).
 *
 * @module
 */

/**
 * The lifecycle statuses of a background task, as events name them.
 *
 * @example Usage
 * ```ts
 * import { BgtaskStatus } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BgtaskStatus.PARTIAL_SUCCESS, "bgtask_partial_success");
 * ```
 */
export const BgtaskStatus = {
  STARTED: "bgtask_started",
  UPDATED: "bgtask_updated",
  DONE: "bgtask_done",
  CANCELLED: "bgtask_cancelled",
  FAILED: "bgtask_failed",
  PARTIAL_SUCCESS: "bgtask_partial_success",
  UNKNOWN: "bgtask_unknown",
} as const;
/** One of the {@linkcode BgtaskStatus} values. */
export type BgtaskStatus = typeof BgtaskStatus[keyof typeof BgtaskStatus];

/**
 * The stored status of a task or subtask: tasks are created ongoing and end
 * in success or failure (cancelled counts as failure, as upstream).
 *
 * @example Usage
 * ```ts
 * import { TaskStatus } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TaskStatus.ONGOING, "ongoing");
 * ```
 */
export const TaskStatus = {
  ONGOING: "ongoing",
  SUCCESS: "success",
  FAILURE: "failure",
} as const;
/** One of the {@linkcode TaskStatus} values. */
export type TaskStatus = typeof TaskStatus[keyof typeof TaskStatus];

/**
 * How a stored task is split: one whole task, or subtasks.
 *
 * @example Usage
 * ```ts
 * import { TaskType } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TaskType.SINGLE, "single");
 * ```
 */
export const TaskType = {
  SINGLE: "single",
  BATCH: "batch",
  PARALLEL: "parallel",
} as const;
/** One of the {@linkcode TaskType} values. */
export type TaskType = typeof TaskType[keyof typeof TaskType];

/**
 * The subkey of a single task's one subtask.
 *
 * @example Usage
 * ```ts
 * import { WHOLE_TASK_KEY } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(WHOLE_TASK_KEY, "__whole__");
 * ```
 */
export const WHOLE_TASK_KEY = "__whole__";
/**
 * How long stored task metadata lives without a heartbeat, in seconds.
 *
 * @example Usage
 * ```ts
 * import { TASK_METADATA_TTL } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TASK_METADATA_TTL, 24 * 60 * 60);
 * ```
 */
export const TASK_METADATA_TTL = 86_400;
/**
 * A stored task whose TTL has fallen below this (no heartbeat for 5 min) is
 * orphaned and may be claimed, in seconds.
 *
 * @example Usage
 * ```ts
 * import { TASK_METADATA_TTL, TASK_TTL_THRESHOLD } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TASK_METADATA_TTL - TASK_TTL_THRESHOLD, 300);
 * ```
 */
export const TASK_TTL_THRESHOLD = 86_400 - 300;
/**
 * How long a finished task stays queryable, in seconds.
 *
 * @example Usage
 * ```ts
 * import { TASK_FINISHED_TTL } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(TASK_FINISHED_TTL, 60);
 * ```
 */
export const TASK_FINISHED_TTL = 60;

/** A stored task (upstream `TaskInfo`; every hash field is a string). */
export interface TaskInfo {
  /** The task id, a UUID with dashes. */
  taskId: string;
  /** The registered handler's name. */
  taskName: string;
  /** How it is split. */
  taskType: TaskType;
  /** The manifest, as JSON. */
  body: Record<string, unknown>;
  /** Subtasks still running. */
  ongoingCount: number;
  /** Subtasks that succeeded. */
  successCount: number;
  /** Subtasks that failed or were cancelled. */
  failureCount: number;
}

/**
 * A stored subtask (upstream `TaskSubKeyInfo`, plus the last progress).
 *
 * In Redis its hash holds upstream's four fields (`task_id`, `key`,
 * `status`, `last_message`) from registration on; the first progress update
 * adds `current_progress` and `total_progress`. A Python server reviving the
 * task accepts them: upstream's `_fetch_total_info` (valkey_bgtask
 * `client.py`) reads each subtask with `HGETALL` and
 * `TaskSubKeyInfo.from_valkey_hash_fields` (`bgtask/types.py`), which takes
 * only the four fields by name and ignores any other; nothing else in
 * upstream reads the hash (`finish_subtask` writes two fields with `HSET`,
 * the heartbeat and `unregister_task` only set lifetimes).
 */
export interface TaskSubKeyInfo {
  /** The task id. */
  taskId: string;
  /** The subkey ({@linkcode WHOLE_TASK_KEY} for a single task). */
  key: string;
  /** Its status. */
  status: TaskStatus;
  /** The last message. */
  lastMessage: string;
  /** The last reported progress (`current_progress`; upstream ignores it). */
  currentProgress: number;
  /** The last reported total (`total_progress`; upstream ignores it). */
  totalProgress: number;
}

/** A stored task with its subtasks. */
export interface StoredTask {
  /** The task. */
  info: TaskInfo;
  /** Its subtasks. */
  subtasks: TaskSubKeyInfo[];
}
