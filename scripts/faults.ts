// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The body of `deno task faults`: makes sure the halfstack and the fault
 * halfstack are up (as `deno task test` does, stopping afterwards only what
 * it started), gives the tests a fresh `BACKEND_FAULTS_REPORT_DIR`, runs
 * `deno test -A` over `tests/faults/` and `tests/fuzz/` (a missing folder
 * is skipped) with the output streamed live, and prints as its very last
 * line one JSON object that sums what the tests reported
 * (tests/faults/_report.ts):
 *
 * ```json
 * {"events":{"sent":0,"handled":0,"deadLettered":0,"lost":0,"duplicates":0},
 *  "recoveryMs":{"<name>":0},"fuzz":{"cases":0,"crashes":0},
 *  "tests":{"passed":0,"failed":0}}
 * ```
 *
 * It exits non-zero when a test failed, when Deno printed no summary, or
 * when any test reported `lost > 0` or `crashes > 0`.
 *
 * ```sh
 * deno task faults          # the bounded sizes CI runs
 * deno task faults --soak   # the large sizes (BACKEND_FAULTS_SCALE=soak)
 * ```
 *
 * @module
 */

import type { FaultFigures } from "../tests/faults/_report.ts";
import { faultHalfstackDir } from "./_fault_halfstack.ts";
import { halfstackRepoRoot } from "./halfstack.ts";
import {
  parseDenoTestSummary,
  pumpOutput,
  type StartedHalfstacks,
  startHalfstacks,
  stopHalfstacks,
} from "./run_tests.ts";

/** The closing JSON line of `deno task faults`. */
export interface FaultSummary {
  /** Event counts summed over every test that reported them. */
  events: {
    sent: number;
    handled: number;
    deadLettered: number;
    lost: number;
    duplicates: number;
  };
  /** Each test's recovery time, by its name. */
  recoveryMs: Record<string, number>;
  /** Fuzz counts summed over the fuzz tests. */
  fuzz: { cases: number; crashes: number };
  /** Deno's counts. */
  tests: { passed: number; failed: number };
}

/**
 * Sums the figures the tests wrote.
 *
 * @param figures What each test reported.
 * @param tests Deno's passed and failed counts.
 * @returns The summary.
 *
 * @example Usage
 * ```ts ignore
 * import { summarizeFaultFigures } from "./faults.ts";
 * summarizeFaultFigures(
 *   [{ kind: "fault", name: "x", sent: 3, handled: 3, recoveryMs: 12 }],
 *   { passed: 1, failed: 0 },
 * ).events.sent; // 3
 * ```
 */
export function summarizeFaultFigures(
  figures: readonly FaultFigures[],
  tests: { passed: number; failed: number },
): FaultSummary {
  const summary: FaultSummary = {
    events: { sent: 0, handled: 0, deadLettered: 0, lost: 0, duplicates: 0 },
    recoveryMs: {},
    fuzz: { cases: 0, crashes: 0 },
    tests: { passed: tests.passed, failed: tests.failed },
  };
  for (const f of [...figures].sort((a, b) => a.name.localeCompare(b.name))) {
    summary.events.sent += f.sent ?? 0;
    summary.events.handled += f.handled ?? 0;
    summary.events.deadLettered += f.deadLettered ?? 0;
    summary.events.lost += f.lost ?? 0;
    summary.events.duplicates += f.duplicates ?? 0;
    if (f.recoveryMs !== undefined) summary.recoveryMs[f.name] = f.recoveryMs;
    summary.fuzz.cases += f.cases ?? 0;
    summary.fuzz.crashes += f.crashes ?? 0;
  }
  return summary;
}

async function readFigures(dir: string): Promise<FaultFigures[]> {
  const figures: FaultFigures[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const text = await Deno.readTextFile(`${dir}/${entry.name}`);
    figures.push(JSON.parse(text) as FaultFigures);
  }
  return figures;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the fault and fuzz tests as described in the module doc.
 *
 * @param args `--soak` for the large sizes; anything else goes to
 * `deno test`.
 * @returns The process exit code.
 *
 * @example Usage
 * ```ts ignore
 * import { runFaults } from "./faults.ts";
 * Deno.exit(await runFaults(["--soak"]));
 * ```
 */
export async function runFaults(args: readonly string[]): Promise<number> {
  const log = (line: string) => console.error(line);
  const soak = args.includes("--soak");
  const testArgs = args.filter((arg) => arg !== "--soak");
  const root = halfstackRepoRoot();
  const folders: string[] = [];
  for (const folder of ["tests/faults/", "tests/fuzz/"]) {
    if (await exists(`${root}/${folder}`)) folders.push(folder);
    else log(`faults: no ${folder}; skipped`);
  }
  const reportDir = await Deno.makeTempDir({ prefix: "backendai-faults-" });
  let exitCode = 0;
  let started: StartedHalfstacks = { halfstack: false, faultHalfstack: false };
  let child: Deno.ChildProcess | undefined;
  const onSignal = () => {
    try {
      child?.kill("SIGTERM");
    } catch {
      // already gone
    }
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const output: string[] = [];
  let testExit = 1;
  try {
    const up = await startHalfstacks("faults", log);
    started = up.started;
    if (!up.ok) exitCode = 1;
    child = new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", ...folders, ...testArgs],
      cwd: root,
      env: {
        NO_COLOR: "1",
        BACKEND_FAULT_HALFSTACK_DIR: faultHalfstackDir(),
        BACKEND_REPO_ROOT: root,
        BACKEND_FAULTS_REPORT_DIR: reportDir,
        BACKEND_FAULTS_SCALE: soak
          ? "soak"
          : Deno.env.get("BACKEND_FAULTS_SCALE") ?? "ci",
        DENO_NO_PACKAGE_JSON: Deno.env.get("DENO_NO_PACKAGE_JSON") ?? "1",
      },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await Promise.all([
      pumpOutput(child.stdout, Deno.stdout, output),
      pumpOutput(child.stderr, Deno.stderr, output),
    ]);
    testExit = (await child.status).code;
  } finally {
    if (!await stopHalfstacks(started, "faults", log)) exitCode = 1;
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  const tests = parseDenoTestSummary(output.join(""));
  const figures = await readFigures(reportDir);
  await Deno.remove(reportDir, { recursive: true });
  const summary = summarizeFaultFigures(figures, {
    passed: tests?.passed ?? 0,
    failed: tests?.failed ?? 0,
  });
  if (tests === undefined) {
    log(`faults: deno test printed no summary line (exit code ${testExit})`);
    exitCode = 1;
  } else if (testExit !== 0 || !tests.ok || tests.failed > 0) {
    exitCode = 1;
  }
  for (const f of figures) {
    if ((f.lost ?? 0) > 0) {
      log(`faults: ${f.name} lost ${f.lost}`);
      exitCode = 1;
    }
    if ((f.crashes ?? 0) > 0) {
      log(`faults: ${f.name} had ${f.crashes} crashes`);
      exitCode = 1;
    }
    // A test that passed after one rerun (tests/_isolated.ts): not a
    // failure, but never silent.
    if ((f.runtimeCrashes ?? 0) > 0) {
      log(
        `faults: WARNING: ${f.name} passed after ${f.runtimeCrashes} Deno runtime crash (rerun once; RELIABILITY.md)`,
      );
    }
  }
  console.log(JSON.stringify(summary));
  return exitCode;
}

if (import.meta.main) {
  Deno.exit(await runFaults(Deno.args));
}
