// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Reads the date of a signed request the way upstream's manager does with
 * dateutil, for the forms clients send: ISO 8601 (extended or basic, as
 * Python's `isoformat()` writes it and as the API docs show it), RFC 7231 /
 * RFC 1123 (`Sun, 06 Nov 1994 08:49:37 GMT`, with a zone name or a numeric
 * offset), RFC 850 and asctime. A date without a zone is UTC. Zone names
 * are UTC, GMT, UT, Z, the US zones of RFC 822 and KST/JST; others are
 * refused rather than guessed.
 *
 * @module
 */

/** A request date: when, and the calendar day as written (for the key). */
export interface RequestDate {
  /** The instant, in ms since the epoch. */
  readonly epochMs: number;
  /** `YYYYMMDD` of the date in its own offset (Python `strftime("%Y%m%d")`). */
  readonly day: string;
}

const ZONES: Readonly<Record<string, number>> = {
  UTC: 0,
  GMT: 0,
  UT: 0,
  Z: 0,
  EST: -5 * 60,
  EDT: -4 * 60,
  CST: -6 * 60,
  CDT: -5 * 60,
  MST: -7 * 60,
  MDT: -6 * 60,
  PST: -8 * 60,
  PDT: -7 * 60,
  KST: 9 * 60,
  JST: 9 * 60,
};

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const ISO_REGEXP =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5})?$/;
const RFC1123_REGEXP =
  /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})[\s-]+([A-Za-z]{3})[\s-]+(\d{2}|\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|[+-]\d{4})?$/;
const ASCTIME_REGEXP =
  /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})\s+(\d{4})$/;

/** Minutes east of UTC for a zone, or `undefined` when unknown. */
function offsetOf(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  if (/^[+-]/.test(zone)) {
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.slice(0, 2));
    const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (hours > 23 || minutes > 59) return undefined;
    const sign = zone.startsWith("-") ? -1 : 1;
    return sign * (hours * 60 + minutes);
  }
  return ZONES[zone.toUpperCase()];
}

/** Dateutil's rule for a 2-digit year: the century that puts it nearest now. */
function fullYear(text: string, nowYear: number): number {
  if (text.length === 4) return Number(text);
  const short = Number(text);
  let year = nowYear - (nowYear % 100) + short;
  if (year >= nowYear + 50) year -= 100;
  else if (year < nowYear - 50) year += 100;
  return year;
}

function build(
  fields: {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    fraction: string | undefined;
  },
  offsetMinutes: number | undefined,
): RequestDate | undefined {
  if (offsetMinutes === undefined) return undefined;
  const { year, month, day, hour, minute, second } = fields;
  if (
    month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 ||
    second > 59
  ) {
    return undefined;
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) {
    return undefined; // 31 April and the like
  }
  const ms = fields.fraction === undefined
    ? 0
    : Number(fields.fraction.padEnd(3, "0").slice(0, 3));
  const epochMs = local + ms - offsetMinutes * 60_000;
  const day8 = `${String(year).padStart(4, "0")}${
    String(month).padStart(2, "0")
  }${String(day).padStart(2, "0")}`;
  return { epochMs, day: day8 };
}

/** The digit at `i`, or -1. */
function digit(text: string, i: number): number {
  const code = text.charCodeAt(i) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** Two digits at `i`, or -1. */
function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * The form upstream's clients send, read without a regular expression:
 * `YYYY-MM-DDTHH:MM:SS[.ffffff](+HH:MM|Z)`. Anything else is left to the
 * general parser.
 */
function parseIsoFast(text: string): RequestDate | undefined {
  if (
    text.length < 20 || text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const high = two(text, 0);
  const low = two(text, 2);
  const month = two(text, 5);
  const day = two(text, 8);
  const hour = two(text, 11);
  const minute = two(text, 14);
  const second = two(text, 17);
  if ((high | low | month | day | hour | minute | second) < 0) return undefined;
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    const start = i;
    while (i < text.length && digit(text, i) >= 0) {
      if (scale >= 1) ms += digit(text, i) * scale;
      scale /= 10;
      i++;
    }
    if (i === start || i - start > 9) return undefined;
  }
  let offset: number;
  if (i === text.length - 1 && text.charCodeAt(i) === 90) offset = 0;
  else if (
    i === text.length - 6 && text.charCodeAt(i + 3) === 58 &&
    (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)
  ) {
    const hours = two(text, i + 1);
    const minutes = two(text, i + 4);
    if (hours < 0 || minutes < 0 || hours > 23 || minutes > 59) {
      return undefined;
    }
    offset = (text.charCodeAt(i) === 45 ? -1 : 1) * (hours * 60 + minutes);
  } else return undefined;
  const date = build({
    year: high * 100 + low,
    month,
    day,
    hour,
    minute,
    second,
    fraction: undefined,
  }, offset);
  return date === undefined
    ? undefined
    : { epochMs: date.epochMs + ms, day: date.day };
}

/**
 * Parses a request's date header.
 *
 * @param text The header's value.
 * @param nowYear The current year (for 2-digit years).
 * @returns The date, or `undefined` when it cannot be read.
 */
export function parseRequestDate(
  text: string,
  nowYear: number,
): RequestDate | undefined {
  const fast = parseIsoFast(text);
  if (fast !== undefined) return fast;
  const value = text.trim();
  let match = ISO_REGEXP.exec(value);
  if (match !== null) {
    return build({
      year: Number(match[1]),
      month: Number(match[2]),
      day: Number(match[3]),
      hour: Number(match[4] ?? 0),
      minute: Number(match[5] ?? 0),
      second: Number(match[6] ?? 0),
      fraction: match[7],
    }, offsetOf(match[8]));
  }
  match = RFC1123_REGEXP.exec(value);
  if (match !== null) {
    const month = MONTHS[(match[2] as string).toLowerCase()];
    if (month === undefined) return undefined;
    return build({
      year: fullYear(match[3] as string, nowYear),
      month,
      day: Number(match[1]),
      hour: Number(match[4]),
      minute: Number(match[5]),
      second: Number(match[6] ?? 0),
      fraction: undefined,
    }, offsetOf(match[7]));
  }
  match = ASCTIME_REGEXP.exec(value);
  if (match !== null) {
    const month = MONTHS[(match[1] as string).toLowerCase()];
    if (month === undefined) return undefined;
    return build({
      year: Number(match[6]),
      month,
      day: Number(match[2]),
      hour: Number(match[3]),
      minute: Number(match[4]),
      second: Number(match[5]),
      fraction: undefined,
    }, 0);
  }
  return undefined;
}
