// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * etcd in use while a fault strikes, for the etcd fault tests: a service
 * registered (service_discovery, lease TTL {@linkcode TTL_S} s, heartbeat
 * every second), a lease of clients/etcd holding a key, a writer putting
 * numbered values one after another (a failed put is sent again), and a
 * watch on the prefix, from another client, counting what it sees. The
 * fault runs a second in and resolves when etcd answers again; then the
 * time until each works again is measured, and two TTLs later whether the
 * lease and the registration held and whether the watch saw every
 * acknowledged put.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AsyncEtcd, type EtcdWatchEvent } from "../../clients/etcd/mod.ts";
import {
  createServiceMetadata,
  EtcdServiceDiscovery,
  ServiceRegistrar,
} from "../../service_discovery/mod.ts";
import { quietLogger } from "../_logger.ts";
import { spawnFaultChild } from "./_child.ts";
import { until } from "./_redis.ts";

/** The lease TTL of the registration and of the lease, in seconds. */
export const TTL_S = 5;

/** What {@linkcode etcdUnderUse} measured. */
export interface EtcdUnderUseResult {
  /** Puts acknowledged. */
  acked: number;
  /** Of those, seen by the watch. */
  seen: number;
  /** The acknowledged puts the watch never saw (their values). */
  missed: string[];
  /** Puts the watch saw more than once, counted per extra time. */
  watchedTwice: number;
  /** From etcd answering until the registration was discoverable. */
  registeredMs: number;
  /** From etcd answering until the first put succeeded. */
  firstPutMs: number;
  /** From etcd answering until the watch delivered a put. */
  firstWatchedMs: number;
  /** The leased key two TTLs after. */
  leasedValue: string | undefined;
  /** Whether the registration was there two TTLs after. */
  stillRegistered: boolean;
  /** Whether the lease was reported lost. */
  leaseLost: boolean;
}

/**
 * Checks the promises on a result: back within one TTL (puts and the watch
 * within `putBoundMs`), lease and registration held, every acknowledged put
 * watched once.
 *
 * @param result What was measured.
 * @param putBoundMs The bound on puts and the watch coming back.
 */
export function assertRecovered(
  result: EtcdUnderUseResult,
  putBoundMs: number = TTL_S * 1_000,
): void {
  assert.ok(
    result.registeredMs <= TTL_S * 1_000,
    `the registration was back in ${result.registeredMs} ms`,
  );
  assert.ok(
    result.firstPutMs <= putBoundMs,
    `puts succeeded again in ${result.firstPutMs} ms`,
  );
  assert.ok(
    result.firstWatchedMs <= putBoundMs,
    `the watch delivered again in ${result.firstWatchedMs} ms`,
  );
  assert.equal(result.leaseLost, false, "the lease was not lost");
  assert.equal(result.leasedValue, "alive", "the leased key is still there");
  assert.ok(result.stillRegistered, "the registration is still there");
  assert.deepEqual(result.missed, [], "the watch saw every acknowledged put");
  assert.equal(result.watchedTwice, 0, "and none twice");
  assert.ok(result.acked > 50, `puts went on (${result.acked})`);
}

/**
 * Uses etcd as described in the module doc while `fault` runs.
 *
 * @param addrs The etcd endpoints.
 * @param fault Breaks etcd; resolves when it answers again.
 * @returns What was measured.
 */
export async function etcdUnderUse(
  addrs: readonly string[],
  fault: () => Promise<void>,
): Promise<EtcdUnderUseResult> {
  const options = {
    addrs,
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
  // Each attempt writes a value of its own (`n.attempt`): a put that
  // failed for the caller may have been applied, and its retry is then a
  // second, legitimate event, not the watch delivering one twice.
  const acked = new Map<string, number>(); // value -> when
  const seen = new Map<string, number[]>(); // value -> when seen, each time
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
        const value = event.value;
        seen.set(value, [...seen.get(value) ?? [], now()]);
      }
    })();
    const writing_ = (async () => {
      for (let n = 0, attempt = 0; writing; attempt++) {
        const value = `${n}.${attempt}`;
        try {
          await writer.put("w/k", value);
          acked.set(value, now());
          n++;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    await fault();
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
      () => [...acked.keys()].every((value) => seen.has(value)),
      10_000,
      "the watch to catch up",
    ).catch(() => {});
    const leasedValue = await reader.get("leased").catch(() => undefined);
    const stillRegistered = (await readDiscovery.discover().catch(() => []))
      .some((m) => m.id === meta.id);
    const leaseLost = lease.lost;
    await watch.close();
    await watching;
    const missed = [...acked.keys()].filter((value) => !seen.has(value));
    const watchedTwice = [...seen.values()].reduce(
      (sum, times) => sum + times.length - 1,
      0,
    );
    return {
      acked: acked.size,
      seen: acked.size - missed.length,
      missed,
      watchedTwice,
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

/**
 * Runs {@linkcode etcdUnderUse} in a child process (_etcd_child.ts), with
 * `fault` run here. Under Deno 2.9.6 a process using etcd3 sometimes dies
 * with SIGSEGV around an etcd restart (RELIABILITY.md); in a child, that
 * crash ends the child, not the whole `deno test` run. A crash after the
 * child reported its result is logged loudly and returned as `crashed`;
 * one before fails the test.
 *
 * @param addrs The etcd endpoints.
 * @param fault Breaks etcd; resolves when it answers again.
 * @returns What was measured, and whether the child crashed after.
 */
export async function etcdUnderUseInChild(
  addrs: readonly string[],
  fault: () => Promise<void>,
): Promise<EtcdUnderUseResult & { crashed: string | null }> {
  const child = spawnFaultChild("_etcd_child", [addrs.join(",")], {
    stdin: true,
  });
  try {
    await until(
      () => child.output().includes("FAULT\n"),
      60_000,
      "the etcd child to be ready for the fault",
    );
    await fault();
    child.send("ANSWERED");
    const signal = await Promise.race([
      child.exited,
      new Promise<"timeout">((resolve) => {
        const timer = setTimeout(() => resolve("timeout"), 120_000);
        void child.exited.then(() => clearTimeout(timer));
      }),
    ]);
    const line = child.output().split("\n").find((l) =>
      l.startsWith("RESULT ")
    );
    if (line === undefined) {
      throw new Error(
        `The etcd child ended without a result (signal ${signal}, code ${await child
          .code}): ${child.output().slice(-500)}`,
      );
    }
    if (signal !== null) {
      console.error(
        `The etcd child crashed with ${signal} after its run (a Deno runtime crash around etcd restarts: RELIABILITY.md)`,
      );
    }
    return {
      ...JSON.parse(line.slice("RESULT ".length)) as EtcdUnderUseResult,
      crashed: signal,
    };
  } finally {
    await child.kill();
  }
}
