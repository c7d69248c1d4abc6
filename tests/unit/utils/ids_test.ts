// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  b64encode,
  generateUuid,
  getRandomSeq,
  isIpAddressFormat,
  isUuid,
  joinNonEmpty,
  uuidFromHex,
  uuidToHex,
} from "../../../utils.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

function base64urlToHex(id: string): string {
  const binary = atob(id.replaceAll("-", "+").replaceAll("_", "/") + "==");
  return Array.from(
    binary,
    (c) => c.charCodeAt(0).toString(16).padStart(2, "0"),
  ).join("");
}

Deno.test("generateUuid() gives 22-character unpadded base64url ids that differ", () => {
  const ids = new Set(Array.from({ length: 200 }, () => generateUuid()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
});

Deno.test("generateUuid() encodes the 16 bytes of a version-4 UUID", () => {
  for (let i = 0; i < 50; i++) {
    const canonical = uuidFromHex(base64urlToHex(generateUuid()));
    assert.ok(isUuid(canonical));
    assert.equal(canonical[14], "4", canonical);
    assert.match(canonical[19] ?? "", /[89ab]/, canonical);
  }
});

Deno.test("isUuid() accepts canonical UUIDs in any case only", () => {
  assert.ok(isUuid("f38dea23-50fa-42a0-b5ae-338f5f4693f4"));
  assert.ok(isUuid("F38DEA23-50FA-42A0-B5AE-338F5F4693F4"));
  assert.ok(isUuid("00000000-0000-0000-0000-000000000000"));
  assert.ok(!isUuid("f38dea2350fa42a0b5ae338f5f4693f4"));
  assert.ok(!isUuid("{f38dea23-50fa-42a0-b5ae-338f5f4693f4}"));
  assert.ok(!isUuid("f38dea23-50fa-42a0-b5ae-338f5f4693f"));
  assert.ok(!isUuid("g38dea23-50fa-42a0-b5ae-338f5f4693f4"));
  assert.ok(!isUuid(" f38dea23-50fa-42a0-b5ae-338f5f4693f4"));
  assert.ok(!isUuid(""));
  assert.ok(!isUuid(null as unknown as string));
});

Deno.test("uuidToHex() and uuidFromHex() convert between the forms Python reads", () => {
  const canonical = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
  const hex = "f38dea2350fa42a0b5ae338f5f4693f4";
  for (
    const form of [
      canonical,
      canonical.toUpperCase(),
      hex,
      hex.toUpperCase(),
      `{${canonical}}`,
      `urn:uuid:${canonical}`,
      "f38d-ea23-50fa-42a0-b5ae-338f-5f46-93f4",
    ]
  ) {
    assert.equal(uuidToHex(form), hex, form);
    assert.equal(uuidFromHex(form), canonical, form);
  }
  const random = crypto.randomUUID();
  assert.equal(uuidFromHex(uuidToHex(random)), random);
});

Deno.test("uuidToHex() and uuidFromHex() reject what is not a UUID", () => {
  for (
    const bad of [
      "",
      "f38dea2350fa42a0b5ae338f5f4693f",
      "f38dea2350fa42a0b5ae338f5f4693f44",
      "g38dea2350fa42a0b5ae338f5f4693f4",
      " f38dea2350fa42a0b5ae338f5f4693f4",
      "{f38dea2350fa42a0b5ae338f5f4693f4",
      "+38dea2350fa42a0b5ae338f5f4693f4",
    ]
  ) {
    for (const fn of [uuidToHex, uuidFromHex]) {
      assert.throws(() => fn(bad), (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, bad);
        assert.equal(err.data?.value, bad);
        return true;
      });
    }
  }
});

Deno.test("joinNonEmpty() skips null, undefined and empty parts", () => {
  assert.equal(
    joinNonEmpty(["a", "", null, "b", undefined, "c"], ", "),
    "a, b, c",
  );
  assert.equal(joinNonEmpty([" ", "x"], "-"), " -x");
  assert.equal(joinNonEmpty([], "/"), "");
  assert.equal(joinNonEmpty([null, ""], "/"), "");
  assert.equal(joinNonEmpty(["only"], "/"), "only");
});

Deno.test("b64encode() encodes UTF-8 as padded standard base64", () => {
  assert.equal(b64encode(""), "");
  assert.equal(b64encode("hello"), "aGVsbG8=");
  assert.equal(b64encode("한글"), "7ZWc6riA");
  assert.equal(b64encode("\u00ff\u00fe"), "w7/Dvg==");
  assert.equal(b64encode("😀"), "8J+YgA==");
});

Deno.test("isIpAddressFormat() accepts what Python's ipaddress.ip_address accepts", () => {
  for (
    const ok of [
      "0.0.0.0",
      "127.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fe80::1%eth0",
      "2001:db8::8a2e:370:7334",
      "::ffff:192.168.0.1",
      "1:2:3:4:5:6:7:8",
    ]
  ) {
    assert.ok(isIpAddressFormat(ok), ok);
  }
  for (
    const bad of [
      "",
      "localhost",
      "256.0.0.1",
      "1.2.3",
      "1.2.3.4.5",
      "010.0.0.1",
      "1.2.3.4/24",
      "[::1]",
      "1:2:3:4:5:6:7:8:9",
      "::1::",
      " 127.0.0.1",
      "1.2.3.4:80",
    ]
  ) {
    assert.ok(!isIpAddressFormat(bad), bad);
  }
  assert.ok(!isIpAddressFormat(null as unknown as string));
});

Deno.test("getRandomSeq() follows upstream's tests", () => {
  assert.deepEqual(getRandomSeq(10, 11, 1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(getRandomSeq(10, 6, 2), [0, 2, 4, 6, 8, 10]);
  for (const [length, n, d] of [[10, 12, 1], [10, 7, 2]] as const) {
    assert.throws(() => getRandomSeq(length, n, d), (err: unknown) => {
      assert.ok(err instanceof InvalidAPIParameters);
      assert.deepEqual(err.data, { length, numPoints: n, minDistance: d });
      return true;
    });
  }
  for (let i = 0; i < 30; i++) {
    const result = getRandomSeq(10, 9, 1);
    assert.equal(result.length, 9);
    assert.ok((result[0] ?? -1) >= 0);
    assert.ok((result.at(-1) ?? 11) <= 10);
    for (let j = 1; j < result.length; j++) {
      assert.ok((result[j] ?? 0) > (result[j - 1] ?? 0) + 1);
    }
  }
});

Deno.test("getRandomSeq() handles zero points and rejects bad arguments", () => {
  assert.deepEqual(getRandomSeq(10, 0, 1), []);
  assert.equal(getRandomSeq(0, 1, 0).length, 1);
  const bad: Array<[number, number, number]> = [
    [-1, 1, 0],
    [10, 1.5, 1],
    [10, -1, 1],
    [10, 2, -1],
    [NaN, 1, 1],
    [Infinity, 1, 1],
  ];
  for (const [length, n, d] of bad) {
    assert.throws(() => getRandomSeq(length, n, d), InvalidAPIParameters);
  }
});
