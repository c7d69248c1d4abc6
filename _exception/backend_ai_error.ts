// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ErrorCode} (`domain_operation_detail`) and the root of the error
 * tree, {@linkcode BackendAIError}, with its problem+json rendering.
 *
 * @module
 */

import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

const DOMAIN_VALUES: ReadonlySet<string> = new Set(Object.values(ErrorDomain));
const OPERATION_VALUES: ReadonlySet<string> = new Set(
  Object.values(ErrorOperation),
);
const DETAIL_VALUES: ReadonlySet<string> = new Set(Object.values(ErrorDetail));

/**
 * A machine-readable error code, rendered as `domain_operation_detail`.
 * Hyphens appear inside the parts; underscores only separate them. A code is
 * frozen when made, so an error class can hold its code as a constant.
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
    Object.freeze(this);
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
    return DEFAULT_CODE;
  }
}

const DEFAULT_CODE: ErrorCode = new ErrorCode(
  ErrorDomain.BACKENDAI,
  ErrorOperation.GENERIC,
  ErrorDetail.INTERNAL_ERROR,
);

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
  data?: Record<string, unknown> | undefined;
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
 * its HTTP `status`, its problem `errorType` and `errorTitle`, and declares
 * its code once as the static {@linkcode BackendAIError.code} (a subclass
 * without one inherits its parent's). Defaults are status 500 and
 * `backendai_generic_internal-error`. A class whose code varies per error
 * (a forwarded error) overrides {@linkcode BackendAIError.errorCode} instead.
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
 *   static override readonly code: ErrorCode = new ErrorCode(
 *     ErrorDomain.VFOLDER,
 *     ErrorOperation.CHECK_LIMIT,
 *     ErrorDetail.FORBIDDEN,
 *   );
 *   override readonly status: number = 429;
 *   override readonly errorType: string = "https://api.backend.ai/probs/quota-exceeded";
 *   override readonly errorTitle: string = "Quota exceeded.";
 * }
 *
 * const err = new QuotaExceeded("Volume is full", { cause: new Error("ENOSPC") });
 * assert.equal(err.status, 429);
 * assert.equal(err.toProblemJSON().error_code, "vfolder_check-limit_forbidden");
 * assert.equal(err.errorCode(), QuotaExceeded.code);
 * assert.equal(err.toString(), "Quota exceeded. (Volume is full)");
 * assert.ok(err.cause instanceof Error);
 * ```
 */
export class BackendAIError extends Error {
  /**
   * The code of every error of this class, declared once per class:
   * `backendai_generic_internal-error` here.
   */
  static readonly code: ErrorCode = DEFAULT_CODE;
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
   * @returns The static {@linkcode BackendAIError.code} of the error's class.
   */
  errorCode(): ErrorCode {
    return (this.constructor as typeof BackendAIError).code;
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
 * Raised by {@linkcode ErrorCode.fromString} for a malformed code (HTTP 500,
 * with upstream's code for it, the default `backendai_generic_internal-error`).
 *
 * @example Usage
 * ```ts
 * import { ErrorCode, InvalidErrorCode } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ErrorCode.fromString("api_parsing"), InvalidErrorCode);
 * assert.equal(String(InvalidErrorCode.code), "backendai_generic_internal-error");
 * ```
 */
export class InvalidErrorCode extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = DEFAULT_CODE;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-error-code";
  /** The problem title. */
  override readonly errorTitle: string =
    "Invalid error code in the raised exception.";
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
