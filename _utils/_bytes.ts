// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Bytes to text, shared by the id and text helpers.
 *
 * @module
 */

/** UTF-8 encoder shared by the text helpers. */
export const ENCODER: TextEncoder = new TextEncoder();

/**
 * Standard, padded base64 of bytes, built byte by byte (no spread, so a large
 * input cannot overflow the call stack).
 *
 * @param bytes The bytes.
 * @returns The base64 text.
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
