// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A real Prometheus (Debian's `prometheus`, started here on a free port)
// reads our HTTP SD endpoint through `http_sd_configs` and lists the targets.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  createServiceMetadata,
  httpServiceDiscoveryHandler,
  MemoryServiceDiscovery,
} from "../../../service_discovery/mod.ts";
import { freePort } from "../../_private_servers.ts";
import { until } from "./_shared.ts";

/** Serves a web-standard handler over node:http (all three runtimes). */
async function serve(
  handler: (request: Request) => Promise<Response>,
  port: number,
): Promise<Server> {
  const server = createServer(async (req: IncomingMessage, res) => {
    const response = await handler(
      new Request(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
      }),
    );
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(new Uint8Array(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) =>
    server.listen(port, "127.0.0.1", resolve)
  );
  return server;
}

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
}

Deno.test("Prometheus lists our HTTP SD targets with their labels in /api/v1/targets", async () => {
  const dir = await mkdtemp(join(tmpdir(), "backendai-prometheus-"));
  const sdPort = await freePort();
  const promPort = await freePort();
  await using discovery = new MemoryServiceDiscovery();
  const services = [0, 1].map((i) =>
    createServiceMetadata({
      displayName: `agent-${i}`,
      serviceGroup: "agent",
      version: "26.8.1",
      endpoint: {
        address: "127.0.0.1",
        port: 6001 + i,
        protocol: "grpc",
        prometheusAddress: `127.0.0.1:${19_000 + i}`,
      },
      labels: { zone: `z${i}` },
    })
  );
  for (const meta of services) await discovery.register(meta);
  const server = await serve(httpServiceDiscoveryHandler(discovery), sdPort);
  await writeFile(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "scrape_configs:",
      "  - job_name: backendai",
      "    http_sd_configs:",
      `      - url: http://127.0.0.1:${sdPort}/metrics/service_discovery`,
      "        refresh_interval: 1s",
    ].join("\n"),
  );
  const prometheus = spawn("prometheus", [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
  ], { stdio: "ignore" });
  const spawnError = new Promise<Error>((resolve) =>
    prometheus.once(
      "error",
      (error) =>
        resolve(
          new Error(
            `Cannot start prometheus (Debian package prometheus; scripts/install_servers.sh installs it): ${error.message}`,
          ),
        ),
    )
  );
  const exited = new Promise<void>((resolve) =>
    prometheus.once("exit", () => resolve())
  );
  try {
    let targets: Target[] = [];
    const read = async () => {
      const response = await fetch(
        `http://127.0.0.1:${promPort}/api/v1/targets`,
      );
      const body = await response.json() as {
        data: { activeTargets: Target[] };
      };
      targets = body.data.activeTargets.filter((t) =>
        t.scrapePool === "backendai"
      );
      return targets.length === 2;
    };
    await Promise.race([
      until(() => read().catch(() => false), 30_000),
      spawnError.then((error) => Promise.reject(error)),
    ]);
    const byAddress = new Map(
      targets.map((t) => [t.discoveredLabels.__address__, t]),
    );
    for (const meta of services) {
      const target = byAddress.get(meta.endpoint.prometheusAddress);
      assert.ok(target, `Prometheus lists ${meta.endpoint.prometheusAddress}`);
      assert.equal(target.labels.service_id, meta.id);
      assert.equal(target.labels.service_group, "agent");
      assert.equal(target.labels.display_name, meta.displayName);
      assert.equal(target.labels.version, "26.8.1");
      assert.equal(target.labels.zone, meta.labels.zone);
    }
    // A service that leaves is dropped at the next refresh.
    await discovery.unregister("agent", services[0]?.id as string);
    await until(async () => {
      await read().catch(() => false);
      return targets.length === 1;
    }, 30_000);
    assert.equal(targets[0]?.labels.service_id, services[1]?.id);
  } finally {
    if (prometheus.pid !== undefined && prometheus.exitCode === null) {
      process.kill(prometheus.pid, "SIGTERM");
      await exited;
    }
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});
