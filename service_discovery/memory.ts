// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode MemoryServiceDiscovery}: the embedded backend, for one process
 * (the demo, tests, a laptop without etcd or Redis).
 *
 * @module
 */

import { raceSignal } from "../_wait.ts";
import { ServiceNotFoundError } from "./errors.ts";
import {
  checkServiceMetadata,
  modelServiceToServiceMetadata,
  withHeartbeat,
} from "./metadata.ts";
import {
  type DiscoveryCallOptions,
  MODEL_SERVICE_GROUP,
  MODEL_SERVICE_ROUTE_TTL_SECONDS,
  type ModelServiceMetadata,
  type ServiceDiscovery,
  type ServiceMetadata,
} from "./types.ts";

/** Options of {@linkcode MemoryServiceDiscovery}. */
export interface MemoryServiceDiscoveryOptions {
  /**
   * How long a registration lives without a heartbeat, in milliseconds, as
   * the Redis backend's TTL; `Infinity` keeps it until unregistered.
   *
   * @default {180000}
   */
  ttlMs?: number | undefined;
  /**
   * The time source, in milliseconds since the epoch.
   *
   * @default {Date.now}
   */
  now?: (() => number) | undefined;
}

interface Entry {
  readonly meta: ServiceMetadata;
  readonly expiresAt: number;
}

/**
 * Service discovery in this process's memory, with the Redis backend's
 * semantics: an entry expires `ttlMs` after its last write (model routes
 * after 300 s). `discover()` returns the same array until something changes,
 * so the HTTP SD handler serves it without re-encoding.
 *
 * @example Usage
 * ```ts
 * import { createServiceMetadata, MemoryServiceDiscovery } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * let now = 0;
 * await using discovery = new MemoryServiceDiscovery({ ttlMs: 1_000, now: () => now });
 * await discovery.register(createServiceMetadata({
 *   displayName: "a", serviceGroup: "agent", version: "1",
 *   endpoint: { address: "h", port: 1, protocol: "grpc", prometheusAddress: "h:2" },
 * }));
 * assert.equal((await discovery.discover()).length, 1);
 * now = 1_001;
 * assert.deepEqual(await discovery.discover(), []);
 * ```
 */
export class MemoryServiceDiscovery implements ServiceDiscovery {
  readonly #entries: Map<string, Map<string, Entry>> = new Map();
  readonly #ttlMs: number;
  readonly #now: () => number;
  #list: readonly ServiceMetadata[] | undefined;
  #nextExpiry = Infinity;

  /**
   * Makes an empty registry.
   *
   * @param options The TTL and the clock.
   */
  constructor(options: MemoryServiceDiscoveryOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 180_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Registers (or rewrites) a service.
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns When stored.
   */
  register(
    metadata: ServiceMetadata,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    return raceSignal(
      Promise.resolve().then(() => {
        this.#put(checkServiceMetadata(metadata), this.#ttlMs);
      }),
      options.signal,
    );
  }

  /**
   * Removes a service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns When removed.
   */
  unregister(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    return raceSignal(
      Promise.resolve().then(() => {
        const group = this.#entries.get(serviceGroup);
        if (group?.delete(serviceId)) this.#list = undefined;
        if (group?.size === 0) this.#entries.delete(serviceGroup);
      }),
      options.signal,
    );
  }

  /**
   * Writes the service again with a fresh heartbeat.
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns The metadata written.
   */
  async heartbeat(
    metadata: ServiceMetadata,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceMetadata> {
    const beat = withHeartbeat(checkServiceMetadata(metadata));
    await this.register(beat, options);
    return beat;
  }

  /**
   * Every live service.
   *
   * @param options The signal.
   * @returns The services.
   */
  discover(
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    return raceSignal(Promise.resolve(this.#all()), options.signal);
  }

  /**
   * The live services of a group.
   *
   * @param serviceGroup The group.
   * @param options The signal.
   * @returns The services.
   */
  getServiceGroup(
    serviceGroup: string,
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    return raceSignal(
      Promise.resolve(
        this.#all().filter((meta) => meta.serviceGroup === serviceGroup),
      ),
      options.signal,
    );
  }

  /**
   * One live service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns The service.
   * @throws {ServiceNotFoundError} When absent.
   */
  getService(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceMetadata> {
    return raceSignal(
      Promise.resolve().then(() => {
        this.#expire();
        const entry = this.#entries.get(serviceGroup)?.get(serviceId);
        if (entry === undefined) {
          throw new ServiceNotFoundError(
            `No service "${serviceId}" in group "${serviceGroup}"`,
            { data: { serviceGroup, serviceId } },
          );
        }
        return entry.meta;
      }),
      options.signal,
    );
  }

  /**
   * Makes `model-services` hold exactly these routes (300 s TTL each).
   *
   * @param routes The current routes.
   * @param options The signal.
   * @returns When synced.
   */
  syncModelServiceRoutes(
    routes: readonly ModelServiceMetadata[],
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    return raceSignal(
      Promise.resolve().then(() => {
        const metas = routes.map(modelServiceToServiceMetadata);
        const keep = new Set(metas.map((meta) => meta.id));
        for (const meta of metas) {
          this.#put(meta, MODEL_SERVICE_ROUTE_TTL_SECONDS * 1000);
        }
        const group = this.#entries.get(MODEL_SERVICE_GROUP);
        for (const id of [...(group?.keys() ?? [])]) {
          if (!keep.has(id)) group?.delete(id);
        }
        this.#list = undefined;
      }),
      options.signal,
    );
  }

  /**
   * Forgets everything.
   *
   * @returns When done.
   */
  close(): Promise<void> {
    this.#entries.clear();
    this.#list = undefined;
    return Promise.resolve();
  }

  /**
   * Same as {@linkcode MemoryServiceDiscovery.close}.
   *
   * @returns When done.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #put(meta: ServiceMetadata, ttlMs: number): void {
    let group = this.#entries.get(meta.serviceGroup);
    if (group === undefined) {
      group = new Map();
      this.#entries.set(meta.serviceGroup, group);
    }
    const expiresAt = this.#now() + ttlMs;
    group.set(meta.id, { meta, expiresAt });
    this.#nextExpiry = Math.min(this.#nextExpiry, expiresAt);
    this.#list = undefined;
  }

  #expire(): void {
    const now = this.#now();
    if (now < this.#nextExpiry) return;
    let next = Infinity;
    for (const [name, group] of this.#entries) {
      for (const [id, entry] of group) {
        if (entry.expiresAt <= now) {
          group.delete(id);
          this.#list = undefined;
        } else {
          next = Math.min(next, entry.expiresAt);
        }
      }
      if (group.size === 0) this.#entries.delete(name);
    }
    this.#nextExpiry = next;
  }

  #all(): readonly ServiceMetadata[] {
    this.#expire();
    if (this.#list === undefined) {
      const list: ServiceMetadata[] = [];
      for (const group of this.#entries.values()) {
        for (const entry of group.values()) list.push(entry.meta);
      }
      this.#list = Object.freeze(list);
    }
    return this.#list;
  }
}
