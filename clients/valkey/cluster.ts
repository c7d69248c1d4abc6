// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Redis / Valkey Cluster connections on ioredis: {@linkcode connectValkeyCluster}
 * makes a ready `Cluster` from a {@linkcode ValkeyTarget} with `cluster`
 * seeds; {@linkcode valkeyKeySlot} says which slot a key lives in (keys
 * that one script or transaction touches must share it: give them the
 * same hash tag, the part of the key between the first `{` and the next
 * `}`).
 *
 * The client follows the cluster by itself: a `MOVED` or a node that goes
 * away refreshes its slot map (also every 5 s), and commands sent while a
 * failover is under way wait and are retried. Command connections time
 * each command out after the target's `requestTimeoutMs` (1 000 ms by
 * default, as standalone connections do), here with ioredis's own timer.
 *
 * @module
 */

import { Cluster, type ClusterOptions } from "ioredis";
import { raceSignal } from "../../_wait.ts";
import { computeBackoff, consoleLogger, type Logger } from "../../utils.ts";
import { ValkeyConnectionError } from "./errors.ts";
import { valkeyClusterSeeds, type ValkeyTarget } from "./target.ts";

/** Options of {@linkcode connectValkeyCluster}. */
export interface ValkeyClusterConnectOptions {
  /**
   * The client name (`CLIENT SETNAME`) of every node connection.
   *
   * @default {undefined}
   */
  name?: string | undefined;
  /**
   * What the connections are for: `"command"` (auto-pipelined, with the
   * target's command timeout), `"blocking"` (blocking reads, never timed
   * out) or `"subscriber"` (sharded pub/sub, `SSUBSCRIBE` on the node
   * that owns each channel's slot).
   *
   * @default {"command"}
   */
  purpose?: "command" | "blocking" | "subscriber" | undefined;
  /**
   * Longest wait for the cluster to be ready, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Where failed connection attempts are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * Gives up waiting for the cluster.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

const backoff = (times: number) =>
  computeBackoff(Math.max(0, times - 1), {
    initialMs: 100,
    maxMs: 2_000,
    jitter: "equal",
  });

/**
 * Connects to a Redis / Valkey Cluster through its seeds and waits until
 * the client knows the slots.
 *
 * @example Usage
 * ```ts ignore
 * import { closeValkey, connectValkeyCluster } from "@backendai/common/clients/valkey";
 *
 * const cluster = await connectValkeyCluster({ cluster: "127.0.0.1:16400" });
 * await cluster.set("k", "v");
 * await closeValkey(cluster);
 * ```
 *
 * @param target A target with `cluster` seeds (password, TLS and
 * `requestTimeoutMs` apply to every node).
 * @param options Name, purpose, timeout, logger, abort signal.
 * @returns The ready client; close it with `closeValkey()`.
 * @throws {InvalidAPIParameters} When the target is malformed.
 * @throws {ValkeyConnectionError} When the cluster is not reached in time.
 */
export async function connectValkeyCluster(
  target: ValkeyTarget,
  options: ValkeyClusterConnectOptions = {},
): Promise<Cluster> {
  const seeds = valkeyClusterSeeds(target);
  const purpose = options.purpose ?? "command";
  const logger = options.logger ?? consoleLogger;
  const given = target.requestTimeoutMs;
  const timeoutMs = given === undefined || given === 0 ? 1_000 : given;
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    enableOfflineQueue: true,
    enableAutoPipelining: purpose === "command",
    shardedSubscribers: purpose === "subscriber",
    scaleReads: "master",
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 100,
    slotsRefreshTimeout: 2_000,
    slotsRefreshInterval: 5_000,
    clusterRetryStrategy: backoff,
    redisOptions: {
      connectionName: options.name,
      password: target.password,
      tls: target.useTls
        ? target.tlsSkipVerify ? { rejectUnauthorized: false } : {}
        : undefined,
      maxRetriesPerRequest: purpose === "command" ? 20 : null,
      commandTimeout: purpose === "command" && timeoutMs !== Infinity
        ? timeoutMs
        : undefined,
    },
  };
  const cluster = new Cluster(seeds, clusterOptions);
  let lastError: unknown;
  cluster.on("error", (err) => {
    lastError = err;
    logger.debug("valkey: cluster connection error", {
      error: err instanceof Error ? err.message : String(err),
    });
  });
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const signals = [AbortSignal.timeout(connectTimeoutMs)];
  if (options.signal !== undefined) signals.push(options.signal);
  try {
    await raceSignal(cluster.connect(), AbortSignal.any(signals));
  } catch (err) {
    cluster.disconnect();
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = lastError ?? err;
    const message = reason instanceof Error ? reason.message : String(reason);
    throw new ValkeyConnectionError(
      `Cannot connect to the Valkey cluster within ${connectTimeoutMs} ms: ${message}`,
      {
        cause: reason,
        data: { seeds: seeds.map((s) => `${s.host}:${s.port}`) },
      },
    );
  }
  return cluster;
}

// CRC16-CCITT (XMODEM), as Redis Cluster hashes keys.
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    }
    table[i] = crc & 0xffff;
  }
  return table;
})();

const utf8 = new TextEncoder();

/**
 * The hash slot (0-16383) of a key in a Redis / Valkey Cluster: CRC16 of
 * its hash tag (between the first `{` and the next `}`, when not empty),
 * else of the whole key, modulo 16384.
 *
 * @example Keys that share a hash tag share a slot
 * ```ts
 * import { valkeyKeySlot } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(valkeyKeySlot("123456789"), 12739);
 * assert.equal(valkeyKeySlot("{events}.dlq"), valkeyKeySlot("events"));
 * assert.notEqual(valkeyKeySlot("events.dlq"), valkeyKeySlot("events"));
 * ```
 *
 * @param key The key (or channel, for sharded pub/sub).
 * @returns The slot.
 */
export function valkeyKeySlot(key: string | Uint8Array): number {
  let bytes = typeof key === "string" ? utf8.encode(key) : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) bytes = bytes.subarray(open + 1, close);
  }
  let crc = 0;
  for (const byte of bytes) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  }
  return crc % 16384;
}
