// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Making, checking and converting service metadata:
 * {@linkcode createServiceMetadata}, {@linkcode isHealthy},
 * {@linkcode withHeartbeat}, {@linkcode modelServiceToServiceMetadata}, and
 * upstream's dict form ({@linkcode serviceMetadataToPython},
 * {@linkcode serviceMetadataFromPython}).
 *
 * @module
 */

import { canonicalUuid } from "../utils.ts";
import { InvalidServiceMetadataError } from "./errors.ts";
import {
  type HealthStatus,
  MODEL_SERVICE_GROUP,
  type ModelServiceMetadata,
  type ServiceEndpoint,
  type ServiceMetadata,
} from "./types.ts";
import type { ServiceMetadataPayload } from "../dto/service_discovery.ts";

/** What {@linkcode createServiceMetadata} takes; the rest gets defaults. */
export interface ServiceMetadataInit {
  /**
   * A UUID.
   *
   * @default {a random UUID}
   */
  id?: string | undefined;
  /** A human-readable name. */
  displayName: string;
  /** The group; no `/`. */
  serviceGroup: string;
  /** The version. */
  version: string;
  /** How it is reached. */
  endpoint: ServiceEndpoint;
  /**
   * Registration and heartbeat times.
   *
   * @default {both now}
   */
  healthStatus?: HealthStatus | undefined;
  /**
   * Extra labels.
   *
   * @default {{}}
   */
  labels?: Readonly<Record<string, string>> | undefined;
}

/** The time now in seconds since the epoch, as Python's `time.time()`. */
function nowSeconds(): number {
  return Date.now() / 1000;
}

/**
 * Makes a checked {@linkcode ServiceMetadata} with upstream's defaults: a
 * random UUID, registration and heartbeat times now, no labels.
 *
 * @example Usage
 * ```ts
 * import { createServiceMetadata } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = createServiceMetadata({
 *   displayName: "agent-1",
 *   serviceGroup: "agent",
 *   version: "26.8.1",
 *   endpoint: { address: "10.0.0.2", port: 6001, protocol: "grpc", prometheusAddress: "10.0.0.2:6003" },
 * });
 * assert.match(meta.id, /^[0-9a-f-]{36}$/);
 * assert.equal(meta.healthStatus.registrationTime, meta.healthStatus.lastHeartbeat);
 * assert.throws(() => createServiceMetadata({ ...meta, serviceGroup: "a/b" }), /serviceGroup/);
 * ```
 *
 * @param init The fields.
 * @returns The frozen metadata.
 * @throws {InvalidServiceMetadataError} When a field is invalid.
 */
export function createServiceMetadata(
  init: ServiceMetadataInit,
): ServiceMetadata {
  const now = nowSeconds();
  return checkServiceMetadata({
    id: init.id ?? crypto.randomUUID(),
    displayName: init.displayName,
    serviceGroup: init.serviceGroup,
    version: init.version,
    endpoint: init.endpoint,
    healthStatus: init.healthStatus ??
      { registrationTime: now, lastHeartbeat: now },
    labels: init.labels ?? {},
  });
}

function invalid(field: string, value: unknown, rule: string): never {
  throw new InvalidServiceMetadataError(
    `Invalid service metadata "${field}": ${rule}`,
    { data: { field, value } },
  );
}

function text(field: string, value: unknown): string {
  if (typeof value !== "string") invalid(field, value, "must be a string");
  return value;
}

function seconds(field: string, value: unknown): number {
  const number = typeof value === "string" && value.trim() !== ""
    ? Number(value)
    : value;
  if (typeof number !== "number" || !Number.isFinite(number)) {
    invalid(field, value, "must be a finite number of seconds");
  }
  return number;
}

function port(field: string, value: unknown): number {
  const number = typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)
    ? Number(value)
    : value;
  if (
    typeof number !== "number" || !Number.isInteger(number) || number < 0 ||
    number > 65535
  ) {
    invalid(field, value, "must be an integer port");
  }
  return number;
}

function labels(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined || value === null) return Object.freeze({});
  if (typeof value !== "object" || Array.isArray(value)) {
    invalid("labels", value, "must be an object of strings");
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: text(`labels.${key}`, item),
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }
  return Object.freeze(out);
}

function record(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    invalid(field, value, "must be an object");
  }
  return value as Record<string, unknown>;
}

/**
 * Checks metadata and returns a frozen, normalised copy: the id as Python's
 * `str(uuid)` (lowercase, hyphenated), the group without `/` (it is a path
 * segment of the etcd layout and a part of the Redis key), numbers checked.
 *
 * @example Usage
 * ```ts
 * import { checkServiceMetadata } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = checkServiceMetadata({
 *   id: "F38DEA23-50FA-42A0-B5AE-338F5F4693F4",
 *   displayName: "m", serviceGroup: "manager", version: "1",
 *   endpoint: { address: "h", port: 1, protocol: "http", prometheusAddress: "h:1" },
 *   healthStatus: { registrationTime: 1, lastHeartbeat: 2 },
 *   labels: {},
 * });
 * assert.equal(meta.id, "f38dea23-50fa-42a0-b5ae-338f5f4693f4");
 * ```
 *
 * @param meta The metadata.
 * @returns The checked copy.
 * @throws {InvalidServiceMetadataError} When a field is invalid.
 */
export function checkServiceMetadata(meta: ServiceMetadata): ServiceMetadata {
  const id = canonicalUuid(text("id", meta?.id), { forms: "pydantic" }) ??
    invalid("id", meta.id, "must be a UUID");
  const serviceGroup = text("serviceGroup", meta.serviceGroup);
  if (serviceGroup === "" || serviceGroup.includes("/")) {
    invalid("serviceGroup", serviceGroup, 'must be non-empty, without "/"');
  }
  const endpoint = record("endpoint", meta.endpoint);
  const health = record("healthStatus", meta.healthStatus);
  return Object.freeze({
    id,
    displayName: text("displayName", meta.displayName),
    serviceGroup,
    version: text("version", meta.version),
    endpoint: Object.freeze({
      address: text("endpoint.address", endpoint.address),
      port: port("endpoint.port", endpoint.port),
      protocol: text("endpoint.protocol", endpoint.protocol),
      prometheusAddress: text(
        "endpoint.prometheusAddress",
        endpoint.prometheusAddress,
      ),
    }),
    healthStatus: Object.freeze({
      registrationTime: seconds(
        "healthStatus.registrationTime",
        health.registrationTime,
      ),
      lastHeartbeat: seconds(
        "healthStatus.lastHeartbeat",
        health.lastHeartbeat,
      ),
    }),
    labels: labels(meta.labels),
  });
}

/**
 * Whether a service sent a heartbeat within `timeoutMs` (upstream
 * `HealthStatus.check_healthy`, 300 s by default).
 *
 * @example Usage
 * ```ts
 * import { isHealthy } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const now = Date.now() / 1000;
 * assert.equal(isHealthy({ registrationTime: now, lastHeartbeat: now - 10 }), true);
 * assert.equal(isHealthy({ registrationTime: now, lastHeartbeat: now - 400 }), false);
 * ```
 *
 * @param status The health status.
 * @param timeoutMs How old the last heartbeat may be, in milliseconds.
 * @returns Whether it is recent enough.
 */
export function isHealthy(
  status: HealthStatus,
  timeoutMs: number = 300_000,
): boolean {
  return nowSeconds() - status.lastHeartbeat < timeoutMs / 1000;
}

/**
 * A copy of the metadata with `lastHeartbeat` set to now (upstream
 * `update_heartbeat()`, without mutating).
 *
 * @example Usage
 * ```ts
 * import { createServiceMetadata, withHeartbeat } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = createServiceMetadata({
 *   displayName: "m", serviceGroup: "manager", version: "1",
 *   endpoint: { address: "h", port: 1, protocol: "http", prometheusAddress: "h:1" },
 *   healthStatus: { registrationTime: 1, lastHeartbeat: 1 },
 * });
 * const beat = withHeartbeat(meta);
 * assert.ok(beat.healthStatus.lastHeartbeat > 1);
 * assert.equal(beat.healthStatus.registrationTime, 1);
 * ```
 *
 * @param meta The metadata.
 * @returns The updated copy.
 */
export function withHeartbeat(meta: ServiceMetadata): ServiceMetadata {
  return Object.freeze({
    ...meta,
    healthStatus: Object.freeze({
      registrationTime: meta.healthStatus.registrationTime,
      lastHeartbeat: nowSeconds(),
    }),
  });
}

/**
 * A model service route as a service (upstream `to_service_metadata()`): the
 * route id as the id, group `model-services`, version `"1.0"`, endpoint
 * `http` with `prometheusAddress` `host:port`, and labels with `route_id`
 * and `model_service_name` overriding the route's own.
 *
 * @example Usage
 * ```ts
 * import { modelServiceToServiceMetadata } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = modelServiceToServiceMetadata({
 *   routeId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   modelServiceName: "llama",
 *   host: "10.0.0.9",
 *   port: 8000,
 *   labels: { route_id: "ignored", runtime: "vllm" },
 * });
 * assert.equal(meta.serviceGroup, "model-services");
 * assert.equal(meta.endpoint.prometheusAddress, "10.0.0.9:8000");
 * assert.deepEqual(meta.labels, {
 *   route_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   runtime: "vllm",
 *   model_service_name: "llama",
 * });
 * ```
 *
 * @param route The route.
 * @returns The service metadata, with heartbeat and registration now.
 * @throws {InvalidServiceMetadataError} When the port is not 1 to 65535 or
 * the id not a UUID.
 */
export function modelServiceToServiceMetadata(
  route: ModelServiceMetadata,
): ServiceMetadata {
  const routePort = port("port", route.port);
  if (routePort < 1) invalid("port", route.port, "must be 1 to 65535");
  const routeId = canonicalUuid(text("routeId", route.routeId), {
    forms: "pydantic",
  }) ?? invalid("routeId", route.routeId, "must be a UUID");
  const host = text("host", route.host);
  return createServiceMetadata({
    id: routeId,
    displayName: text("modelServiceName", route.modelServiceName),
    serviceGroup: MODEL_SERVICE_GROUP,
    version: "1.0",
    endpoint: {
      address: host,
      port: routePort,
      protocol: "http",
      prometheusAddress: `${host}:${routePort}`,
    },
    labels: {
      ...route.labels,
      route_id: routeId,
      model_service_name: route.modelServiceName,
    },
  });
}

/**
 * Upstream's `ServiceMetadata.model_dump()`: snake_case, fields in order
 * (the `dto` wire shape, {@linkcode ServiceMetadataPayload}).
 */
export type PythonServiceMetadata = ServiceMetadataPayload;

/**
 * Upstream's dict form of the metadata (`model_dump()`), the fields in
 * upstream's order.
 *
 * @example Usage
 * ```ts
 * import { createServiceMetadata, serviceMetadataToPython } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const dict = serviceMetadataToPython(createServiceMetadata({
 *   displayName: "m", serviceGroup: "manager", version: "1",
 *   endpoint: { address: "h", port: 1, protocol: "http", prometheusAddress: "h:1" },
 * }));
 * assert.deepEqual(Object.keys(dict), [
 *   "id", "display_name", "service_group", "version", "endpoint", "health_status", "labels",
 * ]);
 * assert.equal(dict.endpoint.prometheus_address, "h:1");
 * ```
 *
 * @param meta The metadata.
 * @returns The dict.
 */
export function serviceMetadataToPython(
  meta: ServiceMetadata,
): PythonServiceMetadata {
  return {
    id: meta.id,
    display_name: meta.displayName,
    service_group: meta.serviceGroup,
    version: meta.version,
    endpoint: {
      address: meta.endpoint.address,
      port: meta.endpoint.port,
      protocol: meta.endpoint.protocol,
      prometheus_address: meta.endpoint.prometheusAddress,
    },
    health_status: {
      registration_time: meta.healthStatus.registrationTime,
      last_heartbeat: meta.healthStatus.lastHeartbeat,
    },
    labels: { ...meta.labels },
  };
}

/**
 * Reads upstream's dict form as pydantic does (lax: numbers may be strings,
 * as the etcd layout stores them; `labels` may be absent).
 *
 * @example Usage
 * ```ts
 * import { serviceMetadataFromPython } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * const meta = serviceMetadataFromPython({
 *   id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", display_name: "m", service_group: "manager",
 *   version: "1", endpoint: { address: "h", port: "8080", protocol: "http", prometheus_address: "h:8080" },
 *   health_status: { registration_time: "1733555000.5", last_heartbeat: "1733555060.0" },
 * });
 * assert.equal(meta.endpoint.port, 8080);
 * assert.equal(meta.healthStatus.lastHeartbeat, 1733555060);
 * assert.deepEqual(meta.labels, {});
 * ```
 *
 * @param dict The dict.
 * @returns The checked metadata.
 * @throws {InvalidServiceMetadataError} When a field is missing or invalid.
 */
export function serviceMetadataFromPython(dict: unknown): ServiceMetadata {
  const d = record("service", dict);
  const endpoint = record("endpoint", d.endpoint);
  const health = record("health_status", d.health_status);
  return checkServiceMetadata({
    id: d.id as string,
    displayName: d.display_name as string,
    serviceGroup: d.service_group as string,
    version: d.version as string,
    endpoint: {
      address: endpoint.address as string,
      port: endpoint.port as number,
      protocol: endpoint.protocol as string,
      prometheusAddress: endpoint.prometheus_address as string,
    },
    healthStatus: {
      registrationTime: health.registration_time as number,
      lastHeartbeat: health.last_heartbeat as number,
    },
    labels: (d.labels ?? {}) as Record<string, string>,
  });
}
