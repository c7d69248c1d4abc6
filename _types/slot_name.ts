// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * `SlotName`: a resource slot key such as `cpu`, `mem` or `cuda.device:mig-10g`.
 *
 * @module
 */

const ACCELERATOR_MAJOR_TYPES: ReadonlySet<string> = new Set([
  "device",
  "devices",
  "share",
  "shares",
]);

/**
 * A resource slot name, read as upstream does:
 * `device_name[.major_type[:minor_type]]` (split at the first `.`, then the
 * first `:` of the rest). A slot is an accelerator when its major type is
 * `device`, `devices`, `share` or `shares`.
 *
 * @example Usage
 * ```ts
 * import { SlotName } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const slot = new SlotName("cuda.device:mig-10g");
 * assert.equal(slot.deviceName, "cuda");
 * assert.equal(slot.majorType, "device");
 * assert.equal(slot.minorType, "mig-10g");
 * assert.ok(slot.isAccelerator());
 * assert.ok(!new SlotName("mem").isAccelerator());
 * ```
 */
export class SlotName {
  /** The whole slot name. */
  readonly value: string;
  /** The part before the first `.`, e.g. `cuda`. */
  readonly deviceName: string;
  /** The part between the first `.` and the next `:`; `""` when absent. */
  readonly majorType: string;
  /** The part after that `:`; `""` when absent. */
  readonly minorType: string;

  /**
   * Reads a slot name.
   *
   * @param value The slot name, e.g. `cuda.shares`, or another `SlotName`.
   */
  constructor(value: string | SlotName) {
    this.value = String(value);
    const dot = this.value.indexOf(".");
    this.deviceName = dot < 0 ? this.value : this.value.slice(0, dot);
    const rest = dot < 0 ? "" : this.value.slice(dot + 1);
    const colon = rest.indexOf(":");
    this.majorType = colon < 0 ? rest : rest.slice(0, colon);
    this.minorType = colon < 0 ? "" : rest.slice(colon + 1);
  }

  /**
   * Tells whether the slot names an accelerator (a device or a share of one).
   *
   * @example Usage
   * ```ts
   * import { SlotName } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new SlotName("cuda.shares").isAccelerator());
   * assert.ok(!new SlotName("cpu").isAccelerator());
   * ```
   *
   * @returns `true` for `device`, `devices`, `share` and `shares` major types.
   */
  isAccelerator(): boolean {
    return ACCELERATOR_MAJOR_TYPES.has(this.majorType);
  }

  /**
   * Tells whether two slot names are the same string.
   *
   * @example Usage
   * ```ts
   * import { SlotName } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(new SlotName("cpu").equals(new SlotName("cpu")));
   * assert.ok(new SlotName("cpu").equals("cpu"));
   * ```
   *
   * @param other The slot name to compare with; a plain string compares as
   *   upstream's `UserString` does.
   * @returns `true` when the names are equal.
   */
  equals(other: SlotName | string): boolean {
    return this.value === String(other);
  }

  /**
   * The slot name as given.
   *
   * @example Usage
   * ```ts
   * import { SlotName } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${new SlotName("cuda.mem")}`, "cuda.mem");
   * ```
   *
   * @returns The slot name.
   */
  toString(): string {
    return this.value;
  }

  /**
   * The slot name as a JSON string.
   *
   * @example Usage
   * ```ts
   * import { SlotName } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify([new SlotName("cpu")]), '["cpu"]');
   * ```
   *
   * @returns The slot name.
   */
  toJSON(): string {
    return this.value;
  }
}
