// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of service discovery: {@linkcode ServiceNotFoundError} (404)
 * and {@linkcode InvalidServiceMetadataError} (400, an
 * `InvalidAPIParameters`). The backends' own failures are their clients'
 * errors (`EtcdUnavailableError`, ioredis errors through
 * `ServiceDiscoveryBackendError`).
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  InvalidAPIParameters,
} from "../exception.ts";

/**
 * No service is registered under the group and id (HTTP 404,
 * `backendai_read_not-found`; upstream raises `ValueError`). `data` names
 * `serviceGroup` and `serviceId`.
 *
 * @example Usage
 * ```ts
 * import { ServiceNotFoundError } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const err = new ServiceNotFoundError("No such service", { data: { serviceGroup: "manager", serviceId: "x" } });
 * assert.equal(err.status, 404);
 * assert.equal(err.toProblemJSON().error_code, "backendai_read_not-found");
 * ```
 */
export class ServiceNotFoundError extends BackendAIError {
  /** The code of every error of this class: `backendai_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** HTTP 404. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/service-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Service not found";
}

/**
 * A service's metadata is invalid: a field missing or of the wrong type, an
 * id that is not a UUID, a group with `/` (HTTP 400, an
 * `InvalidAPIParameters`). `data.field` names the field.
 *
 * @example Usage
 * ```ts
 * import { InvalidServiceMetadataError } from "@backendai/common/service-discovery";
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidServiceMetadataError("Bad port", { data: { field: "endpoint.port", value: 0 } });
 * assert.ok(err instanceof InvalidAPIParameters);
 * ```
 */
export class InvalidServiceMetadataError extends InvalidAPIParameters {}

/**
 * A discovery backend failed (Redis unreachable, a command refused): HTTP
 * 503, `backendai_generic_unavailable`. `data` names the key and operation;
 * `cause` is the client's error. (etcd failures keep their own
 * `EtcdUnavailableError`.)
 *
 * @example Usage
 * ```ts
 * import { ServiceDiscoveryBackendError } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const err = new ServiceDiscoveryBackendError("Redis is down", { data: { key: "service_discovery.manager.x", operation: "register" } });
 * assert.equal(err.status, 503);
 * ```
 */
export class ServiceDiscoveryBackendError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/service-discovery-unavailable";
  /** The problem title. */
  override readonly errorTitle: string = "Service discovery is unavailable";
  /** Retrying later may succeed. */
  override readonly retryable: boolean = true;
}
