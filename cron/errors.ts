// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of `cron`: the reasons a run's signal is aborted with.
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
 * The abort reason of a periodic task's run that outlived its
 * `runTimeoutMs` (code `backendai_execute_timeout`, HTTP 504); `data` names
 * the task and the limit.
 *
 * @example Usage
 * ```ts
 * import { CronRunTimeoutError } from "@backendai/common/cron";
 * import assert from "node:assert/strict";
 *
 * const error = new CronRunTimeoutError("sweep", 2_500);
 * assert.equal(error.message, 'Periodic task "sweep" exceeded its run timeout of 2500 ms');
 * assert.equal(String(error.errorCode()), "backendai_execute_timeout");
 * assert.deepEqual(error.data, { task: "sweep", runTimeoutMs: 2_500 });
 * ```
 */
export class CronRunTimeoutError extends BackendAIError {
  /** The code of every error of this class: `backendai_execute_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.EXECUTE,
    ErrorDetail.TIMEOUT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 504;
  /** The problem title. */
  override readonly errorTitle: string = "Periodic task timed out.";
  /** The task's name. */
  readonly task: string;
  /** The limit that was exceeded, in milliseconds. */
  readonly runTimeoutMs: number;

  /**
   * Makes the error.
   *
   * @param task The task's name.
   * @param runTimeoutMs The limit that was exceeded, in milliseconds.
   */
  constructor(task: string, runTimeoutMs: number) {
    super(
      `Periodic task ${
        JSON.stringify(task)
      } exceeded its run timeout of ${runTimeoutMs} ms`,
      { data: { task, runTimeoutMs } },
    );
    this.task = task;
    this.runTimeoutMs = runTimeoutMs;
  }
}

/**
 * The abort reason of a run still going when its cron closed and the grace
 * period ran out (code `backendai_execute_canceled`), and the error
 * `start()` throws after `close()`; `data.task` names the task when there
 * is one.
 *
 * @example Usage
 * ```ts
 * import { CronClosedError } from "@backendai/common/cron";
 * import assert from "node:assert/strict";
 *
 * const error = new CronClosedError("The cron is closed");
 * assert.equal(String(error.errorCode()), "backendai_execute_canceled");
 * assert.equal(error.status, 503);
 * ```
 */
export class CronClosedError extends BackendAIError {
  /** The code of every error of this class: `backendai_execute_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.EXECUTE,
    ErrorDetail.CANCELED,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem title. */
  override readonly errorTitle: string = "The cron is closed.";
}
