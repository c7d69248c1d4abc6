// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode errorMiddleware}: every thrown value becomes a problem+json
 * response, and the server's log gets what the client does not.
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { errorText } from "../_error_text.ts";
import type { Middleware } from "../web/handler.ts";
import { errorResponse, publicError } from "../web/response.ts";

/** Options of {@linkcode errorMiddleware}. */
export interface ErrorMiddlewareOptions {
  /**
   * Where errors are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/**
 * Answers what the rest of the chain throws (upstream's
 * `general_exception_middleware` and the manager's exception middleware):
 * a `BackendAIError` with its own status and problem document (`type`,
 * `title`, `error_code`, `msg`, `data`); anything else with a 500
 * `InternalServerError` that carries neither its message nor its stack. A
 * 4xx is logged as a warning (method, route, code, message), a 5xx as an
 * error with the stack; an `AbortError` (the client went away, or the
 * server is closing) is logged at debug level. The error is kept on
 * `context.error`, so the access log and the metrics see it wherever they
 * sit in the chain.
 *
 * @example Usage
 * ```ts
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import { errorMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const logged: string[] = [];
 * const logger = {
 *   debug: () => {}, info: () => {},
 *   warn: (message: string) => void logged.push(`warn: ${message}`),
 *   error: (message: string) => void logged.push(`error: ${message}`),
 * };
 * const app = compose([errorMiddleware({ logger })], (request) => {
 *   if (request.url.endsWith("/bad")) throw new InvalidAPIParameters("Missing name");
 *   throw new Error("db password=hunter2 rejected");
 * });
 * const bad = await app(new Request("http://x/bad"));
 * assert.equal(bad.status, 400);
 * assert.equal((await bad.json()).msg, "Missing name");
 * const broken = await app(new Request("http://x/broken"));
 * assert.equal(broken.status, 500);
 * assert.equal((await broken.text()).includes("hunter2"), false);
 * assert.deepEqual(logged.map((line) => line.split(":")[0]), ["warn", "error"]);
 * ```
 *
 * @param options The logger.
 * @returns The middleware.
 */
export function errorMiddleware(
  options: ErrorMiddlewareOptions = {},
): Middleware {
  const logger = options.logger ?? consoleLogger;
  return async (request, next, context) => {
    try {
      return await next();
    } catch (error) {
      context.error = error;
      const shown = publicError(error);
      const fields: Record<string, unknown> = {
        method: request.method,
        route: context.route,
        path: context.url.pathname,
        status: shown.status,
        errorCode: shown.errorCode().toString(),
        requestId: context.requestId,
      };
      if ((error as { name?: unknown } | null)?.name === "AbortError") {
        logger.debug("web: the client went away", {
          ...fields,
          error: errorText(error),
        });
      } else if (shown.status >= 500) {
        logger.error("web: the request failed", {
          ...fields,
          error: errorText(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
      } else {
        logger.warn("web: the request was refused", {
          ...fields,
          error: error instanceof BackendAIError
            ? error.message
            : errorText(error),
        });
      }
      return errorResponse(error);
    }
  };
}
