// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode accessLogMiddleware}: one structured log line per request.
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import type { Middleware } from "../web/handler.ts";

/** Options of {@linkcode accessLogMiddleware}. */
export interface AccessLogOptions {
  /**
   * Where the lines go (at info level).
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * Requests not logged (health probes, `/metrics`), by path.
   *
   * @default {() => false}
   */
  skip?: ((path: string) => boolean) | undefined;
}

function statusOf(response: Response | undefined, thrown: unknown): number {
  if (response !== undefined) return response.status;
  return thrown instanceof BackendAIError ? thrown.status : 500;
}

/**
 * Logs each request once its response is ready: method, path (without the
 * query string, which may carry a token), route, status, duration in ms,
 * request id, client IP and access key. It logs no header and no body: no
 * signature, no token, no cookie. A thrown error (one no error middleware
 * inside answered) is logged with its status and rethrown.
 *
 * @example Usage
 * ```ts
 * import { accessLogMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const lines: Record<string, unknown>[] = [];
 * const logger = { debug() {}, warn() {}, error() {}, info: (_: string, fields?: Record<string, unknown>) => void lines.push(fields!) };
 * const app = compose([accessLogMiddleware({ logger })], () => new Response("ok", { status: 201 }));
 * await app(new Request("http://x/v1/items?token=secret", { headers: { authorization: "BackendAI ..." } }));
 * assert.equal(lines[0]!.path, "/v1/items");
 * assert.equal(lines[0]!.status, 201);
 * assert.equal(JSON.stringify(lines).includes("secret"), false);
 * ```
 *
 * @param options The logger and the paths to skip.
 * @returns The middleware.
 */
export function accessLogMiddleware(
  options: AccessLogOptions = {},
): Middleware {
  const logger = options.logger ?? consoleLogger;
  const skip = options.skip;
  return async (request, next, context) => {
    let response: Response | undefined;
    let thrown: unknown;
    try {
      response = await next();
      return response;
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      const path = context.url.pathname;
      if (skip === undefined || !skip(path)) {
        logger.info("web: request", {
          method: request.method,
          path,
          route: context.route,
          status: statusOf(response, thrown),
          durationMs:
            Math.round((performance.now() - context.startedAt) * 1000) /
            1000,
          requestId: context.requestId,
          clientIp: context.clientIp,
          accessKey: context.caller?.accessKey,
        });
      }
    }
  };
}
