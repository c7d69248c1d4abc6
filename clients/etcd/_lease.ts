// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Internal: the lease behind the public EtcdLease interface, on etcd3.

import type { Etcd3, Lease } from "etcd3";
import { errorText } from "../../_error_text.ts";
import { raceSignal } from "../../_wait.ts";
import type { Logger } from "../../utils.ts";
import { type CallSubject, etcdError } from "./_calls.ts";
import { EtcdLeaseLostError } from "./errors.ts";
import type { EtcdLease } from "./lease.ts";

/** What a lease is made from. */
export interface LeaseInit {
  /** The etcd3 lease, already granted. */
  readonly lease: Lease;
  /** Its id as etcd gave it (a decimal string). */
  readonly id: string;
  /** Its TTL in seconds. */
  readonly ttlSeconds: number;
  /** Where the loss is logged. */
  readonly logger: Logger;
  /** Called once when the lease ends (lost, revoked or released). */
  readonly onEnd: (lease: LeaseImpl) => void;
}

/**
 * Grants a lease on `client`, kept alive every TTL/3; an error names the
 * lease and the user.
 */
export async function grantKeptLease(
  client: Etcd3,
  ttlSeconds: number,
  init: Pick<LeaseInit, "logger" | "onEnd"> & {
    readonly user: string | undefined;
    readonly signal: AbortSignal | undefined;
  },
): Promise<LeaseImpl> {
  const subject: CallSubject = {
    operation: "grantLease",
    key: "lease",
    user: init.user,
  };
  const lease = client.lease(ttlSeconds, { autoKeepAlive: true });
  lease.on("lost", () => {});
  let id: string;
  try {
    id = await raceSignal(lease.grant(), init.signal);
  } catch (error) {
    lease.release();
    throw etcdError(error, subject, init.signal);
  }
  return new LeaseImpl({
    lease,
    id,
    ttlSeconds,
    logger: init.logger,
    onEnd: init.onEnd,
  });
}

/** An etcd3 lease kept alive until revoked, released or lost. */
export class LeaseImpl implements EtcdLease {
  readonly #lease: Lease;
  readonly #id: string;
  readonly #ttlSeconds: number;
  readonly #logger: Logger;
  readonly #onEnd: (lease: LeaseImpl) => void;
  readonly #listeners: Set<(error: EtcdLeaseLostError) => void> = new Set();
  #lost: EtcdLeaseLostError | undefined;
  #ended = false;

  /**
   * Wraps a granted etcd3 lease; use `AsyncEtcd.grantLease()` instead.
   *
   * @param init The lease, its id and TTL, the logger and the end hook.
   */
  constructor(init: LeaseInit) {
    this.#lease = init.lease;
    this.#id = init.id;
    this.#ttlSeconds = init.ttlSeconds;
    this.#logger = init.logger;
    this.#onEnd = init.onEnd;
    this.#lease.on("lost", (cause) => this.#markLost(cause));
  }

  /**
   * The lease id, a decimal string as etcd writes it.
   *
   * @returns The id.
   */
  get id(): string {
    return this.#id;
  }

  /**
   * The TTL in seconds.
   *
   * @returns The TTL.
   */
  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /**
   * Whether the lease was lost (expired); its keys are gone or going.
   *
   * @returns `true` once lost.
   */
  get lost(): boolean {
    return this.#lost !== undefined;
  }

  /**
   * Whether the lease still holds: neither lost, revoked nor released.
   *
   * @returns `true` while alive.
   */
  get alive(): boolean {
    return !this.#ended;
  }

  /**
   * Calls `listener` once when the lease is lost (at once if it already
   * is). Dispose the result to stop listening.
   *
   * @param listener Receives the {@linkcode EtcdLeaseLostError}.
   * @returns A handle that removes the listener.
   */
  onLost(listener: (error: EtcdLeaseLostError) => void): Disposable {
    if (this.#lost !== undefined) {
      const lost = this.#lost;
      queueMicrotask(() => listener(lost));
      return { [Symbol.dispose]: () => {} };
    }
    this.#listeners.add(listener);
    return { [Symbol.dispose]: () => this.#listeners.delete(listener) };
  }

  /**
   * Revokes the lease: etcd deletes every key written with it at once.
   * Errors are logged, not thrown (the keys then expire with the TTL).
   *
   * @returns When etcd answered or the attempt failed.
   */
  async revoke(): Promise<void> {
    if (this.#ended) return;
    this.#end();
    try {
      await this.#lease.revoke();
    } catch (error) {
      this.#logger.warn("etcd lease revoke failed; its keys expire with it", {
        leaseId: this.#id,
        ttlSeconds: this.#ttlSeconds,
        error: errorText(error),
      });
    }
  }

  /**
   * Stops keeping the lease alive without revoking it: its keys stay until
   * the TTL runs out.
   */
  release(): void {
    if (this.#ended) return;
    this.#end();
    this.#lease.release();
  }

  /**
   * Same as `revoke()`.
   *
   * @returns When done.
   */
  close(): Promise<void> {
    return this.revoke();
  }

  /**
   * Same as `revoke()`, for `await using`.
   *
   * @returns When done.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.revoke();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#onEnd(this);
  }

  #markLost(cause: unknown): void {
    if (this.#lost !== undefined || this.#ended) return;
    const error = new EtcdLeaseLostError(
      `The etcd lease ${this.#id} (TTL ${this.#ttlSeconds} s) is lost: its keys are gone or expire`,
      { data: { leaseId: this.#id, ttlSeconds: this.#ttlSeconds }, cause },
    );
    this.#lost = error;
    this.#end();
    this.#logger.warn("etcd lease lost", {
      leaseId: this.#id,
      ttlSeconds: this.#ttlSeconds,
      error: errorText(cause),
    });
    for (const listener of [...this.#listeners]) {
      try {
        listener(error);
      } catch (listenerError) {
        this.#logger.error("etcd lease listener failed", {
          leaseId: this.#id,
          error: errorText(listenerError),
        });
      }
    }
    this.#listeners.clear();
  }
}
