// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The web layer composes with Hono both ways: a Hono app as the handler
 * behind our middlewares (its `c.env` is our `RequestContext`), and our
 * composed app mounted inside a Hono app. Hono is a test-only import.
 */

import assert from "node:assert/strict";
import { Hono } from "hono";
import { generateKeypair, signRequest } from "../../../auth/mod.ts";
import { currentRequestId, currentUser } from "../../../contexts/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";
import { standardMiddlewares } from "../../../middlewares/mod.ts";
import {
  compose,
  jsonResponse,
  type RequestContext,
  Router,
} from "../../../web/mod.ts";
import { UserData } from "../../../data/mod.ts";
import { recordingLogger } from "../middlewares/_helpers.ts";

const USER = new UserData({
  userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
  isAuthorized: true,
  isAdmin: false,
  isSuperadmin: false,
  role: "user",
  domainName: "default",
  domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
});

Deno.test("Hono as the handler: our middlewares around it, our context as its env, errors as problems", async () => {
  const logger = recordingLogger();
  const metrics = new MetricRegistry({ processMetrics: false });
  const keypair = { ...generateKeypair(), user: USER };
  const hono = new Hono<{ Bindings: RequestContext }>();
  hono.get("/v9/items/:id", (c) => {
    c.env.route = c.req.routePath; // the metrics label, as our router sets it
    return c.json({
      id: c.req.param("id"),
      requestId: currentRequestId(),
      caller: c.env.caller?.accessKey,
      userId: currentUser()?.userId,
    });
  });
  hono.get("/v9/bad", () => {
    throw new InvalidAPIParameters("Bad item", { data: { field: "id" } });
  });
  // Hono answers a throw with its own 500; rethrown, our error middleware
  // answers it with the error's problem document.
  hono.onError((error) => {
    throw error;
  });
  const app = compose(
    standardMiddlewares({
      logger,
      metrics: metrics.api,
      auth: {
        lookup: (key) => key === keypair.accessKey ? keypair : undefined,
      },
    }),
    (request, context) => hono.fetch(request, context),
  );
  const signed = (path: string) =>
    signRequest(new Request(`http://127.0.0.1:8081${path}`), {
      ...keypair,
      apiVersion: "v9.20250722",
    });

  const ok = await app(await signed("/v9/items/42"), {
    remoteAddr: { hostname: "192.0.2.7", port: 40000 },
  });
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.id, "42");
  assert.equal(body.caller, keypair.accessKey);
  assert.equal(body.userId, USER.userId);
  assert.match(body.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(ok.headers.get("x-backendai-requestid"), body.requestId);

  const bad = await app(await signed("/v9/bad"));
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get("content-type"), "application/problem+json");
  const problem = await bad.json();
  assert.equal(problem.error_code, "api_parsing_invalid-parameters");
  assert.equal(problem.msg, "Bad item");
  assert.deepEqual(problem.data, { field: "id" });

  const unsigned = await app(new Request("http://127.0.0.1:8081/v9/items/1"));
  assert.equal(unsigned.status, 401); // refused before Hono runs
  await unsigned.body?.cancel();

  const exposition = await metrics.toPrometheus();
  assert.match(
    exposition,
    /backendai_api_request_count_total\{method="GET",endpoint="\/v9\/items\/:id",[^}]*status_code="200"\} 1/,
  );
  const logged = logger.lines.filter((line) => line.message === "web: request");
  assert.deepEqual(logged.map((line) => line.fields.status), [200, 400, 401]);
});

Deno.test("Hono in front: our composed app mounted under a prefix, with the peer passed through", async () => {
  const router = new Router().get(
    "/tasks/{id}",
    (_request, context) =>
      jsonResponse({
        id: context.params.id,
        route: context.route,
        peer: context.remoteAddr?.hostname,
        requestId: currentRequestId(),
      }),
  );
  const ours = compose(
    standardMiddlewares({ router, logger: recordingLogger() }),
    router.handler,
  );
  const hono = new Hono();
  hono.get("/health", (c) => c.text("ok"));
  // Hono strips the prefix and hands its env (Deno.serve's info) on.
  hono.mount("/api", ours);

  const served = await hono.fetch(
    new Request("http://127.0.0.1/api/tasks/7", {
      headers: { "x-backendai-requestid": "req-1" },
    }),
    { remoteAddr: { hostname: "192.0.2.9", port: 1234 } },
  );
  assert.equal(served.status, 200);
  assert.deepEqual(await served.json(), {
    id: "7",
    route: "/tasks/{id}",
    peer: "192.0.2.9",
    requestId: "req-1",
  });
  assert.equal(served.headers.get("x-backendai-requestid"), "req-1");

  const missing = await hono.fetch(new Request("http://127.0.0.1/api/nope"));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("content-type"), "application/problem+json");
  await missing.body?.cancel();
  assert.equal(
    await (await hono.fetch(new Request("http://127.0.0.1/health"))).text(),
    "ok",
  );
});
