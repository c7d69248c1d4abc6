// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Web benchmark (`deno task bench:web`), side by side in one run:
 *
 * 1. Requests per second of one JSON endpoint on `Deno.serve`, HMAC-signed
 *    requests over keep-alive connections from a raw HTTP/1.1 client in
 *    this process, the server in a child process (`_web_server.ts`): the
 *    bare handler, our full stack (request id, access log to a null sink,
 *    errors, API metrics, HMAC auth, router) and Hono with its nearest
 *    equivalents. `BENCH_ROUNDS` rounds (default 3), the order reversed
 *    every other round; each variant runs `BENCH_SECONDS` (default 3) after
 *    a warm-up; the ratio is judged on the median of the rounds' ratios.
 * 2. Per call, in this process's CPU time: HMAC verification of a signed request
 *    (`HmacVerifier.verify`), and JWT verification, ours
 *    (`JwtValidator.validate`: jose with the imported key cached) against a
 *    plain jose `jwtVerify` with the secret's bytes.
 * 3. What metrics cost the events benchmark's local path (producer →
 *    MemoryQueue → dispatcher → no-op handler, as `bench:events`): events
 *    without an observer, with `MetricRegistry.event`, and, for the record,
 *    with an observer on prom-client's own counter and histogram;
 *    `BENCH_EVENT_ROUNDS` rounds (default 8) after two warm-up rounds, the order reversed every
 *    other round.
 *
 * The machine is shared, so throughput moves with whatever else runs:
 * both comparisons are judged on CPU time (the server process's from
 * /proc for HTTP, this process's for events), medians of the rounds'
 * ratios; the wall-clock figures are reported beside them.
 *
 * Environment: `BENCH_ROUNDS` (3), `BENCH_SECONDS` (3), `BENCH_CONNECTIONS`
 * (32), `BENCH_N_LOCAL` (100000 events per events round), `BENCH_N_MICRO`
 * (50000 calls per micro round). The last line of stdout is one JSON object
 * with the figures, ratios and targets.
 *
 * @module
 */

// Inline on purpose: jose's plain verify is the benchmark's peer.
import process from "node:process";
import { jwtVerify } from "jose";
import { Counter, Histogram, Registry } from "prom-client";
import { z } from "zod";
import {
  generateSignature,
  HmacVerifier,
  JwtSigner,
  JwtValidator,
} from "../../auth/mod.ts";
import {
  defineEvent,
  EventDispatcher,
  EventDomain,
  type EventObserver,
  EventProducer,
} from "../../events/mod.ts";
import { MemoryQueue } from "../../message_queue/mod.ts";
import { MetricRegistry } from "../../metrics/mod.ts";
import type { Logger } from "../../utils.ts";
import { BENCH_KEYPAIR } from "./_web_server.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 3);
const CONNECTIONS = Number(Deno.env.get("BENCH_CONNECTIONS") ?? 32);
const N_LOCAL = Number(Deno.env.get("BENCH_N_LOCAL") ?? 100_000);
const N_MICRO = Number(Deno.env.get("BENCH_N_MICRO") ?? 50_000);
const EVENT_ROUNDS = Number(Deno.env.get("BENCH_EVENT_ROUNDS") ?? 8);
const API_VERSION = "v9.20250722";
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle] as number
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

type Variant = "bare" | "ours" | "hono";

interface Server {
  port: number;
  /** The server process's CPU time so far, in µs (Linux: /proc). */
  cpuMicros(): number;
  stop(): Promise<void>;
}

/** User and system CPU time of a process, in µs, from /proc/<pid>/stat. */
function processCpuMicros(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name (which may hold spaces): utime is the
  // 14th field of the line, stime the 15th, in clock ticks (100 a second).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function startServer(variant: Variant): Promise<Server> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_web_server.ts", import.meta.url).pathname,
      variant,
      String(port),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the ${variant} server ended before it listened`);
    seen += value;
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return {
    port,
    cpuMicros: () => processCpuMicros(child.pid),
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** The bytes of one signed request to the server on `port`. */
function signedRequest(port: number): Uint8Array {
  const host = `127.0.0.1:${port}`;
  const { headers } = generateSignature({
    method: "GET",
    apiVersion: API_VERSION,
    host,
    date: new Date(),
    relUrl: "/v9/ping",
    contentType: "application/json",
    ...BENCH_KEYPAIR,
  });
  const lines = [
    "GET /v9/ping HTTP/1.1",
    `Host: ${host}`,
    "Content-Type: application/json",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    "",
    "",
  ];
  return new TextEncoder().encode(lines.join("\r\n"));
}

const CRLFCRLF = [13, 10, 13, 10];

function headerEnd(buffer: Uint8Array, length: number): number {
  outer: for (let i = 0; i + 3 < length; i++) {
    for (let j = 0; j < 4; j++) {
      if (buffer[i + j] !== CRLFCRLF[j]) continue outer;
    }
    return i + 4;
  }
  return -1;
}

/** Keep-alive connections sending the request back to back for `ms`. */
async function hammer(
  port: number,
  request: Uint8Array,
  ms: number,
): Promise<{ ok: number; failed: number }> {
  const deadline = performance.now() + ms;
  let ok = 0;
  let failed = 0;
  const decoder = new TextDecoder();
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (performance.now() < deadline) {
        let written = 0;
        while (written < request.length) {
          written += await conn.write(request.subarray(written));
        }
        let have = 0;
        let end = -1;
        let total = -1;
        let status = "";
        while (total < 0 || have < total) {
          const n = await conn.read(buffer.subarray(have));
          if (n === null) throw new Error("the server closed the connection");
          have += n;
          if (end < 0) {
            end = headerEnd(buffer, have);
            if (end >= 0) {
              const head = decoder.decode(buffer.subarray(0, end));
              status = head.slice(9, 12);
              const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
              if (length === undefined) {
                throw new Error(`no content-length: ${head}`);
              }
              total = end + Number(length);
            }
          }
        }
        if (status === "200") ok++;
        else failed++;
      }
    } finally {
      conn.close();
    }
  }));
  return { ok, failed };
}

/** What one variant did: requests per second, and server CPU per request. */
interface HttpFigures {
  perSecond: number;
  cpuMicrosPerRequest: number;
}

async function serveLoad(variant: Variant): Promise<HttpFigures> {
  const server = await startServer(variant);
  try {
    const request = signedRequest(server.port);
    await hammer(server.port, request, 500); // warm-up
    const cpuBefore = server.cpuMicros();
    const { ok, failed } = await hammer(server.port, request, SECONDS * 1000);
    const cpu = server.cpuMicros() - cpuBefore;
    if (failed > 0 || ok === 0) {
      throw new Error(
        `${variant}: ${failed} of ${ok + failed} requests failed`,
      );
    }
    return {
      perSecond: Math.round(ok / SECONDS),
      cpuMicrosPerRequest: round(cpu / ok, 1),
    };
  } finally {
    await server.stop();
  }
}

/**
 * Median µs of this process's CPU time per call of `fn` over rounds of `n`
 * calls: CPU time, not wall time, so other work on a shared machine does
 * not count against it.
 */
async function perCall(
  fn: () => unknown | Promise<unknown>,
  n: number,
): Promise<number> {
  const results: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const cpu = process.cpuUsage(before);
    results.push((cpu.user + cpu.system) / n);
  }
  return round(median(results.slice(1)), 2);
}

async function micro(): Promise<Record<string, number>> {
  const verifier = new HmacVerifier({
    lookup: (key) =>
      key === BENCH_KEYPAIR.accessKey ? BENCH_KEYPAIR : undefined,
  });
  const { headers } = generateSignature({
    method: "GET",
    apiVersion: API_VERSION,
    host: "127.0.0.1:8081",
    date: new Date(),
    relUrl: "/v9/ping?limit=10",
    contentType: "application/json",
    ...BENCH_KEYPAIR,
  });
  const request = new Request("http://127.0.0.1:8081/v9/ping?limit=10", {
    headers: {
      ...headers,
      host: "127.0.0.1:8081",
      "content-type": "application/json",
    },
  });
  await verifier.verify(request);
  const hmacVerifyUs = await perCall(() => verifier.verify(request), N_MICRO);
  const token = await new JwtSigner().sign(
    { accessKey: BENCH_KEYPAIR.accessKey, role: "user" },
    BENCH_KEYPAIR.secretKey,
  );
  const validator = new JwtValidator();
  const secret = new TextEncoder().encode(BENCH_KEYPAIR.secretKey);
  // Interleaved, the order reversed every other round: run one after the
  // other, the second was measured on a warmer (or busier) process.
  const ours = () => validator.validate(token, BENCH_KEYPAIR.secretKey);
  const plain = () => jwtVerify(token, secret, { algorithms: ["HS256"] });
  const jwtRounds: number[] = [];
  const joseRounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const pair = [
      [ours, jwtRounds],
      [plain, joseRounds],
    ] as const;
    for (const [fn, results] of r % 2 === 0 ? pair : [...pair].reverse()) {
      results.push(await perCall(fn, N_MICRO / 25));
    }
  }
  const jwtVerifyUs = round(median(jwtRounds.slice(1)), 2);
  const joseVerifyUs = round(median(joseRounds.slice(1)), 2);
  return { hmacVerifyUs, jwtVerifyUs, joseVerifyUs };
}

const BenchEvent = defineEvent({
  name: "bench_event",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ t: z.number(), pad: z.string() }),
});

/** An observer on prom-client's own metrics, labelled as upstream's. */
function promClientObserver(): EventObserver {
  const registry = new Registry();
  const count = new Counter({
    name: "backendai_event_count",
    help: "Events",
    labelNames: ["event_type"],
    registers: [registry],
  });
  const time = new Histogram({
    name: "backendai_event_processing_time_sec",
    help: "Time",
    labelNames: ["event_type", "status", "domain", "operation", "error_detail"],
    buckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  return {
    onSuccess: (event, ms) => {
      count.inc({ event_type: event });
      time.observe({
        event_type: event,
        status: "success",
        domain: "",
        operation: "",
        error_detail: "",
      }, ms / 1000);
    },
    onFailure: () => {},
  };
}

/** What one events round did: events/s, and events per CPU second. */
interface EventFigures {
  perSecond: number;
  perCpuSecond: number;
}

/** Producer → MemoryQueue → dispatcher → no-op handler. */
async function eventsPerSecond(
  observer: EventObserver | undefined,
): Promise<EventFigures> {
  await using queue = new MemoryQueue({ logger: quiet, maxLen: 10_000_000 });
  const producer = new EventProducer(queue, { source: "bench" });
  const dispatcher = new EventDispatcher(queue, {
    group: "g",
    consumer: { batchSize: 256 },
    logger: quiet,
    observer,
  });
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  dispatcher.consume(BenchEvent, () => {
    if (++seen === N_LOCAL) done();
  });
  await dispatcher.start();
  const pad = "x".repeat(230);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < N_LOCAL; i += 1000) {
    await Promise.all(
      Array.from(
        { length: Math.min(1000, N_LOCAL - i) },
        () =>
          producer.anycast(BenchEvent.create({ t: performance.now(), pad })),
      ),
    );
  }
  await finished;
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await dispatcher.close();
  return {
    perSecond: Math.round(N_LOCAL / seconds),
    perCpuSecond: Math.round(N_LOCAL / ((cpu.user + cpu.system) / 1e6)),
  };
}

console.log(
  `bench:web on ${Deno.build.os}, ${navigator.hardwareConcurrency} cores; ${ROUNDS} rounds, ${SECONDS} s, ${CONNECTIONS} connections`,
);

// The machine is shared: throughput moves with whatever else runs, so the
// comparison is made on the server's CPU time per request (from /proc),
// which the load on other cores barely moves; req/s is reported beside it.
const http: Record<Variant, HttpFigures>[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order: Variant[] = r % 2 === 0
    ? ["bare", "ours", "hono"]
    : ["hono", "ours", "bare"];
  const figures = {} as Record<Variant, HttpFigures>;
  for (const variant of order) figures[variant] = await serveLoad(variant);
  http.push(figures);
  console.log(
    `round ${r + 1}: ` +
      (["bare", "ours", "hono"] as const).map((variant) =>
        `${variant} ${figures[variant].perSecond} req/s, ${
          figures[variant].cpuMicrosPerRequest
        } µs CPU/req`
      ).join("; "),
  );
}

const microFigures = await micro();
console.log(
  `HMAC verify ${microFigures.hmacVerifyUs} µs; JWT verify ours ${microFigures.jwtVerifyUs} µs, plain jose ${microFigures.joseVerifyUs} µs`,
);

type EventVariant = "none" | "metrics" | "promClient";
const events: Record<EventVariant, EventFigures>[] = [];
const metrics = new MetricRegistry({ processMetrics: false });
// Warm-up: the first rounds run slower while the JIT settles, and a
// round of each variant ahead of the others would skew their ratio.
for (let i = 0; i < 2; i++) {
  await eventsPerSecond(undefined);
  await eventsPerSecond(metrics.event);
  await eventsPerSecond(promClientObserver());
}
for (let r = 0; r < EVENT_ROUNDS; r++) {
  const figures = {} as Record<EventVariant, EventFigures>;
  const order: EventVariant[] = r % 2 === 0
    ? ["none", "metrics", "promClient"]
    : ["promClient", "metrics", "none"];
  for (const variant of order) {
    figures[variant] = await eventsPerSecond(
      variant === "none"
        ? undefined
        : variant === "metrics"
        ? metrics.event
        : promClientObserver(),
    );
  }
  events.push(figures);
  console.log(
    `events round ${r + 1}: ` +
      (["none", "metrics", "promClient"] as const).map((variant) =>
        `${variant} ${figures[variant].perSecond}/s (${
          figures[variant].perCpuSecond
        } per CPU s)`
      ).join("; "),
  );
}

const oursVsHono = round(
  median(
    http.map((f) => f.hono.cpuMicrosPerRequest / f.ours.cpuMicrosPerRequest),
  ),
  3,
);
const oursVsBare = round(
  median(
    http.map((f) => f.bare.cpuMicrosPerRequest / f.ours.cpuMicrosPerRequest),
  ),
  3,
);
const oursVsHonoPerSecond = round(
  median(http.map((f) => f.ours.perSecond / f.hono.perSecond)),
  3,
);
const metricsVsNone = round(
  median(events.map((f) => f.metrics.perCpuSecond / f.none.perCpuSecond)),
  3,
);
const metricsVsNonePerSecond = round(
  median(events.map((f) => f.metrics.perSecond / f.none.perSecond)),
  3,
);
const promClientVsNone = round(
  median(events.map((f) => f.promClient.perCpuSecond / f.none.perCpuSecond)),
  3,
);
const targets = {
  "oursVsHono>=1": oursVsHono >= 1,
  "hmacVerifyUs<=10": microFigures.hmacVerifyUs! <= 10,
  "eventsWithMetricsVsWithout>=0.9": metricsVsNone >= 0.9,
};
console.log(
  `speed by server CPU: ours/hono ${oursVsHono}, ours/bare ${oursVsBare} (req/s ours/hono ${oursVsHonoPerSecond}); events with metrics/without ${metricsVsNone} (prom-client observer ${promClientVsNone})`,
);
console.log(JSON.stringify({
  rounds: ROUNDS,
  seconds: SECONDS,
  connections: CONNECTIONS,
  http,
  micro: microFigures,
  events,
  ratios: {
    oursVsHono,
    oursVsBare,
    oursVsHonoPerSecond,
    metricsVsNone,
    metricsVsNonePerSecond,
    promClientVsNone,
  },
  targets,
}));
