// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  DispatchResult,
  QuotaScopeId,
  REDIS_PASSWORD_MASK,
  RedisProfileTarget,
  RedisTarget,
  safePrintRedisConfig,
  ValkeyProfileTarget,
  VFolderId,
} from "../../../_types/misc.ts";
import {
  HostPortPair,
  InvalidHostPortPairError,
} from "../../../_types/host_port.ts";
import { InvalidIdentifierError } from "../../../_types/ids.ts";
import { RedisRole } from "../../../_types/defs.ts";

const U1 = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const H1 = "3f2504e04f8941d39a0c0305e82c3301";
const U2 = "01234567-89ab-cdef-0123-456789abcdef";
const H2 = "0123456789abcdef0123456789abcdef";

Deno.test("QuotaScopeId.parse() reads {user|project}:{uuid} with a case-insensitive type", () => {
  for (
    const [text, type] of [
      [`user:${U1}`, "user"],
      [`PROJECT:${H1}`, "project"],
      [`User:${U1.toUpperCase()}`, "user"],
    ]
  ) {
    const qs = QuotaScopeId.parse(text!);
    assert.equal(qs.scopeType, type);
    assert.equal(qs.scopeId, U1);
    assert.equal(qs.pathname, H1);
    assert.equal(qs.toString(), `${type}:${U1}`);
    assert.equal(JSON.stringify(qs), JSON.stringify(`${type}:${U1}`));
  }
});

Deno.test("QuotaScopeId rejects unknown types and bad UUIDs with InvalidIdentifierError", () => {
  for (
    const text of [
      `domain:${U1}`,
      U1,
      `user:`,
      `user:${U1}x`,
      `user ${U1}`,
      "",
      `:${U1}`,
    ]
  ) {
    assert.throws(() => QuotaScopeId.parse(text), (err: unknown) => {
      assert.ok(err instanceof InvalidIdentifierError);
      assert.equal(err.data?.kind, "QuotaScopeId");
      assert.equal(err.status, 400);
      return true;
    }, text);
  }
  assert.throws(
    () => new QuotaScopeId("group" as "user", U1),
    InvalidIdentifierError,
  );
  assert.throws(() => new QuotaScopeId("user", "nope"), InvalidIdentifierError);
});

Deno.test("QuotaScopeId.equals() compares type and UUID", () => {
  const a = new QuotaScopeId("user", U1);
  assert.ok(a.equals(QuotaScopeId.parse(`user:${H1}`)));
  assert.ok(!a.equals(new QuotaScopeId("project", U1)));
  assert.ok(!a.equals(new QuotaScopeId("user", U2)));
});

Deno.test("VFolderId.toString() is {quota_scope_id}/{hex} or {hex}", () => {
  assert.equal(
    new VFolderId(new QuotaScopeId("user", U1), U2).toString(),
    `user:${U1}/${H2}`,
  );
  assert.equal(
    new VFolderId(`project:${U1}`, H2).toString(),
    `project:${U1}/${H2}`,
  );
  assert.equal(new VFolderId(null, U2).toString(), H2);
  assert.equal(new VFolderId(undefined, U2.toUpperCase()).toString(), H2);
  assert.equal(JSON.stringify(new VFolderId(null, U2)), JSON.stringify(H2));
});

Deno.test("VFolderId.fromString() is the inverse of toString()", () => {
  for (const text of [`user:${U1}/${H2}`, `project:${U1}/${H2}`, H2]) {
    const vfid = VFolderId.fromString(text);
    assert.equal(vfid.toString(), text);
    assert.equal(vfid.folderId, U2);
    assert.ok(VFolderId.fromString(vfid.toString()).equals(vfid));
  }
  const scoped = VFolderId.fromString(`user:${U1}/${H2}`);
  assert.equal(scoped.quotaScopeId?.scopeType, "user");
  assert.equal(scoped.quotaScopeId?.scopeId, U1);
  assert.equal(VFolderId.fromString(H2).quotaScopeId, undefined);
});

Deno.test("VFolderId.fromString() also accepts dashed folder UUIDs and upstream's trailing slash", () => {
  assert.equal(
    VFolderId.fromString(`user:${U1}/${U2}`).toString(),
    `user:${U1}/${H2}`,
  );
  assert.equal(VFolderId.fromString(`${H2}/`).toString(), H2);
});

Deno.test("VFolderId.fromString() rejects malformed text", () => {
  for (
    const text of [
      "",
      "nope",
      `user:${U1}`,
      `group:${U1}/${H2}`,
      `user:${U1}/nope`,
      `/${H2}`,
    ]
  ) {
    assert.throws(
      () => VFolderId.fromString(text),
      InvalidIdentifierError,
      text,
    );
  }
});

Deno.test("VFolderId.equals() compares the quota scope and the folder", () => {
  const a = VFolderId.fromString(`user:${U1}/${H2}`);
  assert.ok(a.equals(new VFolderId(`USER:${H1}`, U2)));
  assert.ok(!a.equals(new VFolderId(null, U2)));
  assert.ok(!new VFolderId(null, U2).equals(a));
  assert.ok(!a.equals(new VFolderId(`project:${U1}`, U2)));
  assert.ok(new VFolderId(null, U2).equals(new VFolderId(undefined, H2)));
});

Deno.test("DispatchResult.message() follows upstream's three cases", () => {
  assert.equal(DispatchResult.success("done").message(), "done");
  assert.equal(DispatchResult.success(7).message(), "7");
  assert.equal(
    DispatchResult.partialSuccess("r", ["e1", "e2"]).message(),
    "result: r\nerrors: e1\ne2",
  );
  assert.equal(DispatchResult.error("e1").message(), "errors: e1");
  assert.equal(
    new DispatchResult({ errors: ["a", "b"] }).message(),
    "errors: a\nb",
  );
  assert.equal(
    new DispatchResult<string>({
      result: null as unknown as string,
      errors: ["x"],
    }).message(),
    "errors: x",
  );
  assert.equal(
    DispatchResult.partialSuccess(0, ["x"]).message(),
    "result: 0\nerrors: x",
  );
});

Deno.test("DispatchResult.isSuccess() depends only on errors", () => {
  assert.equal(new DispatchResult().isSuccess(), true);
  assert.equal(new DispatchResult().result, undefined);
  assert.deepEqual(new DispatchResult().errors, []);
  assert.equal(DispatchResult.success(undefined).isSuccess(), true);
  assert.equal(DispatchResult.partialSuccess(1, []).isSuccess(), true);
  assert.equal(DispatchResult.partialSuccess(1, ["e"]).hasError(), true);
  assert.equal(DispatchResult.error("e").result, undefined);
});

Deno.test("DispatchResult copies and freezes its error list", () => {
  const errors = ["a"];
  const r = DispatchResult.partialSuccess(1, errors);
  errors.push("b");
  assert.deepEqual(r.errors, ["a"]);
  assert.ok(Object.isFrozen(r.errors));
});

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
  assert.deepEqual(t.toValkeyTarget().sentinel, [
    "a:26379",
    "b:26379",
    "c:26379",
  ]);
  assert.equal(t.toValkeyTarget().serviceName, "m");
  const list = new RedisTarget({
    sentinel: [HostPortPair.parse("a:1"), HostPortPair.parse("[::1]:2")],
  });
  assert.deepEqual(list.toValkeyTarget().sentinel, ["a:1", "::1:2"]);
  assert.equal(
    new RedisTarget({ sentinel: "" }).toValkeyTarget().sentinel,
    undefined,
  );
  assert.equal(
    new RedisTarget({ sentinel: [] }).toValkeyTarget().sentinel,
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
  assert.deepEqual(base.toValkeyTarget().sentinel, ["s1:26379", "s2:26379"]);
  assert.equal(profile.profileTarget("bgtask").addr?.address, "bg:6380");
  assert.equal(profile.profileTarget("live").addr?.address, "live:6381");
  assert.deepEqual(profile.profileTarget("live").toValkeyTarget().sentinel, [
    "x:1",
    "y:2",
  ]);
  assert.equal(profile.profileTarget("live").password, undefined);
  assert.equal(profile.profileTarget("image"), base);
});

Deno.test("RedisProfileTarget.fromConfig() rejects malformed addresses", () => {
  assert.throws(
    () => RedisProfileTarget.fromConfig({ addr: "redis" }),
    InvalidHostPortPairError,
  );
  assert.throws(
    () =>
      RedisProfileTarget.fromConfig({
        override_configs: { live: { addr: "x:0" } },
      }),
    InvalidHostPortPairError,
  );
});

Deno.test("ValkeyProfileTarget.profileTarget() returns the override or the base", () => {
  const base = { addr: "r:1" };
  const stream = { addr: "s:1", requestTimeout: 500 };
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
});
