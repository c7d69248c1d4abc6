// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The JWT authentication errors of upstream's `exception.py` (domain `auth`):
 * {@linkcode JWTError} and its subclasses. Upstream's `jwt` module has a second
 * family with the same names (domain `user`); it is
 * {@linkcode jwtExceptions} here.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The base of the JWT authentication errors of `exception.py` (HTTP 401,
 * `auth_auth_unauthorized`).
 *
 * @example Usage
 * ```ts
 * import { JWTError, JWTExpiredError, JWTInvalidClaimsError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new JWTExpiredError("Token expired at 12:00");
 * assert.ok(err instanceof JWTError);
 * assert.equal(err.status, 401);
 * assert.equal(err.toProblemJSON().error_code, "auth_auth_data-expired");
 * // Upstream documents 403, but Python's method resolution order gives 401.
 * assert.equal(new JWTInvalidClaimsError().status, 401);
 * ```
 */
export class JWTError extends BackendAIError {
  /** The code of every error of this class: `auth_auth_unauthorized`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AUTH,
    ErrorOperation.AUTH,
    ErrorDetail.UNAUTHORIZED,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 401;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-error";
  /** The problem title. */
  override readonly errorTitle: string = "JWT authentication error.";
}

/** The JWT has expired (HTTP 401, `auth_auth_data-expired`). */
export class JWTExpiredError extends JWTError {
  /** The code of every error of this class: `auth_auth_data-expired`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AUTH,
    ErrorOperation.AUTH,
    ErrorDetail.DATA_EXPIRED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-expired";
  /** The problem title. */
  override readonly errorTitle: string = "JWT token has expired.";
}

/**
 * The JWT's signature does not verify: tampered with, or signed with another
 * key (HTTP 401, `auth_auth_unauthorized`).
 */
export class JWTInvalidSignatureError extends JWTError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-invalid-signature";
  /** The problem title. */
  override readonly errorTitle: string = "JWT signature verification failed.";
}

/**
 * The JWT's claims are missing or invalid (HTTP 401,
 * `auth_auth_forbidden`). Upstream's docstring says 403, but its base
 * `JWTError` mixes in `HTTPUnauthorized` first, so Python answers 401; so do
 * we.
 */
export class JWTInvalidClaimsError extends JWTError {
  /** The code of every error of this class: `auth_auth_forbidden`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AUTH,
    ErrorOperation.AUTH,
    ErrorDetail.FORBIDDEN,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-invalid-claims";
  /** The problem title. */
  override readonly errorTitle: string = "JWT claims are invalid.";
}

/**
 * The JWT cannot be decoded: a malformed token (HTTP 400,
 * `auth_auth_bad-request`). Not a {@linkcode JWTError}, as upstream.
 */
export class JWTDecodeError extends BackendAIError {
  /** The code of every error of this class: `auth_auth_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AUTH,
    ErrorOperation.AUTH,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-decode-error";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to decode JWT token.";
}

/**
 * The JWT's payload fails validation (HTTP 400,
 * `auth_auth_invalid-parameters`). Not a {@linkcode JWTError}, as upstream.
 */
export class JWTPayloadValidationError extends BackendAIError {
  /** The code of every error of this class: `auth_auth_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AUTH,
    ErrorOperation.AUTH,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-payload-validation-error";
  /** The problem title. */
  override readonly errorTitle: string = "JWT payload validation failed.";
}
