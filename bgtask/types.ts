// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Background task values and errors shared by the manager and the stores
 * (upstream `data/bgtask/defs.py` and `bgtask/types.py`).
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../exception.ts";

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

/** A stored subtask (upstream `TaskSubKeyInfo`, plus the last progress). */
export interface TaskSubKeyInfo {
  /** The task id. */
  taskId: string;
  /** The subkey ({@linkcode WHOLE_TASK_KEY} for a single task). */
  key: string;
  /** Its status. */
  status: TaskStatus;
  /** The last message. */
  lastMessage: string;
  /** The last reported progress (not in upstream's hash; ignored by it). */
  currentProgress: number;
  /** The last reported total (not in upstream's hash; ignored by it). */
  totalProgress: number;
}

/** A stored task with its subtasks. */
export interface StoredTask {
  /** The task. */
  info: TaskInfo;
  /** Its subtasks. */
  subtasks: TaskSubKeyInfo[];
}

/**
 * Raised when a stored task names a handler no registry here knows
 * (upstream `BgtaskNotRegisteredError`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskNotRegisteredError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const error = new BgtaskNotRegisteredError("clone_vfolder");
 * assert.equal(error.message, "Task handler not registered: clone_vfolder");
 * assert.equal(String(error.errorCode()), "bgtask_execute_not-found");
 * ```
 */
export class BgtaskNotRegisteredError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem title. */
  override readonly errorTitle: string = "Background task handler not found.";
  /** The unknown name. */
  readonly taskName: string;

  /**
   * Makes the error.
   *
   * @param taskName The unknown handler name.
   */
  constructor(taskName: string) {
    super(`Task handler not registered: ${taskName}`, { data: { taskName } });
    this.taskName = taskName;
  }

  /**
   * The machine-readable code of this error.
   *
   * @returns `bgtask_execute_not-found`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BGTASK,
      ErrorOperation.EXECUTE,
      ErrorDetail.NOT_FOUND,
    );
  }
}

/**
 * Raised for stored task metadata that cannot be revived (upstream
 * `InvalidTaskMetadataError`), with the offending field.
 *
 * @example Usage
 * ```ts
 * import { InvalidTaskMetadataError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const error = new InvalidTaskMetadataError("Missing field", { data: { field: "task_name" } });
 * assert.equal(error.status, 500);
 * assert.equal(String(error.errorCode()), "bgtask_read_invalid-data-format");
 * ```
 */
export class InvalidTaskMetadataError extends BackendAIError {
  /** The problem title. */
  override readonly errorTitle: string = "Invalid background task metadata.";

  /**
   * The machine-readable code of this error.
   *
   * @returns `bgtask_read_invalid-data-format`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BGTASK,
      ErrorOperation.READ,
      ErrorDetail.INVALID_DATA_FORMAT,
    );
  }
}

/**
 * Raised by a call about a task this manager does not know.
 *
 * @example Usage
 * ```ts
 * import { BgtaskNotFoundError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(new BgtaskNotFoundError("x").errorCode()), "bgtask_read_not-found");
 * ```
 */
export class BgtaskNotFoundError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem title. */
  override readonly errorTitle: string = "Background task not found.";

  /**
   * Makes the error.
   *
   * @param taskId The unknown id.
   */
  constructor(taskId: string) {
    super(`No background task "${taskId}" here`, { data: { taskId } });
  }

  /**
   * The machine-readable code of this error.
   *
   * @returns `bgtask_read_not-found`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BGTASK,
      ErrorOperation.READ,
      ErrorDetail.NOT_FOUND,
    );
  }
}

/**
 * Raised by a {@linkcode BackgroundTaskManager} that is closed.
 *
 * @example Usage
 * ```ts
 * import { BgtaskManagerClosedError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new BgtaskManagerClosedError().status, 503);
 * ```
 */
export class BgtaskManagerClosedError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem title. */
  override readonly errorTitle: string = "Background task manager is closed.";
  /** Never retried: the manager will not reopen. */
  override readonly retryable: boolean = false;

  /** Makes the error. */
  constructor() {
    super("The background task manager is closed");
  }

  /**
   * The machine-readable code of this error.
   *
   * @returns `bgtask_execute_unavailable`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BGTASK,
      ErrorOperation.EXECUTE,
      ErrorDetail.UNAVAILABLE,
    );
  }
}
