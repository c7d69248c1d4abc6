// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Small helpers with upstream semantics: nested get ({@linkcode nmget}),
 * {@linkcode deepMerge} with upstream's list and null rules, durations
 * ({@linkcode strToTimedelta}), Python-compatible {@linkcode quote} and
 * {@linkcode unquote} (etcd keys), an abortable {@linkcode sleep}, backoff
 * with jitter ({@linkcode computeBackoff}) and UUID helpers.
 *
 * ```ts
 * import { deepMerge, nmget, quote, strToTimedelta } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(nmget({ a: { b: 1 } }, "a.b"), 1);
 * assert.deepEqual(deepMerge({ a: 1, b: [1, 2] }, { a: null, b: [3] }), { a: 1, b: [3, 2] });
 * assert.equal(strToTimedelta("1h30m"), 5_400_000);
 * assert.equal(quote("a/b c!", ""), "a%2Fb%20c%21");
 * ```
 *
 * @module
 */

import { InvalidAPIParameters } from "./exception.ts";

/** Options for {@linkcode nmget}. */
export interface NmgetOptions {
  /**
   * What to return when the path is missing.
   *
   * @default {undefined}
   */
  default?: unknown;
  /**
   * The separator of path segments.
   *
   * @default {"."}
   */
  delimiter?: string;
  /**
   * Whether a `null` value on the path also gives the default; when `false`
   * a `null` found at the end of the path is returned as is.
   *
   * @default {true}
   */
  nullAsDefault?: boolean;
}

/**
 * Reads a nested value by a dotted path, as upstream's `nmget`.
 *
 * @example Usage
 * ```ts
 * import { nmget } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const config = { redis: { addr: "127.0.0.1:6379", password: null } };
 * assert.equal(nmget(config, "redis.addr"), "127.0.0.1:6379");
 * assert.equal(nmget(config, "redis.db", { default: 0 }), 0);
 * assert.equal(nmget(config, "redis.password", { default: "" }), "");
 * assert.equal(nmget(config, "redis.password", { default: "", nullAsDefault: false }), null);
 * assert.equal(nmget(config, "redis/addr", { delimiter: "/" }), "127.0.0.1:6379");
 * ```
 *
 * @param obj The object to read.
 * @param path The path, segments separated by the delimiter.
 * @param options The default, the delimiter and the null rule.
 * @returns The value, or the default.
 */
export function nmget(
  obj: unknown,
  path: string,
  options: NmgetOptions = {},
): unknown {
  const { delimiter = ".", nullAsDefault = true } = options;
  let current: unknown = obj;
  for (const key of path.split(delimiter)) {
    if (current === null || current === undefined) return options.default;
    if (typeof current !== "object" || !Object.hasOwn(current, key)) {
      return options.default;
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) return options.default;
  if (current === null && nullAsDefault) return options.default;
  return current;
}

const UNSAFE_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mergeValue(base: unknown, override: unknown): unknown {
  if (override === null || override === undefined) return base;
  if (isPlainObject(base) && isPlainObject(override)) {
    return mergeTwo(base, override);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const length = Math.max(base.length, override.length);
    const merged: unknown[] = [];
    for (let i = 0; i < length; i++) {
      merged.push(
        i < override.length ? mergeValue(base[i], override[i]) : base[i],
      );
    }
    return merged;
  }
  return override;
}

function mergeTwo(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) {
    if (!UNSAFE_KEYS.has(key)) result[key] = value;
  }
  for (const [key, value] of Object.entries(override)) {
    if (UNSAFE_KEYS.has(key)) continue;
    result[key] = Object.hasOwn(result, key)
      ? mergeValue(result[key], value)
      : value;
  }
  return result;
}

/**
 * Merges plain objects as upstream's `deep_merge`: later objects win, nested
 * objects merge recursively, arrays merge index by index (objects at the same
 * index merge, arrays recurse, otherwise the later value wins), and a `null`
 * or `undefined` override keeps the earlier value. Inputs are never mutated;
 * `__proto__`, `constructor` and `prototype` keys are dropped.
 *
 * @example Usage
 * ```ts
 * import { deepMerge } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const merged = deepMerge(
 *   { db: { host: "a", port: 1 }, list: [{ x: 1 }, 2], keep: "me" },
 *   { db: { port: 2 }, list: [{ y: 2 }], keep: null },
 * );
 * assert.deepEqual(merged, {
 *   db: { host: "a", port: 2 },
 *   list: [{ x: 1, y: 2 }, 2],
 *   keep: "me",
 * });
 * ```
 *
 * @param maps The objects to merge, lowest priority first.
 * @returns A new merged object.
 */
export function deepMerge(
  ...maps: ReadonlyArray<Record<string, unknown>>
): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  for (const map of maps) result = mergeTwo(result, map);
  return result;
}

const NUMBER = String.raw`(\d+(?:\.\d*)?|\.\d+)`;
const TIMEDELTA_REGEXP = new RegExp(
  String.raw`^\s*(?<sign>[+-])?\s*` +
    String.raw`(?:(?<days>${NUMBER})\s*(?:days|day|d)\s*)?` +
    String.raw`(?:(?<hours>${NUMBER})\s*(?:hours|hour|hrs|hr|h)\s*)?` +
    String.raw`(?:(?<minutes>${NUMBER})\s*(?:minutes|minute|mins|min|m)\s*)?` +
    String.raw`(?:(?<seconds>${NUMBER})\s*(?:seconds|second|secs|sec|s)?\s*)?$`,
);

/**
 * Reads a duration as upstream's `str_to_timedelta` and returns milliseconds:
 * days (`d`, `day`, `days`), hours (`h`, `hr`, `hrs`, `hour`, `hours`),
 * minutes (`m`, `min`, `mins`, `minute`, `minutes`) and seconds (`s`, `sec`,
 * `secs`, `second`, `seconds`), in that order, each optional and possibly
 * fractional. A bare number is seconds; a leading `-` negates every part.
 *
 * @example Usage
 * ```ts
 * import { strToTimedelta } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(strToTimedelta("1d2h3m4s"), ((26 * 60 + 3) * 60 + 4) * 1000);
 * assert.equal(strToTimedelta("1.5h"), 5_400_000);
 * assert.equal(strToTimedelta("-1d2h"), -26 * 3_600_000);
 * assert.equal(strToTimedelta("30"), 30_000);
 * assert.throws(() => strToTimedelta("1da1hr"));
 * ```
 *
 * @param value The duration text.
 * @returns The duration in milliseconds.
 * @throws {InvalidAPIParameters} When the text is not a duration.
 */
export function strToTimedelta(value: string): number {
  const groups = typeof value === "string"
    ? TIMEDELTA_REGEXP.exec(value)?.groups
    : undefined;
  if (
    !groups ||
    (groups.days ?? groups.hours ?? groups.minutes ?? groups.seconds) ===
      undefined
  ) {
    throw new InvalidAPIParameters(
      `Cannot parse duration "${value}"`,
      { data: { value } },
    );
  }
  const part = (text: string | undefined, unitMs: number): number =>
    text === undefined ? 0 : Number(text) * unitMs;
  const total = part(groups.days, 86_400_000) + part(groups.hours, 3_600_000) +
    part(groups.minutes, 60_000) + part(groups.seconds, 1000);
  return groups.sign === "-" ? -total : total;
}

const ALWAYS_SAFE: ReadonlySet<number> = new Set(
  [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"]
    .map((char) => char.charCodeAt(0)),
);
const ENCODER = new TextEncoder();

/**
 * Percent-encodes text exactly as Python's `urllib.parse.quote`: UTF-8 bytes,
 * uppercase hex, with `A-Z a-z 0-9 _ . - ~` and the characters of `safe` left
 * as they are. Unlike `encodeURIComponent`, `!'()*` are escaped. etcd keys
 * use `quote(s, "")`.
 *
 * @example Usage
 * ```ts
 * import { quote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(quote("a/b c"), "a/b%20c");
 * assert.equal(quote("a/b c", ""), "a%2Fb%20c");
 * assert.equal(quote("!'()*~", ""), "%21%27%28%29%2A~");
 * assert.equal(quote("한", ""), "%ED%95%9C");
 * ```
 *
 * @param text The text to encode.
 * @param safe Characters (ASCII) left unescaped besides the always-safe ones.
 * @returns The encoded text.
 */
export function quote(text: string, safe: string = "/"): string {
  const safeBytes = new Set(ALWAYS_SAFE);
  for (const char of safe) {
    const code = char.charCodeAt(0);
    if (code < 128) safeBytes.add(code);
  }
  let out = "";
  for (const byte of ENCODER.encode(text)) {
    out += safeBytes.has(byte)
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

const UNQUOTE_REGEXP = /(?:%[0-9A-Fa-f]{2})+/g;
const DECODER = new TextDecoder("utf-8", { fatal: false });

/**
 * Decodes percent-escapes as Python's `urllib.parse.unquote`: runs of `%XX`
 * are read as UTF-8 (invalid sequences become U+FFFD) and malformed escapes
 * such as `%zz` or a trailing `%` stay as they are.
 *
 * @example Usage
 * ```ts
 * import { quote, unquote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unquote("a%2Fb%20c"), "a/b c");
 * assert.equal(unquote(quote("키/값 !", "")), "키/값 !");
 * assert.equal(unquote("100%zz%"), "100%zz%");
 * ```
 *
 * @param text The encoded text.
 * @returns The decoded text.
 */
export function unquote(text: string): string {
  return text.replace(UNQUOTE_REGEXP, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    }
    return DECODER.decode(bytes);
  });
}

/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Aborts the wait: the promise rejects with the signal's reason at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * Waits for `ms` milliseconds, or until `signal` aborts. The timer and the
 * abort listener are always cleaned up.
 *
 * @example Abort a long wait
 * ```ts
 * import { sleep } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * await sleep(1);
 * const controller = new AbortController();
 * const waiting = sleep(60_000, { signal: controller.signal });
 * controller.abort(new Error("shutting down"));
 * await assert.rejects(waiting, /shutting down/);
 * ```
 *
 * @param ms How long to wait, in milliseconds.
 * @param options The abort signal.
 * @returns A promise that resolves after the wait.
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Options for {@linkcode computeBackoff}. */
export interface BackoffOptions {
  /**
   * The delay of the first retry (attempt 0), before jitter.
   *
   * @default {100}
   */
  initialMs?: number;
  /**
   * The largest delay, before jitter.
   *
   * @default {30000}
   */
  maxMs?: number;
  /**
   * How much the delay grows per attempt.
   *
   * @default {2}
   */
  multiplier?: number;
  /**
   * `"full"`: a random delay in [0, base); `"equal"`: base/2 plus a random
   * half; `"none"`: exactly base.
   *
   * @default {"full"}
   */
  jitter?: "none" | "full" | "equal";
  /**
   * The random source, returning values in [0, 1); inject one in tests.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * The delay before retry number `attempt` (0-based): exponential growth
 * capped at `maxMs`, with jitter so that many clients do not retry at once.
 *
 * @example Usage
 * ```ts
 * import { computeBackoff } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const exact = [0, 1, 2, 3, 10].map((n) =>
 *   computeBackoff(n, { initialMs: 100, maxMs: 1000, jitter: "none" })
 * );
 * assert.deepEqual(exact, [100, 200, 400, 800, 1000]);
 * assert.equal(computeBackoff(2, { jitter: "full", random: () => 0.5 }), 200);
 * assert.equal(computeBackoff(2, { jitter: "equal", random: () => 0 }), 200);
 * ```
 *
 * @param attempt The retry number, from 0.
 * @param options The growth, the cap and the jitter.
 * @returns The delay in milliseconds.
 */
export function computeBackoff(
  attempt: number,
  options: BackoffOptions = {},
): number {
  const {
    initialMs = 100,
    maxMs = 30_000,
    multiplier = 2,
    jitter = "full",
    random = Math.random,
  } = options;
  const base = Math.min(
    maxMs,
    initialMs * multiplier ** Math.max(0, attempt),
  );
  switch (jitter) {
    case "none":
      return base;
    case "equal":
      return base / 2 + random() * (base / 2);
    default:
      return random() * base;
  }
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

/**
 * A random id as upstream's `generate_uuid`: the 16 bytes of a UUID4 in
 * unpadded base64url, 22 characters.
 *
 * @example Usage
 * ```ts
 * import { generateUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.match(generateUuid(), /^[A-Za-z0-9_-]{22}$/);
 * ```
 *
 * @returns The id.
 */
export function generateUuid(): string {
  const hex = crypto.randomUUID().replaceAll("-", "");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return base64url(bytes);
}

const UUID_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Tells whether text is a UUID in canonical 8-4-4-4-12 form, in any case.
 *
 * @example Usage
 * ```ts
 * import { isUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isUuid(crypto.randomUUID()));
 * assert.ok(!isUuid("not-a-uuid"));
 * ```
 *
 * @param text The text to check.
 * @returns `true` for a canonical UUID.
 */
export function isUuid(text: string): boolean {
  return typeof text === "string" && UUID_REGEXP.test(text);
}

/**
 * Joins the parts that are not `null`, `undefined` or empty, as upstream's
 * `join_non_empty`.
 *
 * @example Usage
 * ```ts
 * import { joinNonEmpty } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(joinNonEmpty(["a", "", null, "b", undefined], "/"), "a/b");
 * ```
 *
 * @param parts The parts.
 * @param separator The separator.
 * @returns The joined text.
 */
export function joinNonEmpty(
  parts: ReadonlyArray<string | null | undefined>,
  separator: string,
): string {
  return parts.filter((part) =>
    part !== null && part !== undefined && part !== ""
  )
    .join(separator);
}

/**
 * Encodes text as standard base64 of its UTF-8 bytes (upstream's `b64encode`).
 *
 * @example Usage
 * ```ts
 * import { b64encode } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(b64encode("hello"), "aGVsbG8=");
 * assert.equal(b64encode("한"), "7ZWc");
 * ```
 *
 * @param text The text.
 * @returns The base64 text.
 */
export function b64encode(text: string): string {
  let binary = "";
  for (const byte of ENCODER.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
