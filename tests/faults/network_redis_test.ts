// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Network faults between the Redis client and a Redis of the test's own,
// through a proxy on loopback (_fault_proxy.ts). A caller pings every
// 50 ms through a circuit breaker (3 consecutive failures open it for
// 1 s); the connection has a 500 ms request timeout and a health check
// every second (500 ms timeout). In turn: 150 ms of delay each way (calls succeed), a
// partition (blackhole) for 3 s, the connection going half-open (dead
// without a close) for 1 s, every connection reset (cut), and connections
// refused for 1 s. Asserted: no call takes longer than its timeout (plus
// 500 ms of slack for a loaded machine), the breaker opens during the
// partition and fails calls fast while open, and after each fault the
// calls succeed again within a bound: the breaker's 1 s plus a timeout
// after the partition, three failed health checks (the monitor's
// threshold) plus a timeout and the breaker after half-open,
// 1 s after a cut or refusal; and the breaker ends closed.
//
// The recovery code under test: the command deadlines
// (clients/valkey/_deadlines.ts: without them a call in a partition waits
// for ever; with the scan bug fixed alongside this test, calls waited up to
// 2.2 s behind the health check's PING), the health monitor's reconnect
// (clients/valkey/health.ts) and the stall detector of _deadlines.ts
// (without both, a half-open connection is never replaced), the reconnect
// backoff of clients/valkey/connect.ts, and the breaker
// (resilience/circuit_breaker.ts).

import assert from "node:assert/strict";
import { closeValkey, connectValkey } from "../../clients/valkey/mod.ts";
import {
  CircuitBreakerPolicy,
  CircuitOpenError,
} from "../../resilience/mod.ts";
import { quietLogger } from "../_logger.ts";
import { type FaultMode, faultProxy } from "./_fault_proxy.ts";
import { FaultRedis } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const TIMEOUT_MS = 500;
const SLACK_MS = 500;
const BREAKER_RECOVERY_MS = 1_000;
const HEALTH_CHECK_MS = 1_000;
const HEALTH_CHECK_TIMEOUT_MS = 500;
// The health monitor reconnects after 3 failed checks in a row.
const HEALTH_FAILURES = 3;

interface Call {
  at: number;
  ms: number;
  outcome: "ok" | "open" | "failed";
}

Deno.test("fault: network faults between the Redis client and Redis: no call hangs, the breaker opens and closes, the client recovers", async () => {
  await using redis = await FaultRedis.start();
  await using proxy = await faultProxy({ host: "127.0.0.1", port: redis.port });
  const client = await connectValkey(
    { addr: proxy.addr, requestTimeoutMs: TIMEOUT_MS },
    {
      healthCheckIntervalMs: HEALTH_CHECK_MS,
      healthCheckTimeoutMs: HEALTH_CHECK_TIMEOUT_MS,
      logger: quietLogger,
    },
  );
  const breaker = new CircuitBreakerPolicy({
    failureThreshold: 3,
    recoveryMs: BREAKER_RECOVERY_MS,
  });
  const states: string[] = [];
  breaker.onStateChange(({ to }) => states.push(to));
  const calls: Call[] = [];
  const started = performance.now();
  const now = () => performance.now() - started;
  let calling = true;
  const caller = (async () => {
    while (calling) {
      const at = now();
      let outcome: Call["outcome"] = "ok";
      try {
        await breaker.execute(() => client.ping());
      } catch (error) {
        outcome = error instanceof CircuitOpenError ? "open" : "failed";
      }
      calls.push({ at, ms: now() - at, outcome });
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const recoveries: Record<string, number> = {};
  // Runs `mode` for `ms`, back to pass, and returns how long until the
  // first call started after that succeeded.
  const fault = async (mode: FaultMode, ms: number, action?: () => void) => {
    const before = calls.length;
    proxy.mode = mode;
    action?.();
    await new Promise((r) => setTimeout(r, ms));
    proxy.mode = "pass";
    const healedAt = now();
    const deadline = Date.now() + 15_000;
    let first: Call | undefined;
    while (first === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      first = calls.slice(before).find((c) =>
        c.at >= healedAt && c.outcome === "ok"
      );
    }
    recoveries[`${mode}${action ? "+cut" : ""}`] = first === undefined
      ? Number.POSITIVE_INFINITY
      : Math.round(first.at + first.ms - healedAt);
    return calls.slice(before);
  };
  try {
    await new Promise((r) => setTimeout(r, 500));
    proxy.delayMs = 150;
    const delayed = await fault("delay", 1_500);
    const partition = await fault("blackhole", 3_000);
    const opened = states.includes("open");
    const halfOpen = await fault("half-open", 1_000);
    const cut = await fault("pass", 200, () => proxy.cut());
    const refused = await fault("refuse", 1_000, () => proxy.cut());
    await new Promise((r) => setTimeout(r, 500));
    calling = false;
    await caller;

    const slowest = Math.round(Math.max(...calls.map((c) => c.ms)));
    const fastFails = calls.filter((c) => c.outcome === "open");
    console.log(
      `network faults (Redis): ${calls.length} calls, slowest ${slowest} ms, ` +
        `${fastFails.length} refused by the open breaker, breaker ${
          JSON.stringify(states)
        }, recovered after ${JSON.stringify(recoveries)} ms`,
    );
    await reportFaultFigures({
      kind: "fault",
      name: "network-redis",
      recoveryMs: Math.max(...Object.values(recoveries)),
    });
    assert.ok(
      slowest <= TIMEOUT_MS + SLACK_MS,
      `no call took longer than its timeout (slowest ${slowest} ms)`,
    );
    assert.ok(
      delayed.some((c) => c.outcome === "ok" && c.ms >= 300),
      "calls through the delay succeeded, slower",
    );
    assert.ok(opened, "the breaker opened during the partition");
    assert.ok(
      partition.some((c) => c.outcome === "open" && c.ms < 50),
      "the open breaker failed calls fast",
    );
    assert.ok(
      halfOpen.some((c) => c.outcome !== "ok"),
      "the half-open connection failed calls",
    );
    assert.ok(
      cut.length > 0 && refused.length > 0,
      "calls ran through the cut and the refusal",
    );
    const bound = {
      delay: 1_000,
      blackhole: BREAKER_RECOVERY_MS + TIMEOUT_MS + SLACK_MS + 200,
      // Found by the health checks (or by 10 timeouts in a row, sooner
      // under load), then the breaker's next trial.
      "half-open":
        HEALTH_FAILURES * (HEALTH_CHECK_MS + HEALTH_CHECK_TIMEOUT_MS) +
        TIMEOUT_MS + BREAKER_RECOVERY_MS + SLACK_MS,
      "pass+cut": 1_000,
      "refuse+cut": BREAKER_RECOVERY_MS + 1_000,
    } as Record<string, number>;
    for (const [name, ms] of Object.entries(recoveries)) {
      assert.ok(
        ms <= (bound[name] ?? 0),
        `recovered from ${name} in ${ms} ms (bound ${bound[name]} ms)`,
      );
    }
    assert.equal(breaker.state, "closed", "the breaker ends closed");
  } finally {
    calling = false;
    await caller;
    await closeValkey(client);
  }
});
