// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The error model shared by every Backend.AI component: {@linkcode ErrorCode}
 * (`domain_operation_detail`), the {@linkcode BackendAIError} tree with an HTTP
 * status and a `cause`, and RFC 7807 problem+json rendering with upstream's
 * exact keys (`type`, `title`, `error_code`, `msg`, `data`).
 *
 * ```ts
 * import { BackendAIError, ErrorCode, InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidAPIParameters("Missing field", { data: { field: "name" } });
 * assert.ok(err instanceof BackendAIError);
 * assert.equal(err.status, 400);
 * assert.equal(String(err.errorCode()), "api_parsing_invalid-parameters");
 * assert.deepEqual(err.toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/generic-bad-request",
 *   title: "Invalid or Missing API Parameters.",
 *   error_code: "api_parsing_invalid-parameters",
 *   msg: "Missing field",
 *   data: { field: "name" },
 * });
 * assert.equal(ErrorCode.fromString("api_parsing_invalid-parameters").domain, "api");
 * ```
 *
 * @module
 */

/**
 * The domain part of an {@linkcode ErrorCode}: which part of the platform failed.
 * Values are upstream's wire strings.
 *
 * @example Usage
 * ```ts
 * import { ErrorDomain } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorDomain.MESSAGE_QUEUE, "message-queue");
 * ```
 */
export const ErrorDomain = {
  BACKENDAI: "backendai",
  API: "api",
  AUTH: "auth",
  ARTIFACT: "artifact",
  ARTIFACT_REGISTRY: "artifact-registry",
  ARTIFACT_ASSOCIATION: "artifact-association",
  OBJECT_STORAGE: "object-storage",
  VFS_STORAGE: "vfs-storage",
  STORAGE_NAMESPACE: "storage-namespace",
  PLUGIN: "plugin",
  BGTASK: "bgtask",
  LEADER_ELECTION: "leader-election",
  KERNEL: "kernel",
  USER: "user",
  KEYPAIR: "keypair",
  SESSION: "session",
  GROUP: "group",
  DOMAIN: "domain",
  IMAGE: "image",
  IMAGE_ALIAS: "image-alias",
  TEMPLATE: "template",
  CONTAINER_REGISTRY: "container-registry",
  SCALING_GROUP: "scaling-group",
  INSTANCE: "instance",
  ENDPOINT: "endpoint",
  ENDPOINT_AUTO_SCALING: "endpoint-auto-scaling",
  ROUTE: "route",
  DOTFILE: "dotfile",
  VFOLDER: "vfolder",
  QUOTA_SCOPE: "quota-scope",
  VFOLDER_INVITATION: "vfolder-invitation",
  MODEL_CARD: "model-card",
  MODEL_SERVICE: "model-service",
  MODEL_DEPLOYMENT: "model-deployment",
  RESOURCE_PRESET: "resource-preset",
  STORAGE: "storage",
  WATCHER: "watcher",
  AGENT: "agent",
  KERNEL_REGISTRY: "kernel-registry",
  PERMISSION: "permission",
  ROLE: "role",
  METRIC: "metric",
  STORAGE_PROXY: "storage-proxy",
  APPPROXY: "appproxy",
  MESSAGE_QUEUE: "message-queue",
  EVENT: "event",
  NOTIFICATION: "notification",
  HEALTH_CHECK: "health-check",
  KEYPAIR_RESOURCE_POLICY: "keypair-resource-policy",
  DATABASE: "database",
  USER_RESOURCE_POLICY: "user-resource-policy",
  PROMETHEUS_QUERY_PRESET: "prometheus-query-preset",
  PROMETHEUS_QUERY_PRESET_CATEGORY: "prometheus-query-preset-category",
  RUNTIME_VARIANT: "runtime-variant",
  ROLE_INVITATION: "role-invitation",
  RETENTION_POLICY: "retention-policy",
  EXTERNAL_SYSTEM: "external-system",
} as const;
/** One of the {@linkcode ErrorDomain} wire strings. */
export type ErrorDomain = typeof ErrorDomain[keyof typeof ErrorDomain];

/**
 * The operation part of an {@linkcode ErrorCode}: what was being done.
 *
 * @example Usage
 * ```ts
 * import { ErrorOperation } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorOperation.HARD_DELETE, "purge");
 * ```
 */
export const ErrorOperation = {
  GENERIC: "generic",
  CREATE: "create",
  ACCESS: "access",
  READ: "read",
  UPDATE: "update",
  START: "start",
  SOFT_DELETE: "soft-delete",
  HARD_DELETE: "purge",
  LIST: "list-query",
  AUTH: "auth",
  HOOK: "hook",
  REQUEST: "request",
  PARSING: "parsing",
  EXECUTE: "execute",
  SCHEDULE: "schedule",
  SETUP: "setup",
  GRANT: "grant",
  CHECK_LIMIT: "check-limit",
} as const;
/** One of the {@linkcode ErrorOperation} wire strings. */
export type ErrorOperation = typeof ErrorOperation[keyof typeof ErrorOperation];

/**
 * The detail part of an {@linkcode ErrorCode}: what kind of failure it was.
 *
 * @example Usage
 * ```ts
 * import { ErrorDetail } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorDetail.NOT_FOUND, "not-found");
 * ```
 */
export const ErrorDetail = {
  BAD_REQUEST: "bad-request",
  NOT_FOUND: "not-found",
  GONE: "gone",
  CONFLICT: "conflict",
  ALREADY_EXISTS: "already-exists",
  INVALID_PARAMETERS: "invalid-parameters",
  DATA_EXPIRED: "data-expired",
  FORBIDDEN: "forbidden",
  UNAUTHORIZED: "unauthorized",
  INCOMPLETE_USER_PROFILE: "incomplete-user-profile",
  NOT_READY: "not-ready",
  INVALID_DATA_FORMAT: "invalid-data-format",
  INTERNAL_ERROR: "internal-error",
  UNAVAILABLE: "unavailable",
  UNREACHABLE: "unreachable",
  TASK_TIMEOUT: "task-timeout",
  CANCELED: "canceled",
  NOT_IMPLEMENTED: "not-implemented",
  DEPRECATED: "deprecated",
  MISMATCH: "mismatch",
  TIMEOUT: "timeout",
  CONTENT_TYPE_MISMATCH: "content-type-mismatch",
} as const;
/** One of the {@linkcode ErrorDetail} wire strings. */
export type ErrorDetail = typeof ErrorDetail[keyof typeof ErrorDetail];

const DOMAIN_VALUES: ReadonlySet<string> = new Set(Object.values(ErrorDomain));
const OPERATION_VALUES: ReadonlySet<string> = new Set(
  Object.values(ErrorOperation),
);
const DETAIL_VALUES: ReadonlySet<string> = new Set(Object.values(ErrorDetail));

/**
 * A machine-readable error code, rendered as `domain_operation_detail`.
 * Hyphens appear inside the parts; underscores only separate them.
 *
 * @example Round trip
 * ```ts
 * import { ErrorCode, ErrorDetail, ErrorDomain, ErrorOperation } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const code = new ErrorCode(ErrorDomain.BGTASK, ErrorOperation.READ, ErrorDetail.NOT_FOUND);
 * assert.equal(code.toString(), "bgtask_read_not-found");
 * assert.ok(ErrorCode.fromString("bgtask_read_not-found").equals(code));
 * assert.equal(String(ErrorCode.default()), "backendai_generic_internal-error");
 * ```
 */
export class ErrorCode {
  /** The failing part of the platform. */
  readonly domain: ErrorDomain;
  /** The operation that failed. */
  readonly operation: ErrorOperation;
  /** The kind of failure. */
  readonly detail: ErrorDetail;

  /**
   * Makes a code from its three parts.
   *
   * @param domain The failing part of the platform.
   * @param operation The operation that failed.
   * @param detail The kind of failure.
   */
  constructor(
    domain: ErrorDomain,
    operation: ErrorOperation,
    detail: ErrorDetail,
  ) {
    this.domain = domain;
    this.operation = operation;
    this.detail = detail;
  }

  /**
   * Renders the code as `domain_operation_detail`.
   *
   * @returns The wire form of the code.
   */
  toString(): string {
    return `${this.domain}_${this.operation}_${this.detail}`;
  }

  /**
   * Renders the code for `JSON.stringify` as its wire string.
   *
   * @returns The wire form of the code.
   */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Tells whether two codes have the same three parts.
   *
   * @param other The code to compare with.
   * @returns `true` when domain, operation and detail are all equal.
   */
  equals(other: ErrorCode): boolean {
    return this.domain === other.domain &&
      this.operation === other.operation &&
      this.detail === other.detail;
  }

  /**
   * Parses `domain_operation_detail` back into a code.
   *
   * @param value The wire form.
   * @returns The parsed code.
   * @throws {InvalidErrorCode} When there are not exactly three parts or a part is unknown.
   */
  static fromString(value: string): ErrorCode {
    const parts = value.split("_");
    if (parts.length !== 3) {
      throw new InvalidErrorCode(
        `Cannot parse error code "${value}": expected 3 parts separated by "_", got ${parts.length}`,
        { data: { value } },
      );
    }
    const [domain, operation, detail] = parts as [string, string, string];
    if (!DOMAIN_VALUES.has(domain)) {
      throw new InvalidErrorCode(
        `Cannot parse error code "${value}": unknown domain "${domain}"`,
        { data: { value, part: "domain" } },
      );
    }
    if (!OPERATION_VALUES.has(operation)) {
      throw new InvalidErrorCode(
        `Cannot parse error code "${value}": unknown operation "${operation}"`,
        { data: { value, part: "operation" } },
      );
    }
    if (!DETAIL_VALUES.has(detail)) {
      throw new InvalidErrorCode(
        `Cannot parse error code "${value}": unknown detail "${detail}"`,
        { data: { value, part: "detail" } },
      );
    }
    return new ErrorCode(
      domain as ErrorDomain,
      operation as ErrorOperation,
      detail as ErrorDetail,
    );
  }

  /**
   * The code used where nothing more specific is known:
   * `backendai_generic_internal-error`.
   *
   * @returns The default code.
   */
  static default(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.INTERNAL_ERROR,
    );
  }
}

/**
 * An RFC 7807 problem document with upstream's keys.
 */
export interface ProblemJSON {
  /** A URL naming the problem type, e.g. `https://api.backend.ai/probs/generic-bad-request`. */
  type: string;
  /** A short, human-readable summary of the problem type. */
  title: string;
  /** The {@linkcode ErrorCode} in its wire form. */
  error_code: string;
  /** The message of this occurrence; absent when none was given. */
  msg?: string;
  /** Structured data about this occurrence; absent when none was given. */
  data?: Record<string, unknown>;
  /** Other members a peer may have sent; kept by {@linkcode BackendAIError.fromProblemJSON}. */
  [key: string]: unknown;
}

/** Options for every {@linkcode BackendAIError}. */
export interface BackendAIErrorOptions {
  /**
   * Structured data about this occurrence, rendered as `data` in problem+json.
   * Name the offending field or path here.
   *
   * @default {undefined}
   */
  data?: Record<string, unknown>;
  /**
   * The error that caused this one.
   *
   * @default {undefined}
   */
  cause?: unknown;
}

/** The media type of problem documents. */
export const PROBLEM_JSON_CONTENT_TYPE = "application/problem+json";

/**
 * The root of every error this library throws to callers. Each subclass sets
 * its HTTP `status`, its problem `errorType` and `errorTitle`, and overrides
 * {@linkcode BackendAIError.errorCode}. Defaults are status 500 and
 * `backendai_generic_internal-error`.
 *
 * @example Define a domain error
 * ```ts
 * import {
 *   BackendAIError,
 *   ErrorCode,
 *   ErrorDetail,
 *   ErrorDomain,
 *   ErrorOperation,
 * } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * class QuotaExceeded extends BackendAIError {
 *   override readonly status: number = 429;
 *   override readonly errorType: string = "https://api.backend.ai/probs/quota-exceeded";
 *   override readonly errorTitle: string = "Quota exceeded.";
 *   override errorCode(): ErrorCode {
 *     return new ErrorCode(ErrorDomain.VFOLDER, ErrorOperation.CHECK_LIMIT, ErrorDetail.FORBIDDEN);
 *   }
 * }
 *
 * const err = new QuotaExceeded("Volume is full", { cause: new Error("ENOSPC") });
 * assert.equal(err.status, 429);
 * assert.equal(err.toProblemJSON().error_code, "vfolder_check-limit_forbidden");
 * assert.equal(err.toString(), "Quota exceeded. (Volume is full)");
 * assert.ok(err.cause instanceof Error);
 * ```
 */
export class BackendAIError extends Error {
  /** The HTTP status a web layer answers with. */
  readonly status: number = 500;
  /** The problem type URL. */
  readonly errorType: string = "https://api.backend.ai/probs/general-error";
  /** The problem title. */
  readonly errorTitle: string = "General Backend API Error.";
  /** The message of this occurrence, as given (upstream's `extra_msg`). */
  readonly extraMessage: string | undefined;
  /** Structured data about this occurrence (upstream's `extra_data`). */
  readonly data: Record<string, unknown> | undefined;
  /**
   * Whether repeating the failed operation can help. `false` makes a retry
   * policy give up at once (resilience/); `undefined`, the default, leaves the
   * decision to the policy. Subclasses for conditions that a retry cannot
   * fix (an open circuit, a rejected request) set it to `false`.
   */
  readonly retryable: boolean | undefined = undefined;

  /**
   * Makes an error.
   *
   * @param message The message of this occurrence (sentence case, no trailing period).
   * @param options Structured `data` and the `cause`.
   */
  constructor(message?: string, options?: BackendAIErrorOptions) {
    super(
      message ?? "",
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.extraMessage = message;
    this.data = options?.data;
    this.name = new.target.name;
  }

  /**
   * The machine-readable code of this error.
   *
   * @returns The code; subclasses override it.
   */
  errorCode(): ErrorCode {
    return ErrorCode.default();
  }

  /**
   * Renders the RFC 7807 problem document, with `msg` and `data` only when set.
   *
   * @returns The problem document.
   */
  toProblemJSON(): ProblemJSON {
    const body: ProblemJSON = {
      type: this.errorType,
      title: this.errorTitle,
      error_code: this.errorCode().toString(),
    };
    if (this.extraMessage !== undefined) body.msg = this.extraMessage;
    if (this.data !== undefined) body.data = this.data;
    return body;
  }

  /**
   * Renders the error as a web-standard `application/problem+json` response.
   *
   * @returns A response with this error's status and problem document.
   */
  toResponse(): Response {
    return new Response(JSON.stringify(this.toProblemJSON()), {
      status: this.status,
      headers: { "content-type": PROBLEM_JSON_CONTENT_TYPE },
    });
  }

  /**
   * Upstream's string form: `"{title} ({msg})"`, plus the data on a second line.
   *
   * @returns A human-readable description.
   */
  override toString(): string {
    let text = this.errorTitle;
    if (this.extraMessage) text += ` (${this.extraMessage})`;
    if (this.data !== undefined) {
      text += `\n -> extra_data: ${JSON.stringify(this.data)}`;
    }
    return text;
  }
}

/**
 * Raised by {@linkcode ErrorCode.fromString} for a malformed code.
 *
 * @example Usage
 * ```ts
 * import { ErrorCode, InvalidErrorCode } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ErrorCode.fromString("api_parsing"), InvalidErrorCode);
 * ```
 */
export class InvalidErrorCode extends BackendAIError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-error-code";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid error code.";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.PARSING,
      ErrorDetail.INVALID_DATA_FORMAT,
    );
  }
}

/**
 * A request or argument had missing or invalid parameters (HTTP 400,
 * `api_parsing_invalid-parameters`). Put the offending field or path in `data`.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidAPIParameters("Port out of range", { data: { field: "port", value: 70000 } });
 * assert.equal(err.status, 400);
 * assert.equal(err.data?.field, "port");
 * ```
 */
export class InvalidAPIParameters extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/generic-bad-request";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid or Missing API Parameters.";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.API,
      ErrorOperation.PARSING,
      ErrorDetail.INVALID_PARAMETERS,
    );
  }
}

/**
 * The request body could not be parsed (HTTP 400, `api_parsing_bad-request`).
 *
 * @example Usage
 * ```ts
 * import { MalformedRequestBody } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new MalformedRequestBody("Body is not JSON", { cause: new SyntaxError("Unexpected token") });
 * assert.equal(err.status, 400);
 * assert.equal(err.toProblemJSON().error_code, "api_parsing_bad-request");
 * ```
 */
export class MalformedRequestBody extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/generic-bad-request";
  /** The problem title. */
  override readonly errorTitle: string = "Malformed request body.";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.API,
      ErrorOperation.PARSING,
      ErrorDetail.BAD_REQUEST,
    );
  }
}

/**
 * A value failed schema validation (HTTP 400, `api_parsing_invalid-parameters`).
 * Upstream's `BackendAISchemaValidationFailed`: put the list of validation
 * issues (path and message, never the raw input) under `data.errors`.
 *
 * @example Usage
 * ```ts
 * import { SchemaValidationFailed } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new SchemaValidationFailed("Invalid session spec", {
 *   data: { errors: [{ loc: ["resources", "cpu"], msg: "Expected a number" }] },
 * });
 * assert.equal(err.status, 400);
 * assert.deepEqual(err.toProblemJSON().data, {
 *   errors: [{ loc: ["resources", "cpu"], msg: "Expected a number" }],
 * });
 * ```
 */
export class SchemaValidationFailed extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/schema-validation-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Schema validation failed.";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.API,
      ErrorOperation.PARSING,
      ErrorDetail.INVALID_PARAMETERS,
    );
  }
}

/**
 * The caller lacks the permission for what it asked (HTTP 403, `api_auth_forbidden`).
 *
 * @example Usage
 * ```ts
 * import { PermissionDeniedError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new PermissionDeniedError().toProblemJSON().error_code, "api_auth_forbidden");
 * ```
 */
export class PermissionDeniedError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 403;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/permission-denied";
  /** The problem title. */
  override readonly errorTitle: string = "Permission Denied.";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.API,
      ErrorOperation.AUTH,
      ErrorDetail.FORBIDDEN,
    );
  }
}

/**
 * A code path that must never run did run (HTTP 500, `backendai_generic_unreachable`).
 *
 * @example Usage
 * ```ts
 * import { UnreachableError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new UnreachableError("Unknown state").status, 500);
 * ```
 */
export class UnreachableError extends BackendAIError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unreachable";
  /** The problem title. */
  override readonly errorTitle: string = "Unreachable";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.UNREACHABLE,
    );
  }
}

/**
 * A feature is not implemented (HTTP 500, `backendai_generic_not-implemented`).
 *
 * @example Usage
 * ```ts
 * import { GenericNotImplementedError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   new GenericNotImplementedError().toProblemJSON().error_code,
 *   "backendai_generic_not-implemented",
 * );
 * ```
 */
export class GenericNotImplementedError extends BackendAIError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/not-implemented";
  /** The problem title. */
  override readonly errorTitle: string = "Not Implemented";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.NOT_IMPLEMENTED,
    );
  }
}

/**
 * A configuration value is invalid (HTTP 500, `backendai_generic_internal-error`).
 * Name the key and the file in `data` (`{ key, file }`).
 *
 * @example Usage
 * ```ts
 * import { InvalidConfigError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidConfigError("Port must be a number", {
 *   data: { key: "manager.service-addr.port", file: "manager.toml" },
 * });
 * assert.equal(err.data?.file, "manager.toml");
 * ```
 */
export class InvalidConfigError extends BackendAIError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-configuration";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid Configuration";
}

/**
 * A resource preset with the same name exists (HTTP 409, `resource-preset_generic_conflict`).
 *
 * @example Usage
 * ```ts
 * import { ResourcePresetConflict } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ResourcePresetConflict().status, 409);
 * ```
 */
export class ResourcePresetConflict extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/duplicate-resource";
  /** The problem title. */
  override readonly errorTitle: string = "Duplicate Resource Preset";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.RESOURCE_PRESET,
      ErrorOperation.GENERIC,
      ErrorDetail.CONFLICT,
    );
  }
}

/**
 * A client was used before it connected, or after it closed (HTTP 503,
 * `backendai_generic_unavailable`).
 *
 * @example Usage
 * ```ts
 * import { ClientNotConnectedError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ClientNotConnectedError("Redis client is closed").status, 503);
 * ```
 */
export class ClientNotConnectedError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/client-not-connected";
  /** The problem title. */
  override readonly errorTitle: string = "Client Not Connected";
  /**
   * The machine-readable code of this error.
   *
   * @returns The code.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.UNAVAILABLE,
    );
  }
}

const HTTP_STATUS_TO_ERROR_DETAIL: ReadonlyMap<number, ErrorDetail> = new Map([
  [400, ErrorDetail.BAD_REQUEST],
  [401, ErrorDetail.UNAUTHORIZED],
  [403, ErrorDetail.FORBIDDEN],
  [404, ErrorDetail.NOT_FOUND],
  [408, ErrorDetail.TIMEOUT],
  [409, ErrorDetail.CONFLICT],
  [410, ErrorDetail.GONE],
  [415, ErrorDetail.CONTENT_TYPE_MISMATCH],
  [422, ErrorDetail.INVALID_PARAMETERS],
  [500, ErrorDetail.INTERNAL_ERROR],
  [501, ErrorDetail.NOT_IMPLEMENTED],
  [502, ErrorDetail.UNREACHABLE],
  [503, ErrorDetail.UNAVAILABLE],
  [504, ErrorDetail.TIMEOUT],
]);

/**
 * Maps an HTTP status to the {@linkcode ErrorDetail} upstream uses for it;
 * statuses it does not list (e.g. 405, 429) map to `internal-error`.
 *
 * @example Usage
 * ```ts
 * import { errorDetailFromHttpStatus } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(errorDetailFromHttpStatus(404), "not-found");
 * assert.equal(errorDetailFromHttpStatus(504), "timeout");
 * assert.equal(errorDetailFromHttpStatus(429), "internal-error");
 * ```
 *
 * @param status The HTTP status code.
 * @returns The matching error detail.
 */
export function errorDetailFromHttpStatus(status: number): ErrorDetail {
  return HTTP_STATUS_TO_ERROR_DETAIL.get(status) ?? ErrorDetail.INTERNAL_ERROR;
}

/** Options for {@linkcode PassthroughError.fromHttpStatus}. */
export interface PassthroughFromStatusOptions {
  /**
   * The domain of the code.
   *
   * @default {"backendai"}
   */
  domain?: ErrorDomain;
  /**
   * The operation of the code.
   *
   * @default {"generic"}
   */
  operation?: ErrorOperation;
  /**
   * The message.
   *
   * @default {"An error occurred with status code N"}
   */
  message?: string;
  /**
   * The error that caused this one, e.g. the downstream response's error.
   *
   * @default {undefined}
   */
  cause?: unknown;
}

/**
 * An error forwarded from a downstream service that keeps the downstream
 * HTTP status and error code (`…/probs/forwarded-error`).
 *
 * @example Forward a storage proxy failure
 * ```ts
 * import { PassthroughError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = PassthroughError.fromHttpStatus(404, { domain: "vfolder", operation: "read" });
 * assert.equal(err.status, 404);
 * assert.equal(err.toProblemJSON().error_code, "vfolder_read_not-found");
 * assert.equal(err.message, "An error occurred with status code 404");
 * ```
 */
export class PassthroughError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/forwarded-error";
  /** The problem title. */
  override readonly errorTitle: string =
    "Forwarded Error from Downstream Service";
  readonly #code: ErrorCode;

  /**
   * Makes a forwarded error.
   *
   * @param status The downstream HTTP status.
   * @param code The downstream error code.
   * @param message The downstream message.
   */
  constructor(status: number, code: ErrorCode, message: string) {
    super(message);
    this.status = status;
    this.#code = code;
  }

  /**
   * The downstream error code.
   *
   * @returns The code given at construction.
   */
  override errorCode(): ErrorCode {
    return this.#code;
  }

  /**
   * Makes a forwarded error whose detail is derived from the HTTP status
   * (see {@linkcode errorDetailFromHttpStatus}).
   *
   * @param status The downstream HTTP status.
   * @param options The domain, operation, message and cause.
   * @returns The forwarded error.
   */
  static fromHttpStatus(
    status: number,
    options: PassthroughFromStatusOptions = {},
  ): PassthroughError {
    const code = new ErrorCode(
      options.domain ?? ErrorDomain.BACKENDAI,
      options.operation ?? ErrorOperation.GENERIC,
      errorDetailFromHttpStatus(status),
    );
    const err = new PassthroughError(
      status,
      code,
      options.message ?? `An error occurred with status code ${status}`,
    );
    if (options.cause !== undefined) {
      Object.defineProperty(err, "cause", {
        value: options.cause,
        configurable: true,
        writable: true,
      });
    }
    return err;
  }
}

/**
 * An error rebuilt from a problem+json document another service sent. It
 * keeps the sender's `type`, `title`, status, `error_code` (the default code
 * when the sender's is missing or malformed), `msg` and `data`.
 *
 * @example Read a peer's problem response
 * ```ts
 * import { RemoteProblemError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = RemoteProblemError.fromProblemJSON({
 *   type: "https://api.backend.ai/probs/agent-not-found",
 *   title: "Agent Not Found",
 *   error_code: "agent_read_not-found",
 *   msg: "i-ag1",
 * }, 404);
 * assert.equal(err.status, 404);
 * assert.equal(String(err.errorCode()), "agent_read_not-found");
 * assert.equal(err.toProblemJSON().title, "Agent Not Found");
 * ```
 */
export class RemoteProblemError extends BackendAIError {
  /** The HTTP status of this error. */
  override readonly status: number;
  /** The problem type URL. */
  override readonly errorType: string;
  /** The problem title. */
  override readonly errorTitle: string;
  readonly #code: ErrorCode;

  /**
   * Makes the error; prefer {@linkcode RemoteProblemError.fromProblemJSON}.
   *
   * @param problem The problem document.
   * @param status The HTTP status the document came with.
   * @param options The `cause`.
   */
  constructor(
    problem: ProblemJSON,
    status: number,
    options: { cause?: unknown } = {},
  ) {
    const opts: BackendAIErrorOptions = {};
    if (problem.data !== undefined) opts.data = problem.data;
    if (options.cause !== undefined) opts.cause = options.cause;
    super(problem.msg, opts);
    this.status = status;
    this.errorType = problem.type;
    this.errorTitle = problem.title;
    let code: ErrorCode;
    try {
      code = ErrorCode.fromString(problem.error_code);
    } catch {
      code = ErrorCode.default();
    }
    this.#code = code;
  }

  /**
   * The sender's error code.
   *
   * @returns The parsed code, or the default code when it was malformed.
   */
  override errorCode(): ErrorCode {
    return this.#code;
  }

  /**
   * Reads a problem+json body leniently: missing members get defaults, and a
   * body that is not an object becomes a generic error that keeps it as `data.body`.
   *
   * @param body The parsed JSON body.
   * @param status The HTTP status of the response.
   * @returns The rebuilt error.
   */
  static fromProblemJSON(body: unknown, status: number): RemoteProblemError {
    const generic = ErrorCode.default().toString();
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return new RemoteProblemError({
        type: "https://api.backend.ai/probs/general-error",
        title: "General Backend API Error.",
        error_code: generic,
        data: { body },
      }, status);
    }
    const doc = body as Record<string, unknown>;
    const problem: ProblemJSON = {
      type: typeof doc.type === "string"
        ? doc.type
        : "https://api.backend.ai/probs/general-error",
      title: typeof doc.title === "string"
        ? doc.title
        : "General Backend API Error.",
      error_code: typeof doc.error_code === "string" ? doc.error_code : generic,
    };
    if (typeof doc.msg === "string") problem.msg = doc.msg;
    if (
      typeof doc.data === "object" && doc.data !== null &&
      !Array.isArray(doc.data)
    ) {
      problem.data = doc.data as Record<string, unknown>;
    }
    return new RemoteProblemError(problem, status);
  }
}

/**
 * Turns any thrown value into a problem+json `Response`. A
 * {@linkcode BackendAIError} renders itself; anything else becomes a 500 with
 * the default code and no message, so internals never leak to clients.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters, problemResponse } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const bad = problemResponse(new InvalidAPIParameters("Missing name"));
 * assert.equal(bad.status, 400);
 * assert.equal(bad.headers.get("content-type"), "application/problem+json");
 *
 * const crash = problemResponse(new TypeError("secret internals"));
 * assert.equal(crash.status, 500);
 * assert.equal((await crash.json()).error_code, "backendai_generic_internal-error");
 * ```
 *
 * @param error The thrown value.
 * @returns The problem response.
 */
export function problemResponse(error: unknown): Response {
  if (error instanceof BackendAIError) return error.toResponse();
  return new BackendAIError(undefined, { cause: error }).toResponse();
}

/**
 * A value handed to the library could not be read (HTTP 400,
 * `backendai_parsing_invalid-parameters`). The base of the parse errors in
 * `types` (sizes, ids, enums, addresses, slot quantities); put the offending
 * value, and the field where known, in `data`.
 *
 * @example Catch every parse error at once
 * ```ts
 * import { InvalidParameterError } from "@backendai/common/exception";
 * import { BinarySize, HostPortPair } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * for (const parse of [() => BinarySize.parse("1x"), () => HostPortPair.parse("h:0")]) {
 *   assert.throws(parse, InvalidParameterError);
 * }
 * assert.equal(
 *   new InvalidParameterError().toProblemJSON().error_code,
 *   "backendai_parsing_invalid-parameters",
 * );
 * ```
 */
export class InvalidParameterError extends BackendAIError {
  /** HTTP 400 Bad Request. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-parameters";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid parameter.";
  /**
   * The machine-readable code.
   *
   * @returns `backendai_parsing_invalid-parameters`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.PARSING,
      ErrorDetail.INVALID_PARAMETERS,
    );
  }
}
