// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The client's and server's logic over an in-memory transport (no sockets,
// no native addon): runs on Deno, Node and Bun alike, on fake time.

import assert from "node:assert/strict";
import {
  AgentClient,
  AgentClientPool,
  AgentRpcConnectError,
  AgentRpcTimeoutError,
  AgentRpcUserError,
  RpcClient,
  RpcFrameCodec,
  RpcMessageType,
  RpcServer,
} from "../../../../clients/agent/mod.ts";
import {
  ManualClock,
  ResilienceTimeoutError,
} from "../../../../resilience/mod.ts";
import type { Logger } from "../../../../utils.ts";
import { MemoryTransport } from "./_memory_transport.ts";
import {
  AgentRpcUnsupportedRuntimeError,
  zeromqTransport,
} from "../../../../clients/agent/mod.ts";
import { unsupportedRuntime } from "../../../../clients/agent/_zeromq.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

function isCancel(frames: Uint8Array[]): boolean {
  try {
    return new RpcFrameCodec().decode(frames).message?.type ===
      RpcMessageType.CANCEL;
  } catch {
    return false;
  }
}

Deno.test("over a memory transport: calls, failures, and a timeout on fake time", async () => {
  const transport = new MemoryTransport();
  const clock = new ManualClock();
  await using server = new RpcServer({
    transport,
    logger: quiet,
    methods: {
      ping: ({ args }) => args[0],
      fail: () => {
        throw new Error("nope");
      },
      hang: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        ),
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using client = await RpcClient.connect(endpoint, {
    transport,
    clock,
    logger: quiet,
  });
  assert.equal(
    await client.invoke("ping", { args: ["a"], kwargs: {} }),
    "a",
  );
  await assert.rejects(
    client.invoke("fail", null),
    (e: unknown) =>
      e instanceof AgentRpcUserError && e.remoteRepr === "Error('nope')",
  );
  const cancels: Uint8Array[][] = [];
  transport.filter = (frames, direction) => {
    if (direction === "request" && isCancel(frames)) cancels.push(frames);
    return true;
  };
  const hung = client.invoke("hang", null, { timeoutMs: 1_000 });
  const outcome = hung.then(() => "resolved", (e: unknown) => e);
  await clock.advance(999);
  assert.equal(client.inFlight, 1);
  await clock.advance(1);
  assert.ok(await outcome instanceof AgentRpcTimeoutError);
  assert.equal(cancels.length, 1);
  const cancel = new RpcFrameCodec().decode(cancels[0]!).message!;
  assert.equal(cancel.method, "hang");
  assert.equal(cancel.seq, 2);
});

Deno.test("over a memory transport: no PONG within the handshake timeout is a connect error", async () => {
  const transport = new MemoryTransport();
  const clock = new ManualClock();
  // Nothing bound at this address: the PING waits in the queue.
  const connecting = RpcClient.connect("tcp://127.0.0.1:9", {
    transport,
    clock,
    logger: quiet,
    handshakeTimeoutMs: 5_000,
  }).then(() => "connected", (e: unknown) => e);
  await clock.advance(5_000);
  assert.ok(await connecting instanceof AgentRpcConnectError);
});

Deno.test("over a memory transport: the pool replaces an agent that stops answering", async () => {
  const transport = new MemoryTransport();
  const clock = new ManualClock();
  await using server = new RpcServer({
    transport,
    logger: quiet,
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using pool = new AgentClientPool({
    clock,
    logger: quiet,
    clientOptions: { transport },
  });
  const first = await pool.get(endpoint);
  assert.ok(first instanceof AgentClient);
  transport.filter = () => false; // the agent goes silent
  await clock.advance(30_000); // the check sends its ping
  await clock.advance(5_000); // which times out
  const [health] = pool.health();
  assert.equal(health?.healthy, false);
  assert.equal(health?.replacements, 1);
  assert.ok(first.rpc.closed);
  transport.filter = () => true;
  const second = await pool.get(endpoint);
  assert.notEqual(second, first);
  assert.equal(await second.ping(), "ping");
});

Deno.test("over a memory transport: the pool's call timeout aborts the call and sends CANCEL", async () => {
  const transport = new MemoryTransport();
  const clock = new ManualClock();
  await using server = new RpcServer({
    transport,
    logger: quiet,
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using pool = new AgentClientPool({
    clock,
    logger: quiet,
    callTimeoutMs: 2_000,
    clientOptions: { transport },
  });
  await pool.get(endpoint);
  const cancels: Uint8Array[][] = [];
  transport.filter = (frames, direction) => {
    if (direction === "request" && isCancel(frames)) cancels.push(frames);
    return direction === "reply" ? false : true; // replies are lost
  };
  const outcome = pool.call(endpoint, "ping", ["ping"]).then(
    () => "resolved",
    (e: unknown) => e,
  );
  await clock.advance(2_000);
  assert.ok(await outcome instanceof ResilienceTimeoutError);
  assert.equal(cancels.length, 1);
  assert.equal(new RpcFrameCodec().decode(cancels[0]!).message?.method, "ping");
});

Deno.test("on Bun the zeromq transport refuses with a typed error instead of aborting", async () => {
  const onBun = "Bun" in globalThis;
  assert.equal(unsupportedRuntime(), onBun ? "bun" : undefined);
  if (onBun) {
    await assert.rejects(
      zeromqTransport().bind("tcp://127.0.0.1:0", {}),
      (e: unknown) =>
        e instanceof AgentRpcUnsupportedRuntimeError &&
        e.data?.runtime === "bun",
    );
  }
});

Deno.test("the client asks for upstream's TCP keepalive and passes its CURVE keys", async () => {
  const transport = new MemoryTransport();
  await using server = new RpcServer({ transport, logger: quiet });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const curve = {
    serverPublicKey: "s".repeat(40),
    publicKey: "p".repeat(40),
    secretKey: "k".repeat(40),
  };
  await using plain = await RpcClient.connect(endpoint, { transport });
  await using keyed = await RpcClient.connect(endpoint, {
    transport,
    curve,
    keepalive: { idleSeconds: 120 },
  });
  await using bare = await RpcClient.connect(endpoint, {
    transport,
    keepalive: false,
  });
  assert.ok(!plain.closed && !keyed.closed && !bare.closed);
  assert.deepEqual(transport.connects[0], {
    curve: undefined,
    keepalive: { idleSeconds: 60 },
  });
  assert.deepEqual(transport.connects[1], {
    curve,
    keepalive: { idleSeconds: 120 },
  });
  assert.equal(transport.connects[2]?.keepalive, undefined);
});
