// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about sessions, model definitions, model deployments and artifacts,
 * from upstream's `exception.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The session is in a state that does not allow the operation (HTTP 409,
 * `session_generic_mismatch`).
 *
 * @example Usage
 * ```ts
 * import { ModelDeploymentNotFound, RuntimeVariantNotSupportedError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ModelDeploymentNotFound().status, 404);
 * const err = new RuntimeVariantNotSupportedError("tgi");
 * assert.equal(err.message, 'Runtime variant "tgi" is not supported');
 * assert.deepEqual(err.data, { runtimeVariant: "tgi" });
 * assert.equal(err.toProblemJSON().error_code, "model-deployment_request_bad-request");
 * ```
 */
export class SessionWithInvalidStateError extends BackendAIError {
  /** The code of every error of this class: `session_generic_mismatch`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.SESSION,
    ErrorOperation.GENERIC,
    ErrorDetail.MISMATCH,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/session-invalid-state";
  /** The problem title. */
  override readonly errorTitle: string = "Session with Invalid State";
}

/**
 * A model definition fails validation (HTTP 400,
 * `model-service_parsing_invalid-parameters`). Put the issues in
 * `data.errors`.
 */
export class ModelDefinitionValidationError extends BackendAIError {
  /** The code of every error of this class: `model-service_parsing_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MODEL_SERVICE,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/model-definition-validation-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Model definition validation failed.";
}

/**
 * The runtime variant is not supported (HTTP 400,
 * `model-deployment_request_bad-request`).
 */
export class RuntimeVariantNotSupportedError extends BackendAIError {
  /** The code of every error of this class: `model-deployment_request_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MODEL_DEPLOYMENT,
    ErrorOperation.REQUEST,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/runtime-variant-not-supported";
  /** The problem title. */
  override readonly errorTitle: string = "Runtime Variant Not Supported";

  /**
   * Makes the error for a runtime variant, named in `data.runtimeVariant`.
   *
   * @param runtimeVariant The variant that is not supported.
   * @param options The `cause`.
   */
  constructor(runtimeVariant: string, options: { cause?: unknown } = {}) {
    super(`Runtime variant "${runtimeVariant}" is not supported`, {
      data: { runtimeVariant },
      cause: options.cause,
    });
  }
}

/**
 * The model deployment does not exist (HTTP 404,
 * `model-deployment_read_not-found`).
 */
export class ModelDeploymentNotFound extends BackendAIError {
  /** The code of every error of this class: `model-deployment_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MODEL_DEPLOYMENT,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/model-deployment-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Model Deployment Not Found";
}

/**
 * The model deployment cannot serve now (HTTP 503,
 * `model-deployment_execute_unavailable`).
 */
export class ModelDeploymentUnavailable extends BackendAIError {
  /** The code of every error of this class: `model-deployment_execute_unavailable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MODEL_DEPLOYMENT,
    ErrorOperation.EXECUTE,
    ErrorDetail.UNAVAILABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/model-deployment-unavailable";
  /** The problem title. */
  override readonly errorTitle: string = "Model Deployment Unavailable";
}

/**
 * The model revision does not exist (HTTP 404,
 * `model-deployment_read_not-found`).
 */
export class ModelRevisionNotFound extends BackendAIError {
  /** The code of every error of this class: `model-deployment_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.MODEL_DEPLOYMENT,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/model-revision-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Model Revision Not Found";
}

/**
 * The default revision of an artifact cannot be resolved (HTTP 400,
 * `artifact_request_bad-request`).
 */
export class ArtifactDefaultRevisionResolveError extends BackendAIError {
  /** The code of every error of this class: `artifact_request_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.ARTIFACT,
    ErrorOperation.REQUEST,
    ErrorDetail.BAD_REQUEST,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/artifact-revision-resolve-failed";
  /** The problem title. */
  override readonly errorTitle: string =
    "Cannot Resolve Artifact Default Revision";
}
