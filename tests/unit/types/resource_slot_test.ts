// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { Decimal } from "decimal.js";
import { BackendAIError, InvalidAPIParameters } from "../../../exception.ts";
import { BinarySize } from "../../../types.ts";
import {
  DefaultForUnspecified,
  IntrinsicSlotNames,
  InvalidResourceSlotQuantity,
  ResourceSlot,
  type ResourceSlotValue,
  type SlotTypeMap,
  SlotTypes,
  UnknownResourceSlotType,
} from "../../../types.ts";

const GIB = 2n ** 30n;

/** The slot as sorted `[key, exact decimal string]` pairs, for before/after comparison. */
function snapshot(slot: ResourceSlot): [string, string][] {
  return [...slot.entries()]
    .map(([k, v]): [string, string] => [k, v.toFixed()])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function assertValue(
  slot: ResourceSlot,
  key: string,
  expected: string | number | bigint,
): void {
  const value = slot.get(key);
  assert.ok(value !== undefined, `slot ${key} is missing`);
  assert.ok(
    value.eq(new Decimal(expected.toString())),
    `slot ${key} is ${value.toFixed()}, expected ${expected}`,
  );
}

function isInvalidQuantity(key: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof InvalidResourceSlotQuantity, String(err));
    assert.equal(err.data?.key, key);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  };
}

// ---------------------------------------------------------------- enums, errors

Deno.test("SlotTypes, DefaultForUnspecified and IntrinsicSlotNames carry upstream's wire strings", () => {
  assert.deepEqual(Object.values(SlotTypes), [
    "count",
    "bytes",
    "unique",
    "unified",
  ]);
  assert.deepEqual(Object.values(DefaultForUnspecified), [
    "LIMITED",
    "UNLIMITED",
  ]);
  assert.deepEqual({ ...IntrinsicSlotNames }, { CPU: "cpu", MEMORY: "mem" });
});

Deno.test("InvalidResourceSlotQuantity and UnknownResourceSlotType render upstream's problem documents", () => {
  const invalid = new InvalidResourceSlotQuantity("Bad", {
    data: { key: "cpu" },
  });
  assert.ok(invalid instanceof BackendAIError);
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.toProblemJSON(), {
    type: "https://api.backend.ai/probs/invalid-resource-slot-quantity",
    title: "Invalid resource slot quantity.",
    error_code: "backendai_parsing_invalid-parameters",
    msg: "Bad",
    data: { key: "cpu" },
  });
  const unknown = new UnknownResourceSlotType("Unknown");
  assert.ok(unknown instanceof BackendAIError);
  assert.equal(unknown.status, 400);
  assert.equal(
    unknown.errorType,
    "https://api.backend.ai/probs/unknown-resource-slot-type",
  );
  assert.equal(unknown.errorTitle, "Unknown resource slot type.");
  assert.equal(String(unknown.errorCode()), "backendai_parsing_not-found");
  assert.equal(unknown.name, "UnknownResourceSlotType");
});

// ---------------------------------------------------------------- construction

Deno.test("new ResourceSlot() drops null and undefined values (upstream filter_null)", () => {
  const r1 = new ResourceSlot({ a: "1", x: null, y: undefined });
  assert.equal(r1.toJSON()["a"], "1");
  assert.ok(!("x" in r1.toJSON()));
  assert.equal(r1.has("y"), false);
  assert.equal(r1.size, 1);
  assert.equal(new ResourceSlot().size, 0);
  assert.deepEqual(new ResourceSlot({}).toJSON(), {});
});

Deno.test("new ResourceSlot() parses mem-named string values as binary sizes", () => {
  const slot = new ResourceSlot({
    mem: "2g",
    "cuda.mem": "512m",
    shmem: "1k",
    "mem.inf": "inf",
  });
  assertValue(slot, "mem", 2n * GIB);
  assertValue(slot, "cuda.mem", 536870912);
  assertValue(slot, "shmem", 1024);
  assert.equal(slot.get("mem.inf")?.isFinite(), false);
  assert.ok(slot.get("mem.inf")?.isPositive());
  // Numbers for mem slots go through Decimal as is, even when fractional.
  assertValue(new ResourceSlot({ mem: 1.5 }), "mem", "1.5");
  assertValue(new ResourceSlot({ mem: "1073741824" }), "mem", GIB);
});

Deno.test("new ResourceSlot() rejects size suffixes for slots not named mem", () => {
  assert.throws(
    () => new ResourceSlot({ cpu: "2g" }),
    isInvalidQuantity("cpu", /Cannot convert the slot "cpu" to decimal: "2g"/),
  );
  assert.throws(
    () => new ResourceSlot({ mem: "1x" }),
    (err: unknown) =>
      err instanceof InvalidResourceSlotQuantity && err.cause !== undefined,
  );
  assert.throws(
    () => new ResourceSlot({ mem: "1.5" }),
    isInvalidQuantity("mem"),
  );
});

Deno.test("new ResourceSlot() reads decimal strings with Python Decimal's grammar", () => {
  const cases: [string, string][] = [
    ["2E+1", "20"],
    ["1.000", "1"],
    [" 7 ", "7"],
    ["1_000", "1000"],
    [".5", "0.5"],
    ["1.", "1"],
    ["+3", "3"],
    ["-2.5", "-2.5"],
    ["1e-3", "0.001"],
    ["2147483648", "2147483648"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(
      new ResourceSlot({ a: input }).get("a")?.toFixed(),
      expected,
      input,
    );
  }
  for (const input of ["inf", "Inf", "INFINITY", "+infinity"]) {
    const v = new ResourceSlot({ a: input }).get("a");
    assert.ok(v !== undefined && !v.isFinite() && v.isPositive(), input);
  }
  for (const input of ["-inf", "-Infinity"]) {
    const v = new ResourceSlot({ a: input }).get("a");
    assert.ok(v !== undefined && !v.isFinite() && v.isNegative(), input);
  }
});

Deno.test("new ResourceSlot() rejects NaN and strings Python's Decimal would not read", () => {
  for (
    const input of [
      "NaN",
      "nan",
      "0x1f",
      "0b11",
      "abc",
      "",
      "1__0",
      "_1",
      "1_",
      "1e",
      "--1",
      "1 000",
      "1e99999999999999999",
    ]
  ) {
    assert.throws(
      () => new ResourceSlot({ a: input }),
      isInvalidQuantity("a"),
      JSON.stringify(input),
    );
  }
  assert.throws(() => new ResourceSlot({ a: NaN }), isInvalidQuantity("a"));
  assert.throws(
    () => new ResourceSlot({ a: new Decimal(NaN) }),
    isInvalidQuantity("a"),
  );
  assert.throws(
    () => new ResourceSlot({ a: true as unknown as ResourceSlotValue }),
    isInvalidQuantity("a"),
  );
  assert.throws(
    () => new ResourceSlot({ a: {} as unknown as ResourceSlotValue }),
    isInvalidQuantity("a"),
  );
});

Deno.test("new ResourceSlot() accepts numbers, bigints, decimals, BinarySize, maps and other slots", () => {
  const slot = new ResourceSlot({
    a: 1.25,
    b: 2n ** 80n + 1n,
    c: new Decimal("0.1"),
    d: new BinarySize(2048n),
    e: -Infinity,
    f: -3,
  });
  assertValue(slot, "a", "1.25");
  assertValue(slot, "b", 2n ** 80n + 1n);
  assertValue(slot, "c", "0.1");
  assertValue(slot, "d", 2048);
  assert.equal(slot.get("e")?.isFinite(), false);
  assertValue(slot, "f", -3); // the constructor keeps negatives (differences)
  for (const value of slot.values()) assert.ok(value instanceof Decimal);

  const fromMap = new ResourceSlot(
    new Map<string, ResourceSlotValue | null>([["cpu", "1"], ["x", null], [
      "mem",
      "1g",
    ]]),
  );
  assert.deepEqual(fromMap.toJSON(), { cpu: "1", mem: "1073741824" });
  const copy = new ResourceSlot(fromMap);
  assert.ok(copy.equals(fromMap));
  assert.deepEqual(snapshot(copy), snapshot(fromMap));
});

Deno.test("new ResourceSlot() keeps insertion order of keys", () => {
  const slot = new ResourceSlot({ mem: 1, cpu: 2, "cuda.shares": 3 });
  assert.deepEqual([...slot.keys()], ["mem", "cpu", "cuda.shares"]);
});

// ---------------------------------------------------------------- fromUserInput

Deno.test("ResourceSlot.fromUserInput() with slot types (upstream test_resource_slot_serialization)", () => {
  const st: SlotTypeMap = { a: "count", b: "bytes" };
  const r1 = ResourceSlot.fromUserInput({ a: "1", b: "2g" }, st);
  const r2 = ResourceSlot.fromUserInput({ a: "2", b: "1g" }, st);
  const r3 = ResourceSlot.fromUserInput({ a: "1" }, st);
  assert.throws(
    () => ResourceSlot.fromUserInput({ x: "1" }, st),
    UnknownResourceSlotType,
  );

  assertValue(r1, "a", 1);
  assertValue(r2, "a", 2);
  assertValue(r3, "a", 1);
  assertValue(r1, "b", 2n * GIB);
  assertValue(r2, "b", GIB);
  assertValue(r3, "b", 0);

  const x = r2.subtract(r3);
  assertValue(x, "a", 1);
  assertValue(x, "b", GIB);

  assert.deepEqual(r1.toJSON(), { a: "1", b: "2147483648" });
  assert.deepEqual(r2.toJSON(), { a: "2", b: "1073741824" });
  assert.deepEqual(r3.toJSON(), { a: "1", b: "0" });
  assert.deepEqual(r1.toHumanized(st), { a: "1", b: "2g" });
  assert.deepEqual(r2.toHumanized(st), { a: "2", b: "1g" });
  assert.deepEqual(r3.toHumanized(st), { a: "1", b: "0" });
  assert.ok(r1.equals(ResourceSlot.fromJSON({ a: "1", b: "2147483648" })));
  assert.ok(r2.equals(ResourceSlot.fromJSON({ a: "2", b: "1073741824" })));
  assert.ok(r3.equals(ResourceSlot.fromJSON({ a: "1", b: "0" })));

  const r4 = ResourceSlot.fromUserInput(
    { a: new Decimal("Infinity"), b: new Decimal("-Infinity") },
    st,
  );
  const a = r4.get("a");
  const b = r4.get("b");
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(a.isFinite(), false);
  assert.equal(b.isFinite(), false);
  assert.ok(a.gt(0));
  assert.ok(b.lt(0));
  assert.deepEqual(r4.toHumanized(st), { a: "Infinity", b: "-Infinity" });
});

Deno.test("ResourceSlot.fromUserInput() fills missing known slots with 0 after the given ones", () => {
  const slot = ResourceSlot.fromUserInput(
    { mem: "1g" },
    new Map<string, SlotTypes>([["cpu", "count"], ["mem", "bytes"]]),
  );
  assert.deepEqual([...slot.keys()], ["mem", "cpu"]);
  assert.deepEqual(slot.toJSON(), { mem: "1073741824", cpu: "0" });
});

Deno.test("ResourceSlot.fromUserInput() guesses slot types without a table (typeless)", () => {
  let r1 = ResourceSlot.fromUserInput({ a: "1", "cuda.mem": "2g" }, null);
  assertValue(r1, "a", 1);
  assertValue(r1, "cuda.mem", 2n * GIB);

  r1 = ResourceSlot.fromUserInput({ a: "inf", "cuda.mem": "inf" });
  assert.equal(r1.get("a")?.isFinite(), false);
  assert.equal(r1.get("cuda.mem")?.isFinite(), false);

  assert.throws(
    () => ResourceSlot.fromUserInput({ a: "1", "cuda.smp": "2g" }, null),
    isInvalidQuantity("cuda.smp", /Cannot convert/),
  );

  r1 = ResourceSlot.fromUserInput({ a: "inf", "cuda.smp": "inf" }, null);
  assert.equal(r1.get("a")?.isFinite(), false);
  assert.equal(r1.get("cuda.smp")?.isFinite(), false);
});

Deno.test("ResourceSlot.fromUserInput() output round-trips through toJSON() and fromJSON()", () => {
  const r1 = ResourceSlot.fromUserInput({ a: "1", "cuda.mem": "2g" });
  const s1 = r1.toJSON();
  assert.deepEqual(s1, { a: "1", "cuda.mem": "2147483648" });
  const r2 = ResourceSlot.fromJSON(s1);
  assert.ok(r2.equals(r1));
  assert.ok(
    ResourceSlot.fromJSON(JSON.parse(JSON.stringify(r1))).equals(r1),
  );
});

Deno.test("ResourceSlot.fromUserInput() rejects unknown slots, with a hint for shmem", () => {
  assert.throws(
    () =>
      ResourceSlot.fromUserInput({ a: "1", shmem: "2g" }, {
        a: "count",
        mem: "bytes",
      }),
    (err: unknown) => {
      assert.ok(err instanceof UnknownResourceSlotType);
      assert.match(err.message, /Unknown slot type "shmem"/);
      assert.match(err.message, /resource_opts/);
      assert.equal(err.data?.key, "shmem");
      return true;
    },
  );
  assert.throws(
    () => ResourceSlot.fromUserInput({ tpu: "1" }, { cpu: "count" }),
    (err: unknown) => {
      assert.ok(err instanceof UnknownResourceSlotType);
      assert.equal(err.message, 'Unknown slot type "tpu"');
      assert.equal(err.data?.key, "tpu");
      return true;
    },
  );
});

Deno.test("ResourceSlot.fromUserInput() rejects negative quantities", () => {
  for (const value of ["-1", -1, new Decimal(-1), -1n, "-0.5"]) {
    assert.throws(
      () => ResourceSlot.fromUserInput({ cpu: value }, null),
      isInvalidQuantity("cpu", /cannot be negative/),
      String(value),
    );
  }
  for (const value of [new Decimal(-1), -1]) {
    assert.throws(
      () => ResourceSlot.fromUserInput({ mem: value }, null),
      isInvalidQuantity("mem", /cannot be negative/),
    );
  }
  assert.throws(
    () => ResourceSlot.fromUserInput({ cpu: "-2" }, { cpu: "count" }),
    isInvalidQuantity("cpu", /Resource slot "cpu" cannot be negative: -2/),
  );
  // -Infinity is not finite, so upstream lets it through; so do we.
  assert.equal(
    ResourceSlot.fromUserInput({ cpu: "-inf" }).get("cpu")?.isFinite(),
    false,
  );
  // "-0" is not below zero.
  assert.ok(ResourceSlot.fromUserInput({ cpu: "-0" }).get("cpu")?.isZero());
});

Deno.test('ResourceSlot.fromUserInput() drops numeric zeros before the unknown-slot check, but not the string "0"', () => {
  const typeless = ResourceSlot.fromUserInput({
    a: 0,
    b: 0n,
    c: new Decimal(0),
    d: new BinarySize(0n),
    e: "0",
    f: null,
  });
  assert.deepEqual([...typeless.keys()], ["e"]);
  // An unknown slot with a numeric 0 is pruned, so it is not reported (upstream quirk).
  const typed = ResourceSlot.fromUserInput({ x: 0, cpu: 1 }, { cpu: "count" });
  assert.deepEqual(typed.toJSON(), { cpu: "1" });
  assert.throws(
    () => ResourceSlot.fromUserInput({ x: "0" }, { cpu: "count" }),
    UnknownResourceSlotType,
  );
});

Deno.test("ResourceSlot.fromUserInput() rounds count slots to 3 places (half even) but keeps bytes exact", () => {
  const slot = ResourceSlot.fromUserInput({
    a: "1.23456",
    b: "0.0005",
    c: "0.0015",
    d: "2.50000",
    mem: new Decimal("1.5"),
  });
  assert.equal(slot.get("a")?.toFixed(), "1.235");
  assert.equal(slot.get("b")?.toFixed(), "0");
  assert.equal(slot.get("c")?.toFixed(), "0.002");
  assert.equal(slot.get("d")?.toFixed(), "2.5");
  assert.equal(slot.get("mem")?.toFixed(), "1.5");
});

Deno.test("ResourceSlot.fromUserInput() parses entries like upstream ResourceSlotEntry.inputs_to_resource_slot", () => {
  const valid: [string, string, string | bigint][] = [
    ["cpu", "2", "2"],
    ["cpu", "0.5", "0.5"],
    ["mem", "4294967296", "4294967296"],
    ["mem", "4g", 4n * GIB],
  ];
  for (const [key, quantity, expected] of valid) {
    const slot = ResourceSlot.fromUserInput({ [key]: quantity });
    assert.ok(
      slot.equals(
        new ResourceSlot({ [key]: new Decimal(expected.toString()) }),
      ),
      `${key}=${quantity}`,
    );
  }
  const invalid: [string, string][] = [
    ["mem", "not-a-number"],
    ["cpu", "abc"],
    ["mem", ""],
    ["cpu", "-1"],
  ];
  for (const [key, quantity] of invalid) {
    assert.throws(
      () => ResourceSlot.fromUserInput({ [key]: quantity }),
      isInvalidQuantity(key),
      `${key}=${quantity}`,
    );
  }
  const merged = ResourceSlot.fromUserInput({ cpu: "2", mem: "4g" });
  assert.ok(merged.equals(new ResourceSlot({ cpu: 2, mem: 4n * GIB })));
  assert.ok(ResourceSlot.fromUserInput({}).equals(new ResourceSlot()));
  assert.ok(
    ResourceSlot.fromUserInput(new ResourceSlot({ cpu: 1 })).equals(
      new ResourceSlot({ cpu: 1 }),
    ),
  );
});

// ---------------------------------------------------------------- fromPolicy

Deno.test("ResourceSlot.fromPolicy() fills unspecified slots by default_for_unspecified", () => {
  const st: SlotTypeMap = { a: "count", b: "bytes" };
  const r1 = ResourceSlot.fromPolicy({
    total_resource_slots: { a: "10" },
    default_for_unspecified: DefaultForUnspecified.UNLIMITED,
  }, st);
  assertValue(r1, "a", 10);
  const b = r1.get("b");
  assert.ok(b !== undefined && !b.isFinite() && b.isPositive());
  const r2 = ResourceSlot.fromPolicy({
    total_resource_slots: { a: "10" },
    default_for_unspecified: DefaultForUnspecified.LIMITED,
  }, st);
  assertValue(r2, "a", 10);
  assertValue(r2, "b", 0);
});

Deno.test("ResourceSlot.fromPolicy() ignores unknown and null slots and parses sizes", () => {
  const slot = ResourceSlot.fromPolicy({
    total_resource_slots: new Map<string, string | null>([
      ["tpu", "4"],
      ["a", null],
      ["b", "4g"],
    ]),
    default_for_unspecified: "LIMITED",
  }, { a: "count", b: "bytes" });
  assert.deepEqual(slot.toJSON(), { b: "4294967296", a: "0" });
  assert.throws(
    () =>
      ResourceSlot.fromPolicy({
        total_resource_slots: { a: "-1" },
        default_for_unspecified: "LIMITED",
      }, { a: "count" }),
    isInvalidQuantity("a", /cannot be negative/),
  );
});

// ---------------------------------------------------------------- fromJSON / toJSON

Deno.test("ResourceSlot.fromJSON() reads values as is, without size suffixes or rounding", () => {
  const slot = ResourceSlot.fromJSON({
    a: "1.23456",
    b: "-5",
    c: 7,
    d: null,
    mem: "1073741824",
  });
  assert.equal(slot.get("a")?.toFixed(), "1.23456");
  assertValue(slot, "b", -5);
  assertValue(slot, "c", 7);
  assert.equal(slot.has("d"), false);
  assert.throws(
    () => ResourceSlot.fromJSON({ mem: "1g" }),
    isInvalidQuantity("mem"),
  );
  assert.throws(
    () => ResourceSlot.fromJSON({ a: "NaN" }),
    isInvalidQuantity("a"),
  );
});

Deno.test("ResourceSlot.toJSON() never uses exponent notation", () => {
  const r1 = new ResourceSlot({ a: "2E+1", b: "200" });
  assert.equal(r1.toJSON()["a"], "20");
  assert.equal(r1.toJSON()["b"], "200");
  assert.deepEqual(
    ResourceSlot.fromJSON({
      big: "1E+30",
      tiny: "1E-30",
      exact: String(2n ** 80n),
    })
      .toJSON(),
    {
      big: "1000000000000000000000000000000",
      tiny: "0",
      exact: "1208925819614629174706176",
    },
  );
});

Deno.test("ResourceSlot.toJSON() quantizes to 0.01 with banker's rounding (upstream _stringify_number)", () => {
  const cases: [string | number | bigint, string][] = [
    ["2147483648", "2147483648"],
    ["1.000", "1"],
    ["0.125", "0.12"],
    ["0.135", "0.14"],
    ["0.005", "0"],
    ["0.015", "0.02"],
    ["-0.125", "-0.12"],
    ["-0.001", "0"],
    ["1.000000", "1"],
    ["1.500000", "1.5"],
    ["1.250000", "1.25"],
    ["0.250000", "0.25"],
    ["0.000000", "0"],
    ["10.000000", "10"],
    ["1.234567", "1.23"],
    ["Infinity", "Infinity"],
    ["-Infinity", "-Infinity"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [42, "42"],
    [1024n, "1024"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(
      new ResourceSlot({ a: input }).toJSON()["a"],
      expected,
      String(input),
    );
  }
  assert.equal(
    new ResourceSlot({ a: new BinarySize(1024n) }).toJSON()["a"],
    "1024",
  );
  assert.equal(
    JSON.stringify(new ResourceSlot({ cpu: "0.5", mem: "1k" })),
    '{"cpu":"0.5","mem":"1024"}',
  );
});

// ---------------------------------------------------------------- toHumanized

Deno.test("ResourceSlot.toHumanized() scales byte slots and falls back for infinities and negatives", () => {
  const slot = ResourceSlot.fromJSON({
    cpu: "0.125",
    mem: "1610612736",
    "cuda.mem": "1024.9",
    shmem: "-1073741824",
    swap: "-Infinity",
    disk: "930",
  });
  assert.deepEqual(
    slot.toHumanized({ cpu: "count", swap: "bytes", disk: "bytes" }),
    {
      cpu: "0.12",
      mem: "1.5g", // guessed: bytes
      "cuda.mem": "1k", // truncated to whole bytes
      shmem: "-1073741824", // negative bytes stay plain integers, as upstream
      swap: "-Infinity",
      disk: "930",
    },
  );
  // Without a table every type is guessed.
  assert.deepEqual(
    ResourceSlot.fromJSON({ mem: "2147483648", cpu: "2" }).toHumanized(),
    {
      mem: "2g",
      cpu: "2",
    },
  );
  // A type table overrides the guess.
  assert.deepEqual(
    ResourceSlot.fromJSON({ mem: "2048" }).toHumanized({ mem: "count" }),
    {
      mem: "2048",
    },
  );
});

// ---------------------------------------------------------------- comparison

Deno.test("ResourceSlot.equals() compares with missing slots as 0 (upstream simple equality)", () => {
  const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
  const r2 = ResourceSlot.fromJSON({ a: "4", b: "100" });
  const r3 = ResourceSlot.fromJSON({ a: "2" });
  const r4 = ResourceSlot.fromJSON({ a: "1" });
  const r5 = ResourceSlot.fromJSON({ b: "100", a: "4" });
  assert.equal(r1.equals(r2), false);
  assert.equal(r1.equals(r3), false);
  assert.equal(r2.equals(r3), false);
  assert.equal(r3.equals(r4), false);
  assert.ok(r2.equals(r5));
  assert.ok(r1.equals(r1));
  assert.ok(
    ResourceSlot.fromJSON({ a: "1" }).equals(
      ResourceSlot.fromJSON({ a: "1.00", b: "0" }),
    ),
  );
  assert.ok(
    ResourceSlot.fromJSON({ a: "1", b: "0" }).equals(
      ResourceSlot.fromJSON({ a: "1" }),
    ),
  );
  assert.ok(new ResourceSlot().equals(ResourceSlot.fromJSON({ a: "0" })));
  assert.ok(
    ResourceSlot.fromJSON({ a: "Infinity" }).equals(
      ResourceSlot.fromJSON({ a: "inf" }),
    ),
  );
});

Deno.test("ResourceSlot.lt()/lte() form a partial order and never sync keys (upstream ordering, adapted)", () => {
  const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
  const r2 = ResourceSlot.fromJSON({ a: "4", b: "100" });
  const r3 = ResourceSlot.fromJSON({ a: "2" });
  const r4 = ResourceSlot.fromJSON({ a: "1" });
  assert.equal(r2.lt(r1), false);
  assert.equal(r2.lte(r1), false);
  assert.ok(r4.lt(r1));
  assert.ok(r4.lte(r1));
  assert.equal(r4.has("b"), false); // upstream: r4["b"] == 0 (auto-sync); we stay pure
  assert.equal(r4.size, 1);
  assert.ok(r3.lt(r1));
  assert.ok(r3.lte(r1));
  assert.equal(r3.has("b"), false);
  assert.ok(r1.lte(r1));
  assert.equal(r1.lt(r1), false);
  // An extra non-zero slot on the left side breaks lte.
  assert.equal(r1.lte(r3), false);
});

Deno.test("ResourceSlot.gt()/gte() mirror lt()/lte() (upstream ordering reverse, adapted)", () => {
  const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
  const r2 = ResourceSlot.fromJSON({ a: "4", b: "100" });
  const r3 = ResourceSlot.fromJSON({ a: "2" });
  const r4 = ResourceSlot.fromJSON({ a: "1" });
  assert.equal(r2.gt(r1), false);
  assert.equal(r2.gte(r1), false);
  assert.ok(r1.gt(r3));
  assert.ok(r1.gte(r3));
  assert.equal(r3.has("b"), false);
  assert.ok(r1.gt(r4));
  assert.ok(r1.gte(r4));
  assert.equal(r4.has("b"), false);
  assert.ok(r1.gte(r1));
  assert.equal(r1.gt(r1), false);
  // Slots equal once missing keys count as 0: gte and lte both, neither strict.
  const withZero = ResourceSlot.fromJSON({ a: "1", b: "0" });
  assert.ok(r4.gte(withZero) && r4.lte(withZero));
  assert.ok(!r4.gt(withZero) && !r4.lt(withZero));
});

Deno.test("ResourceSlot comparisons handle infinities and negative values", () => {
  const unlimited = ResourceSlot.fromJSON({ cpu: "Infinity", mem: "Infinity" });
  const some = ResourceSlot.fromJSON({
    cpu: "1000000",
    mem: String(2n ** 80n),
  });
  assert.ok(some.lt(unlimited));
  assert.ok(unlimited.gt(some));
  assert.ok(unlimited.gte(unlimited) && !unlimited.gt(unlimited));
  const debt = ResourceSlot.fromJSON({ cpu: "-1" });
  assert.ok(debt.lt(new ResourceSlot()));
  assert.ok(new ResourceSlot().gt(debt));
});

Deno.test("ResourceSlot.eqContains()/eqContained() check containment with equal values (upstream subset)", () => {
  const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
  const r3 = ResourceSlot.fromJSON({ a: "3" });
  assert.equal(r3.eqContained(r1), true);
  assert.equal(r3.eqContains(r1), false);
  assert.equal(r1.eqContained(r3), false);
  assert.equal(r1.eqContains(r3), true);
  // Zero-valued slots only the other side has do not break containment.
  const withZero = ResourceSlot.fromJSON({ a: "3", c: "0" });
  assert.ok(r3.eqContains(withZero));
  assert.ok(withZero.eqContained(r3));
  assert.ok(r1.eqContains(withZero));
  // A different value on a common slot does.
  const r6 = ResourceSlot.fromJSON({ a: "4" });
  assert.equal(r1.eqContains(r6), false);
  assert.equal(r6.eqContained(r1), false);
  assert.ok(r1.eqContains(r1) && r1.eqContained(r1));
});

// ---------------------------------------------------------------- arithmetic

Deno.test("ResourceSlot.add()/subtract() follow decimal rules for Infinity (upstream calc_with_infinity)", () => {
  const r1 = ResourceSlot.fromJSON({ a: "Infinity" });
  const r2 = ResourceSlot.fromJSON({ a: "3" });
  let r3 = r1.subtract(r2);
  assert.equal(r3.toJSON()["a"], "Infinity");
  r3 = r1.add(r2);
  assert.equal(r3.toJSON()["a"], "Infinity");

  const r4 = ResourceSlot.fromJSON({ b: "5" });
  let r5 = r1.subtract(r4);
  assert.deepEqual(r5.toJSON(), { a: "Infinity", b: "-5" });
  assertValue(r5, "b", -5);
  r5 = r1.add(r4);
  assert.deepEqual(r5.toJSON(), { a: "Infinity", b: "5" });
  assert.deepEqual(r2.subtract(r1).toJSON(), { a: "-Infinity" });
});

Deno.test("ResourceSlot.add()/subtract() reject undefined results such as Infinity - Infinity", () => {
  const inf = ResourceSlot.fromJSON({ a: "Infinity" });
  const negInf = ResourceSlot.fromJSON({ a: "-Infinity" });
  assert.throws(
    () => inf.subtract(inf),
    isInvalidQuantity("a", /Infinity - Infinity/),
  );
  assert.throws(
    () => inf.add(negInf),
    isInvalidQuantity("a", /Infinity \+ -Infinity/),
  );
});

Deno.test("ResourceSlot.add()/subtract() are exact far beyond 2^53 and Python's 28 digits", () => {
  const big = new ResourceSlot({ mem: 2n ** 80n, cpu: "0.001" });
  const one = new ResourceSlot({ mem: 1n, cpu: "0.002" });
  const sum = big.add(one);
  assert.equal(sum.toJSON()["mem"], String(2n ** 80n + 1n));
  assert.equal(sum.get("cpu")?.toFixed(), "0.003");
  assert.equal(sum.subtract(one).toJSON()["mem"], String(2n ** 80n));
  const hundredDigits = "9".repeat(100);
  assert.equal(
    new ResourceSlot({ a: hundredDigits }).add(new ResourceSlot({ a: 1 })).get(
      "a",
    )?.toFixed(),
    "1" + "0".repeat(100),
  );
});

Deno.test("ResourceSlot.add() takes the union of keys; subtract() keeps the left keys first", () => {
  const left = ResourceSlot.fromJSON({ a: "1", b: "2" });
  const right = ResourceSlot.fromJSON({ c: "3", a: "4" });
  assert.deepEqual(left.add(right).toJSON(), { a: "5", b: "2", c: "3" });
  assert.deepEqual([...left.subtract(right).keys()], ["a", "b", "c"]);
  assert.deepEqual(left.subtract(right).toJSON(), { a: "-3", b: "2", c: "-3" });
});

Deno.test("ResourceSlot.negate() negates every value", () => {
  const slot = ResourceSlot.fromJSON({ a: "1.5", b: "-Infinity", c: "0" });
  const neg = slot.negate();
  assert.deepEqual(neg.toJSON(), { a: "-1.5", b: "Infinity", c: "0" });
  assert.ok(neg.negate().equals(slot));
  const finite = slot.without("b");
  assert.ok(finite.add(finite.negate()).equals(new ResourceSlot()));
  assert.throws(() => slot.add(neg), isInvalidQuantity("b")); // -Infinity + Infinity
});

Deno.test("ResourceSlot operators reject operands that are not ResourceSlots", () => {
  const slot = ResourceSlot.fromJSON({ a: "1" });
  const bogus = { a: "1" } as unknown as ResourceSlot;
  for (
    const op of [
      () => slot.add(bogus),
      () => slot.subtract(bogus),
      () => slot.equals(bogus),
      () => slot.lte(bogus),
      () => slot.lt(bogus),
      () => slot.gte(bogus),
      () => slot.gt(bogus),
      () => slot.eqContains(bogus),
      () => slot.eqContained(bogus),
    ]
  ) {
    assert.throws(op, InvalidAPIParameters);
  }
});

// ---------------------------------------------------------------- purity (DESIGN.md point 8)

Deno.test("ResourceSlot operators never mutate their operands (divergence from upstream sync_keys)", () => {
  const make = (): [ResourceSlot, ResourceSlot] => [
    ResourceSlot.fromJSON({ a: "1", c: "0.5" }),
    ResourceSlot.fromJSON({ a: "3", b: "200", d: "Infinity" }),
  ];
  const operators: [string, (x: ResourceSlot, y: ResourceSlot) => unknown][] = [
    ["add", (x, y) => x.add(y)],
    ["subtract", (x, y) => x.subtract(y)],
    ["negate", (x) => x.negate()],
    ["equals", (x, y) => x.equals(y)],
    ["lte", (x, y) => x.lte(y)],
    ["lt", (x, y) => x.lt(y)],
    ["gte", (x, y) => x.gte(y)],
    ["gt", (x, y) => x.gt(y)],
    ["eqContains", (x, y) => x.eqContains(y)],
    ["eqContained", (x, y) => x.eqContained(y)],
    ["with", (x) => x.with("z", 1)],
    ["without", (x) => x.without("a")],
    ["filterSlots", (x) => x.filterSlots({ a: "count" })],
    [
      "normalizeSlots",
      (x) =>
        x.normalizeSlots({ a: "count", q: "count" }, { ignoreUnknown: true }),
    ],
    ["toJSON", (x) => x.toJSON()],
    ["toHumanized", (x) => x.toHumanized({})],
  ];
  for (const [name, operator] of operators) {
    for (const swap of [false, true]) {
      const [first, second] = make();
      const [x, y] = swap ? [second, first] : [first, second];
      const before = [snapshot(x), snapshot(y)];
      operator(x, y);
      assert.deepEqual(
        [snapshot(x), snapshot(y)],
        before,
        `${name} (swap=${swap})`,
      );
    }
  }
  // The exact upstream scenario: `r4 < r1` would have set r4["b"] = 0 and r1 keeps its keys.
  const r1 = ResourceSlot.fromJSON({ a: "3", b: "200" });
  const r4 = ResourceSlot.fromJSON({ a: "1" });
  assert.ok(r4.lt(r1));
  assert.deepEqual([...r4.keys()], ["a"]);
  assert.equal(r4.get("b"), undefined);
  assert.deepEqual(r1.toJSON(), { a: "3", b: "200" });
});

Deno.test("ResourceSlot results do not alias their operands' storage", () => {
  const base = ResourceSlot.fromJSON({ a: "1" });
  const added = base.add(new ResourceSlot());
  const changed = added.with("a", 5);
  assert.equal(base.toJSON()["a"], "1");
  assert.equal(added.toJSON()["a"], "1");
  assert.equal(changed.toJSON()["a"], "5");
  const copy = new ResourceSlot(base);
  assert.equal(copy.with("b", 1).size, 2);
  assert.equal(base.size, 1);
  assert.equal(copy.size, 1);
});

// ---------------------------------------------------------------- accessors and updates

Deno.test("ResourceSlot accessors expose decimal values in insertion order", () => {
  const slot = new ResourceSlot({ cpu: "1.5", mem: "1g" });
  assert.equal(slot.size, 2);
  assert.ok(slot.has("cpu"));
  assert.equal(slot.has("gpu"), false);
  assert.equal(slot.get("gpu"), undefined);
  assert.ok(slot.get("cpu") instanceof Decimal);
  assert.deepEqual([...slot.keys()], ["cpu", "mem"]);
  assert.deepEqual([...slot.values()].map((v) => v.toFixed()), [
    "1.5",
    "1073741824",
  ]);
  assert.deepEqual([...slot.entries()].map(([k, v]) => [k, v.toFixed()]), [
    ["cpu", "1.5"],
    ["mem", "1073741824"],
  ]);
  const seen: string[] = [];
  for (const [key] of slot) seen.push(key);
  assert.deepEqual(seen, ["cpu", "mem"]);
});

Deno.test("ResourceSlot.with()/without() return new slots and convert like the constructor", () => {
  const base = new ResourceSlot({ cpu: 1 });
  const withMem = base.with("mem", "2g");
  assert.deepEqual(withMem.toJSON(), { cpu: "1", mem: "2147483648" });
  assert.deepEqual(base.toJSON(), { cpu: "1" });
  assert.deepEqual(withMem.with("cpu", "2.5").toJSON(), {
    cpu: "2.5",
    mem: "2147483648",
  });
  assert.deepEqual(withMem.with("cpu", null).toJSON(), { mem: "2147483648" });
  assert.deepEqual(withMem.with("cpu", undefined).toJSON(), {
    mem: "2147483648",
  });
  assert.deepEqual(withMem.without("mem").toJSON(), { cpu: "1" });
  assert.equal(base.without("gpu"), base);
  assert.throws(() => base.with("cpu", "2g"), isInvalidQuantity("cpu"));
});

// ---------------------------------------------------------------- known slots

Deno.test("ResourceSlot.normalizeSlots() keeps known slots, fills the rest with 0 and rejects unknown ones", () => {
  const known: SlotTypeMap = {
    cpu: "count",
    mem: "bytes",
    "cuda.shares": "count",
  };
  const slot = new ResourceSlot({ mem: "1g", tpu: 2, cpu: 1, npu: 3 });
  const normalized = slot.normalizeSlots(known, { ignoreUnknown: true });
  assert.deepEqual(normalized.toJSON(), {
    mem: "1073741824",
    cpu: "1",
    "cuda.shares": "0",
  });
  assert.deepEqual([...normalized.keys()], ["mem", "cpu", "cuda.shares"]);
  for (const options of [undefined, {}, { ignoreUnknown: false }]) {
    assert.throws(
      () => slot.normalizeSlots(known, options),
      (err: unknown) => {
        assert.ok(err instanceof UnknownResourceSlotType);
        assert.equal(err.message, 'Unknown slots: "tpu", "npu"');
        assert.deepEqual(err.data, { key: "tpu", keys: ["tpu", "npu"] });
        return true;
      },
    );
  }
  const exact = new ResourceSlot({ cpu: 1 }).normalizeSlots(
    new Map<string, SlotTypes>([["cpu", "count"], ["mem", "bytes"]]),
  );
  assert.deepEqual(exact.toJSON(), { cpu: "1", mem: "0" });
});

Deno.test("ResourceSlot.filterSlots() keeps only known slots without filling", () => {
  const slot = new ResourceSlot({ mem: "1g", tpu: 2, cpu: 1 });
  assert.deepEqual(slot.filterSlots({ cpu: "count", gpu: "count" }).toJSON(), {
    cpu: "1",
  });
  assert.equal(slot.filterSlots({}).size, 0);
});

Deno.test("ResourceSlot.fromKnownSlots() and hasIntrinsicSlots()", () => {
  const zeros = ResourceSlot.fromKnownSlots(
    new Map<string, SlotTypes>([["cpu", "count"], ["mem", "bytes"]]),
  );
  assert.deepEqual(zeros.toJSON(), { cpu: "0", mem: "0" });
  assert.ok(zeros.hasIntrinsicSlots());
  assert.equal(new ResourceSlot({ mem: 1 }).hasIntrinsicSlots(), false);
  assert.equal(new ResourceSlot().hasIntrinsicSlots(), false);
});

Deno.test("ResourceSlot.guessSlotType() says bytes for any name containing mem", () => {
  assert.equal(ResourceSlot.guessSlotType("mem"), SlotTypes.BYTES);
  assert.equal(ResourceSlot.guessSlotType("cuda.mem"), SlotTypes.BYTES);
  assert.equal(ResourceSlot.guessSlotType("shmem"), SlotTypes.BYTES);
  assert.equal(ResourceSlot.guessSlotType("cpu"), SlotTypes.COUNT);
  assert.equal(
    ResourceSlot.guessSlotType("cuda.device:mig-10g"),
    SlotTypes.COUNT,
  );
  assert.equal(ResourceSlot.guessSlotType("MEM"), SlotTypes.COUNT);
});
