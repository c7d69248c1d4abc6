// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Text helpers: {@linkcode joinNonEmpty} and {@linkcode b64encode}.
 *
 * @module
 */

import { ENCODER } from "./_bytes.ts";
import { encodeBase64 } from "./base64.ts";

/**
 * Joins the parts that are not `null`, `undefined` or empty, as upstream's
 * `join_non_empty`.
 *
 * @example Usage
 * ```ts
 * import { joinNonEmpty } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(joinNonEmpty(["a", "", null, "b", undefined], "/"), "a/b");
 * ```
 *
 * @param parts The parts.
 * @param separator The separator.
 * @returns The joined text.
 */
export function joinNonEmpty(
  parts: ReadonlyArray<string | null | undefined>,
  separator: string,
): string {
  return parts
    .filter((part) => part !== null && part !== undefined && part !== "")
    .join(separator);
}

/**
 * Encodes text as standard, padded base64 of its UTF-8 bytes (upstream's
 * `b64encode`).
 *
 * @example Usage
 * ```ts
 * import { b64encode } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(b64encode("hello"), "aGVsbG8=");
 * assert.equal(b64encode("한"), "7ZWc");
 * ```
 *
 * @param text The text.
 * @returns The base64 text.
 */
export function b64encode(text: string): string {
  return encodeBase64(ENCODER.encode(text));
}
