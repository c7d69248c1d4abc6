// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The enums of resource slots: {@linkcode SlotTypes},
 * {@linkcode DefaultForUnspecified} and {@linkcode IntrinsicSlotNames}, with
 * upstream's wire strings.
 *
 * @module
 */

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
