// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// NatsStreamStore beyond the conformance suites, checked from the server's
// side: the names it gives streams, subjects, consumers and buckets; the
// ack wait that follows the consumers' idle timeout; a purge by another
// NATS client reported as uncounted, never silent; two processes' trim
// steps taking turns so a loss is reported once. Needs the halfstack's
// NATS server; each test has a namespace of its own.

import assert from "node:assert/strict";
import { jetstreamManager } from "@nats-io/jetstream";
import { StreamQueue } from "../../../message_queue/mod.ts";
import { NatsStreamStore } from "../../../message_queue/nats/mod.ts";
import type { Logger } from "../../../utils.ts";
import { type NatsFixture, natsFixture } from "../../_nats.ts";
import { quietLogger } from "../../_logger.ts";

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message) => errors.push(message),
  };
}

async function withFixture(
  fn: (fixture: NatsFixture) => Promise<void>,
): Promise<void> {
  const fixture = await natsFixture("store");
  try {
    await fn(fixture);
  } finally {
    await fixture.cleanup();
  }
}

function message(n: number) {
  return { name: "m", source: "test", payload: JSON.stringify({ n }) };
}

Deno.test("NatsStreamStore: streams, subjects, consumers and buckets carry the documented names", async () => {
  await withFixture(async ({ server, namespace, nc }) => {
    const store = await NatsStreamStore.connect({ servers: server }, {
      namespace,
      logger: quietLogger,
    });
    await using queue = new StreamQueue(store, { logger: quietLogger });
    const consumer = await queue.consumer({
      group: "storage-proxy",
      streams: ["events"],
      idleTimeoutMs: 1_000,
    });
    await queue.anycaster({ stream: "events" }).anycast(message(1));
    for await (const got of consumer.messages()) {
      await consumer.deadLetter(got, new Error("to make a dead letter"));
      break;
    }
    await queue.broadcaster().broadcastWithCache("bgtask.1", message(2));
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const events = await jsm.streams.info(`${namespace}_events`);
    assert.deepEqual(events.config.subjects, [`${namespace}.s.events`]);
    assert.equal(events.state.messages, 1);
    const dlq = await jsm.streams.info(`${namespace}_events:dlq`);
    assert.equal(dlq.state.messages, 1);
    const durable = await jsm.consumers.info(
      `${namespace}_events`,
      "storage-proxy",
    );
    assert.equal(durable.config.ack_wait, 1_000 * 1_000_000);
    assert.equal(durable.config.max_deliver, -1);
    const cache = await jsm.streams.info(`KV_${namespace}_cache`);
    assert.ok(
      Object.keys(cache.state.subjects ?? {}).length >= 0 &&
        cache.state.messages === 1,
      "the cached broadcast is one value in the cache bucket",
    );
  });
});

Deno.test("NatsStreamStore: a later consumer with another idle timeout moves the group's ack wait", async () => {
  await withFixture(async ({ server, namespace, nc }) => {
    const store = await NatsStreamStore.connect({ servers: server }, {
      namespace,
      logger: quietLogger,
    });
    await using queue = new StreamQueue(store, { logger: quietLogger });
    const first = await queue.consumer({ group: "g", streams: ["s"] });
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    const ackWait = async () =>
      (await jsm.consumers.info(`${namespace}_s`, "g")).config.ack_wait;
    assert.equal(await ackWait(), 240_000 * 1_000_000, "the default");
    await first.close();
    await queue.consumer({ group: "g", streams: ["s"], idleTimeoutMs: 500 });
    assert.equal(await ackWait(), 500 * 1_000_000);
  });
});

Deno.test("NatsStreamStore: a purge by another NATS client is reported as uncounted for every group, once", async () => {
  await withFixture(async ({ server, namespace, nc }) => {
    const logger = recordingLogger();
    const store = await NatsStreamStore.connect({ servers: server }, {
      namespace,
      logger,
    });
    await using queue = new StreamQueue(store, {
      logger: quietLogger,
      trimIntervalMs: 60_000,
    });
    const a = await queue.consumer({ group: "a", streams: ["s"] });
    const b = await queue.consumer({ group: "b", streams: ["s"] });
    await queue.anycaster({ stream: "s" }).anycastBatch(
      Array.from({ length: 50 }, (_, i) => message(i)),
    );
    const [clean] = await queue.trimNow();
    assert.deepEqual(clean?.uncounted, []);
    const jsm = await jetstreamManager(nc, { checkAPI: false });
    await jsm.streams.purge(`${namespace}_s`, { keep: 10 });
    const [report] = await queue.trimNow();
    assert.deepEqual([...report?.uncounted ?? []].sort(), ["a", "b"]);
    assert.equal(logger.errors.length, 1, "logged as an error");
    assert.match(logger.errors[0] ?? "", /other than this library/);
    const [again] = await queue.trimNow();
    assert.deepEqual(again?.uncounted, [], "reported once");
    await a.close();
    await b.close();
  });
});

Deno.test("NatsStreamStore: two stores trimming one stream take turns, so a loss is reported once", async () => {
  await withFixture(async ({ server, namespace }) => {
    const options = {
      logger: quietLogger,
      maxLen: 50,
      hardMaxLen: 100,
      trimIntervalMs: 60_000,
    };
    const stores = await Promise.all(
      [1, 2].map(() =>
        NatsStreamStore.connect({ servers: server }, {
          namespace,
          logger: quietLogger,
        })
      ),
    );
    const [one, two] = stores.map((store) => new StreamQueue(store, options));
    try {
      const idle = await one!.consumer({ group: "idle", streams: ["s"] });
      await idle.close();
      await one!.anycaster({ stream: "s" }).anycastBatch(
        Array.from({ length: 300 }, (_, i) => message(i)),
      );
      two!.anycaster({ stream: "s" }); // watched by both
      const reports = (await Promise.all([one!.trimNow(), two!.trimNow()]))
        .flat();
      const losses = reports.flatMap((r) => r.losses);
      assert.equal(losses.length, 1, JSON.stringify(losses));
      assert.equal(losses[0]?.count, 200);
      assert.equal((await one!.deadLetters("s")).length, 1);
      assert.equal((await one!.streamInfo("s"))?.length, 100);
    } finally {
      await one?.close();
      await two?.close();
    }
  });
});

Deno.test("NatsStreamStore: a group made at the end of a long stream holds none of its entries back", async () => {
  await withFixture(async ({ server, namespace }) => {
    const store = await NatsStreamStore.connect({ servers: server }, {
      namespace,
      logger: quietLogger,
    });
    await using queue = new StreamQueue(store, {
      logger: quietLogger,
      maxLen: 10,
      trimIntervalMs: 60_000,
    });
    await queue.anycaster({ stream: "s" }).anycastBatch(
      Array.from({ length: 50 }, (_, i) => message(i)),
    );
    // Made at "$": it needs none of the 50, as a Redis group would not.
    const late = await queue.consumer({ group: "late", streams: ["s"] });
    const [report] = await queue.trimNow();
    assert.equal(report?.trimmed, 40);
    assert.equal(report?.info?.length, 10);
    const group = report?.info?.groups.find((g) => g.name === "late");
    assert.deepEqual(
      { lag: group?.lag, pending: group?.pending, read: group?.entriesRead },
      { lag: 0, pending: 0, read: 50 },
    );
    // It reads one and holds it: its oldest pending entry is that one.
    await queue.anycaster({ stream: "s" }).anycast(message(50));
    for await (const got of late.messages()) {
      assert.equal(got.id, "0-51");
      break;
    }
    const info = await queue.streamInfo("s");
    const held = info?.groups.find((g) => g.name === "late");
    assert.equal(held?.oldestPendingId, "0-51");
    await late.close();
  });
});
