// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * `BinarySize`: an exact byte count on `bigint`, parsed and formatted as
 * upstream's `BinarySize(int)` does.
 *
 * @module
 */

import { InvalidBinarySizeError } from "./errors.ts";

/**
 * A binary scale unit: `k` = 2^10 up to `y` = 2^80, and `" "` for bytes.
 * SI names are read as binary: `"1 MB"` is 2^20 bytes, as upstream reads it.
 */
export type BinarySizeUnit =
  | "k"
  | "m"
  | "g"
  | "t"
  | "p"
  | "e"
  | "z"
  | "y"
  | " ";

const UNITS: readonly BinarySizeUnit[] = [
  " ",
  "k",
  "m",
  "g",
  "t",
  "p",
  "e",
  "z",
  "y",
];
const MULTIPLIERS: ReadonlyMap<string, bigint> = new Map(
  UNITS.map((unit, index) => [unit, 1n << BigInt(index * 10)]),
);
const ENDINGS = ["ibytes", "ibyte", "ib", "bytes", "byte", "b"] as const;
const INFINITY_WORDS: ReadonlySet<string> = new Set([
  "inf",
  "infinite",
  "infinity",
]);
/** The characters Python's `str.strip()` removes (which differ from `String.prototype.trim()`). */
const PY_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP_REGEXP = new RegExp(
  `^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`,
  "g",
);
const UNICODE_DIGIT_REGEXP = /\p{Nd}/u;
const NON_ASCII_DIGIT_REGEXP = /(?![0-9])\p{Nd}/gu;
const NUMERIC_CHAR_REGEXP = /^\p{N}$/u;
const PY_INT_REGEXP = /^[+-]?[0-9]+$/;
const PY_DECIMAL_REGEXP =
  /^([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:e([+-]?[0-9]+))?$/i;
const PY_DECIMAL_SPECIAL_REGEXP = /^[+-]?(?:inf(?:inity)?|s?nan[0-9]*)$/i;
/** Python's default `decimal` context precision (significant digits). */
const PY_DECIMAL_PRECISION = 28;
/** Python's `sys.int_info.default_max_str_digits`; also our guard against huge exponents. */
const MAX_DIGITS = 4300;
/** The largest exponent CPython's `decimal` (64-bit) accepts in a literal. */
const MAX_LITERAL_EXPONENT = 999999999999999999n;

/** A finite Python `Decimal`: `(-1)^negative × coefficient × 10^exponent`. */
interface FiniteDecimal {
  negative: boolean;
  coefficient: bigint;
  exponent: bigint;
}

/** Quotes a value for a message, clipped to 64 characters. */
function quoted(text: string): string {
  return `"${text.length > 64 ? `${text.slice(0, 61)}...` : text}"`;
}

function invalid(value: unknown, reason: string): InvalidBinarySizeError {
  const shown = typeof value === "string" ? quoted(value) : String(value);
  return new InvalidBinarySizeError(
    `Cannot parse binary size ${shown}: ${reason}`,
    { data: { value: typeof value === "bigint" ? value.toString() : value } },
  );
}

function pyStrip(text: string): string {
  return text.replace(PY_STRIP_REGEXP, "");
}

/**
 * Replaces every Unicode decimal digit (`\p{Nd}`) with its ASCII digit, as
 * Python's `int()` and `Decimal()` read them. Unicode encodes each decimal
 * digit set as one run of ten code points from 0 to 9, so the value is the
 * distance from the start of the run, modulo 10.
 */
function asciiDigits(text: string): string {
  return text.replace(NON_ASCII_DIGIT_REGEXP, (digit) => {
    let codePoint = digit.codePointAt(0) as number;
    let offset = 0;
    while (
      UNICODE_DIGIT_REGEXP.test(String.fromCodePoint(codePoint - 1))
    ) {
      codePoint--;
      offset++;
    }
    return String(offset % 10);
  });
}

function digitCount(value: bigint): number {
  return value === 0n ? 1 : (value < 0n ? -value : value).toString().length;
}

/**
 * Reads a string as Python's `Decimal(str)` does.
 *
 * @returns The finite value, `"special"` for infinities and NaNs, or
 * `undefined` when Python would raise `InvalidOperation`.
 */
function parsePyDecimal(text: string): FiniteDecimal | "special" | undefined {
  const stripped = pyStrip(text);
  if (PY_DECIMAL_SPECIAL_REGEXP.test(stripped)) return "special";
  const match = PY_DECIMAL_REGEXP.exec(stripped);
  if (!match) return undefined;
  const intDigits = match[2] ?? "";
  const fracDigits = match[3] ?? match[4] ?? "";
  const literalExponent = BigInt(match[5] ?? "0");
  if (
    literalExponent > MAX_LITERAL_EXPONENT ||
    literalExponent < -MAX_LITERAL_EXPONENT
  ) {
    return undefined;
  }
  return {
    negative: match[1] === "-",
    coefficient: BigInt(intDigits + fracDigits),
    exponent: literalExponent - BigInt(fracDigits.length),
  };
}

/** Rounds `value / 10^shift` to an integer, half to even; `sticky` marks a discarded non-zero tail. */
function roundHalfEven(value: bigint, shift: bigint, sticky = false): bigint {
  if (shift <= 0n) return value * 10n ** -shift;
  const divisor = 10n ** shift;
  const quotient = value / divisor;
  const remainder = value % divisor;
  const half = divisor / 2n;
  if (
    remainder > half ||
    (remainder === half && (sticky || quotient % 2n === 1n))
  ) {
    return quotient + 1n;
  }
  return quotient;
}

/** Rounds a non-negative coefficient to Python's 28 significant digits. */
function roundToContext(
  coefficient: bigint,
  exponent: bigint,
  sticky = false,
): { coefficient: bigint; exponent: bigint } {
  const excess = digitCount(coefficient) - PY_DECIMAL_PRECISION;
  if (excess <= 0) return { coefficient, exponent };
  const shift = BigInt(excess);
  return {
    coefficient: roundHalfEven(coefficient, shift, sticky),
    exponent: exponent + shift,
  };
}

/** Python's `int(Decimal)`: truncation toward zero, refusing results over {@linkcode MAX_DIGITS} digits. */
function truncate(value: FiniteDecimal, original: string): bigint {
  const { coefficient, exponent } = value;
  let magnitude: bigint;
  if (coefficient === 0n) {
    magnitude = 0n;
  } else if (exponent >= 0n) {
    if (BigInt(digitCount(coefficient)) + exponent > BigInt(MAX_DIGITS)) {
      throw invalid(original, `the size exceeds ${MAX_DIGITS} digits`);
    }
    magnitude = coefficient * 10n ** exponent;
  } else if (-exponent >= BigInt(digitCount(coefficient))) {
    magnitude = 0n;
  } else {
    magnitude = coefficient / 10n ** -exponent;
  }
  return value.negative ? -magnitude : magnitude;
}

function isIntegral(value: { coefficient: bigint; exponent: bigint }): boolean {
  const { coefficient, exponent } = value;
  if (coefficient === 0n || exponent >= 0n) return true;
  if (-exponent >= BigInt(digitCount(coefficient))) return false;
  return coefficient % 10n ** -exponent === 0n;
}

function lastCodePoint(text: string): string {
  const last = text.codePointAt(text.length - 1) ?? 0;
  return last >= 0xdc00 && last <= 0xdfff && text.length >= 2
    ? String.fromCodePoint(text.codePointAt(text.length - 2) as number)
    : text.slice(-1);
}

/** Upstream's `_parse_str`, step by step. */
function parseSizeString(value: string): bigint | number {
  if (INFINITY_WORDS.has(value.toLowerCase())) return Infinity;
  let expr = asciiDigits(pyStrip(value).replaceAll("_", ""));
  // Integer-equivalent decimals ("536870912.000000", "1.0e3") collapse first.
  if (expr.includes(".")) {
    const decimal = parsePyDecimal(expr);
    if (typeof decimal === "object" && isIntegral(decimal)) {
      return truncate(decimal, value);
    }
  }
  // Python's int() strips whitespace again (it may follow a removed "_").
  const integer = pyStrip(expr);
  if (PY_INT_REGEXP.test(integer)) {
    if (integer.replace(/^[+-]/, "").length > MAX_DIGITS) {
      throw invalid(value, `the size exceeds ${MAX_DIGITS} digits`);
    }
    return BigInt(integer);
  }
  expr = expr.toLowerCase();
  let suffix: string | undefined;
  let stem = "";
  for (const ending of ENDINGS) {
    if (expr.endsWith(ending)) {
      const rest = expr.slice(0, -ending.length);
      if (rest === "") throw invalid(value, "the number is missing");
      suffix = lastCodePoint(rest);
      stem = rest.slice(0, -suffix.length);
      break;
    }
  }
  if (suffix === undefined) {
    if (expr === "") throw invalid(value, "the string is empty");
    const last = lastCodePoint(expr);
    if (NUMERIC_CHAR_REGEXP.test(last)) {
      throw invalid(value, "fractional bytes are not allowed");
    }
    suffix = last;
    stem = expr.slice(0, -last.length);
  }
  const decimal = parsePyDecimal(stem);
  if (decimal === undefined) {
    throw invalid(value, `${quoted(pyStrip(stem))} is not a number`);
  }
  const multiplier = MULTIPLIERS.get(suffix);
  if (multiplier === undefined) {
    throw invalid(value, `unknown unit ${quoted(suffix)}`);
  }
  if (decimal === "special") {
    throw invalid(value, `${quoted(pyStrip(stem))} is not a finite number`);
  }
  // Python multiplies in its default context: 28 significant digits, half to even.
  const product = roundToContext(
    decimal.coefficient * multiplier,
    decimal.exponent,
  );
  return truncate({ negative: decimal.negative, ...product }, value);
}

/** Renders an exact count of hundredths, normalized (`"1.5"`, `"2"`, `"-0"`). */
function renderCents(cents: bigint, negative: boolean): string {
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, "0").replace(
    /0+$/,
    "",
  );
  const text = fraction === "" ? whole.toString() : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

/**
 * Upstream's `_quantize(value, divisor)` rendered with `:f`: the quotient in
 * Python's 28-digit context, then an integer if integral, else 2 decimals
 * (half to even), normalized. Where Python would raise (a result over 28
 * digits), the exact quotient is rendered instead.
 */
function quantize(value: bigint, divisor: bigint): string {
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  if (absolute === 0n) return "0";
  // Scale so the quotient has more than 28 digits, then round with a sticky tail.
  const scale = Math.max(
    0,
    PY_DECIMAL_PRECISION + 2 + digitCount(divisor) - digitCount(absolute),
  );
  const scaled = absolute * 10n ** BigInt(scale);
  const rounded = roundToContext(
    scaled / divisor,
    BigInt(-scale),
    scaled % divisor !== 0n,
  );
  let cents: bigint;
  if (isIntegral(rounded)) {
    if (
      rounded.exponent > 0n &&
      BigInt(digitCount(rounded.coefficient)) + rounded.exponent >
        BigInt(PY_DECIMAL_PRECISION)
    ) {
      return renderCents(exactCents(absolute, divisor), negative);
    }
    cents = truncate({ negative: false, ...rounded }, "") * 100n;
  } else {
    cents = roundHalfEven(rounded.coefficient, -rounded.exponent - 2n);
    if (digitCount(cents) > PY_DECIMAL_PRECISION) {
      return renderCents(exactCents(absolute, divisor), negative);
    }
  }
  return renderCents(cents, negative);
}

/** `absolute / divisor` in hundredths, rounded half to even, exactly. */
function exactCents(absolute: bigint, divisor: bigint): bigint {
  let cents = (absolute * 100n) / divisor;
  const twiceRemainder = ((absolute * 100n) % divisor) * 2n;
  if (
    twiceRemainder > divisor ||
    (twiceRemainder === divisor && cents % 2n === 1n)
  ) {
    cents += 1n;
  }
  return cents;
}

/**
 * An exact byte count. Parsing follows upstream: binary units only (`"1.5 MB"`
 * is 1.5 MiB), `_` separators ignored, a fractional result truncated toward
 * zero, and `inf`/`infinite`/`infinity` read as `Infinity` by
 * {@linkcode BinarySize.parse}. Values are `bigint`, so sizes beyond 2^53
 * bytes stay exact.
 *
 * Upstream quirks kept (cross-checked against upstream's code on ~90k inputs):
 * - `"1.5 byte"` parses to 1 (the byte unit with a fractional stem
 *   truncates), while a bare `"1.5"` is rejected as fractional bytes.
 * - `"1e3"` is rejected but `"1.0e3"` and `"1.5e3"` are 1000 and 1500 (an
 *   integral decimal with a `.` collapses to an integer first).
 * - `"1b"` and `"10b"` are rejected (the character before `b` is read as the
 *   unit); write `"1 b"`, `"1 byte"` or `"1"`.
 * - Negative sizes parse (`"-1k"` is -1024) and print as `"-1024 bytes"`.
 * - Unicode decimal digits count as digits, as in Python's `int()`.
 * - Unit products are rounded to Python's 28 significant digits (half to
 *   even) before truncation, as upstream's `Decimal` context does, so
 *   `"0.99999999999999999999999999999999k"` is 1024.
 *
 * Divergences, where upstream crashes: sizes of 1024 YiB and more format in
 * YiB (upstream raises IndexError); quotients over 28 digits format exactly
 * (upstream raises InvalidOperation); results over 4300 digits are rejected
 * (upstream accepts them after a unit, which lets `"1e999999999k"` exhaust
 * memory); the number `Infinity` reads as infinity (upstream raises for
 * `Decimal("Infinity")`).
 *
 * @example Parse and format
 * ```ts
 * import { BinarySize } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const size = BinarySize.parseFinite("1.5g");
 * assert.equal(size.bytes, 1610612736n);
 * assert.equal(size.toString(), "1.5 GiB");
 * assert.equal(size.format("s"), "1.5g");
 * assert.equal(size.format("m"), "1536m");
 * assert.equal(BinarySize.parse("infinity"), Infinity);
 * ```
 */
export class BinarySize {
  /** The exact number of bytes. */
  readonly bytes: bigint;

  /**
   * Makes a size from a byte count.
   *
   * @param bytes The number of bytes.
   */
  constructor(bytes: bigint) {
    if (typeof bytes !== "bigint") {
      throw new InvalidBinarySizeError(
        `Cannot make a binary size from ${typeof bytes} "${
          String(bytes)
        }": expected a bigint`,
        { data: { value: String(bytes) } },
      );
    }
    this.bytes = bytes;
  }

  /**
   * Reads a size as upstream's `BinarySize.from_str` does: a string is
   * parsed, an integer is taken as is, a fractional number is truncated.
   *
   * @example Accepted forms
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(BinarySize.parse("124.32 KiB").valueOf()), "127303");
   * assert.equal((BinarySize.parse("12_345 bytes") as BinarySize).bytes, 12345n);
   * assert.equal(BinarySize.parse("INF"), Infinity);
   * ```
   *
   * @param value A size string such as `"512m"`, `"1 KiB"`, `"2 KiBytes"`, or a byte count.
   * @returns The size, or the number `Infinity` for an infinity word.
   * @throws {InvalidBinarySizeError} When the value cannot be read.
   */
  static parse(value: string | number | bigint): BinarySize | number {
    if (typeof value === "bigint") return new BinarySize(value);
    if (typeof value === "number") {
      if (value === Infinity) return Infinity;
      if (!Number.isFinite(value)) {
        throw invalid(value, "only positive infinity is accepted");
      }
      return new BinarySize(BigInt(Math.trunc(value)));
    }
    if (typeof value !== "string") {
      throw invalid(value, "expected a string, number or bigint");
    }
    const parsed = parseSizeString(value);
    return typeof parsed === "number" ? parsed : new BinarySize(parsed);
  }

  /**
   * Reads a size like {@linkcode BinarySize.parse} but rejects infinity
   * (upstream's `finite_from_str`).
   *
   * @example Usage
   * ```ts
   * import { BinarySize, InvalidBinarySizeError } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(BinarySize.parseFinite("2K").bytes, 2048n);
   * assert.throws(() => BinarySize.parseFinite("inf"), InvalidBinarySizeError);
   * ```
   *
   * @param value A size string or a byte count.
   * @returns The size.
   * @throws {InvalidBinarySizeError} When the value cannot be read or is infinite.
   */
  static parseFinite(value: string | number | bigint): BinarySize {
    const size = BinarySize.parse(value);
    if (typeof size === "number") {
      throw invalid(value, "infinite values are not allowed");
    }
    return size;
  }

  #scaleIndex(): number {
    let index = 0;
    let scaled = this.bytes;
    while (scaled >= 1024n && index < UNITS.length - 1) {
      scaled /= 1024n;
      index++;
    }
    return index;
  }

  /**
   * Upstream's `str()`: `"1 byte"`, `"N bytes"` below 1 KiB, else the largest
   * unit with up to two decimals (half to even), e.g. `"103.45 KiB"`. Never
   * scientific notation.
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BinarySize(0n).toString(), "0 bytes");
   * assert.equal(new BinarySize(105935n).toString(), "103.45 KiB");
   * assert.equal(new BinarySize(1048576123n).toString(), "1000 MiB");
   * ```
   *
   * @returns The human-readable size.
   */
  toString(): string {
    const index = this.#scaleIndex();
    if (index === 0) {
      return this.bytes === 1n ? "1 byte" : `${this.bytes} bytes`;
    }
    const unit = UNITS[index] as BinarySizeUnit;
    const text = quantize(this.bytes, MULTIPLIERS.get(unit) as bigint);
    return `${text} ${unit.toUpperCase()}iB`;
  }

  /**
   * Upstream's `format(size, spec)`: `"s"` scales automatically and writes a
   * lowercase unit without a space (`"512k"`, `"930"`); a unit letter scales to
   * that unit (`"0.5m"`, `"1024k"`, `"0g"`), two decimals at most. Unit
   * letters are case-insensitive and printed in lowercase, as upstream does.
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BinarySize(1234567n).format("s"), "1.18m");
   * assert.equal(new BinarySize(524288n).format("m"), "0.5m");
   * assert.equal(new BinarySize(930n).format(" "), "930");
   * ```
   *
   * @param unit `"s"` for automatic scaling, or a {@linkcode BinarySizeUnit} (either case).
   * @returns The formatted size.
   * @throws {InvalidBinarySizeError} For any other unit (`data.unit` holds it).
   */
  format(unit: "s" | BinarySizeUnit | Uppercase<BinarySizeUnit>): string {
    if (typeof unit !== "string" || unit.length !== 1) {
      throw new InvalidBinarySizeError(
        `Cannot format binary size with unit "${
          String(unit)
        }": a unit is exactly one character`,
        { data: { unit: String(unit) } },
      );
    }
    if (unit === "s") {
      const index = this.#scaleIndex();
      if (index === 0) return this.bytes.toString();
      const auto = UNITS[index] as BinarySizeUnit;
      return `${quantize(this.bytes, MULTIPLIERS.get(auto) as bigint)}${auto}`;
    }
    const lower = unit.toLowerCase();
    const multiplier = MULTIPLIERS.get(lower);
    if (multiplier === undefined) {
      throw new InvalidBinarySizeError(
        `Cannot format binary size with unit "${unit}": unsupported scale unit`,
        { data: { unit } },
      );
    }
    return `${quantize(this.bytes, multiplier)}${lower}`.trim();
  }

  /**
   * The exact base-10 byte count (upstream's `to_bytes_str()`).
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new BinarySize(2n ** 53n + 1n).toBytesString(), "9007199254740993");
   * ```
   *
   * @returns The byte count as a decimal string.
   */
  toBytesString(): string {
    return this.bytes.toString();
  }

  /**
   * The byte count, so sizes compare with `<` and `>`.
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new BinarySize(1n) < new BinarySize(2n));
   * ```
   *
   * @returns The number of bytes.
   */
  valueOf(): bigint {
    return this.bytes;
  }

  /**
   * The exact byte count as a string, since JSON has no bigint.
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify({ size: new BinarySize(1024n) }), '{"size":"1024"}');
   * ```
   *
   * @returns The byte count as a decimal string.
   */
  toJSON(): string {
    return this.bytes.toString();
  }

  /**
   * Tells whether two sizes hold the same number of bytes.
   *
   * @example Usage
   * ```ts
   * import { BinarySize } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(BinarySize.parseFinite("1k").equals(new BinarySize(1024n)));
   * ```
   *
   * @param other The size to compare with.
   * @returns `true` when the byte counts are equal.
   */
  equals(other: BinarySize): boolean {
    return this.bytes === other.bytes;
  }
}
