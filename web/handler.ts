// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The shapes of the web layer: a {@linkcode Handler} answers a web-standard
 * `Request` with a `Response`; a {@linkcode Middleware} is
 * `(request, next, context) => Promise<Response>`; {@linkcode compose}
 * chains them into one {@linkcode ServeHandler} that `Deno.serve`,
 * `Bun.serve` (through `bunFetch`) and Node (through `serveNode`) run as it
 * is. The {@linkcode RequestContext} carries what the middlewares learn
 * about one request (its route, client address, request id, caller).
 *
 * @module
 */

import type { UserData } from "../data/user.ts";
import type { Session } from "./session.ts";

/** The peer of a connection: `Deno.NetAddr` fits, and so does Node's. */
export interface RemoteAddr {
  /** The peer's IP address. */
  readonly hostname: string;
  /** The peer's port. */
  readonly port: number;
}

/**
 * What the server knows about a request besides the request: Deno's
 * `ServeHandlerInfo` fits as it is.
 */
export interface ServeInfo {
  /**
   * The peer of the connection (not a proxy's `X-Forwarded-For`).
   *
   * @default {undefined}
   */
  readonly remoteAddr?: RemoteAddr | undefined;
}

/** Who made an authenticated request (set by the auth middleware). */
export interface Caller {
  /** The access key of the keypair that signed the request. */
  readonly accessKey: string;
  /** How the request was authenticated. */
  readonly method: "hmac" | "jwt";
  /** The user of that keypair, when the key lookup gave one. */
  readonly user: UserData | undefined;
}

/**
 * What the middlewares of one request learn and share; handlers read it.
 *
 * @example Usage
 * ```ts
 * import { RequestContext } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const context = new RequestContext(new Request("http://localhost/a?b=1"), {
 *   remoteAddr: { hostname: "10.0.0.1", port: 50000 },
 * });
 * assert.equal(context.url.pathname, "/a");
 * assert.equal(context.remoteAddr?.hostname, "10.0.0.1");
 * assert.equal(context.route, undefined);
 * ```
 */
export class RequestContext {
  /** The peer of the connection, when the server gave it. */
  readonly remoteAddr: RemoteAddr | undefined;
  /** When the request arrived (`performance.now()`). */
  readonly startedAt: number;
  /**
   * The route that matched, in its declared form (`/tasks/{id}/events`),
   * set by the router; the metrics label it with this, never the raw path.
   */
  route: string | undefined = undefined;
  /** The route's path parameters (`{ id: "…" }`). */
  params: Readonly<Record<string, string>> = {};
  /** The client's address, resolved through trusted proxies. */
  clientIp: string | undefined = undefined;
  /** The request id (read from `X-BackendAI-RequestID` or generated). */
  requestId: string | undefined = undefined;
  /** The authenticated caller. */
  caller: Caller | undefined = undefined;
  /** The browser session, loaded by the session middleware. */
  session: Session | undefined = undefined;
  /**
   * What the handler (or a middleware) threw, when the error middleware
   * answered it: the access log and the metrics read its status and code
   * whatever their place in the chain.
   */
  error: unknown = undefined;
  readonly #rawUrl: string;
  #url: URL | undefined;

  /**
   * Makes the context of one request.
   *
   * @param request The request.
   * @param info What the server knows besides it.
   */
  constructor(request: Request, info?: ServeInfo) {
    this.#rawUrl = request.url;
    this.remoteAddr = info?.remoteAddr;
    this.startedAt = performance.now();
  }

  /** The request's URL, parsed once. */
  get url(): URL {
    return this.#url ??= new URL(this.#rawUrl);
  }
}

/**
 * Answers a request.
 *
 * @param request The request.
 * @param context What the middlewares learned about it.
 * @returns The response.
 */
export type Handler = (
  request: Request,
  context: RequestContext,
) => Response | Promise<Response>;

/**
 * Runs the rest of the chain, with the same request or a replacement.
 *
 * @param request A replacement request (default: the one this middleware got).
 * @returns The response of the rest of the chain.
 */
export type Next = (request?: Request) => Promise<Response>;

/**
 * One step of a chain: it may answer at once, or call `next` and look at
 * (or replace) what comes back.
 *
 * @param request The request.
 * @param next The rest of the chain.
 * @param context What is known about the request so far.
 * @returns The response.
 */
export type Middleware = (
  request: Request,
  next: Next,
  context: RequestContext,
) => Promise<Response>;

/**
 * What a server runs: `Deno.serve(handler)` takes it as it is.
 *
 * @param request The request.
 * @param info What the server knows besides it.
 * @returns The response.
 */
export type ServeHandler = (
  request: Request,
  info?: ServeInfo,
) => Promise<Response>;

/**
 * Chains middlewares in front of a handler: the first is the outermost, so
 * `[a, b]` runs `a → b → handler → b → a`. Each request gets a fresh
 * {@linkcode RequestContext}.
 *
 * @example Order of a chain
 * ```ts
 * import { compose, type Middleware } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const mark = (name: string): Middleware => async (request, next) => {
 *   seen.push(`${name} in`);
 *   const response = await next();
 *   seen.push(`${name} out`);
 *   return response;
 * };
 * const app = compose([mark("a"), mark("b")], () => {
 *   seen.push("handler");
 *   return new Response("ok");
 * });
 * assert.equal(await (await app(new Request("http://localhost/"))).text(), "ok");
 * assert.deepEqual(seen, ["a in", "b in", "handler", "b out", "a out"]);
 * ```
 *
 * @param middlewares The middlewares, outermost first.
 * @param handler What answers at the end.
 * @returns One handler for a server.
 */
export function compose(
  middlewares: readonly Middleware[],
  handler: Handler,
): ServeHandler {
  type Step = (request: Request, context: RequestContext) => Promise<Response>;
  let chain: Step = async (request, context) => await handler(request, context);
  for (let i = middlewares.length - 1; i >= 0; i--) {
    const middleware = middlewares[i] as Middleware;
    const next = chain;
    chain = (request, context) =>
      middleware(
        request,
        (replacement) => next(replacement ?? request, context),
        context,
      );
  }
  const run = chain;
  return async (request, info) =>
    await run(request, new RequestContext(request, info));
}
