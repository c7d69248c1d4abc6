// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * `deno task bench:rpc`: the agent RPC (callosum over ZeroMQ, loopback),
 * calls per second and latency of `ping` with 1 and 64 calls in flight, in
 * one run, three pairs side by side:
 *
 * - `ours`: our {@linkcode AgentClient} to our {@linkcode RpcServer} in a
 *   second Deno process;
 * - `oursToPython`: our client to the Python stand-in
 *   (tests/integration/clients/agent/_callosum_peer.ts, pyzmq + msgpack,
 *   callosum's frames);
 * - `python`: the Python stand-in on both ends (its `bench` mode: one
 *   synchronous pyzmq DEALER keeping N calls in flight);
 * - `oursZmtp`, `oursZmtpToPython`: as `ours` and `oursToPython`, on
 *   {@linkcode zmtpTransport} (TypeScript ZMTP on node:net) instead of
 *   npm `zeromq` ({@linkcode zeromqTransport}, which `ours` and
 *   `oursToPython` name explicitly).
 *
 * Targets: ours at least 2x python's calls/s, and ours' p99 with one call
 * in flight under 1 ms. Each pair runs `BENCH_ROUNDS` rounds (default 3);
 * the medians are judged. `BENCH_N1` (default 5 000) and `BENCH_N64`
 * (default 20 000) are the calls per measurement. The last line is JSON.
 *
 * Needs Debian's /usr/bin/python3 with python3-zmq and python3-msgpack.
 *
 * @module
 */

import {
  AgentClient,
  zeromqTransport,
  zmtpTransport,
} from "../../clients/agent/mod.ts";
import type { Logger } from "../../utils.ts";
import {
  runPythonClient,
  startPythonServer,
} from "../../tests/integration/clients/agent/_peer.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 3);
const N1 = Number(Deno.env.get("BENCH_N1") ?? 5_000);
const N64 = Number(Deno.env.get("BENCH_N64") ?? 20_000);
const WARMUP = 1_000;
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

interface Measurement {
  calls: number;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function startOurServer(transport: "zeromq" | "zmtp"): Promise<
  { endpoint: string; stop(): Promise<void> }
> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_rpc_server.ts", import.meta.url).pathname,
      transport,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("our RPC server ended before it listened");
    seen += value;
  }
  void (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  const endpoint = /ready (\S+)/.exec(seen)?.[1];
  if (!endpoint) throw new Error(`unexpected output: ${seen}`);
  return {
    endpoint,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

async function measureOurs(
  agent: AgentClient,
  calls: number,
  inFlight: number,
): Promise<Measurement> {
  const latencies = new Float64Array(calls);
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        const index = next++;
        const t = performance.now();
        await agent.ping();
        latencies[index] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort();
  return {
    calls,
    callsPerSec: Math.round(calls / seconds),
    p50Ms: round(latencies[Math.floor(calls / 2)]!),
    p99Ms: round(latencies[Math.floor(calls * 0.99)]!),
  };
}

async function measurePython(
  endpoint: string,
  calls: number,
  inFlight: number,
): Promise<Measurement> {
  const out = await runPythonClient(
    ["bench", endpoint, String(calls), String(inFlight)],
    300_000,
  ) as { callsPerSec: number; p50Ms: number; p99Ms: number };
  return {
    calls,
    callsPerSec: Math.round(out.callsPerSec),
    p50Ms: round(out.p50Ms),
    p99Ms: round(out.p99Ms),
  };
}

type Pair =
  | "ours"
  | "oursToPython"
  | "python"
  | "oursZmtp"
  | "oursZmtpToPython";
type Round = Record<Pair, { inFlight1: Measurement; inFlight64: Measurement }>;

const ours = await startOurServer("zeromq");
const oursZmtp = await startOurServer("zmtp");
const python = await startPythonServer();
const rounds: Round[] = [];
try {
  await using toOurs = await AgentClient.connect(ours.endpoint, {
    logger: quiet,
    transport: zeromqTransport(),
  });
  await using toPython = await AgentClient.connect(python.endpoint, {
    logger: quiet,
    transport: zeromqTransport(),
  });
  await using zmtpToOurs = await AgentClient.connect(oursZmtp.endpoint, {
    logger: quiet,
    transport: zmtpTransport(),
  });
  await using zmtpToPython = await AgentClient.connect(python.endpoint, {
    logger: quiet,
    transport: zmtpTransport(),
  });
  await measureOurs(toOurs, WARMUP, 8);
  await measureOurs(toPython, WARMUP, 8);
  await measureOurs(zmtpToOurs, WARMUP, 8);
  await measureOurs(zmtpToPython, WARMUP, 8);
  for (let r = 0; r < ROUNDS; r++) {
    const result = {} as Round;
    result.ours = {
      inFlight1: await measureOurs(toOurs, N1, 1),
      inFlight64: await measureOurs(toOurs, N64, 64),
    };
    result.oursToPython = {
      inFlight1: await measureOurs(toPython, N1, 1),
      inFlight64: await measureOurs(toPython, N64, 64),
    };
    result.oursZmtp = {
      inFlight1: await measureOurs(zmtpToOurs, N1, 1),
      inFlight64: await measureOurs(zmtpToOurs, N64, 64),
    };
    result.oursZmtpToPython = {
      inFlight1: await measureOurs(zmtpToPython, N1, 1),
      inFlight64: await measureOurs(zmtpToPython, N64, 64),
    };
    result.python = {
      inFlight1: await measurePython(python.endpoint, N1, 1),
      inFlight64: await measurePython(python.endpoint, N64, 64),
    };
    rounds.push(result);
    console.error(`round ${r + 1}:`, JSON.stringify(result));
  }
} finally {
  await python.stop();
  await ours.stop();
  await oursZmtp.stop();
}

function med(
  pair: Pair,
  key: "inFlight1" | "inFlight64",
  field: keyof Measurement,
): number {
  return median(rounds.map((r) => r[pair][key][field]));
}

const medians = Object.fromEntries(
  (["ours", "oursToPython", "python", "oursZmtp", "oursZmtpToPython"] as const)
    .map((pair) => [pair, {
      inFlight1: {
        callsPerSec: med(pair, "inFlight1", "callsPerSec"),
        p50Ms: med(pair, "inFlight1", "p50Ms"),
        p99Ms: med(pair, "inFlight1", "p99Ms"),
      },
      inFlight64: {
        callsPerSec: med(pair, "inFlight64", "callsPerSec"),
        p50Ms: med(pair, "inFlight64", "p50Ms"),
        p99Ms: med(pair, "inFlight64", "p99Ms"),
      },
    }]),
) as Record<
  Pair,
  Record<"inFlight1" | "inFlight64", Omit<Measurement, "calls">>
>;

const ratios = {
  oursVsPython1: round(
    median(
      rounds.map((r) =>
        r.ours.inFlight1.callsPerSec / r.python.inFlight1.callsPerSec
      ),
    ),
  ),
  oursVsPython64: round(
    median(
      rounds.map((r) =>
        r.ours.inFlight64.callsPerSec / r.python.inFlight64.callsPerSec
      ),
    ),
  ),
  oursToPythonVsPython1: round(
    median(
      rounds.map((r) =>
        r.oursToPython.inFlight1.callsPerSec / r.python.inFlight1.callsPerSec
      ),
    ),
  ),
  oursToPythonVsPython64: round(
    median(
      rounds.map((r) =>
        r.oursToPython.inFlight64.callsPerSec / r.python.inFlight64.callsPerSec
      ),
    ),
  ),
  oursZmtpVsPython1: round(
    median(
      rounds.map((r) =>
        r.oursZmtp.inFlight1.callsPerSec / r.python.inFlight1.callsPerSec
      ),
    ),
  ),
  oursZmtpVsPython64: round(
    median(
      rounds.map((r) =>
        r.oursZmtp.inFlight64.callsPerSec / r.python.inFlight64.callsPerSec
      ),
    ),
  ),
  oursZmtpToPythonVsPython1: round(
    median(
      rounds.map((r) =>
        r.oursZmtpToPython.inFlight1.callsPerSec /
        r.python.inFlight1.callsPerSec
      ),
    ),
  ),
  oursZmtpToPythonVsPython64: round(
    median(
      rounds.map((r) =>
        r.oursZmtpToPython.inFlight64.callsPerSec /
        r.python.inFlight64.callsPerSec
      ),
    ),
  ),
};

console.log(JSON.stringify({
  rounds: ROUNDS,
  calls: { inFlight1: N1, inFlight64: N64 },
  medians,
  ratios,
  targets: {
    "ours vs python >= 2 (1 in flight)": ratios.oursVsPython1 >= 2,
    "ours vs python >= 2 (64 in flight)": ratios.oursVsPython64 >= 2,
    "ours p99 < 1 ms (1 in flight)": medians.ours.inFlight1.p99Ms < 1,
    "ours on zmtp vs python >= 2 (1 in flight)": ratios.oursZmtpVsPython1 >= 2,
    "ours on zmtp vs python >= 2 (64 in flight)":
      ratios.oursZmtpVsPython64 >= 2,
    "ours on zmtp p99 < 1 ms (1 in flight)":
      medians.oursZmtp.inFlight1.p99Ms < 1,
  },
}));
