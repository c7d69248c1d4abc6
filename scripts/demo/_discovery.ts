// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's configs and service discovery part: it reads its settings
 * through the loader chain (a TOML file, then environment overrides),
 * registers its parts in discovery (memory by default, the halfstack's
 * etcd when it runs) and serves the Prometheus HTTP SD endpoint.
 *
 * @module
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { z } from "zod";
import { AsyncEtcd } from "../../clients/etcd/mod.ts";
import {
  configInt,
  EnvConfigLoader,
  EtcdConfigSchema,
  loadConfig,
  LoaderChain,
  secret,
  ServiceDiscoveryConfigSchema,
  TomlConfigLoader,
} from "../../configs/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  httpServiceDiscoveryHandler,
  MemoryServiceDiscovery,
  type ServiceDiscovery,
  ServiceRegistrar,
} from "../../service_discovery/mod.ts";
import type { Logger } from "../../utils.ts";

/** What the demo passes in. */
export interface DiscoveryDemoOptions {
  /** Prints a section title. */
  section: (title: string) => void;
  /** Prints a labelled value. */
  show: (label: string, value: unknown) => void;
  /** The halfstack's etcd (`host:port`), when it runs. */
  etcdAddr: string | undefined;
  /** A quiet logger. */
  logger: Logger;
}

const DemoConfigSchema = z.object({
  etcd: EtcdConfigSchema,
  "service-discovery": ServiceDiscoveryConfigSchema,
  demo: z.object({
    version: z.string(),
    metrics_port: configInt(),
    admin_password: secret(z.string()),
  }),
});

const TOML = `
[etcd]
namespace = "demo"
addr = "127.0.0.1:2379"

[service-discovery]
type = "etcd"
service-group = "demo"
display-name = "demo-1"

[demo]
version = "0.1.0"
metrics-port = 9100
admin-password = "not-printed"
plugin-setting = "kept for plugins"
`;

/**
 * Runs the part.
 *
 * @param options The printers, the halfstack's etcd and a logger.
 */
export async function discoveryDemo(
  options: DiscoveryDemoOptions,
): Promise<void> {
  const { section, show, etcdAddr, logger } = options;
  section("configs: a TOML file, then environment overrides (loader chain)");
  const dir = await mkdtemp(join(tmpdir(), "backendai-demo-"));
  let discovery: ServiceDiscovery | undefined;
  let etcd: AsyncEtcd | undefined;
  try {
    const file = join(dir, "demo.toml");
    await writeFile(file, TOML);
    const overrides: Record<string, string> = {
      BACKEND_DEMO_METRICS_PORT: "9200",
    };
    const env = (name: string) => process.env[name] ?? overrides[name];
    const config = await loadConfig(
      DemoConfigSchema,
      new LoaderChain([
        new TomlConfigLoader(file),
        new EnvConfigLoader([
          [["demo", "metrics-port"], "BACKEND_DEMO_METRICS_PORT"],
          [["etcd", "addr"], "BACKEND_ETCD_ADDR"],
        ], { env }),
      ]),
      { logger, name: "demo configuration" },
    );
    show(
      "demo.metrics_port (BACKEND_DEMO_METRICS_PORT)",
      config.value.demo.metrics_port,
    );
    show(
      "where it came from",
      config.origins.get("demo\0metrics-port")?.description,
    );
    show("unknown keys, kept", config.unknownKeys);
    show("printed, secrets masked", JSON.parse(String(config)).demo);

    const backend = etcdAddr === undefined ? "memory" : `etcd ${etcdAddr}`;
    section(
      `service_discovery: register the demo's parts (${backend}), serve HTTP SD`,
    );
    if (etcdAddr === undefined) {
      discovery = new MemoryServiceDiscovery();
    } else {
      etcd = new AsyncEtcd({
        addrs: etcdAddr,
        namespace: `demo-${crypto.randomUUID().slice(0, 8)}`,
        logger,
      });
      discovery = new EtcdServiceDiscovery({
        etcd,
        leaseTtlSeconds: 10,
        logger,
      });
      await (discovery as EtcdServiceDiscovery).waitForView();
    }
    const sd = config.value["service-discovery"];
    const parts = ["message-queue", "event-dispatcher", "bgtask-manager"];
    const registrars = parts.map((part, i) =>
      new ServiceRegistrar(
        discovery as ServiceDiscovery,
        createServiceMetadata({
          displayName: `${sd.display_name}-${part}`,
          serviceGroup: sd.service_group ?? "demo",
          version: config.value.demo.version,
          endpoint: {
            address: "127.0.0.1",
            port: 8000 + i,
            protocol: "http",
            prometheusAddress: `127.0.0.1:${
              config.value.demo.metrics_port + i
            }`,
          },
          labels: { part },
        }),
        { heartbeatIntervalMs: 5_000, logger },
      )
    );
    for (const registrar of registrars) await registrar.start();
    const controller = new AbortController();
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      signal: controller.signal,
      onListen: () => {},
    }, httpServiceDiscoveryHandler(discovery, { logger }));
    const url =
      `http://127.0.0.1:${server.addr.port}/metrics/service_discovery`;
    // The etcd view catches up with the registrations.
    for (
      let i = 0;
      i < 50 && (await discovery.discover()).length < parts.length;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const targets = await (await fetch(url)).json() as Array<{
      targets: string[];
      labels: Record<string, string>;
    }>;
    show("HTTP SD endpoint", url);
    for (
      const target of targets.sort((a, b) =>
        a.labels.part!.localeCompare(b.labels.part!)
      )
    ) {
      show(`  ${target.labels.display_name}`, target.targets.join(","));
    }
    for (const registrar of registrars) await registrar.close();
    show("after the registrars closed", await (await fetch(url)).json());
    controller.abort();
    await server.finished;
  } finally {
    await discovery?.close();
    await etcd?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
