// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The health monitor against a scripted server, as upstream's
// MonitoringValkeyClient behaves: ROLE through Sentinel (a demoted master
// reconnects at once), PING otherwise, a reconnect after three failures in
// a row, a check after every reconnection, events for each, and nothing
// left running after close.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  checkValkeyHealth,
  closeValkey,
  connectValkey,
  ValkeyConnectionError,
  type ValkeyEvent,
  ValkeyHealthMonitor,
  ValkeyRoleMismatchError,
} from "../../../../clients/valkey/mod.ts";
import { FakeValkey } from "./_fake_valkey.ts";

const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

// What the monitor reads of a target: Sentinel or not.
const SENTINEL = { sentinels: "127.0.0.1:1", serviceName: "mymaster" };

async function plainClient(fake: FakeValkey): Promise<Redis> {
  const redis = new Redis({
    port: fake.port,
    host: "127.0.0.1",
    lazyConnect: true,
    retryStrategy: () => 10,
  });
  redis.on("error", () => {});
  await redis.connect();
  return redis;
}

async function until(condition: () => boolean, ms = 2_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("checkValkeyHealth: ROLE through Sentinel, PING otherwise; a slow answer is a ValkeyConnectionError", async () => {
  await using fake = await FakeValkey.start();
  const redis = await plainClient(fake);
  try {
    await checkValkeyHealth(redis, { addr: fake.addr });
    assert.equal(fake.count("ping"), 1);
    await checkValkeyHealth(redis, SENTINEL);
    assert.equal(fake.count("role"), 1);
    fake.role = "slave";
    await assert.rejects(
      checkValkeyHealth(redis, SENTINEL),
      (err) =>
        err instanceof ValkeyRoleMismatchError && err.data?.role === "slave",
    );
    fake.delays.set("ping", 300);
    const started = performance.now();
    await assert.rejects(
      checkValkeyHealth(redis, { addr: fake.addr }, { timeoutMs: 100 }),
      (err) =>
        err instanceof ValkeyConnectionError &&
        /did not answer PING within 100 ms/.test(err.message) &&
        err.data?.timeoutMs === 100,
    );
    assert.ok(performance.now() - started < 280);
  } finally {
    redis.disconnect();
  }
});

Deno.test("ValkeyHealthMonitor: a demoted master (ROLE says slave) reconnects at once", async () => {
  await using fake = await FakeValkey.start();
  const redis = await plainClient(fake);
  const events: ValkeyEvent[] = [];
  const monitor = new ValkeyHealthMonitor(redis, SENTINEL, {
    intervalMs: 20,
    logger: quiet,
    onEvent: (event) => events.push(event),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 70));
    assert.equal(events.length, 0);
    assert.equal(fake.connections, 1);
    fake.role = "slave";
    await until(() => events.length >= 2);
    assert.equal(events[0]?.type, "health-check-failed");
    assert.ok(
      events[0]?.type === "health-check-failed" &&
        events[0].error instanceof ValkeyRoleMismatchError &&
        events[0].consecutiveFailures === 1,
    );
    assert.deepEqual(events[1], { type: "reconnect", reason: "role-mismatch" });
    fake.role = "master";
    await until(() => fake.connections === 2);
  } finally {
    await monitor.close();
    redis.disconnect();
  }
});

Deno.test("ValkeyHealthMonitor: other failures reconnect after three in a row; a success resets the count", async () => {
  await using fake = await FakeValkey.start();
  const redis = await plainClient(fake);
  const events: ValkeyEvent[] = [];
  let answer = true;
  fake.reply = (args) =>
    args[0] === "ping" && !answer
      ? { error: "LOADING Redis is loading the dataset in memory" }
      : fake.defaultReply(args);
  const monitor = new ValkeyHealthMonitor(redis, { addr: fake.addr }, {
    intervalMs: 60_000,
    logger: quiet,
    onEvent: (event) => events.push(event),
  });
  try {
    answer = false;
    assert.equal(await monitor.check(), false);
    assert.equal(await monitor.check(), false);
    answer = true;
    assert.equal(await monitor.check(), true);
    assert.equal(monitor.consecutiveFailures, 0);
    answer = false;
    for (let i = 1; i <= 3; i++) {
      assert.equal(await monitor.check(), false);
    }
    assert.deepEqual(
      events.map((e) =>
        e.type === "health-check-failed" ? e.consecutiveFailures : e.type
      ),
      [1, 2, 1, 2, 3, "reconnect"],
    );
    assert.deepEqual(events.at(-1), {
      type: "reconnect",
      reason: "repeated-failures",
    });
    answer = true;
    await until(() => fake.connections === 2);
  } finally {
    await monitor.close();
    redis.disconnect();
  }
});

Deno.test("ValkeyHealthMonitor: a reconnection is checked at once", async () => {
  await using fake = await FakeValkey.start();
  const redis = await plainClient(fake);
  const monitor = new ValkeyHealthMonitor(redis, SENTINEL, {
    intervalMs: 60_000,
    logger: quiet,
  });
  try {
    assert.equal(fake.count("role"), 0);
    fake.dropClients();
    await until(() => fake.count("role") === 1);
  } finally {
    await monitor.close();
    redis.disconnect();
  }
});

Deno.test("connectValkey: command connections are health-checked every 10 s by default, others not; closing stops the checks", async () => {
  await using fake = await FakeValkey.start();
  const blocking = await connectValkey({ addr: fake.addr }, {
    purpose: "blocking",
    logger: quiet,
  });
  const subscriber = await connectValkey({ addr: fake.addr }, {
    purpose: "subscriber",
    logger: quiet,
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(fake.count("ping"), 0);
  const checked = await connectValkey({ addr: fake.addr }, {
    healthCheckIntervalMs: 20,
    logger: quiet,
  });
  await until(() => fake.count("ping") >= 3);
  subscriber.disconnect();
  await closeValkey(checked);
  blocking.disconnect();
  const pings = fake.count("ping");
  await new Promise((resolve) => setTimeout(resolve, 100));
  // One PING of closeValkey's own at most; no check after the close.
  assert.ok(fake.count("ping") <= pings + 1);
  // The Deno test sanitizers fail this test if a timer was left behind.
});

Deno.test("ValkeyHealthMonitor: close() stops it and leaves the connection open; ending the connection stops it", async () => {
  await using fake = await FakeValkey.start();
  const redis = await plainClient(fake);
  const monitor = new ValkeyHealthMonitor(redis, { addr: fake.addr }, {
    intervalMs: 10,
    logger: quiet,
  });
  await until(() => fake.count("ping") >= 2);
  await monitor.close();
  const pings = fake.count("ping");
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(fake.count("ping"), pings);
  assert.equal(await redis.ping(), "PONG");
  const second = new ValkeyHealthMonitor(redis, { addr: fake.addr }, {
    intervalMs: 10,
    logger: quiet,
  });
  await until(() => fake.count("ping") >= pings + 3);
  redis.disconnect(); // "end": the monitor stops by itself
  await new Promise((resolve) => setTimeout(resolve, 30));
  const after = fake.count("ping");
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(fake.count("ping"), after);
  await second.close();
});
