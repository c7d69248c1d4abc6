// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How a stream entry's fields travel in a JetStream message: its data is a
 * MessagePack array of alternating names and values, each value a string
 * or, for bytes, a bin, so that bytes stay bytes (a legacy entry's `args`,
 * a malformed payload) and text stays text.
 *
 * @module
 */

import { Decoder, Encoder } from "@msgpack/msgpack";
import type { StreamFields, StreamFieldValue } from "../payload.ts";
import { setField } from "../_util.ts";

const encoder = new Encoder();
const decoder = new Decoder();

/**
 * Encodes a flat field list.
 *
 * @param fields Name, value, name, value, …
 * @returns The message data.
 */
export function encodeFields(fields: readonly StreamFieldValue[]): Uint8Array {
  return encoder.encode(fields);
}

/**
 * Decodes message data into fields by name. Data that is not such an array
 * of names and values (a message another client published on the subject;
 * an array of odd length, or with a name that is not text) becomes one field,
 * `data`, holding it as it was, so that the codec reports it malformed and
 * it is dead-lettered with its bytes.
 *
 * @param data The message data.
 * @returns The fields.
 */
export function decodeFields(data: Uint8Array): StreamFields {
  let flat: unknown;
  try {
    flat = decoder.decode(data);
  } catch {
    return { data };
  }
  // An odd length is not names and values: read as pairs, its last
  // element would be dropped.
  if (!Array.isArray(flat) || flat.length % 2 !== 0) return { data };
  const fields: Record<string, StreamFieldValue> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    if (
      typeof name !== "string" ||
      (typeof value !== "string" && !(value instanceof Uint8Array))
    ) {
      return { data };
    }
    setField(fields, name, value);
  }
  return fields;
}
