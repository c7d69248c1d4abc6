// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode RedisStreamStore}: the store of the message queue on Redis /
 * Valkey Streams and pub/sub through ioredis (`RedisStreamQueue` in
 * `redis_queue.ts` is the queue over it), wire-compatible with upstream main, without
 * its losses: streams are trimmed (at an interval, by `XTRIM MINID`) only
 * of what every consumer group has acknowledged instead of to 128 on every
 * add, a hard cap reports what it drops, redelivery keeps the entry id, a
 * dead-letter stream instead of dropping, and the configured DB everywhere.
 * Redis 7.0 or later (read counters, `ENTRIESREAD`); on Redis 8.2 or later
 * the trim also passes `ACKED`, so the server itself keeps what a group
 * still references. A target with `cluster` seeds puts it on a Redis /
 * Valkey Cluster (see `_redis_cluster.ts`: dead-letter streams get their
 * stream's hash tag, broadcast is sharded pub/sub).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Cluster } from "ioredis";
import {
  checkValkeyHealth,
  closeValkey,
  connectValkey,
  connectValkeyCluster,
  isValkeyClusterTarget,
  valkeyClusterSeeds,
  ValkeyReplicaWaiter,
  type ValkeyReplicaWaitOptions,
  type ValkeyTarget,
} from "../clients/valkey/mod.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { MessageQueueClosedError } from "./errors.ts";
import type { StreamFieldValue } from "./payload.ts";
import type {
  ClaimIdleArgs,
  ClaimIdleResult,
  DeadLetterArgs,
  EnsureGroupOptions,
  PublishItem,
  StoredEntry,
  StoreSubscription,
  StreamInfo,
  StreamReader,
  StreamStore,
  TrimArgs,
  TrimResult,
} from "./store.ts";
import { errorText } from "./_util.ts";
import { claimIdle, claimOwn } from "./_redis_claim.ts";
import { redisLocationOf } from "./redis_location.ts";
import { DEAD_LETTER_SUFFIX } from "./dead_letter.ts";
import {
  name,
  openRedisReader,
  type RawEntry,
  toStored,
} from "./_redis_reader.ts";
import {
  bySlot,
  clusterAdd,
  clusterKey,
  type DurableWait,
  isCluster,
  type Valkey,
} from "./_redis_cluster.ts";
import {
  defineRetentionScripts,
  ensureGroupExact,
  readStreamInfo,
  retain,
  supportsAckedTrim,
} from "./_redis_retention.ts";

// ioredis sends a Buffer as bytes but stringifies any other Uint8Array.
function wire(fields: readonly StreamFieldValue[]): (string | Buffer)[] {
  return fields.map((value) =>
    typeof value === "string" || Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  );
}

// `XADD stream [MAXLEN ~ maxLen] * field value …`, typed as ioredis wants.
function xaddArgs(
  item: { stream: string; fields: readonly StreamFieldValue[] },
  maxLen: number | undefined,
): [string, ...string[]] {
  const trim = maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];
  return [item.stream, ...trim, "*", ...wire(item.fields) as string[]];
}

/** Options of {@linkcode RedisStreamStore.connect}. */
export interface RedisStreamStoreOptions {
  /**
   * How often the command connection is health-checked (`ROLE` through
   * Sentinel, `PING` standalone); a demoted master makes it reconnect.
   * 0 turns the check off.
   *
   * @default {10000}
   */
  healthCheckIntervalMs?: number | undefined;
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Durable appends: after each `XADD` (anycast, durable broadcast), wait
   * until replicas hold the entry (`WAIT`, on a connection of its own;
   * concurrent appends share one `WAIT`), so an acknowledged message
   * survives a Sentinel failover. `true` means one replica within 1 000 ms.
   * When too few confirm in time, the append fails with
   * `ValkeyReplicationError`: the entry was added on the master and may
   * still exist (a retry can duplicate it). Off, an append is acknowledged
   * when the master has it, and a failover can lose it. On a cluster each
   * `XADD` is pipelined with its `WAIT` to the node of its stream.
   *
   * @default {false}
   */
  waitForReplicas?: boolean | ValkeyReplicaWaitOptions | undefined;
  /**
   * Where reconnects and failed health checks are reported.
   *
   * @default {console}
   */
  logger?: Logger | undefined;
  /**
   * Gives up waiting for the first connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * The Redis / Valkey {@linkcode StreamStore}: one auto-pipelined command
 * connection, one dedicated connection per blocking reader and per
 * subscription, all on the target's DB.
 *
 * @example Usage
 * ```ts ignore
 * import { RedisStreamStore } from "@backendai/common/message-queue";
 *
 * const store = await RedisStreamStore.connect({ addr: "127.0.0.1:6379", db: 4 });
 * await store.close();
 * ```
 */
export class RedisStreamStore implements StreamStore {
  readonly #target: ValkeyTarget;
  readonly #command: Valkey;
  readonly #cluster: boolean;
  readonly #logger: Logger;
  readonly #connections = new Set<Valkey>();
  readonly #connectTimeoutMs: number;
  #ackedTrim: Promise<boolean> | undefined;
  #replicated: ValkeyReplicaWaiter | undefined;
  /** On a cluster: the client and settings of durable appends. */
  #durable:
    | { cluster: Cluster; wait: DurableWait }
    | undefined;
  #closed = false;

  /** Where the store's connections point (server and DB). */
  get location(): { server: string; db: number } {
    return redisLocationOf(this.#command);
  }

  private constructor(
    target: ValkeyTarget,
    command: Valkey,
    options: RedisStreamStoreOptions,
  ) {
    this.#target = target;
    this.#command = command;
    this.#cluster = isCluster(command);
    defineRetentionScripts(command);
    this.#logger = options.logger ?? consoleLogger;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    // Health: the connection's own monitor (connectValkey) checks it every
    // `healthCheckIntervalMs` and reconnects to the current master.
  }

  /**
   * Connects the command connection and checks it.
   *
   * @param target Where the server is (its `db` is used everywhere).
   * @param options Health check interval, timeout, logger, abort signal.
   * @returns The store.
   * @throws {ValkeyConnectionError} When the server is not reached in time.
   * @throws {ValkeySentinelMasterNotFound} When no Sentinel names a master.
   */
  static async connect(
    target: ValkeyTarget,
    options: RedisStreamStoreOptions = {},
  ): Promise<RedisStreamStore> {
    if (isValkeyClusterTarget(target)) {
      return await RedisStreamStore.#connectCluster(target, options);
    }
    const command = await connectValkey(target, {
      name: "backendai-mq",
      purpose: "command",
      connectTimeoutMs: options.connectTimeoutMs,
      healthCheckIntervalMs: options.healthCheckIntervalMs,
      logger: options.logger,
      signal: options.signal,
    });
    try {
      await checkValkeyHealth(command, target);
    } catch (err) {
      command.disconnect();
      throw err;
    }
    const store = new RedisStreamStore(target, command, options);
    if (options.waitForReplicas) {
      await store.#connectReplicated(options).catch(async (err) => {
        await store.close();
        throw err;
      });
    }
    return store;
  }

  static async #connectCluster(
    target: ValkeyTarget,
    options: RedisStreamStoreOptions,
  ): Promise<RedisStreamStore> {
    valkeyClusterSeeds(target); // checked before anything connects
    const connect = (name: string) =>
      connectValkeyCluster(target, {
        name,
        purpose: "command",
        connectTimeoutMs: options.connectTimeoutMs,
        logger: options.logger,
        signal: options.signal,
      });
    const store = new RedisStreamStore(
      target,
      await connect("backendai-mq"),
      options,
    );
    if (options.waitForReplicas) {
      const wait = options.waitForReplicas === true
        ? {}
        : options.waitForReplicas;
      try {
        // WAIT blocks its node connection: durable appends get their own.
        store.#durable = {
          cluster: await connect("backendai-mq-durable"),
          wait: {
            replicas: wait.replicas ?? 1,
            timeoutMs: wait.timeoutMs ?? 1_000,
          },
        };
      } catch (err) {
        await store.close();
        throw err;
      }
    }
    return store;
  }

  /** A queue name's key (on a cluster, dead letters in their stream's slot). */
  #key(name: string): string {
    return this.#cluster ? clusterKey(name) : name;
  }

  // The connection of durable appends: WAIT blocks its connection, so it
  // gets one of its own.
  async #connectReplicated(options: RedisStreamStoreOptions): Promise<void> {
    const wait = options.waitForReplicas === true
      ? {}
      : options.waitForReplicas || {};
    const redis = await connectValkey(this.#target, {
      name: "backendai-mq-durable",
      purpose: "command",
      connectTimeoutMs: this.#connectTimeoutMs,
      healthCheckIntervalMs: options.healthCheckIntervalMs,
      // A health check may wait behind a WAIT.
      healthCheckTimeoutMs: 3_000 + (wait.timeoutMs ?? 1_000),
      logger: this.#logger,
      signal: options.signal,
    });
    try {
      this.#replicated = new ValkeyReplicaWaiter(redis, wait);
    } catch (err) {
      await closeValkey(redis);
      throw err;
    }
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError("The Redis stream store is closed");
    }
  }

  async #open(purpose: "blocking" | "subscriber"): Promise<Valkey> {
    this.#checkOpen();
    const options = {
      name: `backendai-mq-${purpose}`,
      purpose,
      connectTimeoutMs: this.#connectTimeoutMs,
      logger: this.#logger,
    };
    const connection = this.#cluster
      ? await connectValkeyCluster(this.#target, options)
      : await connectValkey(this.#target, options);
    if (this.#closed) {
      connection.disconnect();
      throw new MessageQueueClosedError("The Redis stream store is closed");
    }
    this.#connections.add(connection);
    return connection;
  }

  #release(connection: Valkey): void {
    this.#connections.delete(connection);
    connection.disconnect();
  }

  /**
   * `XADD stream * …` for each item, pipelined; with `maxLen`,
   * `XADD stream MAXLEN ~ maxLen * …`.
   *
   * @param items The streams and flat field lists.
   * @param maxLen When given, the approximate length to trim to.
   * @returns The new ids.
   */
  async add(
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen?: number,
  ): Promise<string[]> {
    this.#checkOpen();
    if (this.#cluster) {
      return await clusterAdd(
        this.#durable?.cluster ?? this.#command as Cluster,
        items.map((item) => ({
          key: this.#key(item.stream),
          fields: item.fields,
        })),
        maxLen,
        this.#durable?.wait,
      );
    }
    if (this.#replicated !== undefined) {
      return await this.#addReplicated(this.#replicated, items, maxLen);
    }
    if (items.length === 1) {
      const item = items[0] as (typeof items)[0];
      return [await this.#command.xadd(...xaddArgs(item, maxLen)) as string];
    }
    const pipeline = this.#command.pipeline();
    for (const item of items) {
      pipeline.xadd(...xaddArgs(item, maxLen));
    }
    const results = await pipeline.exec();
    return (results ?? []).map(([err, id]) => {
      if (err) throw err;
      return id as string;
    });
  }

  // `add()` with `waitForReplicas`: the XADDs on the durable connection,
  // then a WAIT shared with concurrent appends.
  async #addReplicated(
    waiter: ValkeyReplicaWaiter,
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen: number | undefined,
  ): Promise<string[]> {
    return await waiter.confirm(async () => {
      const pipeline = waiter.redis.pipeline();
      for (const item of items) pipeline.xadd(...xaddArgs(item, maxLen));
      return ((await pipeline.exec()) ?? []).map(([err, id]) => {
        if (err) throw err;
        return id as string;
      });
    });
  }

  /**
   * `XGROUP CREATE stream group start MKSTREAM ENTRIESREAD n` in a script
   * that reads `n` first; an existing group is fine.
   *
   * @param stream The stream.
   * @param group The group.
   * @param start `"$"` or `"0"`.
   * @param _options Ignored: the consumer claims idle entries itself.
   */
  async ensureGroup(
    stream: string,
    group: string,
    start: "$" | "0",
    _options?: EnsureGroupOptions,
  ): Promise<void> {
    this.#checkOpen();
    await ensureGroupExact(this.#command, this.#key(stream), group, start);
  }

  /**
   * `XINFO STREAM`, `XINFO GROUPS` and an `XPENDING` summary per group, in
   * one script call.
   *
   * @param stream The stream.
   * @returns Its state, or `undefined` when it does not exist.
   */
  async streamInfo(stream: string): Promise<StreamInfo | undefined> {
    this.#checkOpen();
    const info = await readStreamInfo(
      this.#command,
      this.#key(stream),
      this.#key(stream + DEAD_LETTER_SUFFIX),
    );
    return info === undefined ? undefined : { ...info, stream };
  }

  /**
   * The retention step in one script call (see `store.ts`): `XTRIM MINID ~`
   * to the oldest entry a group still needs (with `ACKED` on Redis 8.2 and
   * later), `XTRIM MAXLEN` at the hard cap, loss records by Redis 7's read
   * counters.
   *
   * @param args The stream, the lengths, and where loss records go.
   * @returns What was trimmed and lost, and the state after.
   */
  async trim(args: TrimArgs): Promise<TrimResult> {
    this.#checkOpen();
    this.#ackedTrim ??= supportsAckedTrim(this.#command).catch(() => false);
    const acked = await this.#ackedTrim;
    const keys = {
      ...args,
      stream: this.#key(args.stream),
      deadLetterStream: this.#key(args.deadLetterStream),
    };
    let result: TrimResult;
    try {
      result = await retain(this.#command, keys, acked);
    } catch (err) {
      if (!acked || !/syntax|ACKED/i.test(errorText(err))) throw err;
      // The server said 8.2 but refused ACKED: trim by our floor alone.
      this.#ackedTrim = Promise.resolve(false);
      result = await retain(this.#command, keys, false);
    }
    if (keys.stream === args.stream) return result;
    return {
      ...result,
      losses: result.losses.map((loss) => ({ ...loss, stream: args.stream })),
      info: result.info && { ...result.info, stream: args.stream },
    };
  }

  /**
   * Opens a reader with its own connection (made on the first read, and
   * again after an aborted read, which drops the connection to unblock).
   *
   * @returns The reader.
   */
  openReader(): StreamReader {
    this.#checkOpen();
    return openRedisReader({
      open: () => this.#open("blocking"),
      release: (connection) => this.#release(connection),
      command: this.#command,
      key: (stream) => this.#key(stream),
      slots: this.#cluster ? bySlot : undefined,
    });
  }

  /**
   * `XACK stream group id…`.
   *
   * @param stream The stream.
   * @param group The group.
   * @param ids The ids.
   * @returns How many were pending.
   */
  async ack(
    stream: string,
    group: string,
    ids: readonly string[],
  ): Promise<number> {
    this.#checkOpen();
    return await this.#command.xack(this.#key(stream), group, ...ids);
  }

  /**
   * `XAUTOCLAIM`, then the delivery counts from `XPENDING`; with `owner`,
   * that consumer's pending entries by `XPENDING` and `XCLAIM` (see
   * `_redis_claim.ts`).
   *
   * @param args The stream, group, consumer, idle time, count and cursor.
   * @returns The claimed entries, the next cursor, and trimmed ids.
   */
  async claimIdle(args: ClaimIdleArgs): Promise<ClaimIdleResult> {
    this.#checkOpen();
    const key = this.#key(args.stream);
    return args.owner === undefined
      ? await claimIdle(this.#command, key, args)
      : await claimOwn(this.#command, key, args);
  }

  /**
   * `MULTI; XADD <dlq> * …; XACK stream group id; EXEC` (the retention
   * step caps the dead-letter stream, counting what it drops).
   *
   * @param args Where from, where to, and what.
   * @returns The dead-letter entry's id.
   */
  async deadLetter(args: DeadLetterArgs): Promise<string> {
    this.#checkOpen();
    const results = await this.#command.multi()
      .xadd(...xaddArgs(
        { stream: this.#key(args.deadLetterStream), fields: args.fields },
        undefined,
      ))
      .xack(this.#key(args.stream), args.group, args.id)
      .exec();
    for (const [err] of results ?? []) if (err) throw err;
    return results?.[0]?.[1] as string;
  }

  /**
   * `XRANGE stream start + COUNT count`.
   *
   * @param stream The stream.
   * @param count Most entries.
   * @param start The first id, inclusive.
   * @returns The entries.
   */
  async range(
    stream: string,
    count: number,
    start: string = "-",
  ): Promise<StoredEntry[]> {
    this.#checkOpen();
    const raws = await this.#command.xrangeBuffer(
      this.#key(stream),
      start,
      "+",
      "COUNT",
      count,
    ) as unknown as RawEntry[];
    return raws.map(toStored);
  }

  /**
   * For each item, `SET key data EX ttl` when cached, then `PUBLISH`,
   * pipelined (a non-atomic batch, as upstream).
   *
   * @param items The messages.
   */
  async publish(items: readonly PublishItem[]): Promise<void> {
    this.#checkOpen();
    if (this.#cluster) {
      // Each key and channel in its own slot: the cache first, then
      // SPUBLISH (sharded pub/sub), as single commands.
      await Promise.all(
        items.filter((item) => item.cacheKey !== undefined).map((item) =>
          this.#command.set(
            item.cacheKey as string,
            item.data,
            "EX",
            item.cacheTtlSeconds,
          )
        ),
      );
      await Promise.all(
        items.map((item) =>
          (this.#command as Cluster).spublish(item.channel, item.data)
        ),
      );
      return;
    }
    const pipeline = this.#command.pipeline();
    for (const item of items) {
      if (item.cacheKey !== undefined) {
        pipeline.set(item.cacheKey, item.data, "EX", item.cacheTtlSeconds);
      }
      pipeline.publish(item.channel, item.data);
    }
    for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
  }

  /**
   * `GET key`.
   *
   * @param key The key.
   * @returns The bytes, or `undefined`.
   */
  async getCache(key: string): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    return (await this.#command.getBuffer(key)) ?? undefined;
  }

  /**
   * `SET key value EX ttl`.
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime in seconds.
   */
  async setCache(
    key: string,
    value: string,
    ttlSeconds: number,
  ): Promise<void> {
    this.#checkOpen();
    await this.#command.set(key, value, "EX", ttlSeconds);
  }

  /**
   * Subscribes on a connection of its own (resubscribed after reconnects).
   *
   * @param channels The channels.
   * @param onMessage Called with each message.
   * @returns The subscription.
   */
  async subscribe(
    channels: readonly string[],
    onMessage: (channel: string, data: StreamFieldValue) => void,
  ): Promise<StoreSubscription> {
    const connection = await this.#open("subscriber");
    connection.on(
      this.#cluster ? "smessageBuffer" : "messageBuffer",
      (channel: Uint8Array, message: Uint8Array) =>
        onMessage(name(channel), message),
    );
    try {
      if (this.#cluster) {
        // One SSUBSCRIBE per channel: each may be on another node.
        for (const channel of channels) {
          await (connection as Cluster).ssubscribe(channel);
        }
      } else await connection.subscribe(...channels);
    } catch (err) {
      this.#release(connection);
      throw err;
    }
    return {
      close: () => {
        this.#release(connection);
        return Promise.resolve();
      },
    };
  }

  /** Closes every connection (their health monitors stop with them). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const connection of this.#connections) connection.disconnect();
    this.#connections.clear();
    if (this.#replicated !== undefined) {
      this.#replicated.close();
      await closeValkey(this.#replicated.redis);
    }
    if (this.#durable !== undefined) await closeValkey(this.#durable.cluster);
    await closeValkey(this.#command);
  }
}
