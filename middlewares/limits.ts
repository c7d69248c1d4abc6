// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode bodyLimitMiddleware}: a cap on request bodies.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { limitBody } from "../web/body.ts";
import { RequestBodyTooLarge } from "../web/errors.ts";
import type { Middleware } from "../web/handler.ts";

/** Options of {@linkcode bodyLimitMiddleware}. */
export interface BodyLimitOptions {
  /** The largest body, in bytes. */
  maxBytes: number;
}

/**
 * Refuses a body over the limit: a `Content-Length` over it is answered
 * at once with {@linkcode RequestBodyTooLarge} (413), before anything reads
 * the body; a body without one is passed on capped, so reading past the
 * limit fails with the same error.
 *
 * @example Usage
 * ```ts
 * import { bodyLimitMiddleware, errorMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const app = compose(
 *   [errorMiddleware({ logger: { debug() {}, info() {}, warn() {}, error() {} } }), bodyLimitMiddleware({ maxBytes: 8 })],
 *   async (request) => new Response(await request.text()),
 * );
 * const big = await app(new Request("http://x/", { method: "POST", body: "0123456789" }));
 * assert.equal(big.status, 413);
 * assert.equal(big.headers.get("content-type"), "application/problem+json");
 * ```
 *
 * @param options The limit.
 * @returns The middleware.
 */
export function bodyLimitMiddleware(options: BodyLimitOptions): Middleware {
  const { maxBytes } = options;
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    invalidOption(
      "body limit",
      "maxBytes",
      maxBytes,
      "must be a whole number of bytes",
    );
  }
  return async (request, next) => {
    const declared = request.headers.get("content-length");
    if (declared !== null && Number(declared) > maxBytes) {
      throw new RequestBodyTooLarge(
        `The request body exceeds ${maxBytes} bytes`,
        { data: { limit: maxBytes } },
      );
    }
    return await (request.body === null || declared !== null
      ? next()
      : next(limitBody(request, maxBytes)));
  };
}
