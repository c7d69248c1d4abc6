// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// AsyncEtcd against the halfstack's etcd (127.0.0.1:12379), each test in a
// namespace of its own.

import assert from "node:assert/strict";
import {
  AsyncEtcd,
  EtcdClosedError,
  EtcdUnavailableError,
  type EtcdWatchEvent,
} from "../../../../clients/etcd/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";
import { quietLogger } from "../../../_logger.ts";
import { freePort } from "../../../_private_servers.ts";
import { delay, dropNamespace, halfstackEtcd, rawEtcd } from "./_shared.ts";

Deno.test("putPrefix/getPrefix round-trip keys with '/', '%', ':', unicode and empty segments", async () => {
  const etcd = halfstackEtcd("quote");
  try {
    const tree = {
      "a/b": "slash",
      "100%": "percent",
      "host:port": "colon",
      "키 값": "unicode",
      "!'()*~": "python-only escapes",
      "": "value at the prefix",
      nested: { "": "own value", "x/y": { "z:1": "deep" }, empty: "" },
    };
    await etcd.putPrefix("config/q", tree);
    assert.deepEqual(await etcd.getPrefix("config/q"), tree);
    // Keys are stored as Python's quote(k, safe="") writes them.
    const { kvs } = await etcd.listPrefix("config/q");
    assert.deepEqual(
      kvs.map((kv) => kv.key),
      [
        "config/q",
        "config/q/%21%27%28%29%2A~",
        "config/q/100%25",
        "config/q/a%2Fb",
        "config/q/host%3Aport",
        "config/q/nested",
        "config/q/nested/empty",
        "config/q/nested/x%2Fy/z%3A1",
        "config/q/%ED%82%A4%20%EA%B0%92",
      ].sort(),
    );
    // An empty object writes nothing; get() of an empty string is "".
    await etcd.putPrefix("config/none", {});
    assert.deepEqual(await etcd.getPrefix("config/none"), {});
    assert.equal(await etcd.get("config/q/nested/empty"), "");
    assert.equal(await etcd.get("config/absent"), undefined);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("scopes: writes go to one scope; reads merge node over sgroup over global", async () => {
  const etcd = halfstackEtcd("scopes", {
    scopePrefixMap: { global: "", sgroup: "sgroup/default", node: "node/test" },
  });
  try {
    await etcd.put("k", "global");
    await etcd.put("k", "sgroup", { scope: "sgroup" });
    assert.equal(await etcd.get("k"), "sgroup");
    await etcd.put("k", "node", { scope: "node" });
    assert.equal(await etcd.get("k"), "node");
    assert.equal(await etcd.get("k", { scope: "sgroup" }), "sgroup");
    assert.equal(await etcd.get("k", { scope: "global" }), "global");
    const raw = rawEtcd();
    try {
      assert.equal(
        await raw.get(`/sorna/${etcd.namespace}/node/test/k`).string(),
        "node",
      );
    } finally {
      raw.close();
    }
    // getPrefix merges at the top level only, as upstream's ChainMap.
    await etcd.putPrefix("cfg", { a: { x: "1", y: "1" }, b: "global" });
    await etcd.putPrefix("cfg", { a: { x: "2" } }, { scope: "node" });
    assert.deepEqual(await etcd.getPrefix("cfg"), {
      a: { x: "2" },
      b: "global",
    });
    assert.deepEqual(await etcd.getPrefix("cfg", { scope: "global" }), {
      a: { x: "1", y: "1" },
      b: "global",
    });
    // A per-call scope map override.
    await etcd.put("k", "other node", {
      scope: "node",
      scopePrefixMap: { node: "node/other" },
    });
    assert.equal(
      await etcd.get("k", { scopePrefixMap: { node: "node/other" } }),
      "other node",
    );
    // Writing to a scope the map lacks is refused, naming the scope.
    const global = halfstackEtcd("scopes-global");
    try {
      await assert.rejects(global.put("k", "v", { scope: "node" }), (error) => {
        assert.ok(error instanceof InvalidAPIParameters);
        assert.equal(error.data?.field, "scope");
        return true;
      });
    } finally {
      await global.close();
    }
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("nested prefixes: a key with children keeps its value under ''; prefixes stop at '/'", async () => {
  const etcd = halfstackEtcd("nested");
  try {
    await etcd.put("myprefix/mydata", "abc");
    await etcd.put("myprefix/mydata/x", "1");
    await etcd.put("myprefix/mydata/y", "2");
    await etcd.put("myprefix/mykey", "def");
    await etcd.put("myprefixzzz", "oops");
    assert.deepEqual(await etcd.getPrefix("myprefix"), {
      mydata: { "": "abc", x: "1", y: "2" },
      mykey: "def",
    });
    assert.deepEqual(await etcd.getPrefix("myprefix/mydata"), {
      "": "abc",
      x: "1",
      y: "2",
    });
    await etcd.put("wow", "abc");
    assert.deepEqual(await etcd.getPrefix("wow"), { "": "abc" });
    // Divergence from upstream: "myprefix" does not match "myprefixzzz".
    assert.deepEqual(
      Object.keys(await etcd.getPrefix("")).sort(),
      ["myprefix", "myprefixzzz", "wow"],
    );
    await etcd.deletePrefix("myprefix");
    assert.deepEqual(await etcd.getPrefix("myprefix"), {});
    assert.equal(await etcd.get("myprefixzzz"), "oops");
    await etcd.deleteMulti(["myprefixzzz", "wow"]);
    assert.deepEqual(await etcd.getPrefix(""), {});
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("replace is a compare-and-swap", async () => {
  const etcd = halfstackEtcd("cas");
  try {
    await etcd.put("lock", "free");
    assert.equal(await etcd.replace("lock", "free", "mine"), true);
    assert.equal(await etcd.replace("lock", "free", "theirs"), false);
    assert.equal(await etcd.get("lock"), "mine");
    assert.equal(await etcd.replace("absent", "", "x"), false);
    assert.equal(await etcd.get("absent"), undefined);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("atomicReplacePrefixes replaces whole subtrees, siblings untouched", async () => {
  const etcd = halfstackEtcd("replace");
  try {
    await etcd.putPrefix("routers/a", {
      rule: "old",
      stale: "x",
      sub: { k: "v" },
    });
    await etcd.putPrefix("routers/b", { rule: "b" });
    await etcd.put("routers/ab", "sibling");
    await etcd.atomicReplacePrefixes({
      "routers/a": { rule: "new", sub: { j: "w" } },
      "routers/c": { rule: "c" },
    });
    assert.deepEqual(await etcd.getPrefix("routers"), {
      a: { rule: "new", sub: { j: "w" } },
      ab: "sibling",
      b: { rule: "b" },
      c: { rule: "c" },
    });
    await etcd.atomicReplacePrefixes({ "routers/a": {} });
    assert.deepEqual(await etcd.getPrefix("routers/a"), {});
    assert.equal(await etcd.get("routers/ab"), "sibling");
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("watch and watchPrefix yield put/delete events with scope-relative keys", async () => {
  const etcd = halfstackEtcd("watch");
  try {
    const single = etcd.watch("flag", { once: true });
    const prefix = etcd.watchPrefix("svc");
    await Promise.all([single.ready, prefix.ready]);
    await etcd.put("flag", "on");
    await etcd.put("svc", "own");
    await etcd.put("svc/a%2Fb", "1");
    await etcd.put("svcx", "not mine");
    await etcd.delete("svc/a%2Fb");
    const flagEvents: EtcdWatchEvent[] = [];
    for await (const event of single) flagEvents.push(event);
    assert.equal(flagEvents.length, 1);
    assert.equal(flagEvents[0]?.key, "flag");
    assert.equal(flagEvents[0]?.value, "on");
    const seen: string[] = [];
    for await (const event of prefix) {
      seen.push(`${event.event} ${event.key} ${event.value}`);
      if (seen.length === 3) break;
    }
    assert.deepEqual(seen, [
      "put svc own",
      "put svc/a%2Fb 1",
      "delete svc/a%2Fb ",
    ]);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("a watch from a revision replays what happened after a read", async () => {
  const etcd = halfstackEtcd("watch-rev");
  try {
    await etcd.put("p/a", "1");
    const snapshot = await etcd.listPrefix("p");
    await etcd.put("p/b", "2");
    const watch = etcd.watchPrefix("p", {
      startRevision: snapshot.revision + 1,
    });
    const first = await watch[Symbol.asyncIterator]().next();
    assert.equal(first.value?.key, "p/b");
    await watch.close();
    // An aborted signal ends the iteration quietly.
    const controller = new AbortController();
    const aborted = etcd.watchPrefix("p", { signal: controller.signal });
    await aborted.ready;
    setTimeout(() => controller.abort(), 50);
    const events: EtcdWatchEvent[] = [];
    for await (const event of aborted) events.push(event);
    assert.deepEqual(events, []);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("a lease's keys vanish when it is revoked, and after its TTL when released", async () => {
  const etcd = halfstackEtcd("lease");
  try {
    const lease = await etcd.grantLease(1);
    await etcd.putPrefix("svc/one", { a: "1", b: "2" }, { lease });
    const { kvs } = await etcd.listPrefix("svc/one");
    assert.ok(kvs.every((kv) => kv.lease === lease.id));
    await delay(2_500); // kept alive past its TTL
    assert.deepEqual(await etcd.getPrefix("svc/one"), { a: "1", b: "2" });
    await lease.revoke();
    assert.deepEqual(await etcd.getPrefix("svc/one"), {});
    const released = await etcd.grantLease(1);
    await etcd.put("svc/two", "x", { lease: released });
    released.release();
    const deadline = Date.now() + 5_000;
    while (await etcd.get("svc/two") !== undefined && Date.now() < deadline) {
      await delay(200);
    }
    assert.equal(await etcd.get("svc/two"), undefined);
  } finally {
    await dropNamespace(etcd);
  }
});

Deno.test("an unreachable etcd gives EtcdUnavailableError naming the key and operation", async () => {
  const port = await freePort();
  const etcd = new AsyncEtcd({
    addrs: `127.0.0.1:${port}`,
    namespace: "local",
    requestTimeoutMs: 500,
    logger: quietLogger,
  });
  try {
    const started = Date.now();
    await assert.rejects(etcd.get("config/redis"), (error) => {
      assert.ok(error instanceof EtcdUnavailableError, String(error));
      assert.equal(error.data?.key, "/sorna/local/config/redis");
      assert.equal(error.data?.operation, "get");
      assert.ok(error.cause !== undefined);
      assert.match(error.message, /config\/redis/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
    // After 5 consecutive failures the breaker answers at once.
    for (let i = 0; i < 3; i++) await etcd.put("x", "1").catch(() => {});
    const quick = Date.now();
    await assert.rejects(etcd.put("config/x", "1"), EtcdUnavailableError);
    assert.ok(Date.now() - quick < 200, "the open breaker answers at once");
  } finally {
    await etcd.close();
  }
  await assert.rejects(etcd.get("k"), EtcdClosedError);
  assert.throws(() => etcd.watch("k"), EtcdClosedError);
});
