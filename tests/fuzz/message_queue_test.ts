// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated malformed anycast entries and broadcast frames: rejected by the
// codec with a typed error, and, written raw into the shared halfstack's
// Redis in front of the real consumer and subscriber, each dead-lettered
// exactly once with its fields intact, while a valid message sent after the
// garbage is still handled. Seeded: see tests/fuzz/_gen.ts.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { BackendAIError } from "../../exception.ts";
import {
  type ConsumedMessage,
  DEAD_LETTER_SUFFIX,
  decodeBroadcast,
  decodeStreamFields,
  InvalidMessagePayloadError,
  RedisStreamQueue,
} from "../../message_queue/mod.ts";
import { halfstackEnv } from "../_halfstack.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { capturingLogger } from "./_capture.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";
import {
  badAnycastEntry,
  badBroadcastFrame,
  bytesOf,
  fieldsOf,
  hugeValue,
  type WireValue,
} from "./_wire.ts";

// Not 9 or 10: the benchmarks flush those.
const DB = 8;
const CODE = "message-queue_read_invalid-data-format";

function wire(value: WireValue): string | Buffer {
  return typeof value === "string" ? value : Buffer.from(value);
}

async function rawClient(): Promise<Redis> {
  const { redis } = halfstackEnv();
  const client = new Redis({ ...redis, db: DB, lazyConnect: true });
  await client.connect();
  return client;
}

async function connectQueue(
  logger = capturingLogger(),
): Promise<RedisStreamQueue> {
  const { redis } = halfstackEnv();
  return await RedisStreamQueue.connect(
    { addr: `${redis.host}:${redis.port}`, db: DB },
    { logger, nodeId: "fuzz" },
  );
}

/** Asserts `err` is the codec's typed rejection; returns whether it was. */
function checkRejection(f: Fuzz, kind: string, err: unknown): void {
  if (!(err instanceof InvalidMessagePayloadError)) {
    f.fail(
      `${kind}: expected InvalidMessagePayloadError, got ${
        err instanceof Error ? `${err.name}: ${err.message}` : String(err)
      }`,
    );
  }
  assert.equal(String(err.errorCode()), CODE, f.where(kind));
  assert.ok(err instanceof BackendAIError, f.where(kind));
  const field = kind.includes(":") ? kind.slice(kind.indexOf(":") + 1) : "";
  if (["name", "source", "payload", "metadata"].includes(field)) {
    assert.equal(err.data?.field, field, f.where(`${kind}: ${err.message}`));
  }
}

async function waitUntil(
  what: string,
  done: () => boolean | Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test("fuzz: the codec rejects every malformed anycast entry and broadcast frame with a typed error", async () => {
  const cases = fuzzCases("stream-decode");
  const f = fuzz("stream-decode");
  let crashes = 0;
  const kinds = new Map<string, number>();
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const anycast = i % 2 === 0;
    const bad = anycast ? badAnycastEntry(f) : undefined;
    const frame = anycast ? undefined : badBroadcastFrame(f);
    const kind = `${anycast ? "anycast" : "broadcast"} ${
      bad?.kind ?? frame?.kind
    }`;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    try {
      if (bad !== undefined) decodeStreamFields(fieldsOf(bad.flat));
      else decodeBroadcast((frame as { data: WireValue }).data);
    } catch (err) {
      try {
        checkRejection(f, kind, err);
      } catch (failure) {
        crashes++;
        throw failure;
      }
      continue;
    }
    crashes++;
    f.fail(`${kind}: accepted`);
  }
  assert.ok(kinds.size >= 20, `only ${kinds.size} kinds of bad input`);
  await reportFaultFigures({
    kind: "fuzz",
    name: "stream-decode",
    cases,
    crashes,
  });
});

/**
 * Writes `cases` generated bad entries raw into a new stream, then one valid
 * entry, in front of a real consumer; checks that only the valid one is
 * handled and every bad one is dead-lettered once, fields intact.
 */
async function fuzzConsumer(
  name: string,
  cases: number,
  generate: (f: Fuzz) => { kind: string; flat: WireValue[] },
): Promise<void> {
  const f = fuzz(name);
  const stream = `fuzz-${crypto.randomUUID().slice(0, 8)}`;
  const logger = capturingLogger();
  const raw = await rawClient();
  const queue = await connectQueue(logger);
  try {
    const consumer = await queue.consumer({
      group: "fuzz",
      streams: [stream],
      startFrom: "beginning",
      blockMs: 200,
    });
    const sent: { id: string; kind: string; flat: WireValue[] }[] = [];
    for (let start = 0; start < cases; start += 100) {
      const pipeline = raw.pipeline();
      const batch: { kind: string; flat: WireValue[] }[] = [];
      for (let i = start; i < Math.min(cases, start + 100); i++) {
        f.caseIndex = i;
        const bad = generate(f);
        batch.push(bad);
        pipeline.xadd(stream, "*", ...bad.flat.map(wire));
      }
      const results = await pipeline.exec();
      for (const [i, [err, id]] of (results ?? []).entries()) {
        assert.equal(err, null);
        sent.push({ ...(batch[i] as typeof batch[0]), id: id as string });
      }
    }
    const validId = await raw.xadd(
      stream,
      "*",
      "name",
      "fuzz_valid",
      "source",
      "fuzz",
      "payload",
      '{"ok":true}',
    );
    const handled: ConsumedMessage[] = [];
    const reading = (async () => {
      for await (const message of consumer) {
        handled.push(message);
        await consumer.done(message);
        if (message.id === validId) return;
      }
    })();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      reading,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(f.where("the valid message was not handled"))),
          90_000,
        );
      }),
    ]).finally(() => {
      clearTimeout(timer);
      return consumer.close();
    });
    await reading;
    assert.deepEqual(
      handled.map((message) => message.id),
      [validId],
      f.where("only the valid message reached the handler"),
    );

    // Every bad entry is in the dead-letter stream, once, with its fields.
    const dlq = stream + DEAD_LETTER_SUFFIX;
    assert.equal(await raw.xlen(dlq), cases, f.where("dead letters"));
    const byId = new Map(sent.map((entry) => [entry.id, entry]));
    let deadLettered = 0;
    const letters = await queue.deadLetters(stream, { count: cases });
    for (const letter of letters) {
      const original = byId.get(letter.originalId);
      assert.ok(original, `dead letter of unknown id ${letter.originalId}`);
      byId.delete(letter.originalId);
      deadLettered++;
      assert.match(
        letter.error,
        /^InvalidMessagePayloadError: /,
        f.where(`${original.kind}: ${letter.error}`),
      );
      const sentFields = fieldsOf(original.flat);
      assert.deepEqual(
        Object.keys(letter.fields).sort(),
        Object.keys(sentFields).sort(),
        f.where(`${original.kind}: the dead letter keeps every field`),
      );
      for (const [key, value] of Object.entries(sentFields)) {
        const kept = letter.fields[key];
        assert.ok(kept !== undefined, f.where(`field ${key} kept`));
        assert.deepEqual(
          bytesOf(kept),
          bytesOf(value),
          f.where(`${original.kind}: field ${key} kept byte for byte`),
        );
      }
    }
    assert.equal(byId.size, 0, "every bad entry was dead-lettered");
    assert.equal(
      (await raw.xpending(stream, "fuzz") as [number])[0],
      0,
      "nothing left pending",
    );
    assert.equal(
      logger.lines.filter((line) => line.level === "error").length,
      0,
      logger.text(),
    );
    await reportFaultFigures({
      kind: "fuzz",
      name,
      cases,
      crashes: 0,
      sent: cases + 1,
      handled: handled.length,
      deadLettered,
      lost: cases - deadLettered,
    });
  } finally {
    await raw.del(stream, stream + DEAD_LETTER_SUFFIX);
    await queue.close();
    await raw.quit();
  }
}

Deno.test("fuzz: a Redis consumer dead-letters every malformed entry intact and still handles the valid one after", async () => {
  await fuzzConsumer(
    "stream-consumer",
    fuzzCases("stream-consumer"),
    (f) => badAnycastEntry(f, 0),
  );
});

Deno.test({
  name:
    "fuzz: a Redis consumer dead-letters huge malformed entries (512 KiB fields) intact",
  // Huge entries read back as bytes make ioredis's parser (redis-parser)
  // grow its module-wide buffer pool and start an interval that shrinks it
  // for a second or two after the test: not ours, shared by every
  // connection, so the sanitizers are off for this test only.
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await fuzzConsumer("stream-consumer-huge", 16, (f) => {
      const bad = badAnycastEntry(f, 0);
      return { kind: bad.kind, flat: [...bad.flat, "huge", hugeValue(f)] };
    });
  },
});

Deno.test("fuzz: a Redis subscriber dead-letters every malformed broadcast and still receives the valid one after", async () => {
  const cases = fuzzCases("broadcast-subscriber");
  const f = fuzz("broadcast-subscriber");
  const channel = `fuzz-${crypto.randomUUID().slice(0, 8)}_all`;
  const logger = capturingLogger();
  const raw = await rawClient();
  const queue = await connectQueue(logger);
  try {
    const subscriber = await queue.subscriber({ channels: [channel] });
    const frames: WireValue[] = [];
    for (let start = 0; start < cases; start += 100) {
      const pipeline = raw.pipeline();
      for (let i = start; i < Math.min(cases, start + 100); i++) {
        f.caseIndex = i;
        const frame = badBroadcastFrame(f, 0);
        frames.push(frame.data);
        pipeline.publish(channel, wire(frame.data));
      }
      for (const [err, receivers] of (await pipeline.exec()) ?? []) {
        assert.equal(err, null);
        assert.equal(receivers, 1, "the subscriber is subscribed");
      }
    }
    await raw.publish(
      channel,
      '{"name":"fuzz_valid","source":"fuzz","payload":"{}"}',
    );
    const received: string[] = [];
    const timeout = AbortSignal.timeout(90_000);
    for await (const message of subscriber.messages({ signal: timeout })) {
      received.push(message.name);
      if (message.name === "fuzz_valid") break;
    }
    assert.deepEqual(received, ["fuzz_valid"], f.where("only the valid one"));
    await subscriber.close();
    const dlq = channel + DEAD_LETTER_SUFFIX;
    // The subscriber adds its dead letters without waiting for them.
    await waitUntil(
      "broadcast dead letters",
      async () => await raw.xlen(dlq) >= cases,
    );
    assert.equal(await raw.xlen(dlq), cases, f.where("dead letters"));
    const letters = await queue.deadLetters(channel, { count: cases });
    for (const [i, letter] of letters.entries()) {
      f.caseIndex = i;
      assert.match(letter.error, /^InvalidMessagePayloadError: /, f.where(""));
      const kept = letter.fields.data;
      assert.ok(kept !== undefined, f.where("the frame is kept"));
      assert.deepEqual(
        bytesOf(kept),
        bytesOf(frames[i] as WireValue),
        f.where("the frame is kept byte for byte, in order"),
      );
    }
    assert.equal(
      logger.lines.filter((line) => line.level === "error").length,
      0,
      logger.text(),
    );
    await reportFaultFigures({
      kind: "fuzz",
      name: "broadcast-subscriber",
      cases,
      crashes: 0,
      sent: cases + 1,
      handled: received.length,
      deadLettered: letters.length,
      lost: cases - letters.length,
    });
  } finally {
    await raw.del(channel + DEAD_LETTER_SUFFIX);
    await queue.close();
    await raw.quit();
  }
});
