// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated bad events in front of a real EventDispatcher on the shared
// halfstack's Redis: entries the queue cannot decode and well-formed entries
// whose body breaks the event's schema (wrong types, missing fields, not an
// object). The handler never sees one, each is dead-lettered once, and a
// valid event sent after the garbage is handled. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { z } from "zod";
import {
  defineEvent,
  EventDispatcher,
  EventDomain,
  EventPayloadDecodingError,
} from "../../events/mod.ts";
import {
  DEAD_LETTER_SUFFIX,
  RedisStreamQueue,
} from "../../message_queue/mod.ts";
import { halfstackEnv } from "../_halfstack.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { capturingLogger } from "./_capture.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";
import { badAnycastEntry, type WireValue } from "./_wire.ts";

// Not 9 or 10: the benchmarks flush those.
const DB = 8;

const FuzzProbe = defineEvent({
  name: "fuzz_probe",
  domain: EventDomain.BGTASK,
  pattern: "anycast",
  schema: z.object({
    id: z.string(),
    count: z.number().int(),
    tags: z.array(z.string()),
  }),
});

/** A body that breaks FuzzProbe's schema, and how. */
function badBody(f: Fuzz): { kind: string; body: unknown } {
  const body: Record<string, unknown> = {
    id: f.text(6),
    count: f.int(100),
    tags: [f.word()],
  };
  switch (f.int(5)) {
    case 0:
      return {
        kind: "not-object",
        body: f.pick([[1, 2], "text", 5, null, true, []]),
      };
    case 1: {
      const field = f.pick(["id", "count", "tags"]);
      delete body[field];
      return { kind: `missing:${field}`, body };
    }
    case 2:
      body.id = f.pick([5, null, true, { a: 1 }, ["x"]]);
      return { kind: "wrong-type:id", body };
    case 3:
      body.count = f.pick([1.5, "5", null, -0.1, "inf", [], 2 ** 80 + 0.5]);
      return { kind: "wrong-type:count", body };
    default:
      body.tags = f.pick([
        "tag",
        [1],
        [null],
        { 0: "a" },
        [f.word(), 5],
      ]);
      return { kind: "wrong-type:tags", body };
  }
}

Deno.test("fuzz: an EventDispatcher dead-letters every undecodable and schema-breaking event and still handles the valid one after", async () => {
  const cases = fuzzCases("events-consumer");
  const f = fuzz("events-consumer");
  const { redis } = halfstackEnv();
  const stream = `fuzz-events-${crypto.randomUUID().slice(0, 8)}`;
  const logger = capturingLogger();
  const raw = new Redis({ ...redis, db: DB, lazyConnect: true });
  await raw.connect();
  const queue = await RedisStreamQueue.connect(
    { addr: `${redis.host}:${redis.port}`, db: DB },
    { logger, nodeId: "fuzz" },
  );
  const dispatcher = new EventDispatcher(queue, {
    group: "fuzz",
    consumer: { streams: [stream], startFrom: "beginning", blockMs: 200 },
    channels: [`${stream}_all`],
    logger,
  });
  try {
    const seen: unknown[] = [];
    let handledValid!: () => void;
    const valid = new Promise<void>((resolve) => (handledValid = resolve));
    dispatcher.consume(FuzzProbe, (_context, _source, body) => {
      seen.push(body);
      if (body.id === "valid") handledValid();
    });
    let schemaBreaking = 0;
    const pipeline = raw.pipeline();
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      let flat: WireValue[];
      if (f.chance(0.5)) {
        const bad = badBody(f);
        // The oracle: the definition itself rejects it, with a typed error.
        assert.throws(
          () => FuzzProbe.decode({ body: bad.body }),
          (err: unknown) =>
            err instanceof EventPayloadDecodingError &&
            String(err.errorCode()) === "event_parsing_invalid-data-format",
          f.where(`${bad.kind}: ${JSON.stringify(bad.body)}`),
        );
        schemaBreaking++;
        flat = [
          "name",
          "fuzz_probe",
          "source",
          "fuzz",
          "payload",
          JSON.stringify(bad.body),
        ];
      } else {
        flat = badAnycastEntry(f, 0).flat;
      }
      pipeline.xadd(
        stream,
        "*",
        ...flat.map((v) => typeof v === "string" ? v : Buffer.from(v)),
      );
    }
    pipeline.xadd(
      stream,
      "*",
      "name",
      "fuzz_probe",
      "source",
      "fuzz",
      "payload",
      JSON.stringify({ id: "valid", count: 1, tags: [] }),
    );
    for (const [err] of (await pipeline.exec()) ?? []) assert.equal(err, null);
    await dispatcher.start();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      valid,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(f.where("the valid event was not handled"))),
          90_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    assert.deepEqual(seen, [{ id: "valid", count: 1, tags: [] }]);
    await dispatcher.close();
    const dlq = stream + DEAD_LETTER_SUFFIX;
    assert.equal(await raw.xlen(dlq), cases, f.where("dead letters"));
    const letters = await queue.deadLetters(stream, { count: cases });
    const decodingErrors = letters.filter((letter) =>
      letter.error.startsWith("EventPayloadDecodingError: ")
    ).length;
    const payloadErrors = letters.filter((letter) =>
      letter.error.startsWith("InvalidMessagePayloadError: ")
    ).length;
    assert.equal(decodingErrors, schemaBreaking, "schema-breaking bodies");
    assert.equal(payloadErrors, cases - schemaBreaking, "undecodable entries");
    assert.equal(
      (await raw.xpending(stream, "fuzz") as [number])[0],
      0,
      "nothing left pending",
    );
    await reportFaultFigures({
      kind: "fuzz",
      name: "events-consumer",
      cases,
      crashes: 0,
      sent: cases + 1,
      handled: seen.length,
      deadLettered: letters.length,
      lost: cases - letters.length,
    });
  } finally {
    await dispatcher.close();
    await queue.close();
    await raw.del(stream, stream + DEAD_LETTER_SUFFIX);
    await raw.quit();
  }
});
