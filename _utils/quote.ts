// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Python-compatible percent-encoding: {@linkcode quote} and
 * {@linkcode unquote} (etcd keys use `quote(key, "")`).
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import { ENCODER } from "./_bytes.ts";

const ALWAYS_SAFE_CHARS =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~";
const PERCENT_ESCAPES: readonly string[] = Array.from(
  { length: 256 },
  (_, byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
);
const LONE_SURROGATE_REGEXP =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Percent-encodes text exactly as Python's `urllib.parse.quote(text, safe)`:
 * the UTF-8 bytes of every character except `A-Z a-z 0-9 _ . - ~` and the
 * ASCII characters in `safe` become `%XX` with uppercase hex. Unlike
 * `encodeURIComponent`, `!'()*` are escaped. etcd keys use `quote(key, "")`,
 * which also escapes `/`.
 *
 * @example Usage
 * ```ts
 * import { quote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(quote("a/b c"), "a/b%20c");
 * assert.equal(quote("a/b c", ""), "a%2Fb%20c");
 * assert.equal(quote("!'()*~", ""), "%21%27%28%29%2A~");
 * assert.equal(quote("한", ""), "%ED%95%9C");
 * assert.equal(quote("a:b@c", ":@"), "a:b@c");
 * ```
 *
 * @param text The text to encode.
 * @param safe Characters left as they are besides the always-safe ones;
 * non-ASCII characters in it are ignored, as in Python.
 * @returns The encoded text.
 * @throws {InvalidAPIParameters} When the text has a lone surrogate (which
 * has no UTF-8 form; Python raises `UnicodeEncodeError`).
 */
export function quote(text: string, safe: string = "/"): string {
  if (LONE_SURROGATE_REGEXP.test(text)) {
    throw new InvalidAPIParameters(
      "Cannot quote text with a lone surrogate",
      { data: { value: text } },
    );
  }
  const safeBytes = new Uint8Array(128);
  for (const chars of [ALWAYS_SAFE_CHARS, safe]) {
    for (let i = 0; i < chars.length; i++) {
      const code = chars.charCodeAt(i);
      if (code < 128) safeBytes[code] = 1;
    }
  }
  const parts: string[] = [];
  for (const byte of ENCODER.encode(text)) {
    parts.push(
      byte < 128 && safeBytes[byte] === 1
        ? String.fromCharCode(byte)
        : PERCENT_ESCAPES[byte] as string,
    );
  }
  return parts.join("");
}

const ESCAPE_RUN_REGEXP = /(?:%[0-9A-Fa-f]{2})+/g;
const DECODER = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/**
 * Decodes percent-escapes as Python's `urllib.parse.unquote`: each run of
 * `%XX` escapes is read as UTF-8, with U+FFFD for invalid sequences (Python's
 * `errors="replace"`); malformed escapes such as `%zz` or a trailing `%` stay
 * as they are (where `decodeURIComponent` throws), and `+` stays `+`.
 *
 * @example Usage
 * ```ts
 * import { quote, unquote } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unquote("a%2Fb%20c"), "a/b c");
 * assert.equal(unquote(quote("키/값 !", "")), "키/값 !");
 * assert.equal(unquote("100%zz%+"), "100%zz%+");
 * assert.equal(unquote("%FF"), "\uFFFD");
 * ```
 *
 * @param text The encoded text.
 * @returns The decoded text.
 */
export function unquote(text: string): string {
  if (!text.includes("%")) return text;
  return text.replace(ESCAPE_RUN_REGEXP, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    }
    return DECODER.decode(bytes);
  });
}
