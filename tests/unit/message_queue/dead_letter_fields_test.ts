// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// An entry whose own fields are named like a dead letter's (`_dlq_error`,
// `_dlq_id`, `_dlq_loss_cause`, found by the seeded stream fuzz): its dead
// letter lost them (readDeadLetter leaves `_dlq_` fields out of `fields`,
// and the dead letter's own `_dlq_error` and `_dlq_id` came after and won),
// and a `_dlq_loss_cause` of the entry made its dead letter read as a
// trim-loss record. An entry's `_dlq_` fields are now kept apart
// (`_dlq_field:<name>`) and read back as its fields.

import assert from "node:assert/strict";
import { MemoryStreamStore, StreamQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

Deno.test("a dead letter keeps an entry's own _dlq_ fields, and they cannot pose as its metadata", async () => {
  const store = new MemoryStreamStore();
  await using queue = new StreamQueue(store, {
    nodeId: "t",
    logger: quietLogger,
  });
  const consumer = await queue.consumer({
    group: "g",
    streams: ["s"],
    blockMs: 10,
  });
  const hostile = [
    "name",
    "x",
    "_dlq_error",
    "not my error",
    "_dlq_id",
    "0-1",
    "_dlq_loss_cause",
    "hard-cap",
    "_dlq_field:y",
    "z",
  ];
  const [id] = await store.add([{ stream: "s", fields: hostile }]);
  await store.add([{
    stream: "s",
    fields: ["name", "ok", "source", "t", "payload", "1"],
  }]);
  for await (const message of consumer) {
    await consumer.done(message);
    break;
  }
  await consumer.close();
  const [letter] = await queue.deadLetters("s");
  assert.ok(letter);
  assert.deepEqual({ ...letter.fields }, {
    name: "x",
    _dlq_error: "not my error",
    _dlq_id: "0-1",
    _dlq_loss_cause: "hard-cap",
    "_dlq_field:y": "z",
  });
  assert.equal(letter.originalId, id);
  assert.match(letter.error, /^InvalidMessagePayloadError: /);
  assert.equal(letter.loss, undefined);
});
