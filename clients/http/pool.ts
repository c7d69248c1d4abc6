// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode HttpClientPool}: upstream's `ClientPool`
 * (`common/clients/http_client/client_pool.py`), one {@linkcode HttpSession}
 * per {@linkcode ClientKey} (endpoint, domain, access key), reused while it
 * is used and closed after it has been idle for the cleanup interval.
 *
 * @module
 */

import { invalidOption } from "../../_options.ts";
import { type Clock, systemClock } from "../../resilience/clock.ts";
import type { Logger } from "../../utils.ts";
import { errorText } from "../../_error_text.ts";
import { HttpSessionClosedError } from "./errors.ts";
import { HttpSession } from "./session.ts";

/** What a pooled session is for (upstream's `ClientKey`). */
export interface ClientKey {
  /** The URL of the target server. */
  readonly endpoint: string;
  /** An arbitrary string naming the usage scope. */
  readonly domain: string;
  /**
   * The access key the requests are made for, when there is one.
   *
   * @default {undefined}
   */
  readonly accessKey?: string | undefined;
}

/** Makes the session of a key (upstream's `ClientSessionFactory`). */
export type HttpSessionFactory = (key: ClientKey) => HttpSession;

/** Options of {@linkcode HttpClientPool}. */
export interface HttpClientPoolOptions {
  /**
   * Makes the session of a new key.
   *
   * @default {(key) => new HttpSession({ endpoint: key.endpoint })}
   */
  factory?: HttpSessionFactory | undefined;
  /**
   * How often idle sessions are looked for, and how long a session must
   * have been idle to be closed, in ms (upstream's
   * `cleanup_interval_seconds`, 600).
   *
   * @default {600000}
   */
  cleanupIntervalMs?: number | undefined;
  /**
   * The clock of the cleanup loop and of the idle times.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
  /**
   * Where a session that fails to close is logged.
   *
   * @default {undefined: nothing is logged}
   */
  logger?: Logger | undefined;
}

interface PooledSession {
  readonly session: HttpSession;
  lastUsed: number;
}

/**
 * One {@linkcode HttpSession} per {@linkcode ClientKey}.
 * {@linkcode HttpClientPool.load} gives the key's session, making it on
 * first use and marking it used. Every `cleanupIntervalMs` the pool closes
 * the sessions unused for longer than that, except those with a request in
 * flight (upstream closes them too, failing the request). The cleanup
 * timer does not keep the process alive. `close()` closes every session.
 *
 * @example Reuse and idle cleanup
 * ```ts
 * import { HttpClientPool } from "@backendai/common/clients/http";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * await using pool = new HttpClientPool({ cleanupIntervalMs: 600_000, clock });
 * const key = { endpoint: "http://127.0.0.1:6021", domain: "storage-proxy" };
 * const session = pool.load(key);
 * assert.equal(pool.load({ ...key }), session);
 * assert.notEqual(pool.load({ ...key, accessKey: "AKIA" }), session);
 * await clock.advance(1_200_000);
 * assert.equal(pool.size, 0);
 * assert.ok(session.closed);
 * ```
 */
export class HttpClientPool implements AsyncDisposable {
  readonly #factory: HttpSessionFactory;
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #sessions = new Map<string, PooledSession>();
  #timer: unknown;
  #closed = false;

  /**
   * Makes a pool and starts its cleanup loop.
   *
   * @param options The session factory, cleanup interval, clock and logger.
   */
  constructor(options: HttpClientPoolOptions = {}) {
    this.#intervalMs = options.cleanupIntervalMs ?? 600_000;
    if (!(this.#intervalMs > 0 && this.#intervalMs < 2 ** 31)) {
      invalidOption(
        "HTTP client pool",
        "cleanupIntervalMs",
        this.#intervalMs,
        "must be a positive number of ms below 2^31",
      );
    }
    this.#factory = options.factory ??
      ((key) => new HttpSession({ endpoint: key.endpoint }));
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#schedule();
  }

  /** How many sessions the pool holds. */
  get size(): number {
    return this.#sessions.size;
  }

  /**
   * The session of a key (upstream's `load_client_session`): the pooled
   * one, or a new one from the factory; either way it is marked used now.
   *
   * @param key The endpoint, domain and access key.
   * @returns The session.
   * @throws {HttpSessionClosedError} When the pool is closed.
   */
  load(key: ClientKey): HttpSession {
    if (this.#closed) {
      throw new HttpSessionClosedError("The HTTP client pool is closed", {
        data: { endpoint: key.endpoint, domain: key.domain },
      });
    }
    const id = keyId(key);
    const now = this.#clock.now();
    const pooled = this.#sessions.get(id);
    if (pooled !== undefined && !pooled.session.closed) {
      pooled.lastUsed = now;
      return pooled.session;
    }
    const session = this.#factory(key);
    this.#sessions.set(id, { session, lastUsed: now });
    return session;
  }

  /**
   * Closes the sessions idle for longer than the cleanup interval (the
   * cleanup loop runs this; call it to clean up at once).
   *
   * @returns How many sessions were closed.
   */
  async cleanup(): Promise<number> {
    const now = this.#clock.now();
    const idle: HttpSession[] = [];
    for (const [id, pooled] of this.#sessions) {
      const stale = now - pooled.lastUsed > this.#intervalMs;
      if (pooled.session.closed || (stale && pooled.session.inFlight === 0)) {
        this.#sessions.delete(id);
        idle.push(pooled.session);
      }
    }
    await Promise.all(idle.map((session) => this.#closeSession(session)));
    return idle.length;
  }

  #schedule(): void {
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.cleanup().finally(() => {
        if (!this.#closed) this.#schedule();
      });
    }, this.#intervalMs);
    this.#clock.unref?.(this.#timer);
  }

  async #closeSession(session: HttpSession): Promise<void> {
    try {
      await session.close();
    } catch (error) {
      this.#logger?.warn("http: a pooled session failed to close", {
        endpoint: session.endpoint.href,
        error: errorText(error),
      });
    }
  }

  /** Stops the cleanup loop and closes every session. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const sessions = [...this.#sessions.values()].map((p) => p.session);
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => this.#closeSession(session)));
  }

  /** Same as {@linkcode HttpClientPool.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function keyId(key: ClientKey): string {
  return JSON.stringify([key.endpoint, key.domain, key.accessKey ?? null]);
}
