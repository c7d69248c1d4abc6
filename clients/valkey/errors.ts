// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the Valkey client: {@linkcode ValkeySentinelMasterNotFound},
 * {@linkcode ValkeyRoleMismatchError} (upstream's `exception.py`, with its
 * problem documents), {@linkcode ValkeyConnectionError} and
 * {@linkcode ValkeyReplicationError} (ours), each HTTP 503; and the errors of
 * upstream's TUS upload session client (`valkey_tus`):
 * {@linkcode TusLeaseHeldError}, {@linkcode TusLeaseLostError} and
 * {@linkcode TusSessionNotFoundError}.
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
 * No Sentinel knows the master (upstream `ValkeySentinelMasterNotFound`, 503).
 *
 * @example Usage
 * ```ts
 * import { ValkeySentinelMasterNotFound } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const err = new ValkeySentinelMasterNotFound("no master");
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().error_code, "backendai_read_unavailable");
 * ```
 */
export class ValkeySentinelMasterNotFound extends BackendAIError {
  /** The code of every error of this class: `backendai_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-sentinel-master-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey Sentinel Master Not Found";
}

/**
 * The server reached through Sentinel is not a master any more (a demoted
 * master after failover; upstream `ValkeyRoleMismatchError`, 503).
 *
 * @example Usage
 * ```ts
 * import { ValkeyRoleMismatchError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const err = new ValkeyRoleMismatchError("role is slave", { data: { role: "slave" } });
 * assert.equal(err.data?.role, "slave");
 * assert.equal(err.toProblemJSON().title, "Valkey Role Mismatch");
 * ```
 */
export class ValkeyRoleMismatchError extends BackendAIError {
  /** The code of every error of this class: `backendai_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-role-mismatch";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey Role Mismatch";
}

/**
 * The first connection could not be made in time, or a health check found
 * the server not answering (503).
 *
 * @example Usage
 * ```ts
 * import { ValkeyConnectionError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(new ValkeyConnectionError("x").errorCode()), "backendai_generic_unreachable");
 * ```
 */
export class ValkeyConnectionError extends BackendAIError {
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
    "https://api.backend.ai/probs/valkey-connection-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Cannot connect to Valkey.";
}

/**
 * Another storage proxy holds the TUS upload session's write lease (HTTP 409,
 * `storage-proxy_update_conflict`; upstream's `valkey_tus` client).
 *
 * @example Usage
 * ```ts
 * import { TusLeaseHeldError, TusSessionNotFoundError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const err = new TusLeaseHeldError("Lease held by storage-proxy-2", { data: { sessionId: "s1" } });
 * assert.equal(err.status, 409);
 * assert.equal(err.toProblemJSON().type, "https://api.backend.ai/probs/storage/tus-lease-held");
 * assert.equal(new TusSessionNotFoundError().status, 404);
 * ```
 */
export class TusLeaseHeldError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_update_conflict`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.UPDATE,
    ErrorDetail.CONFLICT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage/tus-lease-held";
  /** The problem title. */
  override readonly errorTitle: string =
    "TUS session lease is held by another storage-proxy";
}

/**
 * The TUS upload session's write lease expired and another holder took it
 * mid-write (HTTP 409, `storage-proxy_update_conflict`).
 */
export class TusLeaseLostError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_update_conflict`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.UPDATE,
    ErrorDetail.CONFLICT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage/tus-lease-lost";
  /** The problem title. */
  override readonly errorTitle: string = "TUS session lease lost mid-write";
}

/**
 * The TUS upload session has no offset entry: never registered, or its TTL
 * elapsed (HTTP 404, `storage-proxy_read_not-found`).
 */
export class TusSessionNotFoundError extends BackendAIError {
  /** The code of every error of this class: `storage-proxy_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_PROXY,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage/tus-session-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "TUS upload session not found";
}

/**
 * Fewer replicas than asked for confirmed a write in time (`WAIT`), or the
 * connection was reset before they could (503). The write itself was
 * applied by the master: the entry may still exist (its replica may have it
 * too and only been late to say so), or it may be lost if that master fails
 * over before replicating it. `data` holds `replicas` (how many confirmed),
 * `required` and `timeoutMs`.
 *
 * @example Usage
 * ```ts
 * import { ValkeyReplicationError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const err = new ValkeyReplicationError("no replica confirmed", {
 *   data: { replicas: 0, required: 1, timeoutMs: 1000 },
 * });
 * assert.equal(err.status, 503);
 * assert.equal(err.data?.required, 1);
 * ```
 */
export class ValkeyReplicationError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.TIMEOUT,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-replication-unconfirmed";
  /** The problem title. */
  override readonly errorTitle: string =
    "No Valkey replica confirmed the write.";
}
