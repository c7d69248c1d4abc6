// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The middlewares every Backend.AI service puts in front of its handlers,
 * each `(request, next, context) => Promise<Response>`: request id,
 * client IP (trusted proxies only), access log, errors to problem+json,
 * CORS, API metrics, body limit and authentication (HMAC or JWT).
 * {@linkcode standardMiddlewares} puts them in their order:
 *
 * `route → requestId → clientIp → accessLog → cors → errors → metrics → bodyLimit → auth → handler`
 *
 * The route is resolved first (given the router), so every record of the
 * request names its route. The request id and client IP come next, so every later log line and
 * event carries them; the access log sees every answer, error responses
 * included; CORS sits outside the error middleware, so error responses
 * carry its headers; the metrics sit inside it, so they see each error's
 * code; the body limit and authentication run last, next to the handler.
 *
 * ```ts
 * import { generateKeypair, signRequest } from "@backendai/common/auth";
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import { standardMiddlewares } from "@backendai/common/middlewares";
 * import { compose, jsonResponse, Router } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const keypair = generateKeypair();
 * const metrics = new MetricRegistry();
 * const router = new Router().get("/v9/ping", (_request, context) =>
 *   jsonResponse({ caller: context.caller?.accessKey }));
 * const app = compose(
 *   standardMiddlewares({
 *     logger: { debug() {}, info() {}, warn() {}, error() {} },
 *     metrics: metrics.api,
 *     auth: { lookup: (key) => key === keypair.accessKey ? keypair : undefined },
 *   }),
 *   router.handler,
 * );
 * const signed = await signRequest(new Request("http://x/v9/ping"), { ...keypair, apiVersion: "v9.20250722" });
 * const response = await app(signed);
 * assert.deepEqual(await response.json(), { caller: keypair.accessKey });
 * assert.ok(response.headers.get("x-backendai-requestid"));
 * assert.equal((await app(new Request("http://x/v9/ping"))).status, 401);
 * ```
 *
 * @module
 */

import type { Logger } from "../utils.ts";
import type { TrustedProxies } from "../auth/trusted_proxies.ts";
import type { Middleware } from "../web/handler.ts";
import type { Router } from "../web/router.ts";
import { accessLogMiddleware } from "./access_log.ts";
import { authMiddleware, type AuthMiddlewareOptions } from "./auth.ts";
import { clientIpMiddleware, requestIdMiddleware } from "./context.ts";
import { corsMiddleware, type CorsOptions } from "./cors.ts";
import { errorMiddleware } from "./error_handler.ts";
import { bodyLimitMiddleware } from "./limits.ts";
import { apiMetricsMiddleware, type ApiRequestRecorder } from "./metrics.ts";

export * from "./context.ts";
export * from "./access_log.ts";
export * from "./error_handler.ts";
export * from "./auth.ts";
export * from "./cors.ts";
export * from "./limits.ts";
export * from "./metrics.ts";

/** Options of {@linkcode standardMiddlewares}; each part is left out when not given. */
export interface StandardMiddlewareOptions {
  /**
   * Where the access log and errors go.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * The router of the handler: its routes are resolved first
   * (`Router.middleware()`), so the access log and the metrics label every
   * request by its route, those refused before the handler included.
   *
   * @default {none: requests refused before the router are unmatched}
   */
  router?: Router | undefined;
  /**
   * The proxies in front of the service (client IP, `X-Forwarded-URL`).
   *
   * @default {none}
   */
  trustedProxies?: TrustedProxies | readonly string[] | undefined;
  /**
   * Paths the access log skips.
   *
   * @default {none}
   */
  skipAccessLog?: ((path: string) => boolean) | undefined;
  /**
   * CORS.
   *
   * @default {no CORS middleware}
   */
  cors?: CorsOptions | undefined;
  /**
   * Where API metrics are recorded (`MetricRegistry.api`).
   *
   * @default {no metrics middleware}
   */
  metrics?: ApiRequestRecorder | undefined;
  /**
   * The largest request body, in bytes.
   *
   * @default {no body limit}
   */
  maxBodyBytes?: number | undefined;
  /**
   * Authentication (its `trustedProxies` default to the ones above).
   *
   * @default {no auth middleware}
   */
  auth?: AuthMiddlewareOptions | undefined;
}

/**
 * The standard chain, in the order of the module's documentation.
 *
 * @example Usage
 * ```ts
 * import { standardMiddlewares } from "@backendai/common/middlewares";
 * import assert from "node:assert/strict";
 *
 * assert.equal(standardMiddlewares().length, 4); // request id, client IP, access log, errors
 * ```
 *
 * @param options Which middlewares, and their settings.
 * @returns The middlewares, outermost first.
 */
export function standardMiddlewares(
  options: StandardMiddlewareOptions = {},
): Middleware[] {
  const chain: Middleware[] = [];
  if (options.router !== undefined) chain.push(options.router.middleware());
  chain.push(
    requestIdMiddleware(),
    clientIpMiddleware({ trustedProxies: options.trustedProxies }),
    accessLogMiddleware({
      logger: options.logger,
      skip: options.skipAccessLog,
    }),
  );
  if (options.cors !== undefined) chain.push(corsMiddleware(options.cors));
  chain.push(errorMiddleware({ logger: options.logger }));
  if (options.metrics !== undefined) {
    chain.push(apiMetricsMiddleware(options.metrics));
  }
  if (options.maxBodyBytes !== undefined) {
    chain.push(bodyLimitMiddleware({ maxBytes: options.maxBodyBytes }));
  }
  if (options.auth !== undefined) {
    chain.push(authMiddleware({
      ...options.auth,
      trustedProxies: options.auth.trustedProxies ?? options.trustedProxies,
    }));
  }
  return chain;
}
