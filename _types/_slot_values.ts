// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * How raw values become slot quantities: the decimal context, Python's
 * `Decimal(str)` grammar, size strings for byte slots, upstream's
 * normalization of user input and its stringification. Private to
 * `resource_slot.ts`.
 *
 * @module
 */

import { Decimal } from "decimal.js";
import { BinarySize } from "./binary_size.ts";
import { InvalidResourceSlotQuantity } from "./errors.ts";
import { SlotTypes } from "./slot_types.ts";

/**
 * Upstream's slot-type guess: a name containing `mem` is `bytes`, any other
 * `count`.
 *
 * @param key The slot name.
 * @returns The guessed type.
 */
export function guessSlotType(key: string): SlotTypes {
  return key.includes("mem") ? SlotTypes.BYTES : SlotTypes.COUNT;
}

/**
 * The decimal constructor for slot values: far more precision than Python's
 * default 28 digits (so bigint-sized byte counts add exactly), banker's
 * rounding as Python's default context, and plain (non-exponent) `toString()`.
 * Instances share `Decimal.prototype`, so they are `instanceof Decimal`.
 */
const SlotDecimal: typeof Decimal = Decimal.clone({
  precision: 1_000,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

export const ZERO: Decimal = new SlotDecimal(0);
export const POSITIVE_INFINITY: Decimal = new SlotDecimal(Infinity);

/** Python `Decimal(str)` grammar for finite numbers (PEP 515 underscores allowed). */
const FINITE_DECIMAL_REGEXP =
  /^([+-])?(?:(\d(?:_?\d)*)(?:\.(\d(?:_?\d)*)?)?|\.(\d(?:_?\d)*))(?:e([+-]?\d(?:_?\d)*))?$/i;
/** Python `Decimal(str)` grammar for infinities. */
const INFINITE_DECIMAL_REGEXP = /^([+-])?inf(?:inity)?$/i;
export const SHMEM_HINT =
  ' (put it in the "resource_opts" field of the API, or use "--resource-opts shmem=..." in the CLI)';

function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof BinarySize) return `BinarySize(${value.bytes})`;
  if (Decimal.isDecimal(value)) return value.toString();
  return String(value);
}

function conversionError(
  key: string,
  value: unknown,
  cause?: unknown,
): InvalidResourceSlotQuantity {
  return new InvalidResourceSlotQuantity(
    `Cannot convert the slot ${JSON.stringify(key)} to decimal: ${
      describeValue(value)
    }`,
    {
      data: { key, value: describeValue(value) },
      cause,
    },
  );
}

/** Reads a decimal string the way Python's `Decimal(str)` does, minus NaN. */
function parseDecimalString(text: string): Decimal | undefined {
  const trimmed = text.trim();
  const inf = INFINITE_DECIMAL_REGEXP.exec(trimmed);
  if (inf !== null) {
    return new SlotDecimal(inf[1] === "-" ? -Infinity : Infinity);
  }
  const match = FINITE_DECIMAL_REGEXP.exec(trimmed);
  if (match === null) return undefined;
  const [, sign, intPart, fracPart, onlyFracPart, exponent] = match;
  const digits = intPart === undefined
    ? `0.${onlyFracPart}`
    : fracPart === undefined
    ? intPart
    : `${intPart}.${fracPart}`;
  const exp = exponent === undefined ? "" : `e${exponent}`;
  const value = new SlotDecimal(
    `${sign === "-" ? "-" : ""}${digits}${exp}`.replaceAll("_", ""),
  );
  // decimal.js silently overflows huge exponents to Infinity; Python keeps them exact.
  return value.isFinite() ? value : undefined;
}

/** Python `Decimal(value)`: any accepted raw value, never NaN; throws on failure. */
export function toDecimal(key: string, value: unknown): Decimal {
  let result: Decimal | undefined;
  if (Decimal.isDecimal(value)) {
    result = new SlotDecimal(value);
  } else if (value instanceof BinarySize) {
    result = new SlotDecimal(value.bytes.toString());
  } else if (typeof value === "bigint") {
    result = new SlotDecimal(value.toString());
  } else if (typeof value === "number") {
    result = new SlotDecimal(value);
  } else if (typeof value === "string") {
    result = parseDecimalString(value);
  }
  if (result === undefined || result.isNaN()) {
    throw conversionError(key, value);
  }
  return result;
}

/** `BinarySize.parse` on a size string such as `"2g"` or `"inf"`; throws on failure. */
function parseBytes(key: string, value: string): Decimal {
  let parsed: BinarySize | number;
  try {
    parsed = BinarySize.parse(value);
  } catch (err) {
    throw conversionError(key, value, err);
  }
  return toDecimal(key, parsed);
}

/** The constructor's conversion: byte-slot strings are sizes, the rest decimals. */
export function convertRawValue(key: string, value: unknown): Decimal {
  if (
    typeof value === "string" &&
    guessSlotType(key) === SlotTypes.BYTES
  ) {
    return parseBytes(key, value);
  }
  return toDecimal(key, value);
}

/** Upstream `_normalize_value`: user-facing conversion, rejecting negatives. */
export function normalizeUserValue(
  key: string,
  value: unknown,
  slotType: string,
): Decimal {
  let result: Decimal;
  if (slotType === SlotTypes.BYTES) {
    result = typeof value === "string"
      ? parseBytes(key, value)
      : toDecimal(key, value);
  } else {
    result = toDecimal(key, value);
    if (result.isFinite()) {
      result = result.toDecimalPlaces(3, Decimal.ROUND_HALF_EVEN);
    }
  }
  if (result.isFinite() && result.isNegative() && !result.isZero()) {
    throw new InvalidResourceSlotQuantity(
      `Resource slot ${
        JSON.stringify(key)
      } cannot be negative: ${result.toString()}`,
      { data: { key, value: describeValue(value) } },
    );
  }
  return result;
}

/** Upstream `v != 0` for the pruning in `from_user_input` (strings are never 0). */
export function isNumericZero(value: unknown): boolean {
  if (typeof value === "number") return value === 0;
  if (typeof value === "bigint") return value === 0n;
  if (value instanceof BinarySize) return value.bytes === 0n;
  if (Decimal.isDecimal(value)) return value.isZero();
  return false;
}

/** Upstream `_stringify_number`: 0.01 banker's rounding, normalized, no exponent. */
export function stringifyQuantity(value: Decimal): string {
  if (!value.isFinite()) return value.isNegative() ? "-Infinity" : "Infinity";
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed();
}

export function initEntries(
  init: ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>,
): Iterable<readonly [string, unknown]> {
  if (init instanceof Map) return init.entries();
  return Object.entries(init);
}

export function slotTypeLookup(
  slotTypes: ReadonlyMap<string, string> | Readonly<Record<string, string>>,
): ReadonlyMap<string, string> {
  if (slotTypes instanceof Map) return slotTypes;
  return new Map(Object.entries(slotTypes));
}
