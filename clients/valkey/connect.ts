// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Connections on ioredis: {@linkcode connectValkey} makes a ready connection
 * from a {@linkcode ValkeyTarget}, reconnecting with capped exponential
 * backoff and jitter, with a command timeout (1 000 ms unless the target
 * says otherwise), a health monitor, and through Sentinel a failover
 * followed as soon as the leader Sentinel picks the replica;
 * {@linkcode closeValkey} closes without losing queued commands.
 *
 * @module
 */

import { type Cluster, Redis, type RedisOptions } from "ioredis";
import { raceSignal } from "../../_wait.ts";
import { computeBackoff, consoleLogger, type Logger } from "../../utils.ts";
import { installDeadlines } from "./_deadlines.ts";
import { followingConnector, SentinelWatch } from "./_failover.ts";
import {
  ValkeyConnectionError,
  ValkeySentinelMasterNotFound,
} from "./errors.ts";
import { type ValkeyEvent, ValkeyHealthMonitor } from "./health.ts";
import { valkeyOptions, type ValkeyTarget } from "./target.ts";

/** Options of {@linkcode connectValkey}. */
export interface ValkeyConnectOptions {
  /**
   * The client name (`CLIENT SETNAME`), shown by `CLIENT LIST`.
   *
   * @default {undefined}
   */
  name?: string | undefined;
  /**
   * What the connection is for: `"command"` (short commands, auto-pipelined,
   * with the target's command timeout and a health monitor), `"blocking"`
   * (one blocking read at a time, never timed out) or `"subscriber"`
   * (pub/sub, never timed out).
   *
   * @default {"command"}
   */
  purpose?: "command" | "blocking" | "subscriber" | undefined;
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number | undefined;
  /**
   * Cap of the reconnect backoff, in milliseconds (the first attempt is
   * made at once, then the delay grows from 100 ms, doubling, with jitter).
   *
   * @default {10000}
   */
  maxReconnectDelayMs?: number | undefined;
  /**
   * Time between health checks (`ROLE` through Sentinel, `PING` otherwise;
   * see {@linkcode ValkeyHealthMonitor}), in milliseconds; 0 turns them off.
   *
   * @default {10000 for "command", 0 otherwise}
   */
  healthCheckIntervalMs?: number | undefined;
  /**
   * Longest wait for a health check's answer, in milliseconds.
   *
   * @default {3000}
   */
  healthCheckTimeoutMs?: number | undefined;
  /**
   * Through Sentinel: follow a failover from the moment the leader Sentinel
   * selects the replica (writes pause, then go to the promoted replica),
   * instead of from `+switch-master` about a second after the promotion,
   * while the old master still accepts writes that are then lost. False
   * leaves ioredis's own `+switch-master` detector.
   *
   * @default {true}
   */
  followFailover?: boolean | undefined;
  /**
   * Longest pause of a followed failover, in milliseconds: without a
   * promotion, a `+switch-master` or an abort by then, connections are
   * resolved through the Sentinels again.
   *
   * @default {5000}
   */
  maxFailoverPauseMs?: number | undefined;
  /**
   * Where failovers, failed health checks and reconnects are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * Called with each {@linkcode ValkeyEvent}: failed health checks,
   * reconnects asked for, failover steps.
   *
   * @default {undefined}
   */
  onEvent?: ((event: ValkeyEvent) => void) | undefined;
  /**
   * Gives up waiting for the connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

// The command timeout of a target: upstream's default when it gives none
// (or 0, which upstream's `request_timeout or 1000` also replaces);
// Infinity turns it off.
function commandTimeoutMs(target: ValkeyTarget): number | undefined {
  const given = target.requestTimeoutMs;
  if (given === undefined || given === 0) return 1_000;
  return given === Infinity ? undefined : given;
}

/**
 * Makes a connection and waits until it is ready. It reconnects by itself
 * with capped exponential backoff and jitter; commands issued meanwhile wait.
 *
 * A `"command"` connection times out each command after the target's
 * `requestTimeoutMs` (1 000 ms by default, as upstream; a timed-out write may
 * still be applied later, so a retry can duplicate it) and is checked by a
 * {@linkcode ValkeyHealthMonitor} every 10 s. Through Sentinel, every
 * connection follows failovers as described at `followFailover`, and a write
 * answered `READONLY` (the node was demoted) reconnects and is sent again.
 * Every reconnection checks the node's role (`INFO`) and goes elsewhere if
 * it is not a master. All of it stops when the connection is closed
 * ({@linkcode closeValkey}, `quit()` or `disconnect()`).
 *
 * @example Standalone
 * ```ts ignore
 * import { connectValkey } from "@backendai/common/clients/valkey";
 *
 * const redis = await connectValkey({ addr: "127.0.0.1:6379" }, { purpose: "blocking" });
 * redis.disconnect();
 * ```
 *
 * @param target Where the server is.
 * @param options Name, purpose, timeouts, health checks, failover, events.
 * @returns The ready ioredis client; close it with {@linkcode closeValkey}.
 * @throws {InvalidAPIParameters} When the target is malformed.
 * @throws {ValkeySentinelMasterNotFound} When no Sentinel names the master.
 * @throws {ValkeyConnectionError} When the server is not reached in time.
 */
export async function connectValkey(
  target: ValkeyTarget,
  options: ValkeyConnectOptions = {},
): Promise<Redis> {
  const purpose = options.purpose ?? "command";
  const maxDelay = options.maxReconnectDelayMs ?? 10_000;
  const logger = options.logger ?? consoleLogger;
  // The first attempt at once (a reconnection asked for, a failover),
  // then 100 ms doubling, with jitter.
  const backoff = (times: number) =>
    times <= 1 ? 0 : computeBackoff(times - 2, {
      initialMs: 100,
      maxMs: maxDelay,
      jitter: "equal",
    });
  const base = valkeyOptions(target);
  const redisOptions: RedisOptions = {
    ...base,
    lazyConnect: true,
    retryStrategy: backoff,
    sentinelRetryStrategy: backoff,
    maxRetriesPerRequest: purpose === "command" ? 20 : null,
    enableAutoPipelining: purpose === "command",
    connectionName: options.name,
    // Timeouts are ours (see _deadlines.ts); blocking readers never time out.
    commandTimeout: undefined,
  };
  let watch: SentinelWatch | undefined;
  if (base.sentinels !== undefined) {
    // A write to a demoted master: reconnect (to the master the Sentinels
    // name) and send it again; it was not applied.
    redisOptions.reconnectOnError = (err) =>
      err.message.startsWith("READONLY") ? 2 : false;
    if (options.followFailover ?? true) {
      watch = new SentinelWatch({
        sentinels: base.sentinels.map((s) => ({
          host: s.host ?? "127.0.0.1",
          port: s.port ?? 26379,
        })),
        serviceName: target.serviceName ?? "",
        sentinelOptions: {
          password: base.sentinelPassword,
          tls: base.enableTLSForSentinelMode ? base.tls : undefined,
        },
        probeOptions: {
          username: base.username,
          password: base.password,
          tls: base.tls,
        },
        maxFenceMs: options.maxFailoverPauseMs ?? 5_000,
        logger,
        onEvent: options.onEvent,
      });
      redisOptions.failoverDetector = false;
      redisOptions.Connector = followingConnector(watch);
    }
  }
  const redis = new Redis(redisOptions);
  watch?.attach(redis);
  const timeoutMs = commandTimeoutMs(target);
  let monitor: ValkeyHealthMonitor | undefined;
  const deadlines = purpose === "command" && timeoutMs !== undefined
    ? installDeadlines(redis, {
      timeoutMs,
      onStall: () => {
        if (redis.status === "ready") monitor?.reconnect("commands-stalled");
      },
    })
    : undefined;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    deadlines?.close();
    watch?.close();
    void monitor?.close();
  };
  redis.once("end", cleanup);
  // ioredis 5 emits no "end" when disconnect() comes while it waits to
  // reconnect (the server is gone): the connection stays "reconnecting"
  // for ever. Stop our timers on the call itself.
  const disconnect = redis.disconnect;
  redis.disconnect = function (this: Redis, reconnect = false): void {
    disconnect.call(this, reconnect);
    if (!reconnect) cleanup();
  };
  // ioredis emits "error" on every failed attempt; without a listener Node
  // would print "Unhandled error event". The caller sees failures as
  // rejected commands instead.
  let lastError: unknown;
  redis.on("error", (err) => (lastError = err));
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const signals = [AbortSignal.timeout(connectTimeoutMs)];
  if (options.signal !== undefined) signals.push(options.signal);
  const signal = AbortSignal.any(signals);
  try {
    await raceSignal(
      Promise.all([redis.connect(), watch?.start(connectTimeoutMs)]),
      signal,
    );
  } catch (err) {
    redis.disconnect();
    cleanup();
    if (options.signal?.aborted) throw options.signal.reason;
    // On a timeout, the last failed attempt says more than the timeout.
    const reason = signal.aborted && lastError !== undefined ? lastError : err;
    const message = reason instanceof Error ? reason.message : String(reason);
    if (target.sentinels !== undefined && /master|sentinel/i.test(message)) {
      throw new ValkeySentinelMasterNotFound(
        `No Sentinel of ${
          JSON.stringify(target.serviceName)
        } named a master: ${message}`,
        { cause: reason, data: { serviceName: target.serviceName } },
      );
    }
    throw new ValkeyConnectionError(
      `Cannot connect to Valkey within ${connectTimeoutMs} ms: ${message}`,
      { cause: reason },
    );
  }
  const intervalMs = options.healthCheckIntervalMs ??
    (purpose === "command" ? 10_000 : 0);
  if (intervalMs > 0) {
    monitor = new ValkeyHealthMonitor(redis, target, {
      intervalMs,
      timeoutMs: options.healthCheckTimeoutMs,
      logger,
      onEvent: options.onEvent,
    });
  }
  return redis;
}

/**
 * Closes a connection made by {@linkcode connectValkey}: a `PING` to flush
 * ioredis's auto-pipeline (`QUIT` bypasses it, so commands still queued
 * there would be written after `QUIT` and fail), `QUIT` (pending replies
 * arrive first), then `disconnect()`. Use it rather than `quit()` alone:
 * with Sentinel, ioredis 5.11's `quit()` leaves the failover detector's
 * Sentinel connections open, which keeps a Node process alive. A cluster
 * client (`connectValkeyCluster()`) closes the same way.
 *
 * @example Usage
 * ```ts ignore
 * import { closeValkey, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const redis = await connectValkey({ addr: "127.0.0.1:6379" });
 * await closeValkey(redis);
 * ```
 *
 * @param redis The connection, or a cluster client.
 */
export async function closeValkey(redis: Redis | Cluster): Promise<void> {
  try {
    if (redis.status === "ready") {
      await redis.ping();
      await redis.quit();
    }
  } catch {
    // Already closing or gone: disconnect() below is enough.
  } finally {
    redis.disconnect();
  }
}
