// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of background tasks, with upstream's problem documents where
 * upstream has the class.
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
  /** The code of every error of this class: `bgtask_execute_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.EXECUTE,
    ErrorDetail.NOT_FOUND,
  );
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
  /** The code of every error of this class: `bgtask_read_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.READ,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** The problem title. */
  override readonly errorTitle: string = "Invalid background task metadata.";
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
  /** The code of every error of this class: `bgtask_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
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
  /** The code of every error of this class: `bgtask_execute_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.EXECUTE,
    ErrorDetail.UNAVAILABLE,
  );
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
}
