// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Network faults between the agent RPC client and an RpcServer of the
// test's own (ZMTP over loopback), through the fault proxy
// (_fault_proxy.ts). A caller runs `ping` every 50 ms through an
// AgentClientPool whose per-agent breaker opens after 3 transport failures
// for 1 s; each call has a 500 ms limit (the pool's callTimeoutMs and the
// client's timeout), the handshake 500 ms, the pool's health check runs
// every second with a 500 ms timeout. In turn: 150 ms of delay each way
// (calls succeed, slower), a partition (blackhole) for 3 s, the connection
// going half-open (dead without a close) for 2 s, every connection reset
// (cut), and connections refused for 1 s. Asserted: no call outlives its
// limit (plus 500 ms of slack for a loaded machine), the breaker opens
// during the partition and the half-open connection and fails calls fast
// while open, the calls succeed again within a bound after each fault, and
// the breaker ends closed.
//
// The recovery code under test: the pool's replacement of a client whose
// health check failed (clients/agent/agent_pool.ts, #runCheck dropping the
// client, and the check that a timed-out call starts at once). A half-open
// connection never closes, so without it every call after the fault still
// times out on the dead connection and the test fails (checked by removing
// the drop). Also: the client's per-call timeout and the pool's
// TimeoutPolicy (without them a call in the partition waits for ever), the
// ZMTP dealer's reconnect after a cut (clients/agent/_zmtp.ts), and the
// breaker (resilience/circuit_breaker.ts).

import assert from "node:assert/strict";
import {
  AgentClientPool,
  AgentRpcRemoteError,
  RpcServer,
  zmtpTransport,
} from "../../clients/agent/mod.ts";
import { CircuitBreakerPolicy } from "../../resilience/mod.ts";
import { quietLogger } from "../_logger.ts";
import { faultProxy } from "./_fault_proxy.ts";
import { runNetworkFaults } from "./_network_run.ts";
import { reportFaultFigures } from "./_report.ts";

const TIMEOUT_MS = 500;
const SLACK_MS = 500;
const BREAKER_RECOVERY_MS = 1_000;
const HEALTH_CHECK_MS = 1_000;

Deno.test("fault: network faults between the agent RPC client and its server: no call hangs, the breaker opens and closes, the pool recovers", async () => {
  const transport = zmtpTransport();
  await using server = new RpcServer({
    transport,
    logger: quietLogger,
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const port = Number(endpoint.split(":").at(-1));
  await using proxy = await faultProxy({ host: "127.0.0.1", port });
  const address = `tcp://127.0.0.1:${proxy.port}`;
  const breaker = new CircuitBreakerPolicy({
    name: `agent ${address}`,
    failureThreshold: 3,
    recoveryMs: BREAKER_RECOVERY_MS,
    isFailure: (error) => !(error instanceof AgentRpcRemoteError),
  });
  await using pool = new AgentClientPool({
    clientOptions: {
      transport,
      timeoutMs: TIMEOUT_MS,
      handshakeTimeoutMs: TIMEOUT_MS,
      logger: quietLogger,
    },
    healthCheckIntervalMs: HEALTH_CHECK_MS,
    healthCheckTimeoutMs: TIMEOUT_MS,
    callTimeoutMs: TIMEOUT_MS,
    breaker: () => breaker,
    logger: quietLogger,
  });
  assert.equal(await (await pool.get(address)).ping(), "ping");
  proxy.delayMs = 150;
  const run = await runNetworkFaults({
    proxy,
    breaker,
    // Through the pool's breaker and its callTimeoutMs.
    call: () => pool.run(address, (client, signal) => client.ping({ signal })),
    faults: [
      { name: "delay", mode: "delay", ms: 1_500 },
      { name: "blackhole", mode: "blackhole", ms: 3_000 },
      { name: "half-open", mode: "half-open", ms: 2_000 },
      { name: "cut", mode: "pass", ms: 200, cut: true },
      { name: "refuse", mode: "refuse", ms: 1_000, cut: true },
    ],
  });
  const { calls, states, recoveries, during } = run;
  const slowest = Math.round(Math.max(...calls.map((c) => c.ms)));
  const errors = [...new Set(calls.map((c) => c.error).filter(Boolean))];
  console.log(
    `network faults (agent RPC): ${calls.length} calls, slowest ${slowest} ms, ` +
      `${calls.filter((c) => c.outcome === "open").length} refused by the ` +
      `open breaker, errors ${JSON.stringify(errors)}, breaker ${
        JSON.stringify(states)
      }, replacements ${pool.health()[0]?.replacements}, recovered after ${
        JSON.stringify(recoveries)
      } ms`,
  );
  await reportFaultFigures({
    kind: "fault",
    name: "network-rpc",
    recoveryMs: Math.max(...Object.values(recoveries)),
  });
  assert.ok(
    slowest <= TIMEOUT_MS + SLACK_MS,
    `no call took longer than its timeout (slowest ${slowest} ms)`,
  );
  assert.ok(
    during.delay!.some((c) => c.outcome === "ok" && c.ms >= 300),
    "calls through the delay succeeded, slower",
  );
  assert.ok(run.openedDuring.blackhole, "the breaker opened in the partition");
  assert.ok(
    run.openedDuring["half-open"],
    "the breaker opened on the half-open connection",
  );
  assert.ok(
    during.blackhole!.some((c) => c.outcome === "open" && c.ms < 50),
    "the open breaker failed calls fast",
  );
  assert.ok(
    errors.every((name) =>
      /^(AgentRpc\w+Error|ResilienceTimeoutError|CircuitOpenError)$/.test(
        name!,
      )
    ),
    `every failure is typed: ${errors}`,
  );
  assert.ok(
    (pool.health()[0]?.replacements ?? 0) >= 1,
    "the health check replaced the dead client",
  );
  const bound: Record<string, number> = {
    delay: 1_000,
    blackhole: BREAKER_RECOVERY_MS + TIMEOUT_MS + SLACK_MS + 200,
    // The timed-out call's check (500 ms) drops the client; the breaker's
    // trial after its 1 s connects anew (a handshake, a call).
    "half-open": BREAKER_RECOVERY_MS + 3 * TIMEOUT_MS + SLACK_MS,
    cut: BREAKER_RECOVERY_MS + TIMEOUT_MS + SLACK_MS,
    refuse: BREAKER_RECOVERY_MS + 2 * TIMEOUT_MS + SLACK_MS,
  };
  for (const [name, ms] of Object.entries(recoveries)) {
    assert.ok(
      ms <= bound[name]!,
      `recovered from ${name} in ${ms} ms (bound ${bound[name]} ms)`,
    );
  }
  assert.equal(breaker.state, "closed", "the breaker ends closed");
});
