// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated malformed entries published raw into the JetStream stream of a
// NatsStreamQueue on the shared halfstack's NATS, in front of a real
// consumer: entries in the queue's own MessagePack framing with broken
// fields, and data that is not that framing at all (random bytes, a
// MessagePack map, an array with a non-text name or an odd length). Each is
// dead-lettered once, fields kept (the raw data under `data` when it is
// not the framing), and a valid entry published after them is handled.
// Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { jetstream } from "@nats-io/jetstream";
import { StreamQueue } from "../../message_queue/mod.ts";
import { NatsStreamStore } from "../../message_queue/nats/mod.ts";
import { natsFixture } from "../_nats.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { capturingLogger } from "./_capture.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";
import { badAnycastEntry, bytesOf, fieldsOf, type WireValue } from "./_wire.ts";

/** What is published, and the fields its dead letter must keep. */
function badMessage(f: Fuzz): {
  kind: string;
  data: Uint8Array;
  fields: Record<string, WireValue>;
} {
  if (f.chance(0.6)) {
    const bad = badAnycastEntry(f, 0);
    return {
      kind: bad.kind,
      data: msgpackEncode(bad.flat),
      fields: fieldsOf(bad.flat),
    };
  }
  const data = f.pick([
    () => f.bytes(1 + f.int(64)),
    () => Uint8Array.of(0xc1),
    () => msgpackEncode({ name: "x", source: "y", payload: "{}" }),
    () => msgpackEncode(["name", "x", "source"]),
    () => msgpackEncode([5, "x", "source", "y", "payload", "{}"]),
    () => msgpackEncode(["name", 5, "source", "y", "payload", "{}"]),
    () => new TextEncoder().encode('{"name":"x","source":"y","payload":"{}"}'),
    () => new Uint8Array(0),
  ])();
  // Random bytes may happen to be a valid framing of a valid entry: never
  // with 0xc1 in front (a byte MessagePack never uses).
  const framed = data.length > 0 && f.chance(0.5)
    ? Uint8Array.from([0xc1, ...data])
    : data;
  return { kind: "not-framing", data: framed, fields: { data: framed } };
}

Deno.test("fuzz: a NATS consumer dead-letters every malformed entry and still handles the valid one after", async () => {
  const cases = fuzzCases("nats-consumer");
  const f = fuzz("nats-consumer");
  const fixture = await natsFixture("fuzz");
  const logger = capturingLogger();
  const store = await NatsStreamStore.connect({ servers: fixture.server }, {
    namespace: fixture.namespace,
    logger,
  });
  const queue = new StreamQueue(store, { logger, nodeId: "fuzz" });
  try {
    const stream = "fuzz";
    const consumer = await queue.consumer({
      group: "fuzz",
      streams: [stream],
      startFrom: "beginning",
      blockMs: 200,
    });
    const js = jetstream(fixture.nc);
    const subject = store.names.streamSubject(stream);
    const sent: { kind: string; fields: Record<string, WireValue> }[] = [];
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const bad = badMessage(f);
      // Empty data cannot be told from a valid framing by sequence: skip.
      if (bad.data.length === 0) continue;
      // The queue's first consumer created the stream: publish straight in.
      const ack = await js.publish(subject, bad.data);
      assert.equal(ack.seq, sent.length + 1, f.where("stored in order"));
      sent.push(bad);
    }
    await js.publish(
      subject,
      msgpackEncode(["name", "fuzz_valid", "source", "fuzz", "payload", "{}"]),
    );
    const handled: string[] = [];
    const timeout = AbortSignal.timeout(90_000);
    for await (const message of consumer.messages({ signal: timeout })) {
      handled.push(message.name);
      await consumer.done(message);
      if (message.name === "fuzz_valid") break;
    }
    await consumer.close();
    assert.deepEqual(handled, ["fuzz_valid"], f.where("only the valid one"));
    const letters = await queue.deadLetters(stream, {
      count: sent.length + 10,
    });
    assert.equal(letters.length, sent.length, f.where("dead letters"));
    for (const letter of letters) {
      const index = Number(letter.originalId.split("-")[1]) - 1;
      const original = sent[index];
      assert.ok(original, `dead letter of ${letter.originalId}`);
      f.caseIndex = index;
      assert.match(
        letter.error,
        /^InvalidMessagePayloadError: /,
        f.where(original.kind),
      );
      assert.deepEqual(
        Object.keys(letter.fields).sort(),
        Object.keys(original.fields).sort(),
        f.where(`${original.kind}: every field kept`),
      );
      for (const [key, value] of Object.entries(original.fields)) {
        assert.deepEqual(
          bytesOf(letter.fields[key] as WireValue),
          bytesOf(value),
          f.where(`${original.kind}: ${key} kept`),
        );
      }
    }
    assert.equal(
      logger.lines.filter((line) => line.level === "error").length,
      0,
      logger.text(),
    );
    await reportFaultFigures({
      kind: "fuzz",
      name: "nats-consumer",
      cases: sent.length,
      crashes: 0,
      sent: sent.length + 1,
      handled: handled.length,
      deadLettered: letters.length,
      lost: sent.length - letters.length,
    });
  } finally {
    await queue.close();
    await fixture.cleanup();
  }
});
