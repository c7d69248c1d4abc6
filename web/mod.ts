// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The web layer every Backend.AI service shares, on web-standard `Request`
 * and `Response`: handlers and middlewares ({@linkcode compose}), a
 * {@linkcode Router} that labels requests by route, JSON and problem+json
 * responses, JSON bodies checked with zod ({@linkcode readJson}: 400, 413
 * and 415 problems), Server-Sent Events with keep-alive
 * ({@linkcode sseResponse}), browser sessions as upstream stores them in
 * Redis ({@linkcode SessionStorage}), and the runtimes: one handler runs on
 * `Deno.serve` as it is, on `Bun.serve` through {@linkcode bunFetch} and on
 * Node through {@linkcode serveNode}. The middlewares themselves (request
 * id, access log, errors, auth, CORS, metrics) are
 * `@backendai/common/middlewares`.
 *
 * ```ts
 * import { compose, jsonResponse, Router, serveNode } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const router = new Router().get("/v1/ping", () => jsonResponse({ pong: true }));
 * const app = compose([], router.handler);
 * // Deno.serve(app); Bun.serve({ fetch: bunFetch(app) }); or on node:http:
 * await using server = await serveNode(app);
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/v1/ping`);
 * assert.deepEqual(await response.json(), { pong: true });
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./handler.ts";
export * from "./response.ts";
export * from "./router.ts";
export * from "./body.ts";
export * from "./sse.ts";
export * from "./session.ts";
export * from "./serve.ts";
