// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Breaking the fault halfstack's servers on purpose, from any runtime:
 * `halfstack restart NAME` run by Deno in a process of its own, SIGKILL of
 * a server by the pid file the halfstack wrote, and a load that counts
 * which anycasts were acknowledged and which messages a group read, so a
 * test can tell whether an acknowledged message was lost.
 *
 * @module
 */

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Anycaster, Consumer } from "../../message_queue/mod.ts";
import { faultHalfstackDir } from "../../scripts/_fault_halfstack.ts";
import { readHalfstackEnv } from "../../scripts/halfstack.ts";

// The repository: given by the runner under Node and Bun (the tests run
// compiled, elsewhere), else two folders up from here.
function repoRoot(): string {
  return process.env.BACKEND_REPO_ROOT ??
    fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
}

/**
 * Restarts one server of the fault halfstack (`halfstack restart NAME`)
 * and waits until it answers its health probe.
 *
 * @param name The service, e.g. `nats` or `redis-cluster-2`.
 * @returns What the halfstack printed.
 */
export function restartFaultServer(name: string): Promise<string> {
  const dir = faultHalfstackDir();
  const offset = readHalfstackEnv(dir)?.BACKEND_HALFSTACK_PORT_OFFSET ??
    "1000";
  // Deno runs the script; under Node and Bun, the `deno` on PATH.
  const deno = "deno" in process.versions ? process.execPath : "deno";
  return new Promise((resolve, reject) => {
    execFile(
      deno,
      ["run", "-A", `${repoRoot()}/scripts/halfstack.ts`, "restart", name],
      {
        env: {
          ...process.env,
          BACKEND_HALFSTACK_DIR: dir,
          BACKEND_HALFSTACK_PORT_OFFSET: offset,
          DENO_NO_PACKAGE_JSON: "1",
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (error) reject(new Error(`halfstack restart ${name}: ${output}`));
        else resolve(output);
      },
    );
  });
}

/**
 * Kills a server of the fault halfstack with SIGKILL (no shutdown at all).
 *
 * @param name The service.
 * @returns Its pid.
 */
export function killFaultServer(name: string): number {
  const dir = `${faultHalfstackDir()}/${name}`;
  const pid = Number(readFileSync(`${dir}/${name}.pid`, "utf8").trim());
  process.kill(pid, "SIGKILL");
  return pid;
}

/** What a {@linkcode load} run saw. */
export interface LoadResult {
  /** Anycasts acknowledged: their numbers. */
  readonly acked: Set<number>;
  /** Anycasts that failed (and were sent again): how many times. */
  readonly failures: number;
  /** Messages the group read: their numbers, as often as read. */
  readonly read: number[];
  /** When (ms since the start) each message was read. */
  readonly readAt: number[];
}

/**
 * Anycasts numbered messages one after another for `ms` (a failed one is
 * sent again after 50 ms) while a consumer reads and acknowledges; `fault`
 * runs at `faultAtMs`. Then waits up to `drainMs` for the consumer to read
 * every acknowledged message.
 *
 * @param options The anycaster, the consumer, the run's length and fault.
 * @returns What was acknowledged and read.
 */
export async function load(options: {
  anycaster: Anycaster;
  consumer: Consumer;
  ms: number;
  faultAtMs: number;
  fault: () => Promise<void>;
  drainMs: number;
}): Promise<LoadResult> {
  const acked = new Set<number>();
  const read: number[] = [];
  const readAt: number[] = [];
  let failures = 0;
  const started = Date.now();
  const stop = new AbortController();
  const reading = (async () => {
    while (!stop.signal.aborted) {
      try {
        for await (
          const message of options.consumer.messages({ signal: stop.signal })
        ) {
          read.push((message.body as { n: number }).n);
          readAt.push(Date.now() - started);
          await options.consumer.done(message);
        }
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  })();
  const faulting = new Promise<void>((resolve, reject) =>
    setTimeout(
      () => options.fault().then(resolve, reject),
      options.faultAtMs,
    )
  );
  for (let n = 0; Date.now() - started < options.ms;) {
    try {
      await options.anycaster.anycast({
        name: "fault",
        source: "load",
        payload: JSON.stringify({ n }),
      });
      acked.add(n++);
    } catch {
      failures++;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await faulting;
  const deadline = Date.now() + options.drainMs;
  const seen = new Set(read);
  while (Date.now() < deadline && [...acked].some((n) => !seen.has(n))) {
    await new Promise((r) => setTimeout(r, 100));
    for (const n of read) seen.add(n);
  }
  stop.abort();
  await reading;
  return { acked, failures, read, readAt };
}

/**
 * The longest time between two consecutive reads (and from the first
 * moment to the first read): the outage a consumer saw during a run.
 *
 * @param readAt When each message was read, in ms since the start.
 * @returns The longest gap, in ms, rounded.
 */
export function longestGapMs(readAt: readonly number[]): number {
  const sorted = [...readAt].sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < sorted.length; i++) {
    longest = Math.max(longest, (sorted[i] ?? 0) - (sorted[i - 1] ?? 0));
  }
  return Math.round(longest);
}
