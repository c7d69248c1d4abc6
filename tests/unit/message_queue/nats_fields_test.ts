// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// decodeFields() of the NATS backend: data that is not the queue's framing
// (a MessagePack array of names and values) is kept whole under `data`, so
// its dead letter holds the bytes as published. An array of odd length
// (found by tests/fuzz/nats_test.ts) was read as its pairs, its last
// element silently dropped, and the dead letter lost it.

import assert from "node:assert/strict";
import { encode } from "@msgpack/msgpack";
import { decodeFields } from "../../../message_queue/nats/_fields.ts";

Deno.test("decodeFields() reads the framing as fields by name", () => {
  const fields = decodeFields(encode(["name", "x", "payload", "{}"]));
  assert.deepEqual({ ...fields }, { name: "x", payload: "{}" });
});

Deno.test("decodeFields() keeps whatever is not the framing whole, under data", () => {
  for (
    const value of [
      ["name", "x", "source"],
      ["name"],
      [5, "x"],
      ["name", 5],
      { name: "x" },
      "text",
    ]
  ) {
    const data = encode(value);
    assert.deepEqual(
      { ...decodeFields(data) },
      { data },
      JSON.stringify(value),
    );
  }
  const garbage = Uint8Array.of(0xc1, 1, 2);
  assert.deepEqual({ ...decodeFields(garbage) }, { data: garbage });
});
