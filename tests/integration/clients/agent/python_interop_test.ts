// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Our client against a Python peer speaking callosum's frames, and a Python
// client against our server (_callosum_peer.ts, Debian's python3-zmq and
// python3-msgpack). These fail, never skip, when Python's modules are
// missing.

import assert from "node:assert/strict";
import {
  AgentClient,
  agentRpcMethods,
  AgentRpcTimeoutError,
  AgentRpcUserError,
  PosixPath,
  RpcServer,
  Uuid,
} from "../../../../clients/agent/mod.ts";
import type { Logger } from "../../../../utils.ts";
import { runPythonClient, startPythonServer, within } from "./_peer.ts";

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

Deno.test("our client against a Python callosum peer", async () => {
  await using python = await startPythonServer();
  await using agent = await within(
    AgentClient.connect(python.endpoint, {
      logger: quiet,
      extraMethods: ["echo", "fail", "silent", "cancels"],
    }),
    10_000,
  );
  assert.equal(await within(agent.ping(), 10_000), "ping");
  const health = await within(agent.health(), 10_000);
  assert.equal(health.version, "26.1.0");

  const id = new Uuid("12345678-1234-5678-1234-567812345678");
  const echoed = await within(
    agent.call("echo", [id, new Uint8Array([0, 1]), "text", [1, 2]], {
      n: 2n ** 40n,
      path: new PosixPath("/home/work"),
    }),
    10_000,
  ) as {
    args: unknown[];
    kwargs: Record<string, unknown>;
    types: string[];
    okey_type: string;
  };
  // Python saw a UUID, bytes, str and a tuple (use_list=False), and bytes okey.
  assert.deepEqual(echoed.types, ["UUID", "bytes", "str", "tuple"]);
  assert.equal(echoed.okey_type, "bytes");
  assert.ok(echoed.args[0] instanceof Uuid);
  assert.equal(String(echoed.args[0]), String(id));
  assert.equal(echoed.kwargs.n, 2 ** 40);
  // The path extension (4) is not known to this stand-in: it comes back as
  // the same extension, read again as a path.
  assert.ok(echoed.kwargs.path instanceof PosixPath);

  const failure = await within(
    agent.call("fail").then(() => undefined, (e: unknown) => e),
    10_000,
  );
  assert.ok(failure instanceof AgentRpcUserError);
  assert.equal(failure.remoteName, "ZeroDivisionError");
  assert.equal(failure.remoteRepr, "ZeroDivisionError('division by zero')");
  assert.match(failure.remoteTraceback, /^Traceback \(most recent call last\)/);

  // A timeout sends a CANCEL with the call's (method, okey, seq).
  await assert.rejects(
    within(agent.call("silent", [], {}, { timeoutMs: 100 }), 10_000),
    AgentRpcTimeoutError,
  );
  const cancels = await within(agent.call("cancels"), 10_000);
  assert.deepEqual(cancels, [["silent", { $bytes: "" }, 4]]);
});

Deno.test("a Python callosum client against our server", async () => {
  await using server = new RpcServer({
    logger: quiet,
    methods: {
      ...agentRpcMethods({
        health: () => ({
          status: "ok",
          version: "0.1.0",
          component: "agent",
          connectivity: {
            overall_healthy: true,
            connectivity_checks: [],
            timestamp: "2026-12-07T12:00:00Z",
          },
        }),
        gatherHwinfo: () => ({ devices: [] }),
      }),
      echo: ({ args, kwargs }) => ({
        args,
        kwargs,
        types: args.map((a) =>
          a instanceof Uuid
            ? "UUID"
            : a instanceof Uint8Array
            ? "bytes"
            : typeof a
        ),
      }),
      fail: () => {
        throw new TypeError("not a number");
      },
      slow: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason))
        ),
    },
  });
  const endpoint = await server.listen("tcp://127.0.0.1:0");
  const out = await runPythonClient(["client", endpoint]) as Record<
    string,
    Record<string, unknown>
  >;
  assert.equal(out.pong, true);
  assert.deepEqual(out.ping, { type: 2, okey: { $bytes: "" }, result: "ping" });
  // A str order key comes back as str: Python compares b"" and "" as different.
  assert.deepEqual(out.ping_str_okey, { type: 2, okey: "", result: "ping" });
  assert.deepEqual(out.echo?.result, {
    args: [{ $uuid: "12345678-1234-5678-1234-567812345678" }, {
      $bytes: "0001",
    }, [1, 2]],
    kwargs: { n: 2 ** 40 },
    types: ["UUID", "bytes", "object"],
  });
  assert.equal(out.unknown?.type, 3);
  assert.equal((out.unknown?.error as string[])[0], "KeyError");
  assert.deepEqual(out.after_unknown?.result, "still");
  assert.equal(out.fail?.type, 3);
  assert.deepEqual((out.fail?.error as string[]).slice(0, 2), [
    "TypeError",
    "TypeError('not a number')",
  ]);
  assert.equal(
    (out.health?.result as Record<string, unknown>).component,
    "agent",
  );
  // A CANCEL aborts the handler and is answered CANCELLED with a nil body.
  assert.deepEqual(out.cancelled, {
    type: 6,
    seq: true,
    meth: "slow",
    body: null,
  });
});
