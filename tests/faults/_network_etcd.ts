// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The scenario of network_etcd_test.ts (see there), run there in a child
// process (tests/_isolated.ts): Deno 2.9.6 sometimes crashes in node:http2
// when the etcd client's connections are cut; the crash then ends the
// child, not the test run.

import assert from "node:assert/strict";
import {
  AsyncEtcd,
  EtcdUnavailableError,
  type EtcdWatchEvent,
} from "../../clients/etcd/mod.ts";
import { quietLogger } from "../_logger.ts";
import { PrivateEtcd } from "../_private_servers.ts";
import { type FaultMode, faultProxy } from "./_fault_proxy.ts";
import { reportFaultFigures } from "./_report.ts";

const TIMEOUT_MS = 1_000;
// 3 attempts, and at most 100 + 200 ms of backoff between them.
const CALL_BOUND_MS = 3 * TIMEOUT_MS + 300 + 1_000;

interface Call {
  at: number;
  ms: number;
  outcome: "ok" | "unavailable" | "other";
}

/** This module's URL, for runIsolated. */
export const SCENARIOS_URL: string = import.meta.url;

/** network faults between the etcd client and etcd: no call hangs, reads and the watch recover */
export async function networkFaultsEtcd(): Promise<void> {
  await using etcd = await PrivateEtcd.start();
  const [host = "", port = ""] = etcd.address.split(":");
  await using proxy = await faultProxy({ host, port: Number(port) });
  const options = {
    namespace: "faults",
    requestTimeoutMs: TIMEOUT_MS,
    watchReconnectIntervalMs: 200,
    watchReconnectMaxIntervalMs: 1_000,
    logger: quietLogger,
  };
  const client = new AsyncEtcd({ ...options, addrs: proxy.addr });
  const writer = new AsyncEtcd({ ...options, addrs: etcd.address });
  const calls: Call[] = [];
  const others: string[] = [];
  const started = performance.now();
  const now = () => performance.now() - started;
  let calling = true;
  let caller: Promise<void> | undefined;
  const seen: { value: string; at: number }[] = [];
  const watch = client.watchPrefix("net");
  try {
    await writer.put("net/k", "0");
    await watch.ready;
    const watching = (async () => {
      for await (const event of watch as AsyncIterable<EtcdWatchEvent>) {
        if (event.value !== undefined) {
          seen.push({ value: event.value, at: now() });
        }
      }
    })();
    caller = (async () => {
      while (calling) {
        const at = now();
        let outcome: Call["outcome"] = "ok";
        try {
          await client.get("net/k");
        } catch (error) {
          outcome = error instanceof EtcdUnavailableError
            ? "unavailable"
            : "other";
          if (outcome === "other") others.push(String(error));
        }
        calls.push({ at, ms: now() - at, outcome });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const recoveries: Record<string, number> = {};
    const watchRecoveries: Record<string, number> = {};
    let round = 0;
    const fault = async (mode: FaultMode, ms: number, cut = false) => {
      const name = `${mode}${cut ? "+cut" : ""}`;
      const before = calls.length;
      proxy.mode = mode;
      if (cut) proxy.cut();
      await new Promise((r) => setTimeout(r, ms));
      proxy.mode = "pass";
      const healedAt = now();
      const value = `after-${name}-${round++}`;
      await writer.put("net/k", value);
      const deadline = Date.now() + 30_000;
      let first: Call | undefined;
      let watched: { at: number } | undefined;
      while (
        (first === undefined || watched === undefined) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 20));
        first ??= calls.slice(before).find((c) =>
          c.at >= healedAt && c.outcome === "ok"
        );
        watched ??= seen.find((s) => s.value === value);
      }
      recoveries[name] = first === undefined
        ? Number.POSITIVE_INFINITY
        : Math.round(first.at + first.ms - healedAt);
      watchRecoveries[name] = watched === undefined
        ? Number.POSITIVE_INFINITY
        : Math.round(watched.at - healedAt);
      return calls.slice(before);
    };
    await new Promise((r) => setTimeout(r, 500));
    proxy.delayMs = 150;
    const delayed = await fault("delay", 1_500);
    const partition = await fault("blackhole", 5_000);
    await fault("half-open", 1_000);
    await fault("pass", 200, true);
    await fault("refuse", 1_000, true);
    calling = false;
    await caller;
    await watch.close();
    await watching;

    const slowest = Math.round(Math.max(...calls.map((c) => c.ms)));
    console.log(
      `network faults (etcd): ${calls.length} reads, slowest ${slowest} ms, ` +
        `reads recovered after ${JSON.stringify(recoveries)} ms, ` +
        `the watch after ${JSON.stringify(watchRecoveries)} ms`,
    );
    await reportFaultFigures({
      kind: "fault",
      name: "network-etcd",
      recoveryMs: Math.max(
        ...Object.values(recoveries),
        ...Object.values(watchRecoveries),
      ),
    });
    assert.deepEqual(others, [], "failures are EtcdUnavailableError");
    assert.ok(
      slowest <= CALL_BOUND_MS,
      `no read took longer than its policy allows (slowest ${slowest} ms)`,
    );
    assert.ok(
      delayed.some((c) => c.outcome === "ok" && c.ms >= 300),
      "reads through the delay succeeded, slower",
    );
    assert.ok(
      partition.some((c) => c.outcome === "unavailable"),
      "reads failed in the partition",
    );
    // A half-open connection is found by HTTP/2 pings: 10 s without
    // activity, 5 s for the answer; then a read's policy. The rest: the
    // breaker's 5 s at most, and a read.
    const bound = (name: string) =>
      name === "half-open" ? 10_000 + 5_000 + CALL_BOUND_MS : 8_000;
    for (const [name, ms] of Object.entries(recoveries)) {
      assert.ok(ms <= bound(name), `reads recovered from ${name} in ${ms} ms`);
    }
    for (const [name, ms] of Object.entries(watchRecoveries)) {
      assert.ok(
        ms <= bound(name),
        `the watch recovered from ${name} in ${ms} ms`,
      );
    }
  } finally {
    calling = false;
    await caller;
    await watch.close().catch(() => {});
    await Promise.all([client.close(), writer.close()]);
  }
}
