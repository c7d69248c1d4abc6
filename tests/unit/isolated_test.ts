// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The rerun rule of runIsolated (tests/_isolated.ts), with real child
// processes: a pass passes, an assertion fails at once, and under Deno one
// runtime crash (SIGABRT here) is rerun once and counted, a second fails.
// Under Node and Bun a crash fails at once.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runIsolated } from "../_isolated.ts";
import { SCENARIOS_URL } from "./_isolated_scenarios.ts";

const UNDER_DENO = !fileURLToPath(import.meta.url).endsWith(".js");

async function withRuns(
  scenario: string,
): Promise<
  { outcome: PromiseSettledResult<{ runtimeCrashes: number }>; runs: number }
> {
  const dir = mkdtempSync(join(tmpdir(), "backendai-isolated-"));
  const path = join(dir, "runs");
  try {
    const [outcome] = await Promise.allSettled([
      runIsolated(SCENARIOS_URL, scenario, {
        env: { ISOLATED_TEST_RUNS: path },
        timeoutMs: 60_000,
      }),
    ]);
    let runs = 0;
    try {
      runs = readFileSync(path, "utf8").split("\n").length - 1;
    } catch {
      runs = 0;
    }
    return { outcome: outcome!, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

Deno.test("runIsolated: a passing scenario passes once, without crashes", async () => {
  const { outcome, runs } = await withRuns("passes");
  assert.equal(outcome.status, "fulfilled");
  assert.equal(
    outcome.status === "fulfilled" && outcome.value.runtimeCrashes,
    0,
  );
  assert.equal(runs, 1);
});

Deno.test("runIsolated: an assertion failure fails at once, naming it", async () => {
  const { outcome, runs } = await withRuns("failsAnAssertion");
  assert.equal(outcome.status, "rejected");
  assert.match(
    String(outcome.status === "rejected" && outcome.reason),
    /"failsAnAssertion" ended with exit code 1/,
  );
  assert.equal(runs, 1);
});

Deno.test("runIsolated: a signal that is not a runtime crash fails at once", async () => {
  const { outcome, runs } = await withRuns("terminated");
  assert.equal(outcome.status, "rejected");
  assert.match(
    String(outcome.status === "rejected" && outcome.reason),
    /SIGTERM/,
  );
  assert.equal(runs, 1);
});

Deno.test("runIsolated: one runtime crash is rerun once and counted (Deno only)", async () => {
  const { outcome, runs } = await withRuns("abortsOnce");
  if (UNDER_DENO) {
    assert.equal(outcome.status, "fulfilled");
    assert.equal(
      outcome.status === "fulfilled" && outcome.value.runtimeCrashes,
      1,
    );
    assert.equal(runs, 2);
  } else {
    assert.equal(outcome.status, "rejected");
    assert.equal(runs, 1);
  }
});

Deno.test("runIsolated: a second runtime crash fails the test", async () => {
  const { outcome, runs } = await withRuns("abortsAlways");
  assert.equal(outcome.status, "rejected");
  assert.match(
    String(outcome.status === "rejected" && outcome.reason),
    /SIGABRT/,
  );
  assert.equal(runs, UNDER_DENO ? 2 : 1);
});
