// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated nested objects whose keys hold '/', '%', unicode, dots and empty
// segments, written with putPrefix against the shared halfstack's etcd in
// scopes whose prefixes hold such characters too: getPrefix gives back
// exactly what was written (quoting round-trips), every key lands under its
// prefix (counted in the raw key space after each write), keys that only
// share a textual prefix (`p`, `px`, `p%2F`) are never read nor deleted
// with it. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { Etcd3 } from "etcd3";
import { AsyncEtcd, type NestedStrings } from "../../clients/etcd/mod.ts";
import { quote } from "../../utils.ts";
import { halfstackEnv } from "../_halfstack.ts";
import { quietLogger } from "../_logger.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

/** Keys that stress quoting and prefix matching. */
function nastyKey(f: Fuzz): string {
  return f.pick([
    () => f.text(1 + f.int(8)),
    () =>
      f.pick([
        "/",
        "%",
        "%2F",
        "%25",
        "a/b",
        "/lead",
        "trail/",
        "..",
        ".",
        "//",
      ]),
    () =>
      f.pick([
        "\u00e9t\u00e9",
        "\u4e2d\u6587",
        "\u{1F600}",
        "\uFFFD",
        "\u200B",
      ]),
    () => f.word(),
    () => "",
  ])();
}

/** A nested object of strings; "" keys only hold leaves. */
function tree(f: Fuzz, depth: number): NestedStrings {
  const out: NestedStrings = {};
  for (let n = 1 + f.int(4); n > 0; n--) {
    const key = nastyKey(f);
    if (Object.hasOwn(out, key)) continue;
    const value = key !== "" && depth > 0 && f.chance(0.4)
      ? tree(f, depth - 1)
      : f.text(f.int(12));
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** What getPrefix gives back for a written tree (see putPrefix). */
function expected(
  node: NestedStrings,
  top: boolean,
): NestedStrings | string | undefined {
  const out: NestedStrings = {};
  for (const [key, value] of Object.entries(node)) {
    const child = typeof value === "string" ? value : expected(value, false);
    if (child === undefined) continue; // an empty object writes nothing
    Object.defineProperty(out, key, {
      value: child,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const keys = Object.keys(out);
  if (keys.length === 0) return top ? {} : undefined;
  // A key with only its own value reads back as that value.
  if (!top && keys.length === 1 && keys[0] === "") return out[""];
  return out;
}

function leafCount(node: NestedStrings): number {
  let count = 0;
  for (const value of Object.values(node)) {
    count += typeof value === "string" ? 1 : leafCount(value);
  }
  return count;
}

Deno.test("fuzz: etcd keys with '/', '%', unicode and empty segments round-trip and never leave their prefix", async () => {
  const cases = fuzzCases("etcd-keys");
  const f = fuzz("etcd-keys");
  const env = halfstackEnv();
  const namespace = `fuzz-${crypto.randomUUID().slice(0, 8)}`;
  const nodeScope = `nodes/${
    quote(f.pick(["i-1/2", "%", "\u00e9", "a b"]), "")
  }`;
  const etcd = new AsyncEtcd({
    addrs: `${env.etcd.host}:${env.etcd.port}`,
    namespace,
    scopePrefixMap: { global: "", node: nodeScope },
    logger: quietLogger,
  });
  const raw = new Etcd3({ hosts: env.etcdUrl });
  const root = `/sorna/${namespace}/`;
  const countUnder = (prefix: string) => raw.getAll().prefix(prefix).count();
  let total = 0;
  try {
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const scope = f.chance(0.3) ? "node" as const : "global" as const;
      // "c<i>z": no case's prefix is a textual prefix of another's.
      const segments = [`c${i}z`];
      for (let n = f.int(3); n > 0; n--) {
        segments.push(f.chance(0.5) ? f.word() : quote(nastyKey(f) || "e", ""));
      }
      const prefix = segments.join("/");
      const written = tree(f, 2);
      const want = expected(written, true);
      const leaves = leafCount(want as NestedStrings);
      // Siblings that share the prefix's text but are not under it.
      const siblings = [`${prefix}x`, `${prefix}%2F`, `${prefix}0/a`];
      for (const sibling of siblings) {
        await etcd.put(sibling, "sibling", { scope });
      }
      await etcd.putPrefix(prefix, written, { scope });
      total += leaves + siblings.length;
      const full = etcd.fullKey(prefix, { scope });
      assert.ok(full.startsWith(root), f.where(full));
      assert.equal(
        await countUnder(`${full}/`) +
          (await raw.get(full).string() === null ? 0 : 1),
        leaves,
        f.where(`keys under ${full}`),
      );
      assert.equal(
        await countUnder(root),
        total,
        f.where("keys in the namespace"),
      );
      const read = await etcd.getPrefix(prefix, { scope });
      assert.deepEqual(
        read,
        want,
        f.where(`round trip of ${JSON.stringify(written)}`),
      );
      // Deleting the prefix takes its keys only.
      await etcd.deletePrefix(prefix, { scope });
      total -= leaves;
      assert.equal(
        await countUnder(root),
        total,
        f.where("after deletePrefix"),
      );
      assert.deepEqual(
        await etcd.getPrefix(prefix, { scope }),
        {},
        f.where("gone"),
      );
      for (const sibling of siblings) {
        assert.equal(
          await etcd.get(sibling, { scope }),
          "sibling",
          f.where(`${sibling} kept`),
        );
      }
    }
    await reportFaultFigures({
      kind: "fuzz",
      name: "etcd-keys",
      cases,
      crashes: 0,
    });
  } finally {
    await raw.delete().prefix(root);
    raw.close();
    await etcd.close();
  }
});
