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

import { RedisStreamQueue } from "../../message_queue/mod.ts";
import {
  addr,
  CONSUMERS,
  DB,
  flush,
  type Measurement,
  N,
  N_BULLMQ,
  N_PACED,
  payload,
  produce,
  quiet,
  round,
  runBullmq,
  type Runner,
  runRaw,
  scenario,
  sendTime,
  Sink,
} from "./_harness.ts";

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
