// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// RedisServiceDiscovery against the halfstack's Redis master (DB 0, as
// upstream's default), each test under a key prefix of its own.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Redis } from "ioredis";
import {
  createServiceMetadata,
  RedisServiceDiscovery,
} from "../../../service_discovery/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { serviceDiscoverySuite } from "../../conformance/service_discovery_suite.ts";
import { PYTHON } from "./_python.ts";
import { until } from "./_shared.ts";

function redisAddr(): string {
  const { redis } = halfstackEnv();
  return `${redis.host}:${redis.port}`;
}

function prefix(name: string): string {
  return `test_sd_${name}_${crypto.randomUUID().slice(0, 8)}`;
}

async function dropPrefix(redis: Redis, keyPrefix: string): Promise<void> {
  const keys = await redis.keys(`${keyPrefix}.*`);
  if (keys.length > 0) await redis.del(...keys);
}

Deno.test("RedisServiceDiscovery passes the service discovery suite", async (t) => {
  const redis = new Redis(
    Number(redisAddr().split(":")[1]),
    redisAddr().split(":")[0] as string,
  );
  const prefixes: string[] = [];
  try {
    await serviceDiscoverySuite(t, {
      make: async () => {
        const keyPrefix = prefix("suite");
        prefixes.push(keyPrefix);
        return await RedisServiceDiscovery.connect({
          target: { addr: redisAddr() },
          prefix: keyPrefix,
          logger: quietLogger,
        });
      },
    });
  } finally {
    for (const keyPrefix of prefixes) await dropPrefix(redis, keyPrefix);
    await redis.quit();
  }
});

Deno.test("a Redis registration is upstream's hash with a TTL, and expires with it", async () => {
  const redis = new Redis(
    Number(redisAddr().split(":")[1]),
    redisAddr().split(":")[0] as string,
  );
  const keyPrefix = prefix("hash");
  try {
    await using discovery = new RedisServiceDiscovery(redis, {
      prefix: keyPrefix,
      ttlSeconds: 1,
      logger: quietLogger,
    });
    const meta = createServiceMetadata({
      displayName: "web-1",
      serviceGroup: "webserver",
      version: "26.8.1",
      endpoint: {
        address: "10.0.0.7",
        port: 8090,
        protocol: "http",
        prometheusAddress: "10.0.0.7:8090",
      },
      healthStatus: {
        registrationTime: 1733555000,
        lastHeartbeat: 1733555000.5,
      },
      labels: { zone: "a" },
    });
    await discovery.register(meta);
    const key = `${keyPrefix}.webserver.${meta.id}`;
    assert.deepEqual(await redis.hgetall(key), {
      id: JSON.stringify(meta.id),
      display_name: '"web-1"',
      service_group: '"webserver"',
      version: '"26.8.1"',
      endpoint:
        '{"address":"10.0.0.7","port":8090,"protocol":"http","prometheus_address":"10.0.0.7:8090"}',
      health_status:
        '{"registration_time":1733555000.0,"last_heartbeat":1733555000.5}',
      labels: '{"zone":"a"}',
    });
    const ttl = await redis.ttl(key);
    assert.ok(ttl > 0 && ttl <= 1, `ttl ${ttl}`);
    // Debian's python3-redis reads it as upstream's _hget_json does.
    const python = await new Promise<string>((resolve, reject) => {
      const script = [
        "import json, sys, redis",
        "host, port, key = sys.argv[1:4]",
        "raw = redis.Redis(host=host, port=int(port), db=0).hgetall(key)",
        "d = {k.decode(): json.loads(v) for k, v in raw.items()}",
        "print(json.dumps([d['id'], d['endpoint']['port'], d['health_status']['registration_time'], d['labels']]))",
      ].join("\n");
      const [host, port] = redisAddr().split(":");
      const child = spawn(PYTHON, [
        "-c",
        script,
        host as string,
        port as string,
        key,
      ]);
      let out = "";
      let err = "";
      child.stdout.on("data", (c) => (out += c));
      child.stderr.on("data", (c) => (err += c));
      child.once("error", reject);
      child.once(
        "exit",
        (code) => code === 0 ? resolve(out) : reject(new Error(err)),
      );
    });
    assert.deepEqual(JSON.parse(python), [meta.id, 8090, 1733555000, {
      zone: "a",
    }]);
    await until(async () => (await discovery.discover()).length === 0, 5_000);
  } finally {
    await dropPrefix(redis, keyPrefix);
    await redis.quit();
  }
});
