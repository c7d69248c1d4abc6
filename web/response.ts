// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Response helpers: {@linkcode jsonResponse} and
 * {@linkcode errorResponse}, the problem+json answer for any thrown value.
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import { InternalServerError } from "./errors.ts";

/** The content type of {@linkcode jsonResponse}. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * A JSON response.
 *
 * @example Usage
 * ```ts
 * import { jsonResponse } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const response = jsonResponse({ version: "v9.20250722" }, { status: 201 });
 * assert.equal(response.status, 201);
 * assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
 * assert.deepEqual(await response.json(), { version: "v9.20250722" });
 * ```
 *
 * @param body What to send (through `JSON.stringify`).
 * @param init Status and headers; a `content-type` given here wins.
 * @returns The response.
 */
export function jsonResponse(body: unknown, init?: ResponseInit): Response {
  const headers = new Headers(init?.headers);
  if (!headers.has("content-type")) {
    headers.set("content-type", JSON_CONTENT_TYPE);
  }
  return new Response(JSON.stringify(body), {
    status: init?.status ?? 200,
    statusText: init?.statusText ?? "",
    headers,
  });
}

/**
 * The error a client may see for a thrown value: a `BackendAIError` as it
 * is, anything else as {@linkcode InternalServerError}, which carries
 * neither the message nor the stack (they belong in the server's log).
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import { publicError } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * assert.equal(publicError(new InvalidAPIParameters("bad")).status, 400);
 * const hidden = publicError(new Error("password=hunter2"));
 * assert.equal(hidden.status, 500);
 * assert.equal(hidden.message, "");
 * ```
 *
 * @param error What was thrown.
 * @returns The error to answer with.
 */
export function publicError(error: unknown): BackendAIError {
  return error instanceof BackendAIError
    ? error
    : new InternalServerError(undefined, { cause: error });
}

/**
 * A problem+json response (RFC 7807, upstream's keys) for a thrown value:
 * see {@linkcode publicError}. A `MethodNotAllowed` error with
 * `data.allowed` also sends `Allow`.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import { errorResponse } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const response = errorResponse(new InvalidAPIParameters("Missing name", { data: { field: "name" } }));
 * assert.equal(response.status, 400);
 * assert.equal(response.headers.get("content-type"), "application/problem+json");
 * assert.equal((await response.json()).error_code, "api_parsing_invalid-parameters");
 * assert.equal(errorResponse(new TypeError("x is undefined")).status, 500);
 * ```
 *
 * @param error What was thrown.
 * @returns The response.
 */
export function errorResponse(error: unknown): Response {
  const shown = publicError(error);
  const response = shown.toResponse();
  const allowed = shown.status === 405 ? shown.data?.allowed : undefined;
  if (Array.isArray(allowed)) response.headers.set("allow", allowed.join(", "));
  return response;
}
