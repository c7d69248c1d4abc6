// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode EtcdLease}: an etcd lease kept alive in the background; keys
 * written with it vanish when it expires, so an entry of a process that died
 * is gone within the lease's TTL.
 *
 * @module
 */

import type { EtcdLeaseLostError } from "./errors.ts";

/**
 * A granted lease, kept alive every TTL/3 until it is revoked, released or
 * lost. It is lost when etcd says it expired or when no keep-alive succeeded
 * for twice its TTL (etcd unreachable); then {@linkcode EtcdLease.lost} is
 * `true`, {@linkcode EtcdLease.onLost} listeners run once, and the keys
 * written with it are gone (or will be): write them again with a new lease.
 *
 * Made by `AsyncEtcd.grantLease()`.
 *
 * @example Keys that vanish with their lease
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 *
 * await using etcd = new AsyncEtcd({ addrs: "127.0.0.1:2379", namespace: "local" });
 * const lease = await etcd.grantLease(10);
 * lease.onLost(() => console.warn("registration lost"));
 * await etcd.put("nodes/me", "alive", { lease });
 * await lease.revoke(); // nodes/me is deleted now
 * ```
 */
export interface EtcdLease extends AsyncDisposable {
  /** The lease id, a decimal string as etcd writes it. */
  readonly id: string;
  /** The TTL in seconds. */
  readonly ttlSeconds: number;
  /** Whether the lease was lost (expired); its keys are gone or going. */
  readonly lost: boolean;
  /** Whether the lease still holds: neither lost, revoked nor released. */
  readonly alive: boolean;
  /**
   * Calls `listener` once when the lease is lost (at once if it already
   * is). Dispose the result to stop listening.
   *
   * @param listener Receives the {@linkcode EtcdLeaseLostError}.
   * @returns A handle that removes the listener.
   */
  onLost(listener: (error: EtcdLeaseLostError) => void): Disposable;
  /**
   * Revokes the lease: etcd deletes every key written with it at once.
   * Errors are logged, not thrown (the keys then expire with the TTL).
   *
   * @returns When etcd answered or the attempt failed.
   */
  revoke(): Promise<void>;
  /**
   * Stops keeping the lease alive without revoking it: its keys stay until
   * the TTL runs out.
   */
  release(): void;
  /**
   * Same as {@linkcode EtcdLease.revoke}.
   *
   * @returns When done.
   */
  close(): Promise<void>;
}
