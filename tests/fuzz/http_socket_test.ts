// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated raw HTTP/1.1 requests over a real socket to the standard
// middleware chain served by the node:http adapter (serveNode): hostile
// Host headers (spaces, paths, queries, userinfo, bad ports and brackets),
// odd request targets (absolute form, `*`, `//`, dot segments, percent
// escapes) and oversize declared bodies. Whatever Node's parser lets
// through is answered with a 4xx (problem+json when the library answers),
// never a 5xx, never the handler of a route the request line did not name.
// Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { connect } from "node:net";
import { serveNode } from "../../web/mod.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";
import { fuzzService, MAX_BODY_BYTES } from "./_http.ts";

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

function rawRequest(
  port: number,
  text: string,
): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(text, "latin1"));
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const split = data.indexOf("\r\n\r\n");
      resolve({
        status: Number(data.split(" ")[1]),
        head: data.slice(0, split),
        body: data.slice(split + 4),
      });
    });
  });
}

function hostOf(f: Fuzz): string {
  return f.pick([
    () => "api.example",
    () =>
      `api.example:${f.pick(["80", "0", "65535", "65536", "99999", "", "x"])}`,
    () => f.pick(["a b", "[::1", "[::1]", "[::1]:80", "::1", "1.2.3.4:5"]),
    () =>
      `api.example${f.pick(["/", "/v9/echo?", "?x=1", "#f", "\\x", "/.."])}`,
    () => `${f.pick(["u@", "u:p@", "@"])}evil.example`,
    () => f.text(1 + f.int(12)).replace(/[\r\n\0]|[^\x20-\x7e]/g, ""),
    () => "",
  ])();
}

function targetOf(f: Fuzz): string {
  return f.pick([
    "/v9/ping",
    "/v9/echo",
    "http://evil.example/v9/ping",
    "*",
    "//evil.example/v9/ping",
    "/v9/../v9/ping",
    "/v9/%2e%2e/ping",
    "/v9/ping?x=%zz",
    "/v9/%00",
    `/${f.word()}`,
  ]);
}

Deno.test("fuzz: raw requests to the node:http adapter are never a 5xx", async () => {
  const cases = Math.max(100, Math.round(fuzzCases("http-middlewares") / 10));
  const f = fuzz("http-socket");
  const service = fuzzService(NOW);
  const server = await serveNode(service.app, {});
  const statuses = new Map<number, number>();
  let crashes = 0;
  try {
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const method = f.pick(["GET", "POST", "OPTIONS", "HEAD"]);
      const host = hostOf(f);
      const target = targetOf(f);
      const lines = [`${method} ${target} HTTP/1.1`];
      if (host !== "" || f.chance(0.5)) lines.push(`Host: ${host}`);
      if (method === "POST" && f.chance(0.5)) {
        lines.push("Content-Type: application/json");
        lines.push(`Content-Length: ${MAX_BODY_BYTES + 1 + f.int(1e6)}`);
      }
      lines.push("Connection: close");
      const text = lines.join("\r\n") + "\r\n\r\n";
      const before = service.handled.count;
      const { status, head, body } = await rawRequest(server.addr.port, text);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (!(status >= 400 && status < 500)) {
        crashes++;
        f.fail(`${JSON.stringify(text)} answered ${status}: ${body}`);
      }
      assert.equal(service.handled.count, before, f.where(`handled ${text}`));
      // An answer of the library (not of Node's parser) is problem+json.
      // (A HEAD answer has no body.)
      if (
        method !== "HEAD" &&
        /content-type: application\/problem\+json/i.test(head)
      ) {
        assert.ok(body.includes('"error_code"'), f.where(body));
      }
    }
  } finally {
    await server.close();
  }
  assert.ok(statuses.size >= 2, `statuses: ${[...statuses]}`);
  await reportFaultFigures({
    kind: "fuzz",
    name: "http-socket",
    cases,
    crashes,
  });
});
