// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about images, their references, aliases and registries. Upstream's
 * image errors are plain `ValueError`s that never reach a client; here every
 * error thrown to a caller is a {@linkcode BackendAIError}, so each has a
 * problem document of our choosing (documented on the class). Put the
 * reference the user gave in `data`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";
import { InvalidAPIParameters } from "./generic.ts";

/**
 * The image reference names no known image (HTTP 404, `image_read_not-found`;
 * upstream: a `ValueError`). Put the reference in `data.reference`.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters, InvalidImageTag, UnknownImageReference } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new UnknownImageReference("cr.example.com/python:3.13", {
 *   data: { reference: "cr.example.com/python:3.13" },
 * });
 * assert.equal(err.status, 404);
 * assert.equal(err.toProblemJSON().error_code, "image_read_not-found");
 * assert.ok(new InvalidImageTag("3.13-x") instanceof InvalidAPIParameters);
 * ```
 */
export class UnknownImageReference extends BackendAIError {
  /** The code of every error of this class: `image_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unknown-image-reference";
  /** The problem title. */
  override readonly errorTitle: string = "Unknown image reference";
}

/**
 * The image is not available on the agent (HTTP 404, `image_read_not-found`;
 * upstream: a `ValueError`).
 */
export class ImageNotAvailable extends BackendAIError {
  /** The code of every error of this class: `image_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/image-not-available";
  /** The problem title. */
  override readonly errorTitle: string = "Unavailable image in the agent";
}

/**
 * The image registry is unknown (HTTP 404,
 * `container-registry_read_not-found`; upstream: a `ValueError`).
 */
export class UnknownImageRegistry extends BackendAIError {
  /** The code of every error of this class: `container-registry_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.CONTAINER_REGISTRY,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unknown-image-registry";
  /** The problem title. */
  override readonly errorTitle: string = "Unknown image registry";
}

/**
 * The string is not a valid image name (HTTP 400,
 * `image_parsing_invalid-parameters`; upstream: a `ValueError`).
 */
export class InvalidImageName extends InvalidAPIParameters {
  /** The code of every error of this class: `image_parsing_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-image-name";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid image name";
}

/**
 * The image tag is invalid or repeats a part, e.g. two platform tags (HTTP
 * 400, `image_parsing_invalid-parameters`; upstream: a `ValueError`). Put
 * `tag` and `fullName` in `data`.
 */
export class InvalidImageTag extends InvalidAPIParameters {
  /** The code of every error of this class: `image_parsing_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-image-tag";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid or duplicate image name tag";
}

/**
 * The project part of an image reference does not match its canonical name
 * (HTTP 400, `image_parsing_mismatch`; upstream: a `ValueError`). Put
 * `project` and `canonical` in `data`.
 */
export class ProjectMismatchWithCanonical extends InvalidAPIParameters {
  /** The code of every error of this class: `image_parsing_mismatch`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE,
    ErrorOperation.PARSING,
    ErrorDetail.MISMATCH,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/project-mismatch-with-canonical";
  /** The problem title. */
  override readonly errorTitle: string =
    "Project mismatch with the image canonical";
}

/**
 * The image alias resolves to no image (HTTP 404, `image-alias_read_not-found`;
 * upstream: a `ValueError`).
 */
export class AliasResolutionFailed extends BackendAIError {
  /** The code of every error of this class: `image-alias_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.IMAGE_ALIAS,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/alias-resolution-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to resolve alias";
}

/**
 * The projects are already associated with the container registry (HTTP 409,
 * `container-registry_update_already-exists`).
 */
export class ContainerRegistryGroupsAlreadyAssociated extends BackendAIError {
  /** The code of every error of this class: `container-registry_update_already-exists`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.CONTAINER_REGISTRY,
    ErrorOperation.UPDATE,
    ErrorDetail.ALREADY_EXISTS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 409;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/container-registry/groups-already-associated";
  /** The problem title. */
  override readonly errorTitle: string =
    "Container registry groups already associated.";
}
