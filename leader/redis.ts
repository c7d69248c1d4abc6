// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode RedisLeaderStore}: the {@linkcode LeaderStore} on Redis /
 * Valkey, with upstream's key layout (upstream `ValkeyLeaderClient`).
 *
 * @module
 */

import type { Redis } from "ioredis";
import {
  closeValkey,
  connectValkey,
  type ValkeyTarget,
} from "../clients/valkey/mod.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { raceSignal } from "../_wait.ts";
import type {
  ClaimResult,
  LeaderStore,
  LeaderStoreCallOptions,
  LeaseResult,
} from "./types.ts";

/** Upstream's DB of leader keys and locks (`REDIS_STREAM_LOCK`). */
export const LEADER_DB = 5;

// KEYS[1] the key; ARGV[1] the server id; ARGV[2] the lease in ms.
// Takes a free key, extends our own, or reports the holder and its PTTL.
const ACQUIRE_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, ARGV[1], tonumber(ARGV[2])}
end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, holder, tonumber(ARGV[2])}
end
return {0, holder, redis.call('PTTL', KEYS[1])}
`;

// KEYS[1] the key; ARGV[1] the server id; ARGV[2] the release channel.
// Compare-and-delete, then tell the followers.
const RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[1])
  return 1
end
return 0
`;

// KEYS[1] the timer key; ARGV[1] the server id; ARGV[2] the interval in ms.
const CLAIM_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, tonumber(ARGV[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
`;

type ScriptRedis = Redis & {
  leaderAcquire(
    numKeys: 1,
    key: string,
    serverId: string,
    ttlMs: number,
  ): Promise<[number, string, number]>;
  leaderRelease(
    numKeys: 1,
    key: string,
    serverId: string,
    channel: string,
  ): Promise<number>;
  leaderClaim(
    numKeys: 1,
    key: string,
    serverId: string,
    intervalMs: number,
  ): Promise<[number, number]>;
};

/** Options of {@linkcode RedisLeaderStore}. */
export interface RedisLeaderStoreOptions {
  /**
   * Where a failing release subscription is reported.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** Options of {@linkcode RedisLeaderStore.connect}. */
export interface RedisLeaderStoreConnectOptions
  extends RedisLeaderStoreOptions {
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Gives up waiting for the connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

function wholeMs(value: number): number {
  return Math.max(1, Math.ceil(value));
}

/**
 * The {@linkcode LeaderStore} on Redis / Valkey, in upstream's layout: an
 * election's key (upstream's are `leader:sokovan:scheduler` and
 * `leader:appproxy:coordinator`, in DB 5) holds the leader's server id as
 * a plain string with an expiry, so a Python `ValkeyLeaderElection` and a
 * TypeScript one on the same key and DB elect one leader between them.
 * Each operation is one Lua script:
 *
 * - acquire or renew: `SET key id NX PX ttl`, else `PEXPIRE` when the key
 *   holds our id, else the holder and its `PTTL` (upstream uses `EX`
 *   seconds; ours are milliseconds, the same key either way);
 * - release: compare-and-delete, then `PUBLISH` on
 *   `leader-released:<db>:<key>` so our followers take over at once
 *   (upstream's release does not publish; its followers wait for their
 *   next poll);
 * - a timer tick: `SET key id NX PX interval`, never deleted.
 *
 * The release watch uses one more connection (a duplicate of the command
 * connection), opened by the first `watchReleases()`.
 *
 * @example Usage
 * ```ts ignore
 * import { LeaderElection, RedisLeaderStore } from "@backendai/common/leader";
 *
 * await using store = await RedisLeaderStore.connect({ addr: "127.0.0.1:6379" }); // DB 5
 * await using election = new LeaderElection({ store, serverId: "manager-host1-0" });
 * await election.start();
 * ```
 */
export class RedisLeaderStore implements LeaderStore, AsyncDisposable {
  readonly #redis: ScriptRedis;
  readonly #owned: boolean;
  readonly #db: number;
  readonly #logger: Logger;
  readonly #listeners = new Map<string, Set<() => void>>();
  #subscriber: Redis | undefined;
  #closed = false;

  /**
   * Wraps a connection (closed by {@linkcode RedisLeaderStore.close} only
   * when made by {@linkcode RedisLeaderStore.connect}).
   *
   * @param redis A connection selected on the leader DB.
   * @param options The logger.
   * @param owned Whether `close()` closes the connection.
   */
  constructor(
    redis: Redis,
    options: RedisLeaderStoreOptions = {},
    owned: boolean = false,
  ) {
    const scripts: [string, string][] = [
      ["leaderAcquire", ACQUIRE_LUA],
      ["leaderRelease", RELEASE_LUA],
      ["leaderClaim", CLAIM_LUA],
    ];
    for (const [name, lua] of scripts) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
    this.#redis = redis as ScriptRedis;
    this.#owned = owned;
    this.#db = redis.options.db ?? 0;
    this.#logger = options.logger ?? consoleLogger;
  }

  /**
   * Connects to the leader DB (5 unless the target says otherwise, as
   * upstream's `REDIS_STREAM_LOCK`).
   *
   * @param target Where Redis is.
   * @param options Logger, connect timeout and abort signal.
   * @returns The store, owning its connections.
   * @throws {ValkeyConnectionError} When the server is not reached in time.
   * @throws {ValkeySentinelMasterNotFound} When no Sentinel names a master.
   */
  static async connect(
    target: ValkeyTarget,
    options: RedisLeaderStoreConnectOptions = {},
  ): Promise<RedisLeaderStore> {
    const redis = await connectValkey(
      { ...target, db: target.db ?? LEADER_DB },
      {
        name: "backendai-leader",
        purpose: "command",
        connectTimeoutMs: options.connectTimeoutMs,
        signal: options.signal,
      },
    );
    return new RedisLeaderStore(redis, options, true);
  }

  /**
   * One acquire-or-renew script.
   *
   * @param key The election's key.
   * @param serverId This server's id.
   * @param ttlMs The lease in milliseconds (rounded up to a whole one).
   * @param options An abort signal.
   * @returns Whether `serverId` holds the key, and the holder.
   */
  async acquireOrRenew(
    key: string,
    serverId: string,
    ttlMs: number,
    options: LeaderStoreCallOptions = {},
  ): Promise<LeaseResult> {
    const [acquired, holder, ttl] = await raceSignal(
      this.#redis.leaderAcquire(1, key, serverId, wholeMs(ttlMs)),
      options.signal,
    );
    return { acquired: acquired === 1, holder: String(holder), ttlMs: ttl };
  }

  /**
   * One compare-and-delete script, which also publishes the release.
   *
   * @param key The election's key.
   * @param serverId This server's id.
   * @param options An abort signal.
   * @returns Whether the key was released.
   */
  async release(
    key: string,
    serverId: string,
    options: LeaderStoreCallOptions = {},
  ): Promise<boolean> {
    const released = await raceSignal(
      this.#redis.leaderRelease(1, key, serverId, this.#channel(key)),
      options.signal,
    );
    return released === 1;
  }

  /**
   * One tick-claim script.
   *
   * @param key The timer's key.
   * @param serverId This server's id.
   * @param intervalMs The interval in milliseconds (rounded up).
   * @param options An abort signal.
   * @returns Whether the tick is claimed, and when the next is due.
   */
  async claimTick(
    key: string,
    serverId: string,
    intervalMs: number,
    options: LeaderStoreCallOptions = {},
  ): Promise<ClaimResult> {
    const [claimed, remainingMs] = await raceSignal(
      this.#redis.leaderClaim(1, key, serverId, wholeMs(intervalMs)),
      options.signal,
    );
    return { claimed: claimed === 1, remainingMs };
  }

  #channel(key: string): string {
    return `leader-released:${this.#db}:${key}`;
  }

  /**
   * Subscribes to the releases of `key` (on a second connection).
   *
   * @param key The election's key.
   * @param listener Called after each release.
   * @returns A function that stops watching.
   */
  async watchReleases(
    key: string,
    listener: () => void,
  ): Promise<() => Promise<void>> {
    const channel = this.#channel(key);
    let set = this.#listeners.get(channel);
    const own = (): void => listener();
    if (set === undefined) {
      this.#listeners.set(channel, set = new Set([own]));
      try {
        await this.#subscriberConnection().subscribe(channel);
      } catch (err) {
        this.#listeners.delete(channel);
        throw err;
      }
    } else {
      set.add(own);
    }
    return () => {
      set.delete(own);
      if (set.size > 0 || this.#listeners.get(channel) !== set) {
        return Promise.resolve();
      }
      this.#listeners.delete(channel);
      // Not awaited: while Redis is unreachable it would wait in the
      // offline queue. A reconnect may subscribe again; nobody listens.
      this.#subscriber?.unsubscribe(channel).catch(() => {});
      return Promise.resolve();
    };
  }

  #subscriberConnection(): Redis {
    if (this.#subscriber !== undefined) return this.#subscriber;
    const subscriber = this.#redis.duplicate({
      connectionName: "backendai-leader-watch",
      enableAutoPipelining: false,
    });
    subscriber.on("error", (err: unknown) => {
      if (this.#closed) return;
      this.#logger.debug("leader: the release watch connection failed", {
        error: String(err),
      });
    });
    subscriber.on("message", (channel: string) => {
      for (const listener of this.#listeners.get(channel) ?? []) listener();
    });
    this.#subscriber = subscriber;
    return subscriber;
  }

  /**
   * Closes the release watch, and the command connection if owned (within
   * a second, even when the server stopped answering).
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    if (!this.#owned) return;
    // closeValkey() waits for a PING, which a server that stopped
    // answering never sends back: give it a second, then drop the socket.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      closeValkey(this.#redis),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 1_000))),
    ]);
    clearTimeout(timer);
    this.#redis.disconnect();
  }

  /** Same as {@linkcode RedisLeaderStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
