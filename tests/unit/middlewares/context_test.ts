// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { currentClientIp, currentRequestId } from "../../../contexts/mod.ts";
import {
  clientIpMiddleware,
  MAX_REQUEST_ID_LENGTH,
  requestIdMiddleware,
  withHeader,
} from "../../../middlewares/mod.ts";
import { compose } from "../../../web/mod.ts";

const UUID_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

Deno.test("requestIdMiddleware: reads X-BackendAI-RequestID into the context and echoes it", async () => {
  const app = compose([requestIdMiddleware()], async (_request, context) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return new Response(`${currentRequestId()} ${context.requestId}`);
  });
  const response = await app(
    new Request("http://x/", {
      headers: { "X-BackendAI-RequestID": "req-42" },
    }),
  );
  assert.equal(await response.text(), "req-42 req-42");
  assert.equal(response.headers.get("x-backendai-requestid"), "req-42");
  assert.equal(currentRequestId(), undefined, "nothing leaks out");
});

Deno.test("requestIdMiddleware: makes a UUID when the header is absent, too long or not printable", async () => {
  const app = compose(
    [requestIdMiddleware()],
    () => new Response(currentRequestId()),
  );
  for (
    const given of [
      undefined,
      "x".repeat(MAX_REQUEST_ID_LENGTH + 1),
      "two words",
      "é",
    ]
  ) {
    const headers: Record<string, string> = given === undefined
      ? {}
      : { "X-BackendAI-RequestID": given };
    const response = await app(new Request("http://x/", { headers }));
    const id = await response.text();
    assert.match(id, UUID_REGEXP, String(given));
    assert.equal(response.headers.get("x-backendai-requestid"), id);
  }
});

Deno.test("requestIdMiddleware: concurrent requests keep their own ids", async () => {
  const app = compose([requestIdMiddleware()], async () => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    return new Response(currentRequestId());
  });
  const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`);
  const texts = await Promise.all(
    ids.map(async (id) =>
      await (await app(
        new Request("http://x/", { headers: { "X-BackendAI-RequestID": id } }),
      )).text()
    ),
  );
  assert.deepEqual(texts, ids);
});

Deno.test("withHeader copies a response whose headers are immutable", async () => {
  const redirect = withHeader(
    Response.redirect("http://x/next", 302),
    "x-a",
    "1",
  );
  assert.equal(redirect.headers.get("x-a"), "1");
  assert.equal(redirect.status, 302);
  const fetched = withHeader(new Response("body"), "x-b", "2");
  assert.equal(await fetched.text(), "body");
});

Deno.test("clientIpMiddleware: the peer without trusted proxies, the forwarded client through them", async () => {
  const handler = () => new Response(currentClientIp() ?? "unknown");
  const direct = compose([clientIpMiddleware()], handler);
  const proxied = compose([
    clientIpMiddleware({ trustedProxies: ["10.0.0.0/8"] }),
  ], handler);
  const forged = new Request("http://x/", {
    headers: { "x-forwarded-for": "1.2.3.4" },
  });
  const peer = { remoteAddr: { hostname: "198.51.100.4", port: 1 } };
  const proxy = { remoteAddr: { hostname: "10.0.0.3", port: 1 } };
  assert.equal(await (await direct(forged, peer)).text(), "198.51.100.4");
  assert.equal(await (await direct(forged, proxy)).text(), "10.0.0.3");
  assert.equal(await (await proxied(forged, proxy)).text(), "1.2.3.4");
  assert.equal(await (await proxied(forged, peer)).text(), "198.51.100.4");
  assert.equal(
    await (await direct(new Request("http://x/"))).text(),
    "unknown",
  );
});
