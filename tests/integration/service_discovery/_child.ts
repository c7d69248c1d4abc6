// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A service the kill test registers and then kills with SIGKILL.
// argv: <etcd addr> <namespace> <service id> <lease TTL seconds>
// Prints "registered" once its entry is written, then waits to be killed.

import process from "node:process";
import { AsyncEtcd } from "../../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  ServiceRegistrar,
} from "../../../service_discovery/mod.ts";
import { quietLogger } from "../../_logger.ts";

const [addr = "", namespace = "", id = "", ttl = "2"] = process.argv.slice(-4);
const etcd = new AsyncEtcd({ addrs: addr, namespace, logger: quietLogger });
const discovery = new EtcdServiceDiscovery({
  etcd,
  leaseTtlSeconds: Number(ttl),
  watch: false,
  logger: quietLogger,
});
const registrar = new ServiceRegistrar(
  discovery,
  createServiceMetadata({
    id,
    displayName: "doomed",
    serviceGroup: "agent",
    version: "1",
    endpoint: {
      address: "h",
      port: 1,
      protocol: "grpc",
      prometheusAddress: "h:2",
    },
  }),
  { heartbeatIntervalMs: 60_000, logger: quietLogger },
);
if (!(await registrar.start())) process.exit(2);
console.log("registered");
setInterval(() => {}, 1_000);
