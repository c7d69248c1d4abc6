// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The body of `deno task test`: makes sure the halfstack and the fault
 * halfstack (`tests/faults/`, see scripts/_fault_halfstack.ts) are up, each
 * with its Redis Cluster (starting each when its env file is missing, and
 * stopping it afterwards only then; adding the cluster to one that runs
 * without it), runs
 * `deno test -A --doc --parallel [args...]` over the repo with output streamed
 * live, and prints as its very last line `N passed, N failed` (plus
 * `, N skipped` when tests were ignored). Exits non-zero on any failure or when
 * Deno printed no summary.
 *
 * ```sh
 * deno task test                       # everything
 * deno task test tests/integration/    # a narrower path; extra args go to `deno test`
 * ```
 *
 * @module
 */

import {
  faultHalfstack,
  faultHalfstackDir,
  faultHalfstackIsUp,
} from "./_fault_halfstack.ts";
import {
  HALFSTACK_CLUSTER_ENV,
  halfstackDown,
  halfstackEnvPath,
  halfstackRepoRoot,
  halfstackUp,
  readHalfstackEnv,
} from "./halfstack.ts";

/** Counts from Deno's closing summary line. */
export interface DenoTestSummary {
  /** Whether Deno said `ok` (true) or `FAILED` (false). */
  ok: boolean;
  /** Tests that passed (steps not counted). */
  passed: number;
  /** Tests that failed (steps not counted). */
  failed: number;
  /** Tests that were ignored. */
  ignored: number;
}

/**
 * Finds the last summary line of `deno test` output, e.g.
 * `ok | 12 passed (3 steps) | 0 failed (1s)` or
 * `FAILED | 11 passed | 1 failed | 2 ignored (1s)`.
 *
 * @param output Everything `deno test` printed, without colors.
 * @returns The counts, or `undefined` when there is no summary line.
 *
 * @example Usage
 * ```ts ignore
 * import { parseDenoTestSummary } from "./run_tests.ts";
 * parseDenoTestSummary("ok | 3 passed (2 steps) | 0 failed (5ms)");
 * // { ok: true, passed: 3, failed: 0, ignored: 0 }
 * ```
 */
export function parseDenoTestSummary(
  output: string,
): DenoTestSummary | undefined {
  // deno-lint-ignore no-control-regex
  const lines = output.replace(/\x1b\[[0-9;]*m/g, "").split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? "").trim();
    const head = /^(ok|FAILED) \| /.exec(line);
    if (head === null) continue;
    const summary: DenoTestSummary = {
      ok: head[1] === "ok",
      passed: 0,
      failed: 0,
      ignored: 0,
    };
    let sawPassed = false;
    for (const segment of line.split(" | ").slice(1)) {
      const match = /^(\d+) (passed|failed|ignored)\b/.exec(segment);
      if (match === null) continue;
      const count = Number(match[1]);
      if (match[2] === "passed") {
        summary.passed = count;
        sawPassed = true;
      } else if (match[2] === "failed") summary.failed = count;
      else summary.ignored = count;
    }
    if (sawPassed) return summary;
  }
  return undefined;
}

/**
 * Formats the plain closing line CI reads.
 *
 * @param summary Counts from {@linkcode parseDenoTestSummary}.
 * @returns `N passed, N failed`, plus `, N skipped` when some were ignored.
 *
 * @example Usage
 * ```ts ignore
 * import { formatClosingLine } from "./run_tests.ts";
 * formatClosingLine({ ok: true, passed: 3, failed: 0, ignored: 1 }); // "3 passed, 0 failed, 1 skipped"
 * ```
 */
export function formatClosingLine(summary: DenoTestSummary): string {
  const skipped = summary.ignored > 0 ? `, ${summary.ignored} skipped` : "";
  return `${summary.passed} passed, ${summary.failed} failed${skipped}`;
}

/**
 * Copies a child's output stream to `sink` as it comes, and keeps its text.
 *
 * @param stream The child's stdout or stderr.
 * @param sink Where to copy it (`Deno.stdout`, `Deno.stderr`).
 * @param collected Receives the decoded text, in order.
 *
 * @example Usage
 * ```ts ignore
 * import { pumpOutput } from "./run_tests.ts";
 * const output: string[] = [];
 * await pumpOutput(child.stdout, Deno.stdout, output);
 * ```
 */
export async function pumpOutput(
  stream: ReadableStream<Uint8Array>,
  sink: { write(p: Uint8Array): Promise<number> },
  collected: string[],
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    let written = 0;
    while (written < chunk.length) {
      written += await sink.write(chunk.subarray(written));
    }
    collected.push(decoder.decode(chunk, { stream: true }));
  }
  collected.push(decoder.decode());
}

/** Which halfstacks {@linkcode startHalfstacks} started (and so must stop). */
export interface StartedHalfstacks {
  /** The halfstack the tests share. */
  halfstack: boolean;
  /** The fault halfstack of `tests/faults/`. */
  faultHalfstack: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Makes sure the halfstack and the fault halfstack are up, each with its
 * Redis Cluster: starts one whose env file is missing, adds the cluster to
 * a halfstack running without it (left running after, as the rest of a
 * halfstack this run did not start). With `BACKEND_REDIS_ADDR` set, the
 * servers are the caller's and the halfstack is left alone.
 *
 * @param name The program, for the log lines.
 * @param log Where progress goes.
 * @returns What was started, and whether everything came up. The tests
 * run anyway when not: the unit tests still tell something, and the
 * integration and fault tests fail with "... is not running".
 *
 * @example Usage
 * ```ts ignore
 * import { startHalfstacks, stopHalfstacks } from "./run_tests.ts";
 * const { started } = await startHalfstacks("faults", console.error);
 * await stopHalfstacks(started, "faults", console.error);
 * ```
 */
export async function startHalfstacks(
  name: string,
  log: (line: string) => void,
): Promise<{ started: StartedHalfstacks; ok: boolean }> {
  const started: StartedHalfstacks = {
    halfstack: false,
    faultHalfstack: false,
  };
  const starting: Promise<void>[] = [];
  if (Deno.env.get("BACKEND_REDIS_ADDR") === undefined) {
    const env = readHalfstackEnv();
    if (env === undefined) {
      log(`${name}: no ${halfstackEnvPath()}; starting the halfstack`);
      started.halfstack = true;
      starting.push(halfstackUp({ log, cluster: true }).then(() => {}));
    } else if (env[HALFSTACK_CLUSTER_ENV] === undefined) {
      log(`${name}: the halfstack has no Redis Cluster; starting it`);
      starting.push(halfstackUp({ log, cluster: true }).then(() => {}));
    }
  }
  if (!faultHalfstackIsUp()) {
    log(`${name}: no fault halfstack in ${faultHalfstackDir()}; starting it`);
    // Stopped after only when this run started it (not when it added the cluster).
    started.faultHalfstack = readHalfstackEnv(faultHalfstackDir()) ===
      undefined;
    starting.push(faultHalfstack("up", log));
  }
  let ok = true;
  for (const result of await Promise.allSettled(starting)) {
    if (result.status === "fulfilled") continue;
    log(`${name}: ${message(result.reason)}`);
    ok = false;
  }
  return { started, ok };
}

/**
 * Stops what {@linkcode startHalfstacks} started, the fault halfstack
 * first.
 *
 * @param started What it started.
 * @param name The program, for the log lines.
 * @param log Where progress goes.
 * @returns Whether every stop succeeded.
 */
export async function stopHalfstacks(
  started: StartedHalfstacks,
  name: string,
  log: (line: string) => void,
): Promise<boolean> {
  let ok = true;
  if (started.faultHalfstack) {
    await faultHalfstack("down", log).catch((error: unknown) => {
      log(`${name}: stopping the fault halfstack failed: ${message(error)}`);
      ok = false;
    });
  }
  if (started.halfstack) {
    await halfstackDown({ log }).catch((error: unknown) => {
      log(`${name}: stopping the halfstack failed: ${message(error)}`);
      ok = false;
    });
  }
  return ok;
}

/**
 * Runs the whole test suite as described in the module doc.
 *
 * @param args Extra arguments appended to `deno test -A --doc --parallel`.
 * @returns The process exit code (0 only when everything passed).
 *
 * @example Usage
 * ```ts ignore
 * import { runTests } from "./run_tests.ts";
 * Deno.exit(await runTests(["tests/unit/"]));
 * ```
 */
export async function runTests(args: string[]): Promise<number> {
  const log = (line: string) => console.error(line);
  let exitCode = 0;

  let started: StartedHalfstacks = { halfstack: false, faultHalfstack: false };
  let interrupted = false;
  let child: Deno.ChildProcess | undefined;
  // Ctrl-C reaches `deno test` through the process group; SIGTERM is forwarded.
  // Either way we go on to the teardown below instead of dying with servers left running.
  const onSigint = () => {
    interrupted = true;
    log("run_tests: interrupted; stopping");
  };
  const onSigterm = () => {
    interrupted = true;
    try {
      child?.kill("SIGTERM");
    } catch {
      // already gone
    }
  };
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", onSigterm);

  const output: string[] = [];
  let testExit = 1;
  try {
    const up = await startHalfstacks("run_tests", log);
    started = up.started;
    if (!up.ok) exitCode = 1;
    if (!interrupted) {
      child = new Deno.Command(Deno.execPath(), {
        args: ["test", "-A", "--doc", "--parallel", ...args],
        env: {
          NO_COLOR: "1",
          BACKEND_FAULT_HALFSTACK_DIR: faultHalfstackDir(),
          BACKEND_REPO_ROOT: halfstackRepoRoot(),
          // package.json only brings the toolchain (npm "deno"); keep deno from resolving it.
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
    }
  } finally {
    if (!await stopHalfstacks(started, "run_tests", log)) exitCode = 1;
    Deno.removeSignalListener("SIGINT", onSigint);
    Deno.removeSignalListener("SIGTERM", onSigterm);
  }

  const summary = parseDenoTestSummary(output.join(""));
  if (summary === undefined) {
    log(`run_tests: deno test printed no summary line (exit code ${testExit})`);
    return testExit !== 0 ? testExit : 1;
  }
  console.log(formatClosingLine(summary));
  if (testExit !== 0 || summary.failed > 0 || !summary.ok) {
    return testExit !== 0 ? testExit : 1;
  }
  return exitCode;
}

if (import.meta.main) {
  Deno.exit(await runTests(Deno.args));
}
