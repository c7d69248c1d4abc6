// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Service discovery (upstream `service_discovery/`, spec 8): the models
 * ({@linkcode ServiceMetadata}, {@linkcode ServiceEndpoint},
 * {@linkcode HealthStatus}, {@linkcode ModelServiceMetadata}), one
 * {@linkcode ServiceDiscovery} interface with three backends —
 * {@linkcode MemoryServiceDiscovery} (embedded), {@linkcode EtcdServiceDiscovery}
 * (upstream's flattened etcd layout, a lease per registration, a watched
 * local view) and {@linkcode RedisServiceDiscovery} (upstream's hash per
 * service with a TTL) — a {@linkcode ServiceRegistrar} that keeps a service
 * registered through backend restarts, the event path
 * ({@linkcode ServiceDiscoveryEventPublisher}), and the Prometheus HTTP SD
 * endpoint ({@linkcode httpServiceDiscoveryHandler}).
 *
 * ```ts
 * import {
 *   createServiceMetadata, httpServiceDiscoveryHandler, MemoryServiceDiscovery, ServiceRegistrar,
 * } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * await using discovery = new MemoryServiceDiscovery();
 * await using registrar = new ServiceRegistrar(discovery, createServiceMetadata({
 *   displayName: "manager-1", serviceGroup: "manager", version: "26.8.1",
 *   endpoint: { address: "10.0.0.1", port: 8081, protocol: "http", prometheusAddress: "10.0.0.1:8091" },
 * }));
 * await registrar.start();
 * const response = await httpServiceDiscoveryHandler(discovery)(new Request("http://x/"));
 * assert.deepEqual((await response.json())[0].targets, ["10.0.0.1:8091"]);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./errors.ts";
export * from "./metadata.ts";
export * from "./memory.ts";
export * from "./etcd.ts";
export * from "./redis.ts";
export * from "./registrar.ts";
export * from "./event_publisher.ts";
export * from "./http_sd.ts";
