// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// ValkeyReplicaWaiter against a scripted server: WAIT after the write, one
// WAIT for concurrent writes, no write queued behind a WAIT, and a clear
// error (the write may exist) when replicas do not confirm or the
// connection is reset in between.

import assert from "node:assert/strict";
import {
  closeValkey,
  connectValkey,
  ValkeyReplicationError,
  ValkeyReplicaWaiter,
} from "../../../../clients/valkey/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import { FakeValkey } from "./_fake_valkey.ts";

const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

async function setup(fake: FakeValkey) {
  return await connectValkey({ addr: fake.addr }, {
    logger: quiet,
    healthCheckIntervalMs: 0,
  });
}

Deno.test("ValkeyReplicaWaiter: the write, then WAIT numreplicas timeout; its result is returned", async () => {
  await using fake = await FakeValkey.start();
  fake.reply = (args) => args[0] === "wait" ? 2 : fake.defaultReply(args);
  const redis = await setup(fake);
  try {
    const waiter = new ValkeyReplicaWaiter(redis, {
      replicas: 2,
      timeoutMs: 250,
    });
    assert.equal(await waiter.confirm(() => redis.set("k", "v")), "OK");
    const commands = fake.received.filter((c) =>
      ["set", "wait"].includes(c[0] ?? "")
    );
    assert.deepEqual(commands, [["set", "k", "v"], ["wait", "2", "250"]]);
    waiter.close();
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("ValkeyReplicaWaiter: too few replicas is a ValkeyReplicationError saying the write may still exist", async () => {
  await using fake = await FakeValkey.start();
  fake.reply = (args) => args[0] === "wait" ? 0 : fake.defaultReply(args);
  const redis = await setup(fake);
  try {
    const waiter = new ValkeyReplicaWaiter(redis);
    await assert.rejects(
      waiter.confirm(() => redis.set("k", "v")),
      (err) =>
        err instanceof ValkeyReplicationError &&
        err.status === 503 &&
        /0 of 1 replica\(s\) confirmed the write within 1000 ms/.test(
          err.message,
        ) &&
        /may still exist/.test(err.message) &&
        err.data?.replicas === 0 && err.data?.required === 1 &&
        err.data?.timeoutMs === 1000,
    );
    // A failed write is the write's error; a round of failed writes sends
    // no WAIT.
    const waits = fake.count("wait");
    fake.reply = (args) =>
      args[0] === "set" ? { error: "OOM command not allowed" } : 1;
    await assert.rejects(
      waiter.confirm(() => redis.set("k", "v")),
      /OOM command not allowed/,
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(fake.count("wait"), waits);
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("ValkeyReplicaWaiter: concurrent writes share a WAIT, and none is sent while a WAIT is in flight", async () => {
  await using fake = await FakeValkey.start();
  fake.reply = (args) => args[0] === "wait" ? 1 : fake.defaultReply(args);
  fake.delays.set("wait", 30);
  const redis = await setup(fake);
  try {
    const waiter = new ValkeyReplicaWaiter(redis);
    const writes = Array.from(
      { length: 200 },
      (_, i) => waiter.confirm(() => redis.set(`k${i}`, "v")),
    );
    await Promise.all(writes);
    const sequence = fake.received
      .map((c) => c[0])
      .filter((name) => name === "set" || name === "wait");
    const waits = sequence.filter((name) => name === "wait").length;
    assert.ok(waits <= 4, `${waits} WAITs for 200 writes`);
    // Every SET is answered before the WAIT that covers it is sent: the
    // sequence is runs of SETs, each closed by one WAIT.
    assert.equal(sequence.at(-1), "wait");
    for (let i = 1; i < sequence.length; i++) {
      if (sequence[i - 1] === "wait") assert.notEqual(sequence[i], "wait");
    }
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("ValkeyReplicaWaiter: a connection reset between the write and WAIT's answer is not confirmed", async () => {
  await using fake = await FakeValkey.start();
  fake.reply = (args) => args[0] === "wait" ? 1 : fake.defaultReply(args);
  fake.delays.set("wait", 60);
  const redis = await setup(fake);
  try {
    const waiter = new ValkeyReplicaWaiter(redis);
    const confirming = waiter.confirm(() => redis.set("k", "v"));
    // The SET is answered, the WAIT is in flight: the connection drops, and
    // ioredis sends the WAIT again on the new connection, which answers 1.
    while (fake.count("wait") === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    fake.dropClients();
    await assert.rejects(
      confirming,
      (err) =>
        err instanceof ValkeyReplicationError &&
        /connection was reset before WAIT answered/.test(err.message) &&
        /may still exist/.test(err.message),
    );
    assert.equal(fake.count("wait"), 2);
    // The next write, on the new connection, is confirmed.
    assert.equal(await waiter.confirm(() => redis.set("k", "v")), "OK");
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("ValkeyReplicaWaiter: replicas and timeoutMs are checked", async () => {
  await using fake = await FakeValkey.start();
  const redis = await setup(fake);
  try {
    for (
      const [options, field] of [
        [{ replicas: 0 }, "replicas"],
        [{ replicas: 1.5 }, "replicas"],
        [{ timeoutMs: 0 }, "timeoutMs"],
        [{ timeoutMs: Infinity }, "timeoutMs"],
      ] as const
    ) {
      assert.throws(
        () => new ValkeyReplicaWaiter(redis, options),
        (err) =>
          err instanceof InvalidAPIParameters && err.data?.field === field,
      );
    }
  } finally {
    await closeValkey(redis);
  }
});
