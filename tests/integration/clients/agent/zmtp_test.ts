// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The ZMTP transport against libzmq (Debian's pyzmq 24, libzmq 4.3) over
// loopback: our DEALER to a pyzmq ROUTER, a pyzmq DEALER to our ROUTER,
// reconnection after the peer restarts, and the whole RPC over ZMTP. These
// fail, never skip, when python3-zmq is missing. Every wait has a limit.

import assert from "node:assert/strict";
import * as net from "node:net";
import {
  AgentClient,
  type RpcBoundSocket,
  RpcServer,
  ZmtpCurveUnsupportedError,
  zmtpTransport,
} from "../../../../clients/agent/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import type { Logger } from "../../../../utils.ts";
import { runPythonClient, startPythonServer, within } from "./_peer.ts";
import { runPyDealer, startPyRouter } from "./_zmtp_peer.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
const TEXT = new TextEncoder();
const UTF8 = new TextDecoder();

function bytes(text: string): Uint8Array {
  return TEXT.encode(text);
}

function hex(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("zmtp DEALER against a pyzmq ROUTER: frames, PING/PONG, quit", async () => {
  await using router = await startPyRouter(0, 100);
  const dealer = await zmtpTransport().connect(
    `tcp://127.0.0.1:${router.port}`,
    { keepalive: { idleSeconds: 60 } },
  );
  try {
    const big = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const messages = [
      [bytes("one")],
      [new Uint8Array(0), bytes("after an empty frame")],
      [bytes("x".repeat(300)), new Uint8Array(0)],
      [big, bytes("tail")],
    ];
    let routingId = "";
    for (const message of messages) {
      await within(dealer.send(message), 10_000);
      const [id, ...echoed] = await within(dealer.receive(), 10_000);
      routingId ||= UTF8.decode(id);
      // libzmq names an anonymous peer with 5 bytes starting with 0x00.
      assert.match(routingId, /^00[0-9a-f]{8}$/);
      assert.equal(UTF8.decode(id), routingId);
      assert.equal(echoed.length, message.length);
      echoed.forEach((frame, i) => assert.deepEqual(frame, message[i]));
    }
    // Idle for 1 s while pyzmq PINGs every 100 ms and drops a peer silent
    // for 300 ms: our PONGs keep the same connection (the same routing id).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await within(dealer.send([bytes("quit")]), 10_000);
    const [id] = await within(dealer.receive(), 10_000);
    assert.equal(UTF8.decode(id), routingId);
  } finally {
    dealer.close();
  }
});

Deno.test("pyzmq DEALER against a zmtp ROUTER: routing ids, echo, PONG", async () => {
  const router = await zmtpTransport().bind("tcp://127.0.0.1:0", {});
  const seen = new Set<string>();
  const serving = (async () => {
    for (;;) {
      const [id, ...frames] = await router.receive();
      seen.add(hex(id!));
      await router.send([id!, ...frames]);
    }
  })().catch(() => {/* closed */});
  try {
    const anonymous = await runPyDealer(router.endpoint, "", 100);
    assert.deepEqual(anonymous.ok, [true, true, true, true, true]);
    assert.equal(seen.size, 1, "one connection despite the 1 s pause");
    const [id] = seen;
    assert.match(id!, /^00[0-9a-f]{8}$/);

    seen.clear();
    const named = await runPyDealer(router.endpoint, "py-dealer", 0);
    assert.deepEqual(named.ok, [true, true, true, true, true]);
    assert.deepEqual([...seen], [hex(bytes("py-dealer"))]);
  } finally {
    router.close();
    await within(serving, 5_000);
  }
});

Deno.test("zmtp DEALER reconnects after the ROUTER restarts; queued sends go out", async () => {
  let router = await startPyRouter(0, 0);
  const port = router.port;
  const dealer = await zmtpTransport().connect(`tcp://127.0.0.1:${port}`, {});
  try {
    await within(dealer.send([bytes("first")]), 10_000);
    const [, first] = await within(dealer.receive(), 10_000);
    assert.deepEqual(first, bytes("first"));
    await router.kill();
    // Sent while the peer is gone: queued (or lost on the dying link, as
    // with libzmq); keep sending until one comes back from the new peer.
    router = await startPyRouter(port, 0);
    const reply = dealer.receive();
    let answered = false;
    void reply.then(() => answered = true, () => {});
    for (let i = 0; i < 40 && !answered; i++) {
      await dealer.send([bytes("again")]);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const [, again] = await within(reply, 10_000);
    assert.deepEqual(again, bytes("again"));
  } finally {
    dealer.close();
    await router.kill();
  }
});

Deno.test("zmtp ROUTER closes a peer that does not speak ZMTP 3", async () => {
  const router = await zmtpTransport().bind("tcp://127.0.0.1:0", {});
  try {
    const port = Number(router.endpoint.split(":").at(-1));
    for (
      const hello of [
        bytes("GET / HTTP/1.1\r\n\r\n"),
        // A ZMTP 2.0 greeting (version byte 1).
        Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1, 5),
      ]
    ) {
      const client = net.connect({ host: "127.0.0.1", port });
      client.on("data", () => {});
      client.on("error", () => {});
      const closed = new Promise<void>((resolve) =>
        client.once("close", () => resolve())
      );
      client.write(hello);
      await within(closed, 5_000, "the bad peer was not dropped");
    }
  } finally {
    router.close();
  }
});

Deno.test("zmtpTransport: CURVE and bad addresses are typed errors", async () => {
  const transport = zmtpTransport();
  const keys = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
  await assert.rejects(
    transport.connect("tcp://127.0.0.1:1", {
      curve: { serverPublicKey: keys, publicKey: keys, secretKey: keys },
    }),
    ZmtpCurveUnsupportedError,
  );
  await assert.rejects(
    transport.bind("tcp://127.0.0.1:0", {
      curve: { secretKey: keys, allowedClientKeys: [] },
    }),
    ZmtpCurveUnsupportedError,
  );
  await assert.rejects(
    transport.connect("tcp://127.0.0.1", {}),
    InvalidAPIParameters,
  );
  await assert.rejects(
    transport.bind("ipc:///tmp/x", {}),
    InvalidAPIParameters,
  );
  const router = await transport.bind("tcp://127.0.0.1:0", {});
  try {
    await assert.rejects(transport.bind(router.endpoint, {}), (error) => {
      assert.ok(error instanceof InvalidAPIParameters);
      assert.equal(error.data?.field, "address");
      return true;
    });
  } finally {
    router.close();
  }
  // close() rejects a pending receive.
  const dealer = await transport.connect("tcp://127.0.0.1:9", {});
  const pending = dealer.receive();
  dealer.close();
  await assert.rejects(pending);
});

Deno.test("RPC over zmtp: our client to the Python callosum peer", async () => {
  await using python = await startPythonServer();
  await using agent = await within(
    AgentClient.connect(python.endpoint, {
      logger: quiet,
      transport: zmtpTransport(),
    }),
    10_000,
  );
  assert.equal(await within(agent.ping(), 10_000), "ping");
  assert.equal((await within(agent.health(), 10_000)).version, "26.1.0");
  const many = await within(
    Promise.all(Array.from({ length: 200 }, () => agent.ping())),
    20_000,
  );
  assert.equal(many.length, 200);
});

Deno.test("RPC over zmtp: a Python callosum client to our server, and ours", async () => {
  await using server = new RpcServer({
    logger: quiet,
    transport: zmtpTransport(),
    methods: {
      ping: ({ args }) => args[0],
      echo: ({ args, kwargs }) => ({ args, kwargs, types: [] }),
      health: () => ({ component: "agent" }),
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const out = await runPythonClient(["client", endpoint]) as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(out.pong, true);
  assert.deepEqual(out.ping, { type: 2, okey: { $bytes: "" }, result: "ping" });

  await using agent = await within(
    AgentClient.connect(endpoint, {
      logger: quiet,
      transport: zmtpTransport(),
    }),
    10_000,
  );
  const replies = await within(
    Promise.all(Array.from({ length: 500 }, () => agent.ping())),
    20_000,
  );
  assert.ok(replies.every((reply) => reply === "ping"));
});

Deno.test("zmtp DEALER queues 1000 messages while down, then waits; order kept", async () => {
  const transport = zmtpTransport();
  const probe = await transport.bind("tcp://127.0.0.1:0", {});
  const endpoint = probe.endpoint;
  probe.close();
  const dealer = await transport.connect(endpoint, {});
  let router: RpcBoundSocket | undefined;
  try {
    for (let i = 0; i < 1000; i++) {
      await within(dealer.send([bytes(String(i))]), 1_000);
    }
    let sent = false;
    const last = dealer.send([bytes("1000")]).then(() => sent = true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(sent, false, "the 1001st send waits for the connection");
    const server = await transport.bind(endpoint, {});
    router = server;
    await within(last, 10_000);
    for (let i = 0; i <= 1000; i++) {
      const [, body] = await within(server.receive(), 10_000);
      assert.equal(UTF8.decode(body), String(i));
    }
  } finally {
    dealer.close();
    router?.close();
  }
});

Deno.test("zmtp: a reader that falls behind pauses the sender, nothing is lost", async () => {
  const transport = zmtpTransport();
  const router = await transport.bind("tcp://127.0.0.1:0", {});
  const dealer = await transport.connect(router.endpoint, {});
  try {
    const big = new Uint8Array(100_000).fill(9);
    const count = 5_000;
    // Small and large messages in one turn keep their order.
    const sending = (async () => {
      for (let i = 0; i < count; i++) {
        await dealer.send(
          i % 500 === 0 ? [bytes(String(i)), big] : [
            bytes(String(i)),
          ],
        );
      }
    })();
    // Read nothing for a while: the router stops reading at 1000 queued.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < count; i++) {
      const [id, body, extra] = await within(router.receive(), 10_000);
      assert.equal(id!.length, 5);
      assert.equal(UTF8.decode(body), String(i));
      if (i % 500 === 0) assert.deepEqual(extra, big);
    }
    await within(sending, 10_000);
  } finally {
    dealer.close();
    router.close();
  }
});

/** `Promise.withResolvers()`, which Node 20 does not have. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

Deno.test("zmtp DEALER drops a peer sending a bad frame and dials again", async () => {
  const greeting = new Uint8Array(64);
  greeting.set([
    0xff,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    0x7f,
    3,
    1,
    0x4e,
    0x55,
    0x4c,
    0x4c,
  ]);
  const ready = Uint8Array.of(
    0x04,
    28,
    5,
    ...bytes("READY"),
    11,
    ...bytes("Socket-Type"),
    0,
    0,
    0,
    6,
    ...bytes("ROUTER"),
  );
  // A long frame claiming 2^40 bytes.
  const tooLarge = Uint8Array.of(0x02, 0, 0, 1, 0, 0, 0, 0, 0);
  const sockets: net.Socket[] = [];
  let connections = 0;
  const firstClosed = deferred();
  const twoConnections = deferred();
  const server = net.createServer((socket) => {
    sockets.push(socket);
    connections++;
    socket.on("error", () => {});
    socket.resume(); // read, so the DEALER's close is seen
    if (connections === 1) socket.on("close", () => firstClosed.resolve());
    socket.write(greeting);
    socket.write(ready);
    socket.write(tooLarge);
    if (connections === 2) twoConnections.resolve();
  });
  await new Promise<void>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve())
  );
  const port = (server.address() as net.AddressInfo).port;
  const dealer = await zmtpTransport().connect(`tcp://127.0.0.1:${port}`, {});
  try {
    await within(
      twoConnections.promise,
      10_000,
      "the DEALER did not dial again",
    );
    await within(firstClosed.promise, 10_000, "the bad link stayed open");
  } finally {
    dealer.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

Deno.test("zmtp ROUTER drops a message to an unknown routing id", async () => {
  const transport = zmtpTransport();
  const router = await transport.bind("tcp://127.0.0.1:0", {});
  const dealer = await transport.connect(router.endpoint, {});
  try {
    await within(dealer.send([bytes("hello")]), 5_000);
    const [id] = await within(router.receive(), 5_000);
    const unknown = Uint8Array.of(0, 1, 2, 3, 4);
    assert.notDeepEqual(unknown, id);
    await within(router.send([unknown, bytes("lost")]), 5_000);
    await within(router.send([id!, bytes("kept")]), 5_000);
    const [reply] = await within(dealer.receive(), 5_000);
    assert.equal(UTF8.decode(reply), "kept");
  } finally {
    dealer.close();
    router.close();
  }
});
