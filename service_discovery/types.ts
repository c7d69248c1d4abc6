// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The models of service discovery (upstream `service_discovery.py`) and the
 * {@linkcode ServiceDiscovery} interface every backend implements.
 *
 * @module
 */

/** The group model service routes are registered in (upstream `MODEL_SERVICE_GROUP`). */
export const MODEL_SERVICE_GROUP = "model-services";

/**
 * How long a model service route lives without a sync, in seconds (upstream
 * `MODEL_SERVICE_ROUTE_TTL`).
 */
export const MODEL_SERVICE_ROUTE_TTL_SECONDS = 300;

/** How a service is reached (upstream `ServiceEndpoint`). */
export interface ServiceEndpoint {
  /** Host name or IP address. */
  readonly address: string;
  /** TCP port. */
  readonly port: number;
  /** E.g. `"http"`, `"grpc"`. */
  readonly protocol: string;
  /** Where Prometheus scrapes it, `host:port` (upstream `prometheus_address`). */
  readonly prometheusAddress: string;
}

/**
 * When a service registered and last sent a heartbeat, in seconds since the
 * epoch as Python's `time.time()` (upstream `HealthStatus`; its equality
 * compares only `registrationTime`).
 */
export interface HealthStatus {
  /** Seconds since the epoch (upstream `registration_time`). */
  readonly registrationTime: number;
  /** Seconds since the epoch (upstream `last_heartbeat`). */
  readonly lastHeartbeat: number;
}

/** One registered service instance (upstream `ServiceMetadata`). */
export interface ServiceMetadata {
  /** A UUID, lowercase canonical as Python's `str(uuid)`. */
  readonly id: string;
  /** A human-readable name. */
  readonly displayName: string;
  /** The group (`manager`, `agent`, `model-services`, ...); no `/`. */
  readonly serviceGroup: string;
  /** The version. */
  readonly version: string;
  /** How it is reached. */
  readonly endpoint: ServiceEndpoint;
  /** Its registration and heartbeat times. */
  readonly healthStatus: HealthStatus;
  /** Extra labels for discovery and Prometheus. */
  readonly labels: Readonly<Record<string, string>>;
}

/** A model service route to register (upstream `ModelServiceMetadata`). */
export interface ModelServiceMetadata {
  /** The route's UUID; it becomes the service id. */
  readonly routeId: string;
  /** The model service's name; it becomes the display name. */
  readonly modelServiceName: string;
  /** Host or IP address. */
  readonly host: string;
  /** Port, 1 to 65535. */
  readonly port: number;
  /**
   * Where its metrics are (not propagated anywhere, as upstream).
   *
   * @default {"/metrics"}
   */
  readonly metricsPath?: string | undefined;
  /**
   * Extra labels.
   *
   * @default {{}}
   */
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** Options of every {@linkcode ServiceDiscovery} call. */
export interface DiscoveryCallOptions {
  /**
   * Stops waiting for the call.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Service discovery: register, heartbeat, find. Three backends implement it
 * (`MemoryServiceDiscovery`, `EtcdServiceDiscovery`,
 * `RedisServiceDiscovery`); one conformance suite checks each.
 *
 * Unlike upstream, finding nothing is not an error: `discover()` and
 * `getServiceGroup()` return `[]` (upstream raises `ValueError`, which
 * its HTTP SD endpoint turned into a 500); `getService()` of an unknown id
 * throws `ServiceNotFoundError` (404).
 *
 * @example With the memory backend
 * ```ts
 * import { createServiceMetadata, MemoryServiceDiscovery } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * await using discovery = new MemoryServiceDiscovery();
 * const manager = createServiceMetadata({
 *   displayName: "manager-1",
 *   serviceGroup: "manager",
 *   version: "26.8.1",
 *   endpoint: { address: "10.0.0.1", port: 8081, protocol: "http", prometheusAddress: "10.0.0.1:8081" },
 * });
 * await discovery.register(manager);
 * assert.equal((await discovery.getService("manager", manager.id)).displayName, "manager-1");
 * assert.equal((await discovery.discover()).length, 1);
 * await discovery.unregister("manager", manager.id);
 * assert.deepEqual(await discovery.discover(), []);
 * ```
 */
export interface ServiceDiscovery extends AsyncDisposable {
  /**
   * Registers a service (or writes it again).
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns When stored.
   */
  register(
    metadata: ServiceMetadata,
    options?: DiscoveryCallOptions,
  ): Promise<void>;
  /**
   * Removes a service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns When removed (or absent).
   */
  unregister(
    serviceGroup: string,
    serviceId: string,
    options?: DiscoveryCallOptions,
  ): Promise<void>;
  /**
   * Writes the service again with `lastHeartbeat` set to now, registering it
   * if it was not (upstream mutates the metadata; this returns the copy
   * written).
   *
   * @param metadata The service.
   * @param options The signal.
   * @returns The metadata as written.
   */
  heartbeat(
    metadata: ServiceMetadata,
    options?: DiscoveryCallOptions,
  ): Promise<ServiceMetadata>;
  /**
   * Every registered service.
   *
   * @param options The signal.
   * @returns The services (`[]` when none).
   */
  discover(options?: DiscoveryCallOptions): Promise<readonly ServiceMetadata[]>;
  /**
   * The services of one group.
   *
   * @param serviceGroup The group.
   * @param options The signal.
   * @returns The services (`[]` when none).
   */
  getServiceGroup(
    serviceGroup: string,
    options?: DiscoveryCallOptions,
  ): Promise<readonly ServiceMetadata[]>;
  /**
   * One service.
   *
   * @param serviceGroup Its group.
   * @param serviceId Its id.
   * @param options The signal.
   * @returns The service.
   * @throws {ServiceNotFoundError} When it is not registered.
   */
  getService(
    serviceGroup: string,
    serviceId: string,
    options?: DiscoveryCallOptions,
  ): Promise<ServiceMetadata>;
  /**
   * Makes the `model-services` group hold exactly these routes: each is
   * written with a fresh heartbeat, and the routes registered before but
   * absent now are removed (upstream `sync_model_service_routes`).
   *
   * @param routes The current routes.
   * @param options The signal.
   * @returns When synced.
   */
  syncModelServiceRoutes(
    routes: readonly ModelServiceMetadata[],
    options?: DiscoveryCallOptions,
  ): Promise<void>;
  /**
   * Releases the backend's resources (its own connections, watches).
   *
   * @returns When closed.
   */
  close(): Promise<void>;
}
