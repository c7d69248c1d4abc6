// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode EtcdServiceDiscovery}: upstream's `ETCDServiceDiscovery` layout,
 * with a lease per registration and a watched local view.
 *
 * @module
 */

import { errorText } from "../_error_text.ts";
import type { AsyncEtcd, EtcdLease } from "../clients/etcd/mod.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { fromEtcdTree, toEtcdTree } from "./_codec.ts";
import { DiscoveryView } from "./_view.ts";
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

/** Options of {@linkcode EtcdServiceDiscovery}. */
export interface EtcdServiceDiscoveryOptions {
  /** The etcd client (not closed by the discovery). */
  etcd: AsyncEtcd;
  /**
   * The prefix in the global scope (upstream's default).
   *
   * @default {"ai/backend/service_discovery"}
   */
  prefix?: string | undefined;
  /**
   * The TTL of each registration's lease, in seconds: kept alive while this
   * process lives, so the entry of a process that died vanishes within it.
   * `null` writes without a lease, as upstream (the entry stays until
   * removed).
   *
   * @default {60}
   */
  leaseTtlSeconds?: number | null | undefined;
  /**
   * Keeps a local copy of every registration current by watching the
   * prefix, so `discover()`, `getServiceGroup()` and `getService()` do not
   * go to etcd. Until its first read succeeds, reads go to etcd.
   *
   * @default {true}
   */
  watch?: boolean | undefined;
  /**
   * Where lost leases, re-registrations and skipped entries are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

const DEFAULT_PREFIX = "ai/backend/service_discovery";

/**
 * Service discovery in etcd, in upstream's flattened layout under
 * `/sorna/{namespace}/ai/backend/service_discovery/{group}/{id}/`: `id`,
 * `display_name`, `service_group`, `version`, `endpoint/address`,
 * `endpoint/port`, `endpoint/protocol`, `endpoint/prometheus_address`,
 * `health_status/registration_time`, `health_status/last_heartbeat`,
 * `labels/{quoted key}`, every value as Python's `str()` writes it, so
 * Python components read our entries and we read theirs.
 *
 * Beyond upstream: each registration is written with a lease kept alive by
 * this process (an entry vanishes within `leaseTtlSeconds` of its process
 * dying, without upstream's 10-minute sweep), a write replaces the whole
 * entry (a label removed is gone; upstream's `put_prefix` left it), a lost
 * lease (etcd down longer than the TTL) is replaced by the next heartbeat,
 * and reads come from a watched local view.
 *
 * @example Register, discover, unregister
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 * import { createServiceMetadata, EtcdServiceDiscovery } from "@backendai/common/service-discovery";
 *
 * await using etcd = new AsyncEtcd({ addrs: "127.0.0.1:2379", namespace: "local" });
 * await using discovery = new EtcdServiceDiscovery({ etcd });
 * const me = createServiceMetadata({
 *   displayName: "storage-1", serviceGroup: "storage-proxy", version: "26.8.1",
 *   endpoint: { address: "10.0.0.5", port: 6021, protocol: "http", prometheusAddress: "10.0.0.5:6021" },
 * });
 * await discovery.register(me);
 * console.log((await discovery.discover()).length);
 * await discovery.unregister(me.serviceGroup, me.id);
 * ```
 */
export class EtcdServiceDiscovery implements ServiceDiscovery {
  readonly #etcd: AsyncEtcd;
  readonly #prefix: string;
  readonly #ttl: number | null;
  readonly #logger: Logger;
  readonly #view: DiscoveryView | undefined;
  readonly #leases: Map<string, EtcdLease> = new Map();
  #routesLease: EtcdLease | undefined;
  #closed = false;

  /**
   * Makes the backend; with `watch` it starts its view at once.
   *
   * @param options The client, prefix, lease TTL, view and logger.
   */
  constructor(options: EtcdServiceDiscoveryOptions) {
    this.#etcd = options.etcd;
    this.#prefix = (options.prefix ?? DEFAULT_PREFIX).replace(/\/+$/, "");
    this.#ttl = options.leaseTtlSeconds === undefined
      ? 60
      : options.leaseTtlSeconds;
    this.#logger = options.logger ?? consoleLogger;
    if (options.watch ?? true) {
      this.#view = new DiscoveryView(this.#etcd, this.#prefix, this.#logger);
      this.#view.start();
    }
  }

  /**
   * Whether reads are answered from the watched view (its first read done).
   *
   * @returns `true` when the view is in use.
   */
  get viewReady(): boolean {
    return this.#view?.ready ?? false;
  }

  /**
   * Waits until the view's first read is done (or `timeoutMs` passed).
   *
   * @param timeoutMs The longest wait.
   * @returns When ready or timed out.
   */
  waitForView(timeoutMs: number = 5_000): Promise<void> {
    return this.#view?.waitReady(timeoutMs) ?? Promise.resolve();
  }

  /**
   * Writes the service with its lease, replacing its whole entry.
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns When written.
   */
  async register(
    metadata: ServiceMetadata,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const meta = checkServiceMetadata(metadata);
    const key = this.#key(meta.serviceGroup, meta.id);
    const lease = await this.#leaseFor(key, options.signal);
    await this.#etcd.atomicReplacePrefixes({ [key]: toEtcdTree(meta) }, {
      scope: "global",
      lease,
      signal: options.signal,
    });
  }

  /**
   * Removes the service (and revokes its lease if this process holds it).
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns When removed.
   */
  async unregister(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const key = this.#key(serviceGroup, serviceId);
    const lease = this.#leases.get(key);
    this.#leases.delete(key);
    await this.#etcd.deletePrefix(key, {
      scope: "global",
      signal: options.signal,
    });
    await lease?.revoke();
  }

  /**
   * Writes the service again with a fresh heartbeat (and a new lease if
   * the old one was lost).
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
   * Every registered service (from the view when ready).
   *
   * @param options The signal.
   * @returns The services.
   */
  async discover(
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    if (this.#view?.ready) return this.#view.list();
    const tree = await this.#etcd.getPrefix(this.#prefix, {
      scope: "global",
      signal: options.signal,
    });
    const services: ServiceMetadata[] = [];
    for (const [group, entries] of Object.entries(tree)) {
      if (typeof entries !== "object") continue;
      for (const [id, fields] of Object.entries(entries)) {
        const meta = this.#parse(group, id, fields);
        if (meta !== undefined) services.push(meta);
      }
    }
    return services;
  }

  /**
   * The services of one group.
   *
   * @param serviceGroup The group.
   * @param options The signal.
   * @returns The services.
   */
  async getServiceGroup(
    serviceGroup: string,
    options: DiscoveryCallOptions = {},
  ): Promise<readonly ServiceMetadata[]> {
    if (this.#view?.ready) {
      return this.#view.list().filter((m) => m.serviceGroup === serviceGroup);
    }
    const tree = await this.#etcd.getPrefix(
      `${this.#prefix}/${serviceGroup}`,
      { scope: "global", signal: options.signal },
    );
    const services: ServiceMetadata[] = [];
    for (const [id, fields] of Object.entries(tree)) {
      const meta = this.#parse(serviceGroup, id, fields);
      if (meta !== undefined) services.push(meta);
    }
    return services;
  }

  /**
   * One service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns The service.
   * @throws {ServiceNotFoundError} When absent.
   */
  async getService(
    serviceGroup: string,
    serviceId: string,
    options: DiscoveryCallOptions = {},
  ): Promise<ServiceMetadata> {
    let meta: ServiceMetadata | undefined;
    if (this.#view?.ready) {
      meta = this.#view.get(serviceGroup, serviceId);
    } else {
      const tree = await this.#etcd.getPrefix(
        this.#key(serviceGroup, serviceId),
        { scope: "global", signal: options.signal },
      );
      if (Object.keys(tree).length > 0) {
        meta = this.#parse(serviceGroup, serviceId, tree);
      }
    }
    if (meta === undefined) {
      throw new ServiceNotFoundError(
        `No service "${serviceId}" in group "${serviceGroup}"`,
        {
          data: {
            serviceGroup,
            serviceId,
            key: this.#etcd.fullKey(this.#key(serviceGroup, serviceId)),
          },
        },
      );
    }
    return meta;
  }

  /**
   * Makes `model-services` hold exactly these routes: each written with a
   * fresh heartbeat under one lease of 300 s kept alive by this process, the
   * others removed.
   *
   * @param routes The current routes.
   * @param options The signal.
   * @returns When synced.
   */
  async syncModelServiceRoutes(
    routes: readonly ModelServiceMetadata[],
    options: DiscoveryCallOptions = {},
  ): Promise<void> {
    const metas = routes.map(modelServiceToServiceMetadata);
    const existing = await this.getServiceGroup(MODEL_SERVICE_GROUP, options);
    let lease: EtcdLease | undefined;
    if (this.#ttl !== null) {
      if (this.#routesLease === undefined || !this.#routesLease.alive) {
        this.#routesLease = await this.#etcd.grantLease(
          MODEL_SERVICE_ROUTE_TTL_SECONDS,
          { signal: options.signal },
        );
      }
      lease = this.#routesLease;
    }
    const replacements: Record<string, Record<string, unknown>> = {};
    for (const meta of metas) {
      replacements[this.#key(meta.serviceGroup, meta.id)] = toEtcdTree(meta);
    }
    const keep = new Set(metas.map((meta) => meta.id));
    for (const route of existing) {
      if (!keep.has(route.id)) {
        replacements[this.#key(MODEL_SERVICE_GROUP, route.id)] = {};
      }
    }
    if (Object.keys(replacements).length === 0) return;
    await this.#etcd.atomicReplacePrefixes(replacements, {
      scope: "global",
      lease,
      signal: options.signal,
    });
  }

  /**
   * Stops the view and releases the leases this process holds: the entries
   * stay until their TTL runs out, unless unregistered first.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#view?.close();
    for (const lease of this.#leases.values()) lease.release();
    this.#leases.clear();
    this.#routesLease?.release();
  }

  /**
   * Same as {@linkcode EtcdServiceDiscovery.close}.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #key(group: string, id: string): string {
    return `${this.#prefix}/${group}/${id}`;
  }

  async #leaseFor(
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<EtcdLease | undefined> {
    if (this.#ttl === null) return undefined;
    const current = this.#leases.get(key);
    if (current?.alive) return current;
    if (current !== undefined) {
      this.#logger.warn("service registration lease lost, registering again", {
        key: this.#etcd.fullKey(key),
        leaseId: current.id,
      });
    }
    const lease = await this.#etcd.grantLease(this.#ttl, { signal });
    if (this.#closed) {
      lease.release();
      return lease;
    }
    this.#leases.set(key, lease);
    return lease;
  }

  #parse(
    group: string,
    id: string,
    fields: unknown,
  ): ServiceMetadata | undefined {
    try {
      return fromEtcdTree(fields);
    } catch (error) {
      this.#logger.warn("service discovery entry left out: it does not parse", {
        key: this.#etcd.fullKey(this.#key(group, id)),
        error: errorText(error),
      });
      return undefined;
    }
  }
}
