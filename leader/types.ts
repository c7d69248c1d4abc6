// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The shapes of leader election: the {@linkcode LeaderStore} seam every
 * backend implements, the {@linkcode LeaderTask} that runs while this server
 * leads, and the {@linkcode LeadershipChange} an election reports.
 *
 * @module
 */

import type { LeadershipLossReason } from "./errors.ts";

/** What one acquire-or-renew found. */
export interface LeaseResult {
  /** Whether this server holds the key now (acquired or renewed). */
  readonly acquired: boolean;
  /** Who holds the key: this server when acquired, else the other holder. */
  readonly holder: string;
  /**
   * The key's remaining lifetime in milliseconds: the full lease when
   * acquired; the holder's remainder otherwise (-1 when the key has no
   * expiry, which nobody can take over).
   */
  readonly ttlMs: number;
}

/** What one tick claim found (see {@linkcode LeaderStore.claimTick}). */
export interface ClaimResult {
  /** Whether this server claimed the tick. */
  readonly claimed: boolean;
  /**
   * Milliseconds until the next tick can be claimed: the full interval when
   * claimed, the current claim's remainder otherwise (-1: no expiry).
   */
  readonly remainingMs: number;
}

/** Options of one store call. */
export interface LeaderStoreCallOptions {
  /**
   * Gives up waiting for the answer (the command may still run on the
   * server; every command is safe to run late).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * The seam of leader election: atomic lease operations on one key per
 * election. {@linkcode RedisLeaderStore} keeps upstream's layout (the key
 * holds the leader's server id, with an expiry);
 * {@linkcode MemoryLeaderStore} keeps one process's keys in a map.
 *
 * @example A store's contract, on the memory store
 * ```ts
 * import { MemoryLeaderStore } from "@backendai/common/leader";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryLeaderStore();
 * assert.equal((await store.acquireOrRenew("leader:demo", "a", 30_000)).acquired, true);
 * const other = await store.acquireOrRenew("leader:demo", "b", 30_000);
 * assert.deepEqual([other.acquired, other.holder], [false, "a"]);
 * assert.equal(await store.release("leader:demo", "b"), false);
 * assert.equal(await store.release("leader:demo", "a"), true);
 * ```
 */
export interface LeaderStore {
  /**
   * Takes `key` for `serverId` if nobody holds it, or extends it if
   * `serverId` holds it, for `ttlMs`; otherwise reports the holder.
   * Atomic.
   *
   * @param key The election's key.
   * @param serverId This server's id (the key's value).
   * @param ttlMs The lease, in whole milliseconds.
   * @param options An abort signal.
   * @returns Whether this server holds the key now, and the holder.
   */
  acquireOrRenew(
    key: string,
    serverId: string,
    ttlMs: number,
    options?: LeaderStoreCallOptions,
  ): Promise<LeaseResult>;
  /**
   * Deletes `key` if `serverId` holds it (compare-and-delete), and tells
   * the release watchers of `key`. Atomic.
   *
   * @param key The election's key.
   * @param serverId This server's id.
   * @param options An abort signal.
   * @returns Whether the key was this server's and is gone.
   */
  release(
    key: string,
    serverId: string,
    options?: LeaderStoreCallOptions,
  ): Promise<boolean>;
  /**
   * Claims the tick of a cluster-wide timer: sets `key` to `serverId` for
   * `intervalMs` only if no claim is live (`SET NX PX`), so claims are at
   * least `intervalMs` apart on the store's clock. Claims are never
   * released. Atomic.
   *
   * @param key The timer's key.
   * @param serverId This server's id.
   * @param intervalMs The interval, in whole milliseconds.
   * @param options An abort signal.
   * @returns Whether the tick is this server's, and when the next is due.
   */
  claimTick(
    key: string,
    serverId: string,
    intervalMs: number,
    options?: LeaderStoreCallOptions,
  ): Promise<ClaimResult>;
  /**
   * Calls `listener` whenever a holder releases `key` through
   * {@linkcode LeaderStore.release}, so a follower takes over at once
   * instead of at its next poll. Best effort: an election still polls.
   *
   * @param key The election's key.
   * @param listener Called after each release.
   * @returns A function that stops watching.
   */
  watchReleases(
    key: string,
    listener: () => void,
  ): Promise<() => Promise<void>>;
}

/** What a {@linkcode LeaderTask}'s run gets. */
export interface LeaderTaskContext {
  /**
   * Aborted when this server stops leading (reason `LeadershipLostError`),
   * before its key can expire. Pass it to every wait, and stop acting on
   * the cluster's behalf when it aborts.
   */
  readonly signal: AbortSignal;
  /** This server's term: 1 for its first election, then counting up. */
  readonly term: number;
  /** This server's id. */
  readonly serverId: string;
}

/**
 * Work that runs only while this server leads (upstream `LeaderTask`): its
 * `run` starts on each election and its signal aborts on the loss of
 * leadership. A run of one term has ended before the next term's starts.
 *
 * @example A task that works until its signal aborts
 * ```ts
 * import type { LeaderTask } from "@backendai/common/leader";
 * import assert from "node:assert/strict";
 *
 * const reconciler: LeaderTask = {
 *   name: "reconciler",
 *   run: ({ signal }) =>
 *     new Promise((resolve) => signal.addEventListener("abort", () => resolve())),
 * };
 * const controller = new AbortController();
 * const running = reconciler.run({ signal: controller.signal, term: 1, serverId: "a" });
 * controller.abort();
 * assert.equal(await running, undefined);
 * ```
 */
export interface LeaderTask {
  /** The name used in logs. */
  readonly name: string;
  /**
   * Does the leader's work for one term. Resolving early ends it for the
   * term; a rejection (other than the signal's reason) is logged.
   *
   * @param context The term's signal, the term and the server id.
   */
  run(context: LeaderTaskContext): void | Promise<void>;
}

/** A change of this server's leadership, as an election reports it. */
export interface LeadershipChange {
  /** Whether this server leads now. */
  readonly isLeader: boolean;
  /** `"elected"`, or why leadership ended. */
  readonly reason: "elected" | LeadershipLossReason;
  /** The term that began or ended. */
  readonly term: number;
  /** This server's id. */
  readonly serverId: string;
  /** The election's key. */
  readonly key: string;
  /** The last store error, when the lease lapsed after failures. */
  readonly error?: unknown;
}
