// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Small helpers with upstream's semantics (`ai.backend.common.utils` and the
 * `TimeDuration` validator):
 *
 * - nested data: {@linkcode nmget}, {@linkcode deepMerge} (upstream's list and
 *   null rules), {@linkcode dict2kvlist};
 * - durations: {@linkcode strToTimedelta} (milliseconds) and
 *   {@linkcode parseTimeDuration} with {@linkcode addTimeDuration} for the
 *   calendar units `yr` and `mo`;
 * - Python-compatible percent-encoding: {@linkcode quote} and
 *   {@linkcode unquote} (etcd keys use `quote(key, "")`);
 * - waiting: an abortable {@linkcode sleep}, and exponential backoff with jitter
 *   ({@linkcode computeBackoff}, {@linkcode backoffDelays},
 *   {@linkcode ExponentialBackoff});
 * - ids and text: {@linkcode generateUuid}, {@linkcode isUuid},
 *   {@linkcode uuidToHex}, {@linkcode uuidFromHex}, {@linkcode joinNonEmpty},
 *   {@linkcode b64encode}, {@linkcode isIpAddressFormat},
 *   {@linkcode getRandomSeq}.
 *
 * Bad input raises {@linkcode InvalidAPIParameters} (HTTP 400) with the
 * offending value in `data.value`; durations raise its subclass
 * {@linkcode InvalidDurationError}.
 *
 * ```ts
 * import { deepMerge, nmget, quote, strToTimedelta, unquote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(nmget({ a: { b: 1 } }, "a.b"), 1);
 * assert.deepEqual(deepMerge({ a: 1, b: [1, 2] }, { a: null, b: [3] }), { a: 1, b: [3, 2] });
 * assert.equal(strToTimedelta("1h30m"), 5_400_000);
 * assert.equal(quote("a/b c!", ""), "a%2Fb%20c%21");
 * assert.equal(unquote("a%2Fb%20c%21"), "a/b c!");
 * ```
 *
 * @module
 */

import { InvalidAPIParameters } from "./exception.ts";
import { parseIP } from "./_types/_ip.ts";

// ---------------------------------------------------------------------------
// Nested data
// ---------------------------------------------------------------------------

/** Options for {@linkcode nmget}. */
export interface NmgetOptions {
  /**
   * What to return when the path is missing (or ends in `null`, see
   * {@linkcode NmgetOptions.nullAsDefault}).
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
   * Whether a `null` (or `undefined`) value at the end of the path gives the
   * default; when `false` a `null` found there is returned as is. A `null` in
   * the middle of the path always gives the default.
   *
   * @default {true}
   */
  nullAsDefault?: boolean;
}

const ARRAY_INDEX_REGEXP = /^(?:0|[1-9][0-9]*)$/;

/**
 * Reads a nested value by a delimited path, as upstream's `nmget`: at each
 * level the segment must be an own key of the current object, else the
 * default is returned. Array elements can be reached by index (`"list.0"`),
 * which upstream (that checks `key in list` by value) cannot do.
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
    if (
      current === null || typeof current !== "object" ||
      !Object.hasOwn(current, key) ||
      (Array.isArray(current) && !ARRAY_INDEX_REGEXP.test(key))
    ) {
      return options.default;
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) return options.default;
  if (current === null && nullAsDefault) return options.default;
  return current;
}

/** Keys that could reach `Object.prototype` when copied with `obj[key] = v`. */
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

/** Copies plain objects and arrays all the way down; other values are shared. */
function copyTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyTree);
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!UNSAFE_KEYS.has(key)) copy[key] = copyTree(item);
  }
  return copy;
}

function mergeValue(base: unknown, override: unknown): unknown {
  if (override === null || override === undefined) return base;
  if (isPlainObject(base) && isPlainObject(override)) {
    return mergeObjects(base, override);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const length = Math.max(base.length, override.length);
    const merged: unknown[] = [];
    for (let i = 0; i < length; i++) {
      if (i >= override.length) merged.push(base[i]);
      else if (i >= base.length) merged.push(copyTree(override[i]));
      else merged.push(mergeValue(base[i], override[i]));
    }
    return merged;
  }
  return copyTree(override);
}

/** `base` is already a fresh copy owned by the merge; `override` is not. */
function mergeObjects(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (UNSAFE_KEYS.has(key)) continue;
    if (Object.hasOwn(result, key)) {
      result[key] = mergeValue(result[key], value);
    } else if (value !== undefined) {
      result[key] = copyTree(value);
    }
  }
  return result;
}

/**
 * Merges plain objects as upstream's `deep_merge(*maps)`:
 *
 * - later objects win, and nested plain objects merge recursively;
 * - arrays merge index by index: objects at the same index merge, arrays
 *   recurse, otherwise the later element wins; the longer array's tail is kept;
 * - a `null` or `undefined` override keeps the earlier value (a `null` with no
 *   earlier value is kept as `null`).
 *
 * The result is a fresh tree: plain objects and arrays are copied, so neither
 * mutating the result nor mutating an input affects the other (class instances
 * such as `Date` are shared). Keys `__proto__`, `constructor` and `prototype`
 * are dropped at every level, so merging parsed JSON cannot pollute prototypes.
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
  ...maps: ReadonlyArray<Readonly<Record<string, unknown>>>
): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  for (const map of maps) result = mergeObjects(result, map);
  return result;
}

/**
 * Flattens an object or map into `[key1, value1, key2, value2, ...]`, as
 * upstream's `dict2kvlist` (handy for Redis `HSET key k1 v1 k2 v2`).
 *
 * @example Usage
 * ```ts
 * import { dict2kvlist } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dict2kvlist({ a: 1, b: 2 }), ["a", 1, "b", 2]);
 * assert.deepEqual(dict2kvlist(new Map([["x", "y"]])), ["x", "y"]);
 * ```
 *
 * @typeParam K The key type.
 * @typeParam V The value type.
 * @param obj The object (own enumerable string keys) or map.
 * @returns The keys and values, interleaved in insertion order.
 */
export function dict2kvlist<K extends string, V>(
  obj: Readonly<Record<K, V>> | ReadonlyMap<K, V>,
): Array<K | V> {
  const entries: Iterable<readonly [K, V]> = obj instanceof Map
    ? obj.entries()
    : Object.entries(obj) as Array<[K, V]>;
  const out: Array<K | V> = [];
  for (const [key, value] of entries) out.push(key, value);
  return out;
}

// ---------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------

/**
 * A duration could not be read (HTTP 400, `api_parsing_invalid-parameters`);
 * `data.value` holds the input.
 *
 * @example Usage
 * ```ts
 * import { InvalidDurationError, strToTimedelta } from "@backendai/common/utils";
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => strToTimedelta("1da1hr"), (err: unknown) => {
 *   assert.ok(err instanceof InvalidDurationError);
 *   assert.ok(err instanceof InvalidAPIParameters);
 *   assert.equal(err.data?.value, "1da1hr");
 *   return true;
 * });
 * ```
 */
export class InvalidDurationError extends InvalidAPIParameters {}

/** Python's `str.isspace()` characters (JS `\s` differs: it has U+FEFF, lacks U+001C–U+001F and U+0085). */
const PY_SPACE = String
  .raw`[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
const PY_DIGITS = String.raw`[0-9](?:_?[0-9])*`;
/** Python's `float()` literal (finite forms; `inf`/`nan` are rejected anyway). */
const PY_FLOAT_REGEXP = new RegExp(
  `^${PY_SPACE}*[+-]?(?:${PY_DIGITS}(?:\\.(?:${PY_DIGITS})?)?|\\.${PY_DIGITS})` +
    `(?:[eE][+-]?${PY_DIGITS})?${PY_SPACE}*$`,
);
/** Python's `int()` literal in base 10. */
const PY_INT_REGEXP = new RegExp(
  `^${PY_SPACE}*[+-]?${PY_DIGITS}${PY_SPACE}*$`,
);
/** What `Number()` cannot take in a Python number literal: the spaces and `_`. */
const PY_NUMBER_NOISE_REGEXP = new RegExp(`${PY_SPACE}|_`, "g");
const DURATION_NUMBER = String.raw`[0-9]+(?:\.[0-9]+)?`;
const TIMEDELTA_REGEXP = new RegExp(
  `^${PY_SPACE}*(?<sign>[+-])?${PY_SPACE}*` +
    `(?:(?<days>${DURATION_NUMBER})(?:days|day|d))?${PY_SPACE}*` +
    `(?:(?<hours>${DURATION_NUMBER})(?:hours|hour|hrs|hr|h))?${PY_SPACE}*` +
    `(?:(?<minutes>${DURATION_NUMBER})(?:minutes|minute|mins|min|m))?${PY_SPACE}*` +
    `(?:(?<seconds>${DURATION_NUMBER})(?:seconds|second|secs|sec|s))?${PY_SPACE}*$`,
);
const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const MS_PER_WEEK = 604_800_000;
/** `datetime.timedelta.min`: -999 999 999 days. */
const MIN_TIMEDELTA_MS = -999_999_999 * MS_PER_DAY;
/** Just past `datetime.timedelta.max` (999 999 999 days, 23:59:59.999999). */
const TIMEDELTA_LIMIT_MS = 1_000_000_000 * MS_PER_DAY;

function parsePythonFloat(text: string): number | undefined {
  return PY_FLOAT_REGEXP.test(text)
    ? Number(text.replace(PY_NUMBER_NOISE_REGEXP, ""))
    : undefined;
}

function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 ? 2 * Math.round(value / 2) : rounded;
}

/**
 * Rounds to whole microseconds (timedelta's resolution) and checks timedelta's
 * range; `-0` becomes `0`.
 */
function toTimedeltaMs(ms: number, value: unknown): number {
  const micros = ms * 1000;
  // Past 2^53 µs (about 104 days) a double has no sub-microsecond part to round.
  const rounded = Math.abs(micros) < 2 ** 53
    ? roundHalfEven(micros) / 1000
    : ms;
  if (
    !Number.isFinite(rounded) || rounded < MIN_TIMEDELTA_MS ||
    rounded >= TIMEDELTA_LIMIT_MS
  ) {
    throw new InvalidDurationError(
      `Cannot parse duration "${String(value)}": out of range`,
      { data: { value } },
    );
  }
  return rounded === 0 ? 0 : rounded;
}

/**
 * Reads a duration as upstream's `str_to_timedelta` and returns it in
 * **milliseconds** (whole microseconds, as `timedelta` keeps them):
 *
 * - parts in this order, each optional and written without a space between
 *   number and unit: days (`d`, `day`, `days`), hours (`h`, `hr`, `hrs`,
 *   `hour`, `hours`), minutes (`m`, `min`, `mins`, `minute`, `minutes`) and
 *   seconds (`s`, `sec`, `secs`, `second`, `seconds`); whitespace may separate
 *   the parts; numbers may be fractional (`0.5h`, not `.5h`);
 * - a leading `+` or `-` (whitespace may follow it); `-` negates **every**
 *   part: `"-1d2h"` is minus 26 hours;
 * - a bare number (anything Python's `float()` reads, e.g. `"300"`, `"-1.5"`,
 *   `"1e3"`) is seconds.
 *
 * Unlike upstream, `|` is not taken as a sign, whitespace is also allowed
 * before the sign and after a trailing seconds part, and non-ASCII digits are
 * not read.
 *
 * @example Usage
 * ```ts
 * import { strToTimedelta } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(strToTimedelta("30min"), 1_800_000);
 * assert.equal(strToTimedelta("1d 2h 3m 4s"), ((26 * 60 + 3) * 60 + 4) * 1000);
 * assert.equal(strToTimedelta("2hours 15min"), 8_100_000);
 * assert.equal(strToTimedelta("-1d2h"), -26 * 3_600_000);
 * assert.equal(strToTimedelta("300"), 300_000);
 * assert.throws(() => strToTimedelta("1da1hr"));
 * ```
 *
 * @param value The duration text.
 * @returns The duration in milliseconds.
 * @throws {InvalidDurationError} When the text is not a duration or exceeds
 * `timedelta`'s range (±999 999 999 days).
 */
export function strToTimedelta(value: string): number {
  if (typeof value !== "string") {
    throw new InvalidDurationError(
      `Cannot parse duration "${String(value)}": not a string`,
      { data: { value } },
    );
  }
  const groups = TIMEDELTA_REGEXP.exec(value)?.groups;
  if (groups === undefined) {
    const seconds = parsePythonFloat(value);
    if (seconds === undefined) {
      throw new InvalidDurationError(
        `Cannot parse duration "${value}"`,
        { data: { value } },
      );
    }
    return toTimedeltaMs(seconds * MS_PER_SECOND, value);
  }
  const { sign, days, hours, minutes, seconds } = groups;
  if (
    days === undefined && hours === undefined && minutes === undefined &&
    seconds === undefined
  ) {
    throw new InvalidDurationError(
      `Cannot parse duration "${value}": no number`,
      { data: { value } },
    );
  }
  const part = (text: string | undefined, unitMs: number): number =>
    text === undefined ? 0 : Number(text) * unitMs;
  const total = part(days, MS_PER_DAY) + part(hours, MS_PER_HOUR) +
    part(minutes, MS_PER_MINUTE) + part(seconds, MS_PER_SECOND);
  return toTimedeltaMs(sign === "-" ? -total : total, value);
}

/**
 * A duration of fixed length: weeks, days, hours, minutes or seconds.
 * One of the {@linkcode TimeDuration} kinds.
 */
export interface FixedTimeDuration {
  /** Tells the kinds apart. */
  readonly kind: "fixed";
  /** The length in milliseconds (whole microseconds). */
  readonly milliseconds: number;
}

/**
 * A calendar-relative duration (upstream's `relativedelta`): its length in
 * days depends on the date it is added to. Normalised as `relativedelta` does:
 * `months` is within ±11 and has the sign of `years`. One of the
 * {@linkcode TimeDuration} kinds.
 */
export interface CalendarTimeDuration {
  /** Tells the kinds apart. */
  readonly kind: "calendar";
  /** Whole years. */
  readonly years: number;
  /** Whole months, within ±11. */
  readonly months: number;
}

/**
 * What {@linkcode parseTimeDuration} returns: a fixed length, or whole years
 * and months that only make sense relative to a date (see
 * {@linkcode addTimeDuration}).
 */
export type TimeDuration = FixedTimeDuration | CalendarTimeDuration;

/** Options for {@linkcode parseTimeDuration}. */
export interface ParseTimeDurationOptions {
  /**
   * Whether negative durations are accepted.
   *
   * @default {false}
   */
  allowNegative?: boolean;
}

const TIME_DURATION_UNITS: Readonly<Record<string, number>> = {
  w: MS_PER_WEEK,
  d: MS_PER_DAY,
  h: MS_PER_HOUR,
  m: MS_PER_MINUTE,
  s: MS_PER_SECOND,
};
const TWO_LETTERS_REGEXP = /^\p{L}\p{L}$/u;
const ASCII_DIGIT_REGEXP = /^[0-9]$/;

/**
 * Reads a duration as upstream's `TimeDuration` validator (used in configs and
 * API parameters), which differs from {@linkcode strToTimedelta}:
 *
 * - a number, or text ending in a digit, is seconds (`30`, `"1.5"`);
 * - otherwise one unit letter ends the text: `w`, `d`, `h`, `m` (minutes) or
 *   `s`, after a possibly fractional number (`"1.5h"`, `"2w"`);
 * - a two-letter suffix must be `yr` or `mo` after a whole number (`"1yr"`,
 *   `"18mo"`); these give a {@linkcode CalendarTimeDuration} because a year or
 *   a month has no fixed length (upstream returns a `relativedelta`);
 * - negative values are rejected unless `allowNegative` is set (upstream does
 *   not check plain numbers; here they are checked too).
 *
 * @example Fixed and calendar durations
 * ```ts
 * import { parseTimeDuration } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseTimeDuration("1.5h"), { kind: "fixed", milliseconds: 5_400_000 });
 * assert.deepEqual(parseTimeDuration(30), { kind: "fixed", milliseconds: 30_000 });
 * assert.deepEqual(parseTimeDuration("18mo"), { kind: "calendar", years: 1, months: 6 });
 * assert.throws(() => parseTimeDuration("-5m"));
 * assert.deepEqual(parseTimeDuration("-5m", { allowNegative: true }), {
 *   kind: "fixed",
 *   milliseconds: -300_000,
 * });
 * ```
 *
 * @param value The duration: seconds as a number, or text.
 * @param options Whether negative durations are accepted.
 * @returns The duration.
 * @throws {InvalidDurationError} When the value is not a duration, is
 * negative without `allowNegative`, or exceeds `timedelta`'s range.
 */
export function parseTimeDuration(
  value: string | number,
  options: ParseTimeDurationOptions = {},
): TimeDuration {
  const { allowNegative = false } = options;
  const fail = (reason: string): never => {
    throw new InvalidDurationError(
      `Cannot parse time duration "${String(value)}": ${reason}`,
      { data: { value } },
    );
  };
  const checkSign = (amount: number): void => {
    if (!allowNegative && amount < 0) fail("must not be negative");
  };
  const fixed = (ms: number): FixedTimeDuration => ({
    kind: "fixed",
    milliseconds: toTimedeltaMs(ms, value),
  });
  if (typeof value === "number") {
    if (Number.isNaN(value)) fail("not a number");
    checkSign(value);
    return fixed(value * MS_PER_SECOND);
  }
  if (typeof value !== "string") return fail("must be a number or a string");
  if (value === "") return fail("must not be empty");
  if (ASCII_DIGIT_REGEXP.test(value.slice(-1))) {
    const seconds = parsePythonFloat(value) ?? fail("invalid number");
    checkSign(seconds);
    return fixed(seconds * MS_PER_SECOND);
  }
  const suffix = value.slice(-2);
  if (TWO_LETTERS_REGEXP.test(suffix)) {
    const stem = value.slice(0, -2);
    if (!PY_INT_REGEXP.test(stem)) {
      return fail(`invalid whole number "${stem}"`);
    }
    const amount = Number(stem.replace(PY_NUMBER_NOISE_REGEXP, ""));
    checkSign(amount);
    if (!Number.isSafeInteger(amount)) return fail("out of range");
    const totalMonths = suffix === "yr"
      ? amount * 12
      : suffix === "mo"
      ? amount
      : fail(`unknown unit "${suffix}"`);
    const years = Math.trunc(totalMonths / 12);
    const months = totalMonths % 12;
    return {
      kind: "calendar",
      years: years === 0 ? 0 : years,
      months: months === 0 ? 0 : months,
    };
  }
  const stem = value.slice(0, -1);
  const amount = parsePythonFloat(stem) ?? fail(`invalid number "${stem}"`);
  checkSign(amount);
  const unitMs = TIME_DURATION_UNITS[value.slice(-1)] ??
    fail(`unknown unit "${value.slice(-1)}"`);
  return fixed(amount * unitMs);
}

/**
 * Adds a {@linkcode TimeDuration} to a date. A calendar duration moves the
 * year and month in UTC and keeps the day of the month, clamped to the
 * target month's last day, as `relativedelta` does; a fixed one adds its
 * milliseconds.
 *
 * @example Leap days
 * ```ts
 * import { addTimeDuration, parseTimeDuration } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const leapDay = new Date("2020-02-29T00:00:00Z");
 * const add = (text: string) => addTimeDuration(leapDay, parseTimeDuration(text)).toISOString();
 * assert.equal(add("1yr"), "2021-02-28T00:00:00.000Z");
 * assert.equal(add("4yr"), "2024-02-29T00:00:00.000Z");
 * assert.equal(add("1mo"), "2020-03-29T00:00:00.000Z");
 * assert.equal(add("1d"), "2020-03-01T00:00:00.000Z");
 * ```
 *
 * @param date The starting point (not modified).
 * @param duration The duration to add.
 * @returns A new date.
 */
export function addTimeDuration(date: Date, duration: TimeDuration): Date {
  if (duration.kind === "fixed") {
    return new Date(date.getTime() + duration.milliseconds);
  }
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() +
    duration.years * 12 + duration.months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, month + 1, 0);
  const result = new Date(date.getTime());
  result.setUTCFullYear(
    year,
    month,
    Math.min(date.getUTCDate(), lastDay.getUTCDate()),
  );
  return result;
}

// ---------------------------------------------------------------------------
// Percent-encoding (Python's urllib.parse.quote / unquote)
// ---------------------------------------------------------------------------

const ALWAYS_SAFE_CHARS =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
const PERCENT_ESCAPES: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
);
const LONE_SURROGATE_REGEXP =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ENCODER = new TextEncoder();

/**
 * Percent-encodes text exactly as Python's `urllib.parse.quote(text, safe)`:
 * the UTF-8 bytes of every character except `A-Z a-z 0-9 _ . - ~` and the
 * ASCII characters in `safe` become `%XX` with uppercase hex. Unlike
 * `encodeURIComponent`, `!'()*` are escaped. etcd keys use `quote(key, "")`,
 * which also escapes `/`.
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
 * assert.equal(quote("a:b@c", ":@"), "a:b@c");
 * ```
 *
 * @param text The text to encode.
 * @param safe Characters left as they are besides the always-safe ones;
 * non-ASCII characters in it are ignored, as in Python.
 * @returns The encoded text.
 * @throws {InvalidAPIParameters} When the text has a lone surrogate (which
 * has no UTF-8 form; Python raises `UnicodeEncodeError`).
 */
export function quote(text: string, safe: string = "/"): string {
  if (LONE_SURROGATE_REGEXP.test(text)) {
    throw new InvalidAPIParameters(
      "Cannot quote text with a lone surrogate",
      { data: { value: text } },
    );
  }
  const safeBytes = new Uint8Array(128);
  for (const chars of [ALWAYS_SAFE_CHARS, safe]) {
    for (let i = 0; i < chars.length; i++) {
      const code = chars.charCodeAt(i);
      if (code < 128) safeBytes[code] = 1;
    }
  }
  const parts: string[] = [];
  for (const byte of ENCODER.encode(text)) {
    parts.push(
      byte < 128 && safeBytes[byte] === 1
        ? String.fromCharCode(byte)
        : PERCENT_ESCAPES[byte] as string,
    );
  }
  return parts.join("");
}

const ESCAPE_RUN_REGEXP = /(?:%[0-9A-Fa-f]{2})+/g;
const DECODER = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Decodes percent-escapes as Python's `urllib.parse.unquote`: each run of
 * `%XX` escapes is read as UTF-8, with U+FFFD for invalid sequences (Python's
 * `errors="replace"`); malformed escapes such as `%zz` or a trailing `%` stay
 * as they are (where `decodeURIComponent` throws), and `+` stays `+`.
 *
 * @example Usage
 * ```ts
 * import { quote, unquote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unquote("a%2Fb%20c"), "a/b c");
 * assert.equal(unquote(quote("키/값 !", "")), "키/값 !");
 * assert.equal(unquote("100%zz%+"), "100%zz%+");
 * assert.equal(unquote("%FF"), "\uFFFD");
 * ```
 *
 * @param text The encoded text.
 * @returns The decoded text.
 */
export function unquote(text: string): string {
  if (!text.includes("%")) return text;
  return text.replace(ESCAPE_RUN_REGEXP, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    }
    return DECODER.decode(bytes);
  });
}

// ---------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------

/** Options for {@linkcode sleep}. */
export interface SleepOptions {
  /**
   * Aborts the wait: the promise rejects with the signal's reason at once.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/** The longest delay `setTimeout` takes without overflowing (about 24.8 days). */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Waits for `ms` milliseconds, or until `signal` aborts. The timer and the
 * abort listener are always cleaned up, so an aborted sleep leaves nothing
 * pending. Negative delays wait no time; delays longer than a timer can hold
 * (about 24.8 days, `Infinity` included) are waited in steps, so
 * `sleep(Infinity, { signal })` waits until the abort.
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
 * @returns A promise that resolves after the wait, or rejects with the
 * signal's reason on abort.
 * @throws {InvalidAPIParameters} (as a rejection) When `ms` is `NaN`.
 */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  if (Number.isNaN(ms)) {
    return Promise.reject(
      new InvalidAPIParameters("Cannot sleep for NaN milliseconds", {
        data: { value: ms },
      }),
    );
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    let remaining = Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const schedule = (): void => {
      const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
      remaining -= step;
      timer = setTimeout(() => {
        if (remaining > 0) return schedule();
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, step);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    schedule();
  });
}

/**
 * How {@linkcode computeBackoff} randomises a delay: `"none"` gives exactly
 * the base, `"full"` a random delay in [0, base), `"equal"` half the base plus
 * a random part of the other half.
 */
export type BackoffJitter = "none" | "full" | "equal";

/** Options for {@linkcode computeBackoff} and its relatives. */
export interface BackoffOptions {
  /**
   * The delay of the first retry (attempt 0), before jitter, in milliseconds.
   *
   * @default {100}
   */
  initialMs?: number;
  /**
   * The largest delay, before jitter, in milliseconds.
   *
   * @default {30000}
   */
  maxMs?: number;
  /**
   * How much the delay grows per attempt (at least 1).
   *
   * @default {2}
   */
  multiplier?: number;
  /**
   * How the delay is randomised so that many clients do not retry at once.
   *
   * @default {"full"}
   */
  jitter?: BackoffJitter;
  /**
   * The random source, returning values in [0, 1); inject one in tests.
   *
   * @default {Math.random}
   */
  random?: () => number;
}

const JITTERS: ReadonlySet<string> = new Set(["none", "full", "equal"]);

function checkBackoffOptions(options: BackoffOptions): void {
  const { initialMs = 100, maxMs = 30_000, multiplier = 2, jitter = "full" } =
    options;
  const invalid = (field: string, value: unknown, rule: string): never => {
    throw new InvalidAPIParameters(
      `Invalid backoff option "${field}": ${rule}`,
      { data: { field, value } },
    );
  };
  if (!(Number.isFinite(initialMs) && initialMs >= 0)) {
    invalid("initialMs", initialMs, "must be a finite number >= 0");
  }
  if (!(maxMs >= 0)) invalid("maxMs", maxMs, "must be >= 0");
  if (!(Number.isFinite(multiplier) && multiplier >= 1)) {
    invalid("multiplier", multiplier, "must be a finite number >= 1");
  }
  if (!JITTERS.has(jitter)) {
    invalid("jitter", jitter, 'must be "none", "full" or "equal"');
  }
}

/**
 * The delay before retry number `attempt` (0-based):
 * `min(maxMs, initialMs * multiplier ** attempt)`, then jitter.
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
 * @param attempt The retry number, from 0 (negative counts as 0).
 * @param options The growth, the cap and the jitter.
 * @returns The delay in milliseconds.
 * @throws {InvalidAPIParameters} When an option is out of range.
 */
export function computeBackoff(
  attempt: number,
  options: BackoffOptions = {},
): number {
  checkBackoffOptions(options);
  const {
    initialMs = 100,
    maxMs = 30_000,
    multiplier = 2,
    jitter = "full",
    random = Math.random,
  } = options;
  const base = initialMs === 0
    ? 0
    : Math.min(maxMs, initialMs * multiplier ** Math.max(0, attempt));
  switch (jitter) {
    case "none":
      return base;
    case "equal":
      return base / 2 + random() * (base / 2);
    default:
      return random() * base;
  }
}

/** Options for {@linkcode backoffDelays}. */
export interface BackoffDelaysOptions extends BackoffOptions {
  /**
   * How many delays to yield.
   *
   * @default {Infinity}
   */
  count?: number;
}

/**
 * Yields the delays of successive retries, as {@linkcode computeBackoff}
 * computes them for attempts 0, 1, 2, ...
 *
 * @example Retry an operation up to three more times
 * ```ts
 * import { backoffDelays, sleep } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   [...backoffDelays({ initialMs: 1, maxMs: 3, jitter: "none", count: 4 })],
 *   [1, 2, 3, 3],
 * );
 * let calls = 0;
 * const flaky = () => ++calls < 3 ? Promise.reject(new Error("busy")) : Promise.resolve("ok");
 * let result = await flaky().catch(() => undefined);
 * for (const delay of backoffDelays({ initialMs: 1, count: 3 })) {
 *   if (result !== undefined) break;
 *   await sleep(delay);
 *   result = await flaky().catch(() => undefined);
 * }
 * assert.equal(result, "ok");
 * ```
 *
 * @param options The growth, the cap, the jitter and the count.
 * @returns A generator of delays in milliseconds.
 * @throws {InvalidAPIParameters} When an option is out of range (on the
 * call, not on the first `next()`).
 */
export function backoffDelays(
  options: BackoffDelaysOptions = {},
): Generator<number, void, undefined> {
  checkBackoffOptions(options);
  const { count = Infinity } = options;
  if (!(count >= 0)) {
    throw new InvalidAPIParameters(
      'Invalid backoff option "count": must be >= 0',
      { data: { field: "count", value: count } },
    );
  }
  const frozen: BackoffOptions = { ...options };
  return (function* (): Generator<number, void, undefined> {
    for (let attempt = 0; attempt < count; attempt++) {
      yield computeBackoff(attempt, frozen);
    }
  })();
}

/**
 * A backoff that remembers its attempt: each {@linkcode ExponentialBackoff.next}
 * gives the next delay and {@linkcode ExponentialBackoff.reset} starts over,
 * e.g. after a reconnect succeeds.
 *
 * @example A reconnect loop
 * ```ts
 * import { ExponentialBackoff } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const backoff = new ExponentialBackoff({ initialMs: 500, maxMs: 30_000, jitter: "none" });
 * assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [500, 1000, 2000]);
 * assert.equal(backoff.attempt, 3);
 * backoff.reset();
 * assert.equal(backoff.next(), 500);
 *
 * const quick = new ExponentialBackoff({ initialMs: 1, jitter: "none" });
 * await quick.wait(); // sleeps 1 ms
 * assert.equal(quick.attempt, 1);
 * ```
 */
export class ExponentialBackoff {
  readonly #options: BackoffOptions;
  #attempt: number = 0;

  /**
   * Makes a backoff.
   *
   * @param options The growth, the cap and the jitter (copied).
   * @throws {InvalidAPIParameters} When an option is out of range.
   */
  constructor(options: BackoffOptions = {}) {
    checkBackoffOptions(options);
    this.#options = { ...options };
  }

  /**
   * How many delays have been taken since the start or the last reset.
   *
   * @returns The count.
   */
  get attempt(): number {
    return this.#attempt;
  }

  /**
   * Takes the next delay.
   *
   * @returns The delay in milliseconds.
   */
  next(): number {
    return computeBackoff(this.#attempt++, this.#options);
  }

  /** Starts over from the first delay. */
  reset(): void {
    this.#attempt = 0;
  }

  /**
   * Takes the next delay and sleeps for it.
   *
   * @param options The abort signal.
   * @returns A promise that resolves after the delay, or rejects with the
   * signal's reason on abort.
   */
  wait(options: SleepOptions = {}): Promise<void> {
    return sleep(this.next(), options);
  }
}

// ---------------------------------------------------------------------------
// Ids and text
// ---------------------------------------------------------------------------

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
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
  return toBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").slice(
    0,
    22,
  );
}

const UUID_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_HEX_REGEXP = /^[0-9a-f]{32}$/i;

/**
 * Tells whether text is a UUID in the canonical 8-4-4-4-12 form, in any case
 * and of any version.
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

/** Reads the forms Python's `uuid.UUID(text)` takes, as 32 lowercase hex digits. */
/** Options for {@linkcode canonicalUuid}. */
export interface CanonicalUuidOptions {
  /**
   * Which spellings are accepted, besides the canonical 8-4-4-4-12 form and
   * 32 hex digits (any case):
   * - `"canonical"`: nothing more;
   * - `"pydantic"`: also `{...}` braces and a `urn:uuid:` prefix, as
   *   pydantic's UUID fields read them;
   * - `"python"`: what `uuid.UUID(str)` reads: `urn:` / `uuid:` prefixes,
   *   braces, and hyphens anywhere.
   *
   * @default {"canonical"}
   */
  forms?: "canonical" | "pydantic" | "python";
}

/**
 * Normalises a UUID to canonical lower-case 8-4-4-4-12 form: the one
 * mechanism behind `parseUuid` (types), `UserData` (data) and the hex helpers.
 *
 * @example Usage
 * ```ts
 * import { canonicalUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const id = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
 * assert.equal(canonicalUuid("F38DEA2350FA42A0B5AE338F5F4693F4"), id);
 * assert.equal(canonicalUuid(`{${id}}`), undefined);
 * assert.equal(canonicalUuid(`urn:uuid:${id}`, { forms: "pydantic" }), id);
 * assert.equal(canonicalUuid("f38d-ea23-50fa-42a0-b5ae-338f-5f46-93f4", { forms: "pydantic" }), undefined);
 * assert.equal(canonicalUuid("f38d-ea23-50fa-42a0-b5ae-338f-5f46-93f4", { forms: "python" }), id);
 * assert.equal(canonicalUuid("not-a-uuid"), undefined);
 * ```
 *
 * @param text The text to read.
 * @param options Which spellings are accepted.
 * @returns The canonical UUID, or `undefined` when `text` is not one.
 */
export function canonicalUuid(
  text: string,
  options: CanonicalUuidOptions = {},
): string | undefined {
  if (typeof text !== "string") return undefined;
  const forms = options.forms ?? "canonical";
  let hex = text;
  if (forms === "python") {
    hex = hex.replace("urn:", "").replace("uuid:", "");
  } else if (
    forms === "pydantic" && hex.toLowerCase().startsWith("urn:uuid:")
  ) {
    hex = hex.slice(9);
  }
  if (forms !== "canonical" && hex.startsWith("{") && hex.endsWith("}")) {
    hex = hex.slice(1, -1);
  }
  if (forms === "python" || UUID_REGEXP.test(hex)) {
    hex = hex.replaceAll("-", "");
  }
  if (!UUID_HEX_REGEXP.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${
    h.slice(16, 20)
  }-${h.slice(20)}`;
}

function uuidHexDigits(text: string): string {
  const uuid = canonicalUuid(text, { forms: "python" });
  if (uuid === undefined) {
    throw new InvalidAPIParameters(`Cannot parse UUID "${String(text)}"`, {
      data: { value: text },
    });
  }
  return uuid.replaceAll("-", "");
}

/**
 * The 32 lowercase hex digits of a UUID (Python's `UUID.hex`). Takes the
 * canonical form and the other forms Python's `uuid.UUID()` reads: without
 * hyphens, in braces, or with a `urn:uuid:` prefix.
 *
 * @example Usage
 * ```ts
 * import { uuidToHex } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   uuidToHex("F38DEA23-50FA-42A0-B5AE-338F5F4693F4"),
 *   "f38dea2350fa42a0b5ae338f5f4693f4",
 * );
 * ```
 *
 * @param uuid The UUID.
 * @returns The hex digits.
 * @throws {InvalidAPIParameters} When the text is not a UUID.
 */
export function uuidToHex(uuid: string): string {
  return uuidHexDigits(uuid);
}

/**
 * The canonical lowercase 8-4-4-4-12 form of a UUID given as 32 hex digits
 * (Python's `str(UUID(hex))`); the other forms {@linkcode uuidToHex} takes are
 * read too.
 *
 * @example Usage
 * ```ts
 * import { uuidFromHex } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   uuidFromHex("F38DEA2350FA42A0B5AE338F5F4693F4"),
 *   "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 * );
 * ```
 *
 * @param hex The hex digits.
 * @returns The canonical UUID.
 * @throws {InvalidAPIParameters} When the text is not 32 hex digits (or another
 * UUID form).
 */
export function uuidFromHex(hex: string): string {
  uuidHexDigits(hex);
  return canonicalUuid(hex, { forms: "python" }) as string;
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
  return parts
    .filter((part) => part !== null && part !== undefined && part !== "")
    .join(separator);
}

/**
 * Encodes text as standard, padded base64 of its UTF-8 bytes (upstream's
 * `b64encode`).
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
  return toBase64(ENCODER.encode(text));
}

/**
 * Tells whether text is an IPv4 or IPv6 address as Python's
 * `ipaddress.ip_address` reads it (upstream's `is_ip_address_format`):
 * dotted quads without leading zeros, IPv6 with `::`, an IPv4 tail or a
 * `%zone`. Host names, CIDR blocks and bracketed IPv6 are not addresses.
 *
 * @example Usage
 * ```ts
 * import { isIpAddressFormat } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isIpAddressFormat("192.168.0.1"));
 * assert.ok(isIpAddressFormat("::1"));
 * assert.ok(!isIpAddressFormat("localhost"));
 * assert.ok(!isIpAddressFormat("010.0.0.1"));
 * ```
 *
 * @param text The text to check.
 * @returns `true` for an IP address.
 */
export function isIpAddressFormat(text: string): boolean {
  return typeof text === "string" && parseIP(text) !== undefined;
}

/**
 * Random points in [0, `length`] at least `minDistance` apart, in ascending
 * order, as upstream's `get_random_seq`. When the points fill the length
 * exactly (`numPoints * minDistance == length + minDistance`) they are equally
 * spaced: `getRandomSeq(10, 6, 2)` is `[0, 2, 4, 6, 8, 10]`.
 *
 * @example Usage
 * ```ts
 * import { getRandomSeq } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(getRandomSeq(10, 6, 2), [0, 2, 4, 6, 8, 10]);
 * const points = getRandomSeq(60, 5, 10);
 * assert.equal(points.length, 5);
 * for (let i = 1; i < points.length; i++) {
 *   assert.ok(points[i]! - points[i - 1]! >= 10 - 1e-9);
 * }
 * assert.throws(() => getRandomSeq(10, 12, 1));
 * ```
 *
 * @param length The length of the range.
 * @param numPoints How many points.
 * @param minDistance The least distance between neighbours.
 * @returns The points.
 * @throws {InvalidAPIParameters} When the points cannot fit (upstream raises
 * `AssertionError`) or an argument is negative or not finite.
 */
export function getRandomSeq(
  length: number,
  numPoints: number,
  minDistance: number,
): number[] {
  const data = { length, numPoints, minDistance };
  if (
    !Number.isFinite(length) || length < 0 ||
    !Number.isSafeInteger(numPoints) || numPoints < 0 ||
    !Number.isFinite(minDistance) || minDistance < 0
  ) {
    throw new InvalidAPIParameters(
      "Cannot make a random sequence: arguments must be finite and non-negative, numPoints whole",
      { data },
    );
  }
  if (numPoints * minDistance > length + minDistance) {
    throw new InvalidAPIParameters(
      `Cannot fit ${numPoints} points ${minDistance} apart into ${length}`,
      { data },
    );
  }
  const extra = length - (numPoints - 1) * minDistance;
  const weights = Array.from({ length: numPoints + 1 }, () => Math.random());
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  const points: number[] = [];
  let position = 0;
  for (let i = 0; i < numPoints; i++) {
    const share = weightSum === 0
      ? 1 / (numPoints + 1)
      : (weights[i] ?? 0) / weightSum;
    position += minDistance + extra * share;
    points.push(position - minDistance);
  }
  return points;
}

/**
 * The logger the library writes to: four levels, a message and structured
 * fields. Pass your own (pino, a `@std/log` logger, a test spy) wherever an
 * option takes a `logger`; {@linkcode consoleLogger} is the default.
 *
 * @example A logger that keeps records
 * ```ts
 * import type { Logger } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const records: string[] = [];
 * const logger: Logger = {
 *   debug: () => {},
 *   info: (message) => records.push(message),
 *   warn: (message) => records.push(message),
 *   error: (message) => records.push(message),
 * };
 * logger.warn("queue reconnecting", { attempt: 2 });
 * assert.deepEqual(records, ["queue reconnecting"]);
 * ```
 */
export interface Logger {
  /**
   * Logs detail for debugging.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  debug(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs a normal event.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  info(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs something that was handled but deserves attention.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  warn(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs a failure.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A {@linkcode Logger} that writes to `console`, fields as a trailing object.
 *
 * @example Usage
 * ```ts
 * import { consoleLogger } from "@backendai/common/utils";
 *
 * consoleLogger.debug("starting", { component: "demo" });
 * ```
 */
export const consoleLogger: Logger = {
  debug: (message, fields) => console.debug(message, fields ?? ""),
  info: (message, fields) => console.info(message, fields ?? ""),
  warn: (message, fields) => console.warn(message, fields ?? ""),
  error: (message, fields) => console.error(message, fields ?? ""),
};
