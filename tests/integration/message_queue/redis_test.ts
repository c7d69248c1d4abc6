// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// RedisStreamQueue beyond the conformance suite: the bytes on the wire are
// upstream main's, the configured DB is used, maxLen trims, Sentinel works,
// and a deleted stream does not kill a consumer. Needs the halfstack.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { MessageMetadata } from "../../../data/mod.ts";
import {
  type ConsumedMessage,
  RedisStreamQueue,
} from "../../../message_queue/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

const DB = 13;

function sentinelTarget() {
  const env = halfstackEnv();
  return {
    sentinels: env.sentinels,
    serviceName: env.sentinelMasterName,
    db: DB,
  };
}

async function rawClient(db: number): Promise<Redis> {
  const env = halfstackEnv();
  const redis = new Redis({ ...env.redis, db, lazyConnect: true });
  await redis.connect();
  return redis;
}

Deno.test("RedisStreamQueue via Sentinel: entries, pub/sub messages and cache keys are upstream main's bytes, in the configured DB", async () => {
  const stream = `events-${crypto.randomUUID().slice(0, 8)}`;
  const channel = `${stream}_all`;
  const cacheId = `bgtask.${crypto.randomUUID()}`;
  await using queue = await RedisStreamQueue.connect(sentinelTarget(), {
    nodeId: "wire-test",
    logger: quietLogger,
  });
  const raw = await rawClient(DB);
  const db0 = await rawClient(0);
  const listener = await rawClient(DB);
  try {
    const heard = new Promise<string>((resolve) =>
      listener.on("message", (_channel: string, text: string) => resolve(text))
    );
    await listener.subscribe(channel);
    const metadata = new MessageMetadata({ requestId: "req-9" });
    const id = await queue.anycaster({ stream }).anycast({
      name: "session_started",
      source: "agent-1",
      payload: '{"session_id":"s-1"}',
      metadata,
    });
    const [[entryId, fields]] = await raw.xrange(stream, "-", "+") as [
      [string, string[]],
    ];
    assert.equal(entryId, id);
    assert.deepEqual(fields, [
      "name",
      "session_started",
      "source",
      "agent-1",
      "payload",
      '{"session_id":"s-1"}',
      "metadata",
      '{"request_id":"req-9","user":null,"triggered_user":null}',
    ]);
    assert.equal(await db0.exists(stream), 0, "nothing lands in DB 0");

    await queue.broadcaster({ channel }).broadcastWithCache(cacheId, {
      name: "bgtask_done",
      source: "manager",
      payload: '{"task_id":"t"}',
    });
    const expected =
      '{"name":"bgtask_done","source":"manager","payload":"{\\"task_id\\":\\"t\\"}"}';
    assert.equal(await heard, expected);
    assert.equal(await raw.get(cacheId), expected);
    const ttl = await raw.ttl(cacheId);
    assert.ok(ttl > 290 && ttl <= 300, `TTL ${ttl}`);
    await raw.del(stream, cacheId);
  } finally {
    await Promise.all([raw.quit(), db0.quit(), listener.quit()]);
  }
});

Deno.test("RedisStreamQueue: a stream no group reads is trimmed to about maxLen by the loop", async () => {
  const env = halfstackEnv();
  const stream = `trim-${crypto.randomUUID().slice(0, 8)}`;
  await using queue = await RedisStreamQueue.connect(
    { addr: `${env.redis.host}:${env.redis.port}`, db: DB },
    { maxLen: 100, trimIntervalMs: 50, logger: quietLogger },
  );
  const raw = await rawClient(DB);
  try {
    const anycaster = queue.anycaster({ stream });
    for (let i = 0; i < 10; i++) {
      await anycaster.anycastBatch(
        Array.from({ length: 100 }, (_, n) => ({
          name: "m",
          source: "s",
          payload: String(i * 100 + n),
        })),
      );
    }
    await new Promise((r) => setTimeout(r, 300)); // the loop runs
    const length = await raw.xlen(stream);
    assert.ok(length >= 100 && length < 1000, `XLEN ${length}`);
    await raw.del(stream);
  } finally {
    await raw.quit();
  }
});

Deno.test("RedisStreamQueue: a consumer survives its stream being deleted (NOGROUP) and misses nothing after", async () => {
  const env = halfstackEnv();
  const stream = `nogroup-${crypto.randomUUID().slice(0, 8)}`;
  await using queue = await RedisStreamQueue.connect(
    { addr: `${env.redis.host}:${env.redis.port}`, db: DB },
    { logger: quietLogger },
  );
  const raw = await rawClient(DB);
  try {
    const consumer = await queue.consumer({
      group: "g",
      streams: [stream],
      blockMs: 100,
    });
    const anycaster = queue.anycaster({ stream });
    const seen: ConsumedMessage[] = [];
    const reading = (async () => {
      for await (const message of consumer) {
        seen.push(message);
        await consumer.done(message);
      }
    })();
    await anycaster.anycast({ name: "before", source: "s", payload: "1" });
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 10));
    await raw.del(stream);
    await anycaster.anycast({ name: "after", source: "s", payload: "2" });
    const deadline = Date.now() + 10_000;
    while (seen.length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await consumer.close();
    await reading;
    assert.deepEqual(seen.map((m) => m.name), ["before", "after"]);
    await raw.del(stream);
  } finally {
    await raw.quit();
  }
});
