// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors of a server's setup: invalid configuration and wrongly defined API
 * handlers, from upstream's `exception.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * A configuration value is invalid (HTTP 500, `backendai_generic_internal-error`).
 * Name the key and the file in `data` (`{ key, file }`).
 *
 * @example Usage
 * ```ts
 * import { ConfigurationError, InvalidConfigError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidConfigError("Port must be a number", {
 *   data: { key: "manager.service-addr.port", file: "manager.toml" },
 * });
 * assert.equal(err.data?.file, "manager.toml");
 * assert.equal(err.status, 500);
 *
 * // ConfigurationError (upstream's plain exception of a failed validation) is one too.
 * const invalid = new ConfigurationError("Invalid agent config", { data: { "agent.rpc-listen-addr": "missing" } });
 * assert.ok(invalid instanceof InvalidConfigError);
 * ```
 */
export class InvalidConfigError extends BackendAIError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-configuration";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid Configuration";
}

/**
 * A configuration failed validation (HTTP 500,
 * `backendai_setup_invalid-parameters`; upstream: a plain `Exception` carrying
 * `invalid_data`). Put the invalid data in `data`. It derives from
 * {@linkcode InvalidConfigError}.
 */
export class ConfigurationError extends InvalidConfigError {
  /** The code of every error of this class: `backendai_setup_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.SETUP,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/configuration-error";
  /** The problem title. */
  override readonly errorTitle: string = "Configuration error";
}

/**
 * An API handler is defined wrongly: a server defect found at setup (HTTP 500,
 * `api_setup_internal-error`; upstream: a plain `Exception`).
 */
export class InvalidAPIHandlerDefinition extends BackendAIError {
  /** The code of every error of this class: `api_setup_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.SETUP,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-api-handler-definition";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid API handler definition";
}
