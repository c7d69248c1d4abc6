// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// EtcdServiceDiscovery against the halfstack's etcd, each test in a
// namespace of its own; Debian's python3 reads and writes registrations the
// way upstream does.

import assert from "node:assert/strict";
import { AsyncEtcd } from "../../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  type ServiceDiscovery,
} from "../../../service_discovery/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { serviceDiscoverySuite } from "../../conformance/service_discovery_suite.ts";
import {
  dropNamespace,
  rawEtcd,
  testNamespace,
} from "../clients/etcd/_shared.ts";
import { runPython } from "./_python.ts";
import { spawnChild, until } from "./_shared.ts";

const PREFIX = "ai/backend/service_discovery";

function etcdAddr(): string {
  const { etcd } = halfstackEnv();
  return `${etcd.host}:${etcd.port}`;
}

function newEtcd(name: string): AsyncEtcd {
  return new AsyncEtcd({
    addrs: etcdAddr(),
    namespace: testNamespace(name),
    logger: quietLogger,
  });
}

for (const watch of [true, false]) {
  Deno.test(`EtcdServiceDiscovery (watch: ${watch}) passes the service discovery suite`, async (t) => {
    const clients: AsyncEtcd[] = [];
    try {
      await serviceDiscoverySuite(t, {
        make: async () => {
          const etcd = newEtcd("sd-suite");
          clients.push(etcd);
          const discovery = new EtcdServiceDiscovery({
            etcd,
            watch,
            logger: quietLogger,
          });
          await discovery.waitForView();
          if (watch) assert.equal(discovery.viewReady, true);
          return discovery;
        },
      });
    } finally {
      for (const etcd of clients) await dropNamespace(etcd);
    }
  });
}

Deno.test("registrations are stored in upstream's flattened layout, with a lease", async () => {
  const etcd = newEtcd("sd-layout");
  try {
    await using discovery = new EtcdServiceDiscovery({
      etcd,
      watch: false,
      logger: quietLogger,
    });
    const meta = createServiceMetadata({
      displayName: "manager-1",
      serviceGroup: "manager",
      version: "26.8.1",
      endpoint: {
        address: "10.0.0.1",
        port: 8081,
        protocol: "http",
        prometheusAddress: "10.0.0.1:8091",
      },
      healthStatus: {
        registrationTime: 1733555000,
        lastHeartbeat: 1733555000.5,
      },
      labels: { "zone/a": "x" },
    });
    await discovery.register(meta);
    const { kvs } = await etcd.listPrefix(PREFIX);
    const base = `${PREFIX}/manager/${meta.id}`;
    assert.deepEqual(Object.fromEntries(kvs.map((kv) => [kv.key, kv.value])), {
      [`${base}/display_name`]: "manager-1",
      [`${base}/endpoint/address`]: "10.0.0.1",
      [`${base}/endpoint/port`]: "8081",
      [`${base}/endpoint/prometheus_address`]: "10.0.0.1:8091",
      [`${base}/endpoint/protocol`]: "http",
      [`${base}/health_status/last_heartbeat`]: "1733555000.5",
      [`${base}/health_status/registration_time`]: "1733555000.0",
      [`${base}/id`]: meta.id,
      [`${base}/labels/zone%2Fa`]: "x",
      [`${base}/service_group`]: "manager",
      [`${base}/version`]: "26.8.1",
    });
    assert.ok(
      kvs.every((kv) => kv.lease !== "0" && kv.lease === kvs[0]?.lease),
    );
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("a Python script reads our registration through the etcd gateway, field for field", async () => {
  const etcd = newEtcd("sd-python-read");
  try {
    await using discovery = new EtcdServiceDiscovery({
      etcd,
      watch: false,
      logger: quietLogger,
    });
    const meta = createServiceMetadata({
      displayName: "manager-1",
      serviceGroup: "manager",
      version: "26.8.1",
      endpoint: {
        address: "10.0.0.1",
        port: 8081,
        protocol: "http",
        prometheusAddress: "10.0.0.1:8091",
      },
      labels: { "zone/a": "x", "키": "값", "a:b": "" },
    });
    await discovery.register(meta);
    const services = await runPython({
      op: "discover",
      endpoint: etcdAddr(),
      namespace: etcd.namespace,
      prefix: PREFIX,
    }) as Array<Record<string, unknown>>;
    assert.deepEqual(services, [{
      id: meta.id,
      display_name: "manager-1",
      service_group: "manager",
      version: "26.8.1",
      endpoint: {
        address: "10.0.0.1",
        port: 8081,
        protocol: "http",
        prometheus_address: "10.0.0.1:8091",
      },
      health_status: {
        registration_time: meta.healthStatus.registrationTime,
        last_heartbeat: meta.healthStatus.lastHeartbeat,
      },
      labels: { "zone/a": "x", "키": "값", "a:b": "" },
    }]);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("a registration Python wrote is discovered, and the view sees it arrive", async () => {
  const etcd = newEtcd("sd-python-write");
  try {
    await using discovery = new EtcdServiceDiscovery({
      etcd,
      logger: quietLogger,
    });
    await discovery.waitForView();
    assert.deepEqual(await discovery.discover(), []);
    const id = crypto.randomUUID();
    const written = await runPython({
      op: "register",
      endpoint: etcdAddr(),
      namespace: etcd.namespace,
      prefix: PREFIX,
      id,
    }) as { registration_time: string };
    await until(async () => (await discovery.discover()).length === 1, 5_000);
    const meta = await discovery.getService("agent", id);
    assert.equal(meta.displayName, "python-agent");
    assert.equal(meta.endpoint.port, 6001);
    assert.equal(
      meta.healthStatus.registrationTime,
      Number(written.registration_time),
    );
    assert.deepEqual(meta.labels, { "k:v": "y", "zone/a": "x" });
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("a registered service disappears within its lease TTL after its process is SIGKILLed", async () => {
  const etcd = newEtcd("sd-kill");
  try {
    await using discovery: ServiceDiscovery = new EtcdServiceDiscovery({
      etcd,
      logger: quietLogger,
    });
    const id = crypto.randomUUID();
    const child = spawnChild([etcdAddr(), etcd.namespace, id, "2"]);
    try {
      await until(() => child.output().includes("registered"), 30_000);
      await until(async () => (await discovery.discover()).length === 1, 5_000);
    } finally {
      child.kill();
    }
    assert.equal(await child.exited, "SIGKILL");
    const killedAt = Date.now();
    await until(async () => (await discovery.discover()).length === 0, 10_000);
    const goneAfter = Date.now() - killedAt;
    // The lease TTL is 2 s; etcd expires leases on its own schedule (about
    // half a second late at most on an idle server).
    assert.ok(goneAfter <= 4_000, `gone after ${goneAfter} ms`);
    const raw = rawEtcd();
    try {
      assert.equal(
        (await raw.getAll().prefix(`/sorna/${etcd.namespace}/`).keys()).length,
        0,
      );
    } finally {
      raw.close();
    }
  } finally {
    await dropNamespace(etcd);
  }
});
