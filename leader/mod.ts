// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Leader election and cluster-wide timers (upstream `leader/`,
 * `ValkeyLeaderClient` and `distributed.GlobalTimer`).
 *
 * - {@linkcode LeaderElection} elects one leader among the servers sharing
 *   a key and runs {@linkcode LeaderTask}s (a {@linkcode LeaderCron} of
 *   periodic tasks, or your own) only while this server leads: started on
 *   election, aborted on loss, before the lease can expire.
 * - {@linkcode GlobalTimer} anycasts an event once per interval across the
 *   cluster.
 * - {@linkcode RedisLeaderStore} keeps upstream's layout (the key holds the
 *   leader's server id, DB 5), so Python and TypeScript servers sharing a
 *   key elect one leader between them; {@linkcode MemoryLeaderStore} serves
 *   one process (tests, the demo).
 *
 * ```ts
 * import { LeaderCron, LeaderElection, MemoryLeaderStore } from "@backendai/common/leader";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const store = new MemoryLeaderStore({ clock });
 * const election = new LeaderElection({
 *   store, clock, serverId: "manager-host1-0", key: "leader:sokovan:scheduler",
 * });
 * let sweeps = 0;
 * election.register(new LeaderCron([
 *   { name: "sweep", intervalMs: 10_000, run: () => void sweeps++ },
 * ], { clock }));
 * const changes: boolean[] = [];
 * election.onChange((change) => changes.push(change.isLeader));
 * await election.start();
 * await election.waitForLeadership();
 * await clock.advance(20_000);
 * assert.equal(sweeps, 3);
 * await election.close(); // aborts the cron, then releases the key
 * assert.deepEqual(changes, [true, false]);
 * assert.equal(store.holder("leader:sokovan:scheduler"), undefined);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./errors.ts";
export * from "./election.ts";
export * from "./election_options.ts";
export * from "./leader_cron.ts";
export * from "./global_timer.ts";
export * from "./memory.ts";
export * from "./redis.ts";
export * from "./server_id.ts";
