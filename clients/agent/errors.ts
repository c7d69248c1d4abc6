// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of the agent RPC client and server. Each names the agent's
 * address and the method in `data` (`{ address, method }`) and carries what
 * caused it as `cause`:
 *
 * - {@linkcode AgentRpcUserError} (500): the remote handler raised (callosum
 *   FAILURE, upstream's `RPCUserError`), with the remote name, repr and
 *   traceback;
 * - {@linkcode AgentRpcInternalError} (500): callosum itself failed on the
 *   remote side (ERROR, upstream's `RPCInternalError`);
 * - {@linkcode AgentRpcCancelledError} (503): the server cancelled the call
 *   (CANCELLED) or it was aborted here;
 * - {@linkcode AgentRpcTimeoutError} (504): no reply in time (a CANCEL was
 *   sent);
 * - {@linkcode AgentRpcConnectError} (503): the connect check got no PONG
 *   (the agent is down, or CURVE refused the keys: both look like silence);
 * - {@linkcode AgentRpcClosedError} (503): the client or server is closed;
 * - {@linkcode AgentRpcResponseError} (502): a reply that cannot be read or
 *   does not match the schema of the call;
 * - {@linkcode AgentRpcUnsupportedRuntimeError} (501): npm `zeromq` cannot
 *   run on this runtime (Bun).
 *
 * A bad argument (a method name upstream's agent does not register, a body
 * that cannot be packed) raises `InvalidAPIParameters` from `exception`.
 *
 * @module
 */

import {
  BackendAIError,
  type BackendAIErrorOptions,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../../exception.ts";
import type { RpcErrorInfo } from "./wire.ts";

/** Options of the errors that carry a remote exception. */
export interface AgentRpcRemoteErrorOptions extends BackendAIErrorOptions {
  /** The remote exception: its name, repr and traceback. */
  remote: RpcErrorInfo;
}

/**
 * An exception raised on the remote side, as callosum reports it: the
 * Python class name, `repr()` and formatted traceback.
 *
 * @example Usage
 * ```ts
 * import { AgentRpcRemoteError, AgentRpcUserError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err: AgentRpcRemoteError = new AgentRpcUserError("The agent raised", {
 *   remote: { name: "ValueError", repr: "ValueError('x')", traceback: "Traceback ..." },
 * });
 * assert.equal(err.remoteName, "ValueError");
 * ```
 */
export class AgentRpcRemoteError extends BackendAIError {
  /** The remote exception's class name. */
  readonly remoteName: string;
  /** The remote exception's `repr()`. */
  readonly remoteRepr: string;
  /** The remote traceback. */
  readonly remoteTraceback: string;

  /**
   * Makes the error from the remote exception callosum reported.
   *
   * @param message What failed.
   * @param options The remote exception, data and cause.
   */
  constructor(message: string, options: AgentRpcRemoteErrorOptions) {
    super(message, {
      data: {
        ...options.data,
        remoteName: options.remote.name,
        remoteRepr: options.remote.repr,
      },
      cause: options.cause,
    });
    this.remoteName = options.remote.name;
    this.remoteRepr = options.remote.repr;
    this.remoteTraceback = options.remote.traceback;
  }
}

/**
 * The remote handler raised: callosum's FAILURE, upstream's `RPCUserError`
 * (HTTP 500, `agent_execute_internal-error`).
 *
 * @example Usage
 * ```ts
 * import { AgentRpcUserError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcUserError("Agent method \"ping\" raised ValueError('x')", {
 *   remote: { name: "ValueError", repr: "ValueError('x')", traceback: "" },
 *   data: { address: "tcp://127.0.0.1:6001", method: "ping" },
 * });
 * assert.equal(err.toProblemJSON().error_code, "agent_execute_internal-error");
 * assert.equal(err.data?.remoteName, "ValueError");
 * ```
 */
export class AgentRpcUserError extends AgentRpcRemoteError {
  /** The code of every error of this class: `agent_execute_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.EXECUTE,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-user-error";
  /** The problem title. */
  override readonly errorTitle: string = "The agent method raised an error";
  /** The same call fails the same way. */
  override readonly retryable: boolean = false;
}

/**
 * callosum itself failed on the remote side: ERROR, upstream's
 * `RPCInternalError` (HTTP 500, `agent_request_internal-error`).
 *
 * @example Usage
 * ```ts
 * import { AgentRpcInternalError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcInternalError("The agent's RPC layer failed", {
 *   remote: { name: "RuntimeError", repr: "RuntimeError('duplicate request')", traceback: "" },
 * });
 * assert.equal(err.toProblemJSON().error_code, "agent_request_internal-error");
 * ```
 */
export class AgentRpcInternalError extends AgentRpcRemoteError {
  /** The code of every error of this class: `agent_request_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.REQUEST,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-internal-error";
  /** The problem title. */
  override readonly errorTitle: string = "The agent's RPC layer failed";
}

/**
 * The call was cancelled: the server answered CANCELLED, or the caller's
 * signal aborted it (then a CANCEL was sent) (HTTP 503,
 * `agent_execute_canceled`). `data.by` is `"server"` or `"caller"`.
 *
 * @example Usage
 * ```ts
 * import { AgentRpcCancelledError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcCancelledError("The agent cancelled \"ping\"", { data: { by: "server" } });
 * assert.equal(err.toProblemJSON().error_code, "agent_execute_canceled");
 * ```
 */
export class AgentRpcCancelledError extends BackendAIError {
  /** The code of every error of this class: `agent_execute_canceled`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.EXECUTE,
    ErrorDetail.CANCELED,
  );
  /** HTTP 503. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-cancelled";
  /** The problem title. */
  override readonly errorTitle: string = "The agent call was cancelled";
}

/**
 * No reply within the call's timeout; a CANCEL was sent (HTTP 504,
 * `agent_request_timeout`). `data.timeoutMs` says how long it waited.
 *
 * @example Usage
 * ```ts
 * import { AgentRpcTimeoutError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcTimeoutError("No reply", { data: { method: "ping", timeoutMs: 5000 } });
 * assert.equal(err.status, 504);
 * assert.ok(err.retryable);
 * ```
 */
export class AgentRpcTimeoutError extends BackendAIError {
  /** The code of every error of this class: `agent_request_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.REQUEST,
    ErrorDetail.TIMEOUT,
  );
  /** HTTP 504. */
  override readonly status: number = 504;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-timeout";
  /** The problem title. */
  override readonly errorTitle: string = "The agent did not reply in time";
  /** A later call may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The connect check (PING, then PONG within the handshake timeout) failed:
 * the agent is not there, or CURVE refused the keys, which looks the same
 * (HTTP 503, `agent_access_unreachable`).
 *
 * @example Usage
 * ```ts
 * import { AgentRpcConnectError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcConnectError("No PONG", { data: { address: "tcp://10.0.0.2:6001" } });
 * assert.equal(err.toProblemJSON().error_code, "agent_access_unreachable");
 * ```
 */
export class AgentRpcConnectError extends BackendAIError {
  /** The code of every error of this class: `agent_access_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.ACCESS,
    ErrorDetail.UNREACHABLE,
  );
  /** HTTP 503. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-unreachable";
  /** The problem title. */
  override readonly errorTitle: string = "Cannot reach the agent";
  /** A later attempt may succeed. */
  override readonly retryable: boolean = true;
}

/**
 * The client or server was closed, before or during the call (HTTP 503,
 * `agent_request_unavailable`).
 *
 * @example Usage
 * ```ts
 * import { AgentRpcClosedError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new AgentRpcClosedError().toProblemJSON().error_code, "agent_request_unavailable");
 * ```
 */
export class AgentRpcClosedError extends BackendAIError {
  /** The code of every error of this class: `agent_request_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.REQUEST,
    ErrorDetail.UNAVAILABLE,
  );
  /** HTTP 503. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-closed";
  /** The problem title. */
  override readonly errorTitle: string = "The agent RPC peer is closed";
}

/**
 * A reply that cannot be read, or whose body does not match the call's
 * schema (HTTP 502, `agent_parsing_invalid-data-format`).
 *
 * @example Usage
 * ```ts
 * import { AgentRpcResponseError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcResponseError("Bad reply", { data: { method: "health_v2" } });
 * assert.equal(err.status, 502);
 * ```
 */
export class AgentRpcResponseError extends BackendAIError {
  /** The code of every error of this class: `agent_parsing_invalid-data-format`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  /** HTTP 502. */
  override readonly status: number = 502;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-bad-response";
  /** The problem title. */
  override readonly errorTitle: string = "The agent's reply cannot be read";
}

/**
 * The socket library cannot run on this runtime: npm `zeromq` 6 on Bun 1.4,
 * whose Node-API lacks `uv_poll_init_socket` and aborts the whole process at
 * the first socket (HTTP 501, `agent_setup_not-implemented`). It is raised
 * before any socket is made; `data.runtime` names the runtime.
 *
 * @example Usage
 * ```ts
 * import { AgentRpcUnsupportedRuntimeError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new AgentRpcUnsupportedRuntimeError("No zeromq on Bun", { data: { runtime: "bun" } });
 * assert.equal(err.toProblemJSON().error_code, "agent_setup_not-implemented");
 * ```
 */
export class AgentRpcUnsupportedRuntimeError extends BackendAIError {
  /** The code of every error of this class: `agent_setup_not-implemented`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.SETUP,
    ErrorDetail.NOT_IMPLEMENTED,
  );
  /** HTTP 501. */
  override readonly status: number = 501;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-unsupported-runtime";
  /** The problem title. */
  override readonly errorTitle: string =
    "The agent RPC transport cannot run on this runtime";
  /** Retrying on the same runtime does not help. */
  override readonly retryable: boolean = false;
}
