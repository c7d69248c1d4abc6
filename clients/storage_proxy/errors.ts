// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the storage proxy client, with the names, statuses, types,
 * titles and codes of upstream's manager (`manager/errors/storage.py`).
 * Each names the call in `data` (`{ method, path }`, plus the answer's
 * `status` and `errorCode` when there was one) and carries what caused it:
 * the storage proxy's problem document as a `RemoteProblemError`, or the
 * HTTP client's error.
 *
 * An error answer is routed by the domain of its `error_code` (a missing
 * or unreadable code counts as `vfolder`, as upstream):
 *
 * | domain        | status | error                                         |
 * | ------------- | ------ | --------------------------------------------- |
 * | `vfolder`     | 400    | {@linkcode VFolderBadRequest}                 |
 * | `vfolder`     | 404    | `VFolderNotFound` (`exception`'s, re-exported) |
 * | `vfolder`     | 410    | {@linkcode VFolderGone}                       |
 * | `vfolder`     | other  | {@linkcode VFolderOperationFailed}            |
 * | `quota-scope` | 404    | {@linkcode QuotaScopeNotFoundError}           |
 * | `quota-scope` | other  | {@linkcode UnexpectedStorageProxyResponseError} |
 * | any other     | any    | {@linkcode UnexpectedStorageProxyResponseError} |
 *
 * An error answer that is not JSON becomes a
 * {@linkcode StorageProxyPassthroughError} with the answer's status and
 * `storage-proxy_request_content-type-mismatch`. No answer at all is a
 * {@linkcode StorageProxyTimeoutError} or a
 * {@linkcode StorageProxyConnectionError}.
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
  PassthroughError,
} from "../../exception.ts";

// The 404 of the vfolder domain is the common catalogue's class, re-exported
// so that every error of the client imports from here.
export { VFolderNotFound } from "../../exception.ts";

/**
 * The storage proxy refused a virtual folder call as a bad request (HTTP 400,
 * `vfolder_generic_bad-request`).
 *
 * @example Usage
 * ```ts
 * import { VFolderBadRequest } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new VFolderBadRequest("Bad request to storage proxy", { data: { method: "POST", path: "folder/create", status: 400 } });
 * assert.equal(err.status, 400);
 * assert.equal(err.toProblemJSON().error_code, "vfolder_generic_bad-request");
 * ```
 */
export class VFolderBadRequest extends BackendAIError {
  /** The code of every error of this class: `vfolder_generic_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.VFOLDER,
    ErrorOperation.GENERIC,
    ErrorDetail.BAD_REQUEST,
  );
  /** HTTP 400. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/vfolder-operation-failed";
  /** The problem title. */
  override readonly errorTitle: string =
    "Virtual folder operation has failed due to bad request.";
  /** The same request fails again. */
  override readonly retryable: boolean = false;
}

/**
 * The virtual folder is gone (HTTP 410, `vfolder_read_gone`).
 *
 * @example Usage
 * ```ts
 * import { VFolderGone } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new VFolderGone().toProblemJSON().error_code, "vfolder_read_gone");
 * assert.equal(new VFolderGone().status, 410);
 * ```
 */
export class VFolderGone extends BackendAIError {
  /** The code of every error of this class: `vfolder_read_gone`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.VFOLDER,
    ErrorOperation.READ,
    ErrorDetail.GONE,
  );
  /** HTTP 410. */
  override readonly status: number = 410;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/vfolder-gone";
  /** The problem title. */
  override readonly errorTitle: string = "The virtual folder is gone.";
  /** The folder stays gone. */
  override readonly retryable: boolean = false;
}

/**
 * A virtual folder call failed on the storage proxy (HTTP 400 as upstream,
 * `vfolder_generic_internal-error`); `data.status` is the storage proxy's.
 *
 * @example Usage
 * ```ts
 * import { VFolderOperationFailed } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new VFolderOperationFailed("Internal server error from storage proxy", { data: { status: 500 } });
 * assert.equal(err.status, 400);
 * assert.equal(err.toProblemJSON().error_code, "vfolder_generic_internal-error");
 * ```
 */
export class VFolderOperationFailed extends BackendAIError {
  /** The code of every error of this class: `vfolder_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.VFOLDER,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** HTTP 400, as upstream. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/vfolder-operation-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Virtual folder operation has failed.";
}

/**
 * The quota scope does not exist (HTTP 404, `quota-scope_read_not-found`;
 * upstream's `ObjectNotFound` for a "quota scope").
 *
 * @example Usage
 * ```ts
 * import { QuotaScopeNotFoundError } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new QuotaScopeNotFoundError("Requested quota scope not found");
 * assert.equal(err.status, 404);
 * assert.equal(err.toProblemJSON().title, "No such quota scope.");
 * assert.equal(err.toProblemJSON().error_code, "quota-scope_read_not-found");
 * ```
 */
export class QuotaScopeNotFoundError extends BackendAIError {
  /** The code of every error of this class: `quota-scope_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.QUOTA_SCOPE,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** HTTP 404. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/object-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "No such quota scope.";
  /** The scope stays missing. */
  override readonly retryable: boolean = false;
}

/**
 * The storage proxy could not be reached: refused, reset, unresolvable, or
 * connecting took too long (HTTP 503, `storage-proxy_request_unavailable`).
 *
 * @example Usage
 * ```ts
 * import { StorageProxyConnectionError } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new StorageProxyConnectionError("Failed to connect to storage proxy");
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().error_code, "storage-proxy_request_unavailable");
 * ```
 */
export class StorageProxyConnectionError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_request_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.REQUEST,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage-proxy-connection-error";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to connect to storage proxy.";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The storage proxy did not answer within the timeout (HTTP 504,
 * `storage-proxy_request_timeout`); `data.timeoutMs` says how long.
 *
 * @example Usage
 * ```ts
 * import { StorageProxyTimeoutError } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new StorageProxyTimeoutError("Request to storage proxy timed out");
 * assert.equal(err.status, 504);
 * assert.equal(err.toProblemJSON().error_code, "storage-proxy_request_timeout");
 * ```
 */
export class StorageProxyTimeoutError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_request_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.REQUEST,
    ErrorDetail.TIMEOUT,
  );
  /** HTTP 504. */
  override readonly status: number = 504;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage-proxy-timeout";
  /** The problem title. */
  override readonly errorTitle: string = "Request to storage proxy timed out.";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The storage proxy answered with something the client cannot use: an error
 * of another domain, no body where one was expected, or a body that is not
 * the expected JSON (HTTP 500, `storage-proxy_request_unreachable`).
 *
 * @example Usage
 * ```ts
 * import { UnexpectedStorageProxyResponseError } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * const err = new UnexpectedStorageProxyResponseError("Unexpected error 409 from storage proxy");
 * assert.equal(err.status, 500);
 * assert.equal(err.toProblemJSON().error_code, "storage-proxy_request_unreachable");
 * ```
 */
export class UnexpectedStorageProxyResponseError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_request_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.REQUEST,
    ErrorDetail.UNREACHABLE,
  );
  /** HTTP 500. */
  override readonly status: number = 500;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unexpected-storage-proxy-response";
  /** The problem title. */
  override readonly errorTitle: string =
    "Unexpected response from storage proxy.";
}

/**
 * An error answer of the storage proxy that is not JSON (a proxy's HTML
 * 502 page, a plain-text 500): a `PassthroughError` that keeps the answer's
 * status, with `storage-proxy_request_content-type-mismatch`, the answer's
 * text (up to 2 000 characters) in the message and `data`
 * (`{ method, path, status, contentType, text }`).
 *
 * @example Usage
 * ```ts
 * import { StorageProxyPassthroughError } from "@backendai/common/clients/storage-proxy";
 * import { PassthroughError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new StorageProxyPassthroughError(502, "<html>Bad Gateway</html>", { data: { status: 502 } });
 * assert.ok(err instanceof PassthroughError);
 * assert.equal(err.status, 502);
 * assert.equal(err.toProblemJSON().error_code, "storage-proxy_request_content-type-mismatch");
 * assert.equal(err.data?.status, 502);
 * ```
 */
export class StorageProxyPassthroughError extends PassthroughError {
  /**
   * Makes the error.
   *
   * @param status The storage proxy's status.
   * @param text The answer's text.
   * @param options The call in `data`, and the `cause`.
   */
  constructor(status: number, text: string, options: BackendAIErrorOptions) {
    super(
      status,
      new ErrorCode(
        ErrorDomain.STORAGE_PROXY,
        ErrorOperation.REQUEST,
        ErrorDetail.CONTENT_TYPE_MISMATCH,
      ),
      `Failed to parse error response from storage proxy. Original response: ${text}`,
    );
    Object.defineProperty(this, "data", {
      value: options.data,
      enumerable: true,
    });
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", {
        value: options.cause,
        configurable: true,
        writable: true,
      });
    }
  }
}
