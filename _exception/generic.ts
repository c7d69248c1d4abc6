// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The generic errors every component raises, from upstream's
 * `exception.py`: bad parameters, bodies and cursors, schema failures,
 * deprecated APIs, permissions, server defects (unparsed parameters,
 * unloaded relations, unready processors, unreachable code, missing features)
 * and unconnected clients.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * A request or argument had missing or invalid parameters (HTTP 400,
 * `api_parsing_invalid-parameters`). Put the offending field or path in `data`.
 * It is the one base of every bad-input error of the library: the parse
 * errors of `types` (sizes, ids, enums, addresses, slot quantities),
 * durations, and invalid options.
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
 *
 * @example Catch every parse error at once
 * ```ts
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import { BinarySize, HostPortPair } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * for (const parse of [() => BinarySize.parse("1x"), () => HostPortPair.parse("h:0")]) {
 *   assert.throws(parse, InvalidAPIParameters);
 * }
 * ```
 */
export class InvalidAPIParameters extends BackendAIError {
  /** The code of every error of this class: `api_parsing_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/generic-bad-request";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid or Missing API Parameters.";
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
  /** The code of every error of this class: `api_parsing_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/generic-bad-request";
  /** The problem title. */
  override readonly errorTitle: string = "Malformed request body.";
}

/**
 * A value failed schema validation (HTTP 400,
 * `backendai_parsing_invalid-parameters`; upstream's
 * `BackendAISchemaValidationFailed`, kept apart from
 * {@linkcode InvalidAPIParameters} so a handler can catch one without the
 * other). Put the list of validation issues (path and message, never the raw
 * input) under `data.errors`.
 *
 * @example Usage
 * ```ts
 * import { BackendAISchemaValidationFailed } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new BackendAISchemaValidationFailed("Invalid session spec", {
 *   data: { errors: [{ loc: ["resources", "cpu"], msg: "Expected a number" }] },
 * });
 * assert.equal(err.status, 400);
 * assert.deepEqual(err.toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/schema-validation-failed",
 *   title: "Schema validation failed.",
 *   error_code: "backendai_parsing_invalid-parameters",
 *   msg: "Invalid session spec",
 *   data: { errors: [{ loc: ["resources", "cpu"], msg: "Expected a number" }] },
 * });
 * ```
 */
export class BackendAISchemaValidationFailed extends BackendAIError {
  /** The code of every error of this class: `backendai_parsing_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/schema-validation-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Schema validation failed.";
}

/**
 * The name of {@linkcode BackendAISchemaValidationFailed} before 0.2.0, when
 * its code was `api_parsing_invalid-parameters`.
 *
 * @deprecated Use {@linkcode BackendAISchemaValidationFailed}; this name goes in 0.3.0.
 *
 * @example Usage
 * ```ts
 * import { BackendAISchemaValidationFailed, SchemaValidationFailed } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SchemaValidationFailed, BackendAISchemaValidationFailed);
 * ```
 */
export const SchemaValidationFailed: typeof BackendAISchemaValidationFailed =
  BackendAISchemaValidationFailed;
/** Another name for {@linkcode BackendAISchemaValidationFailed}. */
export type SchemaValidationFailed = BackendAISchemaValidationFailed;

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
  /** The code of every error of this class: `api_auth_forbidden`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.AUTH,
    ErrorDetail.FORBIDDEN,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 403;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/permission-denied";
  /** The problem title. */
  override readonly errorTitle: string = "Permission Denied.";
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
  /** The code of every error of this class: `backendai_generic_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.UNREACHABLE,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unreachable";
  /** The problem title. */
  override readonly errorTitle: string = "Unreachable";
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
  /** The code of every error of this class: `backendai_generic_not-implemented`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.NOT_IMPLEMENTED,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/not-implemented";
  /** The problem title. */
  override readonly errorTitle: string = "Not Implemented";
}

/** The API is deprecated (HTTP 400, `api_generic_deprecated`). */
export class DeprecatedAPI extends BackendAIError {
  /** The code of every error of this class: `api_generic_deprecated`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.GENERIC,
    ErrorDetail.DEPRECATED,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/deprecated";
  /** The problem title. */
  override readonly errorTitle: string = "This API is deprecated.";
}

/**
 * A pagination cursor is of the wrong type (HTTP 400,
 * `backendai_request_bad-request`).
 */
export class InvalidCursorTypeError extends BackendAIError {
  /** The code of every error of this class: `backendai_request_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.REQUEST,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-cursor-type";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid Cursor Type";
}

/**
 * A notification channel specification is invalid (HTTP 400,
 * `notification_request_bad-request`).
 */
export class InvalidNotificationChannelSpec extends BackendAIError {
  /** The code of every error of this class: `notification_request_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.NOTIFICATION,
    ErrorOperation.REQUEST,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-channel-spec";
  /** The problem title. */
  override readonly errorTitle: string =
    "Invalid Notification Channel Specification.";
}

/**
 * A value is not a valid IP address (HTTP 400,
 * `api_parsing_invalid-parameters`; upstream: a `ValueError`). The IP parser
 * of `types` throws its subclass `InvalidIPAddressError`.
 */
export class InvalidIpAddressValue extends InvalidAPIParameters {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-ip-address";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid IP address.";
}

/**
 * A middleware parameter could not be parsed: a server defect (HTTP 500,
 * `api_parsing_bad-request`).
 */
export class MiddlewareParamParsingFailed extends BackendAIError {
  /** The code of every error of this class: `api_parsing_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.BAD_REQUEST,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/internal-server-error";
  /** The problem title. */
  override readonly errorTitle: string = "Middleware parameter parsing failed.";
}

/**
 * A handler read a parameter that was never parsed: a server defect (HTTP
 * 500, `api_parsing_not-found`).
 */
export class ParameterNotParsedError extends BackendAIError {
  /** The code of every error of this class: `api_parsing_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.PARSING,
    ErrorDetail.NOT_FOUND,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/internal-server-error";
  /** The problem title. */
  override readonly errorTitle: string = "Parameter Not Parsed Error";
}

/**
 * A database relation was read before it was loaded (HTTP 500,
 * `backendai_generic_internal-error`).
 */
export class RelationNotLoadedError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/relation-not-loaded";
  /** The problem title. */
  override readonly errorTitle: string = "Relation Not Loaded";
}

/**
 * A processor was used before it was ready (HTTP 500,
 * `backendai_generic_internal-error`).
 */
export class ProcessorNotReadyError extends BackendAIError {
  /** The code of every error of this class: `backendai_generic_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.GENERIC,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/processor-not-ready";
  /** The problem title. */
  override readonly errorTitle: string = "Processor Not Ready";
}

/**
 * A client was used before it connected, or after it closed (HTTP 503,
 * `backendai_read_unavailable`).
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
  /** The code of every error of this class: `backendai_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/client-not-connected";
  /** The problem title. */
  override readonly errorTitle: string = "Client Not Connected";
}

/**
 * Another name for {@linkcode InvalidAPIParameters}, kept for code written
 * against 0.1.0, when the parse errors of `types` had a base of their own
 * (`backendai_parsing_invalid-parameters`). They now derive from
 * {@linkcode InvalidAPIParameters}, like every other bad-input error.
 *
 * @deprecated Use {@linkcode InvalidAPIParameters}; this name goes in 0.3.0.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters, InvalidParameterError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(InvalidParameterError, InvalidAPIParameters);
 * ```
 */
export const InvalidParameterError: typeof InvalidAPIParameters =
  InvalidAPIParameters;
/** Another name for {@linkcode InvalidAPIParameters}. */
export type InvalidParameterError = InvalidAPIParameters;
