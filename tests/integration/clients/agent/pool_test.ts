// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// AgentClientPool on fake time (ManualClock) against real servers on
// loopback: the health loop, replacing a peer that stops answering, idle
// cleanup, and the breaker. The network is real, so the tests wait (with a
// limit) for real replies between clock steps.

import assert from "node:assert/strict";
import {
  AgentClientPool,
  AgentRpcUserError,
  RpcServer,
} from "../../../../clients/agent/mod.ts";
import {
  CircuitOpenError,
  ManualClock,
  systemClock,
} from "../../../../resilience/mod.ts";
import type { Logger } from "../../../../utils.ts";
import { within } from "./_peer.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

async function until(condition: () => boolean, what: string): Promise<void> {
  await within(
    (async () => {
      while (!condition()) await new Promise((r) => setTimeout(r, 5));
    })(),
    10_000,
    `Timed out waiting until ${what}`,
  );
}

Deno.test("the pool checks health on its interval and replaces a peer that stops answering", async () => {
  let answering = true;
  const hung: (() => void)[] = [];
  await using healthy = new RpcServer({
    logger: quiet,
    methods: { ping: ({ args }) => args[0] },
  });
  await using stuck = new RpcServer({
    logger: quiet,
    methods: {
      ping: ({ args, signal }) =>
        answering ? args[0] : new Promise((resolve, reject) => {
          hung.push(() => resolve(args[0]));
          signal.addEventListener("abort", () => reject(signal.reason));
        }),
    },
  });
  const a = await healthy.listen("tcp://127.0.0.1:0");
  const b = await stuck.listen("tcp://127.0.0.1:0");
  const clock = new ManualClock();
  await using pool = new AgentClientPool({
    clock,
    logger: quiet,
    healthCheckIntervalMs: 30_000,
    healthCheckTimeoutMs: 5_000,
  });
  const clientA = await within(pool.get(a), 10_000);
  const clientB = await within(pool.get(b), 10_000);
  assert.equal(await within(pool.get(a), 10_000), clientA, "reused");
  assert.equal(pool.size, 2);

  answering = false;
  await clock.advance(29_999);
  assert.ok(pool.health().every((h) => h.lastCheckedAt === null));
  await clock.advance(1);
  await until(() => clientB.rpc.inFlight === 1, "B's ping is in flight");
  await until(
    () => pool.health().find((h) => h.address === a)?.lastCheckedAt !== null,
    "A is checked",
  );
  await clock.advance(5_000); // B's ping times out
  await until(
    () => pool.health().find((h) => h.address === b)?.healthy === false,
    "B is marked unhealthy",
  );
  const healthB = pool.health().find((h) => h.address === b)!;
  assert.equal(healthB.replacements, 1);
  assert.ok(clientB.rpc.closed, "the stuck client is closed");
  assert.equal(pool.health().find((h) => h.address === a)?.healthy, true);
  assert.ok(!clientA.rpc.closed);

  answering = true;
  const replacement = await within(pool.get(b), 10_000);
  assert.notEqual(replacement, clientB);
  assert.equal(await within(replacement.ping(), 10_000), "ping");
  for (const release of hung) release();
});

Deno.test("the pool closes clients left idle", async () => {
  await using server = new RpcServer({
    logger: quiet,
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const clock = new ManualClock();
  await using pool = new AgentClientPool({
    clock,
    logger: quiet,
    healthCheckIntervalMs: 30_000,
    idleTimeoutMs: 60_000,
  });
  const client = await within(pool.get(endpoint), 10_000);
  await clock.advance(30_000);
  await until(
    () => pool.health()[0]?.lastCheckedAt !== null,
    "the first check ran",
  );
  assert.equal(pool.size, 1);
  await clock.advance(30_000);
  await until(() => pool.size === 0, "the idle client is dropped");
  await until(() => client.rpc.closed, "the idle client is closed");
});

Deno.test("the breaker opens on transport failures, not on the agent's own errors", async () => {
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      ping: ({ args }) => args[0],
      get_local_config: () => {
        throw new Error("no config");
      },
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using pool = new AgentClientPool({
    logger: quiet,
    clientOptions: { clock: systemClock, handshakeTimeoutMs: 100 },
  });
  for (let i = 0; i < 6; i++) {
    await assert.rejects(
      within(pool.call(endpoint, "get_local_config"), 10_000),
      AgentRpcUserError,
    );
  }
  assert.equal(
    await within(pool.call(endpoint, "ping", ["ping"]), 10_000),
    "ping",
  );

  // Nothing listens here: five failed connects open the breaker.
  const probe = new RpcServer({ logger: quiet });
  const dead = await probe.listen("tcp://127.0.0.1:0");
  await probe.close();
  for (let i = 0; i < 5; i++) {
    await assert.rejects(within(pool.call(dead, "ping", ["ping"]), 10_000));
  }
  await assert.rejects(
    within(pool.call(dead, "ping", ["ping"]), 10_000),
    CircuitOpenError,
  );
});
