// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";
import {
  apiMetricsMiddleware,
  bodyLimitMiddleware,
  corsMiddleware,
  errorMiddleware,
} from "../../../middlewares/mod.ts";
import { compose, Router } from "../../../web/mod.ts";
import { recordingLogger } from "./_helpers.ts";

const ORIGIN = "https://console.example";

function preflight(origin: string, method = "POST", headers?: string) {
  const init: Record<string, string> = {
    origin,
    "access-control-request-method": method,
  };
  if (headers !== undefined) init["access-control-request-headers"] = headers;
  return new Request("http://api.example/v9/folders", {
    method: "OPTIONS",
    headers: init,
  });
}

Deno.test("CORS: an allowed preflight gets 204 with methods, asked headers, max age, credentials", async () => {
  let reached = false;
  const app = compose([
    corsMiddleware({ origins: [ORIGIN], credentials: true }),
  ], () => {
    reached = true;
    return new Response("handler");
  });
  const response = await app(
    preflight(ORIGIN, "DELETE", "Content-Type, X-BackendAI-Token"),
  );
  assert.equal(response.status, 204);
  assert.equal(reached, false, "a preflight never reaches the handler");
  assert.equal(response.headers.get("access-control-allow-origin"), ORIGIN);
  assert.equal(
    response.headers.get("access-control-allow-credentials"),
    "true",
  );
  assert.equal(
    response.headers.get("access-control-allow-methods"),
    "GET, HEAD, POST, PUT, PATCH, DELETE",
  );
  assert.equal(
    response.headers.get("access-control-allow-headers"),
    "Content-Type, X-BackendAI-Token",
  );
  assert.equal(response.headers.get("access-control-max-age"), "600");
  assert.equal(response.headers.get("vary"), "Origin");
});

Deno.test("CORS: a preflight from another origin, or for another method, is a 403 problem without CORS headers", async () => {
  const app = compose(
    [corsMiddleware({ origins: [ORIGIN], methods: ["GET"] })],
    () => new Response(),
  );
  for (
    const request of [
      preflight("https://evil.example", "GET"),
      preflight(ORIGIN, "DELETE"),
    ]
  ) {
    const response = await app(request);
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal(
      (await response.json()).type,
      "https://api.backend.ai/probs/cors-origin-not-allowed",
    );
  }
});

Deno.test("CORS: responses to allowed origins are marked, errors included; '*' without credentials", async () => {
  const app = compose([
    corsMiddleware({ origins: (origin) => origin.endsWith(".example") }),
    errorMiddleware({ logger: recordingLogger() }),
  ], (request) => {
    if (request.url.endsWith("/bad")) throw new InvalidAPIParameters("bad");
    const response = new Response("ok");
    response.headers.set("vary", "Accept-Encoding");
    return response;
  });
  const ok = await app(
    new Request("http://api.example/", { headers: { origin: ORIGIN } }),
  );
  assert.equal(ok.headers.get("access-control-allow-origin"), ORIGIN);
  assert.equal(
    ok.headers.get("access-control-expose-headers"),
    "X-BackendAI-RequestID, X-BackendAI-SessionID",
  );
  assert.equal(ok.headers.get("vary"), "Accept-Encoding, Origin");
  const bad = await app(
    new Request("http://api.example/bad", { headers: { origin: ORIGIN } }),
  );
  assert.equal(bad.status, 400);
  assert.equal(
    bad.headers.get("access-control-allow-origin"),
    ORIGIN,
    "a browser can read the problem",
  );
  const other = await app(
    new Request("http://api.example/", {
      headers: { origin: "https://evil.org" },
    }),
  );
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  assert.equal(other.headers.get("vary"), "Accept-Encoding, Origin");
  const star = compose(
    [corsMiddleware({ origins: "*" })],
    () => new Response(),
  );
  const any = await star(
    new Request("http://api.example/", {
      headers: { origin: "https://x.test" },
    }),
  );
  assert.equal(any.headers.get("access-control-allow-origin"), "*");
  const noOrigin = await star(new Request("http://api.example/"));
  assert.equal(noOrigin.headers.get("vary"), null);
  assert.throws(
    () => corsMiddleware({ origins: "*", maxAgeSeconds: -1 }),
    InvalidAPIParameters,
  );
});

Deno.test("bodyLimitMiddleware: a declared length over the limit is refused before a byte is read", async () => {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(new Uint8Array(1024));
      if (pulls > 5) controller.close();
    },
  });
  let reached = false;
  const app = compose([
    errorMiddleware({ logger: recordingLogger() }),
    bodyLimitMiddleware({ maxBytes: 100 }),
  ], async (request) => {
    reached = true;
    return new Response(String((await request.arrayBuffer()).byteLength));
  });
  const declared = await app(
    new Request("http://x/", {
      method: "POST",
      body,
      headers: { "content-length": "6144" },
      duplex: "half",
    } as RequestInit),
  );
  assert.equal(declared.status, 413);
  assert.equal(reached, false);
  assert.ok(pulls <= 1, `read ${pulls} chunks`);
  const small = await app(
    new Request("http://x/", { method: "POST", body: "x".repeat(100) }),
  );
  assert.equal(await small.text(), "100");
  const streamed = await app(
    new Request("http://x/", { method: "POST", body: "x".repeat(101) }),
  );
  assert.equal(streamed.status, 413);
  assert.equal((await streamed.json()).data.limit, 100);
});

Deno.test("apiMetricsMiddleware: route labels and error codes, thrown through it or answered inside it", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  const router = new Router()
    .get("/v1/items/{id}", () => new Response("ok"))
    .post("/v1/items", () => {
      throw new InvalidAPIParameters("no name");
    })
    .get("/v1/crash", () => {
      throw new Error("x");
    });
  const inside = compose([
    errorMiddleware({ logger: recordingLogger() }),
    apiMetricsMiddleware(metrics.api),
  ], router.handler);
  const outside = compose([
    apiMetricsMiddleware(metrics.api),
    errorMiddleware({ logger: recordingLogger() }),
  ], router.handler);
  for (const app of [inside, outside]) {
    await (await app(new Request("http://x/v1/items/1"))).text();
    await (await app(new Request("http://x/v1/items/2"))).text();
    await (await app(new Request("http://x/v1/items", { method: "POST" })))
      .text();
    await (await app(new Request("http://x/v1/crash"))).text();
    await (await app(new Request("http://x/scan/wp-login.php"))).text();
  }
  const text = await metrics.toPrometheus();
  const count = (labels: string) =>
    Number(
      new RegExp(
        `^backendai_api_request_count_total\\{${labels}\\} (\\d+)$`,
        "m",
      ).exec(text)?.[1],
    );
  assert.equal(
    count(
      'method="GET",endpoint="/v1/items/\\{id\\}",domain="",operation="",error_detail="",status_code="200"',
    ),
    4,
  );
  assert.equal(
    count(
      'method="POST",endpoint="/v1/items",domain="api",operation="parsing",error_detail="invalid-parameters",status_code="400"',
    ),
    2,
  );
  assert.equal(
    count(
      'method="GET",endpoint="/v1/crash",domain="backendai",operation="generic",error_detail="internal-error",status_code="500"',
    ),
    2,
  );
  assert.equal(
    count(
      'method="GET",endpoint="\\(unmatched\\)",domain="api",operation="read",error_detail="not-found",status_code="404"',
    ),
    2,
  );
  assert.equal(
    text.includes("wp-login"),
    false,
    "a raw path never becomes a label",
  );
  const broken = compose([apiMetricsMiddleware({
    observeRequest: () => {
      throw new Error("metrics down");
    },
  })], () => new Response("still served"));
  assert.equal(
    await (await broken(new Request("http://x/"))).text(),
    "still served",
  );
});
