// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * UUID helpers: {@linkcode generateUuid} (upstream's 22-character form),
 * {@linkcode isUuid}, {@linkcode canonicalUuid}, {@linkcode uuidToHex} and
 * {@linkcode uuidFromHex}.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import { encodeBase64 } from "./base64.ts";

/**
 * A random id as upstream's `generate_uuid`: the 16 bytes of a UUID4 in
 * unpadded base64url, 22 characters.
 *
 * @example Usage
 * ```ts
 * import { generateUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.match(generateUuid(), /^[A-Za-z0-9_-]{22}$/);
 * ```
 *
 * @returns The id.
 */
export function generateUuid(): string {
  const hex = crypto.randomUUID().replaceAll("-", "");
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  }
  return encodeBase64(bytes, { alphabet: "base64url", omitPadding: true });
}

const UUID_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_HEX_REGEXP = /^[0-9a-f]{32}$/i;

/**
 * Tells whether text is a UUID in the canonical 8-4-4-4-12 form, in any case
 * and of any version.
 *
 * @example Usage
 * ```ts
 * import { isUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.ok(isUuid(crypto.randomUUID()));
 * assert.ok(!isUuid("not-a-uuid"));
 * ```
 *
 * @param text The text to check.
 * @returns `true` for a canonical UUID.
 */
export function isUuid(text: string): boolean {
  return typeof text === "string" && UUID_REGEXP.test(text);
}

/** Reads the forms Python's `uuid.UUID(text)` takes, as 32 lowercase hex digits. */
/** Options for {@linkcode canonicalUuid}. */
export interface CanonicalUuidOptions {
  /**
   * Which spellings are accepted, besides the canonical 8-4-4-4-12 form and
   * 32 hex digits (any case):
   * - `"canonical"`: nothing more;
   * - `"pydantic"`: also `{...}` braces and a `urn:uuid:` prefix, as
   *   pydantic's UUID fields read them;
   * - `"python"`: what `uuid.UUID(str)` reads: `urn:` / `uuid:` prefixes,
   *   braces, and hyphens anywhere.
   *
   * @default {"canonical"}
   */
  forms?: "canonical" | "pydantic" | "python" | undefined;
}

/**
 * Normalises a UUID to canonical lower-case 8-4-4-4-12 form: the one
 * mechanism behind `parseUuid` (types), `UserData` (data) and the hex helpers.
 *
 * @example Usage
 * ```ts
 * import { canonicalUuid } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const id = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
 * assert.equal(canonicalUuid("F38DEA2350FA42A0B5AE338F5F4693F4"), id);
 * assert.equal(canonicalUuid(`{${id}}`), undefined);
 * assert.equal(canonicalUuid(`urn:uuid:${id}`, { forms: "pydantic" }), id);
 * assert.equal(canonicalUuid("f38d-ea23-50fa-42a0-b5ae-338f-5f46-93f4", { forms: "pydantic" }), undefined);
 * assert.equal(canonicalUuid("f38d-ea23-50fa-42a0-b5ae-338f-5f46-93f4", { forms: "python" }), id);
 * assert.equal(canonicalUuid("not-a-uuid"), undefined);
 * ```
 *
 * @param text The text to read.
 * @param options Which spellings are accepted.
 * @returns The canonical UUID, or `undefined` when `text` is not one.
 */
export function canonicalUuid(
  text: string,
  options: CanonicalUuidOptions = {},
): string | undefined {
  if (typeof text !== "string") return undefined;
  const forms = options.forms ?? "canonical";
  let hex = text;
  if (forms === "python") {
    hex = hex.replace("urn:", "").replace("uuid:", "");
  } else if (
    forms === "pydantic" && hex.toLowerCase().startsWith("urn:uuid:")
  ) {
    hex = hex.slice(9);
  }
  if (forms !== "canonical" && hex.startsWith("{") && hex.endsWith("}")) {
    hex = hex.slice(1, -1);
  }
  if (forms === "python" || UUID_REGEXP.test(hex)) {
    hex = hex.replaceAll("-", "");
  }
  if (!UUID_HEX_REGEXP.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${
    h.slice(16, 20)
  }-${h.slice(20)}`;
}

function uuidHexDigits(text: string): string {
  const uuid = canonicalUuid(text, { forms: "python" });
  if (uuid === undefined) {
    throw new InvalidAPIParameters(`Cannot parse UUID "${String(text)}"`, {
      data: { value: text },
    });
  }
  return uuid.replaceAll("-", "");
}

/**
 * The 32 lowercase hex digits of a UUID (Python's `UUID.hex`). Takes the
 * canonical form and the other forms Python's `uuid.UUID()` reads: without
 * hyphens, in braces, or with a `urn:uuid:` prefix.
 *
 * @example Usage
 * ```ts
 * import { uuidToHex } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   uuidToHex("F38DEA23-50FA-42A0-B5AE-338F5F4693F4"),
 *   "f38dea2350fa42a0b5ae338f5f4693f4",
 * );
 * ```
 *
 * @param uuid The UUID.
 * @returns The hex digits.
 * @throws {InvalidAPIParameters} When the text is not a UUID.
 */
export function uuidToHex(uuid: string): string {
  return uuidHexDigits(uuid);
}

/**
 * The canonical lowercase 8-4-4-4-12 form of a UUID given as 32 hex digits
 * (Python's `str(UUID(hex))`); the other forms {@linkcode uuidToHex} takes are
 * read too.
 *
 * @example Usage
 * ```ts
 * import { uuidFromHex } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   uuidFromHex("F38DEA2350FA42A0B5AE338F5F4693F4"),
 *   "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 * );
 * ```
 *
 * @param hex The hex digits.
 * @returns The canonical UUID.
 * @throws {InvalidAPIParameters} When the text is not 32 hex digits (or another
 * UUID form).
 */
export function uuidFromHex(hex: string): string {
  uuidHexDigits(hex);
  return canonicalUuid(hex, { forms: "python" }) as string;
}
