// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's agent: a process of its own running our {@linkcode RpcServer}
 * with the typed v3 handlers behind CurveZMQ, accepting only the manager's
 * public key. It reads its secret key and the manager's public key from
 * `BACKEND_DEMO_AGENT_SECRET_KEY` and `BACKEND_DEMO_MANAGER_PUBLIC_KEY`,
 * prints the address it listens on as one line, and closes when its stdin
 * does (the demo ending, or dying).
 *
 * ```sh
 * BACKEND_DEMO_AGENT_SECRET_KEY=... BACKEND_DEMO_MANAGER_PUBLIC_KEY=... \
 *   deno run -A scripts/demo/_agent_process.ts
 * ```
 *
 * @module
 */

import { cpus, totalmem } from "node:os";
import process from "node:process";
import { agentRpcMethods, RpcServer } from "../../clients/agent/mod.ts";
import type { Logger } from "../../utils.ts";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, ...rest) => console.error(message, ...rest),
};

await using agent = new RpcServer({
  logger: quiet,
  curve: {
    secretKey: required("BACKEND_DEMO_AGENT_SECRET_KEY"),
    allowedClientKeys: [required("BACKEND_DEMO_MANAGER_PUBLIC_KEY")],
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
          pid: String(process.pid),
        },
      }],
    }),
  }),
});
console.log(await agent.listen("tcp://127.0.0.1:0"));
// Serve until the demo closes our stdin.
for await (const _ of process.stdin) {
  // nothing is read from it
}
