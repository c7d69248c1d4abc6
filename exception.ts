// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The error model shared by every Backend.AI component: {@linkcode ErrorCode}
 * (`domain_operation_detail`), the {@linkcode BackendAIError} tree with an HTTP
 * status and a `cause`, and RFC 7807 problem+json rendering with upstream's
 * exact keys (`type`, `title`, `error_code`, `msg`, `data`). Each error class
 * declares its code once, as its static `code`.
 *
 * ```ts
 * import { BackendAIError, ErrorCode, InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new InvalidAPIParameters("Missing field", { data: { field: "name" } });
 * assert.ok(err instanceof BackendAIError);
 * assert.equal(err.status, 400);
 * assert.equal(String(err.errorCode()), "api_parsing_invalid-parameters");
 * assert.deepEqual(err.toProblemJSON(), {
 *   type: "https://api.backend.ai/probs/generic-bad-request",
 *   title: "Invalid or Missing API Parameters.",
 *   error_code: "api_parsing_invalid-parameters",
 *   msg: "Missing field",
 *   data: { field: "name" },
 * });
 * assert.equal(ErrorCode.fromString("api_parsing_invalid-parameters").domain, "api");
 * assert.equal(err.errorCode(), InvalidAPIParameters.code);
 * ```
 *
 * @module
 */
export * from "./_exception/code_parts.ts";
export * from "./_exception/backend_ai_error.ts";
export * from "./_exception/generic.ts";
export * from "./_exception/forwarded.ts";
