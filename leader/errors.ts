// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of leader election, with upstream's problem documents where
 * upstream has the class (`leader/exceptions.py`).
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
 * The base of leader election errors (upstream `LeaderElectionError`):
 * code `leader-election_execute_internal-error`; also what an election's
 * waits reject with once it is closed, and the abort reason of a store
 * call that took too long.
 *
 * @example Usage
 * ```ts
 * import { LeaderElectionError } from "@backendai/common/leader";
 * import assert from "node:assert/strict";
 *
 * const error = new LeaderElectionError("The leader election is closed");
 * assert.deepEqual(error.toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/leader-election-error",
 *   title: "Leader Election Error",
 *   error_code: "leader-election_execute_internal-error",
 *   msg: "The leader election is closed",
 * });
 * ```
 */
export class LeaderElectionError extends BackendAIError {
  /** The code of every error of this class: `leader-election_execute_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.LEADER_ELECTION,
    ErrorOperation.EXECUTE,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/leader-election-error";
  /** The problem title. */
  override readonly errorTitle: string = "Leader Election Error";
}

/**
 * Thrown by `start()` when the election was already started (or closed), and
 * by `register()` after `start()` (upstream `AlreadyStartedError`): code
 * `leader-election_start_already-exists`.
 *
 * @example Usage
 * ```ts
 * import { AlreadyStartedError, LeaderElectionError } from "@backendai/common/leader";
 * import assert from "node:assert/strict";
 *
 * const error = new AlreadyStartedError("Leader election already started");
 * assert.ok(error instanceof LeaderElectionError);
 * assert.equal(String(error.errorCode()), "leader-election_start_already-exists");
 * assert.equal(error.errorType, "https://api.backend.ai/probs/leader-already-started");
 * ```
 */
export class AlreadyStartedError extends LeaderElectionError {
  /** The code of every error of this class: `leader-election_start_already-exists`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.LEADER_ELECTION,
    ErrorOperation.START,
    ErrorDetail.ALREADY_EXISTS,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/leader-already-started";
  /** The problem title. */
  override readonly errorTitle: string = "Leader Election Already Started";
}

/** Why a server stopped leading (see `LeadershipChange`). */
export type LeadershipLossReason =
  /** No renew succeeded before the step-down deadline. */
  | "lease-lapsing"
  /** Another server holds the key. */
  | "taken"
  /** The election was closed. */
  | "closed";

/**
 * The abort reason of leader tasks' signals when this server stops leading:
 * `data` holds the server, the key, the term and why (code
 * `leader-election_execute_canceled`, HTTP 503).
 *
 * @example Usage
 * ```ts
 * import { LeadershipLostError } from "@backendai/common/leader";
 * import assert from "node:assert/strict";
 *
 * const error = new LeadershipLostError({
 *   serverId: "manager-a", key: "leader:default", term: 3, reason: "lease-lapsing",
 * });
 * assert.equal(error.reason, "lease-lapsing");
 * assert.equal(
 *   error.message,
 *   'Server "manager-a" stopped leading "leader:default" (term 3): lease-lapsing',
 * );
 * ```
 */
export class LeadershipLostError extends LeaderElectionError {
  /** The code of every error of this class: `leader-election_execute_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.LEADER_ELECTION,
    ErrorOperation.EXECUTE,
    ErrorDetail.CANCELED,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** Why leadership ended. */
  readonly reason: LeadershipLossReason;

  /**
   * Makes the error.
   *
   * @param details The server, key, term and reason.
   */
  constructor(
    details: {
      serverId: string;
      key: string;
      term: number;
      reason: LeadershipLossReason;
    },
  ) {
    super(
      `Server ${JSON.stringify(details.serverId)} stopped leading ${
        JSON.stringify(details.key)
      } (term ${details.term}): ${details.reason}`,
      { data: { ...details } },
    );
    this.reason = details.reason;
  }
}
