// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * HMAC request signatures as upstream's clients make them
 * (`common/auth/utils.py:generate_signature`): {@linkcode signRequest},
 * {@linkcode signedFetch} and {@linkcode generateSignature}; the server
 * side is {@linkcode HmacVerifier} in `hmac.ts`.
 *
 * The header is
 * `Authorization: BackendAI signMethod=HMAC-SHA256, credential=<ACCESS_KEY>:<hex>`
 * (`Sorna` is accepted for `BackendAI`). The string to sign is the method,
 * the path with its query, the date as sent, `host:`, `content-type:` (the
 * media type, lower case, `application/octet-stream` without one),
 * `x-backendai-version:` (`x-sorna-version:` when only the legacy header is
 * sent) and the hex hash of the body, which is the hash of nothing for API
 * versions from `v4.20181215` on, joined by newlines. The key is derived
 * twice: `HMAC(HMAC(secret, YYYYMMDD of the date), host)`.
 *
 * @module
 */

import { createHash, createHmac } from "node:crypto";
import { invalidOption } from "../_options.ts";
import {
  deriveKey,
  emptyHash,
  hashSpec,
  type HashType,
  mediaTypeOf,
} from "./_hmac.ts";

export type { HashType } from "./_hmac.ts";

/** The first API version whose signature hashes an empty body. */
export const BODYLESS_SIGNATURE_VERSION = "v4.20181215";

/**
 * The date as Python's `datetime.isoformat()` writes a UTC time
 * (`2026-11-28T12:34:56.789000+00:00`), as upstream's clients send it.
 *
 * @example Usage
 * ```ts
 * import { pythonIsoDate } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * assert.equal(pythonIsoDate(new Date("2026-11-28T12:34:56.789Z")), "2026-11-28T12:34:56.789000+00:00");
 * assert.equal(pythonIsoDate(new Date("2026-11-28T12:34:56Z")), "2026-11-28T12:34:56+00:00");
 * ```
 *
 * @param date The date.
 * @returns Its text.
 */
export function pythonIsoDate(date: Date): string {
  const iso = date.toISOString(); // 2026-11-28T12:34:56.789Z
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${
    ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`
  }+00:00`;
}

/** What a signature covers, as {@linkcode stringToSign} joins it. */
export interface SignedParts {
  /** The HTTP method. */
  method: string;
  /** The path with its query string, as sent. */
  path: string;
  /** The date header's value, exactly as sent. */
  date: string;
  /** The host (and port, if not the default) as in the `Host` header. */
  host: string;
  /** The media type (lower-cased by the signer). */
  contentType: string;
  /** The API version. */
  apiVersion: string;
  /**
   * Which version header was sent: the string says `x-backendai-version`
   * or `x-sorna-version`.
   *
   * @default {"backendai"}
   */
  versionHeader?: "backendai" | "sorna" | undefined;
  /** The hex hash of the body (of nothing, for recent API versions). */
  bodyHash: string;
}

/**
 * The string to sign.
 *
 * @example Upstream's documented example
 * ```ts
 * import { stringToSign } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   stringToSign({
 *     method: "GET", path: "/v2", date: "20160930T01:23:45Z", host: "your.sorna.api.endpoint",
 *     contentType: "application/json", apiVersion: "v2.20170215", versionHeader: "sorna",
 *     bodyHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 *   }),
 *   "GET\n/v2\n20160930T01:23:45Z\nhost:your.sorna.api.endpoint\ncontent-type:application/json\n" +
 *     "x-sorna-version:v2.20170215\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 * );
 * ```
 *
 * @param parts What the signature covers.
 * @returns The newline-joined string.
 */
export function stringToSign(parts: SignedParts): string {
  return `${parts.method.toUpperCase()}\n${parts.path}\n${parts.date}\nhost:${parts.host}\ncontent-type:${parts.contentType.toLowerCase()}\nx-${
    parts.versionHeader ?? "backendai"
  }-version:${parts.apiVersion}\n${parts.bodyHash}`;
}

/** Options of {@linkcode generateSignature}. */
export interface GenerateSignatureOptions {
  /** The HTTP method. */
  method: string;
  /** The API version (`X-BackendAI-Version`). */
  apiVersion: string;
  /** The host (and port) the request goes to, as its `Host` header. */
  host: string;
  /** When the request is made. */
  date: Date;
  /** The path with its query string. */
  relUrl: string;
  /** The content type of the request. */
  contentType: string;
  /** The access key. */
  accessKey: string;
  /** The secret key. */
  secretKey: string;
  /**
   * The hash.
   *
   * @default {"sha256"}
   */
  hashType?: HashType | undefined;
  /**
   * The hex hash of the body; only API versions before `v4.20181215` hash
   * the body.
   *
   * @default {the hash of nothing}
   */
  bodyHash?: string | undefined;
}

/** What {@linkcode generateSignature} gives. */
export interface GeneratedSignature {
  /** `Authorization`, `Date`, `X-BackendAI-Date` and `X-BackendAI-Version`. */
  headers: Record<string, string>;
  /** The hex signature. */
  signature: string;
}

/**
 * Signs the parts of a request as upstream's `generate_signature` does.
 * The date is sent as `Date` and as `X-BackendAI-Date` (a browser drops a
 * `Date` it is given; the server reads `Date` first and falls back to the
 * other), in Python's `isoformat()`.
 *
 * @example Usage
 * ```ts
 * import { generateSignature } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const { headers, signature } = generateSignature({
 *   method: "GET", apiVersion: "v9.20250722", host: "127.0.0.1:8081",
 *   date: new Date("2026-11-28T12:00:00Z"), relUrl: "/folders?all=true",
 *   contentType: "application/json", accessKey: "AKIAIOSFODNN7EXAMPLE",
 *   secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
 * });
 * assert.equal(headers.Date, "2026-11-28T12:00:00+00:00");
 * assert.equal(
 *   headers.Authorization,
 *   `BackendAI signMethod=HMAC-SHA256, credential=AKIAIOSFODNN7EXAMPLE:${signature}`,
 * );
 * assert.match(signature, /^[0-9a-f]{64}$/);
 * ```
 *
 * @param options The request's parts and the keypair.
 * @returns The headers to add and the signature.
 */
export function generateSignature(
  options: GenerateSignatureOptions,
): GeneratedSignature {
  const hashType = options.hashType ?? "sha256";
  const spec = hashSpec(hashType);
  if (spec === undefined) {
    invalidOption("signature", "hashType", hashType, "is not a supported hash");
  }
  const date = pythonIsoDate(options.date);
  const text = stringToSign({
    method: options.method,
    path: options.relUrl,
    date,
    host: options.host,
    contentType: options.contentType,
    apiVersion: options.apiVersion,
    bodyHash: options.bodyHash ?? emptyHash(spec),
  });
  const day = date.slice(0, 10).replaceAll("-", "");
  const signature = createHmac(
    spec.node,
    deriveKey(spec, options.secretKey, day, options.host),
  ).update(text).digest("hex");
  return {
    headers: {
      Authorization:
        `BackendAI signMethod=HMAC-${hashType.toUpperCase()}, credential=${options.accessKey}:${signature}`,
      Date: date,
      "X-BackendAI-Date": date,
      "X-BackendAI-Version": options.apiVersion,
    },
    signature,
  };
}

/** Options of {@linkcode signRequest}. */
export interface SignRequestOptions {
  /** The access key. */
  accessKey: string;
  /** The secret key. */
  secretKey: string;
  /** The API version (`X-BackendAI-Version`). */
  apiVersion: string;
  /**
   * The hash.
   *
   * @default {"sha256"}
   */
  hashType?: HashType | undefined;
  /**
   * When the request is made.
   *
   * @default {now}
   */
  date?: Date | undefined;
}

/**
 * Signs a request: the same request with `Authorization`, `Date`,
 * `X-BackendAI-Date` and `X-BackendAI-Version`. The host, path and query
 * come from its URL (what `fetch` sends as `Host` and the request line),
 * the content type from its header (its media type, or
 * `application/octet-stream` without one, as the server reads it). For API
 * versions before `v4.20181215` the body is hashed (read from a clone).
 *
 * @example Usage
 * ```ts
 * import { HmacVerifier, signRequest } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const keys = { secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
 * const signed = await signRequest(
 *   new Request("http://127.0.0.1:8081/folders", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }),
 *   { accessKey: "AKIAIOSFODNN7EXAMPLE", apiVersion: "v9.20250722", ...keys },
 * );
 * const verifier = new HmacVerifier({ lookup: (accessKey) => accessKey === "AKIAIOSFODNN7EXAMPLE" ? keys : undefined });
 * assert.equal((await verifier.verify(signed)).accessKey, "AKIAIOSFODNN7EXAMPLE");
 * ```
 *
 * @param request The request.
 * @param options The keypair, API version, hash and date.
 * @returns The signed request.
 */
export async function signRequest(
  request: Request,
  options: SignRequestOptions,
): Promise<Request> {
  const url = new URL(request.url);
  const contentType = request.headers.get("content-type");
  const media = contentType === null
    ? "application/octet-stream"
    : mediaTypeOf(contentType);
  const hashType = options.hashType ?? "sha256";
  let bodyHash: string | undefined;
  if (
    options.apiVersion < BODYLESS_SIGNATURE_VERSION &&
    media !== "multipart/form-data" && request.body !== null
  ) {
    const spec = hashSpec(hashType);
    if (spec !== undefined) {
      const body = new Uint8Array(await request.clone().arrayBuffer());
      bodyHash = createHash(spec.node).update(body).digest("hex");
    }
  }
  const { headers } = generateSignature({
    method: request.method,
    apiVersion: options.apiVersion,
    host: url.host,
    date: options.date ?? new Date(),
    relUrl: url.pathname + url.search,
    contentType: media,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    hashType,
    bodyHash,
  });
  const signed = new Headers(request.headers);
  for (const [name, value] of Object.entries(headers)) signed.set(name, value);
  return new Request(request, { headers: signed });
}

/**
 * A `fetch` that signs every request it sends.
 *
 * @example Usage
 * ```ts
 * import { signedFetch } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const seen: Request[] = [];
 * const call = signedFetch(
 *   { accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "s", apiVersion: "v9.20250722" },
 *   async (request) => { seen.push(request); return new Response("ok"); },
 * );
 * await call("http://127.0.0.1:8081/v9/ping");
 * assert.match(seen[0]!.headers.get("authorization")!, /^BackendAI signMethod=HMAC-SHA256, credential=AKIAIOSFODNN7EXAMPLE:/);
 * ```
 *
 * @param options The keypair, API version and hash.
 * @param send What sends the signed request.
 * @returns The signing `fetch`.
 */
export function signedFetch(
  options: Omit<SignRequestOptions, "date">,
  send: (request: Request) => Promise<Response> = (request) => fetch(request),
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) =>
    await send(await signRequest(new Request(input, init), options));
}
