// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../../exception.ts";
import {
  REDIS_PASSWORD_MASK,
  RedisProfileTarget,
  RedisTarget,
  safePrintRedisConfig,
  ValkeyProfileTarget,
  valkeyTargetFromConfig,
} from "../../../../clients/valkey/mod.ts";
import { HostPortPair, RedisRole } from "../../../../types.ts";

Deno.test("RedisTarget.toValkeyTarget() uses bracket-free addresses", () => {
  const t = new RedisTarget({
    addr: HostPortPair.parse("[::1]:6379"),
    password: "pw",
    sentinelPassword: "spw",
    useTls: true,
  });
  assert.deepEqual(t.toValkeyTarget(), {
    addr: "::1:6379",
    password: "pw",
    sentinelPassword: "spw",
    useTls: true,
    tlsSkipVerify: false,
  });
});

Deno.test("RedisTarget.toValkeyTarget() splits a comma-separated sentinel string", () => {
  const t = new RedisTarget({
    sentinel: "a:26379,b:26379, c:26379 ,",
    serviceName: "m",
  });
  assert.deepEqual(t.toValkeyTarget().sentinels, [
    "a:26379",
    "b:26379",
    "c:26379",
  ]);
  assert.equal(t.toValkeyTarget().serviceName, "m");
  const list = new RedisTarget({
    sentinel: [HostPortPair.parse("a:1"), HostPortPair.parse("[::1]:2")],
  });
  assert.deepEqual(list.toValkeyTarget().sentinels, ["a:1", "::1:2"]);
  assert.equal(
    new RedisTarget({ sentinel: "" }).toValkeyTarget().sentinels,
    undefined,
  );
  assert.equal(
    new RedisTarget({ sentinel: [] }).toValkeyTarget().sentinels,
    undefined,
  );
});

Deno.test("RedisTarget defaults TLS flags to false and leaves absent settings out", () => {
  const t = new RedisTarget();
  assert.equal(t.useTls, false);
  assert.equal(t.tlsSkipVerify, false);
  assert.deepEqual(t.toValkeyTarget(), { useTls: false, tlsSkipVerify: false });
});

Deno.test("RedisProfileTarget.profileTarget() returns the override or the base", () => {
  const override = new RedisTarget({ addr: HostPortPair.parse("s:1") });
  const profile = new RedisProfileTarget({
    addr: HostPortPair.parse("base:1"),
    password: "pw",
    overrideTargets: { [RedisRole.STREAM]: override },
  });
  assert.equal(profile.profileTarget(RedisRole.STREAM), override);
  for (const role of Object.values(RedisRole)) {
    if (role === "stream") continue;
    assert.equal(profile.profileTarget(role), profile.baseTarget, role);
  }
  assert.equal(profile.baseTarget.password, "pw");
  assert.equal(new RedisProfileTarget().profileTarget("live").addr, undefined);
});

Deno.test("RedisProfileTarget.fromConfig() reads upstream's address forms and overrides", () => {
  const profile = RedisProfileTarget.fromConfig({
    addr: "redis:6379",
    password: "pw",
    "service-name": "mymaster",
    sentinel: [{ host: "s1", port: 26379 }, "s2:26379"],
    use_tls: true,
    redis_helper_config: { socket_timeout: 5, "connection-ready-timeout": 20 },
    override_configs: {
      bgtask: { addr: ["bg", 6380] },
      live: { addr: { host: "live", port: "6381" }, sentinel: "x:1,y:2" },
    },
  });
  const base = profile.baseTarget;
  assert.equal(base.addr?.address, "redis:6379");
  assert.equal(base.password, "pw");
  assert.equal(base.serviceName, "mymaster");
  assert.equal(base.useTls, true);
  assert.deepEqual(base.redisHelperConfig, {
    socketTimeout: 5,
    connectionReadyTimeout: 20,
  });
  assert.deepEqual(base.toValkeyTarget().sentinels, ["s1:26379", "s2:26379"]);
  assert.equal(profile.profileTarget("bgtask").addr?.address, "bg:6380");
  assert.equal(profile.profileTarget("live").addr?.address, "live:6381");
  assert.deepEqual(profile.profileTarget("live").toValkeyTarget().sentinels, [
    "x:1",
    "y:2",
  ]);
  assert.equal(profile.profileTarget("live").password, undefined);
  assert.equal(profile.profileTarget("image"), base);
});

Deno.test("fromConfig() rejects malformed addresses and mistyped fields, naming the key", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ addr: "redis" }, "addr"],
    [
      { override_configs: { live: { addr: "x:0" } } },
      "override_configs.live.addr",
    ],
    [{ sentinel: "a:1,b" }, "sentinel"],
    [{ sentinel: ["a:1", "b"] }, "sentinel[1]"],
    [{ sentinel: 26379 }, "sentinel"],
    [{ service_name: 1 }, "service_name"],
    [{ "sentinel-password": false }, "sentinel_password"],
    [{ request_timeout: "1s" }, "request_timeout"],
    [{ request_timeout: -1 }, "request_timeout"],
    [{ use_tls: "yes" }, "use_tls"],
    [
      { redis_helper_config: { socket_timeout: "5" } },
      "redis_helper_config.socket_timeout",
    ],
    [{ override_configs: { live: "r:1" } }, "override_configs.live"],
    [{ override_configs: [] }, "override_configs"],
  ];
  for (const [config, field] of cases) {
    for (
      const read of [
        () => RedisProfileTarget.fromConfig(config),
        () => ValkeyProfileTarget.fromConfig(config),
      ]
    ) {
      assert.throws(read, (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, field);
        assert.equal(err.data?.field, field);
        assert.ok(err.message.includes(`"${field}"`), err.message);
        return true;
      });
    }
  }
});

Deno.test("ValkeyProfileTarget.fromConfig() reads each section as valkeyTargetFromConfig() does", () => {
  const config = {
    addr: "redis:6379",
    password: "pw",
    request_timeout: 700,
    override_configs: {
      stream: { sentinel: "s:26379", service_name: "m", "use-tls": true },
      bgtask: {
        addr: ["bg", 6380],
        redis_helper_config: { socket_timeout: 2 },
      },
    },
  };
  const profile = ValkeyProfileTarget.fromConfig(config);
  assert.deepEqual(profile.baseTarget, valkeyTargetFromConfig(config));
  assert.deepEqual(profile.baseTarget, {
    addr: "redis:6379",
    password: "pw",
    requestTimeoutMs: 700,
    useTls: false,
    tlsSkipVerify: false,
  });
  assert.deepEqual(profile.profileTarget(RedisRole.STREAM), {
    sentinels: ["s:26379"],
    serviceName: "m",
    useTls: true,
    tlsSkipVerify: false,
  });
  assert.equal(profile.profileTarget(RedisRole.BGTASK).requestTimeoutMs, 2000);
  assert.equal(profile.profileTarget(RedisRole.LIVE), profile.baseTarget);
  assert.equal(ValkeyProfileTarget.fromConfig({}).overrideTargets, undefined);
});

Deno.test("ValkeyProfileTarget.profileTarget() returns the override or the base", () => {
  const base = { addr: "r:1" };
  const stream = { addr: "s:1", requestTimeoutMs: 500 };
  const profile = new ValkeyProfileTarget(base, { stream });
  assert.equal(profile.profileTarget("stream"), stream);
  assert.equal(profile.profileTarget("bgtask"), base);
  assert.equal(new ValkeyProfileTarget(base).profileTarget("stream"), base);
});

Deno.test("safePrintRedisConfig() masks passwords at the top level and in overrides", () => {
  const config = {
    addr: "redis:6379",
    password: "hunter2",
    sentinel_password: "s3cret",
    override_configs: {
      stream: { addr: "s:6379", password: "p2", "sentinel-password": "p3" },
      live: { addr: "l:6379" },
    },
  };
  const text = safePrintRedisConfig(config);
  for (const secret of ["hunter2", "s3cret", "p2", "p3"]) {
    assert.ok(!text.includes(secret), secret);
  }
  assert.deepEqual(JSON.parse(text), {
    addr: "redis:6379",
    password: REDIS_PASSWORD_MASK,
    sentinel_password: REDIS_PASSWORD_MASK,
    override_configs: {
      stream: {
        addr: "s:6379",
        password: "********",
        "sentinel-password": "********",
      },
      live: { addr: "l:6379" },
    },
  });
  assert.equal(config.password, "hunter2", "input must not be modified");
  assert.equal(config.override_configs.stream.password, "p2");
});

Deno.test("safePrintRedisConfig() leaves absent or null passwords alone", () => {
  assert.deepEqual(
    JSON.parse(safePrintRedisConfig({ addr: "r:1", password: null })),
    {
      addr: "r:1",
      password: null,
    },
  );
  assert.deepEqual(JSON.parse(safePrintRedisConfig({ addr: "r:1" })), {
    addr: "r:1",
  });
});

Deno.test("safePrintRedisConfig() masks RedisTarget and RedisProfileTarget instances", () => {
  const target = new RedisTarget({
    addr: HostPortPair.parse("r:1"),
    password: "pw",
  });
  const t = JSON.parse(safePrintRedisConfig(target));
  assert.equal(t.password, "********");
  assert.deepEqual(t.addr, { host: "r", port: 1 });
  assert.equal(target.password, "pw");
  const profile = new RedisProfileTarget({
    password: "pw",
    sentinelPassword: "spw",
    overrideTargets: { live: new RedisTarget({ password: "lpw" }) },
  });
  const text = safePrintRedisConfig(profile);
  for (const secret of ['"pw"', '"spw"', '"lpw"']) {
    assert.ok(!text.includes(secret), secret);
  }
  const p = JSON.parse(text);
  assert.equal(p.password, "********");
  assert.equal(p.sentinelPassword, "********");
  assert.equal(p.overrideTargets.live.password, "********");
  const valkey = safePrintRedisConfig(
    new ValkeyProfileTarget({ url: "redis://u:pw1@r:6379/4" }, {
      live: { addr: "l:1", password: "pw2" },
    }),
  );
  assert.ok(!valkey.includes("pw1") && !valkey.includes("pw2"), valkey);
  assert.equal(JSON.parse(valkey).url, "redis://u:********@r:6379/4");
});
