// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the etcd client. Each names the key (or prefix) and the
 * operation in `data` (`{ key, operation }`), carries the underlying error as
 * `cause`, and never holds a password:
 *
 * - {@linkcode EtcdUnavailableError} (503): etcd did not answer (refused,
 *   unavailable, timed out, or the client's circuit breaker is open);
 * - {@linkcode EtcdAuthError} (503): the user or password was refused, or
 *   the user lacks permission on the key;
 * - {@linkcode EtcdRequestError} (500): etcd refused the request for another
 *   reason;
 * - {@linkcode EtcdLeaseLostError} (503): a lease expired or was revoked, so
 *   the keys written with it are gone;
 * - {@linkcode EtcdClosedError} (500): the client was used after `close()`.
 *
 * A bad argument (an unknown scope, a bad address) raises
 * `InvalidAPIParameters` from `exception`.
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
 * etcd did not answer: connection refused, gRPC `UNAVAILABLE`, a deadline
 * exceeded, or the client's circuit breaker open after repeated failures
 * (HTTP 503, `backendai_generic_unreachable`).
 *
 * @example Usage
 * ```ts
 * import { EtcdUnavailableError } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * const err = new EtcdUnavailableError("Cannot reach etcd", {
 *   data: { key: "/sorna/local/config/redis", operation: "get" },
 * });
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().error_code, "backendai_generic_unreachable");
 * assert.equal(err.data?.key, "/sorna/local/config/redis");
 * ```
 */
export class EtcdUnavailableError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNREACHABLE,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-unavailable";
  /** The problem title. */
  override readonly errorTitle: string = "Cannot reach etcd";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * etcd refused the credentials, or the user has no permission on the key
 * (HTTP 503, `backendai_auth_unauthorized`). `data.user` names the user; the
 * password is never kept.
 *
 * @example Usage
 * ```ts
 * import { EtcdAuthError } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * const err = new EtcdAuthError("etcd refused user \"svc\"", { data: { user: "svc", key: "/sorna/local/x" } });
 * assert.equal(err.toProblemJSON().error_code, "backendai_auth_unauthorized");
 * assert.equal(err.retryable, false);
 * ```
 */
export class EtcdAuthError extends BackendAIError {
  /** The code of every error of this class: `backendai_auth_unauthorized`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.AUTH,
    ErrorDetail.UNAUTHORIZED,
  );
  /** HTTP 503: the service cannot use its configuration store. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-auth-failed";
  /** The problem title. */
  override readonly errorTitle: string = "etcd refused the credentials";
  /** Retrying with the same credentials does not help. */
  override readonly retryable: boolean = false;
}

/**
 * etcd refused a request for a reason other than availability or
 * credentials, e.g. a transaction too large (HTTP 500,
 * `backendai_generic_internal-error`).
 *
 * @example Usage
 * ```ts
 * import { EtcdRequestError } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * const err = new EtcdRequestError("etcd refused the transaction", { data: { key: "/sorna/local/a", operation: "putPrefix" } });
 * assert.equal(err.status, 500);
 * ```
 */
export class EtcdRequestError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-request-failed";
  /** The problem title. */
  override readonly errorTitle: string = "etcd refused the request";
}

/**
 * A lease expired or was revoked: the keys written with it are gone
 * (HTTP 503, `backendai_generic_gone`). `data.leaseId` names it.
 *
 * @example Usage
 * ```ts
 * import { EtcdLeaseLostError } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * const err = new EtcdLeaseLostError("The lease expired", { data: { leaseId: "7587" } });
 * assert.equal(err.toProblemJSON().error_code, "backendai_generic_gone");
 * ```
 */
export class EtcdLeaseLostError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_gone`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.GONE,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-lease-lost";
  /** The problem title. */
  override readonly errorTitle: string = "The etcd lease is lost";
}

/**
 * The client was used after `close()` (HTTP 500,
 * `backendai_generic_canceled`).
 *
 * @example Usage
 * ```ts
 * import { EtcdClosedError } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new EtcdClosedError().toProblemJSON().error_code, "backendai_generic_canceled");
 * ```
 */
export class EtcdClosedError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.CANCELED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-client-closed";
  /** The problem title. */
  override readonly errorTitle: string = "The etcd client is closed";
}
