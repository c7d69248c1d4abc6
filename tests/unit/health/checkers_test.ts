// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import {
  EtcdHealthChecker,
  HttpHealthChecker,
  PrometheusHealthChecker,
  ValkeyHealthChecker,
} from "../../../health/mod.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";

const signal = () => new AbortController().signal;

Deno.test("ValkeyHealthChecker: each client on its own, a hung one times out with upstream's message", async () => {
  const checker = new ValkeyHealthChecker({
    clients: {
      stream: { ping: () => Promise.resolve("PONG") },
      live: { ping: () => new Promise(() => {}) },
      stat: { ping: () => Promise.reject(new Error("ECONNREFUSED")) },
    },
    componentTimeoutMs: 30,
  });
  assert.equal(checker.serviceGroup, "redis");
  assert.equal(checker.timeoutMs, 5000);
  const result = await checker.check(signal());
  assert.deepEqual([...result.keys()], ["stream", "live", "stat"]);
  assert.equal(result.get("stream")?.isHealthy, true);
  assert.equal(
    result.get("live")?.errorMessage,
    "Component timeout after 0.03s",
  );
  assert.equal(result.get("stat")?.errorMessage, "Error: ECONNREFUSED");
});

Deno.test("HttpHealthChecker: expected statuses, and upstream's messages for a timeout and a failure", async () => {
  const ok = new HttpHealthChecker({
    url: "http://svc/health",
    componentId: "svc",
    method: "head",
    expectedStatusCodes: [204, 200],
    fetch: (request) => {
      assert.equal(request.method, "HEAD");
      return Promise.resolve(new Response(null, { status: 204 }));
    },
  });
  assert.equal(ok.serviceGroup, "api");
  assert.equal((await ok.check(signal())).get("svc")?.isHealthy, true);
  const wrong = await new HttpHealthChecker({
    url: "http://svc/health",
    componentId: "svc",
    expectedStatusCodes: [204, 200],
    fetch: () => Promise.resolve(new Response("no", { status: 500 })),
  }).check(signal());
  assert.equal(
    wrong.get("svc")?.errorMessage,
    "HTTP GET http://svc/health returned status 500, expected one of [200, 204]",
  );
  let aborted: AbortSignal | undefined;
  const slow = await new HttpHealthChecker({
    url: "http://svc/health",
    componentId: "svc",
    timeoutMs: 20,
    fetch: (request) => {
      aborted = request.signal;
      return new Promise(() => {});
    },
  }).check(signal());
  assert.equal(aborted?.aborted, true, "the request is cancelled on time out");
  assert.equal(
    slow.get("svc")?.errorMessage,
    "HTTP health check timed out after 0.02s: GET http://svc/health",
  );
  const refused = await new HttpHealthChecker({
    url: "http://svc/health",
    componentId: "svc",
    serviceGroup: "storage-proxy",
    fetch: () => Promise.reject(new TypeError("connection refused")),
  }).check(signal());
  assert.equal(
    refused.get("svc")?.errorMessage,
    "HTTP health check failed for GET http://svc/health: TypeError: connection refused",
  );
});

Deno.test("EtcdHealthChecker: a client's ping, or etcd's own /health", async () => {
  const pinged = await new EtcdHealthChecker({ ping: () => Promise.resolve() })
    .check(signal());
  assert.equal(pinged.get("etcd")?.isHealthy, true);
  const down = await new EtcdHealthChecker({
    ping: () => Promise.reject(new Error("unavailable")),
  }).check(signal());
  assert.equal(down.get("etcd")?.errorMessage, "Error: unavailable");
  const seen: string[] = [];
  const http = new EtcdHealthChecker("http://etcd:2379/", {
    fetch: (request) => {
      seen.push(request.url);
      return Promise.resolve(Response.json({ health: "true" }));
    },
  });
  assert.equal((await http.check(signal())).get("etcd")?.isHealthy, true);
  assert.deepEqual(seen, ["http://etcd:2379/health"]);
  const alarmed = await new EtcdHealthChecker("http://etcd:2379", {
    fetch: () =>
      Promise.resolve(
        Response.json({ health: "false", reason: "ALARM NOSPACE" }, {
          status: 503,
        }),
      ),
  }).check(signal());
  assert.equal(
    alarmed.get("etcd")?.errorMessage,
    "etcd reports unhealthy (HTTP 503: ALARM NOSPACE)",
  );
});

Deno.test("PrometheusHealthChecker: healthy while the registry renders", async () => {
  const good = await new PrometheusHealthChecker(
    new MetricRegistry({ processMetrics: false }),
  ).check(signal());
  assert.equal(good.get("metrics")?.isHealthy, true);
  const broken = await new PrometheusHealthChecker({
    toPrometheus: () => Promise.reject(new Error("collector failed")),
  }).check(signal());
  assert.equal(broken.get("metrics")?.errorMessage, "Error: collector failed");
});
