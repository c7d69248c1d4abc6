// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// RedisStreamStore's connections and round trips, checked from the server's
// side (CLIENT LIST, MONITOR): an aborted start leaves no reader connection,
// and entries that must be re-read as bytes cost one XRANGE per read, not
// one each. DB 14; needs the halfstack.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import {
  RedisStreamQueue,
  RedisStreamStore,
} from "../../../message_queue/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

const DB = 14;

function target() {
  const env = halfstackEnv();
  return { addr: `${env.redis.host}:${env.redis.port}`, db: DB };
}

async function rawClient(): Promise<Redis> {
  const env = halfstackEnv();
  const redis = new Redis({ ...env.redis, db: DB, lazyConnect: true });
  await redis.connect();
  return redis;
}

/** Connections named `backendai-mq-blocking` on DB 14, from CLIENT LIST. */
async function blockingConnections(raw: Redis): Promise<number> {
  const list = await raw.client("LIST") as string;
  return list.split("\n").filter((line) =>
    / name=backendai-mq-blocking /.test(line) && / db=14 /.test(line)
  ).length;
}

async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

Deno.test("RedisStreamStore: a reader closed while it connects leaves no connection behind", async () => {
  const store = await RedisStreamStore.connect(target(), {
    logger: quietLogger,
  });
  const raw = await rawClient();
  try {
    const before = await blockingConnections(raw);
    for (let i = 0; i < 5; i++) {
      const reader = store.openReader();
      const connecting = reader.connect();
      await reader.close();
      await connecting.catch(() => {});
    }
    await settle(200);
    assert.equal(await blockingConnections(raw), before);
  } finally {
    await store.close();
    await raw.quit();
  }
});

Deno.test("RedisStreamQueue: aborting consumer() during its start leaves no reader connection", async () => {
  const raw = await rawClient();
  await using queue = await RedisStreamQueue.connect(target(), {
    logger: quietLogger,
  });
  try {
    const stream = `abort-${crypto.randomUUID().slice(0, 8)}`;
    const before = await blockingConnections(raw);
    for (const abortAfterMs of [0, 1, 2, 3, 5]) {
      const controller = new AbortController();
      const making = queue.consumer({
        group: "g",
        streams: [stream],
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error("stop")), abortAfterMs);
      await making.then((consumer) => consumer.close(), () => {});
    }
    await settle(300);
    assert.equal(await blockingConnections(raw), before);
    assert.equal(queue.stats.openComponents, 0);
    await raw.del(stream);
  } finally {
    await raw.quit();
  }
});

Deno.test("RedisStreamStore: entries read again as bytes cost one XRANGE per stream and read", async () => {
  const stream = `bytes-${crypto.randomUUID().slice(0, 8)}`;
  const store = await RedisStreamStore.connect(target(), {
    logger: quietLogger,
  });
  const raw = await rawClient();
  const monitor = await rawClient();
  const commands: string[] = [];
  try {
    await store.ensureGroup(stream, "g", "$");
    for (let i = 0; i < 20; i++) {
      await raw.xadd(
        stream,
        "*",
        "name",
        `m${i}`,
        "source",
        "s",
        "payload",
        Buffer.from([0xff, i]) as unknown as string,
      );
    }
    const watching = await monitor.monitor();
    watching.on("monitor", (_time: string, args: string[]) => {
      if (args.includes(stream)) commands.push(args[0]?.toLowerCase() ?? "");
    });
    await settle(50);
    const reader = store.openReader();
    const entries = await reader.read({
      group: "g",
      consumer: "c",
      streams: [stream],
      count: 20,
      blockMs: 100,
    });
    await reader.close();
    await settle(100);
    watching.disconnect();
    assert.equal(entries.length, 20);
    entries.forEach((entry, i) => {
      assert.deepEqual(
        Array.from(entry.fields.payload as Uint8Array),
        [0xff, i],
        "every entry's bytes exact",
      );
    });
    assert.deepEqual(
      commands.filter((c) => c === "xrange"),
      ["xrange"],
      `one XRANGE for the read, not one per entry: ${commands.join(" ")}`,
    );
  } finally {
    await raw.del(stream);
    await store.close();
    await raw.quit();
    monitor.disconnect();
  }
});
