// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Shared parts of the Redis benchmarks (scripts/bench/mq.ts, events.ts): the
 * Redis target, the 256-byte payload with its send time, the latency sink,
 * the flat-out and paced producers, and the raw ioredis and BullMQ peers.
 *
 * @module
 */

import { Redis } from "ioredis";
// Inline on purpose: every deno.json import becomes a dependency of the npm
// build (scripts/build_npm.ts), and BullMQ is only the benchmarks' peer.
// deno-lint-ignore no-import-prefix
import { Queue, Worker } from "npm:bullmq@5.81.5";
import type { Logger } from "../../utils.ts";
import { readHalfstackEnv } from "../halfstack.ts";

export const N = Number(Deno.env.get("BENCH_N") ?? 50_000);
export const N_BULLMQ = Number(Deno.env.get("BENCH_N_BULLMQ") ?? 20_000);
export const N_PACED = Number(Deno.env.get("BENCH_N_PACED") ?? 10_000);
export const RATE = 5_000;
export const WINDOW = 256;
export const CONSUMERS = 4;
export const DB = 9;
export const WARMUP = 2_000;
/** Rounds of a benchmark whose targets are judged on the median round. */
export const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 5);

export const addr = Deno.env.get("BACKEND_REDIS_ADDR") ??
  readHalfstackEnv()?.BACKEND_REDIS_ADDR ?? "127.0.0.1:16379";
const [hostText = "127.0.0.1", portText = "16379"] = addr.split(":");
export const host: string = hostText;
export const port: number = Number(portText);

export const quiet: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, fields) => console.error(message, fields ?? ""),
};

/** What one scenario measured. */
export interface Measurement {
  messages: number;
  seconds: number;
  msgsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** A 256-byte JSON text carrying its send time. */
export function payload(): string {
  const head = `{"t":${performance.now().toFixed(3)},"pad":"`;
  return head + "x".repeat(256 - head.length - 2) + '"}';
}

export function sendTime(body: unknown): number {
  return (body as { t: number }).t;
}

/** Collects latencies and resolves once `n` messages were handled. */
export class Sink {
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

export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The median (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1
    ? sorted[mid] as number
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Per-round ratios summarised: the median (what a target is judged on) and
 * the worst round (the lowest for an at-least target, the highest for an
 * at-most one).
 */
export function summarise<K extends string>(
  perRound: readonly Readonly<Record<K, number>>[],
  atMost: readonly K[] = [],
): { median: Record<K, number>; worst: Record<K, number> } {
  const keys = Object.keys(perRound[0] ?? {}) as K[];
  const medianOf = {} as Record<K, number>;
  const worst = {} as Record<K, number>;
  for (const key of keys) {
    const values = perRound.map((r) => r[key]).filter(Number.isFinite);
    medianOf[key] = round(median(values), 3);
    worst[key] = atMost.includes(key)
      ? Math.max(...values)
      : Math.min(...values);
  }
  return { median: medianOf, worst };
}

/**
 * Sends `n` messages: flat out with at most WINDOW in flight, or paced at
 * RATE per second (each millisecond tick sends what is due).
 */
export async function produce(
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

export function redis(): Redis {
  return new Redis({ host, port, db: DB, lazyConnect: true });
}

export async function flush(): Promise<void> {
  const client = redis();
  await client.connect();
  await client.flushdb();
  await client.quit();
}

/** Raw ioredis: the medium's limit. */
export async function runRaw(n: number, paced: boolean): Promise<Measurement> {
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

/** BullMQ worker concurrencies a benchmark tries, to give BullMQ its best. */
export const BULLMQ_CONCURRENCIES: number[] = (
  Deno.env.get("BENCH_BULLMQ_CONCURRENCY") ?? "4,16,64"
).split(",").map(Number);

/**
 * npm BullMQ: `addBulk` in windows of 256 (flat) or `add` (paced), one
 * Worker of the given concurrency (default 64).
 */
export async function runBullmq(
  n: number,
  paced: boolean,
  concurrency = 64,
): Promise<Measurement> {
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
    { connection, concurrency },
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

export type Runner = (n: number, paced: boolean) => Promise<Measurement>;

export async function scenario(
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
    `${label.padEnd(10)} ${(paced ? "paced 5000/s" : "flat out").padEnd(13)} ` +
      `${String(result.messages).padStart(6)} msgs ` +
      `${String(result.msgsPerSec).padStart(7)} msg/s  ` +
      `p50 ${result.p50Ms.toFixed(3).padStart(8)} ms  p99 ${
        result.p99Ms.toFixed(3).padStart(8)
      } ms`,
  );
  return result;
}
