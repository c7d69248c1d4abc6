// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The service discovery records on the wire, as `service_discovery` writes
 * them and upstream reads them: the metadata dict (upstream
 * `ServiceMetadata.model_dump()`), its etcd tree (every leaf a string), its
 * Redis hash (every field a JSON text) and the Prometheus HTTP SD document.
 *
 * @module
 */

import { z } from "zod";

/** Upstream `ServiceMetadata.model_dump()`: snake_case, numbers as numbers. */
export interface ServiceMetadataPayload {
  /** The service id, a UUID. */
  id: string;
  /** A human-readable name. */
  display_name: string;
  /** The group (`manager`, `agent`, ...). */
  service_group: string;
  /** The version. */
  version: string;
  /** How it is reached. */
  endpoint: {
    address: string;
    port: number;
    protocol: string;
    prometheus_address: string;
  };
  /** Registration and heartbeat times, seconds since the epoch (floats). */
  health_status: { registration_time: number; last_heartbeat: number };
  /** Extra labels. */
  labels: Record<string, string>;
}

const group = z.string().min(1).regex(/^[^/]+$/, "Expected no '/'");
const port = z.number().int().min(0).max(65_535);
const seconds = z.number().min(0);

/**
 * The metadata dict (what `serviceMetadataToPython` gives, and what each
 * Redis hash field decodes to).
 *
 * @example Usage
 * ```ts
 * import { ServiceMetadataPayloadSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const dict = {
 *   id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", display_name: "m", service_group: "manager", version: "1",
 *   endpoint: { address: "h", port: 8080, protocol: "http", prometheus_address: "h:8080" },
 *   health_status: { registration_time: 1733555000.5, last_heartbeat: 1733555060 }, labels: {},
 * };
 * assert.deepEqual(ServiceMetadataPayloadSchema.parse(dict), dict);
 * assert.equal(ServiceMetadataPayloadSchema.safeParse({ ...dict, service_group: "a/b" }).success, false);
 * ```
 */
export const ServiceMetadataPayloadSchema: z.ZodType<
  ServiceMetadataPayload,
  unknown
> = z.object({
  id: z.uuid(),
  display_name: z.string(),
  service_group: group,
  version: z.string(),
  endpoint: z.object({
    address: z.string().min(1),
    port,
    protocol: z.string(),
    prometheus_address: z.string(),
  }),
  health_status: z.object({
    registration_time: seconds,
    last_heartbeat: seconds,
  }),
  labels: z.record(z.string(), z.string()),
});

/** The etcd tree of one service: the same fields, every leaf a string. */
export interface ServiceMetadataEtcdTree {
  /** The service id. */
  id: string;
  /** The display name. */
  display_name: string;
  /** The group. */
  service_group: string;
  /** The version. */
  version: string;
  /** The endpoint; `port` as decimal text. */
  endpoint: {
    address: string;
    port: string;
    protocol: string;
    prometheus_address: string;
  };
  /** The times as Python's `repr(float)`. */
  health_status: { registration_time: string; last_heartbeat: string };
  /** The labels; absent when there are none (etcd keeps no empty prefix). */
  labels?: Record<string, string> | undefined;
}

const portText = z.string().regex(/^\d{1,5}$/, "Expected a port number").refine(
  (text) => Number(text) <= 65_535,
  "Expected a port number",
);
const floatText = z.string().regex(
  /^(\d+\.\d+(e[-+]\d+)?|\d+e[-+]\d+|inf|nan)$/,
  "Expected Python's repr of a float",
);

/**
 * The etcd tree of one service (under
 * `ai/backend/service_discovery/{group}/{id}/`, as `getPrefix` reads it).
 *
 * @example Usage
 * ```ts
 * import { ServiceMetadataEtcdTreeSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const tree = {
 *   id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", display_name: "m", service_group: "manager", version: "1",
 *   endpoint: { address: "h", port: "8080", protocol: "http", prometheus_address: "h:8080" },
 *   health_status: { registration_time: "1733555000.5", last_heartbeat: "1733555060.0" },
 * };
 * assert.deepEqual(ServiceMetadataEtcdTreeSchema.parse(tree), tree);
 * assert.equal(ServiceMetadataEtcdTreeSchema.safeParse({ ...tree, health_status: { registration_time: "1", last_heartbeat: "1" } }).success, false);
 * ```
 */
export const ServiceMetadataEtcdTreeSchema: z.ZodType<
  ServiceMetadataEtcdTree,
  unknown
> = z.object({
  id: z.uuid(),
  display_name: z.string(),
  service_group: group,
  version: z.string(),
  endpoint: z.object({
    address: z.string().min(1),
    port: portText,
    protocol: z.string(),
    prometheus_address: z.string(),
  }),
  health_status: z.object({
    registration_time: floatText,
    last_heartbeat: floatText,
  }),
  labels: z.record(z.string(), z.string()).optional(),
});

function jsonText<T>(schema: z.ZodType<T, unknown>): z.ZodType<T, unknown> {
  return z.string().transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "Expected JSON text" });
      return z.NEVER;
    }
  }).pipe(schema);
}

/**
 * The Redis hash of one service (`service_discovery.{group}.{id}`): each
 * top-level field of the dict as orjson's text. Parsing decodes each
 * field, so the output is the {@linkcode ServiceMetadataPayload}.
 *
 * @example Usage
 * ```ts
 * import { ServiceMetadataRedisHashSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const hash = {
 *   id: '"f38dea23-50fa-42a0-b5ae-338f5f4693f4"', display_name: '"m"', service_group: '"manager"', version: '"1"',
 *   endpoint: '{"address":"h","port":8080,"protocol":"http","prometheus_address":"h:8080"}',
 *   health_status: '{"registration_time":1733555000.5,"last_heartbeat":1733555060.0}', labels: "{}",
 * };
 * assert.equal(ServiceMetadataRedisHashSchema.parse(hash).endpoint.port, 8080);
 * assert.equal(ServiceMetadataRedisHashSchema.safeParse({ ...hash, labels: "{" }).success, false);
 * ```
 */
export const ServiceMetadataRedisHashSchema: z.ZodType<
  ServiceMetadataPayload,
  unknown
> = z.object({
  id: jsonText(z.uuid()),
  display_name: jsonText(z.string()),
  service_group: jsonText(group),
  version: jsonText(z.string()),
  endpoint: jsonText(z.object({
    address: z.string().min(1),
    port,
    protocol: z.string(),
    prometheus_address: z.string(),
  })),
  health_status: jsonText(z.object({
    registration_time: seconds,
    last_heartbeat: seconds,
  })),
  labels: jsonText(z.record(z.string(), z.string())),
});

/** One target group of the Prometheus HTTP SD document. */
export interface HttpServiceDiscoveryTarget {
  /** The scrape address, `host:port` (one per service). */
  targets: string[];
  /** The service's labels, with `service_id`, `service_group`, `display_name` and `version`. */
  labels: Record<string, string>;
}

/**
 * The Prometheus HTTP SD document the manager serves: an array of target
 * groups, each with the fixed labels.
 *
 * @example Usage
 * ```ts
 * import { HttpServiceDiscoveryDocumentSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const doc = [{
 *   targets: ["h:8080"],
 *   labels: { service_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4", service_group: "manager", display_name: "m", version: "1" },
 * }];
 * assert.deepEqual(HttpServiceDiscoveryDocumentSchema.parse(doc), doc);
 * assert.equal(HttpServiceDiscoveryDocumentSchema.safeParse([{ targets: [], labels: {} }]).success, false);
 * ```
 */
export const HttpServiceDiscoveryDocumentSchema: z.ZodType<
  HttpServiceDiscoveryTarget[],
  unknown
> = z.array(z.object({
  targets: z.array(z.string().min(1)).min(1),
  labels: z.record(z.string(), z.string()).and(z.object({
    service_id: z.uuid(),
    service_group: group,
    display_name: z.string(),
    version: z.string(),
  })),
}));
