// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode corsMiddleware}: Cross-Origin Resource Sharing for browser
 * clients (the web UI on another origin).
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { OriginNotAllowed } from "../web/errors.ts";
import type { Middleware } from "../web/handler.ts";

/** Options of {@linkcode corsMiddleware}. */
export interface CorsOptions {
  /**
   * The origins allowed: a list (`https://console.example`), `"*"` for any,
   * or a predicate.
   */
  origins: readonly string[] | "*" | ((origin: string) => boolean);
  /**
   * Let the browser send cookies and credentials
   * (`Access-Control-Allow-Credentials`); the origin is then echoed, never
   * `*`.
   *
   * @default {false}
   */
  credentials?: boolean | undefined;
  /**
   * The methods a preflight allows.
   *
   * @default {["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]}
   */
  methods?: readonly string[] | undefined;
  /**
   * The request headers a preflight allows; `undefined` allows those the
   * browser asks for.
   *
   * @default {undefined}
   */
  allowHeaders?: readonly string[] | undefined;
  /**
   * Response headers the page may read (`Access-Control-Expose-Headers`).
   *
   * @default {["X-BackendAI-RequestID", "X-BackendAI-SessionID"]}
   */
  exposeHeaders?: readonly string[] | undefined;
  /**
   * How long a browser may cache a preflight, in seconds.
   *
   * @default {600}
   */
  maxAgeSeconds?: number | undefined;
}

const DEFAULT_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
const DEFAULT_EXPOSE = ["X-BackendAI-RequestID", "X-BackendAI-SessionID"];

function addVary(headers: Headers, value: string): void {
  const vary = headers.get("vary");
  if (vary === null) headers.set("vary", value);
  else if (
    !vary.split(",").some((part) =>
      part.trim().toLowerCase() === value.toLowerCase()
    )
  ) {
    headers.set("vary", `${vary}, ${value}`);
  }
}

/**
 * Answers CORS preflights and marks responses to allowed origins. A
 * preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
 * from an allowed origin gets 204 with the allowed methods and headers; one
 * from another origin, or asking for another method, gets a 403
 * {@linkcode OriginNotAllowed} problem with no CORS headers (answered here,
 * so the middleware may sit outside the error middleware, where its
 * headers reach error responses too). Other requests pass through; the
 * response to an allowed origin gets `Access-Control-Allow-Origin` (and
 * `-Credentials`, `-Expose-Headers`), and every response `Vary: Origin`.
 *
 * @example A preflight
 * ```ts
 * import { corsMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const app = compose(
 *   [corsMiddleware({ origins: ["https://console.example"], credentials: true })],
 *   () => new Response("ok"),
 * );
 * const preflight = await app(new Request("http://api.example/v9/ping", {
 *   method: "OPTIONS",
 *   headers: { origin: "https://console.example", "access-control-request-method": "POST" },
 * }));
 * assert.equal(preflight.status, 204);
 * assert.equal(preflight.headers.get("access-control-allow-origin"), "https://console.example");
 * assert.equal(preflight.headers.get("access-control-allow-credentials"), "true");
 * ```
 *
 * @param options The allowed origins, methods and headers.
 * @returns The middleware.
 */
export function corsMiddleware(options: CorsOptions): Middleware {
  const { origins } = options;
  const credentials = options.credentials ?? false;
  const methods = (options.methods ?? DEFAULT_METHODS).map((method) =>
    method.toUpperCase()
  );
  const allowHeaders = options.allowHeaders;
  const expose = (options.exposeHeaders ?? DEFAULT_EXPOSE).join(", ");
  const maxAge = options.maxAgeSeconds ?? 600;
  if (!(Number.isSafeInteger(maxAge) && maxAge >= 0)) {
    invalidOption(
      "CORS",
      "maxAgeSeconds",
      maxAge,
      "must be a whole number of seconds",
    );
  }
  const allowed: (origin: string) => boolean = origins === "*"
    ? () => true
    : typeof origins === "function"
    ? origins
    : ((set) => (origin: string) => set.has(origin))(new Set(origins));
  const allowOrigin = (origin: string) =>
    origins === "*" && !credentials ? "*" : origin;
  return async (request, next, context) => {
    const origin = request.headers.get("origin");
    const requestedMethod = request.headers.get(
      "access-control-request-method",
    );
    if (
      request.method === "OPTIONS" && origin !== null &&
      requestedMethod !== null
    ) {
      if (
        !allowed(origin) || !methods.includes(requestedMethod.toUpperCase())
      ) {
        const error = new OriginNotAllowed(
          "The CORS preflight is not allowed",
          {
            data: { origin, method: requestedMethod },
          },
        );
        context.error = error;
        return error.toResponse();
      }
      const headers = new Headers({
        "access-control-allow-origin": allowOrigin(origin),
        "access-control-allow-methods": methods.join(", "),
        "access-control-max-age": String(maxAge),
        vary: "Origin",
      });
      const requestedHeaders = request.headers.get(
        "access-control-request-headers",
      );
      const headerList = allowHeaders?.join(", ") ?? requestedHeaders;
      if (headerList) headers.set("access-control-allow-headers", headerList);
      if (credentials) headers.set("access-control-allow-credentials", "true");
      return new Response(null, { status: 204, headers });
    }
    let response = await next();
    if (origin === null) return response;
    const headers = new Headers(response.headers);
    addVary(headers, "Origin");
    if (allowed(origin)) {
      headers.set("access-control-allow-origin", allowOrigin(origin));
      if (credentials) headers.set("access-control-allow-credentials", "true");
      if (expose !== "") headers.set("access-control-expose-headers", expose);
    }
    response = new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
    return response;
  };
}
