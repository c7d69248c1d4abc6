// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The options of {@linkcode LeaderElection}: the store, the server id, the
 * key and the timings, with upstream's defaults.
 *
 * @module
 */

import type { Clock } from "../resilience/clock.ts";
import type { Logger } from "../utils.ts";
import type { LeadershipChange, LeaderStore } from "./types.ts";

/** Options of {@linkcode LeaderElection}. */
export interface LeaderElectionOptions {
  /** Where the key lives: a `RedisLeaderStore` or a `MemoryLeaderStore`. */
  store: LeaderStore;
  /**
   * This server's id, the key's value while it leads. Make it unique per
   * process and stable across a restart of the same worker (upstream:
   * `manager-<hostname>-<worker index>`; see `stableServerId`): a restarted
   * worker then renews its own key at once instead of waiting out its TTL.
   * Two live processes with one id would both lead.
   */
  serverId: string;
  /**
   * The key (upstream: `leader:sokovan:scheduler`,
   * `leader:appproxy:coordinator`).
   *
   * @default {"leader:default"}
   */
  key?: string | undefined;
  /**
   * The lease: the key expires this long after the last acquire or renew,
   * in milliseconds (upstream `lease_duration`, 30 s).
   *
   * @default {30000}
   */
  ttlMs?: number | undefined;
  /**
   * How often the leader renews and a follower polls, in milliseconds
   * (upstream `renewal_interval`, 10 s). Must leave room for at least one
   * renew before the step-down deadline:
   * `renewIntervalMs < ttlMs - stepDownMarginMs`.
   *
   * @default {ttlMs / 3}
   */
  renewIntervalMs?: number | undefined;
  /**
   * How long before its lease can expire the leader steps down when no
   * renew has succeeded, in milliseconds: the time its tasks have to stop
   * after their signal aborts, and slack for clock drift.
   *
   * @default {ttlMs / 6}
   */
  stepDownMarginMs?: number | undefined;
  /**
   * The wait before retrying a failed or timed-out store call, in
   * milliseconds.
   *
   * @default {renewIntervalMs / 4}
   */
  retryIntervalMs?: number | undefined;
  /**
   * How long `close()` waits for the leader tasks to end after aborting
   * them before it gives up releasing the key (which then expires on its
   * own), in milliseconds.
   *
   * @default {5000}
   */
  closeGraceMs?: number | undefined;
  /**
   * Called on every change of leadership (errors it throws are logged).
   *
   * @default {undefined}
   */
  onChange?: ((change: LeadershipChange) => void) | undefined;
  /**
   * Where elections, losses, store failures and task failures are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * The lease is measured on this clock; it should not jump (the default
   * reads `performance.now()`). A `ManualClock` in tests.
   *
   * @default {a monotonic system clock}
   */
  clock?: Clock | undefined;
}

/** Options of {@linkcode LeaderElection.waitForLeadership}. */
export interface WaitForLeadershipOptions {
  /**
   * Stops waiting: the promise rejects with the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}
