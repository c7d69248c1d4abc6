// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Interop with Python, tested rather than assumed: Debian's /usr/bin/python3
// with python3-msgpack and python3-redis plays an upstream 26.8.x component
// (see _python.ts for what it transcribes from upstream). Both directions,
// both forms (the legacy msgpack tuple of 26.8.x and main's JSON), anycast
// stream entries and broadcast messages: first at the codec for every event
// of the catalogue, then through real Redis (halfstack, DB 15) with the
// producer and the dispatcher. Needs scripts/install_servers.sh and
// `deno task halfstack up`; fails, never skips, without them.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { MessageMetadata } from "../../../data/mod.ts";
import {
  type EventDefinition,
  EventDispatcher,
  EventProducer,
  type EventWireFormat,
} from "../../../events/mod.ts";
import {
  decodeBroadcast,
  decodeStreamFields,
  encodeBroadcast,
  encodeStreamFields,
  type OutgoingMessage,
  RedisStreamQueue,
  type StreamFields,
} from "../../../message_queue/mod.ts";
import { withRequestId } from "../../../contexts/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { fromWire, runPython, startPython, toWire } from "./_python.ts";
import {
  CATALOGUE,
  keyOf,
  LEGACY_REFUSED,
  NOT_IN_26_8,
  sampleOf,
} from "./_samples.ts";

const DB = 15;

/** The events a 26.8 component reads and writes in the legacy form. */
const LEGACY_26_8 = CATALOGUE.filter((definition) =>
  !NOT_IN_26_8.has(keyOf(definition)) && !LEGACY_REFUSED.has(keyOf(definition))
);

interface Problems {
  checked: number;
  problems: string[];
}

function fieldsRecord(flat: readonly (string | Uint8Array)[]): StreamFields {
  const record: Record<string, string | Uint8Array> = {};
  for (let i = 0; i < flat.length; i += 2) {
    record[flat[i] as string] = flat[i + 1] as string | Uint8Array;
  }
  return record;
}

function messageOf(
  definition: EventDefinition<unknown>,
  form: EventWireFormat,
  requestId: string | undefined,
): OutgoingMessage {
  const body = sampleOf(definition);
  return {
    name: definition.name,
    source: "ts-node",
    payload: definition.encode(body),
    metadata: requestId === undefined
      ? undefined
      : new MessageMetadata({ requestId }),
    packedArgs: form === "legacy" ? definition.encodeLegacy(body) : undefined,
  };
}

Deno.test("interop: the Python side knows a 26.8 serialize() for exactly the events 26.8 had", async () => {
  const keys = await runPython("keys", null) as [string, string][];
  assert.deepEqual(
    new Set(keys.map(([name, pattern]) => `${name} (${pattern})`)),
    new Set(LEGACY_26_8.map(keyOf)),
  );
  // Every event of the catalogue has a sample, so none is left out here.
  for (const definition of CATALOGUE) sampleOf(definition);
});

Deno.test("interop: Python reads what we write, byte for byte as it packs itself (legacy), and as JSON (main)", async () => {
  const cases = [];
  for (const definition of CATALOGUE) {
    const key = [definition.name, definition.pattern];
    const body = sampleOf(definition);
    const requestId = `req-${definition.name}`;
    const main = messageOf(definition, "json", requestId);
    cases.push({
      key,
      body,
      form: "main",
      fields: toWire(fieldsRecord(encodeStreamFields(main))),
      broadcast: encodeBroadcast(main),
    });
    if (!LEGACY_26_8.includes(definition)) continue;
    const legacy = messageOf(definition, "legacy", requestId);
    cases.push({
      key,
      body,
      form: "legacy",
      request_id: requestId,
      fields: toWire(fieldsRecord(encodeStreamFields(legacy))),
      broadcast: encodeBroadcast(legacy),
    });
  }
  const result = await runPython("unpack", { cases }) as Problems;
  assert.deepEqual(result.problems, []);
  assert.equal(result.checked, CATALOGUE.length + LEGACY_26_8.length);
});

Deno.test("interop: we read what Python writes, legacy and main, anycast and broadcast", async () => {
  const cases = LEGACY_26_8.map((definition) => ({
    key: [definition.name, definition.pattern],
    body: sampleOf(definition),
    request_id: `req-py-${definition.name}`,
  }));
  const packed = await runPython("pack", { cases }) as {
    legacyFields: unknown;
    legacyBroadcast: string;
    mainFields: unknown;
    mainBroadcast: string;
  }[];
  assert.equal(packed.length, cases.length);
  LEGACY_26_8.forEach((definition, i) => {
    const label = keyOf(definition);
    const out = packed[i];
    assert.ok(out !== undefined, label);
    const body = sampleOf(definition);
    const legacy = decodeStreamFields(
      fromWire(out.legacyFields) as StreamFields,
    );
    assert.ok(legacy.legacyArgs !== undefined, label);
    assert.deepEqual(definition.decode(legacy), body, label);
    assert.equal(legacy.metadata?.requestId, `req-py-${definition.name}`);
    const legacyBroadcast = decodeBroadcast(out.legacyBroadcast);
    assert.deepEqual(definition.decode(legacyBroadcast), body, label);
    const main = decodeStreamFields(fromWire(out.mainFields) as StreamFields);
    assert.deepEqual(definition.decode(main), body, label);
    assert.deepEqual(
      definition.decode(decodeBroadcast(out.mainBroadcast)),
      body,
      label,
    );
  });
});

interface Fixture {
  queue: RedisStreamQueue;
  raw: Redis;
  redis: { host: string; port: number; db: number };
  stream: string;
  channel: string;
}

async function withRedis(body: (fixture: Fixture) => Promise<void>) {
  const env = halfstackEnv();
  const queue = await RedisStreamQueue.connect({
    addr: `${env.redis.host}:${env.redis.port}`,
    db: DB,
  }, { nodeId: "interop-test", logger: quietLogger });
  const raw = new Redis({ ...env.redis, db: DB, lazyConnect: true });
  await raw.connect();
  const tag = crypto.randomUUID().slice(0, 8);
  const stream = `interop-${tag}`;
  try {
    await body({
      queue,
      raw,
      redis: { host: env.redis.host, port: env.redis.port, db: DB },
      stream,
      channel: `interop_all-${tag}`,
    });
  } finally {
    await queue.close();
    await raw.del(stream);
    await raw.quit();
  }
}

const ANYCAST_26_8 = LEGACY_26_8.filter((d) => d.pattern === "anycast");
const BROADCAST_26_8 = LEGACY_26_8.filter((d) => d.pattern === "broadcast");

for (const form of ["legacy", "json"] as const) {
  Deno.test(`interop on Redis (${form}): our producer's stream entries, read by redis-py`, async () => {
    await withRedis(async ({ queue, redis, stream }) => {
      const producer = new EventProducer(queue, {
        source: "ts-agent",
        stream,
        wireFormat: form,
      });
      for (const definition of ANYCAST_26_8) {
        await withRequestId(
          `req-${definition.name}`,
          () => producer.anycast(definition.create(sampleOf(definition))),
        );
      }
      const entries = await runPython("xrange", {
        ...redis,
        stream,
      }) as unknown[];
      assert.equal(entries.length, ANYCAST_26_8.length);
      const result = await runPython("unpack", {
        cases: ANYCAST_26_8.map((definition, i) => ({
          key: [definition.name, definition.pattern],
          body: sampleOf(definition),
          form: form === "legacy" ? "legacy" : "main",
          request_id: `req-${definition.name}`,
          fields: entries[i],
        })),
      }) as Problems;
      assert.deepEqual(result.problems, []);
      await producer.close();
    });
  });

  Deno.test(`interop on Redis (${form}): our broadcasts and cached broadcasts, received by a redis-py subscriber`, async () => {
    await withRedis(async ({ queue, redis, channel }) => {
      const producer = new EventProducer(queue, {
        source: "ts-manager",
        channel,
        wireFormat: form,
      });
      const subscriber = startPython("subscribe", {
        ...redis,
        channel,
        count: BROADCAST_26_8.length,
      });
      assert.equal(await subscriber.nextLine(), "ready");
      // The last event sent under each cache id is what the cache holds.
      const cachedLast = new Map<string, EventDefinition<unknown>>();
      for (const definition of BROADCAST_26_8) {
        const event = definition.create(sampleOf(definition));
        const cacheId = definition.cacheId(event.body);
        if (cacheId !== null) cachedLast.set(cacheId, definition);
        await withRequestId(
          `req-${definition.name}`,
          () =>
            cacheId === null
              ? producer.broadcast(event)
              : producer.broadcastWithCache(event),
        );
      }
      const received = await subscriber.result() as string[];
      const cases = BROADCAST_26_8.map((definition, i) => ({
        key: [definition.name, definition.pattern],
        body: sampleOf(definition),
        form: form === "legacy" ? "legacy" : "main",
        request_id: `req-${definition.name}`,
        broadcast: received[i],
      }));
      assert.ok(cachedLast.size >= 2, "bgtask and scheduling are cached");
      // The cache, as upstream's fetch_cached_broadcast_message reads it.
      for (const [cacheId, definition] of cachedLast) {
        cases.push({
          key: [definition.name, definition.pattern],
          body: sampleOf(definition),
          form: form === "legacy" ? "legacy" : "main",
          request_id: `req-${definition.name}`,
          broadcast: await runPython("get", {
            ...redis,
            key: cacheId,
          }) as string,
        });
      }
      const result = await runPython("unpack", { cases }) as Problems;
      assert.deepEqual(result.problems, []);
      assert.equal(result.checked, BROADCAST_26_8.length + cachedLast.size);
      await producer.close();
    });
  });
}

Deno.test("interop on Redis: what redis-py adds and publishes as 26.8 and as main, our dispatcher handles", async () => {
  await withRedis(async ({ queue, redis, stream, channel }) => {
    const cases = LEGACY_26_8.map((definition) => ({
      key: [definition.name, definition.pattern],
      body: sampleOf(definition),
      request_id: `req-py-${definition.name}`,
    }));
    const packed = await runPython("pack", { cases }) as {
      legacyFields: unknown;
      legacyBroadcast: string;
      mainFields: unknown;
      mainBroadcast: string;
    }[];
    const seen = new Map<string, unknown[]>();
    const record = (key: string, body: unknown) =>
      void seen.set(key, [...seen.get(key) ?? [], body]);
    const dispatcher = new EventDispatcher(queue, {
      group: "manager",
      consumer: { streams: [stream] },
      channels: [channel],
      logger: quietLogger,
    });
    for (const definition of ANYCAST_26_8) {
      dispatcher.consume(
        definition,
        (_c, _s, body) => record(keyOf(definition), body),
      );
    }
    for (const definition of BROADCAST_26_8) {
      dispatcher.subscribe(
        definition,
        (_c, _s, body) => record(keyOf(definition), body),
      );
    }
    await dispatcher.start();
    const entries: unknown[] = [];
    const messages: string[] = [];
    LEGACY_26_8.forEach((definition, i) => {
      const out = packed[i];
      if (out === undefined) throw new Error(keyOf(definition));
      if (definition.pattern === "anycast") {
        entries.push(out.legacyFields, out.mainFields);
      } else {
        messages.push(out.legacyBroadcast, out.mainBroadcast);
      }
    });
    await runPython("xadd", { ...redis, stream, entries });
    await runPython("publish", { ...redis, channel, messages });
    const deadline = Date.now() + 15_000;
    const done = () =>
      LEGACY_26_8.every((definition) =>
        (seen.get(keyOf(definition))?.length ?? 0) >= 2
      );
    while (!done() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const definition of LEGACY_26_8) {
      const body = sampleOf(definition);
      assert.deepEqual(
        seen.get(keyOf(definition)),
        [body, body],
        keyOf(definition),
      );
    }
    await dispatcher.close();
  });
});
