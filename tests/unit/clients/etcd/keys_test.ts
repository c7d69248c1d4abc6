// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import {
  flattenNested,
  mangleKey,
  nestedFromPairs,
  prefixRangeEnd,
  slash,
  valueText,
} from "../../../../clients/etcd/_keys.ts";
import { pythonFloatRepr } from "../../../../_python_float.ts";
import {
  AsyncEtcd,
  checkScopePrefixMap,
  readScopePrefixes,
  writeScopePrefix,
} from "../../../../clients/etcd/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";

Deno.test("mangleKey joins namespace, scope prefix and key as upstream", () => {
  assert.equal(slash(""), "");
  assert.equal(slash("nodes/a//"), "nodes/a/");
  assert.equal(
    mangleKey("local", "", "config/redis/addr"),
    "/sorna/local/config/redis/addr",
  );
  assert.equal(mangleKey("local", "", "/config"), "/sorna/local/config");
  assert.equal(
    mangleKey("local", "nodes/agents/i-1", "x"),
    "/sorna/local/nodes/agents/i-1/x",
  );
  // Only the joined key's one leading "/" goes (upstream's removeprefix).
  assert.equal(mangleKey("local", "node", "/x"), "/sorna/local/node//x");
});

Deno.test("flattenNested quotes keys with quote(k, '') and maps '' to the parent", () => {
  assert.deepEqual(
    [...flattenNested("p", {
      "a/b": "1",
      "": "own",
      n: { "x:y": { "": "2", "한": 3 } },
      e: {},
    })],
    [["p/a%2Fb", "1"], ["p", "own"], ["p/n/x%3Ay", "2"], [
      "p/n/x%3Ay/%ED%95%9C",
      "3",
    ]],
  );
});

Deno.test("valueText writes leaves as Python's str() does", () => {
  assert.equal(valueText("x"), "x");
  assert.equal(valueText(8080), "8080");
  assert.equal(valueText(1.5), "1.5");
  assert.equal(valueText(true), "True");
  assert.equal(valueText(10n), "10");
  assert.equal(pythonFloatRepr(1733555000), "1733555000.0");
  assert.equal(pythonFloatRepr(1733555000.25), "1733555000.25");
  assert.equal(pythonFloatRepr(1e16), "1e+16");
  assert.equal(pythonFloatRepr(1.5e-5), "1.5e-05");
  assert.equal(pythonFloatRepr(-0), "-0.0");
  assert.equal(pythonFloatRepr(Infinity), "inf");
});

Deno.test("nestedFromPairs rebuilds objects as upstream's make_dict_from_pairs", () => {
  const pairs: Array<[string, string]> = [
    ["myprefix/mydata", "abc"],
    ["myprefix/mydata/x", "1"],
    ["myprefix/mydata/y", "2"],
    ["myprefix/mykey", "def"],
    ["myprefix/q%2Fr/%5F", "quoted"],
    ["other/key", "skipped"],
  ];
  assert.deepEqual(nestedFromPairs("myprefix", pairs), {
    mydata: { "": "abc", x: "1", y: "2" },
    mykey: "def",
    "q/r": { _: "quoted" },
  });
  assert.deepEqual(nestedFromPairs("wow", [["wow", "abc"]]), { "": "abc" });
  // "__proto__" is an ordinary key, never a prototype.
  const tree = nestedFromPairs("p", [["p/__proto__", "x"]]);
  assert.equal(Object.getPrototypeOf(tree), Object.prototype);
  assert.deepEqual(Object.keys(tree), ["__proto__"]);
});

Deno.test("prefixRangeEnd increments the last byte below 0xff, without touching its input", () => {
  const key = new TextEncoder().encode("/sorna/a/");
  assert.equal(new TextDecoder().decode(prefixRangeEnd(key)), "/sorna/a0");
  assert.equal(new TextDecoder().decode(key), "/sorna/a/");
  assert.deepEqual([...prefixRangeEnd(new Uint8Array([0x61, 0xff]))], [0x62]);
  assert.deepEqual([...prefixRangeEnd(new Uint8Array([0xff]))], [0]);
});

Deno.test("scope maps: global is required, reads search node, sgroup, global", () => {
  assert.throws(
    () => checkScopePrefixMap({ global: 1 } as never),
    InvalidAPIParameters,
  );
  const map = checkScopePrefixMap({
    global: "",
    sgroup: "sgroup/default",
    node: "node/test",
  });
  assert.deepEqual(readScopePrefixes(map, "node"), [
    "node/test",
    "sgroup/default",
    "",
  ]);
  assert.deepEqual(readScopePrefixes(map, "global"), [""]);
  assert.throws(
    () => readScopePrefixes(map, "bogus" as never),
    InvalidAPIParameters,
  );
  assert.throws(() => writeScopePrefix(map, "merged"), /merged/);
});

Deno.test("AsyncEtcd refuses a bad namespace, address or timeout", async () => {
  assert.throws(() => new AsyncEtcd({ namespace: "" }), InvalidAPIParameters);
  assert.throws(
    () => new AsyncEtcd({ namespace: "x", addrs: "nohost" }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new AsyncEtcd({ namespace: "x", addrs: [] }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new AsyncEtcd({ namespace: "x", requestTimeoutMs: 0 }),
    InvalidAPIParameters,
  );
  await using etcd = new AsyncEtcd({
    namespace: "x",
    addrs: [["127.0.0.1", 1], "127.0.0.1:2"],
  });
  assert.deepEqual(etcd.endpoints, ["127.0.0.1:1", "127.0.0.1:2"]);
  await using single = new AsyncEtcd({
    namespace: "x",
    addrs: ["10.0.0.1", 2379],
  });
  assert.deepEqual(single.endpoints, ["10.0.0.1:2379"]);
  await assert.rejects(single.grantLease(0), InvalidAPIParameters);
});
