// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's agent RPC part: an agent (our {@linkcode RpcServer} with the
 * typed v3 handlers) on loopback behind CurveZMQ, and the manager side
 * pinging it and asking for its hardware through an
 * {@linkcode AgentClientPool}, over callosum's wire format.
 *
 * @module
 */

import { cpus, totalmem } from "node:os";
import {
  AgentClientPool,
  agentRpcMethods,
  AgentRpcUserError,
  RpcServer,
  zeromqTransport,
} from "../../clients/agent/mod.ts";
import type { Logger } from "../../utils.ts";

/** What the demo passes in. */
export interface AgentDemoOptions {
  /** Prints a section title. */
  section: (title: string) => void;
  /** Prints a labelled value. */
  show: (label: string, value: unknown) => void;
  /** A logger that stays quiet. */
  logger: Logger;
}

/**
 * Runs the agent RPC part of the demo.
 *
 * @param options How to print.
 */
export async function agentDemo(options: AgentDemoOptions): Promise<void> {
  const { section, show, logger } = options;
  section("clients/agent: callosum RPC over ZeroMQ, CurveZMQ, pool (loopback)");
  const transport = zeromqTransport();
  const agentKeys = await transport.curveKeyPair();
  const managerKeys = await transport.curveKeyPair();

  await using agent = new RpcServer({
    transport,
    logger,
    curve: {
      secretKey: agentKeys.secretKey,
      allowedClientKeys: [managerKeys.publicKey],
    },
    methods: agentRpcMethods({
      health: () => ({
        status: "ok",
        version: "0.1.0",
        component: "agent",
        connectivity: {
          overall_healthy: true,
          connectivity_checks: [],
          timestamp: new Date().toISOString(),
        },
      }),
      gatherHwinfo: () => ({
        devices: [{
          device_name: "cpu",
          status: "healthy",
          status_info: null,
          metadata: {
            cores: String(cpus().length),
            memory_bytes: String(totalmem()),
          },
        }],
      }),
    }),
  });
  const address = await agent.listen("tcp://127.0.0.1:0");
  show("agent listening (CURVE, manager key only)", address);

  await using pool = new AgentClientPool({
    logger,
    clientOptions: { transport, agentId: "i-demo" },
  });
  const curve = {
    serverPublicKey: agentKeys.publicKey,
    publicKey: managerKeys.publicKey,
    secretKey: managerKeys.secretKey,
  };
  const pong = await pool.run(
    address,
    (client, signal) => client.ping({ signal, timeoutMs: 5_000 }),
    { curve },
  );
  show("ping", pong);
  const health = await pool.run(
    address,
    (client, signal) => client.health({ signal, timeoutMs: 5_000 }),
    { curve },
  );
  show("health_v2", `${health.status}, version ${health.version}`);
  const hw = await pool.run(
    address,
    (client, signal) => client.gatherHwinfo({ signal, timeoutMs: 5_000 }),
    { curve },
  );
  show(
    "gather_hwinfo_v2",
    hw.devices.map((d) =>
      `${d.device_name} ${d.status} ${JSON.stringify(d.metadata)}`
    ).join("; "),
  );
  try {
    const client = await pool.get(address, { curve });
    await client.rpc.invoke("create_kernels", { args: [], kwargs: {} }, {
      timeoutMs: 5_000,
    });
  } catch (error) {
    if (!(error instanceof AgentRpcUserError)) throw error;
    show(
      "a method this agent lacks",
      `${error.name}: remote ${error.remoteRepr}, server still serving`,
    );
  }
  await pool.checkAll();
  show(
    "pool health",
    pool.health().map((h) => `${h.address} healthy=${h.healthy}`),
  );
}
