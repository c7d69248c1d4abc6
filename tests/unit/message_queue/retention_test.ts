// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The queue's trimming loop beyond the conformance suite, on the memory
// backend: backpressure (reject, wait, time out, abort), the backlog
// warning, the hooks, the option checks, and the loop running by itself.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  type Consumer,
  MemoryQueue,
  MessageQueueClosedError,
  type OutgoingMessage,
  StreamFullError,
  type TrimReport,
} from "../../../message_queue/mod.ts";
import type { Logger } from "../../../utils.ts";
import { quietLogger } from "../../_logger.ts";

const message = (n: number): OutgoingMessage => ({
  name: "m",
  source: "test",
  payload: JSON.stringify({ n }),
});

const batch = (count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, n) => message(n));

/** Reads and acks `count` messages. */
async function drain(consumer: Consumer, count: number): Promise<void> {
  let seen = 0;
  for await (const read of consumer.batches()) {
    await consumer.doneAll(read);
    seen += read.length;
    if (seen >= count) return;
  }
}

Deno.test("backpressure reject: an anycast past hardMaxLen is refused at once, then accepted once the group caught up", async () => {
  await using queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 50,
    backpressure: "reject",
    trimIntervalMs: 60_000,
    logger: quietLogger,
  });
  const consumer = await queue.consumer({ group: "g", batchSize: 100 });
  const anycaster = queue.anycaster();
  await anycaster.anycastBatch(batch(50));
  await assert.rejects(
    anycaster.anycast(message(50)),
    (err: unknown) =>
      err instanceof StreamFullError &&
      err.data?.stream === "events" &&
      err.data?.hardMaxLen === 50 &&
      err.data?.length === 50 &&
      /hardMaxLen is 50/.test(err.message),
  );
  await assert.rejects(anycaster.anycastBatch(batch(60)), StreamFullError);
  await drain(consumer, 50);
  await consumer.close(); // confirms the acks
  await queue.trimNow();
  assert.match(await anycaster.anycast(message(51)), /^\d+-\d+$/);
  assert.equal(queue.stats.lostEntries, 0);
});

Deno.test("backpressure wait: an anycast waits for room, and goes once the group acknowledged", async () => {
  await using queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 20,
    backpressure: "wait",
    backpressureTimeoutMs: 5000,
    trimIntervalMs: 60_000,
    logger: quietLogger,
  });
  const consumer = await queue.consumer({ group: "g", batchSize: 100 });
  const anycaster = queue.anycaster();
  await anycaster.anycastBatch(batch(20));
  let sent = false;
  const waiting = anycaster.anycast(message(20)).then((id) => {
    sent = true;
    return id;
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sent, false, "held while the stream is at the cap");
  await drain(consumer, 20);
  const id = await waiting; // the waiting loop (every 250 ms) finds room
  assert.match(id, /^\d+-\d+$/);
  const info = await queue.streamInfo();
  assert.ok((info?.length ?? 99) <= 20, `length ${info?.length}`);
  await consumer.close();
});

Deno.test("backpressure wait: a send times out with StreamFullError, or ends with its signal", async () => {
  await using queue = new MemoryQueue({
    maxLen: 5,
    hardMaxLen: 5,
    backpressure: "wait",
    backpressureTimeoutMs: 150,
    trimIntervalMs: 60_000,
    logger: quietLogger,
  });
  const consumer = await queue.consumer({ group: "g" });
  await consumer.close(); // down: the stream stays full
  const anycaster = queue.anycaster();
  await anycaster.anycastBatch(batch(5));
  const started = Date.now();
  await assert.rejects(
    anycaster.anycast(message(5)),
    (err: unknown) =>
      err instanceof StreamFullError &&
      (err.data?.waitedMs as number) >= 140,
  );
  assert.ok(Date.now() - started < 2000);
  const reason = new Error("shutting down");
  const controller = new AbortController();
  const aborted = anycaster.anycast(message(6), { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(aborted, /shutting down/);
  const pending = anycaster.anycast(message(7));
  await queue.close();
  await assert.rejects(pending, MessageQueueClosedError);
});

Deno.test("trimming: a group's backlog near hardMaxLen is warned about, once a minute at most", async () => {
  const warnings: [string, Record<string, unknown> | undefined][] = [];
  const logger: Logger = {
    ...quietLogger,
    warn: (msg, fields) => warnings.push([msg, fields]),
  };
  await using queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 100,
    trimIntervalMs: 60_000,
    logger,
  });
  const consumer = await queue.consumer({ group: "slow" });
  await consumer.close();
  const anycaster = queue.anycaster();
  await anycaster.anycastBatch(batch(79));
  await queue.trimNow();
  assert.equal(warnings.length, 0, "79 is below 80 % of 100");
  await anycaster.anycast(message(80));
  await queue.trimNow();
  await queue.trimNow();
  assert.equal(warnings.length, 1, "warned once");
  assert.match(warnings[0]?.[0] ?? "", /nears the stream's hardMaxLen/);
  assert.equal(warnings[0]?.[1]?.group, "slow");
  assert.equal(warnings[0]?.[1]?.lag, 80);
});

Deno.test("trimming: without a hard cap, a group behind by more than maxLen is warned about", async () => {
  const warnings: string[] = [];
  await using queue = new MemoryQueue({
    maxLen: 10,
    trimIntervalMs: 60_000,
    logger: { ...quietLogger, warn: (msg) => warnings.push(msg) },
  });
  const consumer = await queue.consumer({ group: "slow" });
  await consumer.close();
  await queue.anycaster().anycastBatch(batch(25));
  const [report] = await queue.trimNow();
  assert.equal(report?.info?.length, 25, "kept for the group");
  assert.deepEqual(warnings, [
    "message queue: a consumer group is far behind; the stream is kept beyond maxLen for it",
  ]);
});

Deno.test("trimming: the loop runs by itself, calls onTrim, and a throwing hook is logged", async () => {
  const reports: TrimReport[] = [];
  const errors: string[] = [];
  await using queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 10,
    trimIntervalMs: 20,
    onTrim: (report) => reports.push(report),
    onTrimLoss: () => {
      throw new Error("broken hook");
    },
    logger: { ...quietLogger, error: (msg) => errors.push(msg) },
  });
  const consumer = await queue.consumer({ group: "g" });
  await consumer.close();
  await queue.anycaster().anycastBatch(batch(30));
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(reports.length >= 2, `${reports.length} runs`);
  assert.equal(reports[0]?.stream, "events");
  assert.equal(queue.stats.lostEntries, 20);
  assert.ok(errors.includes("message queue: the onTrimLoss hook threw"));
  assert.equal(reports.at(-1)?.info?.groups[0]?.lag, 10);
});

Deno.test("trimming: a queue whose components are all closed watches nothing", async () => {
  // The queue is not closed on purpose: the loop's timer is unref'd and
  // stopped once nothing is watched.
  const queue = new MemoryQueue({ trimIntervalMs: 10, logger: quietLogger });
  const anycaster = queue.anycaster();
  const consumer = await queue.consumer({
    group: "g",
    name: "c",
    streams: ["other"],
  });
  await anycaster.anycast(message(1));
  await new Promise((r) => setTimeout(r, 30));
  await anycaster.close();
  await consumer.close();
  assert.deepEqual(await queue.trimNow(), [], "nothing watched any more");
});

Deno.test("trimming options are checked, naming the field", () => {
  for (
    const [field, options] of [
      ["hardMaxLen", { maxLen: 100, hardMaxLen: 99 }],
      ["hardMaxLen", { hardMaxLen: 0 }],
      ["trimIntervalMs", { trimIntervalMs: 0 }],
      ["backpressure", { backpressure: "wait" }],
      ["backpressure", { hardMaxLen: 200_000, backpressure: "drop" }],
      ["backpressureTimeoutMs", {
        hardMaxLen: 200_000,
        backpressure: "wait",
        backpressureTimeoutMs: -1,
      }],
    ] as const
  ) {
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => new MemoryQueue(options as any),
      (err: unknown) =>
        err instanceof InvalidAPIParameters && err.data?.field === field,
      field,
    );
  }
});

Deno.test("trimming: the loop does not keep a program alive that forgot close()", async () => {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const child = here.replace(
    /retention_test\.(ts|js)$/,
    `_exit_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = compiled ? [child] : ["run", "-A", child];
  const { code, out } = await new Promise<{ code: number | null; out: string }>(
    (resolve, reject) => {
      const proc = spawn(command, args, {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      proc.stdout.on("data", (chunk) => (out += chunk));
      const killer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
      proc.on("error", reject);
      proc.on("exit", (exitCode) => {
        clearTimeout(killer);
        resolve({ code: exitCode, out });
      });
    },
  );
  assert.equal(out.trim(), "sent");
  assert.equal(code, 0, "the program exited by itself");
});

Deno.test("trimming: a group's losses are logged at once, then summed for a minute, and the rest on close", async () => {
  const errors: [string, Record<string, unknown> | undefined][] = [];
  const queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 10,
    trimIntervalMs: 60_000,
    logger: {
      ...quietLogger,
      error: (msg, fields) => errors.push([msg, fields]),
    },
  });
  const consumer = await queue.consumer({ group: "gone", name: "g" });
  await consumer.close();
  const anycaster = queue.anycaster();
  for (let round = 0; round < 3; round++) {
    await anycaster.anycastBatch(batch(15));
    await queue.trimNow();
  }
  assert.equal(queue.stats.trimLosses, 3, "three losses");
  assert.equal(queue.stats.lostEntries, 5 + 15 + 15);
  assert.equal(errors.length, 1, "one error line within the minute");
  assert.equal(errors[0]?.[1]?.count, 5);
  await queue.close();
  assert.equal(errors.length, 2, "the held losses, logged on close");
  assert.match(errors[1]?.[0] ?? "", /more entries were trimmed/);
  assert.deepEqual(
    [errors[1]?.[1]?.count, errors[1]?.[1]?.losses, errors[1]?.[1]?.group],
    [30, 2, "gone"],
  );
});
