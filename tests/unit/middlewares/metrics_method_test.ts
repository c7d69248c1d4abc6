// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The API metrics' method label (found by the seeded HTTP fuzz): a method
// is any token a client sends (Deno.serve and Bun.serve pass `FUZZ1 /
// HTTP/1.1` on as it is), and each new one made a new series of the counter
// and the histogram, kept forever: a scanner could grow the metrics without
// bound, as the route label already prevents for paths. Methods outside
// the standard set now share the label `_OTHER`.

import assert from "node:assert/strict";
import { MetricRegistry } from "../../../metrics/mod.ts";
import { apiMetricsMiddleware } from "../../../middlewares/mod.ts";
import { compose, jsonResponse, Router } from "../../../web/mod.ts";

/**
 * A request with any method token. Bun's `Request` constructor turns a
 * method it does not know into GET (Node and Deno keep it), while
 * `Bun.serve` hands the token on as it came, so the method is set here
 * the way a server would see it.
 */
function requestWithMethod(url: string, method: string): Request {
  return new (class extends Request {
    override get method(): string {
      return method;
    }
  })(url);
}

Deno.test("apiMetricsMiddleware labels a non-standard method _OTHER, so methods cannot grow the label set", async () => {
  const metrics = new MetricRegistry();
  const router = new Router().get("/v9/ping", () => jsonResponse({}));
  const app = compose(
    [apiMetricsMiddleware(metrics.api)],
    (request, context) => router.handler(request, context),
  );
  for (let i = 0; i < 50; i++) {
    await app(requestWithMethod("http://x/v9/ping", `FUZZ${i}`))
      .catch(() => undefined);
  }
  for (const method of ["GET", "HEAD", "OPTIONS", "DELETE", "get"]) {
    await app(new Request("http://x/v9/ping", { method }))
      .catch(() => undefined);
  }
  const counts = (await metrics.toPrometheus()).split("\n").filter((line) =>
    line.startsWith("backendai_api_request_count_total{")
  );
  const methods = counts.map((line) => /method="([^"]*)"/.exec(line)?.[1]);
  assert.deepEqual(
    [...new Set(methods)].sort(),
    ["DELETE", "GET", "HEAD", "OPTIONS", "_OTHER"],
  );
  const other = counts.filter((line) => line.includes('method="_OTHER"'))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
  assert.equal(other, 50);
});
