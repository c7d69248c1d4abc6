// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How an {@linkcode HttpSession} sends a request: the {@linkcode HttpTransport}
 * seam, {@linkcode fetchTransport} (web-standard `fetch`, the default) and
 * {@linkcode nodeHttpTransport} (`node:http`, on Deno, Node and Bun).
 *
 * `fetch` refuses a body on a `GET` or `HEAD` request (all three runtimes
 * throw `TypeError`), but upstream's storage proxy reads the JSON body of its
 * `GET` endpoints (`GET /volume/hwinfo`, `GET /folder/usage`, ...). So
 * `fetchTransport` sends such a request over `node:http` and everything
 * else over `fetch`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import {
  type ClientRequest,
  type IncomingMessage,
  request as httpRequest,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";

/** One request as a transport sends it. */
export interface TransportRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The absolute URL. */
  readonly url: URL;
  /** The headers to send. */
  readonly headers: Headers;
  /** The body, when there is one. */
  readonly body?: Uint8Array | undefined;
  /** Aborts the request and the reading of its response body. */
  readonly signal: AbortSignal;
}

/**
 * Sends a request and resolves with the response once its headers arrive;
 * the body is read from the `Response`. It rejects with `signal.reason` when
 * the signal aborts, and with another error (a `TypeError` from `fetch`, a
 * `node:net` error) when no answer comes.
 *
 * @example A transport that answers from memory
 * ```ts
 * import type { HttpTransport } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const echo: HttpTransport = async (request) => new Response(request.url.pathname);
 * const response = await echo({
 *   method: "GET", url: new URL("http://x/ping"), headers: new Headers(), signal: new AbortController().signal,
 * });
 * assert.equal(await response.text(), "/ping");
 * ```
 */
export type HttpTransport = (request: TransportRequest) => Promise<Response>;

/** Options of {@linkcode fetchTransport}. */
export interface FetchTransportOptions {
  /**
   * The `fetch` to use.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch | undefined;
  /**
   * The connect timeout of requests that go over `node:http` (a `GET` or
   * `HEAD` with a body); `fetch` gives no hook for it.
   *
   * @default {undefined: none}
   */
  connectTimeoutMs?: number | undefined;
}

/**
 * The default transport: web-standard `fetch`, except a `GET` or `HEAD` with
 * a body, which `fetch` cannot send, goes over `node:http`.
 *
 * @example Usage
 * ```ts
 * import { fetchTransport } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const send = fetchTransport({ fetch: async (input) => new Response(String(input)) });
 * const response = await send({
 *   method: "GET", url: new URL("http://127.0.0.1:6021/volumes"), headers: new Headers(),
 *   signal: new AbortController().signal,
 * });
 * assert.equal(await response.text(), "http://127.0.0.1:6021/volumes");
 * ```
 *
 * @param options The `fetch` to use and the connect timeout of the `node:http` path.
 * @returns The transport.
 */
export function fetchTransport(
  options: FetchTransportOptions = {},
): HttpTransport {
  const node = nodeHttpTransport({
    connectTimeoutMs: options.connectTimeoutMs,
  });
  return (request) => {
    if (
      request.body !== undefined &&
      (request.method === "GET" || request.method === "HEAD")
    ) {
      return node(request);
    }
    const send = options.fetch ?? globalThis.fetch;
    return send(request.url, {
      method: request.method,
      headers: request.headers,
      body: (request.body ?? null) as BodyInit | null,
      signal: request.signal,
    });
  };
}

/** Options of {@linkcode nodeHttpTransport}. */
export interface NodeHttpTransportOptions {
  /**
   * How long establishing the connection may take, in ms; past it the
   * request fails with a `ConnectTimeoutError` (`name`), which sessions
   * report as a connection error.
   *
   * @default {undefined: none}
   */
  connectTimeoutMs?: number | undefined;
}

/**
 * A transport on `node:http` / `node:https`, which sends a body with any
 * method. The response body is a web stream; aborting the signal destroys
 * the request and the response.
 *
 * @example Usage
 * ```ts
 * import { nodeHttpTransport } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * const send = nodeHttpTransport({ connectTimeoutMs: 1_000 });
 * assert.equal(typeof send, "function");
 * ```
 *
 * @param options The connect timeout.
 * @returns The transport.
 */
export function nodeHttpTransport(
  options: NodeHttpTransportOptions = {},
): HttpTransport {
  return (request) => sendNodeHttp(request, options.connectTimeoutMs);
}

function sendNodeHttp(
  request: TransportRequest,
  connectTimeoutMs: number | undefined,
): Promise<Response> {
  const { signal, url } = request;
  if (signal.aborted) return Promise.reject(signal.reason);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (request.body !== undefined) {
    headers["content-length"] = String(request.body.byteLength);
  }
  const make = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let response: IncomingMessage | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const clearConnectTimer = () => {
      if (connectTimer !== undefined) clearTimeout(connectTimer);
      connectTimer = undefined;
    };
    const onAbort = () => {
      clearConnectTimer();
      const reason = signal.reason;
      // A body stream that is being read ends with the abort reason.
      response?.destroy(reason instanceof Error ? reason : undefined);
      req.destroy(reason instanceof Error ? reason : undefined);
      reject(reason);
    };
    const req: ClientRequest = make(url, {
      method: request.method,
      headers,
    });
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    if (connectTimeoutMs !== undefined) {
      connectTimer = setTimeout(() => {
        const error = new Error(
          `Cannot connect to ${url.host} within ${connectTimeoutMs} ms`,
        );
        error.name = "ConnectTimeoutError";
        req.destroy(error);
      }, connectTimeoutMs);
      req.once("socket", (socket) => {
        const connecting = (socket as { connecting?: boolean }).connecting;
        if (connecting === false) clearConnectTimer();
        else socket.once("connect", clearConnectTimer);
      });
    }
    req.once("error", (error) => {
      clearConnectTimer();
      done();
      reject(error);
    });
    req.once("response", (incoming) => {
      clearConnectTimer();
      response = incoming;
      const responseHeaders = new Headers();
      const raw = incoming.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        responseHeaders.append(raw[i] as string, raw[i + 1] as string);
      }
      const status = incoming.statusCode ?? 500;
      const bodyless = request.method === "HEAD" || status === 204 ||
        status === 304 || (status >= 100 && status < 200);
      incoming.once("close", done);
      if (bodyless) {
        incoming.resume();
        resolve(new Response(null, { status, headers: responseHeaders }));
        return;
      }
      resolve(
        new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, {
          status,
          statusText: incoming.statusMessage ?? "",
          headers: responseHeaders,
        }),
      );
    });
    req.end(
      request.body === undefined ? undefined : Buffer.from(request.body),
    );
  });
}
