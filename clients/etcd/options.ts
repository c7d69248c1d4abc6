// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The options of `AsyncEtcd` and of its calls, and the records its
 * reads return.
 *
 * @module
 */

import type { Policy } from "../../resilience/mod.ts";
import type { HostPortPairInput } from "../../types.ts";
import type { Logger } from "../../utils.ts";
import type { EtcdLease } from "./lease.ts";
import type { ConfigScope, ScopePrefixMap } from "./scopes.ts";

/** The user and password etcd checks (upstream's `credentials`). */
export interface EtcdCredentials {
  /** The user. */
  readonly user: string;
  /** The password; never logged nor put in an error. */
  readonly password: string;
}

/** Options of `AsyncEtcd`. */
export interface AsyncEtcdOptions {
  /**
   * The etcd endpoints (`host:port`, `[host, port]` or `{host, port}`), one
   * or several; calls go to a random one and retries pick again.
   *
   * @default {"127.0.0.1:2379"}
   */
  addrs?: HostPortPairInput | readonly HostPortPairInput[] | undefined;
  /** The namespace: every key lives under `/sorna/{namespace}/`. */
  namespace: string;
  /**
   * The prefix of each scope (upstream's `scope_prefix_map`).
   *
   * @default {{ global: "" }}
   */
  scopePrefixMap?: ScopePrefixMap | undefined;
  /**
   * A user and password, when etcd has authentication on.
   *
   * @default {undefined}
   */
  credentials?: EtcdCredentials | undefined;
  /**
   * The limit of each unary call attempt (also sent to etcd as the gRPC
   * deadline), in milliseconds.
   *
   * @default {5000}
   */
  requestTimeoutMs?: number | undefined;
  /**
   * The policy every unary call runs under. The default retries
   * unavailability up to 3 attempts (100 ms doubling to 1 s, full jitter),
   * opens a breaker after 5 consecutive unavailable answers for 5 s, and
   * limits each attempt to `requestTimeoutMs`.
   *
   * @default {retry, circuit breaker and timeout as described}
   */
  policy?: Policy | undefined;
  /**
   * The first watch reconnect delay, in milliseconds (upstream's
   * `watch_reconnect_intvl`).
   *
   * @default {500}
   */
  watchReconnectIntervalMs?: number | undefined;
  /**
   * The longest watch reconnect delay, in milliseconds (upstream's
   * `watch_reconnect_max_intvl`).
   *
   * @default {30000}
   */
  watchReconnectMaxIntervalMs?: number | undefined;
  /**
   * Where reconnects and lost leases are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** The etcd section of upstream's configuration (`EtcdConfig`). */
export interface EtcdConfigLike {
  /** The namespace. */
  readonly namespace: string;
  /** One endpoint or several. */
  readonly addr: HostPortPairInput | readonly HostPortPairInput[];
  /** The user, if any (`""` or `null` means none). */
  readonly user?: string | null | undefined;
  /** The password of the user. */
  readonly password?: string | null | undefined;
}

/** Options of a single call. */
export interface EtcdCallOptions {
  /**
   * The scope (writes default to `"global"`, reads to `"merged"`).
   *
   * @default {"global" for writes, "merged" for reads}
   */
  scope?: ConfigScope | undefined;
  /**
   * Overrides entries of the client's scope map for this call.
   *
   * @default {undefined}
   */
  scopePrefixMap?: Partial<ScopePrefixMap> | undefined;
  /**
   * Stops waiting for the call (it rejects with the signal's reason).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** Options of a write. */
export interface EtcdPutOptions extends EtcdCallOptions {
  /**
   * Attaches the written keys to a lease: they vanish when it ends.
   *
   * @default {undefined}
   */
  lease?: EtcdLease | undefined;
}

/** One key as `AsyncEtcd.listPrefix()` returns it. */
export interface EtcdKeyValue {
  /** The key relative to the scope prefix, still quoted. */
  readonly key: string;
  /** The value. */
  readonly value: string;
  /** The revision of its last change. */
  readonly modRevision: number;
  /** Its lease id, `"0"` for none. */
  readonly lease: string;
}

/** A consistent read of one prefix. */
export interface EtcdPrefixSnapshot {
  /** The keys, sorted. */
  readonly kvs: readonly EtcdKeyValue[];
  /** The store's revision at the read: watch from `revision + 1`. */
  readonly revision: number;
}
