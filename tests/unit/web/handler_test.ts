// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import {
  compose,
  type Middleware,
  type RequestContext,
} from "../../../web/mod.ts";

Deno.test("compose() runs the first middleware outermost, and each sees the response of the rest", async () => {
  const seen: string[] = [];
  const mark = (name: string): Middleware => async (_request, next) => {
    seen.push(`${name} in`);
    const response = await next();
    seen.push(`${name} out ${response.status}`);
    return new Response(`${name}(${await response.text()})`, {
      status: response.status,
    });
  };
  const app = compose([mark("a"), mark("b"), mark("c")], () => {
    seen.push("handler");
    return new Response("h", { status: 202 });
  });
  const response = await app(new Request("http://localhost/"));
  assert.equal(await response.text(), "a(b(c(h)))");
  assert.deepEqual(seen, [
    "a in",
    "b in",
    "c in",
    "handler",
    "c out 202",
    "b out 202",
    "a out 202",
  ]);
});

Deno.test("compose(): a middleware may answer without calling next, or pass on a replaced request", async () => {
  const gate: Middleware = (request, next) =>
    request.headers.has("x-stop")
      ? Promise.resolve(new Response("stopped", { status: 403 }))
      : next(new Request(request, { headers: { "x-added": "yes" } }));
  const app = compose(
    [gate],
    (request) => new Response(request.headers.get("x-added")),
  );
  const stopped = await app(
    new Request("http://localhost/", { headers: { "x-stop": "1" } }),
  );
  assert.equal(stopped.status, 403);
  assert.equal(
    await (await app(new Request("http://localhost/"))).text(),
    "yes",
  );
});

Deno.test("compose(): every request gets its own context, with the server's peer address", async () => {
  const contexts: RequestContext[] = [];
  const app = compose([async (_request, next, context) => {
    context.requestId = "set by a middleware";
    return await next();
  }], (_request, context) => {
    contexts.push(context);
    return new Response(context.remoteAddr?.hostname ?? "none");
  });
  const first = await app(new Request("http://localhost/a"), {
    remoteAddr: { hostname: "192.0.2.1", port: 4000 },
  });
  const second = await app(new Request("http://localhost/b"));
  assert.equal(await first.text(), "192.0.2.1");
  assert.equal(await second.text(), "none");
  assert.notEqual(contexts[0], contexts[1]);
  assert.equal(contexts[0]?.requestId, "set by a middleware");
  assert.equal(contexts[1]?.url.pathname, "/b");
});

Deno.test("compose(): a handler or middleware that throws synchronously rejects the call", async () => {
  const throwing = compose([], () => {
    throw new TypeError("sync");
  });
  await assert.rejects(throwing(new Request("http://localhost/")), TypeError);
  const throwingMiddleware = compose([
    (() => {
      throw new RangeError("sync middleware");
    }) as unknown as Middleware,
  ], () => new Response());
  await assert.rejects(
    throwingMiddleware(new Request("http://localhost/")),
    RangeError,
  );
});
