// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of background tasks, with upstream's problem documents: those
 * of upstream's `exception.py` (`BgtaskNotRegisteredError`, `BgtaskNotFound`,
 * `BgtaskFailedError`, `BgtaskCancelledError`) and of its
 * `bgtask/exception.py` (`InvalidTaskMetadataError`, `BgtaskInvalidMetadata`);
 * `BgtaskManagerClosedError` is ours.
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
 * Raised when a task names a handler no registry here knows (HTTP 500,
 * `bgtask_execute_not-implemented`; upstream's `BgtaskNotRegisteredError`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskNotRegisteredError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const error = new BgtaskNotRegisteredError("clone_vfolder");
 * assert.equal(error.message, "Task handler not registered: clone_vfolder");
 * assert.equal(error.status, 500);
 * assert.deepEqual(error.toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/bgtask-not-registered",
 *   title: "Background Task Not Registered",
 *   error_code: "bgtask_execute_not-implemented",
 *   msg: "Task handler not registered: clone_vfolder",
 *   data: { taskName: "clone_vfolder" },
 * });
 * ```
 */
export class BgtaskNotRegisteredError extends BackendAIError {
  /** The code of every error of this class: `bgtask_execute_not-implemented`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.EXECUTE,
    ErrorDetail.NOT_IMPLEMENTED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bgtask-not-registered";
  /** The problem title. */
  override readonly errorTitle: string = "Background Task Not Registered";
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
 * Raised for stored task metadata that cannot be revived, with the offending
 * field (`bgtask_read_unreachable`, upstream's `InvalidTaskMetadataError` of
 * `bgtask/exception.py`; no HTTP status there: we answer 500).
 *
 * @example Usage
 * ```ts
 * import { InvalidTaskMetadataError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const error = new InvalidTaskMetadataError("Missing field", { data: { field: "task_name" } });
 * assert.equal(error.status, 500);
 * assert.equal(String(error.errorCode()), "bgtask_read_unreachable");
 * assert.equal(error.toProblemJSON().type, "https://api.backend.ai/probs/invalid-bgtask-metadata");
 * ```
 */
export class InvalidTaskMetadataError extends BackendAIError {
  /** The code of every error of this class: `bgtask_read_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.READ,
    ErrorDetail.UNREACHABLE,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-bgtask-metadata";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid Task Metadata";
}

/**
 * Raised by a call about a task this manager does not know (HTTP 404,
 * `bgtask_read_not-found`; upstream's `BgtaskNotFound`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskNotFound } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(new BgtaskNotFound("t1").toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/bgtask-not-found",
 *   title: "Background Task Not Found",
 *   error_code: "bgtask_read_not-found",
 *   msg: 'No background task "t1" here',
 *   data: { taskId: "t1" },
 * });
 * ```
 */
export class BgtaskNotFound extends BackendAIError {
  /** The code of every error of this class: `bgtask_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bgtask-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Background Task Not Found";

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
 * The name of {@linkcode BgtaskNotFound} before 0.2.0 (its problem document
 * was not upstream's then).
 *
 * @deprecated Use {@linkcode BgtaskNotFound}; this name goes in 0.3.0.
 *
 * @example Usage
 * ```ts
 * import { BgtaskNotFound, BgtaskNotFoundError } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BgtaskNotFoundError, BgtaskNotFound);
 * ```
 */
export const BgtaskNotFoundError: typeof BgtaskNotFound = BgtaskNotFound;
/** Another name for {@linkcode BgtaskNotFound}. */
export type BgtaskNotFoundError = BgtaskNotFound;

/**
 * A background task failed (HTTP 500, `bgtask_execute_internal-error`).
 * Put the task id in `data.taskId`.
 */
export class BgtaskFailedError extends BackendAIError {
  /** The code of every error of this class: `bgtask_execute_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.EXECUTE,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bgtask-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Background Task Failed";
}

/**
 * A background task was cancelled (HTTP 500, `bgtask_execute_canceled`).
 * Put the task id in `data.taskId`.
 */
export class BgtaskCancelledError extends BackendAIError {
  /** The code of every error of this class: `bgtask_execute_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.EXECUTE,
    ErrorDetail.CANCELED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bgtask-cancelled";
  /** The problem title. */
  override readonly errorTitle: string = "Background Task Cancelled";
}

/**
 * A background task's stored metadata is invalid
 * (`bgtask_read_invalid-parameters`; upstream's `bgtask/exception.py`, no HTTP
 * status there: we answer 500).
 */
export class BgtaskInvalidMetadata extends BackendAIError {
  /** The code of every error of this class: `bgtask_read_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BGTASK,
    ErrorOperation.READ,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bgtask-invalid-metadata";
  /** The problem title. */
  override readonly errorTitle: string = "Background Task has invalid metadata";
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
