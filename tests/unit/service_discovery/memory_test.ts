// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { MemoryServiceDiscovery } from "../../../service_discovery/mod.ts";
import {
  sampleService,
  serviceDiscoverySuite,
} from "../../conformance/service_discovery_suite.ts";

Deno.test("MemoryServiceDiscovery passes the service discovery suite", async (t) => {
  await serviceDiscoverySuite(t, {
    make: () => Promise.resolve(new MemoryServiceDiscovery()),
  });
});

Deno.test("MemoryServiceDiscovery expires entries after their TTL, routes after 300 s", async () => {
  let now = 1_000_000;
  await using discovery = new MemoryServiceDiscovery({
    ttlMs: 180_000,
    now: () => now,
  });
  const meta = sampleService("manager", "m");
  await discovery.register(meta);
  await discovery.syncModelServiceRoutes([{
    routeId: crypto.randomUUID(),
    modelServiceName: "r",
    host: "h",
    port: 1,
  }]);
  now += 179_999;
  assert.equal((await discovery.discover()).length, 2);
  await discovery.heartbeat(meta);
  now += 2;
  assert.equal(
    (await discovery.discover()).length,
    2,
    "the heartbeat renewed it",
  );
  now += 120_000;
  assert.deepEqual((await discovery.discover()).map((m) => m.serviceGroup), [
    "manager",
  ]);
  now += 180_000;
  assert.deepEqual(await discovery.discover(), []);
});

Deno.test("MemoryServiceDiscovery returns the same array until something changes", async () => {
  await using discovery = new MemoryServiceDiscovery();
  await discovery.register(sampleService("agent", "a"));
  const first = await discovery.discover();
  assert.equal(await discovery.discover(), first);
  await discovery.register(sampleService("agent", "b"));
  assert.notEqual(await discovery.discover(), first);
  assert.ok(Object.isFrozen(first));
});

Deno.test("calls take an AbortSignal", async () => {
  await using discovery = new MemoryServiceDiscovery();
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(
    discovery.register(sampleService("agent", "a"), {
      signal: controller.signal,
    }),
    /stop/,
  );
});
