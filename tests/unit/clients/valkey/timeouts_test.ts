// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Command timeouts of connectValkey against a scripted server: upstream's
// 1 000 ms by default on command connections, the target's requestTimeoutMs
// when given, never on blocking readers, and a connection whose commands
// all time out is reconnected.

import assert from "node:assert/strict";
import {
  closeValkey,
  connectValkey,
  type ValkeyEvent,
} from "../../../../clients/valkey/mod.ts";
import { FakeValkey } from "./_fake_valkey.ts";

const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

async function elapsedUntilRejected(
  promise: Promise<unknown>,
): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let outcome: string;
  try {
    outcome = await Promise.race([
      promise.then(() => "answered"),
      new Promise<string>((resolve) =>
        timer = setTimeout(() => resolve("still waiting after 3 000 ms"), 3_000)
      ),
    ]);
  } catch (error) {
    return { ms: performance.now() - started, error };
  } finally {
    clearTimeout(timer);
  }
  promise.catch(() => {});
  throw new Error(`The command was not rejected: ${outcome}`);
}

Deno.test("connectValkey: a command times out after 1 000 ms by default (upstream's operation timeout)", async () => {
  await using fake = await FakeValkey.start();
  const redis = await connectValkey({ addr: fake.addr }, { logger: quiet });
  try {
    fake.delays.set("get", Infinity);
    const { ms, error } = await elapsedUntilRejected(redis.get("k"));
    assert.equal((error as Error).message, "Command timed out");
    assert.ok(ms >= 990 && ms < 1_400, `timed out after ${ms} ms`);
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: the target's requestTimeoutMs overrides it, for pipelined commands too", async () => {
  await using fake = await FakeValkey.start();
  const redis = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: 200 },
    {
      logger: quiet,
    },
  );
  try {
    fake.delays.set("get", 400);
    const { ms, error } = await elapsedUntilRejected(redis.get("k"));
    assert.equal((error as Error).message, "Command timed out");
    assert.ok(ms >= 195 && ms < 390, `timed out after ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the late reply
    const results = await redis.pipeline().set("a", "1").get("b").exec();
    assert.equal(results?.[0]?.[1], "OK");
    assert.equal((results?.[1]?.[0] as Error).message, "Command timed out");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Answered commands are not failed afterwards.
    fake.delays.clear();
    assert.equal(await redis.set("c", "1"), "OK");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await redis.ping(), "PONG");
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: commands waiting for a connection time out too", async () => {
  const fake = await FakeValkey.start();
  const redis = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: 200 },
    {
      logger: quiet,
      maxReconnectDelayMs: 100,
    },
  );
  try {
    await fake.close(); // the server is gone: commands go to the offline queue
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { ms, error } = await elapsedUntilRejected(redis.get("k"));
    assert.equal((error as Error).message, "Command timed out");
    assert.ok(ms < 600, `timed out after ${ms} ms`);
    // Closed while it waits to reconnect (ioredis then emits no "end"): the
    // command waiting fails at once, and no timer is left running (the
    // Deno sanitizers check it; under Node the process would not exit).
    const waiting = redis.get("k2");
    await closeValkey(redis);
    await assert.rejects(waiting, /Connection is closed/);
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: blocking and subscriber connections never time out; Infinity turns the timeout off", async () => {
  await using fake = await FakeValkey.start();
  fake.delays.set("xreadgroup", Infinity);
  fake.delays.set("get", Infinity);
  const blocking = await connectValkey({
    addr: fake.addr,
    requestTimeoutMs: 100,
  }, {
    purpose: "blocking",
    logger: quiet,
  });
  const untimed = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: Infinity },
    { logger: quiet },
  );
  try {
    const read = blocking.xreadgroup(
      "GROUP",
      "g",
      "c",
      "BLOCK",
      0,
      "STREAMS",
      "s",
      ">",
    );
    const get = untimed.get("k");
    const outcome = await Promise.race([
      read.then(() => "answered", () => "rejected"),
      get.then(() => "answered", () => "rejected"),
      new Promise((resolve) => setTimeout(() => resolve("still waiting"), 400)),
    ]);
    assert.equal(outcome, "still waiting");
    read.catch(() => {});
    get.catch(() => {});
  } finally {
    blocking.disconnect();
    untimed.disconnect();
  }
});

Deno.test("connectValkey: ten commands timing out in a row with no reply reconnect the connection", async () => {
  await using fake = await FakeValkey.start();
  const events: ValkeyEvent[] = [];
  const redis = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: 100 },
    {
      logger: quiet,
      healthCheckIntervalMs: 60_000,
      onEvent: (event) => events.push(event),
    },
  );
  try {
    assert.equal(fake.connections, 1);
    fake.delays.set("get", Infinity);
    const gets = Array.from({ length: 10 }, (_, i) => redis.get(`k${i}`));
    const settled = await Promise.allSettled(gets);
    assert.ok(settled.every((s) => s.status === "rejected"));
    fake.delays.clear();
    while (fake.connections < 2 || redis.status !== "ready") {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(await redis.ping(), "PONG");
    // The stall reconnects first; on a loaded machine a late reply to the
    // first command on the new connection may time out and count again, so
    // later reconnects are allowed, not required.
    assert.deepEqual(events[0], {
      type: "reconnect",
      reason: "commands-stalled",
    });
    assert.ok(fake.connections >= 2, `${fake.connections} connections`);
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: a second timed-out command does not reconnect while replies arrive", async () => {
  await using fake = await FakeValkey.start();
  const events: ValkeyEvent[] = [];
  const redis = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: 100 },
    {
      logger: quiet,
      healthCheckIntervalMs: 60_000,
      onEvent: (event) => events.push(event),
    },
  );
  try {
    // Each GET is answered late (after its timeout), then the SET.
    fake.delays.set("get", 150);
    for (let i = 0; i < 12; i++) {
      const [get] = await Promise.allSettled([redis.get(`k${i}`)]);
      assert.equal(get?.status, "rejected");
      assert.equal(await redis.set("answered", "1"), "OK");
    }
    assert.deepEqual(events, []);
    assert.equal(fake.connections, 1);
  } finally {
    await closeValkey(redis);
  }
});
