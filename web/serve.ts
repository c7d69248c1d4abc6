// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Running one {@linkcode ServeHandler} on each runtime: `Deno.serve` takes
 * it as it is; {@linkcode bunFetch} adapts it to `Bun.serve`'s `fetch`;
 * {@linkcode serveNode} and {@linkcode nodeListener} run it on `node:http`
 * (under Node, and under Deno and Bun too).
 *
 * @module
 */

import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { BackendAIError, InvalidAPIParameters } from "../exception.ts";
import type { Logger } from "../utils.ts";
import { errorText } from "../_error_text.ts";
import type { RemoteAddr, ServeHandler } from "./handler.ts";
import { errorResponse } from "./response.ts";

/** What `Bun.serve` hands `fetch` besides the request (its server). */
export interface BunServerLike {
  /**
   * The peer of a request's connection.
   *
   * @param request The request.
   * @returns Its address, or `null`.
   */
  requestIP(request: Request): { address: string; port: number } | null;
}

/**
 * Adapts a handler to `Bun.serve({ fetch })`, giving it the peer address.
 *
 * @example Usage
 * ```ts
 * import { bunFetch } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const fetch = bunFetch(async (_request, info) => new Response(info?.remoteAddr?.hostname));
 * const server = { requestIP: () => ({ address: "10.0.0.7", port: 4000 }) };
 * assert.equal(await (await fetch(new Request("http://x/"), server)).text(), "10.0.0.7");
 * // Under Bun: Bun.serve({ port: 8080, fetch: bunFetch(app) })
 * ```
 *
 * @param handler The handler.
 * @returns Bun's `fetch`.
 */
export function bunFetch(
  handler: ServeHandler,
): (request: Request, server: BunServerLike) => Promise<Response> {
  return (request, server) => {
    const peer = server.requestIP(request);
    return handler(
      request,
      peer === null
        ? {}
        : { remoteAddr: { hostname: peer.address, port: peer.port } },
    );
  };
}

/** Options of {@linkcode nodeListener}. */
export interface NodeListenerOptions {
  /**
   * Where a response that cannot be written is logged.
   *
   * @default {undefined: nothing is logged}
   */
  logger?: Logger | undefined;
}

/**
 * A `node:http` request listener that runs a handler: the request becomes a
 * web `Request` (body streamed, `signal` aborted when the client goes
 * away), and the `Response` is streamed back with backpressure; a body the
 * client stops reading is cancelled, so an SSE stream ends with its client.
 * A handler that throws gets a problem+json 500; a request whose `Host`
 * header is not `host[:port]`, or whose target is neither `/path` nor an
 * absolute `http(s)://` URL, gets a 400 (`InvalidAPIParameters`) without
 * reaching the handler.
 *
 * @example Mounted on an existing server
 * ```ts
 * import { createServer } from "node:http";
 * import { nodeListener } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const server = createServer(nodeListener(async (request) => new Response(request.method)));
 * await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
 * const { port } = server.address() as { port: number };
 * assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), "GET");
 * await new Promise((resolve) => server.close(resolve));
 * ```
 *
 * @param handler The handler.
 * @param options Where failures are logged.
 * @returns The listener.
 */
export function nodeListener(
  handler: ServeHandler,
  options: NodeListenerOptions = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    void respond(handler, incoming, outgoing, options.logger);
  };
}

async function respond(
  handler: ServeHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  logger: Logger | undefined,
): Promise<void> {
  const gone = new AbortController();
  const onClose = () => {
    if (!outgoing.writableFinished) {
      gone.abort(new DOMException("The client went away", "AbortError"));
    }
  };
  outgoing.once("close", onClose);
  let response: Response;
  try {
    const request = toRequest(incoming, gone.signal);
    const socket = incoming.socket;
    const remoteAddr: RemoteAddr | undefined =
      socket.remoteAddress === undefined
        ? undefined
        : { hostname: socket.remoteAddress, port: socket.remotePort ?? 0 };
    response = await handler(request, { remoteAddr });
  } catch (error) {
    // A request refused before the handler (a malformed Host) is the
    // client's error, not the server's.
    if (!(error instanceof BackendAIError && error.status < 500)) {
      logger?.error("web: a handler threw", { error: errorText(error) });
    }
    response = errorResponse(error);
  }
  try {
    await writeResponse(response, outgoing, gone.signal);
  } catch (error) {
    logger?.warn("web: a response was not written", {
      error: errorText(error),
    });
    outgoing.destroy();
  } finally {
    outgoing.off("close", onClose);
  }
}

/**
 * RFC 7230's `Host`: `uri-host [":" port]`, an IP literal in brackets or a
 * name of unreserved and sub-delimiter characters. Anything else (a space,
 * a path, a query, userinfo) would make the URL unparsable or put a path
 * other than the request line's into it.
 */
const HOST_REGEXP =
  /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=]+)(?::[0-9]{0,5})?$/;

function toRequest(incoming: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    headers.append(raw[i] as string, raw[i + 1] as string);
  }
  const host = headers.get("host") ?? "localhost";
  if (!HOST_REGEXP.test(host) || !URL.canParse(`http://${host}/`)) {
    throw new InvalidAPIParameters("Malformed Host header", {
      data: { header: "Host" },
    });
  }
  const method = incoming.method ?? "GET";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (method !== "GET" && method !== "HEAD") {
    init.body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>;
    init.duplex = "half";
  }
  return new Request(requestUrl(host, incoming.url ?? "/"), init);
}

/**
 * The URL of a request line's target: origin-form (`/path?query`) under the
 * Host, or absolute-form (`http://host/path`), whose authority wins (RFC 7230
 * 5.5). Anything else (`*`, a target that does not parse) is refused.
 */
function requestUrl(host: string, target: string): string {
  if (target.startsWith("/")) {
    const url = `http://${host}${target}`;
    if (URL.canParse(url)) return url;
  } else if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    return target;
  }
  throw new InvalidAPIParameters("Malformed request target", {
    data: { field: "request-target" },
  });
}

async function writeResponse(
  response: Response,
  outgoing: ServerResponse,
  gone: AbortSignal,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  outgoing.writeHead(
    response.status,
    response.statusText || undefined,
    headers,
  );
  if (response.body === null) {
    outgoing.end();
    return;
  }
  const reader = response.body.getReader();
  const cancel = () => void reader.cancel(gone.reason).catch(() => {});
  if (gone.aborted) cancel();
  else gone.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (gone.aborted) return;
      if (!outgoing.write(value)) {
        await new Promise<void>((resolve) => {
          const resume = () => {
            outgoing.off("drain", resume);
            outgoing.off("close", resume);
            resolve();
          };
          outgoing.on("drain", resume);
          outgoing.on("close", resume);
        });
      }
    }
    outgoing.end();
  } finally {
    gone.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}

/** Options of {@linkcode serveNode}. */
export interface ServeNodeOptions {
  /**
   * The port; 0 picks a free one.
   *
   * @default {0}
   */
  port?: number | undefined;
  /**
   * The address to listen on.
   *
   * @default {"127.0.0.1"}
   */
  hostname?: string | undefined;
  /**
   * Stops the server when aborted.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Where failures are logged.
   *
   * @default {undefined: nothing is logged}
   */
  logger?: Logger | undefined;
}

/** A running `node:http` server (see {@linkcode serveNode}). */
export interface NodeServer {
  /** Where it listens. */
  readonly addr: { readonly hostname: string; readonly port: number };
  /**
   * Stops taking connections, ends idle ones and waits for the server to
   * close; connections still busy are closed.
   */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Serves a handler on `node:http`, as `Deno.serve` would.
 *
 * @example Usage
 * ```ts
 * import { serveNode } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * await using server = await serveNode(async () => Response.json({ ok: true }));
 * const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
 * assert.deepEqual(await response.json(), { ok: true });
 * ```
 *
 * @param handler The handler.
 * @param options Port, address, stop signal and logger.
 * @returns The running server.
 */
export async function serveNode(
  handler: ServeHandler,
  options: ServeNodeOptions = {},
): Promise<NodeServer> {
  const server = createServer(
    nodeListener(handler, { logger: options.logger }),
  );
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    closing ??= new Promise<void>((resolve) => {
      options.signal?.removeEventListener("abort", onAbort);
      server.close(() => resolve());
      server.closeIdleConnections?.();
      server.closeAllConnections?.();
    });
  const onAbort = () => void close();
  if (options.signal?.aborted) await close();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    addr: { hostname, port: address.port },
    close,
    [Symbol.asyncDispose]: close,
  };
}
