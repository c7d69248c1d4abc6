// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A single-member etcd of the test's own restarted while a child process
// uses it (_etcd_under_use.ts, _etcd_child.ts: a Deno crash around etcd
// restarts then ends the child, not the test run): stopped (SIGKILL; with BACKEND_FAULTS_SCALE=soak
// also SIGTERM, in a second test), down for a second, and started again on
// the same data, while a service is registered (lease TTL 5 s), a lease of
// clients/etcd holds a key, a writer puts numbered values and a watch
// counts them. Asserted: within one lease TTL of etcd answering again, the
// registration is discoverable, the writer's puts succeed, and the watch
// delivers them; the lease is not lost and its key and the registration are
// still there two TTLs after the restart (the keep-alives resumed); the
// watch saw every acknowledged put, none twice.
//
// The recovery code under test: the lease keep-alive loop
// (clients/etcd/_lease.ts), the watch reconnect from the last revision
// seen (clients/etcd/_watch.ts: without the revision, puts made while the
// watch reconnects are missed; without the reconnect, nothing after the
// restart is seen), the client's retry policy (clients/etcd/_calls.ts),
// and the registrar's heartbeat (service_discovery/registrar.ts).

import { PrivateEtcd } from "../_private_servers.ts";
import { assertRecovered, etcdUnderUseInChild } from "./_etcd_under_use.ts";
import { faultScale } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

// SIGKILL in CI; a clean SIGTERM stop too with BACKEND_FAULTS_SCALE=soak
// (the same recovery paths, 17 s more per runtime).
const SIGNALS = faultScale() === "soak"
  ? ["SIGTERM", "SIGKILL"] as const
  : ["SIGKILL"] as const;

for (const signal of SIGNALS) {
  Deno.test(`fault: etcd restarted (${signal}): registrations, leases and watches come back within one lease TTL`, async () => {
    await using etcd = await PrivateEtcd.start();
    const result = await etcdUnderUseInChild([etcd.address], async () => {
      await etcd.stop(signal);
      await new Promise((r) => setTimeout(r, 1_000));
      await etcd.startProcess();
    });
    await reportFaultFigures({
      kind: "fault",
      name: `etcd-restart-${signal.toLowerCase()}`,
      sent: result.acked,
      handled: result.seen,
      deadLettered: 0,
      lost: result.missed.length,
      duplicates: result.watchedTwice,
      recoveryMs: Math.max(
        result.registeredMs,
        result.firstPutMs,
        result.firstWatchedMs,
      ),
      // The child crashed after its result (the Deno HTTP/2 crash).
      runtimeCrashes: result.crashed === null ? 0 : 1,
    });
    console.log(
      `etcd restart (${signal}): ${
        JSON.stringify({ ...result, missed: result.missed.length })
      }`,
    );
    assertRecovered(result);
  });
}
