// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// StreamQueue's own bookkeeping, over a store that records what it is asked:
// components leave the queue when they close, an aborted consumer() closes
// what its start opened, and no message queue file formats errors inline.

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  MemoryQueue,
  MemoryStreamStore,
  StreamQueue,
  type StreamReader,
  type StreamStore,
} from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

/**
 * A memory store that takes `delayMs` to create a group and to connect a
 * reader (as a server would), and counts the readers opened and closed.
 */
function slowReaderStore(delayMs: number): {
  store: StreamStore;
  opened: number;
  closed: number;
} {
  const inner = new MemoryStreamStore();
  const counts = { opened: 0, closed: 0 };
  const openReader = (): StreamReader => {
    const reader = inner.openReader();
    counts.opened++;
    return {
      connect: () => new Promise((r) => setTimeout(r, delayMs)),
      read: (args) => reader.read(args),
      close: () => {
        counts.closed++;
        return reader.close();
      },
    };
  };
  // Every other method goes to the memory store, bound to it.
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === "openReader") return openReader;
      if (key === "ensureGroup") {
        return async (...args: Parameters<StreamStore["ensureGroup"]>) => {
          await new Promise((r) => setTimeout(r, delayMs));
          return target.ensureGroup(...args);
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as StreamStore;
  return {
    store,
    get opened() {
      return counts.opened;
    },
    get closed() {
      return counts.closed;
    },
  };
}

Deno.test("StreamQueue: closed components leave the queue; only open ones are held", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  for (let i = 0; i < 500; i++) {
    const anycaster = queue.anycaster({ stream: `s${i}` });
    await anycaster.anycast({ name: "m", source: "t", payload: "{}" });
    await anycaster.close();
    const broadcaster = queue.broadcaster();
    await broadcaster.close();
    const consumer = await queue.consumer({ group: "g", streams: [`s${i}`] });
    await consumer.close();
    const subscriber = await queue.subscriber();
    await subscriber.close();
  }
  const kept = queue.anycaster();
  assert.equal(queue.stats.openComponents, 1, "only the open anycaster");
  await kept.close();
  assert.equal(queue.stats.openComponents, 0);
});

Deno.test("StreamQueue: aborting consumer() during its start leaves no reader open", async () => {
  // Group creation takes 40 ms, then the reader's connection 40 ms: abort
  // during each.
  for (const abortAtMs of [10, 60]) {
    const counting = slowReaderStore(40);
    await using queue = new StreamQueue(counting.store, {
      logger: quietLogger,
    });
    const controller = new AbortController();
    const making = queue.consumer({ group: "g", signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutting down")), abortAtMs);
    await assert.rejects(making, /shutting down/);
    // Let the start that was under way finish.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(
      counting.closed,
      counting.opened,
      `aborted at ${abortAtMs} ms: every reader opened is closed`,
    );
    assert.equal(queue.stats.openComponents, 0);
  }
});

Deno.test("StreamQueue: aborting subscriber() during its start leaves no subscription open", async () => {
  const inner = new MemoryStreamStore();
  const counts = { subscribed: 0, unsubscribed: 0 };
  const store = new Proxy(inner, {
    get(target, key) {
      if (key === "subscribe") {
        return async (...args: Parameters<StreamStore["subscribe"]>) => {
          await new Promise((r) => setTimeout(r, 40));
          const subscription = await target.subscribe(...args);
          counts.subscribed++;
          return {
            close: () => {
              counts.unsubscribed++;
              return subscription.close();
            },
          };
        };
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as StreamStore;
  await using queue = new StreamQueue(store, { logger: quietLogger });
  await assert.rejects(
    queue.subscriber({ signal: AbortSignal.timeout(10) }),
    (err: unknown) => err instanceof DOMException,
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(counts.subscribed, 1);
  assert.equal(counts.unsubscribed, 1, "the late subscription was closed");
});

Deno.test("message queue and events sources: a thrown value is written by errorText, never inline", async () => {
  // The sources sit three folders up; in the Node and Bun runs this file is
  // compiled one folder deeper (out/), beside a copy of the sources.
  const roots = ["../../../", "../../../../"].map((up) =>
    fileURLToPath(new URL(up, import.meta.url))
  );
  const offenders: string[] = [];
  let read = 0;
  for (const module of ["message_queue", "events"]) {
    const root = roots.find((r) => existsSync(`${r}${module}/mod.ts`));
    assert.ok(root !== undefined, `the ${module} sources are found`);
    for await (const entry of Deno.readDir(`${root}${module}`)) {
      if (!entry.name.endsWith(".ts")) continue;
      read++;
      const source = await Deno.readTextFile(`${root}${module}/${entry.name}`);
      source.split("\n").forEach((line, index) => {
        if (/instanceof Error\s*\?/.test(line)) {
          offenders.push(
            `${module}/${entry.name}:${index + 1}: ${line.trim()}`,
          );
        }
      });
    }
  }
  assert.ok(read > 10, `read ${read} source files`);
  assert.deepEqual(offenders, []);
});
