// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * HttpSession and HttpClientPool against a real HTTP server on 127.0.0.1:
 * pool keys, reuse, idle cleanup on a manual clock, HMAC signatures checked
 * by auth's HmacVerifier on the server side, and the session's errors.
 */

import assert from "node:assert/strict";
import {
  type ClientKey,
  HttpClientPool,
  HttpConnectionError,
  HttpSession,
  HttpSessionClosedError,
  HttpTimeoutError,
} from "../../../../clients/http/mod.ts";
import { HmacVerifier, SignatureMismatch } from "../../../../auth/mod.ts";
import { ManualClock } from "../../../../resilience/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import {
  refusedPort,
  type SeenRequest,
  sendJson,
  startServer,
} from "../_http_server.ts";

const KEYS: Record<string, string> = {
  AKIAIOSFODNN7EXAMPLE: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AKIAOTHER0000EXAMPLE: "another-secret-key",
};

function toRequest(seen: SeenRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(seen.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const query = seen.query.toString();
  return new Request(
    `http://${seen.headers.host}${seen.path}${query ? `?${query}` : ""}`,
    {
      method: seen.method,
      headers,
      body: seen.method === "GET" || seen.method === "HEAD" ? null : seen.body,
    },
  );
}

Deno.test("HttpClientPool keys sessions by endpoint, domain and access key", async () => {
  const made: ClientKey[] = [];
  await using pool = new HttpClientPool({
    factory: (key) => {
      made.push(key);
      return new HttpSession({ endpoint: key.endpoint });
    },
  });
  const base = { endpoint: "http://127.0.0.1:6021", domain: "storage-proxy" };
  const a = pool.load(base);
  assert.equal(pool.load({ ...base }), a);
  assert.equal(pool.load({ ...base, accessKey: undefined }), a);
  const b = pool.load({ ...base, domain: "appproxy" });
  const c = pool.load({ ...base, accessKey: "AKIA" });
  const d = pool.load({ ...base, endpoint: "http://127.0.0.1:6022" });
  assert.equal(new Set([a, b, c, d]).size, 4);
  assert.equal(pool.size, 4);
  assert.equal(made.length, 4);
  // A session closed by its user is replaced on the next load.
  await a.close();
  const a2 = pool.load(base);
  assert.notEqual(a2, a);
  assert.equal(a2.closed, false);
  await pool.close();
  assert.ok([a2, b, c, d].every((session) => session.closed));
  assert.equal(pool.size, 0);
  assert.throws(() => pool.load(base), HttpSessionClosedError);
});

Deno.test("HttpClientPool closes sessions idle past the interval, on a manual clock", async () => {
  const clock = new ManualClock();
  await using pool = new HttpClientPool({ cleanupIntervalMs: 600_000, clock });
  const idle = pool.load({ endpoint: "http://a.test", domain: "x" });
  const busy = pool.load({ endpoint: "http://b.test", domain: "x" });
  assert.equal(clock.pending, 1);
  await clock.advance(300_000);
  assert.equal(pool.load({ endpoint: "http://b.test", domain: "x" }), busy);
  // At 600 s: idle has been unused for 600 s, not more; nothing closes.
  await clock.advance(300_000);
  assert.equal(pool.size, 2);
  assert.equal(pool.load({ endpoint: "http://b.test", domain: "x" }), busy);
  // At 1200 s: idle (unused 1200 s) closes, busy (unused 600 s) stays.
  await clock.advance(600_000);
  assert.equal(pool.size, 1);
  assert.ok(idle.closed);
  assert.equal(busy.closed, false);
  assert.equal(clock.pending, 1);
  // Loading an idled-out key makes a new session.
  const again = pool.load({ endpoint: "http://a.test", domain: "x" });
  assert.notEqual(again, idle);
  await pool.close();
  assert.equal(clock.pending, 0);
});

Deno.test("HttpClientPool keeps an idle session while a request is in flight", async () => {
  let release: (() => void) | undefined;
  await using server = await startServer((_request, response) => {
    release = () => sendJson(response, 200, { ok: true });
  });
  const clock = new ManualClock();
  await using pool = new HttpClientPool({ cleanupIntervalMs: 1_000, clock });
  const session = pool.load({ endpoint: server.url, domain: "x" });
  const pending = session.request("/slow");
  while (release === undefined) await new Promise((r) => setTimeout(r, 5));
  assert.equal(session.inFlight, 1);
  await clock.advance(5_000);
  assert.equal(pool.size, 1);
  assert.equal(session.closed, false);
  release();
  const response = await pending;
  assert.deepEqual(await response.json(), { ok: true });
  assert.equal(session.inFlight, 0);
  await clock.advance(2_000);
  assert.equal(pool.size, 0);
  assert.ok(session.closed);
});

Deno.test("HttpSession signs requests that auth's HmacVerifier accepts", async () => {
  const verifier = new HmacVerifier({
    lookup: (accessKey) =>
      KEYS[accessKey] === undefined
        ? undefined
        : { secretKey: KEYS[accessKey] },
  });
  const verdicts: string[] = [];
  await using server = await startServer(async (request, response) => {
    try {
      const { accessKey } = await verifier.verify(toRequest(request));
      verdicts.push(accessKey);
      sendJson(response, 200, { accessKey });
    } catch (error) {
      verdicts.push((error as Error).name);
      sendJson(response, 401, { error: (error as Error).name });
    }
  });
  await using pool = new HttpClientPool({
    factory: (key) =>
      new HttpSession({
        endpoint: key.endpoint,
        signing: key.accessKey === undefined ? undefined : {
          accessKey: key.accessKey,
          secretKey: key.accessKey === "AKIAOTHER0000EXAMPLE"
            ? "a wrong secret"
            : KEYS[key.accessKey]!,
          apiVersion: "v9.20250722",
        },
      }),
  });
  const signed = pool.load({
    endpoint: `${server.url}/api/`,
    domain: "manager",
    accessKey: "AKIAIOSFODNN7EXAMPLE",
  });
  // GET with a query (over fetch), POST with JSON, GET with a body (node:http).
  assert.equal(
    (await signed.request("/v9/folders", { params: { all: true } })).status,
    200,
  );
  assert.equal(
    (await signed.request("folders", { method: "POST", json: { name: "a" } }))
      .status,
    200,
  );
  assert.equal(
    (await signed.request("folders/usage", { json: { vfid: "x" } })).status,
    200,
  );
  const wrong = pool.load({
    endpoint: server.url,
    domain: "manager",
    accessKey: "AKIAOTHER0000EXAMPLE",
  });
  assert.equal((await wrong.request("/v9/ping")).status, 401);
  const unsigned = pool.load({ endpoint: server.url, domain: "manager" });
  assert.equal((await unsigned.request("/v9/ping")).status, 401);
  assert.deepEqual(verdicts, [
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAIOSFODNN7EXAMPLE",
    "AKIAIOSFODNN7EXAMPLE",
    "SignatureMismatch",
    "AuthorizationMissing",
  ]);
  assert.deepEqual(server.seen.map((r) => `${r.method} ${r.path}`), [
    "GET /api/v9/folders",
    "POST /api/folders",
    "GET /api/folders/usage",
    "GET /v9/ping",
    "GET /v9/ping",
  ]);
  assert.equal(server.seen[0]!.query.get("all"), "true");
  assert.equal(server.seen[2]!.body, '{"vfid":"x"}');
  // The same header verified against a tampered path fails.
  const tampered = toRequest({ ...server.seen[0]!, path: "/api/v9/other" });
  await assert.rejects(verifier.verify(tampered), SignatureMismatch);
});

Deno.test("HttpSession reports a timeout, a refused port and a closed session", async () => {
  await using server = await startServer(() => {/* never answers */});
  await using session = new HttpSession({
    endpoint: server.url,
    timeoutMs: 200,
  });
  for (const options of [{}, { json: { a: 1 } }]) {
    await assert.rejects(session.request("/hang", options), (error) => {
      assert.ok(error instanceof HttpTimeoutError);
      assert.equal(error.status, 504);
      assert.deepEqual(error.data, {
        method: "GET",
        url: `${server.url}/hang`,
        timeoutMs: 200,
      });
      return true;
    });
  }
  assert.equal(session.inFlight, 0);

  const port = await refusedPort();
  await using refused = new HttpSession({
    endpoint: `http://127.0.0.1:${port}`,
  });
  for (const options of [{}, { json: { a: 1 } }]) {
    await assert.rejects(refused.request("/x", options), (error) => {
      assert.ok(error instanceof HttpConnectionError);
      assert.equal(
        error.toProblemJSON().error_code,
        "backendai_request_unavailable",
      );
      assert.equal(error.data?.url, `http://127.0.0.1:${port}/x`);
      assert.ok(error.cause !== undefined);
      return true;
    });
  }

  const closing = new HttpSession({ endpoint: server.url });
  const inFlight = closing.request("/hang");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await closing.close();
  await assert.rejects(inFlight, HttpSessionClosedError);
  await assert.rejects(closing.request("/x"), HttpSessionClosedError);
  assert.equal(closing.inFlight, 0);
});

Deno.test("HttpSession runs at most maxConcurrent requests, the rest in order", async () => {
  const held: Array<() => void> = [];
  await using server = await startServer((request, response) => {
    held.push(() => sendJson(response, 200, { path: request.path }));
  });
  await using session = new HttpSession({
    endpoint: server.url,
    maxConcurrent: 2,
  });
  const waitFor = async (count: number) => {
    while (server.seen.length < count) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const paths = ["/a", "/b", "/c", "/d"];
  const controller = new AbortController();
  const calls = paths.map((path) =>
    session.request(path, path === "/c" ? { signal: controller.signal } : {})
      .then(async (response) => (await response.json()).path)
  );
  const timedOut = session.request("/e", { timeoutMs: 100 });
  await waitFor(2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(server.seen.map((r) => r.path), ["/a", "/b"]);
  assert.equal(session.inFlight, 5);
  // A queued request can be aborted or time out without taking a slot.
  controller.abort(new Error("not needed"));
  await assert.rejects(calls[2]!, /not needed/);
  await assert.rejects(timedOut, HttpTimeoutError);
  held.shift()!();
  assert.equal(await calls[0], "/a");
  await waitFor(3);
  assert.equal(server.seen[2]!.path, "/d");
  held.shift()!();
  held.shift()!();
  assert.deepEqual([await calls[1], await calls[3]], ["/b", "/d"]);
  assert.equal(session.inFlight, 0);
  assert.equal(server.seen.length, 3);
});

Deno.test("HttpSession keeps every request on its endpoint's origin", async () => {
  await using session = new HttpSession({
    endpoint: "http://127.0.0.1:6021/api",
    transport: (request) => Promise.resolve(new Response(request.url.href)),
  });
  assert.equal(
    session.url("//evil.test/x").href,
    "http://127.0.0.1:6021/api/evil.test/x",
  );
  assert.equal(session.url("../up").href, "http://127.0.0.1:6021/up");
  await assert.rejects(session.request("http://evil.test/x"), (error) => {
    assert.ok(error instanceof InvalidAPIParameters);
    assert.deepEqual(error.data, {
      field: "path",
      value: "http://evil.test/x",
    });
    return true;
  });
});

Deno.test("HttpSession and HttpClientPool refuse bad options", () => {
  assert.throws(
    () => new HttpSession({ endpoint: "not a url" }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new HttpSession({ endpoint: "ftp://x/" }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new HttpSession({ endpoint: "http://x/", timeoutMs: 0 }),
    InvalidAPIParameters,
  );
  assert.throws(
    () =>
      new HttpSession({
        endpoint: "http://x/",
        signing: { accessKey: "a", secretKey: "s", apiVersion: "v4.20181010" },
      }),
    /signing.apiVersion/,
  );
  assert.throws(
    () => new HttpSession({ endpoint: "http://x/", maxConcurrent: 0 }),
    /maxConcurrent/,
  );
  assert.throws(
    () => new HttpClientPool({ cleanupIntervalMs: -5 }),
    InvalidAPIParameters,
  );
});
