// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Message queue benchmark (`deno task bench:mq`): anycast end to end, one
 * producer and four consumers of one consumer group, 256-byte JSON payloads,
 * on the halfstack Redis (DB 9, flushed before each run), side by side in one
 * process:
 *
 * - `raw`: plain ioredis, `XADD MAXLEN ~` / `XREADGROUP COUNT 64` / one `XACK`
 *   per read batch: the medium's limit;
 * - `ours`: `RedisStreamQueue` (anycaster, four consumers, `done()` per message);
 * - `bullmq`: npm BullMQ, `addBulk` (flat) or `add` (paced), one Worker with
 *   concurrency 64 (other worker layouts were not compared).
 *
 * Each runs flat out (at most 256 sends in flight) and paced at 5000 msg/s.
 * Reported: messages/s from the first send to the last message handled, and
 * the p50/p99 latency from send to handler (send time is in the payload).
 * The last line of stdout is one JSON object with the figures and ratios.
 *
 * Environment: `BENCH_N` (default 50000) messages flat out for raw and ours,
 * `BENCH_N_BULLMQ` (default 20000), `BENCH_N_PACED` (default 10000, i.e. 2 s
 * at 5000/s), `BACKEND_REDIS_ADDR` (else the halfstack env file).
 *
 * @module
 */

import { Redis } from "ioredis";
// Inline on purpose: every deno.json import becomes a dependency of the npm
// build (scripts/build_npm.ts), and BullMQ is only the benchmark's peer.
// deno-lint-ignore no-import-prefix
import { Queue, Worker } from "npm:bullmq@5.81.5";
import { RedisStreamQueue } from "../../message_queue/mod.ts";
import type { Logger } from "../../utils.ts";
import { readHalfstackEnv } from "../halfstack.ts";

const N = Number(Deno.env.get("BENCH_N") ?? 50_000);
const N_BULLMQ = Number(Deno.env.get("BENCH_N_BULLMQ") ?? 20_000);
const N_PACED = Number(Deno.env.get("BENCH_N_PACED") ?? 10_000);
const RATE = 5_000;
const WINDOW = 256;
const CONSUMERS = 4;
const DB = 9;
const WARMUP = 2_000;

const addr = Deno.env.get("BACKEND_REDIS_ADDR") ??
  readHalfstackEnv()?.BACKEND_REDIS_ADDR ?? "127.0.0.1:16379";
const [host = "127.0.0.1", portText = "16379"] = addr.split(":");
const port = Number(portText);

const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, fields) => console.error(message, fields ?? ""),
};

/** What one scenario measured. */
interface Measurement {
  messages: number;
  seconds: number;
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** A 256-byte JSON text carrying its send time. */
function payload(): string {
  const head = `{"t":${performance.now().toFixed(3)},"pad":"`;
  return head + "x".repeat(256 - head.length - 2) + '"}';
}

function sendTime(body: unknown): number {
  return (body as { t: number }).t;
}

/** Collects latencies and resolves once `n` messages were handled. */
class Sink {
  readonly latencies: Float64Array;
  count = 0;
  readonly finished: Promise<void>;
  #resolve!: () => void;

  constructor(readonly n: number) {
    this.latencies = new Float64Array(n);
    this.finished = new Promise((resolve) => (this.#resolve = resolve));
  }

  record(sentAt: number): void {
    if (this.count < this.n) {
      this.latencies[this.count] = performance.now() - sentAt;
    }
    if (++this.count === this.n) this.#resolve();
  }

  measure(seconds: number): Measurement {
    const sorted = this.latencies.slice(0, Math.min(this.count, this.n)).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
    return {
      messages: this.n,
      seconds: round(seconds, 3),
      msgsPerSec: Math.round(this.n / seconds),
      p50Ms: round(at(0.5), 3),
      p99Ms: round(at(0.99), 3),
    };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * Sends `n` messages: flat out with at most WINDOW in flight, or paced at
 * RATE per second (each millisecond tick sends what is due).
 */
async function produce(
  n: number,
  paced: boolean,
  send: () => Promise<unknown>,
): Promise<void> {
  if (!paced) {
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const errors: unknown[] = [];
    for (let i = 0; i < n; i++) {
      while (inFlight >= WINDOW) await new Promise<void>((r) => (wake = r));
      inFlight++;
      send().catch((err) => errors.push(err)).finally(() => {
        inFlight--;
        wake?.();
        wake = undefined;
      });
    }
    while (inFlight > 0) await new Promise<void>((r) => (wake = r));
    if (errors.length > 0) throw errors[0];
    return;
  }
  // Paced: count completions rather than keep every promise, so the harness
  // itself adds no survivors for the garbage collector to copy.
  const start = performance.now();
  let sent = 0;
  let settled = 0;
  let failure: unknown;
  const onSettled = () => void settled++;
  while (sent < n) {
    const due = Math.min(
      n,
      Math.floor((performance.now() - start) * RATE / 1000),
    );
    while (sent < due) {
      send().catch((err) => (failure ??= err)).finally(onSettled);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  while (settled < n) await new Promise((r) => setTimeout(r, 1));
  if (failure !== undefined) throw failure;
}

function redis(): Redis {
  return new Redis({ host, port, db: DB, lazyConnect: true });
}

async function flush(): Promise<void> {
  const client = redis();
  await client.connect();
  await client.flushdb();
  await client.quit();
}

/** Raw ioredis: the medium's limit. */
async function runRaw(n: number, paced: boolean): Promise<Measurement> {
  const stream = "bench-raw";
  const producer = new Redis({
    host,
    port,
    db: DB,
    enableAutoPipelining: true,
  });
  const acker = new Redis({ host, port, db: DB, enableAutoPipelining: true });
  const readers = Array.from({ length: CONSUMERS }, () => redis());
  await Promise.all(readers.map((r) => r.connect()));
  await producer.xgroup("CREATE", stream, "g", "$", "MKSTREAM");
  const sink = new Sink(n);
  let stop = false;
  const loops = readers.map(async (reader, i) => {
    while (!stop) {
      const reply = await reader.xreadgroup(
        "GROUP",
        "g",
        `c${i}`,
        "COUNT",
        64,
        "BLOCK",
        100,
        "STREAMS",
        stream,
        ">",
      ) as [string, [string, string[]][]][] | null;
      if (reply === null) continue;
      const ids: string[] = [];
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          const at = fields.indexOf("payload");
          sink.record(sendTime(JSON.parse(fields[at + 1] as string)));
          ids.push(id);
        }
      }
      await acker.xack(stream, "g", ...ids);
    }
  });
  const start = performance.now();
  await produce(n, paced, () =>
    producer.xadd(
      stream,
      "MAXLEN",
      "~",
      100_000,
      "*",
      "name",
      "bench",
      "source",
      "bench",
      "payload",
      payload(),
    ));
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(loops);
  await Promise.all([producer, acker, ...readers].map((c) => c.quit()));
  return sink.measure(seconds);
}

/** This library's RedisStreamQueue. */
async function runOurs(n: number, paced: boolean): Promise<Measurement> {
  const stream = "bench-ours";
  const queue = await RedisStreamQueue.connect({ addr, db: DB }, {
    nodeId: "bench",
    logger: quiet,
  });
  const consumers = await Promise.all(
    Array.from({ length: CONSUMERS }, (_, i) =>
      queue.consumer({
        group: "g",
        name: `c${i}`,
        streams: [stream],
        batchSize: 64,
        blockMs: 100,
      })),
  );
  const sink = new Sink(n);
  const loops = consumers.map(async (consumer) => {
    for await (const message of consumer) {
      sink.record(sendTime(message.body));
      await consumer.done(message);
    }
  });
  const anycaster = queue.anycaster({ stream });
  const start = performance.now();
  await produce(
    n,
    paced,
    () =>
      anycaster.anycast({ name: "bench", source: "bench", payload: payload() }),
  );
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await queue.close();
  await Promise.all(loops);
  return sink.measure(seconds);
}

/** npm BullMQ: addBulk (flat) or add (paced), one Worker of concurrency 64. */
async function runBullmq(n: number, paced: boolean): Promise<Measurement> {
  const connection = { host, port, db: DB, maxRetriesPerRequest: null };
  const name = "bench-bullmq";
  const queue = new Queue(name, {
    connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
  });
  const sink = new Sink(n);
  const worker = new Worker(
    name,
    (job) => {
      sink.record(sendTime(JSON.parse(job.data.payload as string)));
      return Promise.resolve();
    },
    { connection, concurrency: 64 },
  );
  await worker.waitUntilReady();
  const start = performance.now();
  if (paced) {
    await produce(n, true, () => queue.add("bench", { payload: payload() }));
  } else {
    for (let i = 0; i < n; i += WINDOW) {
      const jobs = Array.from(
        { length: Math.min(WINDOW, n - i) },
        () => ({ name: "bench", data: { payload: payload() } }),
      );
      await queue.addBulk(jobs);
    }
  }
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await worker.close();
  await queue.close();
  return sink.measure(seconds);
}

type Runner = (n: number, paced: boolean) => Promise<Measurement>;

async function scenario(
  label: string,
  run: Runner,
  n: number,
  paced: boolean,
): Promise<Measurement> {
  await flush();
  await run(WARMUP, paced);
  await flush();
  const result = await run(n, paced);
  console.log(
    `${label.padEnd(7)} ${(paced ? "paced 5000/s" : "flat out").padEnd(13)} ` +
      `${String(result.messages).padStart(6)} msgs ` +
      `${String(result.msgsPerSec).padStart(7)} msg/s  ` +
      `p50 ${result.p50Ms.toFixed(3).padStart(8)} ms  p99 ${
        result.p99Ms.toFixed(3).padStart(8)
      } ms`,
  );
  return result;
}

console.log(
  `Redis ${addr} DB ${DB}; 1 producer, ${CONSUMERS} consumers, 256-byte payloads; ` +
    `${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
// BENCH_ONLY=ours (or raw, bullmq, comma-separated) runs a subset while tuning.
const only = new Set(
  (Deno.env.get("BENCH_ONLY") ?? "raw,ours,bullmq").split(","),
);
const skipped: Measurement = {
  messages: 0,
  seconds: 0,
  msgsPerSec: NaN,
  p50Ms: NaN,
  p99Ms: NaN,
};
const pick = (label: string, run: Runner, n: number, paced: boolean) =>
  only.has(label) ? scenario(label, run, n, paced) : Promise.resolve(skipped);
const flat = {
  raw: await pick("raw", runRaw, N, false),
  ours: await pick("ours", runOurs, N, false),
  bullmq: await pick("bullmq", runBullmq, N_BULLMQ, false),
};
const paced = {
  raw: await pick("raw", runRaw, N_PACED, true),
  ours: await pick("ours", runOurs, N_PACED, true),
  bullmq: await pick("bullmq", runBullmq, N_PACED, true),
};
await flush();
const ratios = {
  oursVsRawFlat: round(flat.ours.msgsPerSec / flat.raw.msgsPerSec, 3),
  oursVsBullmqFlat: round(flat.ours.msgsPerSec / flat.bullmq.msgsPerSec, 3),
  oursVsRawPacedP99: round(paced.ours.p99Ms / paced.raw.p99Ms, 3),
};
const targets = {
  "oursVsRawFlat>=0.8": ratios.oursVsRawFlat >= 0.8,
  "oursVsBullmqFlat>=5": ratios.oursVsBullmqFlat >= 5,
  "oursPacedP99<=2.5ms": paced.ours.p99Ms <= 2.5,
};
console.log(
  `ours/raw flat ${ratios.oursVsRawFlat}x, ours/bullmq flat ${ratios.oursVsBullmqFlat}x, ` +
    `paced p99 ours ${paced.ours.p99Ms} ms vs raw ${paced.raw.p99Ms} ms`,
);
console.log(JSON.stringify({ n: N, flat, paced5000: paced, ratios, targets }));
// BullMQ's ioredis connections can keep timers alive after close.
Deno.exit(0);
