// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Child processes of the fault tests: a script beside the test, run by the
 * same runtime (`deno run -A` under Deno; the compiled `.js` under Node and
 * Bun), that the test may SIGKILL at any moment.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A running child: its process, its output so far, and its end. */
export interface FaultChild {
  readonly process: ChildProcess;
  /** What it printed on stdout so far. */
  readonly output: () => string;
  /** Resolves with the signal that ended it (or null) when it exits. */
  readonly exited: Promise<string | null>;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly code: Promise<number | null>;
  /** Writes a line to its stdin (when spawned with `stdin: true`). */
  send(line: string): void;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts `tests/faults/<script>` (`.ts` or its compiled `.js`) with `args`.
 *
 * @param script The file name without extension, e.g. `_consumer_child`.
 * @param args Its arguments.
 * @param options `stdin: true` to write to it with `send()`.
 * @returns The child.
 */
export function spawnFaultChild(
  script: string,
  args: readonly string[],
  options: { stdin?: boolean } = {},
): FaultChild {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const path = here.replace(
    /_child\.(ts|js)$/,
    `${script}.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const argv = compiled ? [path, ...args] : ["run", "-A", path, ...args];
  const child = spawn(command, argv, {
    stdio: [options.stdin ? "pipe" : "ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => (out += chunk));
  let exitCode!: (code: number | null) => void;
  const code = new Promise<number | null>((resolve) => (exitCode = resolve));
  const exited = new Promise<string | null>((resolve) =>
    child.once("close", (status, signal) => {
      exitCode(status);
      resolve(signal);
    })
  );
  return {
    process: child,
    output: () => out,
    exited,
    code,
    send(line: string) {
      child.stdin?.write(`${line}\n`);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
      }
      await exited;
    },
  };
}
