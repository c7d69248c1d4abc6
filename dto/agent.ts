// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Schemas of the agent RPC calls that are JSON-safe (no pickled values):
 * `ping`, and the v3 calls `health_v2` and `gather_hwinfo_v2`, whose bodies
 * upstream writes with pydantic's `model_dump(mode="json")`. The client
 * validates the replies with them and the server the requests, so both
 * sides of {@linkcode AgentRpcMethod} agree.
 *
 * Replies are read loosely: a field a newer agent adds is kept, not
 * dropped.
 *
 * @module
 */

import { z } from "zod";

/**
 * The names of the calls these schemas describe.
 *
 * @example Usage
 * ```ts
 * import { AgentRpcMethod } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AgentRpcMethod.HEALTH, "health_v2");
 * ```
 */
export const AgentRpcMethod = {
  PING: "ping",
  HEALTH: "health_v2",
  GATHER_HWINFO: "gather_hwinfo_v2",
} as const;
/** One of the {@linkcode AgentRpcMethod} names. */
export type AgentRpcMethod = typeof AgentRpcMethod[keyof typeof AgentRpcMethod];

/** Backend.AI's request body: `{"args": [...], "kwargs": {...}}`. */
export interface AgentCallBody {
  /** Positional arguments. */
  args: unknown[];
  /** Keyword arguments. */
  kwargs: Record<string, unknown>;
}

/**
 * The request body of every Backend.AI agent call.
 *
 * @example Usage
 * ```ts
 * import { AgentCallBodySchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.ok(AgentCallBodySchema.safeParse({ args: ["ping"], kwargs: {} }).success);
 * assert.ok(!AgentCallBodySchema.safeParse({ args: "ping" }).success);
 * ```
 */
export const AgentCallBodySchema: z.ZodType<AgentCallBody> = z.object({
  args: z.array(z.unknown()),
  kwargs: z.record(z.string(), z.unknown()),
});

/** The keyword arguments of a v3 call: the request model and the agent id. */
export interface AgentV3Kwargs {
  /** The request model, dumped as JSON (empty for health and hwinfo). */
  req: Record<string, unknown>;
  /** Which agent of a multi-agent process; `null` selects the primary one. */
  agent_id: string | null;
}

/**
 * The keyword arguments of `health_v2` and `gather_hwinfo_v2`.
 *
 * @example Usage
 * ```ts
 * import { AgentV3KwargsSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(AgentV3KwargsSchema.parse({ req: {}, agent_id: null }), { req: {}, agent_id: null });
 * ```
 */
export const AgentV3KwargsSchema: z.ZodType<AgentV3Kwargs> = z.object({
  req: z.record(z.string(), z.unknown()),
  agent_id: z.string().nullable(),
});

/** One dependency check in a health reply (upstream's `ConnectivityCheck`). */
export interface AgentConnectivityCheck {
  /** The service group checked, e.g. `"redis"`. */
  service_group: string;
  /** The component's id. */
  component_id: string;
  /** Whether it answered. */
  is_healthy: boolean;
  /** When it was checked, ISO 8601. */
  last_checked_at: string;
  /** Why it is unhealthy, if it is. */
  error_message: string | null;
  /** Fields a newer agent adds. */
  [field: string]: unknown;
}

/** The reply of `health_v2` (upstream's `HealthResp`). */
export interface AgentHealthResponse {
  /** `"ok"` or `"degraded"`. */
  status: "ok" | "degraded";
  /** The agent's version. */
  version: string;
  /** Always `"agent"`. */
  component: string;
  /** The dependency checks. */
  connectivity: {
    /** Whether every check passed. */
    overall_healthy: boolean;
    /** One per dependency. */
    connectivity_checks: AgentConnectivityCheck[];
    /** When the checks ran, ISO 8601. */
    timestamp: string;
    /** Fields a newer agent adds. */
    [field: string]: unknown;
  };
  /** Fields a newer agent adds. */
  [field: string]: unknown;
}

const ConnectivityCheckSchema = z.looseObject({
  service_group: z.string(),
  component_id: z.string(),
  is_healthy: z.boolean(),
  last_checked_at: z.string(),
  error_message: z.string().nullable(),
});

/**
 * The reply of `health_v2`.
 *
 * @example Usage
 * ```ts
 * import { AgentHealthResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const health = AgentHealthResponseSchema.parse({
 *   status: "ok", version: "26.1.0", component: "agent",
 *   connectivity: { overall_healthy: true, connectivity_checks: [], timestamp: "2026-12-07T12:00:00Z" },
 * });
 * assert.equal(health.status, "ok");
 * ```
 */
export const AgentHealthResponseSchema: z.ZodType<AgentHealthResponse> = z
  .looseObject({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    component: z.string(),
    connectivity: z.looseObject({
      overall_healthy: z.boolean(),
      connectivity_checks: z.array(ConnectivityCheckSchema),
      timestamp: z.string(),
    }),
  });

/** The state of one device in a hardware report. */
export type AgentDeviceStatus =
  | "healthy"
  | "degraded"
  | "offline"
  | "unavailable";

/** One device of `gather_hwinfo_v2`. */
export interface AgentDeviceInfo {
  /** The device plugin's name, e.g. `"cpu"`, `"cuda"`. */
  device_name: string;
  /** Its state. */
  status: AgentDeviceStatus;
  /** Why it is not healthy, if it is not. */
  status_info: string | null;
  /** Plugin-specific facts. */
  metadata: Record<string, string>;
  /** Fields a newer agent adds. */
  [field: string]: unknown;
}

/** The reply of `gather_hwinfo_v2`. */
export interface AgentHwinfoResponse {
  /** One entry per device plugin. */
  devices: AgentDeviceInfo[];
  /** Fields a newer agent adds. */
  [field: string]: unknown;
}

/**
 * The reply of `gather_hwinfo_v2`.
 *
 * @example Usage
 * ```ts
 * import { AgentHwinfoResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const info = AgentHwinfoResponseSchema.parse({
 *   devices: [{ device_name: "cpu", status: "healthy", status_info: null, metadata: { cores: "8" } }],
 * });
 * assert.equal(info.devices[0]?.metadata.cores, "8");
 * ```
 */
export const AgentHwinfoResponseSchema: z.ZodType<AgentHwinfoResponse> = z
  .looseObject({
    devices: z.array(z.looseObject({
      device_name: z.string(),
      status: z.enum(["healthy", "degraded", "offline", "unavailable"]),
      status_info: z.string().nullable(),
      metadata: z.record(z.string(), z.string()),
    })),
  });

/**
 * The argument and the reply of `ping`: the same string (upstream's pool
 * sends `"ping"`).
 *
 * @example Usage
 * ```ts
 * import { AgentPingSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AgentPingSchema.parse("ping"), "ping");
 * ```
 */
export const AgentPingSchema: z.ZodType<string> = z.string();
