// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode AgentClient}: the manager's view of one agent, upstream's
 * `common/clients/agent/client.py` on {@linkcode RpcClient}: Backend.AI's
 * body convention, typed methods for the JSON-safe calls (`ping`,
 * `health_v2`, `gather_hwinfo_v2`, validated with `dto`), and a generic
 * {@linkcode AgentClient.call} for the rest. It never sends a method name
 * upstream's agent does not register: that agent's receive loop dies on an
 * unknown method (callosum's `_func_registry[method]` raises inside it).
 *
 * @module
 */

import type { z } from "zod";
import {
  type AgentHealthResponse,
  AgentHealthResponseSchema,
  type AgentHwinfoResponse,
  AgentHwinfoResponseSchema,
  AgentPingSchema,
  AgentRpcMethod,
} from "../../dto/agent.ts";
import { InvalidAPIParameters } from "../../exception.ts";
import { AgentRpcResponseError } from "./errors.ts";
import {
  type InvokeOptions,
  RpcClient,
  type RpcClientOptions,
} from "./rpc_client.ts";

/**
 * The methods upstream's agent registers (Backend.AI main, `agent/server.py`:
 * v1, v2 and the v3 registry).
 *
 * @example Usage
 * ```ts
 * import { AGENT_RPC_METHODS } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * assert.ok(AGENT_RPC_METHODS.includes("health_v2"));
 * ```
 */
export const AGENT_RPC_METHODS: readonly string[] = Object.freeze([
  "ping",
  "health",
  "gather_hwinfo",
  "ping_kernel",
  "check_pulling",
  "check_creating",
  "check_running",
  "sync_kernel_registry",
  "check_and_pull",
  "create_kernels",
  "destroy_kernel",
  "interrupt_kernel",
  "get_logs",
  "restart_kernel",
  "execute",
  "trigger_batch_execution",
  "start_service",
  "get_commit_status",
  "commit",
  "push_image",
  "get_local_config",
  "shutdown_service",
  "upload_file",
  "download_file",
  "download_single",
  "list_files",
  "shutdown_agent",
  "create_local_network",
  "destroy_local_network",
  "reset_agent",
  "assign_port",
  "release_port",
  "scan_gpu_alloc_map",
  "get_completions",
  "purge_images",
  "health_v2",
  "gather_hwinfo_v2",
]);

/** Options of {@linkcode AgentClient.connect}. */
export interface AgentClientOptions extends RpcClientOptions {
  /**
   * The agent id sent as `agent_id` to the v3 calls; `null` selects the
   * process's primary agent.
   *
   * @default {null}
   */
  agentId?: string | null | undefined;
  /**
   * More method names this agent is known to serve (a newer or a
   * TypeScript agent); calls outside {@linkcode AGENT_RPC_METHODS} and these
   * are refused before anything is sent.
   *
   * @default {[]}
   */
  extraMethods?: readonly string[] | undefined;
}

/**
 * One agent, called the way upstream's manager calls it.
 *
 * @example Usage (needs an agent; shown, not run)
 * ```ts ignore
 * import { AgentClient } from "@backendai/common/clients/agent";
 *
 * await using agent = await AgentClient.connect("tcp://10.0.0.2:6001", { agentId: "i-ag1" });
 * await agent.ping();
 * const health = await agent.health();
 * const hw = await agent.gatherHwinfo();
 * await agent.call("sync_kernel_registry", [[]], { agent_id: "i-ag1" });
 * ```
 */
export class AgentClient {
  /** The RPC connection underneath. */
  readonly rpc: RpcClient;
  /** The `agent_id` sent to the v3 calls. */
  readonly agentId: string | null;
  readonly #methods: ReadonlySet<string>;

  /**
   * Wraps a connected {@linkcode RpcClient}.
   *
   * @param rpc The connection.
   * @param options The agent id and extra methods.
   */
  constructor(
    rpc: RpcClient,
    options: Pick<AgentClientOptions, "agentId" | "extraMethods"> = {},
  ) {
    this.rpc = rpc;
    this.agentId = options.agentId ?? null;
    this.#methods = new Set([
      ...AGENT_RPC_METHODS,
      ...(options.extraMethods ?? []),
    ]);
  }

  /**
   * Connects to an agent and runs callosum's connect check.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * const agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * await agent.close();
   * ```
   *
   * @param address `tcp://host:port`.
   * @param options Keys, timeouts, agent id.
   * @returns The client.
   * @throws {AgentRpcConnectError} When the agent does not answer the check.
   */
  static async connect(
    address: string,
    options: AgentClientOptions = {},
  ): Promise<AgentClient> {
    return new AgentClient(await RpcClient.connect(address, options), options);
  }

  /** The agent's address. */
  get address(): string {
    return this.rpc.address;
  }

  /**
   * Calls `method(*args, **kwargs)` on the agent.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * await using agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * await agent.call("get_local_config", [], { agent_id: null }, { timeoutMs: 10_000 });
   * ```
   *
   * @param method A method upstream's agent registers (or an extra one).
   * @param args Positional arguments.
   * @param kwargs Keyword arguments.
   * @param options Timeout, signal, order key.
   * @returns The agent's result.
   * @throws {InvalidAPIParameters} For a method the agent does not serve.
   */
  call(
    method: string,
    args: readonly unknown[] = [],
    kwargs: Readonly<Record<string, unknown>> = {},
    options?: InvokeOptions,
  ): Promise<unknown> {
    if (!this.#methods.has(method)) {
      return Promise.reject(
        new InvalidAPIParameters(
          `The agent does not serve the RPC method "${method}"`,
          { data: { field: "method", value: method, address: this.address } },
        ),
      );
    }
    return this.rpc.invoke(method, { args, kwargs }, options);
  }

  async #typed<T>(
    schema: z.ZodType<T>,
    method: string,
    args: readonly unknown[],
    kwargs: Readonly<Record<string, unknown>>,
    options?: InvokeOptions,
  ): Promise<T> {
    const result = await this.call(method, args, kwargs, options);
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      throw new AgentRpcResponseError(
        `The reply of "${method}" from ${this.address} does not match its schema`,
        {
          data: { address: this.address, method, issues: parsed.error.issues },
          cause: parsed.error,
        },
      );
    }
    return parsed.data;
  }

  /**
   * Calls `ping("ping")`, as upstream's pool health check does.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * await using agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * await agent.ping({ timeoutMs: 5_000 });
   * ```
   *
   * @param options Timeout and signal.
   * @returns `"ping"`, as the agent echoes it.
   */
  ping(options?: InvokeOptions): Promise<string> {
    return this.#typed(AgentPingSchema, AgentRpcMethod.PING, ["ping"], {}, {
      ...options,
    });
  }

  /**
   * Calls `health_v2` (upstream's `AgentClient.health`).
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * await using agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * const { status } = await agent.health();
   * ```
   *
   * @param options Timeout and signal.
   * @returns The health report.
   * @throws {AgentRpcResponseError} When the reply does not match the schema.
   */
  health(options?: InvokeOptions): Promise<AgentHealthResponse> {
    return this.#typed(
      AgentHealthResponseSchema,
      AgentRpcMethod.HEALTH,
      [],
      { req: {}, agent_id: this.agentId },
      options,
    );
  }

  /**
   * Calls `gather_hwinfo_v2` (upstream's `AgentClient.gather_hwinfo`).
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * await using agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * const { devices } = await agent.gatherHwinfo();
   * ```
   *
   * @param options Timeout and signal.
   * @returns One entry per device plugin.
   * @throws {AgentRpcResponseError} When the reply does not match the schema.
   */
  gatherHwinfo(options?: InvokeOptions): Promise<AgentHwinfoResponse> {
    return this.#typed(
      AgentHwinfoResponseSchema,
      AgentRpcMethod.GATHER_HWINFO,
      [],
      { req: {}, agent_id: this.agentId },
      options,
    );
  }

  /**
   * Closes the connection.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClient } from "@backendai/common/clients/agent";
   *
   * const agent = await AgentClient.connect("tcp://10.0.0.2:6001");
   * await agent.close();
   * ```
   *
   * @returns When closed.
   */
  close(): Promise<void> {
    return this.rpc.close();
  }

  /**
   * Same as {@linkcode AgentClient.close}, for `await using`.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
