// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A stream entry with a field named "__proto__" (found by tests/fuzz/): on
// Node and Bun, where `__proto__` is the prototype setter, reading such an
// entry into a plain object dropped the field (text) or replaced the
// object's prototype (bytes), so its dead letter lost it. Deno disables the
// setter unless run with --unsafe-proto, so under Deno the check also runs
// in a child process with that flag, which behaves as Node does.

import assert from "node:assert/strict";
import process from "node:process";
import {
  DEAD_LETTER_SUFFIX,
  MemoryStreamStore,
  StreamQueue,
} from "../../../message_queue/mod.ts";
import { toFields } from "../../../message_queue/_redis_reader.ts";
import { quietLogger } from "../../_logger.ts";

// The specifier is spliced in with JSON.stringify so that the npm build's
// import scanner does not read this text as an import of the test file.
const READER_URL = new URL(
  "../../../message_queue/_redis_reader.ts",
  import.meta.url,
).href;
const CHECK = `
import assert from "node:assert/strict";
import { toFields } from ${JSON.stringify(READER_URL)};
const bytes = (text) => new TextEncoder().encode(text);
const fields = toFields([bytes("__proto__"), bytes("x"), bytes("name"), bytes("n")]);
assert.deepEqual(Object.keys(fields).sort(), ["__proto__", "name"]);
assert.equal(Object.getPrototypeOf(fields), Object.prototype);
`;

Deno.test("toFields() keeps a field named __proto__ as an own field", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const fields = toFields([
    bytes("__proto__"),
    bytes("x"),
    bytes("n"),
    bytes("v"),
  ]);
  assert.deepEqual(Object.keys(fields).sort(), ["__proto__", "n"]);
  assert.deepEqual(fields["__proto__"], bytes("x"));
  assert.equal(Object.getPrototypeOf(fields), Object.prototype);
});

Deno.test("a malformed entry with a __proto__ field is dead-lettered with it", async () => {
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
  await store.add([{ stream: "s", fields: ["__proto__", "x", "name", "n"] }]);
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
  assert.ok(letter, `no dead letter in s${DEAD_LETTER_SUFFIX}`);
  assert.deepEqual(Object.keys(letter.fields).sort(), ["__proto__", "name"]);
  assert.equal(letter.fields["__proto__"], "x");
});

// Only Deno has the --unsafe-proto flag; on Node and Bun the tests above
// already run with the setter on, so this one is registered under Deno only
// (an ignored test would be counted as skipped in CI's closing line).
if (process.versions.deno !== undefined) {
  Deno.test("toFields() keeps __proto__ with the prototype setter on (deno --unsafe-proto)", async () => {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--unsafe-proto", "--no-check", CHECK],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(
      output.code,
      0,
      new TextDecoder().decode(output.stderr),
    );
  });
}
