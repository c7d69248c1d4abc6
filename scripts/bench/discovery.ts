// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Service discovery on the halfstack's etcd, side by side in one run:
 *
 * 1. register 1 000 services (`EtcdServiceDiscovery`, one namespace of the
 *    run's own, removed at the end);
 * 2. heartbeat rate: heartbeats of those services, 16 at a time;
 * 3. `discover()` from the watched view against a plain etcd3
 *    `getAll().prefix()` of the same keys (the read every call would make
 *    without the view);
 * 4. the HTTP SD handler with 1 000 targets: requests per second called in
 *    process (`handler(new Request(...))` and reading the body bytes, plain
 *    and gzipped), and over HTTP (`Deno.serve`, 8 concurrent `fetch` clients
 *    in the same process, which also pay for decompressing).
 *
 * Targets: a watched `discover()` at least 100x faster than the prefix read;
 * the handler at least 5 000 requests/s.
 *
 * Run: `deno task bench:discovery` (BENCH_SERVICES, default 1 000;
 * BENCH_SECONDS per measurement, default 2). Registrations are written
 * without leases (1 000 leases in one process would be 1 000 keep-alive
 * streams; a real service holds one). Last line: one JSON object.
 *
 * @module
 */

import { Etcd3 } from "etcd3";
import { AsyncEtcd } from "../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  httpServiceDiscoveryHandler,
  type ServiceMetadata,
} from "../../service_discovery/mod.ts";
import { readHalfstackEnv } from "../halfstack.ts";
import type { Logger } from "../../utils.ts";

const SERVICES = Number(Deno.env.get("BENCH_SERVICES") ?? 1_000);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 2);
const PREFIX = "ai/backend/service_discovery";
const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (m, f) => console.error(m, f ?? ""),
};

const addr = Deno.env.get("BACKEND_ETCD_ADDR") ??
  readHalfstackEnv()?.BACKEND_ETCD_ADDR;
if (addr === undefined) {
  throw new Error(
    "The halfstack is not running: start it with `deno task halfstack up`",
  );
}

/** Runs `fn` repeatedly for `seconds`, `concurrency` at a time; returns calls/s. */
async function rate(
  fn: (i: number) => Promise<unknown>,
  seconds: number,
  concurrency = 1,
): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await fn(count++);
    }),
  );
  return Math.round(count / ((performance.now() - start) / 1000));
}

const round = (value: number): number => Math.round(value * 10) / 10;

const namespace = `bench-discovery-${crypto.randomUUID().slice(0, 8)}`;
const etcd = new AsyncEtcd({ addrs: addr, namespace, logger: quiet });
const raw = new Etcd3({ hosts: `http://${addr}` });
const writer = new EtcdServiceDiscovery({
  etcd,
  leaseTtlSeconds: null,
  watch: false,
  logger: quiet,
});
const reader = new EtcdServiceDiscovery({ etcd, logger: quiet });
try {
  console.log(
    `service discovery, ${SERVICES} services, ${SECONDS} s per measurement; etcd ${addr}; ${Deno.build.os} ${navigator.hardwareConcurrency} cores`,
  );
  const services: ServiceMetadata[] = Array.from(
    { length: SERVICES },
    (_, i) =>
      createServiceMetadata({
        displayName: `agent-${i}`,
        serviceGroup: i % 10 === 0 ? "manager" : "agent",
        version: "26.8.1",
        endpoint: {
          address: `10.0.${i >> 8}.${i & 255}`,
          port: 6001,
          protocol: "grpc",
          prometheusAddress: `10.0.${i >> 8}.${i & 255}:6003`,
        },
        labels: { zone: `z${i % 4}` },
      }),
  );
  let started = performance.now();
  for (let i = 0; i < services.length; i += 16) {
    await Promise.all(
      services.slice(i, i + 16).map((meta) => writer.register(meta)),
    );
  }
  const registerSeconds = (performance.now() - started) / 1000;
  console.log(
    `register: ${SERVICES} in ${round(registerSeconds)} s (${
      Math.round(SERVICES / registerSeconds)
    }/s, 16 at a time)`,
  );

  const heartbeats = await rate(
    (i) => writer.heartbeat(services[i % services.length] as ServiceMetadata),
    SECONDS,
    16,
  );
  console.log(`heartbeat: ${heartbeats}/s (16 at a time)`);

  await reader.waitForView(10_000);
  started = performance.now();
  while ((await reader.discover()).length < SERVICES) {
    if (performance.now() - started > 30_000) {
      throw new Error("The view did not see every registration");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const mangled = `/sorna/${namespace}/${PREFIX}/`;
  const plainKeys = Object.keys(await raw.getAll().prefix(mangled).strings())
    .length;
  const viewDiscover = await rate(() => reader.discover(), SECONDS);
  const plainPrefix = await rate(
    () => raw.getAll().prefix(mangled).strings(),
    SECONDS,
  );
  console.log(
    `discover(): view ${viewDiscover}/s; plain etcd3 getAll().prefix() of the same ${plainKeys} keys ${plainPrefix}/s (x${
      Math.round(viewDiscover / plainPrefix)
    })`,
  );

  const handler = httpServiceDiscoveryHandler(reader);
  const body = await (await handler(new Request("http://x/"))).text();
  const sdRequest = (encoding: string) =>
    new Request("http://127.0.0.1/metrics/service_discovery", {
      headers: { "accept-encoding": encoding },
    });
  const gzipBytes = (await (await handler(sdRequest("gzip"))).arrayBuffer())
    .byteLength;
  const inProcess = await rate(async () => {
    await (await handler(sdRequest("identity"))).arrayBuffer();
  }, SECONDS);
  const inProcessGzip = await rate(async () => {
    await (await handler(sdRequest("gzip"))).arrayBuffer();
  }, SECONDS);
  const controller = new AbortController();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    onListen: () => {},
  }, handler);
  const url = `http://127.0.0.1:${server.addr.port}/metrics/service_discovery`;
  const overHttp = await rate(
    async () => {
      await (await fetch(url)).arrayBuffer();
    },
    SECONDS,
    8,
  );
  controller.abort();
  await server.finished;
  console.log(
    `HTTP SD handler (${SERVICES} targets, ${
      Math.round(body.length / 1024)
    } KiB, ${
      Math.round(gzipBytes / 1024)
    } KiB gzipped): in process ${inProcess} requests/s plain, ${inProcessGzip} gzipped; over HTTP ${overHttp} requests/s (8 fetch clients in the same process, gzip, decompressed by fetch)`,
  );

  const targets = {
    "view discover() >= 100x prefix read": viewDiscover >= 100 * plainPrefix,
    "HTTP SD handler >= 5000 requests/s (in process)": Math.min(
      inProcess,
      inProcessGzip,
    ) >= 5_000,
  };
  console.log(
    Object.entries(targets).map(([k, v]) => `${k}: ${v ? "met" : "MISSED"}`)
      .join("; "),
  );
  console.log(JSON.stringify({
    services: SERVICES,
    seconds: SECONDS,
    registerPerSecond: Math.round(SERVICES / registerSeconds),
    heartbeatPerSecond: heartbeats,
    discoverPerSecond: { view: viewDiscover, plainPrefix },
    httpSd: {
      bodyBytes: body.length,
      gzipBytes,
      inProcessPerSecond: inProcess,
      inProcessGzipPerSecond: inProcessGzip,
      overHttpPerSecond: overHttp,
    },
    targets,
  }));
} finally {
  await reader.close();
  await writer.close();
  await raw.delete().prefix(`/sorna/${namespace}/`);
  raw.close();
  await etcd.close();
}
