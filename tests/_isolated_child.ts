// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The child process of runIsolated (tests/_isolated.ts): imports the
// scenarios module, runs one scenario, prints `ISOLATED-PASSED <name>` and
// exits 0; on a failure prints it on stderr and exits 1.
// argv: <scenarios module URL> <scenario name>

import process from "node:process";

const [moduleUrl = "", scenario = ""] = process.argv.slice(-2);
try {
  if (!("Deno" in globalThis)) {
    // Compiled, under Node or Bun: the Deno shim the test runner installs.
    const shim = "@deno/shim-deno";
    const { Deno: deno } = await import(shim) as { Deno: unknown };
    Object.assign(globalThis, { Deno: deno });
  }
  const scenarios = await import(moduleUrl) as Record<string, unknown>;
  const run = scenarios[scenario];
  if (typeof run !== "function") {
    throw new Error(`No scenario "${scenario}" in ${moduleUrl}`);
  }
  await run();
  console.log(`ISOLATED-PASSED ${scenario}`);
  process.exit(0);
} catch (error) {
  console.error(
    `The scenario "${scenario}" failed:`,
    error instanceof Error ? error.stack ?? error.message : error,
  );
  process.exit(1);
}
