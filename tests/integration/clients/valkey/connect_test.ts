// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The Valkey connection factory against the halfstack: standalone, Sentinel,
// the ROLE health check on a replica, and the errors. Needs the halfstack.

import assert from "node:assert/strict";
import {
  checkValkeyHealth,
  closeValkey,
  connectValkey,
  RedisProfileTarget,
  ValkeyConnectionError,
  ValkeyProfileTarget,
  ValkeyRoleMismatchError,
  ValkeySentinelMasterNotFound,
} from "../../../../clients/valkey/mod.ts";
import { RedisRole } from "../../../../types.ts";
import { halfstackEnv } from "../../../_halfstack.ts";

Deno.test("connectValkey: standalone with a db, and the health check PINGs", async () => {
  const env = halfstackEnv();
  const target = { addr: `${env.redis.host}:${env.redis.port}`, db: 12 };
  const redis = await connectValkey(target, { name: "valkey-test" });
  try {
    await checkValkeyHealth(redis, target);
    const key = `valkey-test:${crypto.randomUUID()}`;
    await redis.set(key, "1", "EX", 30);
    assert.match(await redis.client("INFO") as string, /db=12/);
    assert.match(await redis.client("INFO") as string, /name=valkey-test/);
    await redis.del(key);
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: through Sentinel it reaches the master, ROLE says master", async () => {
  const env = halfstackEnv();
  const target = {
    sentinels: env.sentinels.map((s) => `${s.host}:${s.port}`).join(","),
    serviceName: env.sentinelMasterName,
    db: 12,
  };
  const redis = await connectValkey(target);
  try {
    await checkValkeyHealth(redis, target);
    const role = await redis.role() as unknown[];
    assert.equal(role[0], "master");
  } finally {
    await closeValkey(redis);
  }
});

Deno.test("connectValkey: upstream's Sentinel configuration reaches the master with its timeout", async () => {
  const env = halfstackEnv();
  // As a Python component's TOML or etcd holds it, the replica address in
  // `addr` a decoy: the Sentinels must win, as they do upstream.
  const config = {
    addr: `${env.redisReplica.host}:${env.redisReplica.port}`,
    sentinel: env.sentinels.map((s) => `${s.host}:${s.port}`).join(","),
    service_name: env.sentinelMasterName,
    request_timeout: 1500,
  };
  for (
    const target of [
      ValkeyProfileTarget.fromConfig(config).profileTarget(RedisRole.STREAM),
      RedisProfileTarget.fromConfig(config).profileTarget(RedisRole.STREAM)
        .toValkeyTarget(),
    ]
  ) {
    assert.equal(target.requestTimeoutMs, 1500);
    const redis = await connectValkey({ ...target, db: 12 });
    try {
      await checkValkeyHealth(redis, target);
      assert.equal((await redis.role() as unknown[])[0], "master");
      // WAIT for two replicas (the halfstack has one) blocks this client for
      // 1.8 s on the server; the 1 500 ms timeout gives up first.
      const started = performance.now();
      await assert.rejects(redis.call("WAIT", 2, 1800), /Command timed out/);
      const ms = performance.now() - started;
      assert.ok(ms >= 1490 && ms < 1800, `timed out after ${ms} ms`);
    } finally {
      await closeValkey(redis);
    }
  }
});

Deno.test("checkValkeyHealth: a replica behind a Sentinel target fails with ValkeyRoleMismatchError", async () => {
  const env = halfstackEnv();
  const replica = await connectValkey({
    addr: `${env.redisReplica.host}:${env.redisReplica.port}`,
  });
  try {
    await assert.rejects(
      checkValkeyHealth(replica, {
        sentinels: env.sentinels,
        serviceName: env.sentinelMasterName,
      }),
      (err: unknown) =>
        err instanceof ValkeyRoleMismatchError && err.status === 503 &&
        err.data?.role === "slave",
    );
  } finally {
    await closeValkey(replica);
  }
});

Deno.test("connectValkey: a closed port gives ValkeyConnectionError within the timeout", async () => {
  const started = Date.now();
  await assert.rejects(
    connectValkey({ addr: "127.0.0.1:1" }, { connectTimeoutMs: 500 }),
    ValkeyConnectionError,
  );
  assert.ok(Date.now() - started < 3000);
});

Deno.test("connectValkey: an unknown Sentinel master name gives ValkeySentinelMasterNotFound", async () => {
  const env = halfstackEnv();
  await assert.rejects(
    connectValkey(
      { sentinels: env.sentinels, serviceName: "no-such-master" },
      { connectTimeoutMs: 1500 },
    ),
    ValkeySentinelMasterNotFound,
  );
});
