// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Connections to Redis / Valkey, standalone or through Sentinel, on ioredis:
 * {@linkcode connectValkey} makes a ready connection from a
 * {@linkcode ValkeyTarget} (upstream `ValkeyTarget`: `addr`, `sentinel`,
 * `service_name`, `password`, `db`, TLS), reconnecting with capped
 * exponential backoff and jitter; {@linkcode checkValkeyHealth} is upstream's
 * health check (`ROLE` through Sentinel, so a demoted master is noticed;
 * `PING` otherwise).
 *
 * @example Connect, check, quit
 * ```ts ignore
 * import { checkValkeyHealth, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const target = { sentinels: "127.0.0.1:26379", serviceName: "mymaster", db: 4 };
 * const redis = await connectValkey(target, { name: "events" });
 * await checkValkeyHealth(redis, target);
 * await redis.quit();
 * ```
 *
 * @module
 */

import { Redis, type RedisOptions } from "ioredis";
import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  InvalidAPIParameters,
} from "../../exception.ts";
import { HostPortPair } from "../../types.ts";
import { computeBackoff } from "../../utils.ts";

/** A host and TCP port. */
export interface ValkeyAddress {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/**
 * Where a Redis / Valkey server is and how to log in. Give `url`, `addr`, or
 * `sentinels` with `serviceName`.
 *
 * @example Standalone, by URL
 * ```ts
 * import type { ValkeyTarget } from "@backendai/common/clients/valkey";
 *
 * const target: ValkeyTarget = { url: "redis://:secret@127.0.0.1:6379/4" };
 * ```
 */
export interface ValkeyTarget {
  /**
   * `redis://[:password@]host[:port][/db]`, or `rediss://` for TLS.
   *
   * @default {undefined}
   */
  readonly url?: string | undefined;
  /**
   * `"host:port"` of a standalone server (upstream `addr`).
   *
   * @default {undefined}
   */
  readonly addr?: string | undefined;
  /**
   * Sentinels: addresses, or upstream's comma-separated `"h:p,h:p"` string.
   *
   * @default {undefined}
   */
  readonly sentinels?: string | readonly (string | ValkeyAddress)[] | undefined;
  /**
   * The master name the Sentinels monitor (upstream `service_name`).
   * Required with `sentinels`.
   *
   * @default {undefined}
   */
  readonly serviceName?: string | undefined;
  /**
   * The server password.
   *
   * @default {undefined}
   */
  readonly password?: string | undefined;
  /**
   * The Sentinels' password; falls back to `password` (as upstream).
   *
   * @default {undefined}
   */
  readonly sentinelPassword?: string | undefined;
  /**
   * The logical database. It is honoured by every connection made from this
   * target (upstream's stream reader always used DB 4).
   *
   * @default {0}
   */
  readonly db?: number | undefined;
  /**
   * Use TLS (also implied by a `rediss://` url).
   *
   * @default {false}
   */
  readonly useTls?: boolean | undefined;
  /**
   * Skip certificate verification (upstream `tls_skip_verify`).
   *
   * @default {false}
   */
  readonly tlsSkipVerify?: boolean | undefined;
  /**
   * Timeout of a single command, in milliseconds, on command connections
   * (blocking readers never time out).
   *
   * @default {undefined} (no timeout)
   */
  readonly requestTimeoutMs?: number | undefined;
}

/** Options of {@linkcode connectValkey}. */
export interface ValkeyConnectOptions {
  /**
   * The client name (`CLIENT SETNAME`), shown by `CLIENT LIST`.
   *
   * @default {undefined}
   */
  name?: string;
  /**
   * What the connection is for: `"command"` (short commands, auto-pipelined),
   * `"blocking"` (one blocking read at a time, no command timeout) or
   * `"subscriber"` (pub/sub).
   *
   * @default {"command"}
   */
  purpose?: "command" | "blocking" | "subscriber";
  /**
   * Longest wait for the first connection, in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
  /**
   * Cap of the reconnect backoff, in milliseconds (it grows from 100 ms,
   * doubling, with jitter).
   *
   * @default {10000}
   */
  maxReconnectDelayMs?: number;
  /**
   * Gives up waiting for the connection.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * No Sentinel knows the master (upstream `ValkeySentinelMasterNotFound`, 503).
 *
 * @example Usage
 * ```ts
 * import { ValkeySentinelMasterNotFound } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ValkeySentinelMasterNotFound("no master").status, 503);
 * ```
 */
export class ValkeySentinelMasterNotFound extends BackendAIError {
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-sentinel-master-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey Sentinel master not found.";
  /**
   * The machine-readable code of this error.
   *
   * @returns `backendai_generic_unavailable`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.UNAVAILABLE,
    );
  }
}

/**
 * The server reached through Sentinel is not a master any more (a demoted
 * master after failover; upstream `ValkeyRoleMismatchError`, 503).
 *
 * @example Usage
 * ```ts
 * import { ValkeyRoleMismatchError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const err = new ValkeyRoleMismatchError("role is slave", { data: { role: "slave" } });
 * assert.equal(err.data?.role, "slave");
 * ```
 */
export class ValkeyRoleMismatchError extends BackendAIError {
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-role-mismatch";
  /** The problem title. */
  override readonly errorTitle: string = "Valkey role mismatch.";
  /**
   * The machine-readable code of this error.
   *
   * @returns `backendai_generic_mismatch`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.MISMATCH,
    );
  }
}

/**
 * The first connection could not be made in time (503).
 *
 * @example Usage
 * ```ts
 * import { ValkeyConnectionError } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(String(new ValkeyConnectionError("x").errorCode()), "backendai_generic_unreachable");
 * ```
 */
export class ValkeyConnectionError extends BackendAIError {
  /** HTTP 503: the service is unavailable. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/valkey-connection-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Cannot connect to Valkey.";
  /**
   * The machine-readable code of this error.
   *
   * @returns `backendai_generic_unreachable`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.GENERIC,
      ErrorDetail.UNREACHABLE,
    );
  }
}

// `host:port` through the project's HostPortPair (IPv6 brackets, port
// range), reported against the target field it came from.
function parseAddress(text: string, field: string): ValkeyAddress {
  try {
    const { host, port } = HostPortPair.parse(text.trim());
    return { host, port };
  } catch (err) {
    throw new InvalidAPIParameters(
      `Invalid Valkey address in "${field}": expected "host:port", got ${
        JSON.stringify(text)
      }`,
      { cause: err, data: { field, value: text } },
    );
  }
}

/**
 * Turns a {@linkcode ValkeyTarget} into ioredis options (without the
 * connection behaviour that {@linkcode connectValkey} adds).
 *
 * @example Sentinel from upstream's comma-separated form
 * ```ts
 * import { valkeyOptions } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const options = valkeyOptions({
 *   sentinels: "10.0.0.1:26379,10.0.0.2:26379", serviceName: "mymaster", db: 4,
 * });
 * assert.deepEqual(options.sentinels, [
 *   { host: "10.0.0.1", port: 26379 }, { host: "10.0.0.2", port: 26379 },
 * ]);
 * assert.equal(options.name, "mymaster");
 * assert.equal(options.db, 4);
 * ```
 *
 * @param target Where the server is.
 * @returns The ioredis options.
 * @throws {InvalidAPIParameters} When the target is incomplete or malformed;
 * `data.field` names the offending field.
 */
export function valkeyOptions(target: ValkeyTarget): RedisOptions {
  const db = target.db ?? 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new InvalidAPIParameters(
      `Invalid Valkey "db": expected an integer >= 0, got ${db}`,
      { data: { field: "db", value: db } },
    );
  }
  const options: RedisOptions = { db };
  if (target.password !== undefined) options.password = target.password;
  let tls = target.useTls === true;
  if (target.sentinels !== undefined) {
    if (target.serviceName === undefined || target.serviceName === "") {
      throw new InvalidAPIParameters(
        'A Sentinel target needs "serviceName" (the master name)',
        { data: { field: "serviceName" } },
      );
    }
    const list = typeof target.sentinels === "string"
      ? target.sentinels.split(",").filter((s) => s.trim() !== "")
      : target.sentinels;
    if (list.length === 0) {
      throw new InvalidAPIParameters('"sentinels" is empty', {
        data: { field: "sentinels" },
      });
    }
    options.sentinels = list.map((s) =>
      typeof s === "string" ? parseAddress(s, "sentinels") : s
    );
    options.name = target.serviceName;
    options.role = "master";
    options.failoverDetector = true;
    const sentinelPassword = target.sentinelPassword ?? target.password;
    if (sentinelPassword !== undefined) {
      options.sentinelPassword = sentinelPassword;
    }
  } else if (target.url !== undefined) {
    let url: URL;
    try {
      url = new URL(target.url);
    } catch (err) {
      throw new InvalidAPIParameters(
        `Invalid Valkey "url": ${JSON.stringify(target.url)}`,
        { cause: err, data: { field: "url" } },
      );
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new InvalidAPIParameters(
        `Invalid Valkey "url": the scheme must be redis: or rediss:, got ${url.protocol}`,
        { data: { field: "url" } },
      );
    }
    options.host = url.hostname.replace(/^\[|\]$/g, "");
    options.port = url.port === "" ? 6379 : Number(url.port);
    if (url.password !== "") {
      options.password = decodeURIComponent(url.password);
    }
    if (url.username !== "") {
      options.username = decodeURIComponent(url.username);
    }
    const path = url.pathname.replace(/^\//, "");
    if (path !== "" && target.db === undefined) {
      if (!/^\d+$/.test(path)) {
        throw new InvalidAPIParameters(
          `Invalid Valkey "url": the path must be a database number, got ${
            JSON.stringify(path)
          }`,
          { data: { field: "url" } },
        );
      }
      options.db = Number(path);
    }
    tls ||= url.protocol === "rediss:";
  } else if (target.addr !== undefined) {
    const { host, port } = parseAddress(target.addr, "addr");
    options.host = host;
    options.port = port;
  } else {
    throw new InvalidAPIParameters(
      'A Valkey target needs "url", "addr", or "sentinels" with "serviceName"',
      { data: { field: "addr" } },
    );
  }
  if (tls) {
    options.tls = target.tlsSkipVerify === true
      ? { rejectUnauthorized: false }
      : {};
    if (options.sentinels !== undefined) {
      options.enableTLSForSentinelMode = true;
    }
  }
  return options;
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
    ...(options.name === undefined ? {} : { connectionName: options.name }),
    ...(purpose === "command" && target.requestTimeoutMs !== undefined
      ? { commandTimeout: target.requestTimeoutMs }
      : {}),
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
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      redis.connect().then(
        () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        (err) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
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
