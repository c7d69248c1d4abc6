// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode Router}: routes by method and path pattern (`/tasks/{id}`, as
 * aiohttp writes a route's canonical form) and records the pattern on the
 * request context, so metrics label a request by its route, never its raw
 * path.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { MethodNotAllowed, URLNotFound } from "./errors.ts";
import type { Handler, Middleware, RequestContext } from "./handler.ts";

interface Route {
  readonly pattern: string;
  readonly segments: readonly string[];
  readonly handlers: Map<string, Handler>;
}

const PARAM_REGEXP = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Routes requests to handlers by method and path. A pattern is a path whose
 * segments may be `{name}` (one segment, percent-decoded into
 * `context.params.name`); a static path wins over a pattern. `HEAD` falls
 * back to `GET`. No route for the path throws {@linkcode URLNotFound}; a
 * route without the method throws {@linkcode MethodNotAllowed} with
 * `data.allowed` (the error middleware answers both as problem+json).
 *
 * @example Usage
 * ```ts
 * import { compose, jsonResponse, Router } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const router = new Router()
 *   .get("/tasks/{id}", (_request, context) =>
 *     jsonResponse({ id: context.params.id, route: context.route }));
 * const app = compose([], router.handler);
 * const response = await app(new Request("http://localhost/tasks/t-1"));
 * assert.deepEqual(await response.json(), { id: "t-1", route: "/tasks/{id}" });
 * ```
 */
export class Router {
  readonly #static = new Map<string, Route>();
  readonly #dynamic: Route[] = [];

  /**
   * Adds a route.
   *
   * @param method The HTTP method (upper case), or `"*"` for any.
   * @param pattern The path pattern, starting with `/`.
   * @param handler What answers.
   * @returns This router.
   * @throws {InvalidAPIParameters} When the pattern is malformed or the
   * method and pattern are taken.
   */
  add(method: string, pattern: string, handler: Handler): this {
    if (!pattern.startsWith("/")) {
      invalidOption("router", "pattern", pattern, "must start with /");
    }
    const segments = pattern.split("/").slice(1);
    const dynamic = segments.some((segment) => segment.startsWith("{"));
    for (const segment of segments) {
      if (segment.includes("{") && !PARAM_REGEXP.test(segment)) {
        invalidOption(
          "router",
          "pattern",
          pattern,
          "a parameter must be a whole segment {name}",
        );
      }
    }
    let route = dynamic
      ? this.#dynamic.find((known) => known.pattern === pattern)
      : this.#static.get(pattern);
    if (route === undefined) {
      route = { pattern, segments, handlers: new Map() };
      if (dynamic) this.#dynamic.push(route);
      else this.#static.set(pattern, route);
    }
    const key = method.toUpperCase();
    if (route.handlers.has(key)) {
      invalidOption("router", "pattern", `${key} ${pattern}`, "is taken");
    }
    route.handlers.set(key, handler);
    return this;
  }

  /**
   * Adds a `GET` route.
   *
   * @param pattern The path pattern.
   * @param handler What answers.
   * @returns This router.
   */
  get(pattern: string, handler: Handler): this {
    return this.add("GET", pattern, handler);
  }

  /**
   * Adds a `POST` route.
   *
   * @param pattern The path pattern.
   * @param handler What answers.
   * @returns This router.
   */
  post(pattern: string, handler: Handler): this {
    return this.add("POST", pattern, handler);
  }

  /**
   * Adds a `PUT` route.
   *
   * @param pattern The path pattern.
   * @param handler What answers.
   * @returns This router.
   */
  put(pattern: string, handler: Handler): this {
    return this.add("PUT", pattern, handler);
  }

  /**
   * Adds a `PATCH` route.
   *
   * @param pattern The path pattern.
   * @param handler What answers.
   * @returns This router.
   */
  patch(pattern: string, handler: Handler): this {
    return this.add("PATCH", pattern, handler);
  }

  /**
   * Adds a `DELETE` route.
   *
   * @param pattern The path pattern.
   * @param handler What answers.
   * @returns This router.
   */
  delete(pattern: string, handler: Handler): this {
    return this.add("DELETE", pattern, handler);
  }

  /**
   * A middleware that resolves the route before the rest of the chain runs
   * (`context.route`, `context.params`), so the middlewares in front of the
   * handler (the access log, the metrics, a request refused by auth)
   * already label the request by its route, as aiohttp resolves routes
   * before its middlewares; no route leaves `context.route` unset. The
   * handler still answers, 404 and 405 included.
   *
   * @example Usage
   * ```ts
   * import { compose, Router } from "@backendai/common/web";
   * import assert from "node:assert/strict";
   *
   * const router = new Router().get("/v1/items/{id}", () => new Response("item"));
   * let seen: string | undefined;
   * const app = compose([router.middleware(), async (_request, _next, context) => {
   *   seen = context.route;
   *   return new Response("refused early", { status: 401 });
   * }], router.handler);
   * await app(new Request("http://x/v1/items/7"));
   * assert.equal(seen, "/v1/items/{id}");
   * ```
   *
   * @returns The middleware.
   */
  middleware(): Middleware {
    return (_request, next, context) => {
      const path = context.url.pathname;
      const route = this.#static.get(path) ?? this.#match(path, context);
      if (route !== undefined) context.route = route.pattern;
      return next();
    };
  }

  /** The handler that routes (pass it to `compose`). */
  readonly handler: Handler = (request, context) => {
    const path = context.url.pathname;
    const route = this.#static.get(path) ?? this.#match(path, context);
    if (route === undefined) {
      throw new URLNotFound(path, { data: { path } });
    }
    context.route = route.pattern;
    const { method } = request;
    const handler = route.handlers.get(method) ??
      (method === "HEAD" ? route.handlers.get("GET") : undefined) ??
      route.handlers.get("*");
    if (handler === undefined) {
      const allowed = [...route.handlers.keys()];
      if (allowed.includes("GET")) allowed.push("HEAD");
      throw new MethodNotAllowed(method, { data: { method, allowed } });
    }
    return handler(request, context);
  };

  #match(path: string, context: RequestContext): Route | undefined {
    if (this.#dynamic.length === 0) return undefined;
    const parts = path.split("/").slice(1);
    for (const route of this.#dynamic) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < parts.length; i++) {
        const segment = route.segments[i] as string;
        const part = parts[i] as string;
        const param = PARAM_REGEXP.exec(segment)?.[1];
        if (param === undefined) {
          if (segment !== part) {
            matched = false;
            break;
          }
        } else {
          if (part === "") {
            matched = false;
            break;
          }
          try {
            params[param] = decodeURIComponent(part);
          } catch {
            matched = false;
            break;
          }
        }
      }
      if (matched) {
        context.params = params;
        return route;
      }
    }
    return undefined;
  }
}
