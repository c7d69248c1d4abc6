// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the Valkey client: {@linkcode ValkeySentinelMasterNotFound},
 * {@linkcode ValkeyRoleMismatchError} and {@linkcode ValkeyConnectionError}
 * (each HTTP 503, with upstream's names where upstream has them).
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
 * assert.equal(new ValkeySentinelMasterNotFound("no master").status, 503);
 * ```
 */
export class ValkeySentinelMasterNotFound extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-sentinel-master-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey Sentinel master not found.";
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
 * ```
 */
export class ValkeyRoleMismatchError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_mismatch`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.MISMATCH,
  );
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-role-mismatch";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey role mismatch.";
}

/**
 * The first connection could not be made in time (503).
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
