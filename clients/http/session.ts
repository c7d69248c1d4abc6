// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode HttpSession}: requests to one endpoint (upstream's aiohttp
 * `ClientSession` with a `base_url`), with JSON bodies, query parameters, a
 * total timeout, HMAC signing by `auth`'s signer when a keypair is given,
 * and `close()` that ends the requests in flight.
 *
 * @module
 */

import { invalidOption } from "../../_options.ts";
import { InvalidAPIParameters } from "../../exception.ts";
import {
  BODYLESS_SIGNATURE_VERSION,
  generateSignature,
  type HashType,
} from "../../auth/sign.ts";
import {
  HttpConnectionError,
  HttpSessionClosedError,
  HttpTimeoutError,
} from "./errors.ts";
import { fetchTransport, type HttpTransport } from "./transport.ts";

/** The keypair and API version a session signs its requests with. */
export interface HttpSigning {
  /** The access key. */
  readonly accessKey: string;
  /** The secret key (never logged, never sent). */
  readonly secretKey: string;
  /** The API version sent as `X-BackendAI-Version`; `v4.20181215` or later. */
  readonly apiVersion: string;
  /**
   * The hash of the HMAC.
   *
   * @default {"sha256"}
   */
  readonly hashType?: HashType | undefined;
}

/** Options of {@linkcode HttpSession}. */
export interface HttpSessionOptions {
  /** The base URL; request paths are resolved against it. */
  endpoint: string | URL;
  /**
   * What sends the requests.
   *
   * @default {fetchTransport()}
   */
  transport?: HttpTransport | undefined;
  /**
   * Signs every request with upstream's HMAC `Authorization` header.
   *
   * @default {undefined: requests are not signed}
   */
  signing?: HttpSigning | undefined;
  /**
   * Headers sent with every request (a request's own headers win).
   *
   * @default {none}
   */
  headers?: HeadersInit | undefined;
  /**
   * The total timeout of a request in ms, from sending it to the end of its
   * response body; a request's own `timeoutMs` wins.
   *
   * @default {undefined: none}
   */
  timeoutMs?: number | undefined;
  /**
   * How many requests may be in flight at once (upstream's connector
   * `limit`); more wait their turn in order, within their timeout.
   *
   * @default {100}
   */
  maxConcurrent?: number | undefined;
  /**
   * The clock of the signature's date.
   *
   * @default {() => new Date()}
   */
  now?: (() => Date) | undefined;
}

/** Query parameters; `undefined` and `null` values are left out. */
export type QueryParams =
  | URLSearchParams
  | Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Options of {@linkcode HttpSession.request}. */
export interface HttpRequestOptions {
  /**
   * The HTTP method.
   *
   * @default {"GET"}
   */
  method?: string | undefined;
  /**
   * Query parameters added to the URL.
   *
   * @default {none}
   */
  params?: QueryParams | undefined;
  /**
   * A value sent as a JSON body (`content-type: application/json`); any
   * method may carry one, `GET` included.
   *
   * @default {undefined: no JSON body}
   */
  json?: unknown;
  /**
   * A raw body (ignored when `json` is given).
   *
   * @default {undefined: no body}
   */
  body?: string | Uint8Array | undefined;
  /**
   * Headers of this request.
   *
   * @default {none}
   */
  headers?: HeadersInit | undefined;
  /**
   * Aborts the request; it then rejects with the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * The total timeout of this request in ms (see
   * {@linkcode HttpSessionOptions.timeoutMs}).
   *
   * @default {the session's}
   */
  timeoutMs?: number | undefined;
}

const encoder = new TextEncoder();

/**
 * Requests to one endpoint. A path is resolved against the endpoint (a
 * leading `/` is dropped, so an endpoint with a path prefix keeps it, as
 * aiohttp's `base_url` and yarl's `/` do). The returned `Response` is the
 * server's for any status; a request that gets no answer rejects with
 * {@linkcode HttpTimeoutError} past its timeout, with
 * {@linkcode HttpConnectionError} when it cannot be sent or read, with
 * {@linkcode HttpSessionClosedError} when the session closes, and with the
 * caller's `signal.reason` when that aborts. The timeout also covers the
 * reading of the body: read it, or cancel it, so its timer ends.
 *
 * @example Usage
 * ```ts
 * import { HttpSession } from "@backendai/common/clients/http";
 * import assert from "node:assert/strict";
 *
 * await using session = new HttpSession({
 *   endpoint: "http://127.0.0.1:6021/api/",
 *   transport: async (request) => Response.json({ url: request.url.href, body: request.body?.byteLength }),
 * });
 * const response = await session.request("/folder/usage", {
 *   json: { volume: "local" },
 *   params: { recursive: true },
 * });
 * assert.deepEqual(await response.json(), {
 *   url: "http://127.0.0.1:6021/api/folder/usage?recursive=true",
 *   body: 18,
 * });
 * assert.equal(session.inFlight, 0);
 * ```
 */
export class HttpSession implements AsyncDisposable {
  /** The base URL, ending in `/`. */
  readonly endpoint: URL;
  readonly #transport: HttpTransport;
  readonly #signing: HttpSigning | undefined;
  readonly #headers: Headers;
  readonly #timeoutMs: number | undefined;
  readonly #now: () => Date;
  readonly #closing = new AbortController();
  #inFlight = 0;
  readonly #maxConcurrent: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  /**
   * Makes a session.
   *
   * @param options The endpoint, transport, signing keypair, default
   * headers and timeout.
   */
  constructor(options: HttpSessionOptions) {
    let endpoint: URL;
    try {
      endpoint = new URL(options.endpoint);
    } catch (error) {
      invalidOption(
        "HTTP session",
        "endpoint",
        String(options.endpoint),
        `must be an absolute URL (${(error as Error).message})`,
      );
    }
    if (endpoint.protocol !== "http:" && endpoint.protocol !== "https:") {
      invalidOption(
        "HTTP session",
        "endpoint",
        endpoint.href,
        "must be an http: or https: URL",
      );
    }
    if (!endpoint.pathname.endsWith("/")) endpoint.pathname += "/";
    this.endpoint = endpoint;
    checkTimeout(options.timeoutMs);
    const signing = options.signing;
    if (
      signing !== undefined && signing.apiVersion < BODYLESS_SIGNATURE_VERSION
    ) {
      invalidOption(
        "HTTP session",
        "signing.apiVersion",
        signing.apiVersion,
        `must be ${BODYLESS_SIGNATURE_VERSION} or later`,
      );
    }
    this.#signing = signing;
    this.#transport = options.transport ?? fetchTransport();
    this.#headers = new Headers(options.headers);
    this.#timeoutMs = options.timeoutMs;
    this.#maxConcurrent = options.maxConcurrent ?? 100;
    if (
      !(Number.isSafeInteger(this.#maxConcurrent) && this.#maxConcurrent > 0)
    ) {
      invalidOption(
        "HTTP session",
        "maxConcurrent",
        this.#maxConcurrent,
        "must be a whole number above 0",
      );
    }
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * How many requests are in flight: waiting for a slot, sent, or their
   * body not yet read.
   */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether {@linkcode HttpSession.close} was called. */
  get closed(): boolean {
    return this.#closing.signal.aborted;
  }

  /**
   * The URL a path resolves to, with query parameters.
   *
   * @param path The path, relative to the endpoint.
   * @param params Query parameters.
   * @returns The absolute URL.
   * @throws {InvalidAPIParameters} When the path names another origin.
   */
  url(path: string, params?: QueryParams): URL {
    const url = new URL(path.replace(/^\/+/, ""), this.endpoint);
    if (url.origin !== this.endpoint.origin) {
      throw new InvalidAPIParameters(
        `Cannot send "${path}" through a session of ${this.endpoint.origin}`,
        { data: { field: "path", value: path } },
      );
    }
    if (params !== undefined) {
      const entries = params instanceof URLSearchParams
        ? params.entries()
        : Object.entries(params);
      for (const [name, value] of entries) {
        if (value !== undefined && value !== null) {
          url.searchParams.append(name, String(value));
        }
      }
    }
    return url;
  }

  /**
   * Sends a request and resolves with its response once the headers arrive.
   *
   * @param path The path, relative to the endpoint.
   * @param options The method, query, body, headers, signal and timeout.
   * @returns The response (any status).
   * @throws {HttpTimeoutError | HttpConnectionError | HttpSessionClosedError}
   */
  async request(
    path: string,
    options: HttpRequestOptions = {},
  ): Promise<Response> {
    const method = (options.method ?? "GET").toUpperCase();
    const url = this.url(path, options.params);
    const where = { method, url: url.href };
    if (this.closed) {
      throw new HttpSessionClosedError("The HTTP session is closed", {
        data: where,
      });
    }
    options.signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    checkTimeout(timeoutMs);
    const headers = new Headers(this.#headers);
    new Headers(options.headers).forEach((value, name) =>
      headers.set(name, value)
    );
    let body: Uint8Array | undefined;
    if (options.json !== undefined) {
      body = encoder.encode(JSON.stringify(options.json));
      headers.set("content-type", "application/json");
    } else if (options.body !== undefined) {
      body = typeof options.body === "string"
        ? encoder.encode(options.body)
        : options.body;
    }
    if (this.#signing !== undefined) this.#sign(method, url, headers);

    const timeout = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () =>
          timeout.abort(
            new HttpTimeoutError(
              `No complete answer from ${url.host} within ${timeoutMs} ms`,
              { data: { ...where, timeoutMs } },
            ),
          ),
        timeoutMs,
      );
    }
    const signals = [this.#closing.signal, timeout.signal];
    if (options.signal !== undefined) signals.push(options.signal);
    const signal = AbortSignal.any(signals);
    this.#inFlight++;
    let ended = false;
    let acquired = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (timer !== undefined) clearTimeout(timer);
      this.#inFlight--;
      if (acquired) this.#release();
    };
    const classify = (error: unknown): unknown => {
      if (options.signal?.aborted) return options.signal.reason;
      if (timeout.signal.aborted) return timeout.signal.reason;
      if (this.#closing.signal.aborted) {
        return new HttpSessionClosedError(
          "The HTTP session closed during the request",
          { data: where, cause: error },
        );
      }
      return new HttpConnectionError(
        `Cannot reach ${url.host}: ${errorMessage(error)}`,
        { data: where, cause: error },
      );
    };
    let response: Response;
    try {
      await this.#acquire(signal);
      acquired = true;
      response = await this.#transport({ method, url, headers, body, signal });
    } catch (error) {
      end();
      throw classify(error);
    }
    if (response.body === null) {
      end();
      return response;
    }
    return new Response(guardBody(response.body, end, classify), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  /** Waits for a free slot (in order); rejects when the signal aborts. */
  #acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.#maxConcurrent && this.#waiting.length === 0) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener("abort", onAbort);
        this.#active++;
        resolve();
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal.reason);
      };
      this.#waiting.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  #release(): void {
    this.#active--;
    if (this.#active < this.#maxConcurrent) this.#waiting.shift()?.();
  }

  #sign(method: string, url: URL, headers: Headers): void {
    const signing = this.#signing as HttpSigning;
    const contentType = headers.get("content-type");
    const media = contentType === null
      ? "application/octet-stream"
      : contentType.split(";")[0]!.trim().toLowerCase();
    const signed = generateSignature({
      method,
      apiVersion: signing.apiVersion,
      host: url.host,
      date: this.#now(),
      relUrl: url.pathname + url.search,
      contentType: media,
      accessKey: signing.accessKey,
      secretKey: signing.secretKey,
      hashType: signing.hashType,
    });
    for (const [name, value] of Object.entries(signed.headers)) {
      headers.set(name, value);
    }
  }

  /**
   * Closes the session: new requests are refused and those in flight
   * reject with {@linkcode HttpSessionClosedError}. Idempotent.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.#closing.abort(
        new HttpSessionClosedError("The HTTP session is closed", {
          data: { endpoint: this.endpoint.href },
        }),
      );
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode HttpSession.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function checkTimeout(timeoutMs: number | undefined): void {
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs < 2 ** 31)) {
    invalidOption(
      "HTTP session",
      "timeoutMs",
      timeoutMs,
      "must be a positive number of ms below 2^31",
    );
  }
}

function errorMessage(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code ??
    (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === "string" && !message.includes(code)
    ? `${message} (${code})`
    : message;
}

/** Passes a body through, ending the request when it ends or is cancelled. */
function guardBody(
  body: ReadableStream<Uint8Array>,
  end: () => void,
  classify: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        const mapped = classify(error);
        end();
        controller.error(mapped);
        return;
      }
      if (chunk.done) {
        end();
        controller.close();
      } else {
        controller.enqueue(chunk.value);
      }
    },
    async cancel(reason) {
      end();
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
