// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The errors of the message queue, with the problem documents of upstream's
 * `message_queue/exceptions.py` and `message_queue/redis_queue/exceptions.py`.
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
 * Raised by every operation on a closed queue component (upstream
 * `MessageQueueClosedError`, code `message-queue_read_unavailable`).
 *
 * @example Usage
 * ```ts
 * import { MessageQueueClosedError } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const err = new MessageQueueClosedError("The consumer is closed");
 * assert.equal(String(err.errorCode()), "message-queue_read_unavailable");
 * assert.equal(err.status, 503);
 * assert.equal(err.toProblemJSON().title, "Message Queue Closed");
 * ```
 */
export class MessageQueueClosedError extends BackendAIError {
  /** The code of every error of this class: `message-queue_read_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.READ,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: the queue is not available any more (upstream's class has no status). */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/message-queue-closed";
  /** The problem title. */
  override readonly errorTitle: string = "Message Queue Closed";
}

/**
 * A stream entry or pub/sub message that does not match the wire format
 * (upstream `InvalidMessagePayloadError`, code
 * `message-queue_read_invalid-data-format`). `data.field` names the
 * offending field when there is one. Consumers never die of it: the entry
 * goes to the dead-letter stream with this error's message.
 *
 * @example Usage
 * ```ts
 * import {
 *   decodeStreamFields,
 *   InvalidMessagePayloadError,
 * } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => decodeStreamFields({ name: "x", source: "manager" }),
 *   (err: unknown) =>
 *     err instanceof InvalidMessagePayloadError &&
 *     err.data?.field === "payload" &&
 *     String(err.errorCode()) === "message-queue_read_invalid-data-format",
 * );
 * ```
 */
export class InvalidMessagePayloadError extends BackendAIError {
  /** The code of every error of this class: `message-queue_read_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.READ,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 400: the input is malformed (upstream's class has no status). */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-message-payload";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid Message Payload";
}

/**
 * An anycast refused because its stream is at the queue's `hardMaxLen`
 * (with `backpressure: "reject"`, or after `backpressureTimeoutMs` with
 * `"wait"`): a consumer group is that far behind. Code
 * `message-queue_create_unavailable`, HTTP 503; `data` names the `stream`,
 * its `length`, the `hardMaxLen`, and how long the send waited (`waitedMs`).
 *
 * @example Usage
 * ```ts
 * import { StreamFullError } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const err = new StreamFullError("Stream \"events\" is full", {
 *   data: { stream: "events", length: 1000, hardMaxLen: 1000, waitedMs: 0 },
 * });
 * assert.equal(String(err.errorCode()), "message-queue_create_unavailable");
 * assert.equal(err.status, 503);
 * ```
 */
export class StreamFullError extends BackendAIError {
  /** The code of every error of this class: `message-queue_create_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.CREATE,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503: try again once the consumers have caught up. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/message-queue-stream-full";
  /** The problem title. */
  override readonly errorTitle: string = "Message queue stream is full.";
}
