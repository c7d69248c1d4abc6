// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { generateKeypair, signRequest } from "../../../auth/mod.ts";
import { currentClientIp, currentRequestId } from "../../../contexts/mod.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";
import { standardMiddlewares } from "../../../middlewares/mod.ts";
import { compose, jsonResponse, readJson, Router } from "../../../web/mod.ts";
import { z } from "zod";
import { recordingLogger } from "./_helpers.ts";

Deno.test("standardMiddlewares: the whole chain in its order, as a service runs it", async () => {
  const logger = recordingLogger();
  const metrics = new MetricRegistry({ processMetrics: false });
  const keypair = generateKeypair();
  const router = new Router().post("/v9/items", async (request, context) => {
    const body = await readJson(request, z.object({ name: z.string() }));
    return jsonResponse({
      name: body.name,
      requestId: currentRequestId(),
      clientIp: currentClientIp(),
      caller: context.caller?.accessKey,
    });
  });
  const app = compose(
    standardMiddlewares({
      router,
      logger,
      trustedProxies: ["10.0.0.0/8"],
      cors: { origins: ["https://console.example"] },
      metrics: metrics.api,
      maxBodyBytes: 64,
      auth: {
        lookup: (key) => key === keypair.accessKey ? keypair : undefined,
      },
    }),
    router.handler,
  );
  const post = (body: string) =>
    signRequest(
      new Request("http://api.example/v9/items", {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-backendai-requestid": "req-1",
          "x-forwarded-for": "203.0.113.9",
          origin: "https://console.example",
        },
      }),
      { ...keypair, apiVersion: "v9.20250722" },
    );
  const proxy = { remoteAddr: { hostname: "10.0.0.2", port: 4000 } };
  const ok = await app(await post('{"name":"a"}'), proxy);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), {
    name: "a",
    requestId: "req-1",
    clientIp: "203.0.113.9",
    caller: keypair.accessKey,
  });
  assert.equal(ok.headers.get("x-backendai-requestid"), "req-1");
  assert.equal(
    ok.headers.get("access-control-allow-origin"),
    "https://console.example",
  );

  const invalid = await app(await post('{"name":1}'), proxy);
  assert.equal(invalid.status, 400);
  assert.equal(invalid.headers.get("x-backendai-requestid"), "req-1");
  assert.equal(
    invalid.headers.get("access-control-allow-origin"),
    "https://console.example",
  );
  await invalid.body?.cancel();
  const big = await app(
    await post(JSON.stringify({ name: "x".repeat(100) })),
    proxy,
  );
  assert.equal(big.status, 413);
  await big.body?.cancel();
  const anonymous = await app(
    new Request("http://api.example/v9/items", { method: "POST" }),
    proxy,
  );
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();

  const access = logger.lines.filter((line) => line.message === "web: request");
  assert.deepEqual(access.map((line) => line.fields.status), [
    200,
    400,
    413,
    401,
  ]);
  assert.deepEqual(
    access.map((line) => line.fields.clientIp),
    ["203.0.113.9", "203.0.113.9", "203.0.113.9", "10.0.0.2"],
  );
  const warnings = logger.lines.filter((line) => line.level === "warn");
  assert.deepEqual(warnings.map((line) => line.fields.status), [400, 413, 401]);
  const text = await metrics.toPrometheus();
  assert.match(
    text,
    /endpoint="\/v9\/items",domain="user",operation="auth",error_detail="unauthorized",status_code="401"\} 1/,
    "a request refused before the handler is labelled by its route",
  );
  assert.deepEqual(
    access.map((line) => line.fields.route),
    Array(4).fill("/v9/items"),
  );
  assert.match(
    text,
    /endpoint="\/v9\/items",domain="backendai",operation="parsing",error_detail="invalid-parameters",status_code="400"\} 1/,
  );
});
