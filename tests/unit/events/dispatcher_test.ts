// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The dispatcher on the memory backend.

import assert from "node:assert/strict";
import { z } from "zod";
import { currentRequestId, withRequestId } from "../../../contexts/mod.ts";
import {
  BgtaskDoneEvent,
  BgtaskUpdatedEvent,
  defineEvent,
  EventDispatcher,
  EventDomain,
  EventProducer,
} from "../../../events/mod.ts";
import {
  MemoryQueue,
  MemoryStreamStore,
  StreamQueue,
} from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

const Job = defineEvent({
  name: "test_job",
  domain: EventDomain.SCHEDULE,
  pattern: "anycast",
  schema: z.object({ n: z.number() }),
});
const Other = defineEvent({
  name: "test_other",
  domain: EventDomain.SCHEDULE,
  pattern: "anycast",
  schema: z.object({}),
});
const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(consumer = {}) {
  const queue = new MemoryQueue({ logger: quietLogger });
  const producer = new EventProducer(queue, { source: "test-node" });
  const dispatcher = (group: string, name = group) =>
    new EventDispatcher(queue, {
      group,
      consumer: { name, ...consumer },
      logger: quietLogger,
    });
  return { queue, producer, dispatcher };
}

Deno.test("dispatcher: two dispatchers of one group handle N events once in total; another group gets all", async () => {
  const { queue, producer, dispatcher } = setup();
  await using _queue = queue;
  const a = dispatcher("manager", "a");
  const b = dispatcher("manager", "b");
  const audit = dispatcher("audit");
  const handled: number[] = [];
  const audited: number[] = [];
  for (const d of [a, b]) {
    d.consume(Job, (_c, _s, body) => void handled.push(body.n));
  }
  audit.consume(Job, (_c, _s, body) => void audited.push(body.n));
  await Promise.all([a.start(), b.start(), audit.start()]);
  const n = 200;
  for (let i = 0; i < n; i++) await producer.anycast(Job.create({ n: i }));
  await until(() => handled.length >= n && audited.length >= n);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(handled.length, n);
  assert.deepEqual(new Set(handled).size, n);
  assert.equal(audited.length, n);
  await Promise.all([a.close(), b.close(), audit.close()]);
});

Deno.test("dispatcher: the handler sees the producer's request id and source", async () => {
  const { queue, producer, dispatcher } = setup();
  await using _queue = queue;
  await using d = dispatcher("g");
  const seen: string[] = [];
  d.consume(Job, (context, source) => {
    seen.push(`${context} ${source} ${currentRequestId()}`);
  }, { context: "ctx" });
  await d.start();
  await withRequestId("req-42", () => producer.anycast(Job.create({ n: 1 })));
  await producer.anycast(Job.create({ n: 2 }), { source: "override" });
  await until(() => seen.length === 2);
  assert.deepEqual(seen, ["ctx test-node req-42", "ctx override undefined"]);
});

Deno.test("dispatcher: no handler acks at once; an undecodable body is dead-lettered and acked; a failing handler gets a redelivery", async () => {
  // Group "g" redelivers only after a minute, so a message it leaves
  // unacknowledged stays in its pending list for the whole test: a missing
  // ack cannot hide behind a redelivery and a dead letter.
  const store = new MemoryStreamStore();
  const queue = new StreamQueue(store, { logger: quietLogger });
  await using _queue = queue;
  const producer = new EventProducer(queue, { source: "test-node" });
  await using d = new EventDispatcher(queue, {
    group: "g",
    consumer: { name: "g", idleTimeoutMs: 60_000 },
    logger: quietLogger,
  });
  const attempts: number[] = [];
  const failures: string[] = [];
  const handledByG: number[] = [];
  const flaky = new EventDispatcher(queue, {
    group: "flaky",
    consumer: { idleTimeoutMs: 50, reclaimIntervalMs: 10 },
    logger: quietLogger,
    onConsumerError: (err) => failures.push((err as Error).message),
  });
  flaky.consume(Job, (_c, _s, body) => {
    attempts.push(body.n);
    if (attempts.length === 1) throw new Error("first try fails");
  });
  d.consume(Job, (_c, _s, body) => void handledByG.push(body.n));
  await Promise.all([d.start(), flaky.start()]);
  await producer.anycast(Other.create({})); // nobody consumes test_other
  await queue.anycaster().anycast({
    name: "test_job",
    source: "raw",
    payload: '{"n":"not a number"}',
  });
  await producer.anycast(Job.create({ n: 5 }));
  await until(() => attempts.filter((n) => n === 5).length === 2);
  assert.deepEqual(failures, ["first try fails"]);
  await until(() => handledByG.length === 1); // "g" has read all three
  const letters = await queue.deadLetters();
  const forG = letters.filter((l) => l.group === "g");
  assert.equal(forG.length, 1);
  assert.match(forG[0]?.error ?? "", /Cannot decode event "test_job": n:/);
  // Nothing stays pending for "g" (acks go out in batches: allow them a
  // moment, far less than the minute a redelivery would take).
  const deadline = Date.now() + 2_000;
  let pending: string[];
  for (;;) {
    const { entries } = await store.claimIdle({
      stream: "events",
      group: "g",
      consumer: "probe",
      minIdleMs: 0,
      count: 100,
      cursor: "0-0",
    });
    pending = entries.map((entry) => String(entry.fields.name));
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(pending, [], "left unacknowledged in group g");
  await flaky.close();
});

Deno.test("dispatcher: one failing subscriber does not stop the others; errors reach the hook; observer and reporters see each run", async () => {
  const { queue, producer } = setup();
  await using _queue = queue;
  const errors: string[] = [];
  const outcomes: string[] = [];
  const reports: string[] = [];
  await using d = new EventDispatcher(queue, {
    logger: quietLogger,
    onSubscriberError: (err, run) =>
      errors.push(`${run.handler}: ${(err as Error).message}`),
    observer: {
      onSuccess: (event) => outcomes.push(`ok ${event}`),
      onFailure: (event) => outcomes.push(`failed ${event}`),
    },
  });
  const got: string[] = [];
  d.subscribe(BgtaskDoneEvent, () => {
    throw new Error("boom");
  }, { name: "broken" });
  d.subscribe(BgtaskDoneEvent, async (_c, _s, body) => {
    await new Promise((r) => setTimeout(r, 1));
    got.push(body.message ?? "");
  }, {
    name: "fine",
    startReporters: [(run) => void reports.push(`start ${run.handler}`)],
    completeReporters: [
      (run, outcome) =>
        void reports.push(`done ${run.handler} ${outcome.error === undefined}`),
    ],
  });
  await d.start();
  await producer.broadcast(
    BgtaskDoneEvent.create({ task_id: TASK, message: "m" }),
  );
  await until(() => got.length === 1 && errors.length === 1);
  assert.deepEqual(errors, ["broken: boom"]);
  assert.deepEqual(outcomes.sort(), ["failed bgtask_done", "ok bgtask_done"]);
  assert.deepEqual(reports, ["start fine", "done fine true"]);
});

Deno.test("dispatcher: unsubscribe and unconsume stop delivery; consume needs a group", async () => {
  const { queue, producer } = setup();
  await using _queue = queue;
  await using d = new EventDispatcher(queue, { logger: quietLogger });
  assert.throws(() => d.consume(Job, () => {}), /without a "group"/);
  const got: string[] = [];
  const registration = d.subscribe(BgtaskUpdatedEvent, (_c, _s, b) => {
    got.push(String(b.current_progress));
  });
  await d.start();
  const update = (n: number) =>
    producer.broadcast(BgtaskUpdatedEvent.create({
      task_id: TASK,
      current_progress: n,
      total_progress: 10,
      message: null,
    }));
  await update(1);
  await until(() => got.length === 1);
  d.unsubscribe(registration);
  await update(2);
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(got, ["1"]);
});

Deno.test("dispatcher: coalescing runs the handler once per burst, and the skipped anycast messages are acked", async () => {
  const { queue, producer } = setup();
  await using _queue = queue;
  await using d = new EventDispatcher(queue, {
    group: "g",
    consumer: { idleTimeoutMs: 300, reclaimIntervalMs: 20 },
    logger: quietLogger,
  });
  const runs: number[] = [];
  d.consume(Job, (_c, _s, body) => void runs.push(body.n), {
    coalescing: { maxWaitMs: 200, maxBatchSize: 5 },
  });
  await d.start();
  // Each burst is sent at once, well inside the 200 ms wait even on a busy
  // machine.
  const burst = (ns: number[]) =>
    Promise.all(ns.map((n) => producer.anycast(Job.create({ n }))));
  await burst([0, 1, 2]);
  await until(() => runs.length === 1);
  assert.deepEqual(runs, [2], "the trailing call of the burst runs");
  await burst([10, 11, 12, 13, 14, 15]);
  await until(() => runs.length === 3);
  assert.deepEqual(
    runs,
    [2, 14, 15],
    "the 5th runs at once, the 6th after the wait",
  );
  // Skipped messages were acked: nothing is redelivered after the idle timeout.
  await new Promise((r) => setTimeout(r, 450)); // past the 300 ms idle timeout
  assert.deepEqual(runs, [2, 14, 15], "nothing was redelivered");
});

Deno.test("dispatcher: closing during a coalescing wait runs the waiting call, so no message is acked unhandled", async () => {
  const { queue, producer } = setup();
  await using _queue = queue;
  const d = new EventDispatcher(queue, { group: "g", logger: quietLogger });
  const runs: number[] = [];
  d.consume(Job, (_c, _s, body) => void runs.push(body.n), {
    coalescing: { maxWaitMs: 10_000, maxBatchSize: 100 },
  });
  await d.start();
  await Promise.all([0, 1, 2].map((n) => producer.anycast(Job.create({ n }))));
  await new Promise((r) => setTimeout(r, 50)); // all three wait at the gate
  assert.deepEqual(runs, []);
  await d.close();
  assert.deepEqual(runs, [2], "the burst's trailing call ran at close");
});

Deno.test("dispatcher: a start() that failed can be tried again", async () => {
  const { queue } = setup();
  await using _queue = queue;
  let failures = 1;
  const flaky = new Proxy(queue, {
    get(target, key) {
      if (key === "consumer" && failures-- > 0) {
        return () => Promise.reject(new Error("broker down"));
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  await using d = new EventDispatcher(flaky, {
    group: "g",
    logger: quietLogger,
  });
  await assert.rejects(d.start(), /broker down/);
  const handled: number[] = [];
  d.consume(Job, (_c, _s, body) => void handled.push(body.n));
  await d.start();
  await new EventProducer(queue, { source: "t" }).anycast(Job.create({ n: 1 }));
  await until(() => handled.length === 1);
  assert.deepEqual(handled, [1]);
});

Deno.test("dispatcher: slow broadcast handlers do not hold up anycast handling (separate bounds)", async () => {
  const { queue, producer } = setup();
  await using _queue = queue;
  await using d = new EventDispatcher(queue, {
    group: "g",
    concurrency: 1,
    logger: quietLogger,
  });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  d.subscribe(BgtaskDoneEvent, () => gate); // stays busy
  const handled: number[] = [];
  d.consume(Job, (_c, _s, body) => void handled.push(body.n));
  await d.start();
  await producer.broadcast(
    BgtaskDoneEvent.create({ task_id: TASK, message: null }),
  );
  await producer.broadcast(
    BgtaskDoneEvent.create({ task_id: TASK, message: null }),
  );
  for (let i = 0; i < 3; i++) await producer.anycast(Job.create({ n: i }));
  await until(() => handled.length === 3);
  assert.deepEqual(handled, [0, 1, 2]);
  open();
});

Deno.test("dispatcher: an async handler that rejects leaves the message for redelivery, with the producer's request id", async () => {
  const queue = new MemoryQueue({ logger: quietLogger });
  await using _queue = queue;
  const producer = new EventProducer(queue, { source: "test-node" });
  const failures: string[] = [];
  await using d = new EventDispatcher(queue, {
    group: "async",
    consumer: { idleTimeoutMs: 50, reclaimIntervalMs: 10 },
    logger: quietLogger,
    onConsumerError: (err, run) =>
      failures.push(`${run.event} ${(err as Error).message}`),
  });
  const seen: string[] = [];
  d.consume(Job, async (_c, _s, body) => {
    await new Promise((r) => setTimeout(r, 1));
    seen.push(`${body.n} ${currentRequestId()}`);
    if (seen.length === 1) throw new Error("async failure");
  });
  await d.start();
  await withRequestId(
    "req-async",
    () => producer.anycast(Job.create({ n: 7 })),
  );
  await until(() => seen.length === 2);
  assert.deepEqual(seen, ["7 req-async", "7 req-async"]);
  assert.deepEqual(failures, ["test_job async failure"]);
  await new Promise((r) => setTimeout(r, 120)); // acked: nothing comes back
  assert.equal(seen.length, 2);
});

Deno.test("dispatcher: closing in the middle of a read acks what was handled and leaves the rest for another member", async () => {
  const { queue, producer, dispatcher } = setup({
    batchSize: 10,
    idleTimeoutMs: 60,
    reclaimIntervalMs: 10,
    startFrom: "beginning",
  });
  await using _queue = queue;
  const first = dispatcher("g", "first");
  const seenByFirst: number[] = [];
  let closing: Promise<void> | undefined;
  first.consume(Job, (_c, _s, body) => {
    seenByFirst.push(body.n);
    if (body.n === 2) closing = first.close(); // stops at once, mid-batch
  });
  // All ten are in the stream before the first read, so they come as one
  // batch (the group starts from the beginning).
  for (let n = 0; n < 10; n++) await producer.anycast(Job.create({ n }));
  await first.start();
  await until(() => closing !== undefined);
  await closing;
  assert.deepEqual(seenByFirst, [0, 1, 2], "nothing handled after close()");
  await using second = dispatcher("g", "second");
  const seenBySecond: number[] = [];
  second.consume(Job, (_c, _s, body) => void seenBySecond.push(body.n));
  const started = Date.now();
  await second.start();
  await until(() => seenBySecond.length === 7);
  assert.ok(
    Date.now() - started >= 40,
    "they were delivered and pending, so they came back by the idle timeout",
  );
  await new Promise((r) => setTimeout(r, 150)); // past another idle timeout
  assert.deepEqual(
    seenBySecond.sort((x, y) => x - y),
    [3, 4, 5, 6, 7, 8, 9],
    "the handled three were acked; the other seven came back once",
  );
});
