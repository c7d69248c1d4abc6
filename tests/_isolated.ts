// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Runs one test scenario in a child process of the same runtime, so that a
 * crash of the runtime ends the child, not the whole test run.
 *
 * Why: Deno 2.9.6 sometimes dies in its HTTP/2 implementation (SIGSEGV, or
 * SIGABRT on the nghttp2 assertion `stream->closed_next == NULL` in
 * `find_stream_on_goaway_func`) while the etcd client (etcd3 over grpc-js over
 * `node:http2`) closes or loses its connections: around etcd restarts and
 * when clients close (RELIABILITY.md). Node and Bun never crashed there.
 *
 * The rule: a scenario that passes in its child passes. A child that fails
 * any other way (an assertion, an exit code, a timeout) fails the test at
 * once. Under Deno only, a child killed by SIGSEGV or SIGABRT is a runtime
 * crash: it is reported loudly on stderr and the scenario runs ONCE more; a
 * second crash fails the test. Under Node and Bun a crash fails at once.
 *
 * The scenario is an exported function of a module (a `_*_scenarios.ts`
 * beside the test); the child is `tests/_isolated_child.ts` (or its compiled
 * `.js` under Node and Bun), which imports that module and calls it.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Signals that mean the runtime itself crashed (under Deno). */
const RUNTIME_CRASH_SIGNALS: readonly string[] = ["SIGSEGV", "SIGABRT"];

/** The line the child prints when its scenario passed. */
export const ISOLATED_PASSED = "ISOLATED-PASSED";

/** What an isolated run of a scenario gave. */
export interface IsolatedRun {
  /** Runtime crashes before the passing run (0 or 1). */
  readonly runtimeCrashes: number;
  /** The passing child's stdout. */
  readonly output: string;
}

/** How one child ended. */
interface ChildEnd {
  readonly code: number | null;
  readonly signal: string | null;
  readonly output: string;
  readonly timedOut: boolean;
}

function runChild(
  moduleUrl: string,
  scenario: string,
  timeoutMs: number,
  env: Record<string, string> | undefined,
): Promise<ChildEnd> {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const childPath = here.replace(
    /_isolated\.(ts|js)$/,
    `_isolated_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = [childPath, moduleUrl, scenario];
  // The repository's deno.json (its import map), whatever the cwd.
  const config = fileURLToPath(new URL("../deno.json", import.meta.url));
  const denoArgs = ["run", "-A", "--config", config, ...args];
  const child = spawn(command, compiled ? args : denoArgs, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    })
  );
}

/**
 * Runs `scenario` of the module at `moduleUrl` in a child process, with the
 * rerun rule of this module.
 *
 * @param moduleUrl `import.meta.url` of the scenarios module.
 * @param scenario The name of its exported `() => Promise<void>`.
 * @param options `timeoutMs` per child (default 180 000); `env`, variables
 *   added to the child's environment.
 * @returns The runtime crashes seen and the passing child's output.
 * @throws Error when the scenario failed, or the runtime crashed twice.
 */
export async function runIsolated(
  moduleUrl: string,
  scenario: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<IsolatedRun> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  const underDeno = !fileURLToPath(import.meta.url).endsWith(".js");
  let runtimeCrashes = 0;
  for (;;) {
    const end = await runChild(moduleUrl, scenario, timeoutMs, options.env);
    // What the scenario printed (its figures) belongs in the test's output.
    const printed = end.output.split("\n").filter((line) =>
      line !== "" && !line.startsWith(ISOLATED_PASSED)
    );
    if (printed.length > 0) console.log(printed.join("\n"));
    const passed = end.code === 0 &&
      end.output.split("\n").includes(`${ISOLATED_PASSED} ${scenario}`);
    if (passed) return { runtimeCrashes, output: end.output };
    const how = end.timedOut
      ? `timed out after ${timeoutMs} ms`
      : `ended with ${end.signal ?? `exit code ${end.code}`}`;
    const crashed = !end.timedOut && end.signal !== null &&
      RUNTIME_CRASH_SIGNALS.includes(end.signal);
    if (underDeno && crashed && runtimeCrashes === 0) {
      runtimeCrashes++;
      const when = end.output.split("\n").includes(
          `${ISOLATED_PASSED} ${scenario}`,
        )
        ? "after the scenario passed, as the child ended"
        : "before the scenario finished";
      console.warn(
        `WARNING: DENO RUNTIME CRASH (${end.signal}) in scenario ` +
          `"${scenario}", ${when}; the known Deno HTTP/2 crash ` +
          `(RELIABILITY.md). Running it once more; a second crash fails ` +
          `the test.`,
      );
      continue;
    }
    throw new Error(
      `The scenario "${scenario}" ${how}` +
        (runtimeCrashes > 0 ? " (after one Deno runtime crash)" : "") +
        `; its output: ${end.output.slice(-1_000)}`,
    );
  }
}
