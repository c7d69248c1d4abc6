// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Events benchmark (`deno task bench:events`):
 *
 * 1. Local, on the memory backend: an `EventProducer` anycasts and one
 *    `EventDispatcher` runs one no-op handler, events/s end to end; beside
 *    it, in alternating rounds of the same run, the bare codec: the same
 *    events made (`create()`, schema check), encoded to the wire (body JSON
 *    and stream fields) and decoded (stream fields, body JSON, schema check),
 *    with no queue. `ratios.localVsCodec` is end to end over codec (the
 *    median of the rounds' ratios). For the record, the end-to-end path split
 *    in two: the producer alone filling the queue, then the dispatcher alone
 *    draining it (`localSplit`).
 * 2. Anycast end to end on the halfstack Redis (DB 9), one producer and four
 *    consumers, 256-byte bodies, flat out (256 sends in flight): a raw
 *    ioredis stream loop, ours (`EventProducer` → four `EventDispatcher`s of
 *    one group), BullMQ (worker concurrency 64), and, under Node in a
 *    throwaway folder, Moleculer events with its Redis transporter (pub/sub,
 *    lossy) and `@moleculer/channels` with its Redis Streams adapter
 *    (durable, maxInFlight 100). `BENCH_ROUNDS` rounds (default 5), the
 *    order reversed every other round; each round's ratios are computed from
 *    that round, the targets are judged on their medians and the worst round
 *    is reported beside them.
 *
 * The last line of stdout is one JSON object with the figures, ratios and
 * targets. Environment: `BENCH_N` (default 50000), `BENCH_N_LOCAL` (200000),
 * `BENCH_N_BULLMQ` (20000), `BENCH_ROUNDS` (5), `BENCH_NO_MOLECULER=1` skips
 * the Node peers, `BENCH_NO_BULLMQ=1` skips BullMQ.
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
// The producer's own encoder: a body checked by create() is not checked
// again on its way out, and the codec loop must do what the producer does.
import { encodeEventBody } from "../../events/_checked.ts";
import {
  decodeStreamEntry,
  encodeStreamFields,
  MemoryQueue,
  RedisStreamQueue,
} from "../../message_queue/mod.ts";
import {
  addr,
  CONSUMERS,
  DB,
  flush,
  host,
  type Measurement,
  median,
  N,
  N_BULLMQ,
  port,
  produce,
  quiet,
  round,
  ROUNDS,
  runBullmq,
  runRaw,
  scenario,
  Sink,
  summarise,
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
 * The bare codec, on the events {@linkcode runLocal} sends (same body,
 * same size), one event at a time: what the producer must do per event
 * (`create()` with the schema check, the body's wire JSON, the stream
 * entry's fields) and what the dispatcher must do (the entry's fields
 * decoded, the body parsed and checked by `decode()`), handing `t` to a sum
 * so nothing is optimised away. No queue: nothing is held between events,
 * no promise is made. Returns events/s.
 */
function runCodec(n: number): number {
  let sum = 0;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const event = BenchEvent.create(body());
    const fields = encodeStreamFields({
      name: event.definition.name,
      source: "bench",
      payload: encodeEventBody(event),
    });
    const message = decodeStreamEntry({
      id: `${i + 1}-0`,
      stream: "events",
      deliveryCount: 1,
      // `encodeStreamFields` gives name, source, payload in that order.
      fields: {
        name: fields[1] as string,
        source: fields[3] as string,
        payload: fields[5] as string,
      },
    });
    sum += BenchEvent.decode(message).t;
  }
  const seconds = (performance.now() - start) / 1000;
  if (Number.isNaN(sum)) throw new Error("unreachable: a body lost its time");
  return Math.round(n / seconds);
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
function runMoleculer(n: number): Promise<MoleculerResult> {
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

interface MoleculerResult {
  events: Measurement;
  channels: Measurement;
  node: string;
}

function line(label: string, m: Measurement): void {
  console.log(
    `${label.padEnd(20)} ${String(m.messages).padStart(7)} msgs ` +
      `${String(m.msgsPerSec).padStart(8)} msg/s  p50 ${
        m.p50Ms.toFixed(3).padStart(8)
      } ms  p99 ${m.p99Ms.toFixed(3).padStart(8)} ms`,
  );
}

const ratio = (a: number, b: number) => round(a / b, 3);
const withMoleculer = Deno.env.get("BENCH_NO_MOLECULER") !== "1";
const withBullmq = Deno.env.get("BENCH_NO_BULLMQ") !== "1";

console.log(
  `Redis ${addr} DB ${DB}; ${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ${ROUNDS} rounds`,
);

// 1. Local: end to end and the bare codec, alternating.
await runLocal(10_000); // warm-up
runCodec(10_000);
const localRounds: {
  endToEndPerSec: number;
  codecPerSec: number;
  localVsCodec: number;
}[] = [];
for (let r = 0; r < ROUNDS; r++) {
  let endToEnd: number;
  let codec: number;
  if (r % 2 === 0) {
    endToEnd = (await runLocal(N_LOCAL)).msgsPerSec;
    codec = runCodec(N_LOCAL);
  } else {
    codec = runCodec(N_LOCAL);
    endToEnd = (await runLocal(N_LOCAL)).msgsPerSec;
  }
  localRounds.push({
    endToEndPerSec: endToEnd,
    codecPerSec: codec,
    localVsCodec: ratio(endToEnd, codec),
  });
  console.log(
    `local, round ${
      r + 1
    }       end to end ${endToEnd} ev/s, codec alone ${codec} ev/s, ratio ${
      ratio(endToEnd, codec)
    }`,
  );
}
await runLocalSplit(10_000); // warm-up
const localSplit = await runLocalSplit(N_LOCAL);
console.log(
  `local, split         producer alone ${localSplit.producePerSec} ev/s, dispatcher alone ${localSplit.dispatchPerSec} ev/s`,
);

// 2. Over Redis: every scenario once per round, the order reversed every
// other round so no scenario always runs first (or right after Node).
interface RedisRound {
  order: string[];
  raw: Measurement;
  ours: Measurement;
  bullmq?: Measurement;
  moleculerEvents?: Measurement;
  moleculerChannels?: Measurement;
  ratios: Record<string, number>;
}
let nodeVersion: string | undefined;
const redisRounds: RedisRound[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = ["raw", "ours"];
  if (withBullmq) order.push("bullmq");
  if (withMoleculer) order.push("moleculer");
  if (r % 2 === 1) order.reverse();
  const figures: Partial<Record<string, Measurement>> = {};
  console.log(`round ${r + 1}: ${order.join(", ")}`);
  for (const name of order) {
    if (name === "raw") figures.raw = await scenario("raw", runRaw, N, false);
    if (name === "ours") {
      figures.ours = await scenario("ours", runOurs, N, false);
    }
    if (name === "bullmq") {
      figures.bullmq = await scenario("bullmq", runBullmq, N_BULLMQ, false);
    }
    if (name === "moleculer") {
      await flush();
      const moleculer = await runMoleculer(N);
      nodeVersion = moleculer.node;
      figures.moleculerEvents = moleculer.events;
      figures.moleculerChannels = moleculer.channels;
      line("moleculer events", moleculer.events);
      line("moleculer channels", moleculer.channels);
    }
  }
  const raw = figures.raw as Measurement;
  const ours = figures.ours as Measurement;
  const ratios: Record<string, number> = {
    oursVsRaw: ratio(ours.msgsPerSec, raw.msgsPerSec),
  };
  if (figures.bullmq) {
    ratios.oursVsBullmq = ratio(ours.msgsPerSec, figures.bullmq.msgsPerSec);
  }
  if (figures.moleculerChannels && figures.moleculerEvents) {
    ratios.oursVsMoleculerChannels = ratio(
      ours.msgsPerSec,
      figures.moleculerChannels.msgsPerSec,
    );
    ratios.oursVsMoleculerEvents = ratio(
      ours.msgsPerSec,
      figures.moleculerEvents.msgsPerSec,
    );
  }
  console.log(
    `round ${r + 1} ratios: ` +
      Object.entries(ratios).map(([k, v]) => `${k} ${v}x`).join(", "),
  );
  redisRounds.push({ order, raw, ours, ...figures, ratios });
}
await flush();

const scenarios = [
  "raw",
  "ours",
  "bullmq",
  "moleculerEvents",
  "moleculerChannels",
] as const;
const medians: Record<string, number> = {};
for (const name of scenarios) {
  const values = redisRounds.flatMap((r) => r[name]?.msgsPerSec ?? []);
  if (values.length > 0) medians[name] = Math.round(median(values));
}
const localSummary = summarise(
  localRounds.map((r) => ({ localVsCodec: r.localVsCodec })),
);
const redisSummary = summarise(redisRounds.map((r) => r.ratios));
const ratios: Record<string, number> & { localVsCodec: number } = {
  ...localSummary.median,
  ...redisSummary.median,
};
const worst = { ...localSummary.worst, ...redisSummary.worst };
const targets: Record<string, boolean> = {
  "localVsCodec>=0.4": ratios.localVsCodec >= 0.4,
  "oursVsRaw>=0.7": (ratios.oursVsRaw ?? NaN) >= 0.7,
};
if (withMoleculer) {
  targets["oursVsMoleculerChannels>=3"] =
    (ratios.oursVsMoleculerChannels ?? NaN) >= 3;
  targets["oursVsMoleculerEvents>=1.5"] =
    (ratios.oursVsMoleculerEvents ?? NaN) >= 1.5;
}
console.log(
  "median ratios: " +
    Object.entries(ratios).map(([k, v]) => `${k} ${v}x`).join(", "),
);
console.log(
  "worst round:   " +
    Object.entries(worst).map(([k, v]) => `${k} ${v}x`).join(", "),
);
console.log(
  JSON.stringify({
    n: N,
    nLocal: N_LOCAL,
    nBullmq: N_BULLMQ,
    rounds: ROUNDS,
    local: {
      endToEndPerSec: Math.round(
        median(localRounds.map((r) => r.endToEndPerSec)),
      ),
      codecPerSec: Math.round(median(localRounds.map((r) => r.codecPerSec))),
      rounds: localRounds,
    },
    localSplit,
    redis: { medians, rounds: redisRounds },
    moleculer: withMoleculer
      ? { node: nodeVersion }
      : { skipped: "BENCH_NO_MOLECULER=1" },
    ratios,
    worst,
    targets,
  }),
);
Deno.exit(0);
