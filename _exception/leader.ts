// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of upstream's `leader` module (leader election). The `leader`
 * module re-exports these classes (and adds `LeadershipLostError`), so there
 * is one class of each name.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * A leader election failed (`leader-election_execute_internal-error`).
 * Upstream mixes in no HTTP status; we answer 500.
 *
 * @example Usage
 * ```ts
 * import { AlreadyStartedError, LeaderElectionError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new AlreadyStartedError("Cannot register a task after start");
 * assert.ok(err instanceof LeaderElectionError);
 * assert.equal(err.status, 500);
 * assert.equal(err.toProblemJSON().error_code, "leader-election_start_already-exists");
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
 * The election is already started, or a task was registered after the start
 * (`leader-election_start_already-exists`). Upstream mixes in no HTTP status;
 * we answer 500.
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
