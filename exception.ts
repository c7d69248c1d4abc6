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
 *   type: "https://api.backend.ai/probs/invalid-api-params",
 *   title: "Missing or invalid API parameters.",
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
  /** A URL naming the problem type, e.g. `https://api.backend.ai/probs/invalid-api-params`. */
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
  readonly errorType: string =
    "https://api.backend.ai/probs/internal-server-error";
  /** The problem title. */
  readonly errorTitle: string = "Internal server error";
  /** The message of this occurrence, as given (upstream's `extra_msg`). */
  readonly extraMessage: string | undefined;
  /** Structured data about this occurrence (upstream's `extra_data`). */
  readonly data: Record<string, unknown> | undefined;

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
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-error-code";
  override readonly errorTitle: string = "Invalid error code.";
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
  override readonly status: number = 400;
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-api-params";
  override readonly errorTitle: string = "Missing or invalid API parameters.";
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.API,
      ErrorOperation.PARSING,
      ErrorDetail.INVALID_PARAMETERS,
    );
  }
}
