// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Cost per successful call of retry + circuit breaker + timeout, side by
 * side with cockatiel's equivalent pipeline (wrap(retry, circuitBreaker,
 * timeout), aggressive timeout) and opossum's breaker with its timeout, and
 * a bare call, on Deno and on Node in one run. The cases are in
 * `_resilience_cases.mjs`, shared by both runtimes; Node runs the npm build.
 *
 * Run: `deno task bench:resilience` (BENCH_N calls per round, default
 * 200 000; BENCH_ROUNDS rounds, default 7; BENCH_NO_NODE=1 skips Node).
 * Last line: one JSON object with the figures (ns per call) and the ratios.
 *
 * @module
 */

// Inline on purpose: the peers are the benchmark's, not the package's.
// deno-lint-ignore no-import-prefix
import * as cockatiel from "npm:cockatiel@4.0.0";
// deno-lint-ignore no-import-prefix
import Opossum from "npm:opossum@10.0.0";
import * as ours from "../../resilience/mod.ts";
import { runCases } from "./_resilience_cases.mjs";
import { buildNpm } from "../build_npm.ts";
import { runNodePeer } from "./_node_peers.ts";

const N = Number(Deno.env.get("BENCH_N") ?? 200_000);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const repo = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

type Figures = Record<"bare" | "ours" | "cockatiel" | "opossum", number>;

async function runNode(): Promise<Figures & { node: string }> {
  await buildNpm(repo);
  return await runNodePeer({
    folder: "backendai-bench-resilience",
    packages: ["cockatiel@4.0.0", "opossum@10.0.0"],
    script: "_resilience_node.mjs",
    args: [repo, String(N), String(ROUNDS)],
  });
}

function report(runtime: string, f: Figures): Record<string, number> {
  const ratio = (a: number, b: number): number => Math.round(a / b * 100) / 100;
  console.log(
    `${
      runtime.padEnd(14)
    } bare ${f.bare} ns, ours ${f.ours} ns, cockatiel ${f.cockatiel} ns, opossum ${f.opossum} ns per call`,
  );
  return {
    cockatielVsOurs: ratio(f.cockatiel, f.ours),
    opossumVsOurs: ratio(f.opossum, f.ours),
  };
}

console.log(
  `retry+breaker+timeout, ${N} calls x ${ROUNDS} rounds (median); ${Deno.build.os} ${navigator.hardwareConcurrency} cores`,
);
const deno: Figures = await runCases({ ours, cockatiel, Opossum }, {
  n: N,
  rounds: ROUNDS,
}) as Figures;
const denoRatios = report(`Deno ${Deno.version.deno}`, deno);
let node: (Figures & { node: string }) | { skipped: string };
let nodeRatios: Record<string, number> | undefined;
if (Deno.env.get("BENCH_NO_NODE") === "1") {
  node = { skipped: "BENCH_NO_NODE=1" };
} else {
  node = await runNode();
  nodeRatios = report(`Node ${node.node}`, node);
}
const targets: Record<string, boolean> = {
  "deno.ours<=1000ns": deno.ours <= 1000,
  "deno.ours<cockatiel": deno.ours < deno.cockatiel,
  "deno.ours<opossum": deno.ours < deno.opossum,
  ...("ours" in node
    ? {
      "node.ours<=1000ns": node.ours <= 1000,
      "node.ours<cockatiel": node.ours < node.cockatiel,
      "node.ours<opossum": node.ours < node.opossum,
    }
    : {}),
};
console.log(
  Object.entries(targets).map(([k, v]) => `${k} ${v ? "met" : "MISSED"}`)
    .join(", "),
);
console.log(JSON.stringify({
  n: N,
  rounds: ROUNDS,
  unit: "ns per call",
  deno: { ...deno, ratios: denoRatios },
  node: nodeRatios === undefined ? node : { ...node, ratios: nodeRatios },
  targets,
}));
