// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The errors the web layer answers with: the manager's
 * {@linkcode URLNotFound}, {@linkcode MethodNotAllowed} and
 * {@linkcode InternalServerError} (upstream `manager/errors/common.py`, the
 * same problem documents), and ours for what upstream leaves to aiohttp:
 * {@linkcode RequestBodyTooLarge}, {@linkcode UnsupportedMediaType} and
 * {@linkcode OriginNotAllowed}.
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
 * No route matches the request's path (HTTP 404, `api_read_not-found`;
 * upstream's `URLNotFound`).
 *
 * @example Usage
 * ```ts
 * import { URLNotFound } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new URLNotFound("/nowhere", { data: { path: "/nowhere" } });
 * assert.equal(error.status, 404);
 * assert.equal(error.toProblemJSON().error_code, "api_read_not-found");
 * ```
 */
export class URLNotFound extends BackendAIError {
  /** The code of every error of this class: `api_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/url-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Unknown URL path.";
}

/**
 * The path exists but not for this method (HTTP 405,
 * `api_access_forbidden`; upstream's `MethodNotAllowed`). `data.allowed`
 * lists the methods the path takes; the router also sends them in `Allow`.
 *
 * @example Usage
 * ```ts
 * import { MethodNotAllowed } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new MethodNotAllowed("DELETE", { data: { method: "DELETE", allowed: ["GET"] } });
 * assert.equal(error.status, 405);
 * assert.equal(error.toProblemJSON().error_code, "api_access_forbidden");
 * ```
 */
export class MethodNotAllowed extends BackendAIError {
  /** The code of every error of this class: `api_access_forbidden`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.ACCESS,
    ErrorDetail.FORBIDDEN,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 405;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/method-not-allowed";
  /** The problem title. */
  override readonly errorTitle: string = "HTTP Method Not Allowed.";
}

/**
 * What a client sees for an error that is not a `BackendAIError` (HTTP 500,
 * `backendai_generic_internal-error`; upstream's `InternalServerError`). It
 * never carries the original message: that stays in the server's log.
 *
 * @example Usage
 * ```ts
 * import { InternalServerError } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new InternalServerError(undefined, { cause: new Error("secret detail") });
 * assert.equal(error.status, 500);
 * assert.equal(JSON.stringify(error.toProblemJSON()).includes("secret"), false);
 * ```
 */
export class InternalServerError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 500;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/internal-server-error";
  /** The problem title. */
  override readonly errorTitle: string = "Internal server error.";
}

/**
 * The request body is larger than the limit (HTTP 413,
 * `api_parsing_bad-request`). `data.limit` is the limit in bytes.
 *
 * @example Usage
 * ```ts
 * import { RequestBodyTooLarge } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new RequestBodyTooLarge("Request body exceeds 1024 bytes", { data: { limit: 1024 } });
 * assert.equal(error.status, 413);
 * assert.equal(error.toProblemJSON().type, "https://api.backend.ai/probs/request-body-too-large");
 * ```
 */
export class RequestBodyTooLarge extends BackendAIError {
  /** The code of every error of this class: `api_parsing_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 413;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/request-body-too-large";
  /** The problem title. */
  override readonly errorTitle: string = "Request body too large.";
}

/**
 * The request body's content type is not one the endpoint reads (HTTP 415,
 * `api_parsing_content-type-mismatch`). `data.contentType` is what was sent,
 * `data.expected` what is read.
 *
 * @example Usage
 * ```ts
 * import { UnsupportedMediaType } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new UnsupportedMediaType("Expected a JSON body", {
 *   data: { contentType: "text/plain", expected: ["application/json"] },
 * });
 * assert.equal(error.status, 415);
 * assert.equal(error.toProblemJSON().error_code, "api_parsing_content-type-mismatch");
 * ```
 */
export class UnsupportedMediaType extends BackendAIError {
  /** The code of every error of this class: `api_parsing_content-type-mismatch`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.CONTENT_TYPE_MISMATCH,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 415;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unsupported-media-type";
  /** The problem title. */
  override readonly errorTitle: string = "Unsupported media type.";
}

/**
 * A CORS preflight from an origin that is not allowed (HTTP 403,
 * `api_access_forbidden`). `data.origin` is the origin.
 *
 * @example Usage
 * ```ts
 * import { OriginNotAllowed } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const error = new OriginNotAllowed("Origin is not allowed", { data: { origin: "https://evil.example" } });
 * assert.equal(error.status, 403);
 * ```
 */
export class OriginNotAllowed extends BackendAIError {
  /** The code of every error of this class: `api_access_forbidden`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.ACCESS,
    ErrorDetail.FORBIDDEN,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 403;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/cors-origin-not-allowed";
  /** The problem title. */
  override readonly errorTitle: string = "Origin not allowed.";
}
