// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The errors of the NATS backend of the message queue.
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../../exception.ts";

/**
 * The NATS server was not reached in time (HTTP 503,
 * `message-queue_generic_unreachable`); `data.servers` names the servers
 * tried and `cause` is the client's last error.
 *
 * @example Usage
 * ```ts
 * import { NatsConnectionError } from "@backendai/common/message-queue/nats";
 * import assert from "node:assert/strict";
 *
 * const err = new NatsConnectionError("Cannot connect to NATS", {
 *   data: { servers: ["127.0.0.1:4222"] },
 * });
 * assert.equal(String(err.errorCode()), "message-queue_generic_unreachable");
 * assert.equal(err.status, 503);
 * ```
 */
export class NatsConnectionError extends BackendAIError {
  /** The code of every error of this class: `message-queue_generic_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.GENERIC,
    ErrorDetail.UNREACHABLE,
  );
  /** HTTP 503: the server is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/nats-connection-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Cannot connect to NATS.";
}
