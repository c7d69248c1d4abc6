// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Registrations come back after etcd and Redis restart: a private etcd and a
// private Redis this file starts on free ports (never the halfstack's).

import assert from "node:assert/strict";
import {
  RedisServiceDiscovery,
  ServiceRegistrar,
} from "../../../service_discovery/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { runIsolated } from "../../_isolated.ts";
import { PrivateRedis } from "../../_private_servers.ts";
import { until } from "./_shared.ts";
import { SCENARIOS_URL, service } from "./_restart_scenarios.ts";

// In a child process: Deno 2.9.6 sometimes crashes in node:http2 when etcd
// restarts or the clients close; one crash is rerun once, loudly
// (tests/_isolated.ts, RELIABILITY.md).
Deno.test("an etcd registration comes back after etcd was down longer than its lease", async () => {
  await runIsolated(SCENARIOS_URL, "etcdRegistrationComesBack");
});

Deno.test("a Redis registration comes back after Redis restarted empty", async () => {
  await using server = await PrivateRedis.start();
  const own = await RedisServiceDiscovery.connect({
    target: { addr: server.address, requestTimeoutMs: 500 },
    logger: quietLogger,
  });
  const reader = await RedisServiceDiscovery.connect({
    target: { addr: server.address, requestTimeoutMs: 500 },
    logger: quietLogger,
  });
  const meta = service("agent-redis");
  const registrar = new ServiceRegistrar(own, meta, {
    heartbeatIntervalMs: 500,
    retryIntervalMs: 100,
    logger: quietLogger,
  });
  try {
    assert.equal(await registrar.start(), true);
    assert.equal((await reader.discover()).length, 1);
    await server.restart(1_000);
    await until(async () => {
      const list = await reader.discover().catch(() => []);
      return list.length === 1;
    }, 20_000);
    assert.equal(
      (await reader.getService("agent", meta.id)).displayName,
      "agent-redis",
    );
  } finally {
    await registrar.close();
    await Promise.all([own.close(), reader.close()]);
  }
});
