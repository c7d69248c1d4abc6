// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Events benchmark (`deno task bench:events`):
 *
 * 1. Local dispatch on the memory backend: an `EventProducer` anycasts and
 *    one `EventDispatcher` runs one no-op handler; events/s end to end (the
 *    target), and split in two for the record: the producer alone filling
 *    the queue, then the dispatcher alone draining it.
 * 2. Anycast end to end on the halfstack Redis (DB 9), one producer and four
 *    consumers, 256-byte bodies, flat out (256 sends in flight): a raw
 *    ioredis stream loop, ours (`EventProducer` → four `EventDispatcher`s of
 *    one group), BullMQ, and, under Node in a throwaway folder, Moleculer
 *    events with its Redis transporter (pub/sub, lossy) and
 *    `@moleculer/channels` with its Redis Streams adapter (durable,
 *    maxInFlight 100).
 *
 * The last line of stdout is one JSON object with the figures and ratios.
 * Environment: `BENCH_N` (default 50000), `BENCH_N_LOCAL` (200000),
 * `BENCH_N_BULLMQ` (20000), `BENCH_NO_MOLECULER=1` skips the Node peers.
 *
 * @module
 */

import { z } from "zod";
import {
  defineEvent,
  EventDispatcher,
  EventDomain,
  EventProducer,
} from "../../events/mod.ts";
import { MemoryQueue, RedisStreamQueue } from "../../message_queue/mod.ts";
import {
  addr,
  CONSUMERS,
  DB,
  flush,
  host,
  type Measurement,
  N,
  N_BULLMQ,
  port,
  produce,
  quiet,
  round,
  runBullmq,
  runRaw,
  scenario,
  Sink,
} from "./_harness.ts";
import { runNodePeer } from "./_node_peers.ts";

const N_LOCAL = Number(Deno.env.get("BENCH_N_LOCAL") ?? 200_000);

const BenchEvent = defineEvent({
  name: "bench_event",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ t: z.number(), pad: z.string() }),
});

function body(): { t: number; pad: string } {
  return { t: performance.now(), pad: "x".repeat(230) };
}

/** Anycasts `n` events, 1 000 at a time. */
async function produceLocal(producer: EventProducer, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    await Promise.all(
      Array.from(
        { length: Math.min(1000, n - i) },
        () => producer.anycast(BenchEvent.create(body())),
      ),
    );
  }
}

/** Producer → MemoryQueue → dispatcher → no-op handler, in one process. */
async function runLocal(n: number): Promise<Measurement> {
  await using queue = new MemoryQueue({ logger: quiet, maxLen: 10_000_000 });
  const producer = new EventProducer(queue, { source: "bench" });
  const dispatcher = new EventDispatcher(queue, {
    group: "g",
    consumer: { batchSize: 256 },
    logger: quiet,
  });
  const sink = new Sink(n);
  dispatcher.consume(BenchEvent, (_c, _s, event) => sink.record(event.t));
  await dispatcher.start();
  const start = performance.now();
  await produceLocal(producer, n);
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await dispatcher.close();
  return sink.measure(seconds);
}

/**
 * The two halves of {@linkcode runLocal} apart: the producer fills the
 * queue (no reader yet), then the dispatcher drains it.
 */
async function runLocalSplit(
  n: number,
): Promise<{ producePerSec: number; dispatchPerSec: number }> {
  await using queue = new MemoryQueue({ logger: quiet, maxLen: 10_000_000 });
  const producer = new EventProducer(queue, { source: "bench" });
  const dispatcher = new EventDispatcher(queue, {
    group: "g",
    consumer: { batchSize: 256, startFrom: "beginning" },
    logger: quiet,
  });
  const sink = new Sink(n);
  dispatcher.consume(BenchEvent, (_c, _s, event) => sink.record(event.t));
  const produceStart = performance.now();
  await produceLocal(producer, n);
  const produceSeconds = (performance.now() - produceStart) / 1000;
  const dispatchStart = performance.now();
  await dispatcher.start();
  await sink.finished;
  const dispatchSeconds = (performance.now() - dispatchStart) / 1000;
  await dispatcher.close();
  return {
    producePerSec: Math.round(n / produceSeconds),
    dispatchPerSec: Math.round(n / dispatchSeconds),
  };
}

/** EventProducer → Redis → four EventDispatchers of one group. */
async function runOurs(n: number, paced: boolean): Promise<Measurement> {
  const stream = "bench-events";
  const queue = await RedisStreamQueue.connect({ addr, db: DB }, {
    nodeId: "bench",
    logger: quiet,
  });
  const sink = new Sink(n);
  const dispatchers: EventDispatcher[] = [];
  for (let i = 0; i < CONSUMERS; i++) {
    const dispatcher = new EventDispatcher(queue, {
      group: "g",
      consumer: { name: `c${i}`, streams: [stream], blockMs: 100 },
      logger: quiet,
    });
    dispatcher.consume(BenchEvent, (_c, _s, event) => sink.record(event.t));
    await dispatcher.start();
    dispatchers.push(dispatcher);
  }
  const producer = new EventProducer(queue, { source: "bench", stream });
  const start = performance.now();
  await produce(n, paced, () => producer.anycast(BenchEvent.create(body())));
  await sink.finished;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(dispatchers.map((d) => d.close()));
  await queue.close();
  return sink.measure(seconds);
}

/** Installs the Moleculer peers in a cache folder once, runs them under Node. */
function runMoleculer(
  n: number,
): Promise<{ events: Measurement; channels: Measurement; node: string }> {
  return runNodePeer({
    folder: "backendai-bench-moleculer",
    packages: [
      "moleculer@0.14.35",
      "@moleculer/channels@0.1.8",
      "ioredis@5.11.1",
    ],
    script: "_moleculer.mjs",
    args: [String(n), host, String(port), String(DB)],
  });
}

function line(label: string, m: Measurement): void {
  console.log(
    `${label.padEnd(20)} ${String(m.messages).padStart(7)} msgs ` +
      `${String(m.msgsPerSec).padStart(8)} msg/s  p50 ${
        m.p50Ms.toFixed(3).padStart(8)
      } ms  p99 ${m.p99Ms.toFixed(3).padStart(8)} ms`,
  );
}

console.log(
  `Redis ${addr} DB ${DB}; ${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
await runLocal(10_000); // warm-up
const local = await runLocal(N_LOCAL);
line("local (memory)", local);
await runLocalSplit(10_000); // warm-up
const localSplit = await runLocalSplit(N_LOCAL);
console.log(
  `local, split         producer alone ${localSplit.producePerSec} ev/s, dispatcher alone ${localSplit.dispatchPerSec} ev/s`,
);
const raw = await scenario("raw", runRaw, N, false);
const ours = await scenario("ours", runOurs, N, false);
const bullmq = await scenario("bullmq", runBullmq, N_BULLMQ, false);
let moleculer: { events: Measurement; channels: Measurement; node: string } | {
  skipped: string;
};
if (Deno.env.get("BENCH_NO_MOLECULER") === "1") {
  moleculer = { skipped: "BENCH_NO_MOLECULER=1" };
} else {
  await flush();
  moleculer = await runMoleculer(N);
  line(`moleculer events`, moleculer.events);
  line(`moleculer channels`, moleculer.channels);
}
await flush();
const ratio = (a: number, b: number) => round(a / b, 3);
const ratios: Record<string, number> & {
  oursVsRaw: number;
  oursVsMoleculerChannels?: number;
  oursVsMoleculerEvents?: number;
} = {
  oursVsRaw: ratio(ours.msgsPerSec, raw.msgsPerSec),
  oursVsBullmq: ratio(ours.msgsPerSec, bullmq.msgsPerSec),
  ...("events" in moleculer
    ? {
      oursVsMoleculerChannels: ratio(
        ours.msgsPerSec,
        moleculer.channels.msgsPerSec,
      ),
      oursVsMoleculerEvents: ratio(
        ours.msgsPerSec,
        moleculer.events.msgsPerSec,
      ),
    }
    : {}),
};
const targets = {
  "localPerSec>=1000000": local.msgsPerSec >= 1_000_000,
  "oursVsRaw>=0.7": ratios.oursVsRaw >= 0.7,
  ...(ratios.oursVsMoleculerChannels !== undefined &&
      ratios.oursVsMoleculerEvents !== undefined
    ? {
      "oursVsMoleculerChannels>=3": ratios.oursVsMoleculerChannels >= 3,
      "oursVsMoleculerEvents>=1.5": ratios.oursVsMoleculerEvents >= 1.5,
    }
    : {}),
};
console.log(
  Object.entries(ratios).map(([k, v]) => `${k} ${v}x`).join(", "),
);
console.log(
  JSON.stringify({
    n: N,
    local,
    localSplit,
    raw,
    ours,
    bullmq,
    moleculer,
    ratios,
    targets,
  }),
);
Deno.exit(0);
