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
 * - `bullmq`: npm BullMQ, `addBulk` (flat) or `add` (paced), one Worker;
 *   flat out at each concurrency of `BENCH_BULLMQ_CONCURRENCY` (default 4,
 *   16, 64), the fastest taken as BullMQ's figure and used paced;
 * - `nats-raw`, `nats`, `cluster` (see `_nats_cluster.ts`): the plain NATS
 *   client doing the same work, `NatsStreamQueue`, and `RedisStreamQueue`
 *   on the halfstack's Redis Cluster (skipped, and said so, when no
 *   cluster is up). Flat out, nats-raw and nats alternate for
 *   `BENCH_ROUNDS` rounds: the NATS target is the median of the rounds'
 *   nats/nats-raw ratios, at least 0.8.
 *
 * Each runs flat out (at most 256 sends in flight) once, and paced at 5000
 * msg/s: raw and ours in `BENCH_ROUNDS` rounds (default 5, the order
 * swapped every other round), BullMQ once at its best concurrency. Reported: messages/s from the
 * first send to the last message handled, and the p50/p99 latency from send
 * to handler (send time is in the payload). The paced target compares ours
 * with the raw loop of the same round: the median of the rounds' p99 ratios
 * must be at most 1; the worst round's ratio is reported beside it. The
 * last line of stdout is one JSON object with the figures, ratios and
 * targets.
 *
 * Environment: `BENCH_N` (default 50000) messages flat out for raw and ours,
 * `BENCH_N_BULLMQ` (default 20000), `BENCH_N_PACED` (default 10000, i.e. 2 s
 * at 5000/s), `BENCH_ROUNDS` (5), `BACKEND_REDIS_ADDR` (else the halfstack
 * env file).
 *
 * @module
 */

import { RedisStreamQueue } from "../../message_queue/mod.ts";
import {
  clusterSeeds,
  natsServer,
  runClusterOurs,
  runNatsOurs,
  runNatsRaw,
} from "./_nats_cluster.ts";
import {
  addr,
  BULLMQ_CONCURRENCIES,
  CONSUMERS,
  DB,
  flush,
  type Measurement,
  median,
  N,
  N_BULLMQ,
  N_PACED,
  payload,
  produce,
  quiet,
  round,
  ROUNDS,
  runBullmq,
  type Runner,
  runRaw,
  scenario,
  sendTime,
  Sink,
  summarise,
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

console.log(
  `Redis ${addr} DB ${DB}; NATS ${natsServer}; Redis Cluster ${
    clusterSeeds?.[0] ?? "not up"
  }; 1 producer, ${CONSUMERS} consumers, 256-byte payloads; ` +
    `${Deno.build.os} ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
);
// BENCH_ONLY=ours (or raw, bullmq, nats-raw, nats, cluster, comma-separated)
// runs a subset while tuning.
const only = new Set(
  (Deno.env.get("BENCH_ONLY") ?? "raw,ours,bullmq,nats-raw,nats,cluster")
    .split(","),
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
const flatRaw = await pick("raw", runRaw, N, false);
const flatOurs = await pick("ours", runOurs, N, false);
// BullMQ flat out at each worker concurrency; the best one is its figure,
// and its paced run uses that concurrency.
const bullmqSweep: (Measurement & { concurrency: number })[] = [];
for (const concurrency of only.has("bullmq") ? BULLMQ_CONCURRENCIES : []) {
  const m = await scenario(
    `bullmq ${concurrency}`,
    (n, paced) => runBullmq(n, paced, concurrency),
    N_BULLMQ,
    false,
  );
  bullmqSweep.push({ concurrency, ...m });
}
const bestBullmq = bullmqSweep.reduce<
  (Measurement & { concurrency: number }) | undefined
>(
  (best, m) => best === undefined || m.msgsPerSec > best.msgsPerSec ? m : best,
  undefined,
);
// NATS: ours against the plain client, alternating, BENCH_ROUNDS rounds.
const natsRounds: { raw: Measurement; ours: Measurement; ratio: number }[] = [];
if (only.has("nats-raw") && only.has("nats")) {
  for (let r = 0; r < ROUNDS; r++) {
    const first = r % 2 === 0;
    const a = await scenario(
      first ? "nats-raw" : "nats",
      first ? runNatsRaw : runNatsOurs,
      N,
      false,
    );
    const b = await scenario(
      first ? "nats" : "nats-raw",
      first ? runNatsOurs : runNatsRaw,
      N,
      false,
    );
    const [raw, ours] = first ? [a, b] : [b, a];
    natsRounds.push({
      raw,
      ours,
      ratio: round(ours.msgsPerSec / raw.msgsPerSec, 3),
    });
  }
}
const flatCluster = clusterSeeds === undefined
  ? (console.log(
    "cluster    not up: start it with `deno task halfstack up --cluster`",
  ),
    skipped)
  : await pick("cluster", runClusterOurs, N, false);
const medianOf = (values: number[]) =>
  values.length === 0 ? NaN : round(median(values), 0);
const flat = {
  raw: flatRaw,
  ours: flatOurs,
  bullmq: bestBullmq ?? skipped,
  bullmqSweep,
  natsRaw: { msgsPerSec: medianOf(natsRounds.map((r) => r.raw.msgsPerSec)) },
  nats: { msgsPerSec: medianOf(natsRounds.map((r) => r.ours.msgsPerSec)) },
  natsRounds,
  cluster: flatCluster,
};
const pacedRounds: { raw: Measurement; ours: Measurement; p99Ratio: number }[] =
  [];
if (only.has("raw") && only.has("ours")) {
  for (let r = 0; r < ROUNDS; r++) {
    let raw: Measurement;
    let ours: Measurement;
    if (r % 2 === 0) {
      raw = await scenario("raw", runRaw, N_PACED, true);
      ours = await scenario("ours", runOurs, N_PACED, true);
    } else {
      ours = await scenario("ours", runOurs, N_PACED, true);
      raw = await scenario("raw", runRaw, N_PACED, true);
    }
    pacedRounds.push({ raw, ours, p99Ratio: round(ours.p99Ms / raw.p99Ms, 3) });
  }
}
const pacedBullmq = bestBullmq === undefined ? skipped : await scenario(
  `bullmq ${bestBullmq.concurrency}`,
  (n, paced) => runBullmq(n, paced, bestBullmq.concurrency),
  N_PACED,
  true,
);
await flush();
const paced = summarise(
  pacedRounds.map((r) => ({ oursVsRawPacedP99: r.p99Ratio })),
  ["oursVsRawPacedP99"],
);
const ratios = {
  oursVsRawFlat: round(flat.ours.msgsPerSec / flat.raw.msgsPerSec, 3),
  oursVsBullmqFlat: round(flat.ours.msgsPerSec / flat.bullmq.msgsPerSec, 3),
  oursVsRawPacedP99: paced.median.oursVsRawPacedP99 ?? NaN,
  natsVsNatsRawFlat: natsRounds.length === 0
    ? NaN
    : round(median(natsRounds.map((r) => r.ratio)), 3),
  clusterVsOursFlat: round(flat.cluster.msgsPerSec / flat.ours.msgsPerSec, 3),
};
const targets = {
  "oursVsRawFlat>=0.8": ratios.oursVsRawFlat >= 0.8,
  "oursVsBullmqFlat>=5": ratios.oursVsBullmqFlat >= 5,
  "oursVsRawPacedP99<=1": ratios.oursVsRawPacedP99 <= 1,
  "natsVsNatsRawFlat>=0.8": ratios.natsVsNatsRawFlat >= 0.8,
};
const medianP99 = (of: (r: typeof pacedRounds[number]) => Measurement) =>
  round(median(pacedRounds.map((r) => of(r).p99Ms)), 3);
console.log(
  `ours/raw flat ${ratios.oursVsRawFlat}x, ours/bullmq flat ${ratios.oursVsBullmqFlat}x, ` +
    `paced p99 ours/raw median ${ratios.oursVsRawPacedP99}x, worst ${paced.worst.oursVsRawPacedP99}x`,
);
console.log(
  `flat msg/s: redis ${flat.ours.msgsPerSec}, redis cluster ${flat.cluster.msgsPerSec}, ` +
    `nats ${flat.nats.msgsPerSec} (plain client ${flat.natsRaw.msgsPerSec}); ` +
    `nats/plain median ${ratios.natsVsNatsRawFlat}x over ${natsRounds.length} rounds`,
);
console.log(JSON.stringify({
  n: N,
  nPaced: N_PACED,
  rounds: ROUNDS,
  flat,
  paced5000: {
    medianP99Ms: {
      raw: medianP99((r) => r.raw),
      ours: medianP99((r) => r.ours),
    },
    rounds: pacedRounds,
    bullmq: pacedBullmq,
  },
  ratios,
  worst: paced.worst,
  targets,
}));
// BullMQ's ioredis connections can keep timers alive after close.
Deno.exit(0);
