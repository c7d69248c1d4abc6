// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the HTTP client sessions. Each names the request in `data`
 * (`{ method, url }`) and carries the underlying error as `cause`:
 *
 * - {@linkcode HttpTimeoutError} (504): no complete answer within the
 *   request's timeout;
 * - {@linkcode HttpConnectionError} (503): the request could not be sent or
 *   its answer could not be read (refused, reset, DNS, connect timeout);
 * - {@linkcode HttpSessionClosedError} (500): the session was used after
 *   `close()`, or closed while the request was in flight.
 *
 * A caller's own `AbortSignal` rejects with the signal's reason, unwrapped.
 * A bad option raises `InvalidAPIParameters` from `exception`.
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../../exception.ts";

/**
 * No complete answer came within the request's timeout (HTTP 504,
 * `backendai_request_timeout`). `data.timeoutMs` says how long it waited.
 *
 * @example Usage
 * ```ts
 * import { HttpTimeoutError } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const err = new HttpTimeoutError("No answer", { data: { method: "GET", url: "http://x/", timeoutMs: 10 } });
 * assert.equal(err.status, 504);
 * assert.equal(err.toProblemJSON().error_code, "backendai_request_timeout");
 * ```
 */
export class HttpTimeoutError extends BackendAIError {
  /** The code of every error of this class: `backendai_request_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.REQUEST,
    ErrorDetail.TIMEOUT,
  );
  /** HTTP 504: the upstream service did not answer in time. */
  override readonly status: number = 504;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/http-request-timeout";
  /** The problem title. */
  override readonly errorTitle: string = "The HTTP request timed out.";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The request could not be sent or its answer could not be read: the
 * connection was refused or reset, the name did not resolve, or connecting
 * took too long (HTTP 503, `backendai_request_unavailable`).
 *
 * @example Usage
 * ```ts
 * import { HttpConnectionError } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const err = new HttpConnectionError("Cannot connect", { cause: new TypeError("refused") });
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().error_code, "backendai_request_unavailable");
 * assert.ok(err.cause instanceof TypeError);
 * ```
 */
export class HttpConnectionError extends BackendAIError {
  /** The code of every error of this class: `backendai_request_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.REQUEST,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: the upstream service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/http-connection-error";
  /** The problem title. */
  override readonly errorTitle: string = "The HTTP connection failed.";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The session was used after `close()`, or closed while a request was in
 * flight (HTTP 500, `backendai_request_canceled`).
 *
 * @example Usage
 * ```ts
 * import { HttpSessionClosedError } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const err = new HttpSessionClosedError("The session is closed");
 * assert.equal(err.toProblemJSON().error_code, "backendai_request_canceled");
 * assert.equal(err.retryable, false);
 * ```
 */
export class HttpSessionClosedError extends BackendAIError {
  /** The code of every error of this class: `backendai_request_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.REQUEST,
    ErrorDetail.CANCELED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/http-session-closed";
  /** The problem title. */
  override readonly errorTitle: string = "The HTTP session is closed.";
  /** A closed session stays closed. */
  override readonly retryable: boolean = false;
}
