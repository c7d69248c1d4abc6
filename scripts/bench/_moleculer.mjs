// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// (Excluded from deno check/lint/fmt in deno.json: Node-only.)
// The Moleculer peers of scripts/bench/events.ts, run under Node from a
// throwaway folder where moleculer, @moleculer/channels and ioredis are
// installed (Deno cannot load their optional ioredis peer from its cache).
// Usage: node _moleculer.mjs <n> <host> <port> <db>; last line: JSON.
import { ServiceBroker } from "moleculer";
import Channels from "@moleculer/channels";

const [n, host, port, db] = process.argv.slice(2);
const N = Number(n);
const WINDOW = 256;
const CONSUMERS = 4;
const redis = `redis://${host}:${port}/${db}`;

function payload() {
  const head = `{"t":${performance.now().toFixed(3)},"pad":"`;
  return JSON.parse(head + "x".repeat(256 - head.length - 2) + '"}');
}

function sink(total) {
  const latencies = new Float64Array(total);
  let count = 0;
  let resolve;
  const finished = new Promise((r) => (resolve = r));
  return {
    finished,
    record(t) {
      if (count < total) latencies[count] = performance.now() - t;
      if (++count === total) resolve();
    },
    measure(seconds) {
      const sorted = latencies.slice(0, total).sort();
      const at = (q) => sorted[Math.min(total - 1, Math.floor(q * total))];
      const r3 = (v) => Math.round(v * 1000) / 1000;
      return {
        messages: total,
        seconds: r3(seconds),
        msgsPerSec: Math.round(total / seconds),
        p50Ms: r3(at(0.5)),
        p99Ms: r3(at(0.99)),
      };
    },
  };
}

async function windowed(total, send) {
  let inFlight = 0;
  let wake;
  for (let i = 0; i < total; i++) {
    while (inFlight >= WINDOW) await new Promise((r) => (wake = r));
    inFlight++;
    send().finally(() => {
      inFlight--;
      wake?.();
    });
  }
  while (inFlight > 0) await new Promise((r) => (wake = r));
}

async function run(kind, total) {
  const s = sink(total);
  const middlewares = () =>
    kind === "channels"
      ? [Channels.Middleware({
        adapter: { type: "Redis", options: { redis } },
        schemaProperty: "channels",
      })]
      : [];
  const brokers = [];
  for (let i = 0; i < CONSUMERS; i++) {
    const broker = new ServiceBroker({
      nodeID: `${kind}-c${i}`,
      namespace: `bench-${kind}-${process.pid}`,
      transporter: redis,
      logger: false,
      middlewares: middlewares(),
    });
    broker.createService(
      kind === "events"
        ? {
          name: "bench",
          events: {
            "bench.event"(ctx) {
              s.record(ctx.params.t);
            },
          },
        }
        : {
          name: "bench",
          channels: {
            [`bench.ch.${process.pid}`]: {
              group: "g",
              maxInFlight: 100,
              handler(p) {
                s.record(p.t);
              },
            },
          },
        },
    );
    brokers.push(broker);
  }
  const producer = new ServiceBroker({
    nodeID: `${kind}-p`,
    namespace: `bench-${kind}-${process.pid}`,
    transporter: redis,
    logger: false,
    middlewares: middlewares(),
  });
  await Promise.all([...brokers, producer].map((b) => b.start()));
  await producer.waitForServices(["bench"]);
  await new Promise((r) => setTimeout(r, 500));
  const start = performance.now();
  await windowed(
    total,
    () =>
      kind === "events"
        ? Promise.resolve(producer.emit("bench.event", payload()))
        : producer.sendToChannel(`bench.ch.${process.pid}`, payload()),
  );
  await s.finished;
  const seconds = (performance.now() - start) / 1000;
  await Promise.all([producer, ...brokers].map((b) => b.stop()));
  return s.measure(seconds);
}

const events = await run("events", Math.min(2000, N)).then(() =>
  run("events", N)
);
const channels = await run("channels", Math.min(2000, N)).then(() =>
  run("channels", N)
);
console.log(JSON.stringify({ node: process.version, events, channels }));
process.exit(0);
