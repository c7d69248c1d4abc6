// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The errors of request authentication. Upstream's manager answers every
 * HMAC failure with one of two classes (`manager/errors/auth.py`):
 * {@linkcode InvalidAuthParameters} (400) and {@linkcode AuthorizationFailed}
 * (401); their problem documents are what a client sees, and here they are
 * the same. Each way a request fails has a subclass of its own, so a
 * service can log and count them apart: {@linkcode AuthorizationMissing},
 * {@linkcode MalformedAuthorization}, {@linkcode RequestDateInvalid},
 * {@linkcode UnknownAccessKey} and {@linkcode SignatureMismatch}, which says
 * nothing of which part of the signature differed. JWT failures are the
 * `jwtExceptions` of `@backendai/common/exception` (upstream's `jwt`
 * module: domain `user`, HTTP 401).
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
 * The authorization parameters are missing or invalid (HTTP 400,
 * `user_auth_invalid-parameters`; upstream manager's
 * `InvalidAuthParameters`).
 *
 * @example Usage
 * ```ts
 * import { InvalidAuthParameters } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const error = new InvalidAuthParameters("API version missing in request headers");
 * assert.equal(error.status, 400);
 * assert.equal(error.toProblemJSON().type, "https://api.backend.ai/probs/invalid-auth-params");
 * ```
 */
export class InvalidAuthParameters extends BackendAIError {
  /** The code of every error of this class: `user_auth_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.AUTH,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-auth-params";
  /** The problem title. */
  override readonly errorTitle: string =
    "Missing or invalid authorization parameters.";
}

/**
 * The credentials do not authenticate the request (HTTP 401,
 * `user_auth_unauthorized`; upstream manager's `AuthorizationFailed`).
 *
 * @example Usage
 * ```ts
 * import { AuthorizationFailed } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const error = new AuthorizationFailed("Unauthorized access");
 * assert.equal(error.status, 401);
 * assert.equal(error.toProblemJSON().error_code, "user_auth_unauthorized");
 * ```
 */
export class AuthorizationFailed extends BackendAIError {
  /** The code of every error of this class: `user_auth_unauthorized`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.AUTH,
    ErrorDetail.UNAUTHORIZED,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 401;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/auth-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Credential/signature mismatch.";
}

/**
 * The request carries no credentials (no `Authorization` and no
 * `X-BackendAI-Token`) where they are required (HTTP 401, upstream's
 * "Unauthorized access").
 *
 * @example Usage
 * ```ts
 * import { AuthorizationFailed, AuthorizationMissing } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new AuthorizationMissing() instanceof AuthorizationFailed);
 * ```
 */
export class AuthorizationMissing extends AuthorizationFailed {}

/**
 * The `Authorization` header is not
 * `BackendAI signMethod=HMAC-<HASH>, credential=<ACCESS_KEY>:<SIGNATURE>`
 * (or `Sorna …`), names a method other than HMAC with a supported hash, or
 * the version header is missing (HTTP 400). `data.header` names the header.
 *
 * @example Usage
 * ```ts
 * import { InvalidAuthParameters, MalformedAuthorization } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const error = new MalformedAuthorization("Invalid authorization type name", { data: { header: "Authorization" } });
 * assert.ok(error instanceof InvalidAuthParameters);
 * ```
 */
export class MalformedAuthorization extends InvalidAuthParameters {}

/**
 * The request's date is missing (`Date`, `X-BackendAI-Date`,
 * `X-Sorna-Date`), unreadable, or more than 15 minutes from the server's
 * clock (HTTP 400, upstream's "Date/time sync error"). `data.reason` is
 * `missing`, `unparsable` or `skew`.
 *
 * @example Usage
 * ```ts
 * import { InvalidAuthParameters, RequestDateInvalid } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const error = new RequestDateInvalid("Date/time sync error", { data: { reason: "skew" } });
 * assert.ok(error instanceof InvalidAuthParameters);
 * ```
 */
export class RequestDateInvalid extends InvalidAuthParameters {}

/**
 * No active keypair has the access key (HTTP 401).
 *
 * @example Usage
 * ```ts
 * import { AuthorizationFailed, UnknownAccessKey } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new UnknownAccessKey("Access key not found") instanceof AuthorizationFailed);
 * ```
 */
export class UnknownAccessKey extends AuthorizationFailed {}

/**
 * The signature is not the one the server computes (HTTP 401). It never
 * says which part of the request differed: that would help a forger.
 *
 * @example Usage
 * ```ts
 * import { AuthorizationFailed, SignatureMismatch } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * assert.ok(new SignatureMismatch("HMAC signature mismatch") instanceof AuthorizationFailed);
 * ```
 */
export class SignatureMismatch extends AuthorizationFailed {}
