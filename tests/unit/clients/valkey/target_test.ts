// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../../exception.ts";
import {
  RedisProfileTarget,
  RedisTarget,
  valkeyOptions,
  type ValkeyTarget,
  valkeyTargetFromConfig,
} from "../../../../clients/valkey/mod.ts";
import { HostPortPair, RedisRole } from "../../../../types.ts";

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

Deno.test("valkeyOptions: upstream's key names are rejected, not ignored", () => {
  // A target spread from upstream's config, or passed from JavaScript, used
  // to type-check (or not be checked) and connect to `addr` without the
  // Sentinels or the timeout.
  const cases: [Record<string, unknown>, string][] = [
    [{ addr: "h:1", sentinel: ["s:26379"], serviceName: "m" }, "sentinel"],
    [{ addr: "h:1", service_name: "m" }, "service_name"],
    [{ addr: "h:1", requestTimeout: 1000 }, "requestTimeout"],
    [{ addr: "h:1", request_timeout: 1000 }, "request_timeout"],
    [{ addr: "h:1", sentinel_password: "x" }, "sentinel_password"],
    [{ addr: "h:1", "use-tls": true }, "use-tls"],
  ];
  for (const [target, field] of cases) {
    assert.throws(
      () => valkeyOptions(target as ValkeyTarget),
      (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, field);
        assert.equal(err.data?.field, field);
        assert.match(err.message, /valkeyTargetFromConfig/);
        return true;
      },
    );
  }
});

Deno.test("every upstream description reaches valkeyOptions with its Sentinels and timeout", () => {
  const expected = (options: ReturnType<typeof valkeyOptions>) => {
    assert.deepEqual(options.sentinels, [
      { host: "s1", port: 26379 },
      { host: "s2", port: 26379 },
    ]);
    assert.equal(options.name, "mymaster");
    assert.equal(options.password, "pw");
    assert.equal(options.sentinelPassword, "spw");
    assert.deepEqual(options.tls, {});
  };
  // The legacy target, as upstream builds it.
  const legacy = new RedisTarget({
    addr: HostPortPair.parse("ignored:6379"),
    sentinel: "s1:26379,s2:26379",
    serviceName: "mymaster",
    password: "pw",
    sentinelPassword: "spw",
    redisHelperConfig: { socketTimeout: 2.5 },
    useTls: true,
  }).toValkeyTarget();
  expected(valkeyOptions(legacy));
  assert.equal(legacy.requestTimeoutMs, 2500);
  // Upstream's configuration shape (TOML / etcd), kebab-case keys included.
  const fromConfig = valkeyTargetFromConfig({
    sentinel: [{ host: "s1", port: 26379 }, "s2:26379"],
    "service-name": "mymaster",
    password: "pw",
    sentinel_password: "spw",
    request_timeout: 1000,
    use_tls: true,
  });
  expected(valkeyOptions(fromConfig));
  assert.equal(fromConfig.requestTimeoutMs, 1000);
  // The same through a profile, and from the legacy profile.
  const profile = RedisProfileTarget.fromConfig({
    sentinel: "s1:26379, s2:26379",
    service_name: "mymaster",
    password: "pw",
    sentinel_password: "spw",
    use_tls: true,
    redis_helper_config: { socket_timeout: 3 },
  }).toValkeyProfileTarget();
  expected(valkeyOptions(profile.profileTarget(RedisRole.STREAM)));
  assert.equal(profile.profileTarget(RedisRole.STREAM).requestTimeoutMs, 3000);
});
