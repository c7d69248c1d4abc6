// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The algorithms behind `ResourceSlot`, on plain `ReadonlyMap<string, Decimal>`
 * data: the factories (user input, policies, the wire form), arithmetic and
 * comparison over the union of keys (a missing slot counts as 0), the
 * slot-type filters and the two renderings. Every function returns a new map
 * and never changes its arguments. Private to `resource_slot.ts`.
 *
 * @module
 */

import type { Decimal } from "decimal.js";
import { BinarySize } from "./binary_size.ts";
import {
  InvalidResourceSlotQuantity,
  UnknownResourceSlotType,
} from "./errors.ts";
import {
  guessSlotType,
  initEntries,
  isNumericZero,
  normalizeUserValue,
  POSITIVE_INFINITY,
  SHMEM_HINT,
  slotTypeLookup,
  stringifyQuantity,
  toDecimal,
  ZERO,
} from "./_slot_values.ts";
import { DefaultForUnspecified, SlotTypes } from "./slot_types.ts";

/** Slot quantities by name. */
export type SlotData = ReadonlyMap<string, Decimal>;
/** The known slots and their types, as a map or an object. */
type KnownSlots =
  | ReadonlyMap<string, string>
  | Readonly<Record<string, string>>;

/**
 * Every known slot set to 0.
 *
 * @param knownSlotTypes The known slots.
 * @returns The zeros.
 */
export function knownSlotZeros(knownSlotTypes: KnownSlots): SlotData {
  const data = new Map<string, Decimal>();
  for (const key of slotTypeLookup(knownSlotTypes).keys()) data.set(key, ZERO);
  return data;
}

/**
 * Upstream's `from_user_input`: drops null and numeric zeros, normalizes each
 * value by its (known or guessed) type, rejects unknown slots when the types
 * are given and fills the missing known ones with 0.
 *
 * @param entries The user's values.
 * @param slotTypes The known slots, or `undefined` to guess each type.
 * @returns The slot data.
 */
export function userInputData(
  entries: Iterable<readonly [string, unknown]>,
  slotTypes: KnownSlots | undefined,
): SlotData {
  const data = new Map<string, Decimal>();
  const known = slotTypes === undefined ? undefined : slotTypeLookup(slotTypes);
  for (const [key, value] of entries) {
    if (value === null || value === undefined || isNumericZero(value)) {
      continue;
    }
    const slotType = known === undefined ? guessSlotType(key) : known.get(key);
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
  if (known !== undefined) {
    for (const key of known.keys()) {
      if (!data.has(key)) data.set(key, ZERO);
    }
  }
  return data;
}

/**
 * Upstream's `from_policy`: the known slots of `total_resource_slots`, the
 * other known slots `Infinity` (`UNLIMITED`) or 0.
 *
 * @param policy The policy row.
 * @param slotTypes The known slots.
 * @returns The slot data.
 */
export function policyData(
  policy: {
    readonly total_resource_slots:
      | ReadonlyMap<string, unknown>
      | Readonly<Record<string, unknown>>;
    readonly default_for_unspecified: string;
  },
  slotTypes: KnownSlots,
): SlotData {
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
  return data;
}

/**
 * The wire form read back: each non-null value as a decimal, as is.
 *
 * @param obj The wire form.
 * @returns The slot data.
 */
export function jsonData(
  obj: Readonly<Record<string, string | number | null | undefined>>,
): SlotData {
  const data = new Map<string, Decimal>();
  for (const [key, value] of Object.entries(obj)) {
    if (value === null || value === undefined) continue;
    data.set(key, toDecimal(key, value));
  }
  return data;
}

/** The keys of `left`, then those only `right` has. */
function unionKeys(left: SlotData, right: SlotData): string[] {
  const keys = [...left.keys()];
  for (const key of right.keys()) {
    if (!left.has(key)) keys.push(key);
  }
  return keys;
}

/**
 * Adds or subtracts key by key over the union of keys.
 *
 * @param left The left operand.
 * @param right The right operand.
 * @param operation Which operation.
 * @returns The result.
 */
export function combine(
  left: SlotData,
  right: SlotData,
  operation: "add" | "subtract",
): SlotData {
  const data = new Map<string, Decimal>();
  for (const key of unionKeys(left, right)) {
    const a = left.get(key) ?? ZERO;
    const b = right.get(key) ?? ZERO;
    const result = operation === "add" ? a.plus(b) : a.minus(b);
    if (result.isNaN()) {
      throw new InvalidResourceSlotQuantity(
        `Cannot ${operation} the slot ${JSON.stringify(key)}: ${a} ${
          operation === "add" ? "+" : "-"
        } ${b} is undefined`,
        { data: { key, value: `${a}`, other: `${b}` } },
      );
    }
    data.set(key, result);
  }
  return data;
}

/**
 * Tells whether a comparison holds for every key of the union.
 *
 * @param left The left operand.
 * @param right The right operand.
 * @param comparison The decimal comparison.
 * @returns Whether it holds everywhere.
 */
export function everyPair(
  left: SlotData,
  right: SlotData,
  comparison: "eq" | "lte" | "gte",
): boolean {
  return unionKeys(left, right).every((key) =>
    (left.get(key) ?? ZERO)[comparison](right.get(key) ?? ZERO)
  );
}

/**
 * Upstream's `eq_contains`: the common keys are equal and every key only
 * `other` has is 0.
 *
 * @param data This side.
 * @param other The other side.
 * @returns Whether `data` contains `other` with equal values.
 */
export function containsEqual(data: SlotData, other: SlotData): boolean {
  for (const [key, value] of other) {
    if (!value.eq(data.get(key) ?? ZERO)) return false;
  }
  return true;
}

/**
 * The known slots of `data`.
 *
 * @param data The slot data.
 * @param knownSlotTypes The known slots.
 * @returns The filtered data.
 */
export function filterData(
  data: SlotData,
  knownSlotTypes: KnownSlots,
): SlotData {
  const known = slotTypeLookup(knownSlotTypes);
  const filtered = new Map<string, Decimal>();
  for (const [key, value] of data) {
    if (known.has(key)) filtered.set(key, value);
  }
  return filtered;
}

/**
 * Exactly the known slots, the missing ones 0; unknown slots throw unless
 * ignored.
 *
 * @param data The slot data.
 * @param knownSlotTypes The known slots.
 * @param ignoreUnknown Whether to drop unknown slots instead of throwing.
 * @returns The normalized data.
 */
export function normalizeData(
  data: SlotData,
  knownSlotTypes: KnownSlots,
  ignoreUnknown: boolean,
): SlotData {
  const known = slotTypeLookup(knownSlotTypes);
  if (!ignoreUnknown) {
    const unknown = [...data.keys()].filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new UnknownResourceSlotType(
        `Unknown slots: ${
          unknown.map((key) => JSON.stringify(key)).join(", ")
        }`,
        { data: { key: unknown[0], keys: unknown } },
      );
    }
  }
  const normalized = new Map(filterData(data, known));
  for (const key of known.keys()) {
    if (!normalized.has(key)) normalized.set(key, ZERO);
  }
  return normalized;
}

/**
 * The wire form of every quantity (upstream's `_stringify_number`).
 *
 * @param data The slot data.
 * @returns The slot as `{ name: "quantity" }`.
 */
export function jsonOf(data: SlotData): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of data) result[key] = stringifyQuantity(value);
  return result;
}

/**
 * The human-readable form: byte slots auto-scaled (`"2g"`), others as in
 * the wire form.
 *
 * @param data The slot data.
 * @param slotTypes The slot types to render with.
 * @returns The slot as `{ name: "text" }`.
 */
export function humanize(
  data: SlotData,
  slotTypes: KnownSlots,
): Record<string, string> {
  const known = slotTypeLookup(slotTypes);
  const result: Record<string, string> = {};
  for (const [key, value] of data) {
    const slotType = known.get(key) ?? guessSlotType(key);
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
