// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * `BinarySize`: an exact byte count on `bigint`, parsed and formatted as
 * upstream's `BinarySize(int)` does.
 *
 * @module
 */

import { InvalidParameterError } from "../exception.ts";

/**
 * A size string or unit could not be read (HTTP 400,
 * `backendai_parsing_invalid-parameters`); `data.value` holds the input.
 *
 * @example Usage
 * ```ts
 * import { BinarySize, InvalidBinarySizeError } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => BinarySize.parse("1x"), InvalidBinarySizeError);
 * ```
 */
export class InvalidBinarySizeError extends InvalidParameterError {
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-binary-size";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid binary size.";
}

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
const PY_INT_REGEXP = /^\s*[+-]?\d+\s*$/;
const DECIMAL_REGEXP = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?\s*$/i;
const INTEGRAL_DECIMAL_REGEXP = /^([+-]?\d*)\.0*(?=\D|$)/;

function invalid(value: unknown, reason: string): InvalidBinarySizeError {
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  return new InvalidBinarySizeError(
    `Cannot parse binary size ${shown}: ${reason}`,
    { data: { value: typeof value === "bigint" ? value.toString() : value } },
  );
}

/** Multiplies a decimal string by `multiplier`, truncating toward zero, exactly. */
function scaleDecimal(
  stem: string,
  multiplier: bigint,
  original: string,
): bigint {
  const match = DECIMAL_REGEXP.exec(stem);
  const intDigits = match?.[2] ?? "";
  const fracDigits = match?.[3] ?? "";
  if (!match || intDigits + fracDigits === "") {
    throw invalid(original, `"${stem.trim()}" is not a number`);
  }
  const exponent = BigInt(match[4] ?? "0") - BigInt(fracDigits.length);
  let numerator = BigInt(intDigits + fracDigits) * multiplier;
  let denominator = 1n;
  if (exponent >= 0n) numerator *= 10n ** exponent;
  else denominator = 10n ** -exponent;
  const magnitude = numerator / denominator;
  return match[1] === "-" ? -magnitude : magnitude;
}

/** Rounds `value / divisor` to 2 decimal places, half to even, and prints it normalized. */
function quantize(value: bigint, divisor: bigint): string {
  const negative = value < 0n;
  const absolute = negative ? -value : value;
  let cents = (absolute * 100n) / divisor;
  const twiceRemainder = ((absolute * 100n) % divisor) * 2n;
  if (
    twiceRemainder > divisor ||
    (twiceRemainder === divisor && cents % 2n === 1n)
  ) {
    cents += 1n;
  }
  const whole = cents / 100n;
  const fraction = (cents % 100n).toString().padStart(2, "0").replace(
    /0+$/,
    "",
  );
  const text = fraction === "" ? whole.toString() : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

/**
 * An exact byte count. Parsing follows upstream: binary units only (`"1.5 MB"`
 * is 1.5 MiB), `_` separators ignored, a fractional result truncated toward
 * zero, and `inf`/`infinite`/`infinity` read as `Infinity` by
 * {@linkcode BinarySize.parse}. Values are `bigint`, so sizes beyond 2^53
 * bytes stay exact.
 *
 * Upstream quirk kept: `"1.5 byte"` parses to 1 (the byte unit with a
 * fractional stem truncates), while a bare `"1.5"` is rejected. Divergence:
 * sizes of 1024 YiB and more format in YiB, where upstream raises IndexError.
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
      if (Number.isNaN(value)) throw invalid(value, "not a number");
      if (!Number.isFinite(value)) return value;
      return new BinarySize(BigInt(Math.trunc(value)));
    }
    if (typeof value !== "string") {
      throw invalid(value, "expected a string, number or bigint");
    }
    if (INFINITY_WORDS.has(value.toLowerCase())) return Infinity;
    let expr = value.trim().replaceAll("_", "");
    if (expr === "") throw invalid(value, "the string is empty");
    if (expr.includes(".")) expr = expr.replace(INTEGRAL_DECIMAL_REGEXP, "$1");
    if (PY_INT_REGEXP.test(expr)) return new BinarySize(BigInt(expr.trim()));
    expr = expr.toLowerCase();
    let suffix: string | undefined;
    let stem = "";
    for (const ending of ENDINGS) {
      if (expr.endsWith(ending)) {
        const at = expr.length - ending.length - 1;
        suffix = at >= 0 ? expr[at] : "";
        stem = expr.slice(0, Math.max(at, 0));
        break;
      }
    }
    if (suffix === undefined) {
      const last = expr.at(-1);
      if (last === undefined || /\d/.test(last)) {
        throw invalid(value, "fractional bytes are not allowed");
      }
      suffix = last;
      stem = expr.slice(0, -1);
    }
    const multiplier = MULTIPLIERS.get(suffix ?? "");
    if (multiplier === undefined) {
      throw invalid(value, `unknown unit "${suffix}"`);
    }
    return new BinarySize(scaleDecimal(stem, multiplier, value));
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
   * that unit (`"0.5m"`, `"1024k"`, `"0g"`), two decimals at most.
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
   * @param unit `"s"` for automatic scaling, or a {@linkcode BinarySizeUnit}.
   * @returns The formatted size.
   * @throws {InvalidBinarySizeError} For any other unit.
   */
  format(unit: "s" | BinarySizeUnit): string {
    if (typeof unit !== "string" || unit.length !== 1) {
      throw invalid(unit, "a format unit is exactly one character");
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
      throw new InvalidBinarySizeError(`Unsupported scale unit "${unit}"`, {
        data: { unit },
      });
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
