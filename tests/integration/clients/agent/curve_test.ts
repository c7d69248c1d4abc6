// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// CurveZMQ as upstream's AgentAuthHandler / ManagerAuthHandler use it: the
// server accepts only the manager's public key in domain "local"; any other
// client sees silence, so its connect check fails.

import assert from "node:assert/strict";
import {
  AgentClient,
  AgentRpcConnectError,
  RpcServer,
  zeromqTransport,
} from "../../../../clients/agent/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import type { Logger } from "../../../../utils.ts";
import { runPythonClient, startPythonServer, within } from "./_peer.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

Deno.test("CURVE: the manager's key is accepted, any other is refused", async () => {
  const transport = zeromqTransport();
  const agentKeys = await transport.curveKeyPair();
  const managerKeys = await transport.curveKeyPair();
  const strangerKeys = await transport.curveKeyPair();
  assert.equal(agentKeys.publicKey.length, 40);

  await using server = new RpcServer({
    transport,
    logger: quiet,
    curve: {
      secretKey: agentKeys.secretKey,
      allowedClientKeys: [managerKeys.publicKey],
    },
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");

  await using manager = await within(
    AgentClient.connect(endpoint, {
      transport,
      logger: quiet,
      curve: {
        serverPublicKey: agentKeys.publicKey,
        publicKey: managerKeys.publicKey,
        secretKey: managerKeys.secretKey,
      },
    }),
    10_000,
  );
  assert.equal(await within(manager.ping(), 10_000), "ping");

  // A client with a key pair the agent does not know.
  await assert.rejects(
    within(
      AgentClient.connect(endpoint, {
        transport,
        logger: quiet,
        handshakeTimeoutMs: 500,
        curve: {
          serverPublicKey: agentKeys.publicKey,
          publicKey: strangerKeys.publicKey,
          secretKey: strangerKeys.secretKey,
        },
      }),
      10_000,
    ),
    AgentRpcConnectError,
  );
  // A plain-text client.
  await assert.rejects(
    within(
      AgentClient.connect(endpoint, {
        transport,
        logger: quiet,
        handshakeTimeoutMs: 500,
      }),
      10_000,
    ),
    AgentRpcConnectError,
  );
  // The accepted client still works after the refusals.
  assert.equal(await within(manager.ping(), 10_000), "ping");
});

Deno.test("CURVE: a malformed key is refused before connecting", async () => {
  await assert.rejects(
    AgentClient.connect("tcp://127.0.0.1:1", {
      curve: { serverPublicKey: "short", publicKey: "x", secretKey: "y" },
    }),
    (e: unknown) =>
      e instanceof InvalidAPIParameters &&
      e.data?.field === "curve.serverPublicKey",
  );
});

Deno.test("CURVE: a pyzmq client with the manager's keys is served, a stranger is not", async () => {
  const transport = zeromqTransport();
  const agentKeys = await transport.curveKeyPair();
  const managerKeys = await transport.curveKeyPair();
  const strangerKeys = await transport.curveKeyPair();
  await using server = new RpcServer({
    transport,
    logger: quiet,
    curve: {
      secretKey: agentKeys.secretKey,
      allowedClientKeys: [managerKeys.publicKey],
    },
    methods: { ping: ({ args }) => args[0] },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const manager = await runPythonClient([
    "curve-client",
    endpoint,
    agentKeys.publicKey,
    managerKeys.publicKey,
    managerKeys.secretKey,
  ]);
  assert.deepEqual(manager, {
    pong: true,
    ping: { type: 2, okey: { $bytes: "" }, result: "ping" },
  });
  const stranger = await runPythonClient([
    "curve-client",
    endpoint,
    agentKeys.publicKey,
    strangerKeys.publicKey,
    strangerKeys.secretKey,
  ]);
  assert.deepEqual(stranger, { pong: false });
});

Deno.test("CURVE: our client against a pyzmq server with callosum's ZAP check", async () => {
  const transport = zeromqTransport();
  const agentKeys = await transport.curveKeyPair();
  const managerKeys = await transport.curveKeyPair();
  const strangerKeys = await transport.curveKeyPair();
  await using python = await startPythonServer({
    secretKey: agentKeys.secretKey,
    allowedClientKey: managerKeys.publicKey,
  });
  await using manager = await within(
    AgentClient.connect(python.endpoint, {
      transport,
      logger: quiet,
      curve: {
        serverPublicKey: agentKeys.publicKey,
        publicKey: managerKeys.publicKey,
        secretKey: managerKeys.secretKey,
      },
    }),
    10_000,
  );
  assert.equal(await within(manager.ping(), 10_000), "ping");
  await assert.rejects(
    within(
      AgentClient.connect(python.endpoint, {
        transport,
        logger: quiet,
        handshakeTimeoutMs: 500,
        curve: {
          serverPublicKey: agentKeys.publicKey,
          publicKey: strangerKeys.publicKey,
          secretKey: strangerKeys.secretKey,
        },
      }),
      10_000,
    ),
    AgentRpcConnectError,
  );
});
