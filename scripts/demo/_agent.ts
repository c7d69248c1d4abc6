// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's agent RPC part: an agent process (our `RpcServer` with the
 * typed v3 handlers, `_agent_process.ts`) on loopback behind CurveZMQ, and
 * the manager side
 * pinging it and asking for its hardware through an
 * {@linkcode AgentClientPool}, over callosum's wire format.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import process from "node:process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  AgentClientPool,
  AgentRpcUserError,
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
 * Runs the agent RPC part of the demo: the agent in a process of its own
 * (`_agent_process.ts`), the manager side here.
 *
 * @param options How to print.
 */
export async function agentDemo(options: AgentDemoOptions): Promise<void> {
  const { section, show, logger } = options;
  section(
    "clients/agent: callosum RPC, CurveZMQ, pool (an agent process on loopback)",
  );
  const transport = zeromqTransport();
  const agentKeys = await transport.curveKeyPair();
  const managerKeys = await transport.curveKeyPair();

  const child = spawn(
    process.execPath,
    ["run", "-A", fileURLToPath(import.meta.resolve("./_agent_process.ts"))],
    {
      env: {
        ...process.env,
        BACKEND_DEMO_AGENT_SECRET_KEY: agentKeys.secretKey,
        BACKEND_DEMO_MANAGER_PUBLIC_KEY: managerKeys.publicKey,
      },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = once(child, "exit");
  await using _agentProcess = {
    async [Symbol.asyncDispose]() {
      child.stdin?.end(); // the agent closes its server and exits
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const lines = createInterface({ input: child.stdout! });
  const [address] = await Promise.race([
    once(lines, "line") as Promise<[string]>,
    exited.then(([code]) => {
      throw new Error(`the demo agent exited (${code}) before listening`);
    }),
  ]);
  lines.close();
  show(`agent process ${child.pid} (CURVE, manager key only)`, address);

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
