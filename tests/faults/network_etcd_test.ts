// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Network faults between the etcd client and an etcd of the test's own,
// through a proxy on loopback (_fault_proxy.ts). A caller reads a key
// every 100 ms, and a watch on a prefix runs through the same proxy; a
// second client, straight to etcd, writes. In turn: 150 ms of delay each
// way, a partition (blackhole) for 5 s, the connection going half-open
// for 1 s, every connection reset (cut), and connections refused for 1 s.
// Asserted: no read takes longer than its policy allows (3 attempts of
// 1 000 ms and the backoff between them, plus slack), failures are
// EtcdUnavailableError, reads succeed again after each fault within a
// bound, and after each fault the watch sees a write made after it.
//
// The recovery code under test: the client's default policy (retry,
// breaker and per-attempt timeout in clients/etcd/_calls.ts: without the
// timeout a read in a partition waits for ever) and the watch's reconnect
// loop (clients/etcd/_watch.ts: without it the watch sees nothing after
// a cut), and the HTTP/2 keepalive pings of clients/etcd/_ops.ts (added
// with this test: without them neither reads nor the watch ever recovered
// from the half-open connection; 30 s and still failing).

//
// The scenario (_network_etcd.ts) runs in a child process: Deno 2.9.6
// sometimes crashes in node:http2 when the client's connections are cut;
// one crash is rerun once, loudly, and counted as `runtimeCrashes` in the
// figures; a second fails the test (tests/_isolated.ts, RELIABILITY.md).

import { runIsolated } from "../_isolated.ts";
import { SCENARIOS_URL } from "./_network_etcd.ts";
import { addRuntimeCrashes } from "./_report.ts";

Deno.test("fault: network faults between the etcd client and etcd: no call hangs, reads and the watch recover", async () => {
  const run = await runIsolated(SCENARIOS_URL, "networkFaultsEtcd");
  await addRuntimeCrashes("network-etcd", run.runtimeCrashes);
});
