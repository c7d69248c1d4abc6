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

const N = Number(Deno.env.get("BENCH_N") ?? 200_000);
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const repo = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

type Figures = Record<"bare" | "ours" | "cockatiel" | "opossum", number>;

async function runNode(): Promise<Figures & { node: string }> {
  const home = Deno.env.get("HOME") ?? "/tmp";
  const dir = `${home}/.cache/backendai-bench-resilience`;
  await Deno.mkdir(dir, { recursive: true });
  const run = async (cmd: string, args: string[]): Promise<string> => {
    const out = await new Deno.Command(cmd, {
      args,
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `${cmd} ${args.join(" ")} failed: ${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
    return new TextDecoder().decode(out.stdout);
  };
  try {
    await Deno.stat(`${dir}/node_modules/opossum`);
    await Deno.stat(`${dir}/node_modules/cockatiel`);
  } catch {
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "resbench", private: true, type: "module" }),
    );
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "cockatiel@4.0.0",
      "opossum@10.0.0",
    ]);
  }
  await buildNpm(repo);
  await Deno.copyFile(
    new URL("./_resilience_node.mjs", import.meta.url),
    `${dir}/_resilience_node.mjs`,
  );
  const text = await run("node", [
    "_resilience_node.mjs",
    repo,
    String(N),
    String(ROUNDS),
  ]);
  return JSON.parse(text.trim().split("\n").at(-1) ?? "{}");
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
