// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The agent side of `deno task bench:rpc`, in a process of its own: an
 * {@linkcode RpcServer} serving `ping` on a free loopback port. It prints
 * `ready <endpoint>` and serves until SIGTERM. The argument `zmtp` makes it
 * use {@linkcode zmtpTransport}, `zeromq` {@linkcode zeromqTransport}.
 *
 * @module
 */

import {
  RpcServer,
  zeromqTransport,
  zmtpTransport,
} from "../../clients/agent/mod.ts";

const transport = Deno.args[0] === "zmtp"
  ? zmtpTransport()
  : Deno.args[0] === "zeromq"
  ? zeromqTransport()
  : undefined;
const server = new RpcServer({
  methods: { ping: ({ args }) => args[0] },
  transport,
});
const endpoint = await server.listen("tcp://127.0.0.1:0");
console.log(`ready ${endpoint}`);
await new Promise<void>((resolve) => {
  Deno.addSignalListener("SIGTERM", () => resolve());
});
await server.close({ graceMs: 100 });
Deno.exit(0);
