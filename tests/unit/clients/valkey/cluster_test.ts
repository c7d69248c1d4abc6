// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../../exception.ts";
import {
  isValkeyClusterTarget,
  valkeyClusterSeeds,
  valkeyKeySlot,
  valkeyOptions,
} from "../../../../clients/valkey/mod.ts";
import { clusterKey } from "../../../../message_queue/_redis_cluster.ts";

Deno.test("valkeyKeySlot() hashes as Redis Cluster does, by the hash tag when there is one", () => {
  // Redis's own test vectors (cluster spec: CRC16 of "123456789" is 0x31C3).
  assert.equal(valkeyKeySlot("123456789"), 12739);
  assert.equal(valkeyKeySlot("foo"), 12182);
  assert.equal(
    valkeyKeySlot("{user1000}.following"),
    valkeyKeySlot("user1000"),
  );
  assert.equal(valkeyKeySlot("foo{}{bar}"), valkeyKeySlot("foo{}{bar}"));
  assert.notEqual(
    valkeyKeySlot("foo{}{bar}"),
    valkeyKeySlot("bar"),
    "empty tag: whole key",
  );
  assert.equal(valkeyKeySlot("foo{{bar}}zap"), valkeyKeySlot("{bar"));
  assert.equal(valkeyKeySlot(new TextEncoder().encode("foo")), 12182);
});

Deno.test("a cluster target has seeds, DB 0 only, and no other way to a server", () => {
  assert.equal(isValkeyClusterTarget({ cluster: "h:1" }), true);
  assert.deepEqual(
    valkeyClusterSeeds({ cluster: ["h:1", { host: "g", port: 2 }] }),
    [
      { host: "h", port: 1 },
      { host: "g", port: 2 },
    ],
  );
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof InvalidAPIParameters);
      return err.data?.field;
    }
    assert.fail("no error");
  };
  assert.equal(field(() => valkeyClusterSeeds({ cluster: "" })), "cluster");
  assert.equal(
    field(() => valkeyClusterSeeds({ cluster: "h:1", db: 4 })),
    "db",
  );
  assert.equal(
    field(() => valkeyClusterSeeds({ cluster: "h:1", addr: "h:2" })),
    "addr",
  );
  assert.equal(field(() => valkeyClusterSeeds({ cluster: "nope" })), "cluster");
  assert.equal(field(() => valkeyOptions({ cluster: "h:1" })), "cluster");
});

Deno.test("on a cluster a dead-letter stream takes its stream's hash tag; other names stay", () => {
  assert.equal(clusterKey("events"), "events");
  assert.equal(clusterKey("events.dlq"), "{events}.dlq");
  assert.equal(
    valkeyKeySlot(clusterKey("events.dlq")),
    valkeyKeySlot("events"),
  );
  assert.equal(clusterKey("a{b}c.dlq"), "a{b}c.dlq", "its own tag already");
  assert.equal(clusterKey("events.dlq:error:g:1-0"), "events.dlq:error:g:1-0");
  assert.throws(() => clusterKey("x}y.dlq"), InvalidAPIParameters);
});
