// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The checkers against the halfstack's real Redis and etcd (and a port
 * where nothing listens), through a probe and its handlers.
 */

import assert from "node:assert/strict";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { connectValkey } from "../../../clients/valkey/mod.ts";
import {
  EtcdHealthChecker,
  healthHandlers,
  HealthProbe,
  HttpHealthChecker,
  ValkeyHealthChecker,
} from "../../../health/mod.ts";
import { serveNode } from "../../../web/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

/** A port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

Deno.test("health: Valkey, etcd and HTTP checkers against real servers, served as upstream's JSON", async () => {
  const env = halfstackEnv();
  const dead = await deadPort();
  const live = await connectValkey(
    { addr: `${env.redis.host}:${env.redis.port}` },
    { logger: quietLogger },
  );
  const gone = new Redis({
    host: "127.0.0.1",
    port: dead,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  gone.on("error", () => {});
  await using api = await serveNode(() =>
    Promise.resolve(Response.json({ status: "ok" }))
  );
  await using probe = new HealthProbe({ logger: quietLogger });
  try {
    probe.register(
      "readiness",
      new ValkeyHealthChecker({
        clients: { stream: live, live: gone },
        componentTimeoutMs: 1000,
      }),
    );
    probe.register("liveness", new EtcdHealthChecker(env.etcdUrl));
    probe.register(
      "informational",
      new HttpHealthChecker({
        url: `http://127.0.0.1:${api.addr.port}/health`,
        componentId: "webserver",
      }),
    );
    await probe.checkAll();
    const handlers = healthHandlers(probe, {
      component: "storage-proxy",
      version: "26.8.1",
    });
    const ready = handlers.readyz(new Request("http://x/readyz"));
    assert.equal(ready.status, 503);
    const body = await ready.json();
    const byId = Object.fromEntries(
      body.connectivity.connectivity_checks.map((
        check: { component_id: string },
      ) => [check.component_id, check]),
    );
    assert.equal(byId.stream.is_healthy, true);
    assert.equal(byId.stream.service_group, "redis");
    assert.equal(byId.live.is_healthy, false);
    assert.equal(typeof byId.live.error_message, "string");
    assert.equal(byId.etcd.is_healthy, true);
    assert.equal(byId.etcd.service_group, "etcd");
    assert.equal(
      byId.webserver,
      undefined,
      "informational checks are not in readiness",
    );
    assert.equal(handlers.livez(new Request("http://x/livez")).status, 200);
    const detail = await handlers.health(new Request("http://x/health")).json();
    assert.equal(detail.component, "storage-proxy");
    assert.equal(
      detail.connectivity.connectivity_checks.find((
        c: { component_id: string },
      ) => c.component_id === "webserver")
        ?.is_healthy,
      true,
    );
    const etcdDown = await new EtcdHealthChecker(`http://127.0.0.1:${dead}`)
      .check(new AbortController().signal);
    assert.equal(etcdDown.get("etcd")?.isHealthy, false);
  } finally {
    live.disconnect();
    gone.disconnect();
  }
});
