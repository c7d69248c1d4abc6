// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors that come from another service: {@linkcode PassthroughError} keeps a
 * downstream status and code, {@linkcode AgentWatcherResponseError} does the
 * same for an agent watcher's answer, {@linkcode RemoteProblemError} rebuilds
 * a problem+json document a peer sent.
 *
 * @module
 */

import {
  BackendAIError,
  type BackendAIErrorOptions,
  ErrorCode,
  type ProblemJSON,
} from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

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
  domain?: ErrorDomain | undefined;
  /**
   * The operation of the code.
   *
   * @default {"generic"}
   */
  operation?: ErrorOperation | undefined;
  /**
   * The message.
   *
   * @default {"An error occurred with status code N"}
   */
  message?: string | undefined;
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
 * An agent watcher's error answer, forwarded with the watcher's HTTP status
 * and error code (`…/probs/agent-watcher-response-error`).
 *
 * @example Forward a watcher's failure
 * ```ts
 * import { AgentWatcherResponseError, ErrorCode } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentWatcherResponseError(409, ErrorCode.fromString("agent_update_conflict"));
 * assert.equal(err.status, 409);
 * assert.equal(err.toProblemJSON().error_code, "agent_update_conflict");
 * assert.equal(
 *   err.message,
 *   "An error occurred while processing agent watcher request with status code 409",
 * );
 * ```
 */
export class AgentWatcherResponseError extends BackendAIError {
  /** The HTTP status of this error: the watcher's. */
  override readonly status: number;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-watcher-response-error";
  /** The problem title. */
  override readonly errorTitle: string = "Agent Watcher Response Error";
  readonly #code: ErrorCode;

  /**
   * Makes the error.
   *
   * @param status The watcher's HTTP status.
   * @param code The watcher's error code.
   * @param message The watcher's message; a sentence naming the status when absent.
   * @param options The `cause`.
   */
  constructor(
    status: number,
    code: ErrorCode,
    message?: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      message ||
        `An error occurred while processing agent watcher request with status code ${status}`,
      { cause: options.cause },
    );
    this.status = status;
    this.#code = code;
  }

  /**
   * The watcher's error code.
   *
   * @returns The code given at construction.
   */
  override errorCode(): ErrorCode {
    return this.#code;
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
