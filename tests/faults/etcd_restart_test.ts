// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A single-member etcd of the test's own restarted while it is used:
// stopped (SIGKILL; with BACKEND_FAULTS_SCALE=soak also SIGTERM, in a
// second test), down for a second,
// and started again on the same data. Meanwhile a service is registered
// (service_discovery, lease TTL 5 s, heartbeat every second), a lease of
// clients/etcd holds a key, a writer puts numbered values one after
// another (a failed put is sent again), and a watch on the prefix, from
// another client, counts what it sees. Asserted: within one lease TTL of
// etcd answering again, the registration is discoverable, the writer's
// puts succeed, and the watch delivers them; the lease is not lost and its
// key and the registration are still there two TTLs after the restart
// (the keep-alives resumed); the watch saw every acknowledged put, none
// twice.
//
// The recovery code under test: the lease keep-alive loop
// (clients/etcd/_lease.ts), the watch reconnect from the last revision
// seen (clients/etcd/_watch.ts: without the revision, puts made while the
// watch reconnects are missed; without the reconnect, nothing after the
// restart is seen), the client's retry policy (clients/etcd/_calls.ts),
// and the registrar's heartbeat (service_discovery/registrar.ts).

import assert from "node:assert/strict";
import { AsyncEtcd, type EtcdWatchEvent } from "../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  ServiceRegistrar,
} from "../../service_discovery/mod.ts";
import { quietLogger } from "../_logger.ts";
import { PrivateEtcd } from "../_private_servers.ts";
import { faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const TTL_S = 5;

async function restartUnderUse(signal: "SIGTERM" | "SIGKILL") {
  await using etcd = await PrivateEtcd.start();
  const options = {
    addrs: etcd.address,
    namespace: "faults",
    requestTimeoutMs: 1_000,
    watchReconnectIntervalMs: 200,
    watchReconnectMaxIntervalMs: 1_000,
    logger: quietLogger,
  };
  const owner = new AsyncEtcd(options);
  const watcher = new AsyncEtcd(options);
  const writer = new AsyncEtcd(options);
  const reader = new AsyncEtcd(options);
  const ownDiscovery = new EtcdServiceDiscovery({
    etcd: owner,
    leaseTtlSeconds: TTL_S,
    watch: false,
    logger: quietLogger,
  });
  const readDiscovery = new EtcdServiceDiscovery({
    etcd: reader,
    watch: false,
    logger: quietLogger,
  });
  const meta = createServiceMetadata({
    displayName: "agent-faults",
    serviceGroup: "agent",
    version: "1",
    endpoint: {
      address: "10.0.0.2",
      port: 6001,
      protocol: "grpc",
      prometheusAddress: "10.0.0.2:6003",
    },
  });
  const registrar = new ServiceRegistrar(ownDiscovery, meta, {
    heartbeatIntervalMs: 1_000,
    logger: quietLogger,
  });
  const started = performance.now();
  const now = () => performance.now() - started;
  const acked = new Map<number, number>(); // n -> when
  const seen = new Map<number, number[]>(); // n -> when seen, each time
  let writing = true;
  const watch = watcher.watchPrefix("w");
  try {
    assert.equal(await registrar.start(), true);
    const lease = await owner.grantLease(TTL_S);
    await owner.put("leased", "alive", { lease });
    await watch.ready;
    const watching = (async () => {
      for await (const event of watch as AsyncIterable<EtcdWatchEvent>) {
        if (event.value === undefined) continue;
        const n = Number(event.value);
        seen.set(n, [...seen.get(n) ?? [], now()]);
      }
    })();
    const writing_ = (async () => {
      for (let n = 0; writing;) {
        try {
          await writer.put("w/k", String(n));
          acked.set(n++, now());
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    await etcd.stop(signal);
    await new Promise((r) => setTimeout(r, 1_000));
    await etcd.startProcess();
    const answeredAt = now();
    // The registration, discoverable again.
    let registeredMs = Number.POSITIVE_INFINITY;
    await until(
      async () => {
        const list = await readDiscovery.discover().catch(() => []);
        if (list.some((m) => m.id === meta.id)) {
          registeredMs = Math.round(now() - answeredAt);
          return true;
        }
        return false;
      },
      30_000,
      "the registration",
    ).catch(() => {});
    // Writes, and the watch delivering them.
    await until(
      () => [...acked.values()].some((at) => at > answeredAt),
      30_000,
      "a put after the restart",
    ).catch(() => {});
    await until(
      () =>
        [...seen.values()].some((times) => times.some((at) => at > answeredAt)),
      30_000,
      "the watch after the restart",
    ).catch(() => {});
    const firstPutMs = Math.round(
      Math.min(...[...acked.values()].filter((at) => at > answeredAt)) -
        answeredAt,
    );
    const firstWatchedMs = Math.round(
      Math.min(
        ...[...seen.values()].flat().filter((at) => at > answeredAt),
      ) - answeredAt,
    );
    // Two TTLs on: the keep-alives must have held the lease and the
    // registration.
    await new Promise((r) => setTimeout(r, 2 * TTL_S * 1_000));
    writing = false;
    await writing_;
    await until(
      () => [...acked.keys()].every((n) => seen.has(n)),
      10_000,
      "the watch to catch up",
    ).catch(() => {});
    const leasedValue = await reader.get("leased").catch(() => undefined);
    const stillRegistered = (await readDiscovery.discover().catch(() => []))
      .some((m) => m.id === meta.id);
    const leaseLost = lease.lost;
    await watch.close();
    await watching;
    const missed = [...acked.keys()].filter((n) => !seen.has(n));
    const duplicates = [...seen.values()].reduce(
      (sum, times) => sum + times.length - 1,
      0,
    );
    return {
      acked: acked.size,
      seen: acked.size - missed.length,
      missed,
      duplicates,
      registeredMs,
      firstPutMs,
      firstWatchedMs,
      leasedValue,
      stillRegistered,
      leaseLost,
    };
  } finally {
    writing = false;
    await watch.close().catch(() => {});
    await registrar.close();
    await Promise.all([ownDiscovery.close(), readDiscovery.close()]);
    await Promise.all([
      owner.close(),
      watcher.close(),
      writer.close(),
      reader.close(),
    ]);
  }
}

// SIGKILL in CI; a clean SIGTERM stop too with BACKEND_FAULTS_SCALE=soak
// (the same recovery paths, 17 s more per runtime).
const SIGNALS = faultScale() === "soak"
  ? ["SIGTERM", "SIGKILL"] as const
  : ["SIGKILL"] as const;

for (const signal of SIGNALS) {
  Deno.test(`fault: etcd restarted (${signal}): registrations, leases and watches come back within one lease TTL`, async () => {
    const result = await restartUnderUse(signal);
    const recoveryMs = Math.max(
      result.registeredMs,
      result.firstPutMs,
      result.firstWatchedMs,
    );
    await reportFaultFigures({
      kind: "fault",
      name: `etcd-restart-${signal.toLowerCase()}`,
      sent: result.acked,
      handled: result.seen,
      deadLettered: 0,
      lost: result.missed.length,
      duplicates: result.duplicates,
      recoveryMs,
    });
    console.log(
      `etcd restart (${signal}): ${
        JSON.stringify({ ...result, missed: result.missed.length })
      }`,
    );
    assert.ok(
      result.registeredMs <= TTL_S * 1_000,
      `the registration was back in ${result.registeredMs} ms`,
    );
    assert.ok(
      result.firstPutMs <= TTL_S * 1_000,
      `puts succeeded again in ${result.firstPutMs} ms`,
    );
    assert.ok(
      result.firstWatchedMs <= TTL_S * 1_000,
      `the watch delivered again in ${result.firstWatchedMs} ms`,
    );
    assert.equal(result.leaseLost, false, "the lease was not lost");
    assert.equal(result.leasedValue, "alive", "the leased key is still there");
    assert.ok(result.stillRegistered, "the registration is still there");
    assert.deepEqual(result.missed, [], "the watch saw every acknowledged put");
    assert.equal(result.duplicates, 0, "and none twice");
    assert.ok(result.acked > 50, `puts went on (${result.acked})`);
  });
}
