// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The storage proxy client's constants, timeouts and options: upstream's
 * auth header and timeouts, {@linkcode storageProxyTimeouts} (upstream's
 * `HttpTimeoutConfig` read), and what the client and its calls take.
 *
 * @module
 */

import type { FolderRequest } from "../../dto/storage_proxy.ts";
import type { HttpClientPool } from "../http/pool.ts";
import type { QueryParams } from "../http/session.ts";
import type { HttpTransport } from "../http/transport.ts";

/** The header that carries the manager's secret (upstream `AUTH_TOKEN_HDR`). */
export const STORAGE_PROXY_AUTH_HEADER = "X-BackendAI-Storage-Auth-Token";

/** Upstream's total timeout of a call: 300 s. */
export const STORAGE_PROXY_TIMEOUT_MS = 300_000;

/** Upstream's connect timeout (`sock_connect`): 30 s. */
export const STORAGE_PROXY_CONNECT_TIMEOUT_MS = 30_000;

/** The pool domain of the storage proxy's sessions. */
export const STORAGE_PROXY_POOL_DOMAIN = "storage-proxy";

/**
 * Upstream's `HttpTimeoutConfig` (seconds, `null` for no limit), the shape
 * `configs`' `HttpTimeoutConfigSchema` gives.
 */
export interface HttpTimeoutConfigLike {
  /** The total timeout (upstream's default 300). */
  readonly total?: number | null | undefined;
  /** The timeout to get a connection (upstream's default none). */
  readonly connect?: number | null | undefined;
  /** The timeout to open a socket (upstream's default 30). */
  readonly sock_connect?: number | null | undefined;
  /** The timeout between reads (not applied: see {@linkcode storageProxyTimeouts}). */
  readonly sock_read?: number | null | undefined;
}

/**
 * Converts upstream's timeout configuration (seconds) into the client's
 * options (ms): `total` becomes `timeoutMs`, the shorter of `connect` and
 * `sock_connect` becomes `connectTimeoutMs`; a `null` is no limit and an
 * absent field takes upstream's default. `sock_read` has no equivalent on
 * `fetch` and is not applied (the total timeout bounds a stalled read).
 *
 * @example Usage
 * ```ts
 * import { storageProxyTimeouts } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(storageProxyTimeouts({}), { timeoutMs: 300_000, connectTimeoutMs: 30_000 });
 * assert.deepEqual(
 *   storageProxyTimeouts({ total: null, connect: 5, sock_connect: 30 }),
 *   { timeoutMs: null, connectTimeoutMs: 5_000 },
 * );
 * ```
 *
 * @param config The `[...timeout]` section, in seconds.
 * @returns `timeoutMs` and `connectTimeoutMs` for {@linkcode StorageProxyClientOptions}.
 */
export function storageProxyTimeouts(
  config: HttpTimeoutConfigLike,
): { timeoutMs: number | null; connectTimeoutMs: number | null } {
  const ms = (seconds: number | null) =>
    seconds === null ? null : Math.round(seconds * 1000);
  const total = config.total === undefined ? 300 : config.total;
  const connects = [
    config.connect ?? null,
    config.sock_connect === undefined ? 30 : config.sock_connect,
  ].filter((value): value is number => value !== null);
  return {
    timeoutMs: ms(total),
    connectTimeoutMs: connects.length === 0 ? null : ms(Math.min(...connects)),
  };
}

/** Options of {@linkcode StorageProxyClient}. */
export interface StorageProxyClientOptions {
  /** The manager API's base URL, e.g. `http://storage-proxy:6021`. */
  endpoint: string | URL;
  /** The manager secret, sent as `X-BackendAI-Storage-Auth-Token`. */
  secret: string;
  /**
   * The total timeout of a call in ms, from sending it to the end of the
   * answer's body; `null` for none.
   *
   * @default {300000}
   */
  timeoutMs?: number | null | undefined;
  /**
   * The connect timeout in ms; `null` for none. `fetch` gives no hook for
   * one, so it is enforced on calls that go over `node:http` (the `GET`s
   * with a body); the total timeout bounds the rest.
   *
   * @default {30000}
   */
  connectTimeoutMs?: number | null | undefined;
  /**
   * What sends the requests of the client's own session.
   *
   * @default {fetchTransport({ connectTimeoutMs })}
   */
  transport?: HttpTransport | undefined;
  /**
   * A pool to take the session from (key: the endpoint, domain
   * `storage-proxy`), so that idle sessions are closed by the pool; the
   * client then makes no session of its own and `close()` leaves the pool
   * alone.
   *
   * @default {undefined: the client has its own session}
   */
  pool?: HttpClientPool | undefined;
}

/** Options of every call. */
export interface StorageProxyCallOptions {
  /**
   * Aborts the call; it rejects with the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * The total timeout of this call in ms.
   *
   * @default {the client's `timeoutMs`}
   */
  timeoutMs?: number | undefined;
}

/** Options of {@linkcode StorageProxyClient.request}. */
export interface StorageProxyRequestOptions extends StorageProxyCallOptions {
  /**
   * The JSON body; any method may carry one (the storage proxy reads the
   * body of its `GET` calls).
   *
   * @default {undefined: no body}
   */
  body?: unknown;
  /**
   * Query parameters.
   *
   * @default {none}
   */
  params?: QueryParams | undefined;
}

/** What {@linkcode StorageProxyClient.createFolder} takes. */
export interface CreateFolderParams extends FolderRequest {
  /** The size of the quota scope the storage proxy makes when it has none. */
  maxQuotaScopeSize?: number | undefined;
  /** The folder's permission bits. */
  mode?: number | undefined;
}
