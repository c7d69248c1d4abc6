// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A read whose reply is lost (the server delivered the entries, so they are
// pending under the consumer's name, but the connection broke before the
// reply arrived: a Redis restart mid-XREADGROUP, found by
// tests/faults/redis_aof_restart_test.ts) must not strand the entries until
// the idle timeout: after a failed read the consumer takes its own pending
// entries back at once, without handing out again the ones it is still
// handling or has acknowledged.

import assert from "node:assert/strict";
import {
  MemoryStreamStore,
  StreamQueue,
  type StreamReader,
  type StreamStore,
} from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

/** A memory store whose reader loses the reply of read number `lose`. */
function lossyReaderStore(lose: number): StreamStore {
  const inner = new MemoryStreamStore();
  let reads = 0;
  const openReader = (): StreamReader => {
    const reader = inner.openReader();
    return {
      connect: () => reader.connect(),
      read: async (args) => {
        const entries = await reader.read(args);
        if (++reads === lose) throw new Error("Connection is closed.");
        return entries;
      },
      close: () => reader.close(),
    };
  };
  return new Proxy(inner, {
    get(target, key) {
      if (key === "openReader") return openReader;
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as StreamStore;
}

Deno.test("Consumer: after a read whose reply was lost, its entries come back at once, not after the idle timeout", async () => {
  await using queue = new StreamQueue(lossyReaderStore(2), {
    logger: quietLogger,
  });
  const consumer = await queue.consumer({
    group: "g",
    name: "c",
    startFrom: "beginning",
    blockMs: 20,
    idleTimeoutMs: 600_000,
  });
  const anycaster = queue.anycaster();
  await anycaster.anycast({ name: "a", source: "t", payload: "1" });
  const read: unknown[] = [];
  const stop = AbortSignal.timeout(5_000);
  let handling: unknown;
  for await (const message of consumer.messages({ signal: stop })) {
    read.push(message.body);
    if (message.body === 1) {
      // Still being handled (not done) when the next read's reply is lost.
      handling = message;
      await anycaster.anycast({ name: "b", source: "t", payload: "2" });
      continue;
    }
    await consumer.done(message);
    if (read.length >= 2) break;
  }
  await consumer.done(handling as never);
  await consumer.close();
  assert.deepEqual(
    read,
    [1, 2],
    "2 came back at once, 1 was not handed out again",
  );
  assert.equal(stop.aborted, false);
});
