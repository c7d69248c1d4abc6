// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The middlewares that put a request into the asynchronous contexts:
 * {@linkcode requestIdMiddleware} (`X-BackendAI-RequestID`) and
 * {@linkcode clientIpMiddleware} (the client behind trusted proxies).
 *
 * @module
 */

import { TrustedProxies } from "../auth/trusted_proxies.ts";
import { withClientIp } from "../contexts/client_ip.ts";
import { REQUEST_ID_HEADER, withRequestId } from "../contexts/request_id.ts";
import type { Middleware } from "../web/handler.ts";

/** The longest request id taken from a client; a longer one is replaced. */
export const MAX_REQUEST_ID_LENGTH = 128;

const REQUEST_ID_REGEXP = /^[\x21-\x7e]+$/;

/**
 * Sets a header on a response, copying the response when its headers are
 * immutable (a `fetch` response, `Response.redirect()`).
 *
 * @param response The response.
 * @param name The header.
 * @param value Its value.
 * @returns The response with the header.
 */
export function withHeader(
  response: Response,
  name: string,
  value: string,
): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}

/**
 * Reads `X-BackendAI-RequestID` (or makes a UUID when it is absent, too
 * long or not printable ASCII), runs the rest of the chain with it as the
 * context's request id (`currentRequestId()` sees it, and events sent meanwhile
 * carry it), records it on `context.requestId` and echoes it on the
 * response (upstream does not echo it; a client can then quote it).
 *
 * @example Usage
 * ```ts
 * import { currentRequestId } from "@backendai/common/contexts";
 * import { requestIdMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const app = compose([requestIdMiddleware()], () => new Response(currentRequestId()));
 * const response = await app(new Request("http://x/", { headers: { "x-backendai-requestid": "req-7" } }));
 * assert.equal(await response.text(), "req-7");
 * assert.equal(response.headers.get("x-backendai-requestid"), "req-7");
 * ```
 *
 * @returns The middleware.
 */
export function requestIdMiddleware(): Middleware {
  return (request, next, context) => {
    const given = request.headers.get(REQUEST_ID_HEADER);
    const accepted = given !== null && given.length <= MAX_REQUEST_ID_LENGTH &&
        REQUEST_ID_REGEXP.test(given)
      ? given
      : undefined;
    return withRequestId(accepted, async (requestId) => {
      context.requestId = requestId;
      return withHeader(await next(), REQUEST_ID_HEADER, requestId);
    });
  };
}

/** Options of {@linkcode clientIpMiddleware}. */
export interface ClientIpOptions {
  /**
   * The proxies in front of the service; only through them is
   * `X-Forwarded-For` read.
   *
   * @default {none: the peer is the client}
   */
  trustedProxies?: TrustedProxies | readonly string[] | undefined;
}

/**
 * Resolves the client's address (the peer of the connection, or, through
 * trusted proxies only, the first untrusted hop of `X-Forwarded-For`;
 * see `TrustedProxies.clientIp`), records it on `context.clientIp` and
 * runs the rest of the chain with it as the context's client IP.
 *
 * @example Behind a trusted proxy
 * ```ts
 * import { currentClientIp } from "@backendai/common/contexts";
 * import { clientIpMiddleware } from "@backendai/common/middlewares";
 * import { compose } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const app = compose(
 *   [clientIpMiddleware({ trustedProxies: ["10.0.0.0/8"] })],
 *   () => new Response(currentClientIp()),
 * );
 * const request = new Request("http://x/", { headers: { "x-forwarded-for": "203.0.113.9" } });
 * const viaProxy = await app(request, { remoteAddr: { hostname: "10.0.0.2", port: 1 } });
 * assert.equal(await viaProxy.text(), "203.0.113.9");
 * const direct = await app(request, { remoteAddr: { hostname: "198.51.100.4", port: 1 } });
 * assert.equal(await direct.text(), "198.51.100.4");
 * ```
 *
 * @param options The trusted proxies.
 * @returns The middleware.
 */
export function clientIpMiddleware(options: ClientIpOptions = {}): Middleware {
  const proxies = options.trustedProxies instanceof TrustedProxies
    ? options.trustedProxies
    : new TrustedProxies(options.trustedProxies ?? []);
  return (request, next, context) => {
    const ip = proxies.clientIp(
      context.remoteAddr?.hostname,
      request.headers.get("x-forwarded-for"),
    );
    context.clientIp = ip;
    return ip === undefined ? next() : withClientIp(ip, () => next());
  };
}
