// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Request-scoped context that follows asynchronous work: the request id, the
 * effective and triggering users, and the client IP, each kept in its own
 * `AsyncLocalStorage` from `node:async_hooks` (Deno, Node and Bun). Every
 * value is set with a `withX(value, fn)` call that runs `fn` (sync or async)
 * with the value in effect and restores the outer value afterwards; read it
 * with `currentX()`, which gives `undefined` outside any context.
 * {@linkcode captureMetadata} and {@linkcode withMetadata} carry the request
 * id and users across a message queue as `MessageMetadata`.
 *
 * ```ts
 * import {
 *   captureMetadata,
 *   currentRequestId,
 *   withMetadata,
 *   withRequestId,
 * } from "@backendai/common/contexts";
 * import { MessageMetadata } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const wire = await withRequestId("req-1", async () => {
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   assert.equal(currentRequestId(), "req-1");
 *   return captureMetadata().serialize();
 * });
 * assert.equal(currentRequestId(), undefined);
 * assert.equal(wire, '{"request_id":"req-1","user":null,"triggered_user":null}');
 * withMetadata(MessageMetadata.deserialize(wire), () => {
 *   assert.equal(currentRequestId(), "req-1");
 * });
 * ```
 *
 * @module
 */
export * from "./request_id.ts";
export * from "./user.ts";
export * from "./client_ip.ts";
export * from "./metadata.ts";
