// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// encodeBase64 against node:buffer's encoder. Deno and Bun run the
// built-in Uint8Array.prototype.toBase64; Node 20 (the runtime matrix) runs
// the chunked fallback, so both paths are checked by the same test.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { encodeBase64 } from "../../../utils.ts";

function bytesOf(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

Deno.test("encodeBase64() matches node:buffer for every padding length, in both alphabets", () => {
  for (let length = 0; length <= 10; length++) {
    const bytes = bytesOf(length, length + 1);
    const standard = Buffer.from(bytes).toString("base64");
    const url = Buffer.from(bytes).toString("base64url");
    assert.equal(encodeBase64(bytes), standard, `length ${length}`);
    assert.equal(
      encodeBase64(bytes, { alphabet: "base64url" }),
      url + "=".repeat(standard.length - url.length),
      `length ${length}`,
    );
    assert.equal(
      encodeBase64(bytes, { alphabet: "base64url", omitPadding: true }),
      url,
    );
    assert.equal(
      encodeBase64(bytes, { omitPadding: true }),
      standard.replace(/=+$/, ""),
    );
  }
});

Deno.test("encodeBase64() encodes a 5 MiB field (a spread would overflow the call stack)", () => {
  const bytes = bytesOf(5 * 1024 * 1024 + 1, 7);
  assert.equal(encodeBase64(bytes), Buffer.from(bytes).toString("base64"));
  assert.equal(
    encodeBase64(bytes, { alphabet: "base64url", omitPadding: true }),
    Buffer.from(bytes).toString("base64url"),
  );
});
