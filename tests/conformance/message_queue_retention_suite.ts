// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The retention conformance suite: trimming never loses what a consumer
 * group has not acknowledged, the hard cap reports exactly what it drops,
 * entries trimmed by another client are found and reported once, and the
 * lag numbers are right. The same assertions run on every backend (memory,
 * Redis); where Redis trims approximately and memory exactly, they bound.
 *
 * @module
 */

import assert from "node:assert/strict";
import type {
  ConsumedMessage,
  Consumer,
  MessageQueueOptions,
  OutgoingMessage,
  StreamFieldValue,
  StreamQueue,
  TrimLoss,
} from "../../message_queue/mod.ts";
import type { Logger } from "../../utils.ts";

/** What a backend factory returns for one test. */
export interface RetentionFixture {
  /** A fresh queue with these options. */
  queue: StreamQueue;
  /**
   * Adds an entry with exactly these fields; with `maxLen`, trims the
   * stream to exactly that length in the same command, as a producer that
   * trims on every add does (upstream's `XADD MAXLEN`).
   */
  writeRaw(
    stream: string,
    fields: StreamFieldValue[],
    maxLen?: number,
  ): Promise<void>;
  /** Publishes `data` on `channel` as is (a malformed broadcast, say). */
  publishRaw(channel: string, data: string): Promise<void>;
  /** Removes the streams a test made (and their dead-letter streams). */
  removeStreams(streams: readonly string[]): Promise<void>;
  /** Releases what the fixture holds beyond the queue. */
  cleanup(): Promise<void>;
}

/** What differs between backends. */
export interface RetentionCapabilities {
  /** The backend's name in test names. */
  name: string;
}

// The streams the running test made, removed after it.
const made: string[] = [];

function unique(prefix: string): string {
  const stream = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  made.push(stream);
  return stream;
}

function message(n: number): OutgoingMessage {
  return { name: "retention", source: "conformance", payload: `{"n":${n}}` };
}

function batch(from: number, count: number): OutgoingMessage[] {
  return Array.from({ length: count }, (_, i) => message(from + i));
}

/**
 * Anycasts `count` messages, 500 a round trip; returns their ids. The
 * anycaster stays open, so the queue keeps trimming the stream.
 */
async function anycastMany(
  queue: StreamQueue,
  stream: string,
  count: number,
): Promise<string[]> {
  const anycaster = queue.anycaster({ stream });
  const ids: string[] = [];
  for (let i = 0; i < count; i += 500) {
    ids.push(
      ...await anycaster.anycastBatch(batch(i, Math.min(500, count - i))),
    );
  }
  return ids;
}

/** Reads `count` messages, acking them or not; fails after 20 s. */
async function read(
  consumer: Consumer,
  count: number,
  ack: boolean,
): Promise<ConsumedMessage[]> {
  const got: ConsumedMessage[] = [];
  if (count === 0) return got;
  const signal = AbortSignal.timeout(20_000);
  for await (const batch of consumer.batches({ signal })) {
    got.push(...batch);
    if (ack) await consumer.doneAll(batch);
    if (got.length >= count) break;
  }
  assert.equal(got.length, count, `read ${got.length} of ${count} in time`);
  return got;
}

/** A logger that keeps what is logged at error and warn. */
function recordingLogger(): Logger & {
  errors: [string, Record<string, unknown> | undefined][];
  warnings: [string, Record<string, unknown> | undefined][];
} {
  const errors: [string, Record<string, unknown> | undefined][] = [];
  const warnings: [string, Record<string, unknown> | undefined][] = [];
  return {
    errors,
    warnings,
    debug: () => {},
    info: () => {},
    warn: (msg, fields) => warnings.push([msg, fields]),
    error: (msg, fields) => errors.push([msg, fields]),
  };
}

/** The id right after `id`. */
function after(id: string): string {
  const [ms, seq] = id.split("-");
  return `${ms}-${Number(seq) + 1}`;
}

/**
 * Registers the retention tests for one backend.
 *
 * @param capabilities The backend's name.
 * @param makeFixture Makes a fresh queue with the options (and raw access).
 */
export function defineRetentionConformance(
  capabilities: RetentionCapabilities,
  makeFixture: (options: MessageQueueOptions) => Promise<RetentionFixture>,
): void {
  const test = (
    name: string,
    options: MessageQueueOptions,
    fn: (fixture: RetentionFixture) => Promise<void>,
  ) =>
    Deno.test(
      `message queue retention [${capabilities.name}]: ${name}`,
      async () => {
        const fixture = await makeFixture(options);
        try {
          await fn(fixture);
        } finally {
          await fixture.queue.close();
          await fixture.removeStreams(made.splice(0));
          await fixture.cleanup();
        }
      },
    );

  const logger = recordingLogger();

  test(
    "a group stopped while 5 000 are anycast with maxLen 1 000 gets every one back",
    { maxLen: 1000, trimIntervalMs: 20, logger },
    async ({ queue }) => {
      const stream = unique("stopped");
      const stopped = await queue.consumer({
        group: "stopped",
        name: "s-1",
        streams: [stream],
      });
      await stopped.close(); // the group exists; its consumers are down
      const live = await queue.consumer({
        group: "live",
        name: "l-1",
        streams: [stream],
      });
      const ids: string[] = [];
      for (let round = 0; round < 5; round++) {
        ids.push(...await anycastMany(queue, stream, 1000));
        await read(live, 1000, true); // the live group keeps up
        await queue.trimNow();
      }
      await new Promise((r) => setTimeout(r, 100)); // and the loop ran
      const info = await queue.streamInfo(stream);
      assert.equal(info?.length, 5000, "nothing the stopped group needs went");
      const lag = info?.groups.find((g) => g.name === "stopped")?.lag;
      assert.equal(lag, 5000);

      const back = await queue.consumer({
        group: "stopped",
        name: "s-1",
        streams: [stream],
        batchSize: 500,
      });
      const got = await read(back, 5000, true);
      assert.deepEqual(got.map((m) => m.id), ids, "all 5 000, in order");
      await back.close();
      await live.close();

      const [report] = await queue.trimNow();
      const left = report?.info?.length ?? -1;
      assert.ok(left >= 1000 && left < 5000, `trimmed to about 1000: ${left}`);
      assert.equal(queue.stats.lostEntries, 0);
      assert.deepEqual(await queue.deadLetters(stream), []);
      assert.deepEqual(logger.errors, [], "no loss logged");
    },
  );

  const hooked: TrimLoss[] = [];
  const capLogger = recordingLogger();
  test(
    "with a hard cap the loss is logged, counted, hooked and recorded, with the exact count and range",
    {
      maxLen: 100,
      hardMaxLen: 1000,
      trimIntervalMs: 60_000,
      onTrimLoss: (loss) => hooked.push(loss),
      logger: capLogger,
    },
    async ({ queue }) => {
      const stream = unique("cap");
      const reading = await queue.consumer({
        group: "reading",
        name: "r-1",
        streams: [stream],
        batchSize: 10,
      });
      const idle = await queue.consumer({
        group: "idle",
        name: "i-1",
        streams: [stream],
      });
      await idle.close(); // never reads
      const ids = await anycastMany(queue, stream, 10);
      await read(reading, 10, false); // 10 pending, never acked
      await reading.close();
      ids.push(...await anycastMany(queue, stream, 2000));
      assert.equal(ids.length, 2010);

      const [report] = await queue.trimNow();
      assert.equal(report?.dropped, 1010);
      assert.equal(report?.info?.length, 1000);
      const byGroup = new Map(report?.losses.map((l) => [l.group, l]));
      const idleLoss = byGroup.get("idle");
      const readingLoss = byGroup.get("reading");
      assert.deepEqual(
        { ...idleLoss, deadLetterId: undefined },
        {
          stream,
          group: "idle",
          cause: "hard-cap",
          count: 1010,
          unread: 1010,
          pending: 0,
          firstId: ids[0],
          endId: ids[1010],
          deadLetterId: undefined,
        },
      );
      assert.deepEqual(
        { ...readingLoss, deadLetterId: undefined },
        {
          stream,
          group: "reading",
          cause: "hard-cap",
          count: 1010,
          unread: 1000,
          pending: 10,
          firstId: ids[0],
          endId: ids[1010],
          deadLetterId: undefined,
        },
      );
      assert.equal(queue.stats.lostEntries, 2020);
      assert.equal(queue.stats.trimLosses, 2);
      assert.equal(queue.stats.droppedEntries, 1010);
      assert.deepEqual(
        hooked.map((l) => [l.group, l.count]).sort(),
        [["idle", 1010], ["reading", 1010]],
      );
      const logged = capLogger.errors.filter(([msg]) =>
        msg.includes("trimmed before a consumer group acknowledged")
      );
      assert.equal(logged.length, 2);
      assert.ok(
        logged.every(([, f]) =>
          f?.stream === stream && f?.count === 1010 && f?.hardMaxLen === 1000
        ),
        JSON.stringify(logged),
      );
      const letters = await queue.deadLetters(stream);
      assert.equal(letters.length, 2);
      const record = letters.find((l) => l.group === "reading");
      assert.equal(record?.id, readingLoss?.deadLetterId);
      assert.deepEqual(record?.loss, {
        cause: "hard-cap",
        count: 1010,
        unread: 1000,
        pending: 10,
        firstId: ids[0],
        endId: ids[1010],
      });
      assert.match(record?.error ?? "", /hardMaxLen/);

      // Reported once: the next step finds nothing new.
      const [again] = await queue.trimNow();
      assert.deepEqual(again?.losses, []);
      // The group goes on with what is left: the last 1 000, nothing twice.
      const back = await queue.consumer({
        group: "reading",
        name: "r-1",
        streams: [stream],
        batchSize: 500,
      });
      const rest = await read(back, 1000, true);
      assert.deepEqual(rest.map((m) => m.id), ids.slice(1010));
      await back.close(); // confirms the acks
      const info = await queue.streamInfo(stream);
      const reading2 = info?.groups.find((g) => g.name === "reading");
      assert.equal(reading2?.lag, 0);
      assert.equal(reading2?.pending, 0, "the lost pending ones are gone");
    },
  );
  test(
    "entries another client trimmed are found, reported once, with the exact count",
    { maxLen: 100_000, trimIntervalMs: 60_000, logger: recordingLogger() },
    async ({ queue, writeRaw }) => {
      const stream = unique("elsewhere");
      const group = await queue.consumer({
        group: "g",
        name: "g-1",
        streams: [stream],
        batchSize: 10,
      });
      const ids = await anycastMany(queue, stream, 10);
      await read(group, 10, false); // delivered, not acknowledged
      await group.close();
      ids.push(...await anycastMany(queue, stream, 500));
      // A producer that trims on every add (upstream: XADD MAXLEN ~ 128).
      await writeRaw(
        stream,
        ["name", "x", "source", "py", "payload", "{}"],
        128,
      );
      const [report] = await queue.trimNow();
      const [loss] = report?.losses ?? [];
      const info = await queue.streamInfo(stream);
      assert.equal(report?.losses.length, 1);
      assert.deepEqual(
        { ...loss, deadLetterId: undefined },
        {
          stream,
          group: "g",
          cause: "trimmed-elsewhere",
          count: 383,
          unread: 373,
          pending: 10,
          firstId: ids[0],
          endId: info?.firstId,
          deadLetterId: undefined,
        },
      );
      assert.equal(info?.firstId, ids[383]);
      assert.equal(queue.stats.lostEntries, 383);
      const [again] = await queue.trimNow();
      assert.deepEqual(again?.losses, [], "reported once");
      const g = info?.groups.find((x) => x.name === "g");
      assert.equal(g?.lag, 128);
      assert.equal(g?.pending, 0);
    },
  );

  test(
    "unread entries another client trimmed: the range starts right after the group's position",
    { trimIntervalMs: 60_000, logger: recordingLogger() },
    async ({ queue, writeRaw }) => {
      const stream = unique("elsewhere-unread");
      const group = await queue.consumer({
        group: "g",
        name: "g-1",
        streams: [stream],
        batchSize: 5,
      });
      const ids = await anycastMany(queue, stream, 5);
      await read(group, 5, true);
      await group.close(); // acknowledged all, then down
      ids.push(...await anycastMany(queue, stream, 300));
      await writeRaw(
        stream,
        ["name", "x", "source", "py", "payload", "{}"],
        100,
      );
      const [report] = await queue.trimNow();
      const [loss] = report?.losses ?? [];
      // 306 added, 100 kept: #1-#206 went, of which the group read #1-#5.
      assert.equal(loss?.unread, 201);
      assert.equal(loss?.pending, 0);
      assert.equal(loss?.firstId, after(ids[4] as string));
      assert.equal(loss?.endId, ids[206]);
    },
  );

  test(
    "lag, pending and read counters are right",
    { trimIntervalMs: 60_000 },
    async ({ queue }) => {
      const stream = unique("lag");
      const early = await queue.consumer({
        group: "early",
        name: "e-1",
        streams: [stream],
        batchSize: 100,
      });
      const ids = await anycastMany(queue, stream, 300);
      let info = await queue.streamInfo(stream);
      assert.equal(info?.length, 300);
      assert.equal(info?.entriesAdded, 300);
      assert.equal(info?.firstId, ids[0]);
      assert.equal(info?.lastId, ids[299]);
      let early1 = info?.groups.find((g) => g.name === "early");
      assert.deepEqual(
        {
          lag: early1?.lag,
          pending: early1?.pending,
          read: early1?.entriesRead,
        },
        { lag: 300, pending: 0, read: 0 },
      );
      const got = await read(early, 100, false);
      await early.doneAll(got.slice(0, 50));
      await early.close(); // confirms the 50 acks
      const late = await queue.consumer({
        group: "late",
        name: "l-1",
        streams: [stream],
      });
      const fromStart = await queue.consumer({
        group: "all",
        name: "a-1",
        streams: [stream],
        startFrom: "beginning",
      });
      info = await queue.streamInfo(stream);
      early1 = info?.groups.find((g) => g.name === "early");
      assert.deepEqual(
        {
          lag: early1?.lag,
          pending: early1?.pending,
          oldest: early1?.oldestPendingId,
          last: early1?.lastDeliveredId,
          read: early1?.entriesRead,
          consumers: early1?.consumers,
        },
        {
          lag: 200,
          pending: 50,
          oldest: ids[50],
          last: ids[99],
          read: 100,
          consumers: 1,
        },
      );
      const late1 = info?.groups.find((g) => g.name === "late");
      assert.deepEqual(
        { lag: late1?.lag, pending: late1?.pending, read: late1?.entriesRead },
        { lag: 0, pending: 0, read: 300 },
      );
      const all1 = info?.groups.find((g) => g.name === "all");
      assert.deepEqual(
        { lag: all1?.lag, read: all1?.entriesRead },
        { lag: 300, read: 0 },
      );
      await late.close();
      await fromStart.close();
      assert.equal(await queue.streamInfo(unique("missing")), undefined);
    },
  );

  test(
    "a stream no group reads is trimmed to about maxLen; dead letters kept",
    { maxLen: 100, trimIntervalMs: 60_000 },
    async ({ queue }) => {
      const stream = unique("nogroup");
      await anycastMany(queue, stream, 1000);
      const [report] = await queue.trimNow();
      const left = report?.info?.length ?? -1;
      assert.ok(left >= 100 && left < 1000, `about 100: ${left}`);
      assert.equal(report?.trimmed, 1000 - left);
      assert.deepEqual(report?.losses, []);
    },
  );
  test(
    "dead letters are capped at maxLen by the retention step only, every drop counted and logged",
    { maxLen: 100, trimIntervalMs: 60_000, logger },
    async ({ queue }) => {
      const stream = unique("dlqcap");
      const consumer = await queue.consumer({
        group: "g",
        name: "g-1",
        streams: [stream],
        batchSize: 500,
      });
      await anycastMany(queue, stream, 300);
      for (const got of await read(consumer, 300, false)) {
        await consumer.deadLetter(got, new Error("poison"));
      }
      const before = await queue.deadLetters(stream, { count: 1000 });
      assert.equal(
        before.length,
        300,
        "an add never trims a dead-letter stream",
      );
      const dropsBefore = queue.stats.droppedDeadLetters;
      const errorsBefore = logger.errors.length;
      await queue.trimNow();
      const after = await queue.deadLetters(stream, { count: 1000 });
      const dropped = queue.stats.droppedDeadLetters - dropsBefore;
      assert.ok(dropped > 0, "the cap dropped some");
      assert.equal(after.length + dropped, 300, "each one dropped is counted");
      assert.ok(after.length >= 100, "about maxLen are kept");
      // The newest are kept.
      assert.equal(after.at(-1)?.id, before.at(-1)?.id);
      const logged = logger.errors.slice(errorsBefore).find(([msg]) =>
        msg.includes("dead letters were dropped")
      );
      assert.equal(logged?.[1]?.count, dropped);
      assert.equal(logged?.[1]?.deadLetterStream, `${stream}.dlq`);
      await consumer.close();
    },
  );

  test(
    "a broadcast channel's dead letters are capped and counted while a subscriber is open",
    { maxLen: 100, trimIntervalMs: 60_000, logger },
    async ({ queue, publishRaw }) => {
      const channel = unique("dlqcast");
      made.push(`${channel}.dlq`);
      const subscriber = await queue.subscriber({ channels: [channel] });
      for (let i = 0; i < 300; i++) await publishRaw(channel, `{"bad":${i}}`);
      // The subscriber dead-letters each one; wait until all 300 are there.
      const deadline = Date.now() + 20_000;
      let letters = 0;
      while (Date.now() < deadline) {
        letters = (await queue.deadLetters(channel, { count: 1000 })).length;
        if (letters >= 300) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(letters, 300);
      const dropsBefore = queue.stats.droppedDeadLetters;
      await queue.trimNow();
      const dropped = queue.stats.droppedDeadLetters - dropsBefore;
      const after = (await queue.deadLetters(channel, { count: 1000 })).length;
      assert.ok(dropped > 0);
      assert.equal(after + dropped, 300);
      await subscriber.close();
    },
  );
}
