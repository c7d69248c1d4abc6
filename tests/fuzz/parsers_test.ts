// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The base layer's parsers of untrusted text (sizes, host:port pairs, CIDR
// networks, UUIDs, durations, quoted keys, resource slots) on generated
// near-valid and random input: each returns or throws a BackendAIError with
// a code, never another error; and deepMerge of JSON with `__proto__` and
// `constructor` keys pollutes no prototype. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { BackendAIError } from "../../exception.ts";
import {
  BinarySize,
  HostPortPair,
  parseUuid,
  ReadableCIDR,
  ResourceSlot,
} from "../../types.ts";
import {
  canonicalUuid,
  deepMerge,
  isIpAddressFormat,
  parseTimeDuration,
  strToTimedelta,
  unquote,
  uuidFromHex,
} from "../../utils.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

function nearValid(f: Fuzz): string {
  return f.pick([
    () => f.text(1 + f.int(10)),
    () =>
      `${f.pick(["", "-", "+"])}${f.int(1e6)}${
        f.pick(["", ".", ".5", "e309", "e-5", "E3"])
      }${
        f.pick(["", "k", "m", "g", "t", "p", "e", "KiB", "gb", " g", "x", "mi"])
      }`,
    () =>
      `${
        f.pick([
          "1.2.3.4",
          "::1",
          "[::1]",
          "host",
          "",
          "a:b:c",
          "[fe80::1%eth0]",
          "999.1.1.1",
        ])
      }:${
        f.pick([
          "80",
          "0",
          "65536",
          "-1",
          "",
          "1e3",
          "99999999999999999999",
          "0x10",
        ])
      }`,
    () =>
      `${
        f.pick([
          "10.0.0.0",
          "::",
          "1.2.3.4",
          "fe80::",
          "*",
          "10.*.*.*",
          "10.0.*",
        ])
      }/${f.pick(["8", "33", "-1", "", "129", "1.5", "999999999999"])}`,
    () =>
      `${f.int(100)}${
        f.pick(["d", "h", "m", "s", "ms", "w", "yr", "mo", "us", ""])
      }${f.pick(["", "1d", "x", " 2h"])}`,
    () =>
      f.pick([
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "0x1p3",
        "\u0661\u0662",
        "1_000",
        " 1 ",
        "\u00a01",
        "%",
        "%zz",
        "%ed%a0%80",
        "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0",
        "0b6ac8f06ad14e0b9bd7a1f8ad1a8e0dff",
      ]),
  ])();
}

const PARSERS: readonly [string, (text: string) => unknown][] = [
  ["BinarySize.parse", (text) => BinarySize.parse(text)],
  ["BinarySize.parseFinite", (text) => BinarySize.parseFinite(text)],
  ["HostPortPair.parse", (text) => HostPortPair.parse(text)],
  ["ReadableCIDR.parse", (text) => ReadableCIDR.parse(text)],
  ["parseUuid", (text) => parseUuid(text)],
  ["canonicalUuid", (text) => canonicalUuid(text)],
  ["uuidFromHex", (text) => uuidFromHex(text)],
  ["strToTimedelta", (text) => strToTimedelta(text)],
  ["parseTimeDuration", (text) => parseTimeDuration(text)],
  ["isIpAddressFormat", (text) => isIpAddressFormat(text)],
  ["unquote", (text) => unquote(text)],
  [
    "ResourceSlot.fromUserInput",
    (text) =>
      ResourceSlot.fromUserInput({ cpu: text, mem: text, "cuda.shares": text }),
  ],
  [
    "ResourceSlot.fromJSON",
    (text) => ResourceSlot.fromJSON({ cpu: text, mem: text }),
  ],
];

Deno.test("fuzz: the base parsers return or throw a BackendAIError, never another error", async () => {
  const cases = fuzzCases("parsers");
  const f = fuzz("parsers");
  let crashes = 0;
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const text = nearValid(f);
    for (const [name, parse] of PARSERS) {
      try {
        parse(text);
      } catch (err) {
        if (err instanceof BackendAIError && err.errorCode() !== undefined) {
          continue;
        }
        crashes++;
        f.fail(
          `${name}(${JSON.stringify(text)}): ${
            err instanceof Error ? `${err.name}: ${err.message}` : String(err)
          }`,
        );
      }
    }
  }
  await reportFaultFigures({ kind: "fuzz", name: "parsers", cases, crashes });
});

Deno.test("fuzz: deepMerge of JSON with __proto__ and constructor keys pollutes no prototype", () => {
  const f = fuzz("parsers-merge");
  for (let i = 0; i < 200; i++) {
    f.caseIndex = i;
    const key = f.pick(["__proto__", "constructor", "prototype", f.word()]);
    const inner = f.pick(["__proto__", "prototype", f.word()]);
    const evil = JSON.parse(
      `{"${key}": {"${inner}": {"polluted${i}": true}}, "a": {"__proto__": {"x${i}": 1}}}`,
    );
    const merged = deepMerge(
      { a: { b: 1 } },
      evil,
      { c: f.json(2) },
    );
    const probe: Record<string, unknown> = {};
    assert.equal(probe[`polluted${i}`], undefined, f.where("Object.prototype"));
    assert.equal(probe[`x${i}`], undefined, f.where("Object.prototype"));
    assert.equal(
      (Object.prototype as Record<string, unknown>)[`polluted${i}`],
      undefined,
    );
    assert.equal(
      Object.getPrototypeOf(merged),
      Object.prototype,
      f.where("result"),
    );
  }
});
