// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The error model shared by every Backend.AI component: {@linkcode ErrorCode}
 * (`domain_operation_detail`), the {@linkcode BackendAIError} tree with an HTTP
 * status and a `cause`, and RFC 7807 problem+json rendering with upstream's
 * exact keys (`type`, `title`, `error_code`, `msg`, `data`). Each error class
 * declares its code once, as its static `code`.
 *
 * It carries upstream's error catalogue (`ai.backend.common.exception` and the
 * modules this library does not have yet: health checker, leader, JWT), each
 * class with upstream's name, status, type, title and code: agents and
 * resource groups, users and projects, JWT authentication, images, virtual
 * folders and storage, sessions and model deployments, metrics, configuration.
 * The `jwt` module's own family, whose names clash with the `auth` one, is
 * the namespace {@linkcode jwtExceptions}. Errors of a module that exists here
 * (`bgtask`, `clients/valkey`, `events`, `message-queue`, `resilience`,
 * `types`) are exported by that module.
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
export * from "./_exception/config.ts";
export * from "./_exception/agent.ts";
export * from "./_exception/user.ts";
export * from "./_exception/auth.ts";
export * from "./_exception/image.ts";
export * from "./_exception/storage.ts";
export * from "./_exception/deployment.ts";
export * from "./_exception/metric.ts";
export * from "./_exception/health_check.ts";
export * from "./_exception/leader.ts";
/**
 * The errors of upstream's `jwt` module (`ai.backend.common.jwt.exceptions`,
 * domain `user`), whose names clash with the `auth` family of `exception.py`.
 *
 * @example Usage
 * ```ts
 * import { JWTError, jwtExceptions } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new jwtExceptions.JWTDecodeError("Not a JWT");
 * assert.ok(err instanceof jwtExceptions.JWTError);
 * assert.ok(!(err instanceof JWTError));
 * assert.equal(err.toProblemJSON().error_code, "user_auth_unauthorized");
 * ```
 */
export * as jwtExceptions from "./_exception/jwt.ts";
