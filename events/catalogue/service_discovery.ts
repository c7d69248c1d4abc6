// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Service discovery events (upstream
 * `event_types/service_discovery/anycast.py`), anycast; they do not route.
 * Upstream 26.8 carried them as tuples of bytes: `service_registered` as
 * the JSON of most of its body and the UTF-8 of `startup_time`,
 * `service_deregistered` as the UTF-8 of its two fields, and
 * `do_sweep_stale_services` as `(b"",)`.
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** One endpoint of a service instance (upstream `ServiceEndpointInfo`). */
export interface ServiceEndpointInfo {
  /** E.g. `"main"`, `"health"`, `"internal"`. */
  role: string;
  /** E.g. `"public"`, `"private"`. */
  scope: string;
  /** Host name or IP address. */
  address: string;
  /** Port number. */
  port: number;
  /** E.g. `"grpc"`, `"http"`. */
  protocol: string;
  /** More about it. */
  metadata: Record<string, unknown>;
}

/** The body of `service_registered`. */
export interface ServiceRegisteredBody {
  /** The instance id. */
  instance_id: string;
  /** The logical service group. */
  service_group: string;
  /** A human-readable name. */
  display_name: string;
  /** The version. */
  version: string;
  /** Labels. */
  labels: Record<string, string>;
  /** The endpoints. */
  endpoints: ServiceEndpointInfo[];
  /** When the instance started (ISO 8601, as pydantic writes datetimes). */
  startup_time: string;
  /** A hash of its configuration (default `""`). */
  config_hash: string;
}

/** The body of `service_deregistered`. */
export interface ServiceDeregisteredBody {
  /** The instance id. */
  instance_id: string;
  /** The logical service group. */
  service_group: string;
}

/** `service_registered`: a service instance registered or sent a heartbeat. */
export const ServiceRegisteredEvent: EventDefinition<ServiceRegisteredBody> =
  defineEvent({
    name: "service_registered",
    domain: EventDomain.SERVICE_DISCOVERY,
    pattern: "anycast",
    schema: z.object({
      instance_id: z.string(),
      service_group: z.string(),
      display_name: z.string(),
      version: z.string(),
      labels: z.record(z.string(), z.string()).default({}),
      endpoints: z.array(z.object({
        role: z.string(),
        scope: z.string(),
        address: z.string(),
        port: z.number().int(),
        protocol: z.string(),
        metadata: z.record(z.string(), z.unknown()).default({}),
      })).default([]),
      startup_time: z.string(),
      config_hash: z.string().default(""),
    }),
    legacyFields: [
      {
        fields: [
          "instance_id",
          "service_group",
          "display_name",
          "version",
          "labels",
          "endpoints",
          "config_hash",
        ],
        as: "json",
      },
      { field: "startup_time", as: "utf8" },
    ],
  });

/** `service_deregistered`: a service instance left the catalog. */
export const ServiceDeregisteredEvent: EventDefinition<
  ServiceDeregisteredBody
> = defineEvent({
  name: "service_deregistered",
  domain: EventDomain.SERVICE_DISCOVERY,
  pattern: "anycast",
  schema: z.object({ instance_id: z.string(), service_group: z.string() }),
  legacyFields: [
    { field: "instance_id", as: "utf8" },
    { field: "service_group", as: "utf8" },
  ],
});

/** `do_sweep_stale_services`: sweep stale services from the catalog. */
export const DoSweepStaleServicesEvent: EventDefinition<
  Record<string, never>
> = defineEvent({
  name: "do_sweep_stale_services",
  domain: EventDomain.SERVICE_DISCOVERY,
  pattern: "anycast",
  schema: z.object({}) as unknown as z.ZodType<Record<string, never>>,
  legacyFields: [{ constant: new Uint8Array(0) }],
});

/**
 * The service discovery events (all anycast).
 *
 * @example Encoding
 * ```ts
 * import { SERVICE_DISCOVERY_EVENTS, ServiceDeregisteredEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SERVICE_DISCOVERY_EVENTS.length, 3);
 * assert.ok(SERVICE_DISCOVERY_EVENTS.every((definition) => definition.pattern === "anycast"));
 * assert.equal(
 *   ServiceDeregisteredEvent.encode({ instance_id: "i-1", service_group: "manager" }),
 *   '{"instance_id":"i-1","service_group":"manager"}',
 * );
 * ```
 */
export const SERVICE_DISCOVERY_EVENTS: readonly EventDefinition<unknown>[] = [
  ServiceRegisteredEvent,
  ServiceDeregisteredEvent,
  DoSweepStaleServicesEvent,
];
