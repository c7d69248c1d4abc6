// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Z85 (ZeroMQ RFC 32) encoding of binary keys, as `zmq.utils.z85.encode`
 * writes a CURVE public key for callosum's ZAP check.
 *
 * @module
 */

const ALPHABET =
  "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/**
 * Encodes bytes (a multiple of 4 long) as Z85 text.
 *
 * @param bytes The bytes.
 * @returns The text, 5 characters per 4 bytes.
 */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) {
    throw new RangeError(`Cannot Z85-encode ${bytes.length} bytes`);
  }
  let text = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) +
      (bytes[i + 2]! << 8) + bytes[i + 3]!;
    const chunk: string[] = [];
    for (let j = 0; j < 5; j++) {
      chunk.push(ALPHABET[value % 85]!);
      value = Math.floor(value / 85);
    }
    text += chunk.reverse().join("");
  }
  return text;
}
