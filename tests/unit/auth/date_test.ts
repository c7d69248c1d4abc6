// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { parseRequestDate } from "../../../auth/_date.ts";

const iso = (text: string) => {
  const date = parseRequestDate(text, 2026);
  return date === undefined
    ? undefined
    : `${new Date(date.epochMs).toISOString()} ${date.day}`;
};

Deno.test("parseRequestDate: Python's isoformat() (the fast path) and its neighbours", () => {
  assert.equal(
    iso("2026-11-28T12:34:56+00:00"),
    "2026-11-28T12:34:56.000Z 20261128",
  );
  assert.equal(
    iso("2026-11-28T12:34:56.789012+00:00"),
    "2026-11-28T12:34:56.789Z 20261128",
  );
  assert.equal(
    iso("2026-11-28T12:34:56.7Z"),
    "2026-11-28T12:34:56.700Z 20261128",
  );
  assert.equal(
    iso("2026-11-29T01:00:00-05:30"),
    "2026-11-29T06:30:00.000Z 20261129",
  );
  assert.equal(
    iso("2026-11-28T12:34:56"),
    "2026-11-28T12:34:56.000Z 20261128",
    "naive is UTC",
  );
  assert.equal(
    iso(" 2026-11-28T12:34:56Z "),
    "2026-11-28T12:34:56.000Z 20261128",
  );
  assert.equal(
    iso("2026-11-28T12:34:56.123456789+0900"),
    "2026-11-28T03:34:56.123Z 20261128",
  );
});

Deno.test("parseRequestDate: RFC 7231, RFC 850 and asctime, with zone names", () => {
  assert.equal(
    iso("Sat, 28 Nov 2026 12:34:56 GMT"),
    "2026-11-28T12:34:56.000Z 20261128",
  );
  assert.equal(
    iso("Sat, 28 Nov 2026 12:34:56 +0900"),
    "2026-11-28T03:34:56.000Z 20261128",
  );
  assert.equal(
    iso("Saturday, 28-Nov-26 12:34:56 GMT"),
    "2026-11-28T12:34:56.000Z 20261128",
  );
  assert.equal(
    iso("Sat Nov 28 12:34:56 2026"),
    "2026-11-28T12:34:56.000Z 20261128",
  );
  assert.equal(
    iso("2026-11-28T12:34:56 KST"),
    "2026-11-28T03:34:56.000Z 20261128",
  );
});

Deno.test("parseRequestDate: what cannot be read is refused, not guessed", () => {
  for (
    const text of [
      "",
      "yesterday",
      "2026-13-01T00:00:00Z",
      "2026-02-29T00:00:00Z",
      "2026-11-28T24:00:00Z",
      "2026-11-28T12:60:00Z",
      "2026-11-28T12:34:56.+00:00",
      "2026-11-28T12:34:56+24:00",
      "2026-11-28T12:34:56 XYZT",
      "Sat, 28 Foo 2026 12:34:56 GMT",
      "1764333296",
    ]
  ) {
    assert.equal(iso(text), undefined, text);
  }
});
