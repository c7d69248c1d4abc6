// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Turns a storage proxy answer that is not 2xx, or a failure to get one,
 * into the typed error of `errors.ts`.
 *
 * @module
 */

import {
  type BackendAIError,
  ErrorCode,
  ErrorDomain,
  RemoteProblemError,
  VFolderNotFound,
} from "../../exception.ts";
import { HttpConnectionError, HttpTimeoutError } from "../http/errors.ts";
import {
  QuotaScopeNotFoundError,
  StorageProxyConnectionError,
  StorageProxyPassthroughError,
  StorageProxyTimeoutError,
  UnexpectedStorageProxyResponseError,
  VFolderBadRequest,
  VFolderGone,
  VFolderOperationFailed,
} from "./errors.ts";

/** The call an error is about. */
export interface CallSite {
  readonly method: string;
  readonly path: string;
}

const MAX_TEXT = 2_000;

/** Reads an error answer (its body is consumed) into its typed error. */
export async function errorFromResponse(
  response: Response,
  call: CallSite,
): Promise<BackendAIError> {
  const status = response.status;
  // A failure to read the body (a timeout, a reset) is the caller's to map.
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const shown = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
    return new StorageProxyPassthroughError(status, shown, {
      data: {
        ...call,
        status,
        contentType: response.headers.get("content-type"),
        text: shown,
      },
      cause: error,
    });
  }
  const doc = typeof body === "object" && body !== null && !Array.isArray(body)
    ? body as Record<string, unknown>
    : {};
  const rawCode = typeof doc.error_code === "string" ? doc.error_code : null;
  let domain: string = ErrorDomain.VFOLDER;
  if (rawCode !== null) {
    try {
      domain = ErrorCode.fromString(rawCode).domain;
    } catch {
      // Upstream: a code that does not parse counts as the vfolder domain.
    }
  }
  const options = {
    data: { ...call, status, errorCode: rawCode },
    cause: RemoteProblemError.fromProblemJSON(body, status),
  };
  if (domain === ErrorDomain.VFOLDER) {
    switch (status) {
      case 400:
        return new VFolderBadRequest("Bad request to storage proxy", options);
      case 404:
        return new VFolderNotFound("Requested resource not found", options);
      case 410:
        return new VFolderGone(
          "The requested resource is gone. It may have been deleted or moved.",
          options,
        );
      case 500:
        return new VFolderOperationFailed(
          "Internal server error from storage proxy",
          options,
        );
      default:
        return new VFolderOperationFailed(
          `Unexpected error ${status} from storage proxy`,
          options,
        );
    }
  }
  if (domain === ErrorDomain.QUOTA_SCOPE && status === 404) {
    return new QuotaScopeNotFoundError(
      "Requested quota scope not found",
      options,
    );
  }
  return new UnexpectedStorageProxyResponseError(
    `Unexpected error ${status} from storage proxy`,
    options,
  );
}

/**
 * Maps what the HTTP session threw: its timeout and connection errors
 * become the storage proxy's; anything else (the caller's abort reason, a
 * closed session) passes as it is.
 */
export function errorFromFailure(error: unknown, call: CallSite): unknown {
  if (error instanceof HttpTimeoutError) {
    return new StorageProxyTimeoutError("Request to storage proxy timed out", {
      data: { ...call, timeoutMs: error.data?.timeoutMs },
      cause: error,
    });
  }
  if (error instanceof HttpConnectionError) {
    return new StorageProxyConnectionError(
      "Failed to connect to storage proxy",
      { data: { ...call }, cause: error },
    );
  }
  return error;
}
