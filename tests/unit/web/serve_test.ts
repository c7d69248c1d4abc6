// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The same handler on each runtime's server: `Deno.serve` under Deno,
 * `Bun.serve` (through `bunFetch`) under Bun, and the `node:http` adapter
 * under all three (it is Node's server; `deno task test:runtimes` runs this
 * file under Node and Bun too).
 */

import assert from "node:assert/strict";
import process from "node:process";
import {
  bunFetch,
  compose,
  errorResponse,
  jsonResponse,
  type Middleware,
  Router,
  type ServeHandler,
  serveNode,
  sseResponse,
} from "../../../web/mod.ts";

/** Answers what the chain throws as problem+json (the error middleware's job). */
const answerErrors: Middleware = async (_request, next) => {
  try {
    return await next();
  } catch (error) {
    return errorResponse(error);
  }
};

interface Served {
  name: string;
  port: number;
  close(): Promise<void>;
}

interface BunServer {
  port: number;
  stop(force?: boolean): void | Promise<void>;
}

const runtime = process.versions.bun !== undefined
  ? "bun"
  : process.versions.deno !== undefined
  ? "deno"
  : "node";

/** The servers this runtime has: its own, and the node:http adapter. */
async function servers(handler: ServeHandler): Promise<Served[]> {
  const node = await serveNode(handler, {});
  const list: Served[] = [{
    name: "node:http adapter",
    port: node.addr.port,
    close: () => node.close(),
  }];
  if (runtime === "deno") {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      handler,
    );
    list.push({
      name: "Deno.serve",
      port: server.addr.port,
      close: () => server.shutdown(),
    });
  } else if (runtime === "bun") {
    const bun = (globalThis as unknown as {
      Bun: { serve(options: unknown): BunServer };
    }).Bun;
    const server = bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: bunFetch(handler),
    });
    list.push({
      name: "Bun.serve",
      port: server.port,
      close: async () => void await server.stop(true),
    });
  }
  return list;
}

function makeApp(stopped: (name: string) => void): ServeHandler {
  const router = new Router()
    .get("/hello", (_request, context) =>
      jsonResponse({
        hello: "world",
        peer: context.remoteAddr?.hostname,
        query: context.url.searchParams.get("q"),
      }))
    .post("/echo", (request) =>
      new Response(request.body, {
        headers: { "content-type": request.headers.get("content-type") ?? "" },
      }))
    .get("/cookies", () => {
      const response = new Response("ok");
      response.headers.append("set-cookie", "a=1; Path=/");
      response.headers.append("set-cookie", "b=2; Path=/");
      return response;
    })
    .get("/boom", () => {
      throw new Error("secret internals");
    })
    .get("/events", (request) =>
      sseResponse(async function* (signal) {
        signal.addEventListener(
          "abort",
          () => stopped(new URL(request.url).searchParams.get("id") ?? ""),
        );
        let n = 0;
        while (!signal.aborted) {
          yield { event: "tick", data: String(n++) };
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }, { keepAliveMs: 0 }));
  return compose([answerErrors], router.handler);
}

Deno.test(`web: one handler serves the same answers on every server of ${runtime}`, async () => {
  const stops = new Map<string, () => void>();
  const app = makeApp((id) => stops.get(id)?.());
  const list = await servers(app);
  try {
    assert.equal(list.length, runtime === "node" ? 1 : 2);
    for (const server of list) {
      const base = `http://127.0.0.1:${server.port}`;
      const hello = await fetch(`${base}/hello?q=%C3%A9`);
      assert.equal(hello.status, 200, server.name);
      assert.deepEqual(await hello.json(), {
        hello: "world",
        peer: "127.0.0.1",
        query: "é",
      }, server.name);

      const big = "x".repeat(1 << 20);
      const echo = await fetch(`${base}/echo`, {
        method: "POST",
        body: big,
        headers: { "content-type": "text/plain" },
      });
      assert.equal((await echo.text()).length, big.length, server.name);

      const cookies = await fetch(`${base}/cookies`);
      await cookies.body?.cancel();
      assert.deepEqual(cookies.headers.getSetCookie(), [
        "a=1; Path=/",
        "b=2; Path=/",
      ], server.name);

      const boom = await fetch(`${base}/boom`);
      assert.equal(boom.status, 500, server.name);
      const body = await boom.text();
      assert.equal(body.includes("secret"), false, server.name);
      assert.match(body, /internal-server-error/, server.name);

      const missing = await fetch(`${base}/nowhere`);
      assert.equal(missing.status, 404, server.name);
      await missing.body?.cancel();

      // A client that goes away mid-stream stops the SSE source.
      const id = server.name;
      const stopped = new Promise<void>((resolve) => stops.set(id, resolve));
      const controller = new AbortController();
      const events = await fetch(
        `${base}/events?id=${encodeURIComponent(id)}`,
        {
          signal: controller.signal,
        },
      );
      assert.equal(events.headers.get("content-type"), "text/event-stream");
      const reader = events.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.match(first, /^event: tick\ndata: 0\n\n/, server.name);
      controller.abort();
      await reader.cancel().catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        stopped,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${server.name}: the source never stopped`)),
            5000,
          );
        }),
      ]);
      clearTimeout(timer);
    }
  } finally {
    for (const server of list) await server.close();
  }
});

Deno.test("serveNode: an aborted signal closes the server; a server closes twice quietly", async () => {
  const controller = new AbortController();
  const server = await serveNode(() => Promise.resolve(new Response("up")), {
    signal: controller.signal,
  });
  const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
  assert.equal(await response.text(), "up");
  controller.abort();
  await server.close();
  await server.close();
  await assert.rejects(fetch(`http://127.0.0.1:${server.addr.port}/`));
});
