// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of upstream's `jwt` module (`ai.backend.common.jwt.exceptions`,
 * GraphQL federation authentication, domain `user`). Their names clash with the
 * `auth` family of `exception.py`, so the face exports them as the namespace
 * `jwtExceptions`; a `jwt` module here will adopt them.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The base of the `jwt` module's errors (`user_auth_unauthorized`). Upstream
 * mixes in no HTTP status (we answer 401, as every subclass does) and gives
 * it no type or title of its own (the general ones, as here).
 *
 * @example Usage
 * ```ts
 * import { jwtExceptions } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new jwtExceptions.JWTExpiredError("Token expired");
 * assert.ok(err instanceof jwtExceptions.JWTError);
 * assert.equal(err.status, 401);
 * assert.equal(err.toProblemJSON().error_code, "user_auth_data-expired");
 * ```
 */
export class JWTError extends BackendAIError {
  /** The code of every error of this class: `user_auth_unauthorized`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.AUTH,
    ErrorDetail.UNAUTHORIZED,
  );
  /** The HTTP status of this error (upstream gives none). */
  override readonly status: number = 401;
}

/** The JWT has expired (HTTP 401, `user_auth_data-expired`). */
export class JWTExpiredError extends JWTError {
  /** The code of every error of this class: `user_auth_data-expired`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.AUTH,
    ErrorDetail.DATA_EXPIRED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-expired";
  /** The problem title. */
  override readonly errorTitle: string = "JWT token has expired.";
}

/** The JWT's signature does not verify (HTTP 401, `user_auth_unauthorized`). */
export class JWTInvalidSignatureError extends JWTError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-invalid-signature";
  /** The problem title. */
  override readonly errorTitle: string = "JWT signature verification failed.";
}

/**
 * The JWT's claims are missing or invalid (HTTP 401,
 * `user_auth_unauthorized`).
 */
export class JWTInvalidClaimsError extends JWTError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-invalid-claims";
  /** The problem title. */
  override readonly errorTitle: string = "JWT claims are invalid.";
}

/** The JWT cannot be decoded (HTTP 401, `user_auth_unauthorized`). */
export class JWTDecodeError extends JWTError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/jwt-decode-error";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to decode JWT token.";
}
