// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Durations: {@linkcode strToTimedelta} (milliseconds, upstream's
 * `str_to_timedelta`) and {@linkcode parseTimeDuration} with
 * {@linkcode addTimeDuration} for the calendar units `yr` and `mo`.
 *
 * @module
 */

import { InvalidDurationError } from "./errors.ts";

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
  allowNegative?: boolean | undefined;
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
