// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the data objects: a user or message metadata that cannot be
 * read.
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../exception.ts";

/**
 * A user record failed validation: a field is missing, has the wrong type,
 * or holds a value that cannot be parsed (HTTP 400,
 * `user_parsing_invalid-data-format`). `data.field` names the offending
 * field: its snake_case wire name when reading JSON, its camelCase name when
 * constructing.
 *
 * @example Usage
 * ```ts
 * import { InvalidUserDataError, UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => UserData.fromJSON({ user_id: "not-a-uuid" }),
 *   (err: unknown) =>
 *     err instanceof InvalidUserDataError && err.status === 400 &&
 *     err.data?.field === "user_id" &&
 *     String(err.errorCode()) === "user_parsing_invalid-data-format",
 * );
 * ```
 */
export class InvalidUserDataError extends BackendAIError {
  /** The code of every error of this class: `user_parsing_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.USER,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 400: the input is malformed. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-user-data";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid user data.";
}

/**
 * Message metadata could not be read: it is not valid UTF-8 or JSON, it is not
 * a JSON object, or a field has the wrong type (HTTP 400,
 * `message-queue_read_invalid-data-format`). `data.field` names the offending
 * field path, e.g. `"request_id"` or `"user.domain_id"`; `cause` holds the
 * underlying error.
 *
 * @example Usage
 * ```ts
 * import { InvalidMessageMetadataError, MessageMetadata } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => MessageMetadata.deserialize('{"request_id":42}'),
 *   (err: unknown) =>
 *     err instanceof InvalidMessageMetadataError && err.status === 400 &&
 *     err.data?.field === "request_id" &&
 *     String(err.errorCode()) === "message-queue_read_invalid-data-format",
 * );
 * ```
 */
export class InvalidMessageMetadataError extends BackendAIError {
  /** The code of every error of this class: `message-queue_read_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.READ,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 400: the input is malformed. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-message-metadata";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid message metadata.";
}
