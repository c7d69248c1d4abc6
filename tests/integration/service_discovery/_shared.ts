// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** A child process running `_child.ts`, with its output so far. */
export interface Child {
  readonly output: () => string;
  readonly kill: () => void;
  readonly exited: Promise<string | null>;
}

/** Spawns `_child.ts` (or its compiled `.js` under Node and Bun) with `args`. */
export function spawnChild(args: string[]): Child {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const childPath = here.replace(
    /_shared\.(ts|js)$/,
    `_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const base = compiled ? [childPath] : ["run", "-A", childPath];
  const child = spawn(command, [...base, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const exited = new Promise<string | null>((resolve) =>
    child.on("exit", (_code, signal) => resolve(signal))
  );
  return { output: () => out, kill: () => void child.kill("SIGKILL"), exited };
}

/** Waits until `check()` holds, polling every 20 ms. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`Condition not met in ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
