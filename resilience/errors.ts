// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The errors the resilience policies throw to callers: upstream's
 * {@linkcode ResilienceTimeoutError} and {@linkcode ResilienceRetryError},
 * and our circuit breaker, bulkhead and chaos errors.
 *
 * @module
 */

import {
  BackendAIError,
  type BackendAIErrorOptions,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../exception.ts";

/**
 * Thrown by a {@linkcode TimeoutPolicy} when the call outlives its limit; the
 * message and problem document are upstream's (`Operation exceeded timeout of
 * {t}s`, `…/probs/resilience-timeout`, `backendai_generic_timeout`), with HTTP
 * 504. The inner call's signal is aborted with this error as its reason.
 *
 * @example Usage
 * ```ts
 * import { ResilienceTimeoutError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const error = new ResilienceTimeoutError(2500);
 * assert.equal(error.message, "Operation exceeded timeout of 2.5s");
 * assert.equal(String(error.errorCode()), "backendai_generic_timeout");
 * assert.equal(error.timeoutMs, 2500);
 * ```
 */
export class ResilienceTimeoutError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.TIMEOUT,
  );
  /** The HTTP status of this error (upstream's class has none). */
  override readonly status: number = 504;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/resilience-timeout";
  /** The problem title. */
  override readonly errorTitle: string = "Resilience timeout exceeded.";
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  /**
   * Makes the error.
   *
   * @param timeoutMs The limit that was exceeded, in milliseconds.
   * @param options Data and cause.
   */
  constructor(timeoutMs: number, options?: BackendAIErrorOptions) {
    super(`Operation exceeded timeout of ${timeoutMs / 1000}s`, {
      ...options,
      data: options?.data ?? { timeoutMs },
    });
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Retry logic met an unexpected error (`backendai_generic_internal-error`;
 * upstream mixes in no HTTP status: we answer 500). No policy here throws it
 * yet: a {@linkcode RetryPolicy} rethrows the last error of its attempts.
 *
 * @example Usage
 * ```ts
 * import { ResilienceRetryError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const err = new ResilienceRetryError("Backoff produced no delay");
 * assert.equal(err.status, 500);
 * assert.equal(err.toProblemJSON().type, "https://api.backend.ai/probs/resilience-retry-error");
 * ```
 */
export class ResilienceRetryError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/resilience-retry-error";
  /** The problem title. */
  override readonly errorTitle: string = "Resilience retry error.";
}

/**
 * Thrown by a {@linkcode CircuitBreakerPolicy} that is open (or half-open with
 * all trial calls taken) without calling the function: status 503, code
 * `backendai_generic_unavailable`, never retried. `retryAfterMs` says when
 * the breaker lets a trial call through.
 *
 * @example Usage
 * ```ts
 * import { CircuitOpenError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const error = new CircuitOpenError("redis", 1200);
 * assert.equal(error.status, 503);
 * assert.equal(error.retryable, false);
 * assert.equal(String(error.errorCode()), "backendai_generic_unavailable");
 * assert.match(error.message, /Circuit "redis" is open/);
 * ```
 */
export class CircuitOpenError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/circuit-open";
  /** The problem title. */
  override readonly errorTitle: string = "Service temporarily unavailable.";
  /** Never retried: the breaker exists to fail fast. */
  override readonly retryable: boolean = false;
  /** Milliseconds until the breaker admits a trial call (0: now, but all trials are taken). */
  readonly retryAfterMs: number;

  /**
   * Makes the error.
   *
   * @param name The breaker's name.
   * @param retryAfterMs Milliseconds until a trial call is admitted.
   */
  constructor(name: string, retryAfterMs: number) {
    super(
      `Circuit "${name}" is open; retry after ${Math.ceil(retryAfterMs)} ms`,
      { data: { circuit: name, retryAfterMs } },
    );
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Thrown by a {@linkcode BulkheadPolicy} whose slots and queue are all taken:
 * status 503, code `backendai_generic_unavailable`, never retried.
 *
 * @example Usage
 * ```ts
 * import { BulkheadRejectedError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const error = new BulkheadRejectedError(4, 0);
 * assert.equal(error.status, 503);
 * assert.deepEqual(error.data, { maxConcurrent: 4, maxQueue: 0 });
 * ```
 */
export class BulkheadRejectedError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/bulkhead-rejected";
  /** The problem title. */
  override readonly errorTitle: string = "Too many concurrent operations.";
  /** Never retried: retrying adds load to a saturated dependency. */
  override readonly retryable: boolean = false;

  /**
   * Makes the error.
   *
   * @param maxConcurrent The bulkhead's concurrency limit.
   * @param maxQueue The bulkhead's queue limit.
   */
  constructor(maxConcurrent: number, maxQueue: number) {
    super(
      `Bulkhead is full (${maxConcurrent} running, ${maxQueue} queued)`,
      { data: { maxConcurrent, maxQueue } },
    );
  }
}

/**
 * The fault a {@linkcode ChaosPolicy} injects when no error is configured:
 * status 500, code `backendai_generic_internal-error`.
 *
 * @example Usage
 * ```ts
 * import { ChaosFaultError } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ChaosFaultError().message, "Injected fault");
 * ```
 */
export class ChaosFaultError extends BackendAIError {
  /** The problem title. */
  override readonly errorTitle: string = "Injected fault.";

  /**
   * Makes the error.
   *
   * @param message The message.
   */
  constructor(message: string = "Injected fault") {
    super(message);
  }
}
