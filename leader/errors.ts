// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of leader election, with upstream's problem documents where
 * upstream has the class (`leader/exceptions.py`).
 *
 * @module
 */

import {
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  LeaderElectionError,
} from "../exception.ts";

// Upstream's two classes are defined once, in `exception` (where the error
// catalogue keeps the errors of modules upstream has), and re-exported here,
// so `instanceof` holds whichever path a caller imported them from.
export { AlreadyStartedError, LeaderElectionError } from "../exception.ts";

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
