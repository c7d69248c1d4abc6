// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A three-member etcd cluster of the test's own (_etcd_cluster.ts) whose
// leader is SIGKILLed while a child process uses it (_etcd_under_use.ts,
// _etcd_child.ts: a service
// registered with a 5 s lease, a clients/etcd lease holding a key, a
// writer putting numbered values, a watch counting them), every client
// given all three endpoints. Asserted: within one lease TTL of the other
// two electing a leader, the registration is discoverable, puts succeed
// and the watch delivers them; two TTLs on, the lease and the registration
// still hold; the watch saw every acknowledged put, none twice; the killed
// member, started again, rejoins.
//
// Puts (and so what the watch sees) may take longer than one TTL: the
// default policy has one breaker for the client, which the failures during
// the election (about a second) open for 5 s, and whose trial call after
// that lands on the dead member one time in three and opens it again. The
// bound on puts is three breaker windows and the election; seen: 0.1 to
// 9.5 s. The lease (a keep-alive stream) and the registration hold through
// it. The test runs with BACKEND_FAULTS_SCALE=soak only (20 s).
//
// The recovery code under test: the client's retry policy picking another
// endpoint (clients/etcd/_calls.ts: with a single endpoint, calls fail for
// as long as the member is down), the watch reconnect from the last
// revision to another member (clients/etcd/_watch.ts), and the lease
// keep-alive loop (clients/etcd/_lease.ts).

import assert from "node:assert/strict";
import { EtcdCluster } from "./_etcd_cluster.ts";
import { assertRecovered, etcdUnderUseInChild } from "./_etcd_under_use.ts";
import { faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

// Registered only at the soak scale (not ignored: CI would count a skip).
if (faultScale() === "soak") {
  Deno.test({
    name:
      "fault: the leader of a three-member etcd cluster SIGKILLed: registrations, leases and watches go on",
    fn: async () => {
      await using cluster = await EtcdCluster.start();
      let killed = -1;
      const result = await etcdUnderUseInChild(cluster.addrs, async () => {
        killed = await cluster.leader();
        await cluster.kill(killed);
        // A new leader: the others answer /health with true again.
        await until(
          () => cluster.othersHealthy(killed),
          30_000,
          "a new leader",
        );
      });
      const recoveryMs = Math.max(
        result.registeredMs,
        result.firstPutMs,
        result.firstWatchedMs,
      );
      await reportFaultFigures({
        kind: "fault",
        name: "etcd-cluster-leader-kill",
        sent: result.acked,
        handled: result.seen,
        deadLettered: 0,
        lost: result.missed.length,
        duplicates: result.watchedTwice,
        recoveryMs,
      });
      console.log(
        `etcd cluster leader m${killed} killed: ${
          JSON.stringify({ ...result, missed: result.missed.length })
        }`,
      );
      assertRecovered(result, 3 * 5_000 + 2_000);
      await cluster.restart(killed);
      assert.ok(await cluster.othersHealthy(-1), "the killed member rejoined");
    },
  });
}
