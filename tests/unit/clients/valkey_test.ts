// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import { valkeyOptions } from "../../../clients/valkey/mod.ts";

function invalid(field: string) {
  return (err: unknown) =>
    err instanceof InvalidAPIParameters && err.data?.field === field;
}

Deno.test("valkeyOptions: redis:// and rediss:// URLs", () => {
  const plain = valkeyOptions({ url: "redis://:p%40ss@10.0.0.5:6380/4" });
  assert.equal(plain.host, "10.0.0.5");
  assert.equal(plain.port, 6380);
  assert.equal(plain.password, "p@ss");
  assert.equal(plain.db, 4);
  assert.equal(plain.tls, undefined);
  const tls = valkeyOptions({
    url: "rediss://user:pw@cache.example",
    tlsSkipVerify: true,
  });
  assert.equal(tls.port, 6379);
  assert.equal(tls.username, "user");
  assert.deepEqual(tls.tls, { rejectUnauthorized: false });
  // An explicit db wins over the URL path.
  assert.equal(valkeyOptions({ url: "redis://h/2", db: 7 }).db, 7);
});

Deno.test("valkeyOptions: upstream addr and Sentinel forms", () => {
  const standalone = valkeyOptions({ addr: "127.0.0.1:16379", password: "x" });
  assert.equal(standalone.host, "127.0.0.1");
  assert.equal(standalone.port, 16379);
  assert.equal(standalone.db, 0);
  const sentinel = valkeyOptions({
    sentinels: [{ host: "a", port: 1 }, "b:2"],
    serviceName: "mymaster",
    password: "pw",
    useTls: true,
  });
  assert.deepEqual(sentinel.sentinels, [{ host: "a", port: 1 }, {
    host: "b",
    port: 2,
  }]);
  assert.equal(sentinel.sentinelPassword, "pw", "falls back to password");
  assert.equal(sentinel.role, "master");
  assert.equal(sentinel.enableTLSForSentinelMode, true);
  assert.equal(
    valkeyOptions({
      sentinels: "a:1",
      serviceName: "m",
      password: "pw",
      sentinelPassword: "spw",
    }).sentinelPassword,
    "spw",
  );
});

Deno.test("valkeyOptions: a bad target names the field", () => {
  assert.throws(() => valkeyOptions({}), invalid("addr"));
  assert.throws(() => valkeyOptions({ addr: "nohost" }), invalid("addr"));
  assert.throws(
    () => valkeyOptions({ sentinels: "a:1" }),
    invalid("serviceName"),
  );
  assert.throws(
    () => valkeyOptions({ sentinels: " , ", serviceName: "m" }),
    invalid("sentinels"),
  );
  assert.throws(
    () => valkeyOptions({ sentinels: "a", serviceName: "m" }),
    invalid("sentinels"),
  );
  assert.throws(() => valkeyOptions({ url: "http://h" }), invalid("url"));
  assert.throws(() => valkeyOptions({ url: "redis://h/x" }), invalid("url"));
  assert.throws(() => valkeyOptions({ url: "::" }), invalid("url"));
  assert.throws(() => valkeyOptions({ addr: "h:1", db: -1 }), invalid("db"));
  assert.throws(() => valkeyOptions({ addr: "h:70000" }), invalid("addr"));
  const v6 = valkeyOptions({ addr: "[::1]:16379" });
  assert.equal(v6.host, "::1");
  assert.equal(v6.port, 16379);
});
