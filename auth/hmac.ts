// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * HMAC request signatures checked as upstream's manager checks them
 * (`manager/api/rest/middleware/auth.py`): {@linkcode HmacVerifier}, with
 * one error per failure; the client side ({@linkcode signRequest},
 * {@linkcode generateSignature}) is in `sign.ts`.
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

import { createHash } from "node:crypto";
import { invalidOption } from "../_options.ts";
import {
  deriveKey,
  emptyHash,
  type HashSpec,
  hashSpec,
  type HashType,
  mediaTypeOf,
  pathOf,
  PreparedHmac,
} from "./_hmac.ts";
import { parseRequestDate, type RequestDate } from "./_date.ts";
import {
  AuthorizationMissing,
  MalformedAuthorization,
  RequestDateInvalid,
  SignatureMismatch,
  UnknownAccessKey,
} from "./errors.ts";
import { TrustedProxies } from "./trusted_proxies.ts";
import { BODYLESS_SIGNATURE_VERSION, stringToSign } from "./sign.ts";

/** How far a request's date may be from the server's clock: 15 minutes. */
export const MAX_CLOCK_SKEW_MS: number = 15 * 60 * 1000;

/** What a keypair lookup gives: at least the secret key. */
export interface KeypairSecret {
  /** The secret key. */
  readonly secretKey: string;
}

/** Options of {@linkcode HmacVerifier}. */
export interface HmacVerifierOptions<K extends KeypairSecret> {
  /**
   * Finds the active keypair of an access key (`undefined` when there is
   * none); what it gives comes back from `verify()`.
   */
  lookup: (accessKey: string) => K | undefined | Promise<K | undefined>;
  /**
   * Proxies whose `X-Forwarded-URL` is believed (the path and host are
   * then taken from it, as upstream). Without any, the header is ignored.
   *
   * @default {none}
   */
  trustedProxies?: TrustedProxies | readonly string[] | undefined;
  /**
   * How far the request's date may be from the clock, in ms.
   *
   * @default {900000 (15 minutes)}
   */
  maxSkewMs?: number | undefined;
  /**
   * The clock, in ms since the epoch.
   *
   * @default {Date.now}
   */
  now?: (() => number) | undefined;
  /**
   * How many derived signing keys (one per secret, day and host) are kept.
   *
   * @default {1024}
   */
  keyCacheSize?: number | undefined;
}

/** What {@linkcode HmacVerifier.verify} found. */
export interface HmacVerification<K extends KeypairSecret> {
  /** The access key that signed the request. */
  readonly accessKey: string;
  /** The keypair the lookup gave. */
  readonly keypair: K;
  /** The hash of the signature. */
  readonly hashType: HashType;
}

/** Options of one {@linkcode HmacVerifier.verify} call. */
export interface VerifyOptions {
  /**
   * The peer address of the connection (decides whether `X-Forwarded-URL`
   * comes from a trusted proxy).
   *
   * @default {undefined}
   */
  peerAddress?: string | undefined;
}

interface ParsedAuthorization {
  readonly accessKey: string;
  readonly signature: string;
  readonly spec: HashSpec;
  readonly hashType: HashType;
}

const MALFORMED = "Missing or malformed authorization parameters";

/**
 * Checks request signatures as upstream's manager does, and answers each
 * failure with its own error (see `./errors.ts`), in this order: no
 * `Authorization` ({@linkcode AuthorizationMissing}); a date that is
 * missing, unreadable or more than 15 minutes off
 * ({@linkcode RequestDateInvalid}); a malformed header, a method other than
 * HMAC with a supported hash, or no version header
 * ({@linkcode MalformedAuthorization}); an access key the lookup does not
 * know ({@linkcode UnknownAccessKey}); a signature that differs
 * ({@linkcode SignatureMismatch}, compared in constant time, saying nothing
 * of what differed).
 *
 * The path is the request URL's path and query as the runtime parsed it
 * (dot segments resolved, as the client's URL library does before it
 * signs); the host is the `Host` header, or the URL's. Derived keys are
 * cached per secret, day and host, so a verification costs one hash of the
 * string to sign.
 *
 * @example Usage
 * ```ts
 * import { generateSignature, HmacVerifier, SignatureMismatch } from "@backendai/common/auth";
 * import assert from "node:assert/strict";
 *
 * const now = Date.parse("2026-11-28T12:00:00Z");
 * const verifier = new HmacVerifier({ lookup: () => ({ secretKey: "s3cret" }), now: () => now });
 * const { headers } = generateSignature({
 *   method: "GET", apiVersion: "v9.20250722", host: "api.example", date: new Date(now),
 *   relUrl: "/v9/ping", contentType: "application/octet-stream", accessKey: "AK", secretKey: "s3cret",
 * });
 * const request = new Request("http://api.example/v9/ping", { headers });
 * assert.equal((await verifier.verify(request)).accessKey, "AK");
 * const tampered = new Request("http://api.example/v9/pong", { headers });
 * await assert.rejects(verifier.verify(tampered), SignatureMismatch);
 * ```
 *
 * @typeParam K What the keypair lookup gives.
 */
export class HmacVerifier<K extends KeypairSecret = KeypairSecret> {
  readonly #lookup: (
    accessKey: string,
  ) => K | undefined | Promise<K | undefined>;
  readonly #proxies: TrustedProxies;
  readonly #maxSkewMs: number;
  readonly #now: () => number;
  readonly #cacheSize: number;
  readonly #keys = new Map<string, PreparedHmac>();

  /**
   * Makes a verifier.
   *
   * @param options The keypair lookup, trusted proxies, skew and clock.
   */
  constructor(options: HmacVerifierOptions<K>) {
    this.#lookup = options.lookup;
    const proxies = options.trustedProxies;
    this.#proxies = proxies instanceof TrustedProxies
      ? proxies
      : new TrustedProxies(proxies ?? []);
    this.#maxSkewMs = options.maxSkewMs ?? MAX_CLOCK_SKEW_MS;
    if (!(this.#maxSkewMs >= 0)) {
      invalidOption(
        "HMAC verifier",
        "maxSkewMs",
        this.#maxSkewMs,
        "must be 0 or more",
      );
    }
    this.#now = options.now ?? Date.now;
    this.#cacheSize = options.keyCacheSize ?? 1024;
    if (!(Number.isSafeInteger(this.#cacheSize) && this.#cacheSize >= 0)) {
      invalidOption(
        "HMAC verifier",
        "keyCacheSize",
        this.#cacheSize,
        "must be a whole number",
      );
    }
  }

  /**
   * Verifies a request's signature.
   *
   * @param request The request (its body is read only for API versions
   * before `v4.20181215`, from a clone).
   * @param options The peer address.
   * @returns Who signed it.
   * @throws {AuthorizationMissing | RequestDateInvalid | MalformedAuthorization | UnknownAccessKey | SignatureMismatch}
   */
  async verify(
    request: Request,
    options: VerifyOptions = {},
  ): Promise<HmacVerification<K>> {
    const headers = request.headers;
    const header = headers.get("authorization");
    if (!header) {
      throw new AuthorizationMissing("Unauthorized access", {
        data: { header: "Authorization" },
      });
    }
    const { raw: rawDate, date } = this.#checkDate(headers);
    const auth = parseAuthorization(header);
    const newVersion = headers.get("x-backendai-version");
    const apiVersion = newVersion || headers.get("x-sorna-version");
    if (!apiVersion) {
      throw new MalformedAuthorization(
        "API version missing in request headers",
        { data: { header: "X-BackendAI-Version" } },
      );
    }
    const keypair = await this.#lookup(auth.accessKey);
    if (keypair === undefined) {
      throw new UnknownAccessKey("Access key not found", {
        data: { accessKey: auth.accessKey },
      });
    }
    const rawContentType = headers.get("content-type");
    const contentType = rawContentType === null
      ? "application/octet-stream"
      : mediaTypeOf(rawContentType);
    let bodyHash = emptyHash(auth.spec);
    if (
      apiVersion < BODYLESS_SIGNATURE_VERSION && request.body !== null &&
      contentType !== "multipart/form-data"
    ) {
      const body = new Uint8Array(await request.clone().arrayBuffer());
      bodyHash = createHash(auth.spec.node).update(body).digest("hex");
    }
    let { path, host } = this.#target(request, options.peerAddress);
    host ??= new URL(request.url).host;
    const text = stringToSign({
      method: request.method,
      path,
      date: rawDate,
      host,
      contentType,
      apiVersion,
      versionHeader: newVersion === null ? "sorna" : "backendai",
      bodyHash,
    });
    const expected = this.#signingKey(
      auth.spec,
      keypair.secretKey,
      date.day,
      host,
    )
      .hex(text);
    if (!sameText(expected, auth.signature)) {
      throw new SignatureMismatch("HMAC signature mismatch", {
        data: { accessKey: auth.accessKey },
      });
    }
    return { accessKey: auth.accessKey, keypair, hashType: auth.hashType };
  }

  #checkDate(headers: Headers): { raw: string; date: RequestDate } {
    const raw = headers.get("date") || headers.get("x-backendai-date") ||
      headers.get("x-sorna-date");
    if (!raw) {
      throw new RequestDateInvalid("Date/time sync error", {
        data: { header: "Date", reason: "missing" },
      });
    }
    const now = this.#now();
    const date = parseRequestDate(raw, new Date(now).getUTCFullYear());
    if (date === undefined) {
      throw new RequestDateInvalid("Date/time sync error", {
        data: { header: "Date", reason: "unparsable" },
      });
    }
    if (!(Math.abs(date.epochMs - now) < this.#maxSkewMs)) {
      throw new RequestDateInvalid("Date/time sync error", {
        data: { header: "Date", reason: "skew" },
      });
    }
    return { raw, date };
  }

  /** The path and host that were signed: the request's, or a trusted proxy's. */
  #target(
    request: Request,
    peerAddress: string | undefined,
  ): { path: string; host: string | undefined } {
    const forwarded = request.headers.get("x-forwarded-url");
    if (forwarded !== null && this.#proxies.trusts(peerAddress)) {
      const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/.exec(
        forwarded,
      );
      if (match !== null) {
        return { path: match[2] as string, host: match[1] as string };
      }
    }
    return {
      path: pathOf(request.url),
      host: request.headers.get("host") ?? undefined,
    };
  }

  #signingKey(
    spec: HashSpec,
    secretKey: string,
    day: string,
    host: string,
  ): PreparedHmac {
    const cacheKey = `${spec.node}\n${day}\n${host}\n${secretKey}`;
    let key = this.#keys.get(cacheKey);
    if (key === undefined) {
      key = new PreparedHmac(spec, deriveKey(spec, secretKey, day, host));
      if (this.#cacheSize > 0) {
        if (this.#keys.size >= this.#cacheSize) {
          this.#keys.delete(this.#keys.keys().next().value as string);
        }
        this.#keys.set(cacheKey, key);
      }
    }
    return key;
  }
}

/** Parses `BackendAI signMethod=…, credential=AK:SIG` (or `Sorna …`). */
function parseAuthorization(header: string): ParsedAuthorization {
  const space = header.indexOf(" ");
  if (space < 0) {
    throw new MalformedAuthorization("Malformed authorization header", {
      data: { header: "Authorization" },
    });
  }
  const type = header.slice(0, space);
  if (type !== "BackendAI" && type !== "Sorna") {
    throw new MalformedAuthorization("Invalid authorization type name", {
      data: { header: "Authorization" },
    });
  }
  const params = new Map<string, string>();
  for (const raw of header.slice(space + 1).split(",")) {
    const param = raw.trim();
    const equals = param.indexOf("=");
    if (equals < 0) {
      throw new MalformedAuthorization(MALFORMED, {
        data: { header: "Authorization" },
      });
    }
    params.set(param.slice(0, equals).trim(), param.slice(equals + 1).trim());
  }
  const credential = params.get("credential");
  const signMethod = params.get("signMethod");
  const colon = credential?.indexOf(":") ?? -1;
  if (credential === undefined || signMethod === undefined || colon < 0) {
    throw new MalformedAuthorization(MALFORMED, {
      data: { header: "Authorization" },
    });
  }
  const [mac, hash, ...rest] = signMethod.toLowerCase().split("-");
  const spec = hash === undefined ? undefined : hashSpec(hash);
  if (mac !== "hmac" || rest.length > 0 || spec === undefined) {
    throw new MalformedAuthorization("Unsupported request signing method", {
      data: { header: "Authorization", signMethod },
    });
  }
  return {
    accessKey: credential.slice(0, colon),
    signature: credential.slice(colon + 1),
    spec,
    hashType: hash as HashType,
  };
}

/**
 * Compares two strings in time that depends only on their lengths: every
 * character is compared, the differences folded together, with no early
 * exit (node:crypto's timingSafeEqual costs 1.4 µs here for the buffers it
 * needs; this costs 0.02 µs).
 */
function sameText(expected: string, given: string): boolean {
  const length = expected.length;
  let difference = length ^ given.length;
  for (let i = 0; i < length; i++) {
    difference |= expected.charCodeAt(i) ^ given.charCodeAt(i);
  }
  return difference === 0;
}
