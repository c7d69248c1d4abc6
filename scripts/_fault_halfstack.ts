// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The fault halfstack: a second halfstack, its ports shifted by
 * {@linkcode FAULT_HALFSTACK_PORT_OFFSET} and its state in a folder of its
 * own, for the tests under `tests/faults/` that fail servers over. Those
 * tests never touch the first halfstack, which other tests use in
 * parallel.
 *
 * ```sh
 * BACKEND_HALFSTACK_DIR=.halfstack-faults BACKEND_HALFSTACK_PORT_OFFSET=1000 deno task halfstack up --cluster
 * ```
 *
 * @module
 */

import {
  HALFSTACK_CLUSTER_ENV,
  halfstackRepoRoot,
  readHalfstackEnv,
} from "./halfstack.ts";

/** The port offset of the fault halfstack. */
export const FAULT_HALFSTACK_PORT_OFFSET = 1000;

/**
 * The fault halfstack's state dir: `$BACKEND_FAULT_HALFSTACK_DIR`, else
 * `<repo>/.halfstack-faults`.
 *
 * @returns The path.
 *
 * @example Usage
 * ```ts ignore
 * import { faultHalfstackDir } from "./_fault_halfstack.ts";
 * console.log(faultHalfstackDir()); // "/work/main/.halfstack-faults"
 * ```
 */
export function faultHalfstackDir(): string {
  const fromEnv = Deno.env.get("BACKEND_FAULT_HALFSTACK_DIR");
  return fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : `${halfstackRepoRoot()}/.halfstack-faults`;
}

/**
 * Whether the fault halfstack's env file exists (it was started).
 *
 * @returns True when `up` ran and `down` did not.
 *
 * @example Usage
 * ```ts ignore
 * import { faultHalfstackIsUp } from "./_fault_halfstack.ts";
 * if (!faultHalfstackIsUp()) console.log("start it first");
 * ```
 */
export function faultHalfstackIsUp(): boolean {
  const env = readHalfstackEnv(faultHalfstackDir());
  // Up without its Redis Cluster (started before the cluster came) counts
  // as not up: `up` adds what is missing.
  return env !== undefined && env[HALFSTACK_CLUSTER_ENV] !== undefined;
}

/**
 * Runs `scripts/halfstack.ts <command>` for the fault halfstack, in a
 * process of its own (the port offset is read from the environment); `up`
 * starts its Redis Cluster too (`--cluster`).
 *
 * @param command `up` or `down`.
 * @param log Receives the output lines.
 * @throws {Error} When the command fails.
 *
 * @example Usage
 * ```ts ignore
 * import { faultHalfstack } from "./_fault_halfstack.ts";
 * await faultHalfstack("up", console.error);
 * ```
 */
export async function faultHalfstack(
  command: "up" | "down",
  log: (line: string) => void,
): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${halfstackRepoRoot()}/scripts/halfstack.ts`,
      command,
      ...(command === "up" ? ["--cluster"] : []),
    ],
    env: {
      BACKEND_HALFSTACK_DIR: faultHalfstackDir(),
      BACKEND_HALFSTACK_PORT_OFFSET: String(FAULT_HALFSTACK_PORT_OFFSET),
      DENO_NO_PACKAGE_JSON: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout) +
    new TextDecoder().decode(output.stderr);
  for (const line of text.split("\n")) {
    if (line.trim() !== "") log(`fault halfstack: ${line}`);
  }
  if (!output.success) {
    throw new Error(`fault halfstack ${command} failed (exit ${output.code})`);
  }
}
