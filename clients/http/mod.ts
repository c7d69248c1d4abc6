// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * HTTP clients for calls between services: {@linkcode HttpSession} sends
 * requests to one endpoint (JSON bodies on any method, query parameters, a
 * total timeout, typed errors, HMAC signing by `auth`'s signer when a
 * keypair is given), and {@linkcode HttpClientPool} (upstream's
 * `ClientPool`) keeps one session per endpoint, domain and access key and
 * closes the idle ones. Requests go over web-standard `fetch`; a `GET` with
 * a body, which `fetch` cannot send, goes over `node:http`
 * ({@linkcode fetchTransport}).
 *
 * ```ts
 * import { HttpClientPool, HttpSession } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * await using pool = new HttpClientPool({
 *   factory: (key) =>
 *     new HttpSession({
 *       endpoint: key.endpoint,
 *       signing: { accessKey: key.accessKey!, secretKey: "s3cret", apiVersion: "v9.20250722" },
 *       transport: async (request) => new Response(request.headers.get("authorization")),
 *     }),
 * });
 * const session = pool.load({ endpoint: "http://127.0.0.1:8081", domain: "manager", accessKey: "AKIA" });
 * const response = await session.request("/v9/ping");
 * assert.match(await response.text(), /^BackendAI signMethod=HMAC-SHA256, credential=AKIA:/);
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./transport.ts";
export * from "./session.ts";
export * from "./pool.ts";
