// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of upstream's `health_checker` module, and `DatabaseError` of
 * `exception.py` (whose code is in the `health-check` domain). This library has
 * no health checker yet; the module will adopt these when it comes.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The base of every health check failure; abstract, as upstream.
 *
 * @example Usage
 * ```ts
 * import { HealthCheckError, ValkeyHealthCheckError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new ValkeyHealthCheckError("PING timed out", { data: { target: "redis:6379" } });
 * assert.ok(err instanceof HealthCheckError);
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().error_code, "health-check_read_unavailable");
 * ```
 */
export abstract class HealthCheckError extends BackendAIError {
}

/**
 * An HTTP endpoint failed its health check (HTTP 503,
 * `health-check_read_unavailable`).
 */
export class HttpHealthCheckError extends HealthCheckError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/http-health-check-failed";
  /** The problem title. */
  override readonly errorTitle: string = "HTTP health check failed";
}

/**
 * Valkey (Redis) failed its health check (HTTP 503,
 * `health-check_read_unavailable`).
 */
export class ValkeyHealthCheckError extends HealthCheckError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-health-check-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey health check failed";
}

/** etcd failed its health check (HTTP 503, `health-check_read_unavailable`). */
export class EtcdHealthCheckError extends HealthCheckError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/etcd-health-check-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Etcd health check failed";
}

/**
 * The database failed its health check (HTTP 503,
 * `health-check_read_unavailable`).
 */
export class DatabaseHealthCheckError extends HealthCheckError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/database-health-check-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Database health check failed";
}

/**
 * Docker failed its health check (HTTP 503, `health-check_read_unavailable`).
 */
export class DockerHealthCheckError extends HealthCheckError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/docker-health-check-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Docker health check failed";
}

/**
 * A health checker with the same name is already registered (HTTP 409,
 * `health-check_create_already-exists`).
 */
export class HealthCheckerAlreadyRegistered extends BackendAIError {
  /** The code of every error of this class: `health-check_create_already-exists`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.CREATE,
    ErrorDetail.ALREADY_EXISTS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/health-checker-already-registered";
  /** The problem title. */
  override readonly errorTitle: string = "Health checker already registered.";
}

/**
 * No health checker is registered under the name (HTTP 404,
 * `health-check_read_not-found`).
 */
export class HealthCheckerNotFound extends BackendAIError {
  /** The code of every error of this class: `health-check_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/health-checker-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Health checker not found.";
}

/**
 * A database operation failed (HTTP 503, `health-check_read_unavailable`;
 * upstream's `exception.py`).
 */
export class DatabaseError extends BackendAIError {
  /** The code of every error of this class: `health-check_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.HEALTH_CHECK,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/database-error";
  /** The problem title. */
  override readonly errorTitle: string = "Database Error";
}
