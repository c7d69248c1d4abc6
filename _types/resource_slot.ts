// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ResourceSlot}: an immutable map from slot names (`cpu`, `mem`,
 * `cuda.shares`, ...) to arbitrary-precision decimal quantities, with the
 * slot-type enums and errors that go with it.
 *
 * @module
 */

import { Decimal } from "decimal.js";
import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  InvalidAPIParameters,
  InvalidParameterError,
} from "../exception.ts";
import { BinarySize } from "./binary_size.ts";

/**
 * How the quantity of a resource slot is measured. Values are upstream's wire strings.
 *
 * - `count`: a (possibly fractional) number of units, e.g. `cpu` or `cuda.shares`.
 * - `bytes`: a size in bytes, e.g. `mem` or `cuda.mem`; user input may say `"2g"`.
 * - `unique`: a device that is allocated whole.
 * - `unified`: a unified-memory device slot.
 *
 * @example Usage
 * ```ts
 * import { SlotTypes } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SlotTypes.BYTES, "bytes");
 * ```
 */
export const SlotTypes = {
  COUNT: "count",
  BYTES: "bytes",
  UNIQUE: "unique",
  UNIFIED: "unified",
} as const;
/** One of the {@linkcode SlotTypes} wire strings. */
export type SlotTypes = typeof SlotTypes[keyof typeof SlotTypes];

/**
 * What a resource policy grants for a slot it does not mention. Values are
 * upstream's wire strings (upper case).
 *
 * @example Usage
 * ```ts
 * import { DefaultForUnspecified } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DefaultForUnspecified.UNLIMITED, "UNLIMITED");
 * ```
 */
export const DefaultForUnspecified = {
  LIMITED: "LIMITED",
  UNLIMITED: "UNLIMITED",
} as const;
/** One of the {@linkcode DefaultForUnspecified} wire strings. */
export type DefaultForUnspecified =
  typeof DefaultForUnspecified[keyof typeof DefaultForUnspecified];

/**
 * The slot names every agent reports: CPU cores and main memory.
 *
 * @example Usage
 * ```ts
 * import { IntrinsicSlotNames } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(IntrinsicSlotNames.CPU, "cpu");
 * assert.equal(IntrinsicSlotNames.MEMORY, "mem");
 * ```
 */
export const IntrinsicSlotNames = {
  CPU: "cpu",
  MEMORY: "mem",
} as const;
/** One of the {@linkcode IntrinsicSlotNames} values. */
export type IntrinsicSlotNames =
  typeof IntrinsicSlotNames[keyof typeof IntrinsicSlotNames];

/**
 * A resource slot quantity could not be read as a decimal, or was negative
 * where only non-negative quantities are allowed (HTTP 400,
 * `backendai_parsing_invalid-parameters`). `data.key` names the slot and
 * `data.value` renders the offending value as a string.
 *
 * @example Usage
 * ```ts
 * import { InvalidResourceSlotQuantity, ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => ResourceSlot.fromUserInput({ cpu: "-1" }), (err: unknown) => {
 *   assert.ok(err instanceof InvalidResourceSlotQuantity);
 *   assert.equal(err.status, 400);
 *   assert.equal(err.data?.key, "cpu");
 *   return true;
 * });
 * ```
 */
export class InvalidResourceSlotQuantity extends InvalidParameterError {
  /** The code of every error of this class: `backendai_parsing_invalid-parameters` (upstream's). */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.BACKENDAI,
    ErrorOperation.PARSING,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The problem type URL (upstream's). */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-resource-slot-quantity";
  /** The problem title (upstream's). */
  override readonly errorTitle: string = "Invalid resource slot quantity.";
}

/**
 * A slot name is not among the known slot types (HTTP 400,
 * `backendai_parsing_not-found`). `data.key` names the (first) unknown slot;
 * {@linkcode ResourceSlot.normalizeSlots} also lists all of them in `data.keys`.
 *
 * @example Usage
 * ```ts
 * import { ResourceSlot, UnknownResourceSlotType } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => ResourceSlot.fromUserInput({ tpu: "1" }, { cpu: "count" }),
 *   (err: unknown) => err instanceof UnknownResourceSlotType && err.data?.key === "tpu",
 * );
 * ```
 */
export class UnknownResourceSlotType extends BackendAIError {
  /** HTTP 400 Bad Request. */
  override readonly status: number = 400;
  /** The problem type URL (upstream's). */
  override readonly errorType: string =
    "https://api.backend.ai/probs/unknown-resource-slot-type";
  /** The problem title (upstream's). */
  override readonly errorTitle: string = "Unknown resource slot type.";
  /**
   * The machine-readable code of this error.
   *
   * @returns `backendai_parsing_not-found`.
   */
  override errorCode(): ErrorCode {
    return new ErrorCode(
      ErrorDomain.BACKENDAI,
      ErrorOperation.PARSING,
      ErrorDetail.NOT_FOUND,
    );
  }
}

/**
 * A raw quantity accepted when building a {@linkcode ResourceSlot}: a decimal,
 * a {@linkcode BinarySize}, a decimal string (`"1.5"`, `"2E+1"`, `"inf"`,
 * `"1_000"`), a size string for byte slots (`"2g"`), a number or a bigint.
 */
export type ResourceSlotValue = Decimal | BinarySize | string | number | bigint;

/**
 * What a {@linkcode ResourceSlot} is built from: another slot, a map, or a
 * plain object. `null` and `undefined` values are dropped.
 */
export type ResourceSlotInit =
  | ResourceSlot
  | ReadonlyMap<string, ResourceSlotValue | null | undefined>
  | Readonly<Record<string, ResourceSlotValue | null | undefined>>;

/**
 * The known slots and their types, e.g. `{ cpu: "count", mem: "bytes" }`.
 * Upstream keeps this table in a ContextVar; here it is always passed in.
 */
export type SlotTypeMap =
  | ReadonlyMap<string, SlotTypes>
  | Readonly<Record<string, SlotTypes>>;

/**
 * The parts of a resource policy row that {@linkcode ResourceSlot.fromPolicy}
 * reads. Field names are upstream's column names.
 */
export interface ResourceSlotPolicy {
  /** The granted quantities, possibly human-readable (`"4g"` for byte slots). */
  readonly total_resource_slots: Exclude<ResourceSlotInit, ResourceSlot>;
  /** What to grant for a known slot that `total_resource_slots` leaves out. */
  readonly default_for_unspecified: DefaultForUnspecified;
}

/** Options for {@linkcode ResourceSlot.normalizeSlots}. */
export interface NormalizeSlotsOptions {
  /**
   * Drop slots that are not in the known slot types instead of throwing
   * {@linkcode UnknownResourceSlotType}.
   *
   * @default {false}
   */
  ignoreUnknown?: boolean;
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

const ZERO: Decimal = new SlotDecimal(0);
const POSITIVE_INFINITY: Decimal = new SlotDecimal(Infinity);

/** Python `Decimal(str)` grammar for finite numbers (PEP 515 underscores allowed). */
const FINITE_DECIMAL_REGEXP =
  /^([+-])?(?:(\d(?:_?\d)*)(?:\.(\d(?:_?\d)*)?)?|\.(\d(?:_?\d)*))(?:e([+-]?\d(?:_?\d)*))?$/i;
/** Python `Decimal(str)` grammar for infinities. */
const INFINITE_DECIMAL_REGEXP = /^([+-])?inf(?:inity)?$/i;
const SHMEM_HINT =
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
      ...(cause === undefined ? {} : { cause }),
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
function toDecimal(key: string, value: unknown): Decimal {
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
function convertRawValue(key: string, value: unknown): Decimal {
  if (
    typeof value === "string" &&
    ResourceSlot.guessSlotType(key) === SlotTypes.BYTES
  ) {
    return parseBytes(key, value);
  }
  return toDecimal(key, value);
}

/** Upstream `_normalize_value`: user-facing conversion, rejecting negatives. */
function normalizeUserValue(
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
function isNumericZero(value: unknown): boolean {
  if (typeof value === "number") return value === 0;
  if (typeof value === "bigint") return value === 0n;
  if (value instanceof BinarySize) return value.bytes === 0n;
  if (Decimal.isDecimal(value)) return value.isZero();
  return false;
}

/** Upstream `_stringify_number`: 0.01 banker's rounding, normalized, no exponent. */
function stringifyQuantity(value: Decimal): string {
  if (!value.isFinite()) return value.isNegative() ? "-Infinity" : "Infinity";
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed();
}

function initEntries(
  init: Exclude<ResourceSlotInit, ResourceSlot>,
): Iterable<readonly [string, unknown]> {
  if (init instanceof Map) return init.entries();
  return Object.entries(init);
}

function slotTypeLookup(slotTypes: SlotTypeMap): ReadonlyMap<string, string> {
  if (slotTypes instanceof Map) return slotTypes;
  return new Map(Object.entries(slotTypes));
}

/**
 * An immutable map from slot names to {@linkcode Decimal} quantities: what a
 * session asks for, what an agent has, what a policy allows.
 *
 * Values are decimal.js decimals (never JS numbers) with ±Infinity; byte slots
 * hold exact byte counts. The class wraps a private `ReadonlyMap<string,
 * Decimal>` that is never changed after construction: {@linkcode ResourceSlot.with}
 * and {@linkcode ResourceSlot.without} return new slots, and the map and its
 * values may be shared between slots.
 *
 * Comparison and arithmetic treat a slot missing on one side as 0, so
 * `{a: 1}` equals `{a: 1, b: 0}`. The ordering is partial: `{a: 4, b: 100}` is
 * neither less nor greater than `{a: 3, b: 200}`.
 *
 * **Divergence from upstream (decided, DESIGN.md point 8): operations are pure.**
 * Python's `sync_keys` adds each side's missing keys to the other with 0 before
 * every `+`, `-`, `==`, `<`, ... and so mutates both operands (its tests assert
 * `r4["b"] == 0` after `r4 < r1`). Here no operation ever changes an operand;
 * `get()` on a key that was never set stays `undefined`.
 *
 * Other deliberate differences: NaN is rejected everywhere with
 * {@linkcode InvalidResourceSlotQuantity} (Python accepts `Decimal("NaN")`), and
 * so is `Infinity + -Infinity` (Python raises `InvalidOperation`); a number is
 * read by its shortest round-trip decimal form (Python reads a float's exact
 * binary value); `toJSON()` writes `"0"`, not `"-0"`, for a negative value that
 * rounds to zero.
 *
 * @example Parse user input, compare and serialize
 * ```ts
 * import { ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const slotTypes = { cpu: "count", mem: "bytes", "cuda.shares": "count" } as const;
 * const requested = ResourceSlot.fromUserInput({ cpu: "2", mem: "4g" }, slotTypes);
 * const capacity = ResourceSlot.fromJSON({ cpu: "8", mem: "17179869184", "cuda.shares": "1.5" });
 *
 * assert.ok(requested.lte(capacity));
 * assert.deepEqual(capacity.subtract(requested).toJSON(), {
 *   cpu: "6",
 *   mem: "12884901888",
 *   "cuda.shares": "1.5",
 * });
 * assert.deepEqual(requested.toHumanized(slotTypes), { cpu: "2", mem: "4g", "cuda.shares": "0" });
 * assert.equal(requested.get("cuda.shares")?.toString(), "0");
 * ```
 *
 * @example Pure comparison
 * ```ts
 * import { ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const small = ResourceSlot.fromJSON({ a: "1" });
 * const big = ResourceSlot.fromJSON({ a: "3", b: "200" });
 * assert.ok(small.lt(big));
 * assert.equal(small.has("b"), false); // upstream would have added b = 0 here
 * ```
 */
export class ResourceSlot implements Iterable<[string, Decimal]> {
  #data: ReadonlyMap<string, Decimal>;

  /**
   * Builds a slot from raw values. `null`/`undefined` values are dropped. A
   * string value for a slot whose name contains `mem` is a size
   * (`BinarySize.parse`, so `"2g"` and `"inf"` work); every other value is read
   * as a decimal, so `"2g"` for `cpu` is an error. Negative values are kept
   * (slots also hold differences); use {@linkcode ResourceSlot.fromUserInput}
   * to validate input.
   *
   * @param init The values; omit for an empty slot.
   * @throws {InvalidResourceSlotQuantity} When a value cannot be converted.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = new ResourceSlot({ cpu: "2E+1", mem: "1g", "cuda.shares": null });
   * assert.deepEqual(slot.toJSON(), { cpu: "20", mem: "1073741824" });
   * assert.throws(() => new ResourceSlot({ cpu: "2g" }));
   * ```
   */
  constructor(init?: ResourceSlotInit) {
    if (init === undefined) {
      this.#data = new Map();
    } else if (init instanceof ResourceSlot) {
      this.#data = init.#data;
    } else {
      const data = new Map<string, Decimal>();
      for (const [key, value] of initEntries(init)) {
        if (value === null || value === undefined) continue;
        data.set(key, convertRawValue(key, value));
      }
      this.#data = data;
    }
  }

  static #of(data: ReadonlyMap<string, Decimal>): ResourceSlot {
    const slot = new ResourceSlot();
    slot.#data = data;
    return slot;
  }

  static #dataOf(other: ResourceSlot): ReadonlyMap<string, Decimal> {
    if (!(other instanceof ResourceSlot)) {
      throw new InvalidAPIParameters(
        "Cannot combine a ResourceSlot with a value that is not a ResourceSlot",
        { data: { value: String(other) } },
      );
    }
    return other.#data;
  }

  /**
   * Guesses a slot's type from its name as upstream does: a name that
   * contains `mem` (`mem`, `cuda.mem`, also `shmem`) is `bytes`, any other is
   * `count`.
   *
   * @param key The slot name.
   * @returns `"bytes"` or `"count"`.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ResourceSlot.guessSlotType("cuda.mem"), "bytes");
   * assert.equal(ResourceSlot.guessSlotType("cuda.shares"), "count");
   * ```
   */
  static guessSlotType(key: string): SlotTypes {
    return key.includes("mem") ? SlotTypes.BYTES : SlotTypes.COUNT;
  }

  /**
   * Makes a slot with every known slot set to 0.
   *
   * @param knownSlotTypes The known slots and their types.
   * @returns A slot of zeros.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const zeros = ResourceSlot.fromKnownSlots({ cpu: "count", mem: "bytes" });
   * assert.deepEqual(zeros.toJSON(), { cpu: "0", mem: "0" });
   * ```
   */
  static fromKnownSlots(knownSlotTypes: SlotTypeMap): ResourceSlot {
    const data = new Map<string, Decimal>();
    for (const key of slotTypeLookup(knownSlotTypes).keys()) {
      data.set(key, ZERO);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Reads what a user asked for, validating it. Numeric zero values
   * (`0`, `0n`, a zero decimal; not the string `"0"`) and `null`/`undefined`
   * are dropped first. A `bytes` slot reads strings as sizes (`"2g"`); any
   * other slot reads a decimal rounded to 3 places (banker's rounding).
   * Negative finite values are rejected.
   *
   * Without `slotTypes`, each slot's type is guessed by
   * {@linkcode ResourceSlot.guessSlotType}. With it, an unknown slot is
   * rejected (naming the `resource_opts` field when it is `shmem`) and known
   * slots that are missing are set to 0.
   *
   * @param obj The user's values.
   * @param slotTypes The known slots and their types; omit (or `null`) to guess each type from its name.
   * @returns The parsed slot.
   * @throws {InvalidResourceSlotQuantity} When a value cannot be converted or is negative.
   * @throws {UnknownResourceSlotType} When `slotTypes` is given and lacks a slot.
   *
   * @example Typed and typeless input
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const typed = ResourceSlot.fromUserInput({ a: "1", b: "2g" }, { a: "count", b: "bytes", c: "count" });
   * assert.deepEqual(typed.toJSON(), { a: "1", b: "2147483648", c: "0" });
   *
   * const guessed = ResourceSlot.fromUserInput({ cpu: "0.5", "cuda.mem": "1.5g" });
   * assert.deepEqual(guessed.toJSON(), { cpu: "0.5", "cuda.mem": "1610612736" });
   * ```
   */
  static fromUserInput(
    obj: ResourceSlotInit,
    slotTypes?: SlotTypeMap | null,
  ): ResourceSlot {
    const entries = obj instanceof ResourceSlot ? obj.#data : initEntries(obj);
    const data = new Map<string, Decimal>();
    if (slotTypes === undefined || slotTypes === null) {
      for (const [key, value] of entries) {
        if (value === null || value === undefined || isNumericZero(value)) {
          continue;
        }
        data.set(
          key,
          normalizeUserValue(key, value, ResourceSlot.guessSlotType(key)),
        );
      }
      return ResourceSlot.#of(data);
    }
    const known = slotTypeLookup(slotTypes);
    for (const [key, value] of entries) {
      if (value === null || value === undefined || isNumericZero(value)) {
        continue;
      }
      const slotType = known.get(key);
      if (slotType === undefined) {
        throw new UnknownResourceSlotType(
          `Unknown slot type ${JSON.stringify(key)}${
            key === "shmem" ? SHMEM_HINT : ""
          }`,
          { data: { key } },
        );
      }
      data.set(key, normalizeUserValue(key, value, slotType));
    }
    for (const key of known.keys()) {
      if (!data.has(key)) data.set(key, ZERO);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Reads the slots a resource policy grants. Only known slots of
   * `total_resource_slots` are kept (unknown ones are ignored), read as in
   * {@linkcode ResourceSlot.fromUserInput}; every known slot the policy leaves
   * out is `Infinity` when `default_for_unspecified` is `UNLIMITED`, else 0.
   *
   * @param policy The policy row.
   * @param slotTypes The known slots and their types.
   * @returns The granted slots.
   * @throws {InvalidResourceSlotQuantity} When a value cannot be converted or is negative.
   *
   * @example Usage
   * ```ts
   * import { DefaultForUnspecified, ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slotTypes = { cpu: "count", mem: "bytes" } as const;
   * const unlimited = ResourceSlot.fromPolicy({
   *   total_resource_slots: { cpu: "10" },
   *   default_for_unspecified: DefaultForUnspecified.UNLIMITED,
   * }, slotTypes);
   * assert.deepEqual(unlimited.toJSON(), { cpu: "10", mem: "Infinity" });
   * ```
   */
  static fromPolicy(
    policy: ResourceSlotPolicy,
    slotTypes: SlotTypeMap,
  ): ResourceSlot {
    const known = slotTypeLookup(slotTypes);
    const data = new Map<string, Decimal>();
    for (const [key, value] of initEntries(policy.total_resource_slots)) {
      const slotType = known.get(key);
      if (value === null || value === undefined || slotType === undefined) {
        continue;
      }
      data.set(key, normalizeUserValue(key, value, slotType));
    }
    const fill = policy.default_for_unspecified ===
        DefaultForUnspecified.UNLIMITED
      ? POSITIVE_INFINITY
      : ZERO;
    for (const key of known.keys()) {
      if (!data.has(key)) data.set(key, fill);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Reads the wire form written by {@linkcode ResourceSlot.toJSON}: every
   * non-null value is read as a decimal, as is (no size suffixes, no rounding,
   * negatives allowed).
   *
   * @param obj The wire form, e.g. `{ "cpu": "1", "mem": "1073741824" }`.
   * @returns The slot.
   * @throws {InvalidResourceSlotQuantity} When a value is not a decimal.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = ResourceSlot.fromJSON({ cpu: "1.125", mem: "Infinity", gpu: null });
   * assert.equal(slot.get("cpu")?.toString(), "1.125");
   * assert.equal(slot.get("mem")?.isFinite(), false);
   * assert.throws(() => ResourceSlot.fromJSON({ mem: "2g" }));
   * ```
   */
  static fromJSON(
    obj: Readonly<Record<string, string | number | null | undefined>>,
  ): ResourceSlot {
    const data = new Map<string, Decimal>();
    for (const [key, value] of Object.entries(obj)) {
      if (value === null || value === undefined) continue;
      data.set(key, toDecimal(key, value));
    }
    return ResourceSlot.#of(data);
  }

  /**
   * The number of slots.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ResourceSlot({ cpu: 1, mem: 0 }).size, 2);
   * ```
   */
  get size(): number {
    return this.#data.size;
  }

  /**
   * The quantity of a slot.
   *
   * @param key The slot name.
   * @returns The quantity, or `undefined` when the slot is not set.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = new ResourceSlot({ cpu: "1.5" });
   * assert.ok(slot.get("cpu")?.equals("1.5"));
   * assert.equal(slot.get("mem"), undefined);
   * ```
   */
  get(key: string): Decimal | undefined {
    return this.#data.get(key);
  }

  /**
   * Tells whether a slot is set (possibly to 0).
   *
   * @param key The slot name.
   * @returns `true` when the slot is set.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ResourceSlot({ cpu: 0 }).has("cpu"), true);
   * ```
   */
  has(key: string): boolean {
    return this.#data.has(key);
  }

  /**
   * The slot names, in insertion order.
   *
   * @returns An iterator over the names.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual([...new ResourceSlot({ cpu: 1, mem: 2 }).keys()], ["cpu", "mem"]);
   * ```
   */
  keys(): IterableIterator<string> {
    return this.#data.keys();
  }

  /**
   * The quantities, in insertion order.
   *
   * @returns An iterator over the quantities.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const values = [...new ResourceSlot({ cpu: 1, mem: 2 }).values()];
   * assert.deepEqual(values.map(String), ["1", "2"]);
   * ```
   */
  values(): IterableIterator<Decimal> {
    return this.#data.values();
  }

  /**
   * The `[name, quantity]` pairs, in insertion order.
   *
   * @returns An iterator over the pairs.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const pairs = [...new ResourceSlot({ cpu: "0.5" }).entries()];
   * assert.deepEqual(pairs.map(([k, v]) => [k, v.toString()]), [["cpu", "0.5"]]);
   * ```
   */
  entries(): IterableIterator<[string, Decimal]> {
    return this.#data.entries();
  }

  /**
   * The `[name, quantity]` pairs, so a slot works in `for...of` and `new Map()`.
   *
   * @returns An iterator over the pairs.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const map = new Map(new ResourceSlot({ cpu: 2 }));
   * assert.equal(map.get("cpu")?.toString(), "2");
   * ```
   */
  [Symbol.iterator](): IterableIterator<[string, Decimal]> {
    return this.#data.entries();
  }

  /**
   * Returns a new slot with one slot set, converted as the constructor does
   * (a string for a `mem` slot is a size). `null`/`undefined` removes it, like
   * upstream's `slot[key] = None`.
   *
   * @param key The slot name.
   * @param value The new quantity.
   * @returns A new slot; this one is unchanged.
   * @throws {InvalidResourceSlotQuantity} When the value cannot be converted.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const base = new ResourceSlot({ cpu: 1 });
   * const more = base.with("mem", "512m");
   * assert.deepEqual(more.toJSON(), { cpu: "1", mem: "536870912" });
   * assert.deepEqual(base.toJSON(), { cpu: "1" });
   * ```
   */
  with(
    key: string,
    value: ResourceSlotValue | null | undefined,
  ): ResourceSlot {
    if (value === null || value === undefined) return this.without(key);
    const data = new Map(this.#data);
    data.set(key, convertRawValue(key, value));
    return ResourceSlot.#of(data);
  }

  /**
   * Returns a new slot without one slot.
   *
   * @param key The slot name.
   * @returns A new slot (this one when the slot was not set).
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = new ResourceSlot({ cpu: 1, mem: 2 });
   * assert.deepEqual([...slot.without("mem").keys()], ["cpu"]);
   * assert.equal(slot.size, 2);
   * ```
   */
  without(key: string): ResourceSlot {
    if (!this.#data.has(key)) return this;
    const data = new Map(this.#data);
    data.delete(key);
    return ResourceSlot.#of(data);
  }

  #union(other: ResourceSlot): string[] {
    const keys = [...this.#data.keys()];
    for (const key of ResourceSlot.#dataOf(other).keys()) {
      if (!this.#data.has(key)) keys.push(key);
    }
    return keys;
  }

  #combine(
    other: ResourceSlot,
    operation: "add" | "subtract",
  ): ResourceSlot {
    const otherData = ResourceSlot.#dataOf(other);
    const data = new Map<string, Decimal>();
    for (const key of this.#union(other)) {
      const left = this.#data.get(key) ?? ZERO;
      const right = otherData.get(key) ?? ZERO;
      const result = operation === "add" ? left.plus(right) : left.minus(right);
      if (result.isNaN()) {
        throw new InvalidResourceSlotQuantity(
          `Cannot ${operation} the slot ${JSON.stringify(key)}: ${left} ${
            operation === "add" ? "+" : "-"
          } ${right} is undefined`,
          { data: { key, value: `${left}`, other: `${right}` } },
        );
      }
      data.set(key, result);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Adds two slots key by key over the union of their keys (a missing slot
   * counts as 0). Infinity follows decimal rules.
   *
   * @param other The slot to add.
   * @returns A new slot; both operands are unchanged.
   * @throws {InvalidResourceSlotQuantity} When a sum is undefined (`Infinity + -Infinity`).
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const sum = ResourceSlot.fromJSON({ a: "Infinity" }).add(ResourceSlot.fromJSON({ b: "5" }));
   * assert.deepEqual(sum.toJSON(), { a: "Infinity", b: "5" });
   * ```
   */
  add(other: ResourceSlot): ResourceSlot {
    return this.#combine(other, "add");
  }

  /**
   * Subtracts another slot key by key over the union of both keys (a missing
   * slot counts as 0).
   *
   * @param other The slot to subtract.
   * @returns A new slot; both operands are unchanged.
   * @throws {InvalidResourceSlotQuantity} When a difference is undefined (`Infinity - Infinity`).
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const diff = ResourceSlot.fromJSON({ a: "Infinity" }).subtract(ResourceSlot.fromJSON({ b: "5" }));
   * assert.deepEqual(diff.toJSON(), { a: "Infinity", b: "-5" });
   * ```
   */
  subtract(other: ResourceSlot): ResourceSlot {
    return this.#combine(other, "subtract");
  }

  /**
   * Negates every quantity.
   *
   * @returns A new slot.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const neg = ResourceSlot.fromJSON({ a: "1.5", b: "Infinity" }).negate();
   * assert.deepEqual(neg.toJSON(), { a: "-1.5", b: "-Infinity" });
   * ```
   */
  negate(): ResourceSlot {
    const data = new Map<string, Decimal>();
    for (const [key, value] of this.#data) data.set(key, value.negated());
    return ResourceSlot.#of(data);
  }

  /**
   * Tells whether every slot of either side is equal, a missing slot counting as 0.
   *
   * @param other The slot to compare with.
   * @returns `true` when equal; both operands are unchanged.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(ResourceSlot.fromJSON({ a: "1" }).equals(ResourceSlot.fromJSON({ a: "1.0", b: "0" })));
   * ```
   */
  equals(other: ResourceSlot): boolean {
    if (other === this) return true;
    const otherData = ResourceSlot.#dataOf(other);
    return this.#union(other).every((key) =>
      (this.#data.get(key) ?? ZERO).eq(otherData.get(key) ?? ZERO)
    );
  }

  #noneExceeds(other: ResourceSlot): boolean {
    const otherData = ResourceSlot.#dataOf(other);
    return this.#union(other).every((key) =>
      (this.#data.get(key) ?? ZERO).lte(otherData.get(key) ?? ZERO)
    );
  }

  /**
   * Tells whether no slot of this one exceeds the other's (a missing slot counts as 0).
   *
   * @param other The slot to compare with.
   * @returns `true` when this fits within `other`; both operands are unchanged.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(ResourceSlot.fromJSON({ a: "2" }).lte(ResourceSlot.fromJSON({ a: "3", b: "200" })));
   * ```
   */
  lte(other: ResourceSlot): boolean {
    return this.#noneExceeds(other);
  }

  /**
   * Tells whether this is {@linkcode ResourceSlot.lte} the other and not equal to it.
   *
   * @param other The slot to compare with.
   * @returns `true` when strictly less in the partial order.
   *
   * @example Partial order
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
   * const r2 = ResourceSlot.fromJSON({ a: "4", b: "100" });
   * assert.equal(r2.lt(r1), false);
   * assert.equal(r2.gt(r1), false);
   * assert.ok(ResourceSlot.fromJSON({ a: "1" }).lt(r1));
   * ```
   */
  lt(other: ResourceSlot): boolean {
    return this.#noneExceeds(other) && !this.equals(other);
  }

  /**
   * Tells whether no slot of this one is below the other's (a missing slot counts as 0).
   *
   * @param other The slot to compare with.
   * @returns `true` when this covers `other`; both operands are unchanged.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(ResourceSlot.fromJSON({ a: "3", b: "200" }).gte(ResourceSlot.fromJSON({ a: "3" })));
   * ```
   */
  gte(other: ResourceSlot): boolean {
    const otherData = ResourceSlot.#dataOf(other);
    return this.#union(other).every((key) =>
      (this.#data.get(key) ?? ZERO).gte(otherData.get(key) ?? ZERO)
    );
  }

  /**
   * Tells whether this is {@linkcode ResourceSlot.gte} the other and not equal to it.
   *
   * @param other The slot to compare with.
   * @returns `true` when strictly greater in the partial order.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(ResourceSlot.fromJSON({ a: "3", b: "200" }).gt(ResourceSlot.fromJSON({ a: "2" })));
   * ```
   */
  gt(other: ResourceSlot): boolean {
    return this.gte(other) && !this.equals(other);
  }

  /**
   * Tells whether the slots both sides have are equal and every slot only the
   * other has is 0.
   *
   * @param other The slot to compare with.
   * @returns `true` when this contains `other` with equal values.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
   * const r3 = ResourceSlot.fromJSON({ a: "3" });
   * assert.ok(r1.eqContains(r3));
   * assert.equal(r3.eqContains(r1), false);
   * ```
   */
  eqContains(other: ResourceSlot): boolean {
    const otherData = ResourceSlot.#dataOf(other);
    for (const [key, value] of otherData) {
      const mine = this.#data.get(key);
      if (!value.eq(mine ?? ZERO)) return false;
    }
    return true;
  }

  /**
   * Tells whether the slots both sides have are equal and every slot only this
   * one has is 0: the mirror image of {@linkcode ResourceSlot.eqContains}.
   *
   * @param other The slot to compare with.
   * @returns `true` when this is contained in `other` with equal values.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
   * const r3 = ResourceSlot.fromJSON({ a: "3" });
   * assert.ok(r3.eqContained(r1));
   * assert.equal(r1.eqContained(r3), false);
   * ```
   */
  eqContained(other: ResourceSlot): boolean {
    ResourceSlot.#dataOf(other);
    return other.eqContains(this);
  }

  /**
   * Keeps only the known slots, without filling in missing ones.
   *
   * @param knownSlotTypes The known slots and their types.
   * @returns A new slot with the known slots of this one.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = new ResourceSlot({ cpu: 1, tpu: 2 });
   * assert.deepEqual(slot.filterSlots({ cpu: "count", mem: "bytes" }).toJSON(), { cpu: "1" });
   * ```
   */
  filterSlots(knownSlotTypes: SlotTypeMap): ResourceSlot {
    const known = slotTypeLookup(knownSlotTypes);
    const data = new Map<string, Decimal>();
    for (const [key, value] of this.#data) {
      if (known.has(key)) data.set(key, value);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Keeps the known slots and sets the missing known ones to 0. Upstream
   * reads the known slots from a ContextVar; here they are passed in.
   *
   * @param knownSlotTypes The known slots and their types.
   * @param options `ignoreUnknown` (default `false`) drops unknown slots instead of throwing.
   * @returns A new slot with exactly the known slots.
   * @throws {UnknownResourceSlotType} When a slot is unknown and `ignoreUnknown` is not set.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot, UnknownResourceSlotType } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const known = { cpu: "count", mem: "bytes" } as const;
   * const slot = new ResourceSlot({ cpu: 1, tpu: 2 });
   * assert.deepEqual(slot.normalizeSlots(known, { ignoreUnknown: true }).toJSON(), { cpu: "1", mem: "0" });
   * assert.throws(() => slot.normalizeSlots(known), UnknownResourceSlotType);
   * ```
   */
  normalizeSlots(
    knownSlotTypes: SlotTypeMap,
    options: NormalizeSlotsOptions = {},
  ): ResourceSlot {
    const known = slotTypeLookup(knownSlotTypes);
    if (!(options.ignoreUnknown ?? false)) {
      const unknown = [...this.#data.keys()].filter((key) => !known.has(key));
      if (unknown.length > 0) {
        throw new UnknownResourceSlotType(
          `Unknown slots: ${
            unknown.map((key) => JSON.stringify(key)).join(", ")
          }`,
          { data: { key: unknown[0], keys: unknown } },
        );
      }
    }
    const data = new Map<string, Decimal>();
    for (const [key, value] of this.#data) {
      if (known.has(key)) data.set(key, value);
    }
    for (const key of known.keys()) {
      if (!data.has(key)) data.set(key, ZERO);
    }
    return ResourceSlot.#of(data);
  }

  /**
   * Tells whether both intrinsic slots (`cpu` and `mem`) are set.
   *
   * @returns `true` when `cpu` and `mem` are present.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new ResourceSlot({ cpu: 1, mem: "1g" }).hasIntrinsicSlots());
   * assert.equal(new ResourceSlot({ cpu: 1 }).hasIntrinsicSlots(), false);
   * ```
   */
  hasIntrinsicSlots(): boolean {
    return Object.values(IntrinsicSlotNames).every((key) =>
      this.#data.has(key)
    );
  }

  /**
   * The wire form: every quantity as a string, rounded to 0.01 with banker's
   * rounding, trailing zeros dropped, never in exponent notation, and
   * `"Infinity"`/`"-Infinity"` for infinities. Lossy beyond 2 decimal places,
   * as upstream. `JSON.stringify(slot)` uses it.
   *
   * @returns The slot as `{ name: "quantity" }`.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = ResourceSlot.fromJSON({ a: "2E+1", b: "0.125", c: "0.135", d: "0.005", e: "-Infinity" });
   * assert.deepEqual(slot.toJSON(), { a: "20", b: "0.12", c: "0.14", d: "0", e: "-Infinity" });
   * assert.equal(JSON.stringify(ResourceSlot.fromJSON({ cpu: "1.000" })), '{"cpu":"1"}');
   * ```
   */
  toJSON(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [key, value] of this.#data) {
      result[key] = stringifyQuantity(value);
    }
    return result;
  }

  /**
   * A human-readable form: `bytes` slots auto-scaled like `"2g"` (integral
   * bytes, truncated; infinities and negatives stay plain numbers), other
   * slots as in {@linkcode ResourceSlot.toJSON}. A slot missing from
   * `slotTypes` gets its type from {@linkcode ResourceSlot.guessSlotType}.
   *
   * @param slotTypes The slot types to render with.
   * @returns The slot as `{ name: "text" }`.
   *
   * @example Usage
   * ```ts
   * import { ResourceSlot } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const slot = ResourceSlot.fromJSON({ a: "1", b: "2147483648", c: "Infinity" });
   * assert.deepEqual(slot.toHumanized({ a: "count", b: "bytes", c: "bytes" }), {
   *   a: "1",
   *   b: "2g",
   *   c: "Infinity",
   * });
   * ```
   */
  toHumanized(slotTypes: SlotTypeMap = {}): Record<string, string> {
    const known = slotTypeLookup(slotTypes);
    const result: Record<string, string> = {};
    for (const [key, value] of this.#data) {
      const slotType = known.get(key) ?? ResourceSlot.guessSlotType(key);
      if (slotType === SlotTypes.BYTES && value.isFinite()) {
        const bytes = value.truncated();
        result[key] = bytes.isNegative()
          ? bytes.toFixed()
          : new BinarySize(BigInt(bytes.toFixed())).format("s");
      } else {
        result[key] = stringifyQuantity(value);
      }
    }
    return result;
  }
}
