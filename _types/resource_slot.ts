// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ResourceSlot}: an immutable map from slot names (`cpu`, `mem`,
 * `cuda.shares`, ...) to arbitrary-precision decimal quantities. The slot-type
 * enums are in `slot_types.ts`, the value conversions in `_slot_values.ts`.
 *
 * @module
 */

import type { Decimal } from "decimal.js";
import { InvalidAPIParameters } from "../exception.ts";
import type { BinarySize } from "./binary_size.ts";
import { convertRawValue, guessSlotType, initEntries } from "./_slot_values.ts";
import {
  combine,
  containsEqual,
  everyPair,
  filterData,
  humanize,
  jsonData,
  jsonOf,
  knownSlotZeros,
  normalizeData,
  policyData,
  userInputData,
} from "./_slot_maps.ts";
import {
  type DefaultForUnspecified,
  IntrinsicSlotNames,
  type SlotTypes,
} from "./slot_types.ts";

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
  ignoreUnknown?: boolean | undefined;
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
 * @example Read a slot like a read-only Map
 * ```ts
 * import { ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const slot = new ResourceSlot({ cpu: "1.5", mem: 0 });
 * assert.equal(slot.size, 2);
 * assert.ok(slot.get("cpu")?.equals("1.5"));
 * assert.equal(slot.get("gpu"), undefined);
 * assert.equal(slot.has("mem"), true); // set, to 0
 * assert.deepEqual([...slot.keys()], ["cpu", "mem"]);
 * assert.deepEqual([...slot.values()].map(String), ["1.5", "0"]);
 * assert.deepEqual([...slot.entries()].map(([k, v]) => [k, `${v}`]), [["cpu", "1.5"], ["mem", "0"]]);
 * assert.equal(new Map(slot).get("cpu")?.toString(), "1.5");
 * ```
 *
 * @example Compare: equality, the partial order, containment
 * ```ts
 * import { ResourceSlot } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
 * const r2 = ResourceSlot.fromJSON({ a: "4", b: "100" });
 * const r3 = ResourceSlot.fromJSON({ a: "3" });
 * assert.ok(ResourceSlot.fromJSON({ a: "1" }).equals(ResourceSlot.fromJSON({ a: "1.0", b: "0" })));
 * assert.ok(r3.lte(r1) && r3.lt(r1) && r1.gte(r3) && r1.gt(r3));
 * assert.ok(ResourceSlot.fromJSON({ a: "2" }).lte(r1));
 * assert.ok(ResourceSlot.fromJSON({ a: "1" }).lt(r1));
 * assert.ok(ResourceSlot.fromJSON({ a: "3", b: "200" }).gt(ResourceSlot.fromJSON({ a: "2" })));
 * assert.equal(r2.lt(r1), false); // neither less
 * assert.equal(r2.gt(r1), false); // nor greater: a partial order
 * assert.ok(r1.eqContains(r3) && r3.eqContained(r1));
 * assert.equal(r3.eqContains(r1), false);
 * assert.equal(r1.eqContained(r3), false);
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
    return guessSlotType(key);
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
    return ResourceSlot.#of(knownSlotZeros(knownSlotTypes));
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
    return ResourceSlot.#of(userInputData(entries, slotTypes ?? undefined));
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
    return ResourceSlot.#of(policyData(policy, slotTypes));
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
    return ResourceSlot.#of(jsonData(obj));
  }

  /** The number of slots (the class example shows the read-only Map API). */
  get size(): number {
    return this.#data.size;
  }

  /**
   * The quantity of a slot.
   *
   * @param key The slot name.
   * @returns The quantity, or `undefined` when the slot is not set.
   */
  get(key: string): Decimal | undefined {
    return this.#data.get(key);
  }

  /**
   * Tells whether a slot is set (possibly to 0).
   *
   * @param key The slot name.
   * @returns `true` when the slot is set.
   */
  has(key: string): boolean {
    return this.#data.has(key);
  }

  /**
   * The slot names, in insertion order.
   *
   * @returns An iterator over the names.
   */
  keys(): IterableIterator<string> {
    return this.#data.keys();
  }

  /**
   * The quantities, in insertion order.
   *
   * @returns An iterator over the quantities.
   */
  values(): IterableIterator<Decimal> {
    return this.#data.values();
  }

  /**
   * The `[name, quantity]` pairs, in insertion order.
   *
   * @returns An iterator over the pairs.
   */
  entries(): IterableIterator<[string, Decimal]> {
    return this.#data.entries();
  }

  /**
   * The `[name, quantity]` pairs, so a slot works in `for...of` and `new Map()`.
   *
   * @returns An iterator over the pairs.
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
    return ResourceSlot.#of(
      combine(this.#data, ResourceSlot.#dataOf(other), "add"),
    );
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
    return ResourceSlot.#of(
      combine(this.#data, ResourceSlot.#dataOf(other), "subtract"),
    );
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
   */
  equals(other: ResourceSlot): boolean {
    if (other === this) return true;
    return everyPair(this.#data, ResourceSlot.#dataOf(other), "eq");
  }

  /**
   * Tells whether no slot of this one exceeds the other's (a missing slot counts as 0).
   *
   * @param other The slot to compare with.
   * @returns `true` when this fits within `other`; both operands are unchanged.
   */
  lte(other: ResourceSlot): boolean {
    return everyPair(this.#data, ResourceSlot.#dataOf(other), "lte");
  }

  /**
   * Tells whether this is {@linkcode ResourceSlot.lte} the other and not equal to it.
   *
   * @param other The slot to compare with.
   * @returns `true` when strictly less in the partial order.
   */
  lt(other: ResourceSlot): boolean {
    return this.lte(other) && !this.equals(other);
  }

  /**
   * Tells whether no slot of this one is below the other's (a missing slot counts as 0).
   *
   * @param other The slot to compare with.
   * @returns `true` when this covers `other`; both operands are unchanged.
   */
  gte(other: ResourceSlot): boolean {
    return everyPair(this.#data, ResourceSlot.#dataOf(other), "gte");
  }

  /**
   * Tells whether this is {@linkcode ResourceSlot.gte} the other and not equal to it.
   *
   * @param other The slot to compare with.
   * @returns `true` when strictly greater in the partial order.
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
   */
  eqContains(other: ResourceSlot): boolean {
    return containsEqual(this.#data, ResourceSlot.#dataOf(other));
  }

  /**
   * Tells whether the slots both sides have are equal and every slot only this
   * one has is 0: the mirror image of {@linkcode ResourceSlot.eqContains}.
   *
   * @param other The slot to compare with.
   * @returns `true` when this is contained in `other` with equal values.
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
    return ResourceSlot.#of(filterData(this.#data, knownSlotTypes));
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
    return ResourceSlot.#of(
      normalizeData(
        this.#data,
        knownSlotTypes,
        options.ignoreUnknown ?? false,
      ),
    );
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
    return jsonOf(this.#data);
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
    return humanize(this.#data, slotTypes);
  }
}
