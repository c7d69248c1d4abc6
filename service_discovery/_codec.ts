// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: service metadata as each backend stores it, byte for byte as
// upstream's Python writes it.
//
// etcd (ETCDServiceDiscovery.register): `put_prefix(prefix, model_dump())`,
// so every leaf is `str(v)`: the UUID as `str(uuid)`, the port as
// `str(int)`, the times as `str(float)` (repr), labels under `labels/` with
// quoted keys (none at all when empty).
//
// Redis (RedisServiceDiscovery._hsetex): a hash whose fields are the
// top-level fields of `model_dump()`, each value `orjson.dumps(v)`.

import { orjsonFloat, pythonFloatRepr } from "../_python_float.ts";
import { InvalidServiceMetadataError } from "./errors.ts";
import { serviceMetadataFromPython } from "./metadata.ts";
import type { ServiceMetadata } from "./types.ts";

/** The nested strings `putPrefix` writes for one service. */
export function toEtcdTree(meta: ServiceMetadata): Record<string, unknown> {
  return {
    id: meta.id,
    display_name: meta.displayName,
    service_group: meta.serviceGroup,
    version: meta.version,
    endpoint: {
      address: meta.endpoint.address,
      port: String(meta.endpoint.port),
      protocol: meta.endpoint.protocol,
      prometheus_address: meta.endpoint.prometheusAddress,
    },
    health_status: {
      registration_time: pythonFloatRepr(meta.healthStatus.registrationTime),
      last_heartbeat: pythonFloatRepr(meta.healthStatus.lastHeartbeat),
    },
    labels: { ...meta.labels },
  };
}

/** Reads one service from its `getPrefix` tree (strings everywhere). */
export function fromEtcdTree(tree: unknown): ServiceMetadata {
  return serviceMetadataFromPython(tree);
}

function jsonString(value: string): string {
  return JSON.stringify(value);
}

/** A flat object as compact JSON, keys in insertion order (orjson's form). */
function jsonObject(entries: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [key, value] of entries) parts.push(`${jsonString(key)}:${value}`);
  return `{${parts.join(",")}}`;
}

/** The hash fields `HSET` writes for one service, in upstream's order. */
export function toRedisFields(meta: ServiceMetadata): Array<[string, string]> {
  return [
    ["id", jsonString(meta.id)],
    ["display_name", jsonString(meta.displayName)],
    ["service_group", jsonString(meta.serviceGroup)],
    ["version", jsonString(meta.version)],
    [
      "endpoint",
      jsonObject([
        ["address", jsonString(meta.endpoint.address)],
        ["port", String(meta.endpoint.port)],
        ["protocol", jsonString(meta.endpoint.protocol)],
        ["prometheus_address", jsonString(meta.endpoint.prometheusAddress)],
      ]),
    ],
    [
      "health_status",
      jsonObject([
        ["registration_time", orjsonFloat(meta.healthStatus.registrationTime)],
        ["last_heartbeat", orjsonFloat(meta.healthStatus.lastHeartbeat)],
      ]),
    ],
    [
      "labels",
      jsonObject(
        Object.entries(meta.labels).map(([k, v]) => [k, jsonString(v)]),
      ),
    ],
  ];
}

/**
 * Reads one service from its hash (`json.loads` of each field); a field
 * that is not JSON is an `InvalidServiceMetadataError` naming it.
 */
export function fromRedisFields(
  fields: Readonly<Record<string, string>>,
): ServiceMetadata {
  const dict: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    try {
      dict[key] = JSON.parse(value);
    } catch (cause) {
      throw new InvalidServiceMetadataError(
        `Invalid service metadata "${key}": the stored field is not JSON`,
        { cause, data: { field: key } },
      );
    }
  }
  return serviceMetadataFromPython(dict);
}
