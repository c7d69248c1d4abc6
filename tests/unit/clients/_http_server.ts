// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A real HTTP server on 127.0.0.1 (a free port) for client tests, on
 * `node:http` so that the same test runs under Deno, Node and Bun. Each
 * request is recorded with its body (a `GET` may carry one) and answered by
 * the test's handler, which writes to the raw `ServerResponse` (so a test
 * can send any status, content type, or hang).
 */

import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request the server received. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

/** The handler: writes the answer (or not, to hang). */
export type TestHandler = (
  request: SeenRequest,
  response: ServerResponse,
) => void | Promise<void>;

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server answering with `handler`. */
export async function startServer(handler: TestHandler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Uint8Array[] = [];
    incoming.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
      const request: SeenRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: new TextDecoder().decode(concat(chunks)),
      };
      seen.push(request);
      void Promise.resolve(handler(request, outgoing)).catch((error) => {
        outgoing.statusCode = 599;
        outgoing.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A port nothing listens on (bound, then released). */
export async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Sends JSON with a status and content type. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  contentType = "application/json",
): void {
  response.writeHead(status, { "content-type": contentType });
  response.end(JSON.stringify(body));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const size = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
