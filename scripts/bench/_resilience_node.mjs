// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// (Excluded from deno check/lint/fmt in deno.json: Node-only.)
// The Node half of scripts/bench/resilience.ts, run from a throwaway folder
// where cockatiel and opossum are installed. Our policies come from the npm
// build (`npm/`), so Node runs the JavaScript users get.
// Usage: node _resilience_node.mjs <repo> <n> <rounds>; last line: JSON.
import * as cockatiel from "cockatiel";
import Opossum from "opossum";

const [repo, n, rounds] = process.argv.slice(2);
const ours = await import(`${repo}/npm/resilience/mod.js`);
const { runCases } = await import(`${repo}/scripts/bench/_resilience_cases.mjs`);
const medians = await runCases({ ours, cockatiel, Opossum }, {
  n: Number(n),
  rounds: Number(rounds),
});
console.log(JSON.stringify({ node: process.version, ...medians }));
