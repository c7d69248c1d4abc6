// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Bytes to base64: {@linkcode encodeBase64}, the one helper the library uses
 * for every byte field it renders as text.
 *
 * @module
 */

/** Options of {@linkcode encodeBase64} (those of `Uint8Array.prototype.toBase64`). */
export interface Base64Options {
  /**
   * `"base64"` (`+` and `/`, RFC 4648 §4) or `"base64url"` (`-` and `_`,
   * §5, Python's `urlsafe_b64encode`).
   *
   * @default {"base64"}
   */
  alphabet?: "base64" | "base64url" | undefined;
  /**
   * Leave out the trailing `=` padding.
   *
   * @default {false}
   */
  omitPadding?: boolean | undefined;
}

type NativeToBase64 = (
  this: Uint8Array,
  options?: { alphabet?: string; omitPadding?: boolean },
) => string;

// Deno and Bun have the built-in (TC39 "Uint8Array to/from base64"); Node 20
// does not, and gets the fallback.
const nativeToBase64: NativeToBase64 | undefined = (Uint8Array.prototype as {
  toBase64?: NativeToBase64;
}).toBase64;

// Bytes per String.fromCharCode call in the fallback: far below any engine's
// argument limit, and a multiple of 3 so chunks never split a base64 group.
const CHUNK = 3 * 8192;

/**
 * Encodes bytes as base64 text: standard and padded by default (Python's
 * `base64.b64encode`), or base64url and unpadded by option. Any size works:
 * it uses the runtime's `Uint8Array.prototype.toBase64` where there is one,
 * and otherwise converts in bounded chunks, so a field of many megabytes
 * never overflows the call stack.
 *
 * @example Usage
 * ```ts
 * import { encodeBase64 } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([0xfb, 0xff, 0x01]);
 * assert.equal(encodeBase64(bytes), "+/8B");
 * assert.equal(encodeBase64(bytes, { alphabet: "base64url" }), "-_8B");
 * assert.equal(encodeBase64(new Uint8Array([1])), "AQ==");
 * assert.equal(encodeBase64(new Uint8Array([1]), { omitPadding: true }), "AQ");
 * ```
 *
 * @param bytes The bytes.
 * @param options The alphabet and whether to pad.
 * @returns The base64 text.
 */
export function encodeBase64(
  bytes: Uint8Array,
  options: Base64Options = {},
): string {
  const alphabet = options.alphabet ?? "base64";
  const omitPadding = options.omitPadding ?? false;
  if (nativeToBase64 !== undefined) {
    return nativeToBase64.call(bytes, { alphabet, omitPadding });
  }
  let text = "";
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const chunk = bytes.subarray(start, start + CHUNK);
    text += btoa(String.fromCharCode.apply(null, chunk as unknown as number[]));
  }
  if (alphabet === "base64url") {
    text = text.replaceAll("+", "-").replaceAll("/", "_");
  }
  return omitPadding ? text.replace(/=+$/, "") : text;
}
