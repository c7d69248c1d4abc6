// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { generateKeypair, signRequest } from "../../../auth/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  accessLogMiddleware,
  authMiddleware,
  errorMiddleware,
  requestIdMiddleware,
} from "../../../middlewares/mod.ts";
import { compose, Router } from "../../../web/mod.ts";
import { recordingLogger } from "./_helpers.ts";

Deno.test("accessLogMiddleware: one structured line per request, with no secret, token or header", async () => {
  const logger = recordingLogger();
  const keypair = generateKeypair();
  const router = new Router().get("/v1/items/{id}", () => new Response("ok"));
  const app = compose([
    requestIdMiddleware(),
    accessLogMiddleware({ logger }),
    errorMiddleware({ logger: recordingLogger() }),
    authMiddleware({
      lookup: (key) => key === keypair.accessKey ? keypair : undefined,
    }),
  ], router.handler);
  const signed = await signRequest(
    new Request("http://x/v1/items/7?token=sEcReT&password=hunter2", {
      headers: { "X-BackendAI-Token": "", cookie: "AIOHTTP_SESSION=abc" },
    }),
    { ...keypair, apiVersion: "v9.20250722" },
  );
  const response = await app(signed);
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(logger.lines.length, 1);
  const line = logger.lines[0]!;
  assert.equal(line.level, "info");
  assert.deepEqual(Object.keys(line.fields).sort(), [
    "accessKey",
    "clientIp",
    "durationMs",
    "method",
    "path",
    "requestId",
    "route",
    "status",
  ]);
  assert.equal(line.fields.path, "/v1/items/7");
  assert.equal(line.fields.route, "/v1/items/{id}");
  assert.equal(line.fields.status, 200);
  assert.equal(line.fields.accessKey, keypair.accessKey);
  assert.equal(typeof line.fields.durationMs, "number");
  const text = JSON.stringify(logger.lines);
  for (
    const secret of [
      "sEcReT",
      "hunter2",
      keypair.secretKey,
      "AIOHTTP_SESSION",
      "signMethod",
    ]
  ) {
    assert.equal(text.includes(secret), false, secret);
  }
});

Deno.test("accessLogMiddleware: a thrown error is logged with its status and rethrown; skipped paths are not logged", async () => {
  const logger = recordingLogger();
  const app = compose(
    [accessLogMiddleware({ logger, skip: (path) => path === "/metrics" })],
    (request) => {
      if (request.url.endsWith("/metrics")) return new Response("m");
      throw new InvalidAPIParameters("bad");
    },
  );
  await assert.rejects(app(new Request("http://x/v1/x")), InvalidAPIParameters);
  assert.equal(logger.lines[0]?.fields.status, 400);
  await assert.rejects(
    compose([accessLogMiddleware({ logger })], () => {
      throw new TypeError("x");
    })(new Request("http://x/")),
  );
  assert.equal(logger.lines[1]?.fields.status, 500);
  await (await app(new Request("http://x/metrics"))).text();
  assert.equal(logger.lines.length, 2);
});
