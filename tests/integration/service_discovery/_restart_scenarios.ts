// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The etcd scenario of restart_test.ts, run there in a child process
// (tests/_isolated.ts): a registration in a private etcd started on free
// ports (never the halfstack's) comes back after a restart.

import assert from "node:assert/strict";
import { AsyncEtcd } from "../../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  type ServiceMetadata,
  ServiceRegistrar,
} from "../../../service_discovery/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { PrivateEtcd } from "../../_private_servers.ts";
import { until } from "./_shared.ts";

/** The metadata of a test service named `name`. */
export function service(name: string): ServiceMetadata {
  return createServiceMetadata({
    displayName: name,
    serviceGroup: "agent",
    version: "1",
    endpoint: {
      address: "10.0.0.2",
      port: 6001,
      protocol: "grpc",
      prometheusAddress: "10.0.0.2:6003",
    },
  });
}

/** This module's URL, for runIsolated. */
export const SCENARIOS_URL: string = import.meta.url;

/** an etcd registration comes back after etcd was down longer than its lease */
export async function etcdRegistrationComesBack(): Promise<void> {
  await using server = await PrivateEtcd.start();
  const options = {
    addrs: server.address,
    namespace: "restart",
    requestTimeoutMs: 1_000,
    watchReconnectIntervalMs: 200,
    watchReconnectMaxIntervalMs: 1_000,
    logger: quietLogger,
  };
  const ownEtcd = new AsyncEtcd(options);
  const readerEtcd = new AsyncEtcd(options);
  const own = new EtcdServiceDiscovery({
    etcd: ownEtcd,
    leaseTtlSeconds: 2,
    watch: false,
    logger: quietLogger,
  });
  const reader = new EtcdServiceDiscovery({
    etcd: readerEtcd,
    logger: quietLogger,
  });
  const meta = service("agent-etcd");
  const registrar = new ServiceRegistrar(own, meta, {
    heartbeatIntervalMs: 500,
    retryIntervalMs: 100,
    logger: quietLogger,
  });
  try {
    assert.equal(await registrar.start(), true);
    await until(async () => (await reader.discover()).length === 1, 5_000);
    await server.restart(5_000); // longer than the 2 s lease: it is lost
    // The lease expires after the restart; the registrar writes the entry
    // again with a new one, and the reader's watch sees it.
    await until(async () => {
      const list = await reader.discover().catch(() => []);
      return list.length === 1 &&
        list[0]?.healthStatus.lastHeartbeat !== undefined;
    }, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // past the old lease
    const direct = await readerEtcd.getPrefix(
      "ai/backend/service_discovery/agent",
      { scope: "global" },
    );
    assert.deepEqual(Object.keys(direct), [meta.id]);
    assert.deepEqual((await reader.discover()).map((m) => m.id), [meta.id]);
    assert.equal(registrar.registered, true);
  } finally {
    await registrar.close();
    await Promise.all([own.close(), reader.close()]);
    await Promise.all([ownEtcd.close(), readerEtcd.close()]);
  }
}
