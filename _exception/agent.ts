// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about agents and the resource groups (scaling groups) they serve,
 * from upstream's `exception.py` and `cgroup.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The agent does not exist or is not alive (HTTP 404, `agent_read_not-found`).
 *
 * @example Usage
 * ```ts
 * import { AgentNotFound, BackendAIError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const thrown: unknown = new AgentNotFound("i-ag1", { data: { agentId: "i-ag1" } });
 * assert.ok(thrown instanceof BackendAIError);
 * if (thrown instanceof AgentNotFound) {
 *   assert.equal(thrown.status, 404);
 *   assert.deepEqual(thrown.toProblemJSON(), {
 *     type: "https://api.backend.ai/probs/agent-not-found",
 *     title: "Agent Not Found",
 *     error_code: "agent_read_not-found",
 *     msg: "i-ag1",
 *     data: { agentId: "i-ag1" },
 *   });
 * }
 * ```
 */
export class AgentNotFound extends BackendAIError {
  /** The code of every error of this class: `agent_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Agent Not Found";
}

/**
 * The cgroup of a process or a container cannot be determined (HTTP 500,
 * `agent_read_not-found`; upstream's `cgroup.py`).
 */
export class CgroupResolutionFailed extends BackendAIError {
  /** The code of every error of this class: `agent_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/cgroup-resolution-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to resolve the cgroup.";
}

/**
 * The cloud provider an agent runs on cannot be detected (HTTP 500,
 * `external-system_read_bad-request`).
 */
export class CloudDetectionError extends BackendAIError {
  /** The code of every error of this class: `external-system_read_bad-request`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.BAD_REQUEST,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/cloud-detection-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Cloud Provider Detection Failed";
}

/**
 * The scaling group (resource group) does not exist (HTTP 404,
 * `scaling-group_read_not-found`).
 */
export class ScalingGroupNotFoundError extends BackendAIError {
  /** The code of every error of this class: `scaling-group_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.SCALING_GROUP,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/scaling-group-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Scaling Group Not Found";
}

/**
 * A scaling group (resource group) with the same name exists (HTTP 409,
 * `scaling-group_generic_conflict`).
 */
export class ResourceGroupConflict extends BackendAIError {
  /** The code of every error of this class: `scaling-group_generic_conflict`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.SCALING_GROUP,
    ErrorOperation.GENERIC,
    ErrorDetail.CONFLICT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/duplicate-scaling-group";
  /** The problem title. */
  override readonly errorTitle: string = "Duplicate Scaling Group";
}

/**
 * A resource preset with the same name exists (HTTP 409,
 * `resource-preset_generic_conflict`).
 */
export class ResourcePresetConflict extends BackendAIError {
  /** The code of every error of this class: `resource-preset_generic_conflict`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.RESOURCE_PRESET,
    ErrorOperation.GENERIC,
    ErrorDetail.CONFLICT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/duplicate-resource";
  /** The problem title. */
  override readonly errorTitle: string = "Duplicate Resource Preset";
}
