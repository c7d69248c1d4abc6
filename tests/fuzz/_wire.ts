// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Generated malformed queue input: anycast stream entries and broadcast
 * frames that the wire codec must reject, each with why it is bad. Every
 * generator builds its case by breaking exactly what upstream's format
 * requires, so a case that decodes is a codec bug, not a generator slip.
 *
 * @module
 */

import { encode as msgpackEncode } from "@msgpack/msgpack";
import type { Fuzz } from "./_gen.ts";

/** One field value as written with XADD: text or raw bytes. */
export type WireValue = string | Uint8Array;

/** A generated bad anycast entry. */
export interface BadEntry {
  /** Why it is bad, e.g. `missing:payload`. */
  readonly kind: string;
  /** Field names and values, alternating, as XADD takes them. */
  readonly flat: WireValue[];
}

/** A generated bad broadcast frame. */
export interface BadFrame {
  /** Why it is bad. */
  readonly kind: string;
  /** What is published. */
  readonly data: WireValue;
}

/**
 * Field names that are not part of the format but may appear in a hostile
 * entry: prototype keys, the dead-letter stream's own field names, odd text.
 */
const EXTRA_FIELD_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "extra",
  "",
  " name",
  "NAME",
  "payload ",
  "\u00e9t\u00e9",
  "_dlq_error",
  "_dlq_id",
  "_dlq_loss_cause",
  "_dlq_x",
] as const;

const HUGE_BYTES = 512 * 1024;

/**
 * Sometimes a huge text: `fallback` followed by 512 KiB.
 *
 * @param fuzz The generator.
 * @param fallback The text.
 * @param rate How often it is made huge.
 * @returns The text.
 */
function maybeHuge(fuzz: Fuzz, fallback: string, rate: number): string {
  return fuzz.chance(rate) ? fallback + "x".repeat(HUGE_BYTES) : fallback;
}

/**
 * A huge field value (512 KiB): text, or bytes with invalid UTF-8 in it.
 *
 * @param fuzz The generator.
 * @returns The value.
 */
export function hugeValue(fuzz: Fuzz): WireValue {
  const text = "y".repeat(HUGE_BYTES);
  if (fuzz.chance(0.5)) return text;
  return Uint8Array.from([
    ...new TextEncoder().encode(text),
    ...fuzz.invalidUtf8(),
  ]);
}

/**
 * A valid anycast entry's fields (name, source, payload and sometimes
 * metadata), as a map, to break afterwards.
 *
 * @param fuzz The generator.
 * @returns The fields.
 */
export function validFields(fuzz: Fuzz): Map<string, WireValue> {
  const fields = new Map<string, WireValue>([
    ["name", fuzz.word()],
    ["source", fuzz.chance(0.5) ? "manager" : fuzz.text(1 + fuzz.int(12))],
    ["payload", JSON.stringify(fuzz.json(3)) ?? "null"],
  ]);
  if (fuzz.chance(0.3)) {
    fields.set(
      "metadata",
      JSON.stringify({
        request_id: fuzz.chance(0.5) ? fuzz.text(8) : null,
        user: null,
        triggered_user: null,
      }),
    );
  }
  if (fuzz.chance(0.2)) fields.set("_retry_count", String(fuzz.int(5)));
  return fields;
}

/**
 * The msgpack bytes of something that is not an `args` array.
 *
 * @param fuzz The generator.
 * @returns The bytes and why they are bad.
 */
function badArgs(fuzz: Fuzz): { kind: string; bytes: Uint8Array } {
  switch (fuzz.int(6)) {
    case 0:
      return {
        kind: "args:not-array",
        bytes: msgpackEncode(fuzz.pick([{ a: 1 }, 5, "text", null, true])),
      };
    case 1: {
      // An array header promising more elements than follow.
      const whole = msgpackEncode([fuzz.text(4), 1, 2, 3]);
      return {
        kind: "args:truncated",
        bytes: whole.slice(0, 1 + fuzz.int(whole.length - 1)),
      };
    }
    case 2:
      // 0xc1 is the one byte msgpack never uses.
      return { kind: "args:never-used-byte", bytes: Uint8Array.of(0xc1) };
    case 3: {
      // A fixarray of one pickle-based ext (Decimal, code 3).
      const payload = fuzz.bytes(1 + fuzz.int(8));
      return {
        kind: "args:pickle-ext",
        bytes: Uint8Array.of(
          0x91,
          0xc7,
          payload.length,
          3,
          ...payload,
        ),
      };
    }
    case 4:
      return { kind: "args:empty", bytes: new Uint8Array(0) };
    default: {
      // A valid array followed by trailing garbage.
      const whole = msgpackEncode([1, "a"]);
      return {
        kind: "args:trailing",
        bytes: Uint8Array.from([...whole, 0xc1, ...fuzz.bytes(fuzz.int(4))]),
      };
    }
  }
}

/**
 * A malformed anycast entry: a valid one with one required part broken.
 *
 * @param fuzz The generator.
 * @param hugeRate How often a text is made 512 KiB longer.
 * @returns The entry and why it is bad.
 */
export function badAnycastEntry(fuzz: Fuzz, hugeRate = 0.005): BadEntry {
  const fields = validFields(fuzz);
  let kind: string;
  switch (fuzz.int(9)) {
    case 0: {
      const field = fuzz.pick(["name", "source", "payload"]);
      fields.delete(field);
      kind = `missing:${field}`;
      break;
    }
    case 1: {
      const field = fuzz.pick(["name", "source", "payload", "metadata"]);
      fields.set(field, fuzz.invalidUtf8());
      kind = `invalid-utf8:${field}`;
      break;
    }
    case 2:
      fields.set("payload", maybeHuge(fuzz, fuzz.brokenJson(), hugeRate));
      kind = "payload:not-json";
      break;
    case 3:
      fields.set(
        "_retry_count",
        fuzz.pick(["-1", "1.5", "abc", "", " 1", "1e3", "0x10", "\u0661"]),
      );
      kind = "retry-count:not-decimal";
      break;
    case 4:
      fields.set(
        "metadata",
        fuzz.pick([
          fuzz.brokenJson() || "{",
          '{"request_id":5}',
          '{"request_id":{"a":1}}',
          '{"request_id":true}',
          "[1,2]",
          '"text"',
          "42",
          "null",
        ]),
      );
      kind = "metadata:invalid";
      break;
    case 5: {
      const args = badArgs(fuzz);
      fields.delete("payload");
      fields.set("args", args.bytes);
      kind = args.kind;
      break;
    }
    case 6:
      // Huge name and source, no payload.
      fields.set("name", maybeHuge(fuzz, fuzz.word(), hugeRate));
      fields.delete("payload");
      kind = "missing:payload";
      break;
    case 7:
      // Only hostile field names, none of the format's.
      fields.clear();
      for (let i = 1 + fuzz.int(3); i > 0; i--) {
        fields.set(fuzz.pick(EXTRA_FIELD_NAMES), fuzz.text(fuzz.int(10)));
      }
      kind = "missing:name";
      break;
    default:
      // Random bytes in every field.
      for (const key of [...fields.keys()]) fields.set(key, fuzz.invalidUtf8());
      kind = "invalid-utf8:all";
      break;
  }
  // Sometimes an extra hostile field beside the broken ones.
  if (fuzz.chance(0.2)) {
    const extra = fuzz.pick(EXTRA_FIELD_NAMES);
    if (!fields.has(extra)) {
      fields.set(extra, fuzz.chance(0.5) ? fuzz.invalidUtf8() : fuzz.text(6));
    }
  }
  const flat: WireValue[] = [];
  for (const [key, value] of fields) flat.push(key, value);
  return { kind, flat };
}

/**
 * A malformed broadcast frame.
 *
 * @param fuzz The generator.
 * @param hugeRate How often a text is made 512 KiB longer.
 * @returns The frame and why it is bad.
 */
export function badBroadcastFrame(fuzz: Fuzz, hugeRate = 0.005): BadFrame {
  const document: Record<string, unknown> = {
    name: fuzz.word(),
    source: "manager",
    payload: JSON.stringify(fuzz.json(2)) ?? "null",
  };
  switch (fuzz.int(8)) {
    case 0:
      return {
        kind: "not-json",
        data: maybeHuge(fuzz, fuzz.brokenJson(), hugeRate),
      };
    case 1:
      return { kind: "invalid-utf8", data: fuzz.invalidUtf8() };
    case 2:
      return {
        kind: "not-object",
        data: JSON.stringify(fuzz.pick([[1], "text", 5, null, true, []])),
      };
    case 3: {
      const field = fuzz.pick(["name", "source", "payload"]);
      document[field] = fuzz.pick([5, null, true, { a: 1 }, ["x"], 1.5]);
      return { kind: `wrong-type:${field}`, data: JSON.stringify(document) };
    }
    case 4: {
      const field = fuzz.pick(["name", "source", "payload"]);
      delete document[field];
      return { kind: `missing:${field}`, data: JSON.stringify(document) };
    }
    case 5:
      document.payload = fuzz.brokenJson();
      return { kind: "payload:not-json", data: JSON.stringify(document) };
    case 6:
      document.metadata = fuzz.pick([
        "{",
        '{"request_id":5}',
        "[1]",
        5,
        { request_id: "r" },
      ]);
      return { kind: "metadata:invalid", data: JSON.stringify(document) };
    default: {
      delete document.payload;
      document.args = fuzz.pick([
        "!!!not base64!!!",
        btoa(String.fromCharCode(0xc1)),
        btoa(String.fromCharCode(...msgpackEncode({ a: 1 }))),
        5,
      ]);
      return { kind: "args:invalid", data: JSON.stringify(document) };
    }
  }
}

/**
 * Fields by name, as the library's decoder takes them (prototype keys kept
 * as own properties).
 *
 * @param flat Names and values, alternating.
 * @returns The fields.
 */
export function fieldsOf(
  flat: readonly WireValue[],
): Record<string, WireValue> {
  const fields: Record<string, WireValue> = Object.create(null);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] as WireValue;
    fields[typeof key === "string" ? key : new TextDecoder().decode(key)] =
      flat[i + 1] as WireValue;
  }
  return fields;
}

/**
 * Bytes of a field value, for comparing what was sent with what was kept.
 *
 * @param value Text or bytes.
 * @returns The UTF-8 bytes.
 */
export function bytesOf(value: WireValue): Uint8Array {
  // A copy, so a Buffer and a Uint8Array of the same bytes compare equal.
  return typeof value === "string"
    ? new TextEncoder().encode(value)
    : Uint8Array.from(value);
}
