// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// What the conformance suite does not cover: option checks, trimming,
// several streams per consumer, bare-id acks, and the store's primitives.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  MemoryQueue,
  MemoryStreamStore,
  NoGroupError,
  StreamQueue,
} from "../../../message_queue/mod.ts";
import type { Logger } from "../../../utils.ts";
import { quietLogger } from "../../_logger.ts";

const message = (n: number) => ({
  name: "m",
  source: "test",
  payload: JSON.stringify({ n }),
});

Deno.test("MemoryQueue: out-of-range options are refused with the field named", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  for (
    const [field, options] of [
      ["group", { group: "" }],
      ["streams", { group: "g", streams: [] }],
      ["maxDeliveries", { group: "g", maxDeliveries: 0 }],
      ["idleTimeoutMs", { group: "g", idleTimeoutMs: 1.5 }],
      ["batchSize", { group: "g", batchSize: -1 }],
    ] as const
  ) {
    await assert.rejects(
      queue.consumer(options),
      (err: unknown) =>
        err instanceof InvalidAPIParameters && err.data?.field === field,
    );
  }
  assert.throws(
    () => new MemoryQueue({ maxLen: 0 }),
    (err: unknown) =>
      err instanceof InvalidAPIParameters && err.data?.field === "maxLen",
  );
  assert.throws(
    () => queue.broadcaster({ cacheTtlSeconds: 0 }),
    InvalidAPIParameters,
  );
});

Deno.test("MemoryQueue: one consumer reads several streams; a bare id acks where it is pending", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  const consumer = await queue.consumer({ group: "g", streams: ["a", "b"] });
  await queue.anycaster({ stream: "a" }).anycast(message(1));
  await queue.anycaster({ stream: "b" }).anycast(message(2));
  const seen: string[] = [];
  for await (const msg of consumer) {
    seen.push(`${msg.stream}:${(msg.body as { n: number }).n}`);
    await consumer.done(msg.id);
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen.sort(), ["a:1", "b:2"]);
});

Deno.test("MemoryQueue: entries a hard cap dropped before their ack are reported, and the consumer goes on", async () => {
  const errors: string[] = [];
  const logger: Logger = {
    ...quietLogger,
    error: (message) => errors.push(message),
  };
  await using queue = new MemoryQueue({
    maxLen: 3,
    hardMaxLen: 3,
    trimIntervalMs: 60_000,
    logger,
  });
  const consumer = await queue.consumer({
    group: "g",
    idleTimeoutMs: 20,
    reclaimIntervalMs: 10,
  });
  const anycaster = queue.anycaster();
  await anycaster.anycast(message(0));
  const iterator = consumer.messages();
  const first = await iterator.next(); // delivered, never acked
  assert.equal(first.done, false);
  for (let i = 1; i <= 5; i++) await anycaster.anycast(message(i));
  const [report] = await queue.trimNow();
  assert.equal(report?.dropped, 3);
  assert.deepEqual(
    report?.losses.map((l) => [l.group, l.unread, l.pending]),
    [["g", 2, 1]],
  );
  assert.equal(errors.length, 1, "one error log for the loss");
  await new Promise((r) => setTimeout(r, 30));
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const next = await iterator.next();
    seen.push((next.value as { body: { n: number } }).body.n);
  }
  assert.deepEqual(seen, [3, 4, 5], "0 (pending), 1 and 2 were dropped");
  await iterator.return?.();
});

Deno.test("MemoryStreamStore: trimming stays exact across compactions, and reads and claims see only what is left", async () => {
  const store = new MemoryStreamStore();
  await store.ensureGroup("s", "g", "0");
  const reader = store.openReader();
  const read = (count: number) =>
    reader.read({
      group: "g",
      consumer: "c",
      streams: ["s"],
      count,
      blockMs: 1,
    });
  const [firstId] = await store.add([{ stream: "s", fields: ["n", "0"] }], 3);
  // (add with maxLen trims like XADD MAXLEN, whoever has read what.)
  assert.equal((await read(1)).length, 1, "entry 0 delivered, never acked");
  // Enough adds for several compactions of the trimmed head (every 1024+).
  const ids: string[] = [];
  for (let i = 1; i <= 5000; i++) {
    ids.push(
      ...await store.add([{ stream: "s", fields: ["n", String(i)] }], 3),
    );
  }
  const kept = await store.range("s", 10);
  assert.deepEqual(kept.map((entry) => entry.id), ids.slice(-3));
  assert.deepEqual(kept.map((entry) => entry.fields.n), [
    "4998",
    "4999",
    "5000",
  ]);
  const delivered = await read(10);
  assert.deepEqual(delivered.map((entry) => entry.id), ids.slice(-3));
  const claimed = await store.claimIdle({
    stream: "s",
    group: "g",
    consumer: "c2",
    minIdleMs: 0,
    count: 10,
    cursor: "0-0",
  });
  assert.deepEqual(claimed.deleted, [firstId], "entry 0 was trimmed away");
  assert.deepEqual(claimed.entries.map((entry) => entry.id), ids.slice(-3));
  await store.close();
});

Deno.test("MemoryStreamStore: a read on a missing group throws NoGroupError; reads block until an add", async () => {
  const store = new MemoryStreamStore();
  const reader = store.openReader();
  await assert.rejects(
    reader.read({
      group: "g",
      consumer: "c",
      streams: ["s"],
      count: 1,
      blockMs: 0,
    }),
    NoGroupError,
  );
  await store.ensureGroup("s", "g", "$");
  const started = Date.now();
  const reading = reader.read({
    group: "g",
    consumer: "c",
    streams: ["s"],
    count: 10,
    blockMs: 5000,
  });
  setTimeout(() => store.add([{ stream: "s", fields: ["k", "v"] }], 10), 30);
  const entries = await reading;
  assert.equal(entries.length, 1);
  assert.ok(Date.now() - started < 2000);
  assert.equal(entries[0]?.fields.k, "v");
  // A group created with "0" sees the whole stream.
  await store.ensureGroup("s", "late", "0");
  const all = await reader.read({
    group: "late",
    consumer: "c",
    streams: ["s"],
    count: 10,
    blockMs: 0,
  });
  assert.equal(all.length, 1);
  await reader.close();
  await store.close();
});

Deno.test("MemoryStreamStore: ids grow strictly even within one millisecond", async () => {
  const store = new MemoryStreamStore();
  const ids = await store.add(
    Array.from({ length: 50 }, () => ({ stream: "s", fields: ["k", "v"] })),
    1000,
  );
  const parsed = ids.map((id) => id.split("-").map(Number) as [number, number]);
  for (let i = 1; i < parsed.length; i++) {
    const [pm, ps] = parsed[i - 1] as [number, number];
    const [m, s] = parsed[i] as [number, number];
    assert.ok(m > pm || (m === pm && s > ps), `${ids[i - 1]} !< ${ids[i]}`);
  }
  await store.close();
});

Deno.test("MemoryQueue: an aborted signal cancels making a consumer or a subscriber", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  const reason = new Error("shutting down");
  await assert.rejects(
    queue.consumer({ group: "g", signal: AbortSignal.abort(reason) }),
    /shutting down/,
  );
  await assert.rejects(
    queue.subscriber({ signal: AbortSignal.abort(reason) }),
    /shutting down/,
  );
});

Deno.test("MemoryStreamStore: expired cache entries are swept on later writes, not only on reads", async () => {
  const store = new MemoryStreamStore();
  for (let i = 0; i < 1000; i++) await store.setCache(`error:${i}`, "x", 1);
  await store.publish([{
    channel: "c",
    data: "{}",
    cacheKey: "bgtask.1",
    cacheTtlSeconds: 1,
  }]);
  assert.equal(store.cacheSize, 1001);
  await new Promise((r) => setTimeout(r, 1100));
  await store.setCache("fresh", "y", 60);
  assert.equal(store.cacheSize, 1, "the 1001 expired entries are gone");
  assert.equal(await store.getCache("fresh"), "y");
  await store.close();
});

Deno.test("MemoryQueue: the errors fail() records do not outlive their TTL", async () => {
  const store = new MemoryStreamStore();
  await using queue = new StreamQueue(store, { logger: quietLogger });
  const consumer = await queue.consumer({
    group: "g",
    idleTimeoutMs: 100,
    maxDeliveries: 2,
  });
  await queue.anycaster().anycastBatch(
    Array.from({ length: 50 }, (_, n) => message(n)),
  );
  let failed = 0;
  for await (const msg of consumer) {
    await consumer.fail(msg, new Error("no"));
    if (++failed === 50) break;
  }
  assert.equal(store.cacheSize, 50, "one error key per failed message");
  // TTL: ceil(100 ms × 3 / 1000) + 60 s, so make them old by the clock.
  const realNow = Date.now;
  Date.now = () => realNow() + 62_000;
  try {
    await store.setCache("later", "z", 60);
    assert.equal(store.cacheSize, 1);
  } finally {
    Date.now = realNow;
  }
});
