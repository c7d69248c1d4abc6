// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Proves every halfstack server answers real protocol traffic. Needs
// `deno task halfstack up --cluster`.

import assert from "node:assert/strict";
import { createConnection } from "node:net";
import { Redis } from "ioredis";
import { clusterNodes, halfstackEnv } from "../_halfstack.ts";

function uniqueKey(prefix: string): string {
  return `halfstack-test:${prefix}:${crypto.randomUUID()}`;
}

function redisClient(host: string, port: number): Redis {
  return new Redis({
    host,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
}

Deno.test("halfstack: Redis master SET/GET, the replica has the key and reports role slave", async () => {
  const env = halfstackEnv();
  const master = redisClient(env.redis.host, env.redis.port);
  const replica = redisClient(env.redisReplica.host, env.redisReplica.port);
  try {
    await master.connect();
    await replica.connect();
    const key = uniqueKey("replication");
    assert.equal(await master.set(key, "hello", "EX", 60), "OK");
    assert.equal(await master.get(key), "hello");

    let replicated: string | null = null;
    const deadline = Date.now() + 3000;
    while (replicated === null && Date.now() < deadline) {
      replicated = await replica.get(key);
      if (replicated === null) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    assert.equal(replicated, "hello");

    const role = await replica.role();
    assert.equal(role[0], "slave");
    assert.equal(role[2], env.redis.port);
    assert.equal((await master.role())[0], "master");
    await master.del(key);
  } finally {
    master.disconnect();
    replica.disconnect();
  }
});

Deno.test("halfstack: ioredis through Sentinel finds the master and does SET/GET", async () => {
  const env = halfstackEnv();
  const client = new Redis({
    sentinels: env.sentinels,
    name: env.sentinelMasterName,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    sentinelRetryStrategy: () => null,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    const key = uniqueKey("sentinel");
    assert.equal(await client.set(key, "via-sentinel", "EX", 60), "OK");
    assert.equal(await client.get(key), "via-sentinel");
    assert.equal((await client.role())[0], "master");
    await client.del(key);
  } finally {
    client.disconnect();
  }
});

Deno.test("halfstack: every Sentinel names the master and sees the other Sentinels", async () => {
  const env = halfstackEnv();
  for (const sentinel of env.sentinels) {
    const client = redisClient(sentinel.host, sentinel.port);
    try {
      await client.connect();
      const addr = await client.call(
        "SENTINEL",
        "get-master-addr-by-name",
        env.sentinelMasterName,
      );
      assert.deepEqual(addr, [env.redis.host, String(env.redis.port)]);
      const others = await client.call(
        "SENTINEL",
        "sentinels",
        env.sentinelMasterName,
      );
      assert.ok(Array.isArray(others));
      assert.equal(others.length, env.sentinels.length - 1);
    } finally {
      client.disconnect();
    }
  }
});

Deno.test("halfstack: etcd v3 JSON gateway put and range", async () => {
  const env = halfstackEnv();
  const key = uniqueKey("etcd");
  const value = `value-${crypto.randomUUID()}`;
  const post = async (
    path: string,
    body: unknown,
  ): Promise<Record<string, unknown>> => {
    const response = await fetch(`${env.etcdUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    assert.ok(response.ok, `${path} answered HTTP ${response.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const put = await post("/v3/kv/put", { key: btoa(key), value: btoa(value) });
  assert.ok(put.header !== undefined);

  const range = await post("/v3/kv/range", { key: btoa(key) });
  assert.equal(range.count, "1");
  const kvs = range.kvs as { key: string; value: string }[];
  assert.equal(kvs.length, 1);
  assert.equal(atob(kvs[0]?.key ?? ""), key);
  assert.equal(atob(kvs[0]?.value ?? ""), value);

  const deleted = await post("/v3/kv/deleterange", { key: btoa(key) });
  assert.equal(deleted.deleted, "1");
});

Deno.test("halfstack: NATS greets with INFO that has JetStream enabled", async () => {
  const env = halfstackEnv();
  // node:net rather than Deno.connect: the same test runs under Node and Bun,
  // where the Deno shim's Deno.connect reads the socket with fs.read (EAGAIN).
  const socket = createConnection({ host: env.nats.host, port: env.nats.port });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let received = "";
      const timer = setTimeout(
        () => reject(new Error(`no INFO line within 5 s: ${received}`)),
        5000,
      );
      socket.setEncoding("utf8");
      socket.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on("data", (chunk: string) => {
        received += chunk;
        const end = received.indexOf("\r\n");
        if (end >= 0) {
          clearTimeout(timer);
          resolve(received.slice(0, end));
        }
      });
    });
    assert.match(line, /^INFO \{/);
    const info = JSON.parse(line.slice("INFO ".length)) as {
      jetstream?: boolean;
      port?: number;
    };
    assert.equal(info.jetstream, true);
    assert.equal(info.port, env.nats.port);
  } finally {
    socket.destroy();
  }
});

Deno.test("halfstack: NATS monitoring /jsz answers with JetStream config", async () => {
  const env = halfstackEnv();
  const response = await fetch(`${env.natsMonitorUrl}/jsz`, {
    signal: AbortSignal.timeout(5000),
  });
  const body = await response.json() as {
    config?: { store_dir?: string };
    disabled?: boolean;
  };
  assert.equal(response.status, 200);
  assert.notEqual(body.disabled, true);
  assert.equal(typeof body.config?.store_dir, "string");
});

Deno.test("halfstack: the Redis Cluster serves every slot, three masters with a replica each", async () => {
  const nodes = clusterNodes(halfstackEnv());
  assert.equal(nodes.length, 6);
  const [host = "", port = ""] = (nodes[0] as string).split(":");
  const redis = redisClient(host, Number(port));
  try {
    await redis.connect();
    const info = String(await redis.cluster("INFO"));
    assert.match(info, /cluster_state:ok/);
    assert.match(info, /cluster_slots_assigned:16384/);
    assert.match(info, /cluster_known_nodes:6/);
    const lines = String(await redis.cluster("NODES")).trim().split("\n");
    const masters = lines.filter((line) =>
      / master /.test(line.replace(/myself,/, ""))
    );
    const replicas = lines.filter((line) =>
      / slave /.test(line.replace(/myself,/, ""))
    );
    assert.equal(masters.length, 3, lines.join("\n"));
    assert.equal(replicas.length, 3, lines.join("\n"));
    const masterIds = new Set(masters.map((line) => line.split(" ")[0]));
    for (const line of replicas) {
      assert.ok(
        masterIds.has(line.split(" ")[3]),
        `replica of a master: ${line}`,
      );
    }
  } finally {
    redis.disconnect();
  }
});
