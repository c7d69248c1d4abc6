// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Connections on ioredis: {@linkcode connectValkey} makes a ready connection
 * from a {@linkcode ValkeyTarget}, reconnecting with capped exponential
 * backoff and jitter; {@linkcode checkValkeyHealth} is upstream's health
 * check; {@linkcode closeValkey} closes without losing queued commands.
 *
 * @module
 */

import { Redis } from "ioredis";
import { raceSignal } from "../../_wait.ts";
import { computeBackoff } from "../../utils.ts";
import {
  ValkeyConnectionError,
  ValkeyRoleMismatchError,
  ValkeySentinelMasterNotFound,
} from "./errors.ts";
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
   * What the connection is for: `"command"` (short commands, auto-pipelined),
   * `"blocking"` (one blocking read at a time, no command timeout) or
   * `"subscriber"` (pub/sub).
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
   * Cap of the reconnect backoff, in milliseconds (it grows from 100 ms,
   * doubling, with jitter).
   *
   * @default {10000}
   */
  maxReconnectDelayMs?: number | undefined;
  /**
   * Gives up waiting for the connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Makes a connection and waits until it is ready. It reconnects by itself
 * with capped exponential backoff and jitter; commands issued meanwhile wait.
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
 * @param options Name, purpose, timeouts and abort signal.
 * @returns The ready ioredis client; `quit()` or `disconnect()` it when done.
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
  const backoff = (times: number) =>
    computeBackoff(times - 1, {
      initialMs: 100,
      maxMs: maxDelay,
      jitter: "equal",
    });
  const redis = new Redis({
    ...valkeyOptions(target),
    lazyConnect: true,
    retryStrategy: backoff,
    sentinelRetryStrategy: backoff,
    maxRetriesPerRequest: purpose === "command" ? 20 : null,
    enableAutoPipelining: purpose === "command",
    connectionName: options.name,
    // Blocking readers never time out.
    commandTimeout: purpose === "command" ? target.requestTimeoutMs : undefined,
  });
  // ioredis emits "error" on every failed attempt; without a listener Node
  // would print "Unhandled error event". The caller sees failures as
  // rejected commands instead.
  let lastError: unknown;
  redis.on("error", (err) => (lastError = err));
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (options.signal !== undefined) signals.push(options.signal);
  const signal = AbortSignal.any(signals);
  try {
    await raceSignal(redis.connect(), signal);
  } catch (err) {
    redis.disconnect();
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
      `Cannot connect to Valkey within ${timeoutMs} ms: ${message}`,
      { cause: reason },
    );
  }
  return redis;
}

/**
 * Upstream's health check: through Sentinel, `ROLE` must say `master` (a
 * demoted master after failover fails it); standalone, `PING`.
 *
 * @example Usage
 * ```ts ignore
 * import { checkValkeyHealth, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const target = { addr: "127.0.0.1:6379" };
 * const redis = await connectValkey(target);
 * await checkValkeyHealth(redis, target);
 * ```
 *
 * @param redis The connection.
 * @param target The target it was made from.
 * @throws {ValkeyRoleMismatchError} When a Sentinel target is not a master.
 */
export async function checkValkeyHealth(
  redis: Redis,
  target: ValkeyTarget,
): Promise<void> {
  if (target.sentinels === undefined) {
    await redis.ping();
    return;
  }
  const role = await redis.role() as unknown[];
  if (role[0] !== "master") {
    throw new ValkeyRoleMismatchError(
      `Valkey through Sentinel ${
        JSON.stringify(target.serviceName)
      } is not a master: ROLE says ${String(role[0])}`,
      { data: { role: String(role[0]) } },
    );
  }
}

/**
 * Closes a connection made by {@linkcode connectValkey}: a `PING` to flush
 * ioredis's auto-pipeline (`QUIT` bypasses it, so commands still queued
 * there would be written after `QUIT` and fail), `QUIT` (pending replies
 * arrive first), then `disconnect()`. Use it rather than `quit()` alone:
 * with Sentinel, ioredis 5.11's `quit()` leaves the failover detector's
 * Sentinel connections open, which keeps a Node process alive.
 *
 * @example Usage
 * ```ts ignore
 * import { closeValkey, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const redis = await connectValkey({ addr: "127.0.0.1:6379" });
 * await closeValkey(redis);
 * ```
 *
 * @param redis The connection.
 */
export async function closeValkey(redis: Redis): Promise<void> {
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
