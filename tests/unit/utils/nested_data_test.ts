// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { deepMerge, dict2kvlist, nmget } from "../../../utils.ts";

Deno.test("nmget() follows upstream's examples", () => {
  const o = { a: { b: 1 }, x: null };
  assert.deepEqual(nmget(o, "a", { default: 0 }), { b: 1 });
  assert.equal(nmget(o, "a.b", { default: 0 }), 1);
  assert.equal(nmget(o, "a/b", { default: 0, delimiter: "/" }), 1);
  assert.equal(nmget(o, "a.c", { default: 0 }), 0);
  assert.equal(nmget(o, "a.c", { default: 100 }), 100);
  assert.equal(nmget(o, "x", { default: 0 }), 0);
  assert.equal(nmget(o, "x", { default: 0, nullAsDefault: false }), null);
});

Deno.test("nmget() gives the default for missing segments and null in the middle", () => {
  const obj = {
    a: { b: { c: 1, n: null, z: 0, f: false, e: "" }, u: undefined },
  };
  assert.equal(nmget(obj, "a.b.c"), 1);
  assert.equal(nmget(obj, "a.b.z", { default: 5 }), 0);
  assert.equal(nmget(obj, "a.b.f", { default: 5 }), false);
  assert.equal(nmget(obj, "a.b.e", { default: 5 }), "");
  assert.equal(nmget(obj, "a.x.c", { default: "d" }), "d");
  assert.equal(
    nmget(obj, "a.b.n.deeper", { default: "d", nullAsDefault: false }),
    "d",
  );
  assert.equal(nmget(obj, "a.u", { default: "d", nullAsDefault: false }), "d");
  assert.equal(nmget(obj, "a.b.c.deeper", { default: "d" }), "d");
  assert.equal(nmget(obj, "missing"), undefined);
  assert.equal(nmget(null, "a", { default: 1 }), 1);
  assert.equal(nmget(undefined, "a", { default: 1 }), 1);
  assert.equal(nmget("text", "length", { default: 1 }), 1);
  assert.equal(nmget(obj, "", { default: "d" }), "d");
  assert.equal(nmget({ "": 7 }, ""), 7);
});

Deno.test("nmget() reads own keys only, never inherited ones", () => {
  const obj = { a: {} };
  assert.equal(nmget(obj, "toString", { default: "own only" }), "own only");
  assert.equal(
    nmget(obj, "a.constructor", { default: "own only" }),
    "own only",
  );
  assert.equal(nmget(obj, "__proto__", { default: "own only" }), "own only");
  assert.equal(nmget(Object.create({ inherited: 1 }), "inherited"), undefined);
});

Deno.test("nmget() reaches array elements by index only", () => {
  const obj = { list: [10, { v: 20 }] };
  assert.equal(nmget(obj, "list.0"), 10);
  assert.equal(nmget(obj, "list.1.v"), 20);
  assert.equal(nmget(obj, "list.2", { default: "d" }), "d");
  assert.equal(nmget(obj, "list.length", { default: "d" }), "d");
  assert.equal(nmget(obj, "list.01", { default: "d" }), "d");
});

Deno.test("nmget() takes multi-character delimiters", () => {
  assert.equal(nmget({ a: { "b.c": 1 } }, "a::b.c", { delimiter: "::" }), 1);
});

Deno.test("deepMerge() lets later maps win and merges nested objects", () => {
  assert.deepEqual(
    deepMerge({ a: 1, b: { c: 1, d: 1 } }, { b: { d: 2, e: 2 } }, { a: 3 }),
    { a: 3, b: { c: 1, d: 2, e: 2 } },
  );
  assert.deepEqual(deepMerge(), {});
  assert.deepEqual(deepMerge({ a: 1 }), { a: 1 });
  assert.deepEqual(deepMerge({ a: { b: 1 } }, { a: 5 }), { a: 5 });
  assert.deepEqual(deepMerge({ a: 5 }, { a: { b: 1 } }), { a: { b: 1 } });
});

Deno.test("deepMerge() keeps the earlier value on a null or undefined override", () => {
  assert.deepEqual(
    deepMerge({ a: 1, b: { c: 2 }, l: [1] }, {
      a: null,
      b: undefined,
      l: null,
    }),
    { a: 1, b: { c: 2 }, l: [1] },
  );
  assert.deepEqual(deepMerge({ a: 1 }, { a: null }, { a: null }), { a: 1 });
  assert.deepEqual(deepMerge({ a: { b: 1 } }, { a: { b: null } }), {
    a: { b: 1 },
  });
  // With no earlier value, an explicit null stays; an undefined leaves no key.
  assert.deepEqual(deepMerge({}, { a: null }), { a: null });
  assert.equal(Object.hasOwn(deepMerge({}, { a: undefined }), "a"), false);
  // A null earlier value is overridden like any other.
  assert.deepEqual(deepMerge({ a: null }, { a: 2 }), { a: 2 });
  // Falsy values are real overrides.
  assert.deepEqual(
    deepMerge({ a: 1, b: "x", c: true }, { a: 0, b: "", c: false }),
    {
      a: 0,
      b: "",
      c: false,
    },
  );
});

Deno.test("deepMerge() merges arrays index by index", () => {
  assert.deepEqual(
    deepMerge(
      { l: [{ x: 1 }, [1, 2], "keep", 4] },
      { l: [{ y: 2 }, [9], null, "over", "extra"] },
    ),
    { l: [{ x: 1, y: 2 }, [9, 2], "keep", "over", "extra"] },
  );
  // Nested arrays recurse; an undefined element keeps the earlier one.
  assert.deepEqual(
    deepMerge({ l: [[1, [2, 3]], 5] }, { l: [[undefined, [undefined, 4]]] }),
    { l: [[1, [2, 4]], 5] },
  );
  // Past the end of the earlier array, a null element is kept as null.
  assert.deepEqual(deepMerge({ l: [1] }, { l: [2, null] }), { l: [2, null] });
  // Shape changes: the later value wins.
  assert.deepEqual(deepMerge({ l: [1, 2, 3] }, { l: { not: "list" } }), {
    l: { not: "list" },
  });
  assert.deepEqual(deepMerge({ l: { a: 1 } }, { l: [1] }), { l: [1] });
  assert.deepEqual(deepMerge({ l: [{ a: 1 }] }, { l: [[1]] }), { l: [[1]] });
  assert.deepEqual(deepMerge({ l: [1, 2] }, { l: [] }), { l: [1, 2] });
});

Deno.test("deepMerge() merges three maps with lists across all of them", () => {
  assert.deepEqual(
    deepMerge(
      { servers: [{ host: "a", port: 1 }, { host: "b", port: 2 }] },
      { servers: [{ port: 10 }] },
      { servers: [null, { host: "c" }, { host: "d" }] },
    ),
    {
      servers: [{ host: "a", port: 10 }, { host: "c", port: 2 }, { host: "d" }],
    },
  );
});

Deno.test("deepMerge() never mutates its inputs and shares no containers with them", () => {
  const base = { a: { b: 1 }, l: [{ x: 1 }], only: { base: [1] } };
  const override = { a: { c: 2 }, l: [{ y: 2 }, { z: 3 }], fresh: { o: [1] } };
  const before = [structuredClone(base), structuredClone(override)];
  const merged = deepMerge(base, override) as {
    only: { base: number[] };
    fresh: { o: number[] };
    l: Array<Record<string, number>>;
  };
  assert.deepEqual([base, override], before);
  assert.deepEqual(merged, {
    a: { b: 1, c: 2 },
    l: [{ x: 1, y: 2 }, { z: 3 }],
    only: { base: [1] },
    fresh: { o: [1] },
  });
  merged.only.base.push(2);
  merged.fresh.o.push(2);
  (merged.l[1] as Record<string, number>).z = 99;
  assert.deepEqual([base, override], before);
});

Deno.test("deepMerge() shares class instances such as Date instead of merging them", () => {
  const date = new Date(0);
  const merged = deepMerge({ d: { x: 1 } }, { d: date });
  assert.equal(merged.d, date);
});

Deno.test("deepMerge() drops prototype-polluting keys at every level", () => {
  const override = JSON.parse(
    '{"a":{"c":2,"__proto__":{"polluted":1}},"__proto__":{"polluted":1},' +
      '"constructor":{"prototype":{"polluted":1}},"l":[{"__proto__":{"polluted":1}}]}',
  );
  const merged = deepMerge({ a: { b: 1 } }, override);
  assert.deepEqual(merged, { a: { b: 1, c: 2 }, l: [{}] });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  assert.equal(Object.hasOwn(merged, "__proto__"), false);
  assert.equal(Object.hasOwn(merged, "constructor"), false);
  assert.equal((merged.a as Record<string, unknown>).polluted, undefined);
});

Deno.test("dict2kvlist() interleaves keys and values in order", () => {
  assert.deepEqual(dict2kvlist({ a: 1, b: 2 }), ["a", 1, "b", 2]);
  assert.deepEqual(dict2kvlist({}), []);
  assert.deepEqual(
    dict2kvlist(new Map<string, unknown>([["k", null], ["j", [1]]])),
    ["k", null, "j", [1]],
  );
});
