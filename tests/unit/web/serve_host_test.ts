// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The node:http adapter and a hostile Host header (found by the seeded HTTP
// fuzz of tests/fuzz/): a Host that is not `host[:port]` made the request's
// URL fail to parse (a 500, as if the server were broken), or, with a path
// in it (`api.example/v9/admin?`), put that path in place of the request
// line's, so what was routed and signed was not what a proxy in front saw.
// Such a request is now a 400 problem+json that reaches no handler. So is
// a request target that is neither `/path` nor an absolute URL (`*`), which
// was glued to the Host the same way; an absolute-form target is used as
// it is (RFC 7230 5.5). Raw requests go through node:net, so the file runs
// under Node and Bun too.

import assert from "node:assert/strict";
import { connect } from "node:net";
import { type ServeHandler, serveNode } from "../../../web/mod.ts";

/** Sends raw bytes, returns the status line and body of the answer. */
function rawRequest(
  port: number,
  text: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text));
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(data.split(" ")[1]);
      resolve({ status, body: data.slice(data.indexOf("\r\n\r\n") + 4) });
    });
  });
}

function get(host: string, target = "/v9/ping", method = "GET"): string {
  return `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
}

Deno.test("serveNode answers a malformed Host header with a 400, never a 500, and never runs the handler", async () => {
  const seen: string[] = [];
  const handler: ServeHandler = (request) => {
    seen.push(request.url);
    return Promise.resolve(new Response("ok"));
  };
  const server = await serveNode(handler, {});
  try {
    for (
      const host of [
        "a b",
        "api.example:99999",
        "[::1",
        "api.example/v9/admin?",
        "api.example?x=1",
        "api.example#frag",
        "u@evil.example",
        "evil.example\\x",
      ]
    ) {
      const { status, body } = await rawRequest(
        server.addr.port,
        get(host),
      );
      assert.equal(status, 400, `${host}: ${body}`);
      const problem = JSON.parse(
        body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ""),
      );
      assert.equal(problem.error_code, "api_parsing_invalid-parameters", host);
    }
    assert.deepEqual(seen, []);
    for (
      const [host, url] of [
        ["api.example", "http://api.example/v9/ping"],
        ["api.example:8080", "http://api.example:8080/v9/ping"],
        ["API.Example", "http://api.example/v9/ping"],
        ["127.0.0.1:80", "http://127.0.0.1/v9/ping"],
        ["[::1]:8080", "http://[::1]:8080/v9/ping"],
      ] as const
    ) {
      const { status } = await rawRequest(server.addr.port, get(host));
      assert.equal(status, 200, host);
      assert.equal(seen.pop(), url);
    }
  } finally {
    await server.close();
  }
});

Deno.test("serveNode refuses an asterisk target with a 400 and takes an absolute-form one as it is", async () => {
  const seen: string[] = [];
  const handler: ServeHandler = (request) => {
    seen.push(request.url);
    return Promise.resolve(new Response("ok"));
  };
  const server = await serveNode(handler, {});
  try {
    for (const host of ["api.example", "1.2.3.4:5", "[::1]:80"]) {
      const refused = await rawRequest(
        server.addr.port,
        get(host, "*", "OPTIONS"),
      );
      assert.equal(refused.status, 400, `${host}: ${refused.body}`);
      const absolute = await rawRequest(
        server.addr.port,
        get(host, "http://other.example/v9/ping?x=1"),
      );
      assert.equal(absolute.status, 200, `${host}: ${absolute.body}`);
    }
    assert.deepEqual(seen, [
      "http://other.example/v9/ping?x=1",
      "http://other.example/v9/ping?x=1",
      "http://other.example/v9/ping?x=1",
    ]);
  } finally {
    await server.close();
  }
});
