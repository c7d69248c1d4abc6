// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The agent side of the JSON-safe calls: {@linkcode agentRpcMethods} turns
 * plain functions into {@linkcode RpcServer} handlers that read the
 * request the way upstream's `AgentRPCRegistry` does (`kwargs.req`,
 * `kwargs.agent_id`) and check requests and replies with the same `dto`
 * schemas the client uses.
 *
 * @module
 */

import {
  type AgentHealthResponse,
  AgentHealthResponseSchema,
  type AgentHwinfoResponse,
  AgentHwinfoResponseSchema,
  AgentPingSchema,
  AgentRpcMethod,
  AgentV3KwargsSchema,
} from "../../dto/agent.ts";
import { InvalidAPIParameters } from "../../exception.ts";
import type { RpcHandler } from "./rpc_server.ts";

/** What a TypeScript agent implements for the typed calls. */
export interface AgentServiceHandlers {
  /**
   * Answers `health_v2`.
   *
   * @param agentId The `agent_id` asked for (`null`: the primary agent).
   * @param signal Aborted when the call is cancelled.
   * @returns The health report.
   */
  health(
    agentId: string | null,
    signal: AbortSignal,
  ): AgentHealthResponse | Promise<AgentHealthResponse>;
  /**
   * Answers `gather_hwinfo_v2`.
   *
   * @param agentId The `agent_id` asked for (`null`: the primary agent).
   * @param signal Aborted when the call is cancelled.
   * @returns One entry per device plugin.
   */
  gatherHwinfo(
    agentId: string | null,
    signal: AbortSignal,
  ): AgentHwinfoResponse | Promise<AgentHwinfoResponse>;
}

function parseOrThrow<T>(
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | {
      success: false;
      error: { message: string };
    };
  },
  value: unknown,
  field: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidAPIParameters(
      `Invalid ${field}: ${parsed.error.message}`,
      {
        data: { field },
      },
    );
  }
  return parsed.data;
}

/**
 * The handlers of `ping`, `health_v2` and `gather_hwinfo_v2`, for
 * {@linkcode RpcServer}'s `methods`.
 *
 * @example Usage
 * ```ts
 * import { agentRpcMethods, RpcServer } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const methods = agentRpcMethods({
 *   health: () => ({
 *     status: "ok", version: "0.1.0", component: "agent",
 *     connectivity: { overall_healthy: true, connectivity_checks: [], timestamp: new Date().toISOString() },
 *   }),
 *   gatherHwinfo: () => ({ devices: [] }),
 * });
 * const server = new RpcServer({ methods });
 * assert.deepEqual(server.methods, ["ping", "health_v2", "gather_hwinfo_v2"]);
 * ```
 *
 * @param handlers The agent's implementation.
 * @returns The handlers by method name.
 */
export function agentRpcMethods(
  handlers: AgentServiceHandlers,
): Record<string, RpcHandler> {
  return {
    [AgentRpcMethod.PING]: ({ args }) =>
      parseOrThrow(AgentPingSchema, args[0], "ping argument"),
    [AgentRpcMethod.HEALTH]: async ({ kwargs, signal }) => {
      const { agent_id } = parseOrThrow(AgentV3KwargsSchema, kwargs, "kwargs");
      return parseOrThrow(
        AgentHealthResponseSchema,
        await handlers.health(agent_id, signal),
        "health reply",
      );
    },
    [AgentRpcMethod.GATHER_HWINFO]: async ({ kwargs, signal }) => {
      const { agent_id } = parseOrThrow(AgentV3KwargsSchema, kwargs, "kwargs");
      return parseOrThrow(
        AgentHwinfoResponseSchema,
        await handlers.gatherHwinfo(agent_id, signal),
        "hardware info reply",
      );
    },
  };
}
