// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  compose,
  errorResponse,
  jsonResponse,
  MethodNotAllowed,
  RequestContext,
  Router,
  URLNotFound,
} from "../../../web/mod.ts";

function app(router: Router) {
  return compose([async (_request, next) => {
    try {
      return await next();
    } catch (error) {
      return errorResponse(error);
    }
  }], router.handler);
}

Deno.test("Router: a static path wins over a pattern; parameters are percent-decoded", async () => {
  const router = new Router()
    .get(
      "/sessions/{name}",
      (_r, c) => jsonResponse({ name: c.params.name, route: c.route }),
    )
    .get(
      "/sessions/_/ids",
      (_r, c) => jsonResponse({ static: true, route: c.route }),
    );
  const handle = app(router);
  assert.deepEqual(
    await (await handle(new Request("http://x/sessions/my%20job"))).json(),
    { name: "my job", route: "/sessions/{name}" },
  );
  assert.deepEqual(
    await (await handle(new Request("http://x/sessions/_/ids"))).json(),
    { static: true, route: "/sessions/_/ids" },
  );
});

Deno.test("Router: no route is URLNotFound (404), a route without the method MethodNotAllowed (405) with Allow", async () => {
  const router = new Router()
    .get("/items/{id}", () => new Response("get"))
    .delete("/items/{id}", () => new Response("deleted"));
  const handle = app(router);
  const missing = await handle(new Request("http://x/nowhere"));
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error_code, "api_read_not-found");
  const wrong = await handle(
    new Request("http://x/items/1", { method: "POST" }),
  );
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get("allow"), "GET, DELETE, HEAD");
  assert.equal(
    (await wrong.json()).type,
    "https://api.backend.ai/probs/method-not-allowed",
  );
  const request = new Request("http://x/items");
  await assert.rejects(
    Promise.resolve().then(() =>
      router.handler(request, new RequestContext(request))
    ),
    URLNotFound,
  );
});

Deno.test("Router: HEAD falls back to GET; an empty segment matches no parameter", async () => {
  const router = new Router().get(
    "/items/{id}",
    (_r, c) => new Response(c.params.id),
  );
  const handle = app(router);
  assert.equal(
    (await handle(new Request("http://x/items/7", { method: "HEAD" }))).status,
    200,
  );
  assert.equal((await handle(new Request("http://x/items/"))).status, 404);
  assert.equal(
    (await handle(new Request("http://x/items/%E0%A4%A"))).status,
    404,
  );
});

Deno.test("Router: malformed patterns and taken routes are refused", () => {
  assert.throws(
    () => new Router().get("items", () => new Response()),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new Router().get("/a{id}", () => new Response()),
    InvalidAPIParameters,
  );
  const router = new Router().get("/a/{id}", () => new Response());
  assert.throws(
    () => router.get("/a/{id}", () => new Response()),
    InvalidAPIParameters,
  );
  router.post("/a/{id}", () => new Response());
  assert.ok(new MethodNotAllowed() instanceof Error);
});
