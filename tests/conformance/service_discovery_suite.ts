// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * One suite every service discovery backend must pass unchanged: memory
 * (unit), etcd and Redis (integration).
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  createServiceMetadata,
  MODEL_SERVICE_GROUP,
  type ServiceDiscovery,
  type ServiceMetadata,
  ServiceNotFoundError,
} from "../../service_discovery/mod.ts";

/** How the suite gets a fresh, empty backend, and waits for its reads. */
export interface DiscoveryFixture {
  /** A backend with nothing registered (its own prefix or namespace). */
  make(): Promise<ServiceDiscovery>;
  /** Waits until a read sees the writes before it (a watched view). */
  settle?: (discovery: ServiceDiscovery) => Promise<void>;
}

/** A service of a group, with labels that need quoting. */
export function sampleService(
  group: string,
  name: string,
  labels: Record<string, string> = {},
): ServiceMetadata {
  return createServiceMetadata({
    displayName: name,
    serviceGroup: group,
    version: "26.8.1",
    endpoint: {
      address: "10.0.0.1",
      port: 8081,
      protocol: "http",
      prometheusAddress: "10.0.0.1:8091",
    },
    healthStatus: {
      registrationTime: 1733555000.125,
      lastHeartbeat: 1733555000,
    },
    labels,
  });
}

async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

function byId(list: readonly ServiceMetadata[]): Map<string, ServiceMetadata> {
  return new Map(list.map((meta) => [meta.id, meta]));
}

/** Registers the suite's steps on `t`. */
export async function serviceDiscoverySuite(
  t: Deno.TestContext,
  fixture: DiscoveryFixture,
): Promise<void> {
  const settle = fixture.settle ?? (() => Promise.resolve());

  await t.step(
    "register, getService, discover, getServiceGroup, unregister",
    async () => {
      await using discovery = await fixture.make();
      assert.deepEqual(await discovery.discover(), []);
      assert.deepEqual(await discovery.getServiceGroup("manager"), []);
      const labels = {
        "zone/a": "x",
        "한글": "값",
        "a:b%c": "",
        "__proto__": "p",
      };
      const manager = sampleService("manager", "manager-1", labels);
      const agent = sampleService("agent", "agent-1");
      await discovery.register(manager);
      await discovery.register(agent);
      await settle(discovery);
      const all = await eventually(
        () => discovery.discover(),
        (l) => l.length === 2,
      );
      assert.deepEqual(
        byId(all),
        new Map([[manager.id, manager], [agent.id, agent]]),
      );
      assert.deepEqual(
        await discovery.getService("manager", manager.id),
        manager,
      );
      assert.deepEqual(await discovery.getServiceGroup("agent"), [agent]);
      await assert.rejects(
        discovery.getService("manager", agent.id),
        (error) =>
          error instanceof ServiceNotFoundError && error.status === 404,
      );
      await discovery.unregister("manager", manager.id);
      await settle(discovery);
      const left = await eventually(
        () => discovery.discover(),
        (l) => l.length === 1,
      );
      assert.deepEqual(left, [agent]);
      await discovery.unregister("agent", agent.id);
      await discovery.unregister("agent", agent.id); // absent: no error
    },
  );

  await t.step(
    "heartbeat writes a fresh last_heartbeat and registers when absent",
    async () => {
      await using discovery = await fixture.make();
      const meta = sampleService("storage-proxy", "storage-1", { a: "1" });
      const before = Date.now() / 1000;
      const beat = await discovery.heartbeat(meta);
      assert.ok(beat.healthStatus.lastHeartbeat >= before - 0.001);
      assert.equal(beat.healthStatus.registrationTime, 1733555000.125);
      assert.equal(meta.healthStatus.lastHeartbeat, 1733555000, "not mutated");
      await settle(discovery);
      const read = await eventually(
        () => discovery.getServiceGroup("storage-proxy"),
        (l) => l.length === 1,
      );
      assert.deepEqual(read, [beat]);
      // A rewrite replaces the whole entry: a removed label is gone.
      const relabelled = { ...beat, labels: { b: "2" } };
      await discovery.register(relabelled);
      await settle(discovery);
      const after = await eventually(
        () => discovery.getService("storage-proxy", meta.id),
        (m) => m.labels.b === "2",
      );
      assert.deepEqual(after.labels, { b: "2" });
    },
  );

  await t.step(
    "syncModelServiceRoutes keeps exactly the given routes",
    async () => {
      await using discovery = await fixture.make();
      const routes = [0, 1, 2].map((i) => ({
        routeId: crypto.randomUUID(),
        modelServiceName: `model-${i}`,
        host: `10.0.1.${i}`,
        port: 8000 + i,
        labels: { runtime: "vllm" },
      }));
      await discovery.syncModelServiceRoutes(routes);
      await settle(discovery);
      let group = await eventually(
        () => discovery.getServiceGroup(MODEL_SERVICE_GROUP),
        (l) => l.length === 3,
      );
      assert.equal(group.length, 3);
      const first = group.find((m) => m.id === routes[0]?.routeId);
      assert.deepEqual(first?.labels, {
        runtime: "vllm",
        route_id: routes[0]?.routeId,
        model_service_name: "model-0",
      });
      assert.equal(first?.endpoint.prometheusAddress, "10.0.1.0:8000");
      await discovery.syncModelServiceRoutes(routes.slice(1));
      await settle(discovery);
      group = await eventually(
        () => discovery.getServiceGroup(MODEL_SERVICE_GROUP),
        (l) => l.length === 2,
      );
      assert.deepEqual(
        new Set(group.map((m) => m.id)),
        new Set(routes.slice(1).map((r) => r.routeId)),
      );
      await discovery.syncModelServiceRoutes([]);
      await settle(discovery);
      group = await eventually(
        () => discovery.getServiceGroup(MODEL_SERVICE_GROUP),
        (l) => l.length === 0,
      );
      assert.deepEqual(group, []);
    },
  );

  await t.step(
    "invalid metadata is refused before anything is written",
    async () => {
      await using discovery = await fixture.make();
      const meta = sampleService("manager", "m");
      await assert.rejects(
        discovery.register({ ...meta, id: "not-a-uuid" }),
        /"id": must be a UUID/,
      );
      await assert.rejects(
        discovery.register({ ...meta, serviceGroup: "a/b" }),
        /serviceGroup/,
      );
      await settle(discovery);
      assert.deepEqual(await discovery.discover(), []);
    },
  );
}
