// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { NatsNames } from "../../../message_queue/nats/mod.ts";
import {
  idOf,
  keyToken,
  nameOfToken,
  nameToken,
  seqOf,
} from "../../../message_queue/nats/_tokens.ts";
import {
  decodeFields,
  encodeFields,
} from "../../../message_queue/nats/_fields.ts";

const NAMES = [
  "events",
  "events.dlq",
  "events:dlq",
  "a~2Eb",
  "a.b",
  "",
  "~",
  "appproxy-coordinator",
  "sub-1.stream",
  "공지 사항",
  "a b*c>d/e\\f",
];

Deno.test("nameToken() gives NATS-safe tokens that never meet, and nameOfToken() reads them back", () => {
  const tokens = NAMES.map(nameToken);
  assert.equal(new Set(tokens).size, NAMES.length, "injective");
  for (const token of tokens) {
    assert.match(token, /^[A-Za-z0-9_:~-]+$/, `safe: ${token}`);
  }
  assert.deepEqual(tokens.map(nameOfToken), NAMES);
  assert.equal(nameToken("events.dlq"), "events:dlq");
});

Deno.test("keyToken() gives KV-safe key tokens that never meet", () => {
  const tokens = NAMES.map(keyToken);
  assert.equal(new Set(tokens).size, NAMES.length);
  for (const token of tokens) assert.match(token, /^[A-Za-z0-9_=-]+$/);
});

Deno.test("NatsNames puts every name under the namespace", () => {
  const names = new NatsNames("ns");
  assert.equal(names.stream("x.y"), "ns_x:y");
  assert.equal(names.streamSubject("x.y"), "ns.s.x:y");
  assert.equal(names.channel("x.y"), "ns.b.x:y");
  assert.equal(names.bucket("ledger"), "ns_ledger");
});

Deno.test("idOf()/seqOf(): entry ids are 0-<sequence>, ordered as the sequence", () => {
  assert.equal(idOf(42), "0-42");
  assert.equal(seqOf("0-42"), 42);
  assert.equal(seqOf("-"), 0);
  assert.equal(seqOf("1724400000000-0"), undefined, "not one of ours");
  assert.equal(seqOf("0-x"), undefined);
});

Deno.test("encodeFields()/decodeFields(): text stays text, bytes stay bytes, foreign data is one field", () => {
  const bytes = new Uint8Array([0xff, 0xfe]);
  const fields = decodeFields(
    encodeFields(["name", "x", "payload", bytes, "empty", ""]),
  );
  assert.deepEqual(fields, { name: "x", payload: bytes, empty: "" });
  const foreign = new TextEncoder().encode("plain text");
  assert.deepEqual(decodeFields(foreign), { data: foreign });
  assert.deepEqual(decodeFields(encodeFields([])), {});
});
