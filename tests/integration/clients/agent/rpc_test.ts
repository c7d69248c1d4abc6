// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Our client against our server over TCP on loopback (no halfstack needed).
// Every wait has a time limit: under Deno a zeromq receive can stall.

import assert from "node:assert/strict";
import {
  AgentClient,
  AgentRpcCancelledError,
  AgentRpcClosedError,
  AgentRpcConnectError,
  AgentRpcInternalError,
  agentRpcMethods,
  AgentRpcTimeoutError,
  AgentRpcUserError,
  RpcClient,
  RpcFrameCodec,
  RpcMessageType,
  RpcServer,
  Uuid,
  zeromqTransport,
} from "../../../../clients/agent/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import type { Logger } from "../../../../utils.ts";
import { within } from "./_peer.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

const HEALTH = {
  status: "ok" as const,
  version: "0.1.0",
  component: "agent",
  connectivity: {
    overall_healthy: true,
    connectivity_checks: [{
      service_group: "redis",
      component_id: "r1",
      is_healthy: true,
      last_checked_at: "2026-12-07T12:00:00Z",
      error_message: null,
      extra_field: 1,
    }],
    timestamp: "2026-12-07T12:00:00Z",
  },
};

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("client and server: typed calls, errors and a server that keeps serving", async () => {
  const seenAgentIds: (string | null)[] = [];
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      ...agentRpcMethods({
        health: (agentId) => (seenAgentIds.push(agentId), HEALTH),
        gatherHwinfo: () => ({
          devices: [{
            device_name: "cpu",
            status: "healthy",
            status_info: null,
            metadata: { cores: "8" },
          }],
        }),
      }),
      echo: ({ args, kwargs }) => ({ args, kwargs }),
      boom: () => {
        throw new RangeError("out of range");
      },
      bad_result: () => () => {},
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  await using agent = await within(
    AgentClient.connect(endpoint, {
      agentId: "i-ag1",
      logger: quiet,
      extraMethods: ["echo", "boom", "bad_result", "nope"],
    }),
    10_000,
  );
  assert.equal(await within(agent.ping(), 10_000), "ping");
  const health = await within(agent.health(), 10_000);
  assert.equal(health.status, "ok");
  assert.equal(health.connectivity.connectivity_checks[0]?.extra_field, 1);
  assert.deepEqual(seenAgentIds, ["i-ag1"]);
  const hw = await within(agent.gatherHwinfo(), 10_000);
  assert.equal(hw.devices[0]?.metadata.cores, "8");

  const id = new Uuid("12345678-1234-5678-1234-567812345678");
  const echoed = await within(
    agent.call("echo", [id, new Uint8Array([1]), 2n ** 60n], { k: "v" }),
    10_000,
  ) as { args: unknown[]; kwargs: unknown };
  assert.ok(echoed.args[0] instanceof Uuid);
  assert.equal(String(echoed.args[0]), String(id));
  assert.deepEqual(echoed.args[1], new Uint8Array([1]));
  assert.equal(echoed.args[2], 2n ** 60n);
  assert.deepEqual(echoed.kwargs, { k: "v" });

  const failure = await within(
    agent.call("boom").then(() => undefined, (e: unknown) => e),
    10_000,
  );
  assert.ok(failure instanceof AgentRpcUserError);
  assert.equal(failure.remoteName, "RangeError");
  assert.equal(failure.remoteRepr, "RangeError('out of range')");
  assert.match(failure.remoteTraceback, /out of range/);
  assert.equal(failure.data?.method, "boom");
  assert.equal(failure.data?.address, endpoint);

  // A result that cannot be packed is callosum's ERROR.
  await assert.rejects(
    within(agent.call("bad_result"), 10_000),
    AgentRpcInternalError,
  );
  // Unknown on the server: FAILURE (KeyError), and the server keeps serving.
  await assert.rejects(
    within(agent.call("nope"), 10_000),
    (e: unknown) =>
      e instanceof AgentRpcUserError && e.remoteName === "KeyError",
  );
  assert.equal(await within(agent.ping(), 10_000), "ping");
  // Unknown to upstream's agent: refused before sending.
  await assert.rejects(agent.call("not_a_method"), InvalidAPIParameters);
  // A bad health request is refused by the server-side schema.
  await assert.rejects(
    within(
      agent.rpc.invoke("health_v2", { args: [], kwargs: { req: 1 } }),
      10_000,
    ),
    (e: unknown) =>
      e instanceof AgentRpcUserError && e.remoteName === "InvalidAPIParameters",
  );
});

Deno.test("64 calls in flight are matched to their replies", async () => {
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      delayed: async ({ args }) => {
        await new Promise((r) => setTimeout(r, Number(args[1])));
        return args[0];
      },
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using client = await within(
    RpcClient.connect(endpoint, { logger: quiet }),
    10_000,
  );
  const calls = Array.from(
    { length: 64 },
    (_, i) => client.invoke("delayed", { args: [i, (i * 7) % 13], kwargs: {} }),
  );
  assert.equal(client.inFlight, 64);
  const results = await within(Promise.all(calls), 20_000);
  assert.deepEqual(results, Array.from({ length: 64 }, (_, i) => i));
  assert.equal(client.inFlight, 0);
});

Deno.test("a timeout sends CANCEL: the handler is aborted, the client gets a timeout", async () => {
  const aborted = deferred<unknown>();
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      hang: ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener("abort", () => {
            aborted.resolve(signal.reason);
            reject(signal.reason);
          });
        }),
      ping: ({ args }) => args[0],
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using client = await within(
    RpcClient.connect(endpoint, { logger: quiet }),
    10_000,
  );
  await assert.rejects(
    within(client.invoke("hang", null, { timeoutMs: 200 }), 10_000),
    (e: unknown) =>
      e instanceof AgentRpcTimeoutError && e.data?.timeoutMs === 200,
  );
  await within(aborted.promise, 10_000, "The CANCEL did not reach the handler");
  await within(
    (async () => {
      while (server.inFlight > 0) await new Promise((r) => setTimeout(r, 5));
    })(),
    10_000,
  );
  // The caller's abort is a cancel too.
  const controller = new AbortController();
  const call = client.invoke("hang", null, { signal: controller.signal });
  controller.abort(new Error("user gave up"));
  await assert.rejects(
    within(call, 10_000),
    (e: unknown) =>
      e instanceof AgentRpcCancelledError && e.data?.by === "caller",
  );
  assert.equal(
    await within(client.invoke("ping", { args: ["x"], kwargs: {} }), 10_000),
    "x",
  );
});

Deno.test("the concurrency limit holds, and close() cancels what outlives its grace", async () => {
  let running = 0;
  let peak = 0;
  const release = deferred();
  await using server = new RpcServer({
    logger: quiet,
    maxConcurrency: 2,
    methods: {
      work: async ({ args }) => {
        running++;
        peak = Math.max(peak, running);
        try {
          if (args[0] === "forever") await new Promise(() => {});
          await release.promise;
          return args[0];
        } finally {
          running--;
        }
      },
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using client = await within(
    RpcClient.connect(endpoint, { logger: quiet }),
    10_000,
  );
  const calls = [1, 2, 3, 4].map((n) =>
    client.invoke("work", { args: [n], kwargs: {} })
  );
  await within(
    (async () => {
      while (server.inFlight < 2) await new Promise((r) => setTimeout(r, 5));
    })(),
    10_000,
  );
  release.resolve();
  assert.deepEqual(await within(Promise.all(calls), 10_000), [1, 2, 3, 4]);
  assert.equal(peak, 2);

  // Settled into a value at once: the CANCELLED reply can arrive while
  // close() is still awaited, before any assertion looks at it.
  const stuck = client.invoke("work", { args: ["forever"], kwargs: {} })
    .then(() => undefined, (error: unknown) => error);
  await within(
    (async () => {
      while (server.inFlight < 1) await new Promise((r) => setTimeout(r, 5));
    })(),
    10_000,
  );
  await within(server.close({ graceMs: 100 }), 10_000);
  const outcome = await within(stuck, 10_000);
  assert.ok(outcome instanceof AgentRpcCancelledError);
  assert.equal(outcome.data?.by, "server");
});

Deno.test("close() lets a running call finish within the grace period", async () => {
  const started = deferred();
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      slow: async () => {
        started.resolve();
        await new Promise((r) => setTimeout(r, 100));
        return "done";
      },
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  await using client = await within(
    RpcClient.connect(endpoint, { logger: quiet }),
    10_000,
  );
  const call = client.invoke("slow", null);
  await within(started.promise, 10_000);
  await within(server.close({ graceMs: 5_000 }), 10_000);
  assert.equal(await within(call, 10_000), "done");
});

Deno.test("the connect check fails without a server; a closed client refuses calls", async () => {
  const transport = zeromqTransport();
  // Bind and close to find a port with nothing behind it.
  const probe = await transport.bind("tcp://127.0.0.1:0", {});
  const endpoint = probe.endpoint;
  probe.close();
  await assert.rejects(
    within(
      RpcClient.connect(endpoint, { handshakeTimeoutMs: 300, logger: quiet }),
      10_000,
    ),
    (e: unknown) =>
      e instanceof AgentRpcConnectError && e.data?.address === endpoint,
  );
  await assert.rejects(
    RpcClient.connect("http://127.0.0.1:1"),
    InvalidAPIParameters,
  );
  await using server = new RpcServer({ logger: quiet });
  const live = await server.listen("tcp://127.0.0.1:0");
  const client = await within(
    RpcClient.connect(live, { logger: quiet }),
    10_000,
  );
  await client.close();
  await assert.rejects(client.invoke("ping", null), AgentRpcClosedError);
});

Deno.test("sequence ids count from 0 per connection and the server echoes them", async () => {
  // A raw DEALER as the client, to see the frames on the wire.
  await using server = new RpcServer({
    logger: quiet,
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const transport = zeromqTransport();
  const socket = await transport.connect(endpoint, {});
  try {
    const codec = new RpcFrameCodec();
    await socket.send(codec.ping());
    const pong = codec.decode(await within(socket.receive(), 10_000));
    assert.equal(pong.kind, "pong");
    // Garbage is dropped and the server keeps serving.
    await socket.send([new Uint8Array([1, 2, 3])]);
    await socket.send([
      new TextEncoder().encode("UPPER"),
      new Uint8Array([0xc1]),
      new Uint8Array([0xc1]),
    ]);
    for (const [seq, okey] of [[0, new Uint8Array(0)], [1, ""]] as const) {
      await socket.send(codec.encode({
        type: RpcMessageType.FUNCTION,
        method: "ping",
        orderKey: okey,
        seq,
        error: null,
        body: new Uint8Array([
          0x82,
          0xa4,
          ...new TextEncoder().encode("args"),
          0x91,
          0x01,
          0xa6,
          ...new TextEncoder().encode("kwargs"),
          0x80,
        ]),
      }));
      const reply = codec.decode(await within(socket.receive(), 10_000));
      assert.equal(reply.message?.type, RpcMessageType.RESULT);
      assert.equal(reply.message?.seq, seq);
      assert.equal(typeof reply.message?.orderKey, typeof okey);
    }
  } finally {
    socket.close();
  }
});
