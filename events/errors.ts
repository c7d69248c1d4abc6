// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of event bodies: one that cannot be encoded, one that cannot be
 * decoded (its message goes to the dead-letter stream). Both render the
 * problem documents of upstream's `events/exceptions.py`.
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
 * A body could not be encoded (upstream `EventPayloadEncodingError`,
 * `event_create_invalid-data-format`). `data.event` names the event and
 * `data.issues` lists the offending paths.
 *
 * @example Usage
 * ```ts
 * import { EventPayloadEncodingError } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const err = new EventPayloadEncodingError("bad", { data: { event: "x" } });
 * assert.equal(String(err.errorCode()), "event_create_invalid-data-format");
 * assert.equal(err.toProblemJSON().title, "Event Payload Encoding Failed");
 * ```
 */
export class EventPayloadEncodingError extends BackendAIError {
  /** The code of every error of this class: `event_create_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EVENT,
    ErrorOperation.CREATE,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 500: the producer made a bad event (upstream's class has no status). */
  override readonly status: number = 500;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/event-payload-encoding-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Event Payload Encoding Failed";
}

/**
 * A received body does not fit its event's schema, or the event name is
 * unknown (upstream `EventPayloadDecodingError`,
 * `event_parsing_invalid-data-format`). `data.event` names the event and
 * `data.issues` lists the offending paths.
 *
 * @example Usage
 * ```ts
 * import { EventPayloadDecodingError } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const err = new EventPayloadDecodingError("bad", { data: { event: "x" } });
 * assert.equal(String(err.errorCode()), "event_parsing_invalid-data-format");
 * ```
 */
export class EventPayloadDecodingError extends BackendAIError {
  /** The code of every error of this class: `event_parsing_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EVENT,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 400: the input is malformed (upstream's class has no status). */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/event-payload-decoding-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Event Payload Decoding Failed";
}
