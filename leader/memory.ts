// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode MemoryLeaderStore}: the {@linkcode LeaderStore} of one process,
 * for tests and the embedded demo.
 *
 * @module
 */

import { type Clock, systemClock } from "../resilience/clock.ts";
import type {
  ClaimResult,
  LeaderStore,
  LeaderStoreCallOptions,
  LeaseResult,
} from "./types.ts";

/** Options of {@linkcode MemoryLeaderStore}. */
export interface MemoryLeaderStoreOptions {
  /**
   * Where expiry times are read from; share a `ManualClock` with the
   * elections in tests.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
}

interface Entry {
  readonly value: string;
  expiresAt: number;
}

/**
 * A {@linkcode LeaderStore} in a map: keys expire on its clock, so elections
 * in one process (tests, the demo, several workers sharing a store object)
 * behave as they would on Redis.
 *
 * @example Two servers, one key
 * ```ts
 * import { MemoryLeaderStore } from "@backendai/common/leader";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const store = new MemoryLeaderStore({ clock });
 * await store.acquireOrRenew("leader:demo", "a", 1_000);
 * assert.equal((await store.acquireOrRenew("leader:demo", "b", 1_000)).ttlMs, 1_000);
 * await clock.advance(1_000);
 * assert.equal((await store.acquireOrRenew("leader:demo", "b", 1_000)).acquired, true);
 * ```
 */
export class MemoryLeaderStore implements LeaderStore {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #watchers = new Map<string, Set<() => void>>();

  /**
   * Makes an empty store.
   *
   * @param options The clock.
   */
  constructor(options: MemoryLeaderStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Takes or extends `key` for `serverId`, or reports its holder.
   *
   * @param key The election's key.
   * @param serverId This server's id.
   * @param ttlMs The lease in milliseconds.
   * @param options An abort signal (checked before the operation).
   * @returns Whether `serverId` holds the key, and the holder.
   */
  acquireOrRenew(
    key: string,
    serverId: string,
    ttlMs: number,
    options: LeaderStoreCallOptions = {},
  ): Promise<LeaseResult> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const now = this.#clock.now();
    const entry = this.#live(key);
    if (entry === undefined || entry.value === serverId) {
      this.#entries.set(key, { value: serverId, expiresAt: now + ttlMs });
      return Promise.resolve({ acquired: true, holder: serverId, ttlMs });
    }
    return Promise.resolve({
      acquired: false,
      holder: entry.value,
      ttlMs: entry.expiresAt - now,
    });
  }

  /**
   * Deletes `key` if `serverId` holds it and tells its watchers.
   *
   * @param key The election's key.
   * @param serverId This server's id.
   * @param options An abort signal (checked before the operation).
   * @returns Whether the key was released.
   */
  release(
    key: string,
    serverId: string,
    options: LeaderStoreCallOptions = {},
  ): Promise<boolean> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.#live(key)?.value !== serverId) return Promise.resolve(false);
    this.#entries.delete(key);
    for (const listener of this.#watchers.get(key) ?? []) {
      queueMicrotask(listener);
    }
    return Promise.resolve(true);
  }

  /**
   * Claims a timer tick if no claim of `key` is live.
   *
   * @param key The timer's key.
   * @param serverId This server's id.
   * @param intervalMs The interval in milliseconds.
   * @param options An abort signal (checked before the operation).
   * @returns Whether the tick is claimed, and when the next is due.
   */
  claimTick(
    key: string,
    serverId: string,
    intervalMs: number,
    options: LeaderStoreCallOptions = {},
  ): Promise<ClaimResult> {
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const now = this.#clock.now();
    const entry = this.#live(key);
    if (entry !== undefined) {
      return Promise.resolve({
        claimed: false,
        remainingMs: entry.expiresAt - now,
      });
    }
    this.#entries.set(key, { value: serverId, expiresAt: now + intervalMs });
    return Promise.resolve({ claimed: true, remainingMs: intervalMs });
  }

  /**
   * Calls `listener` after each release of `key`.
   *
   * @param key The election's key.
   * @param listener Called after each release.
   * @returns A function that stops watching.
   */
  watchReleases(
    key: string,
    listener: () => void,
  ): Promise<() => Promise<void>> {
    let set = this.#watchers.get(key);
    if (set === undefined) this.#watchers.set(key, set = new Set());
    const own = (): void => listener();
    set.add(own);
    return Promise.resolve(() => {
      set.delete(own);
      if (set.size === 0) this.#watchers.delete(key);
      return Promise.resolve();
    });
  }

  /**
   * The value of `key` if it is live (for tests and diagnostics).
   *
   * @param key The key.
   * @returns The holder, or `undefined`.
   */
  holder(key: string): string | undefined {
    return this.#live(key)?.value;
  }
}
