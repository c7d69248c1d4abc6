// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about users, projects (groups), domains, their resource policies and
 * role-based access control, from upstream's `exception.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The user does not exist (HTTP 404, `user_read_not-found`).
 *
 * @example Usage
 * ```ts
 * import { UserNotFound } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new UserNotFound("No such user", { data: { email: "user@example.com" } });
 * assert.equal(err.status, 404);
 * assert.equal(err.toProblemJSON().error_code, "user_read_not-found");
 * ```
 */
export class UserNotFound extends BackendAIError {
  /** The code of every error of this class: `user_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/user-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "User Not Found";
}

/**
 * The project (upstream's group) does not exist (HTTP 404,
 * `group_read_not-found`; titled "Project Not Found").
 */
export class GroupNotFound extends BackendAIError {
  /** The code of every error of this class: `group_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.GROUP,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/group-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Project Not Found";
}

/** The domain does not exist (HTTP 404, `domain_read_not-found`). */
export class DomainNotFound extends BackendAIError {
  /** The code of every error of this class: `domain_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.DOMAIN,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/domain-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Domain Not Found";
}

/**
 * The user resource policy does not exist (HTTP 404,
 * `user-resource-policy_read_not-found`).
 */
export class UserResourcePolicyNotFound extends BackendAIError {
  /** The code of every error of this class: `user-resource-policy_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER_RESOURCE_POLICY,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/user-resource-policy-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "User Resource Policy Not Found";
}

/**
 * The keypair resource policy does not exist (HTTP 404,
 * `keypair-resource-policy_read_not-found`).
 */
export class KeypairResourcePolicyNotFound extends BackendAIError {
  /** The code of every error of this class: `keypair-resource-policy_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.KEYPAIR_RESOURCE_POLICY,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/keypair-resource-policy-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Keypair Resource Policy Not Found";
}

/**
 * An RBAC enum value cannot be converted to another RBAC enum type (HTTP
 * 500, `permission_generic_internal-error`).
 */
export class RBACTypeConversionError extends BackendAIError {
  /** The code of every error of this class: `permission_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.PERMISSION,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/rbac-type-conversion-error";
  /** The problem title. */
  override readonly errorTitle: string = "RBAC type conversion failed.";
}
