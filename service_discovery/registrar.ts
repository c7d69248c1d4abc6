// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ServiceRegistrar}: keeps one service registered (upstream's
 * `ServiceDiscoveryLoop`, done so that nothing is lost silently).
 *
 * @module
 */

import { errorText } from "../_error_text.ts";
import { invalidOption } from "../_options.ts";
import { consoleLogger, type Logger, sleep } from "../utils.ts";
import { checkServiceMetadata } from "./metadata.ts";
import type { ServiceDiscovery, ServiceMetadata } from "./types.ts";

/** Options of {@linkcode ServiceRegistrar}. */
export interface ServiceRegistrarOptions {
  /**
   * How often the heartbeat is written, in milliseconds (upstream: 60 s).
   * Keep it under the backend's TTL (Redis: 180 s; an etcd lease is kept
   * alive on its own, the heartbeat also replaces a lost one).
   *
   * @default {60000}
   */
  heartbeatIntervalMs?: number | undefined;
  /**
   * How soon a failed registration or heartbeat is tried again, in
   * milliseconds (doubling up to the heartbeat interval).
   *
   * @default {min(1000, heartbeatIntervalMs)}
   */
  retryIntervalMs?: number | undefined;
  /**
   * Where registrations, failures and recoveries are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** Options of {@linkcode ServiceRegistrar.close}. */
export interface RegistrarCloseOptions {
  /**
   * Whether to unregister (the default); `false` leaves the entry to expire.
   *
   * @default {true}
   */
  unregister?: boolean | undefined;
  /**
   * Stops waiting for the unregistration.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Keeps one service registered: it registers at `start()`, writes a
 * heartbeat every interval, and on `close()` unregisters. When a write
 * fails (etcd or Redis down, restarting, or restarted empty) it logs a
 * warning and tries again sooner (1 s doubling up to the interval) until it
 * succeeds, then logs the recovery: after a backend restart the entry comes
 * back by itself. Upstream's loop registered once and, if that failed, never
 * again.
 *
 * @example Keep a service registered
 * ```ts
 * import {
 *   createServiceMetadata, MemoryServiceDiscovery, ServiceRegistrar,
 * } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * await using discovery = new MemoryServiceDiscovery();
 * const me = createServiceMetadata({
 *   displayName: "agent-1", serviceGroup: "agent", version: "26.8.1",
 *   endpoint: { address: "10.0.0.2", port: 6001, protocol: "grpc", prometheusAddress: "10.0.0.2:6003" },
 * });
 * const registrar = new ServiceRegistrar(discovery, me, { heartbeatIntervalMs: 1_000 });
 * assert.equal(await registrar.start(), true);
 * assert.equal((await discovery.discover()).length, 1);
 * await registrar.close();
 * assert.deepEqual(await discovery.discover(), []);
 * ```
 */
export class ServiceRegistrar implements AsyncDisposable {
  readonly #discovery: ServiceDiscovery;
  readonly #intervalMs: number;
  readonly #retryMs: number;
  readonly #logger: Logger;
  readonly #stop: AbortController = new AbortController();
  #metadata: ServiceMetadata;
  #registered = false;
  #failures = 0;
  #loop: Promise<void> | undefined;
  #closed = false;

  /**
   * Prepares the registrar; nothing is written before `start()`.
   *
   * @param discovery The backend.
   * @param metadata The service.
   * @param options The intervals and the logger.
   * @throws {InvalidAPIParameters} When an interval is not positive.
   * @throws {InvalidServiceMetadataError} When the metadata is invalid.
   */
  constructor(
    discovery: ServiceDiscovery,
    metadata: ServiceMetadata,
    options: ServiceRegistrarOptions = {},
  ) {
    this.#discovery = discovery;
    this.#metadata = checkServiceMetadata(metadata);
    this.#intervalMs = options.heartbeatIntervalMs ?? 60_000;
    if (!(this.#intervalMs > 0)) {
      invalidOption(
        "registrar",
        "heartbeatIntervalMs",
        this.#intervalMs,
        "must be > 0",
      );
    }
    this.#retryMs = options.retryIntervalMs ??
      Math.min(1_000, this.#intervalMs);
    if (!(this.#retryMs > 0)) {
      invalidOption(
        "registrar",
        "retryIntervalMs",
        this.#retryMs,
        "must be > 0",
      );
    }
    this.#logger = options.logger ?? consoleLogger;
  }

  /**
   * The metadata last written (its heartbeat time included).
   *
   * @returns The metadata.
   */
  get metadata(): ServiceMetadata {
    return this.#metadata;
  }

  /**
   * Whether the last write succeeded.
   *
   * @returns `true` while registered.
   */
  get registered(): boolean {
    return this.#registered;
  }

  /**
   * Registers once and starts the heartbeat loop. A failed first
   * registration is not thrown: it is logged and retried by the loop.
   *
   * @returns Whether the first registration succeeded.
   */
  async start(): Promise<boolean> {
    if (this.#loop !== undefined) return this.#registered;
    const ok = await this.#write(true);
    this.#loop = this.#run();
    return ok;
  }

  /**
   * Stops the loop and unregisters (errors are logged, not thrown).
   *
   * @param options Whether to unregister, and a signal.
   * @returns When stopped.
   */
  async close(options: RegistrarCloseOptions = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    await this.#loop;
    if (options.unregister ?? true) {
      try {
        await this.#discovery.unregister(
          this.#metadata.serviceGroup,
          this.#metadata.id,
          { signal: options.signal },
        );
        this.#logger.info("service unregistered", this.#fields());
      } catch (error) {
        this.#logger.warn("service unregistration failed; it expires", {
          ...this.#fields(),
          error: errorText(error),
        });
      }
    }
    this.#registered = false;
  }

  /**
   * Same as {@linkcode ServiceRegistrar.close}.
   *
   * @returns When stopped.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #fields(): Record<string, unknown> {
    return {
      serviceGroup: this.#metadata.serviceGroup,
      serviceId: this.#metadata.id,
      displayName: this.#metadata.displayName,
    };
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      const delay = this.#failures === 0
        ? this.#intervalMs
        : Math.min(this.#retryMs * 2 ** (this.#failures - 1), this.#intervalMs);
      try {
        await sleep(delay, { signal: stop });
      } catch {
        return;
      }
      await this.#write(false);
    }
  }

  async #write(first: boolean): Promise<boolean> {
    try {
      this.#metadata = first
        ? (await this.#discovery.register(this.#metadata, {
          signal: this.#stop.signal,
        }),
          this.#metadata)
        : await this.#discovery.heartbeat(this.#metadata, {
          signal: this.#stop.signal,
        });
      if (this.#failures > 0) {
        this.#logger.info("service registered again", {
          ...this.#fields(),
          failedAttempts: this.#failures,
        });
      } else if (first) {
        this.#logger.info("service registered", this.#fields());
      }
      this.#failures = 0;
      this.#registered = true;
      return true;
    } catch (error) {
      if (this.#stop.signal.aborted) return false;
      this.#failures++;
      this.#registered = false;
      const level = this.#failures === 1 || this.#failures % 30 === 0
        ? "warn"
        : "debug";
      this.#logger[level]("service registration failed, retrying", {
        ...this.#fields(),
        attempt: this.#failures,
        error: errorText(error),
      });
      return false;
    }
  }
}
