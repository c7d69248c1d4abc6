// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Python side of the agent RPC interop tests and the RPC benchmark:
 * `_callosum_peer.ts`'s script run by Debian's `/usr/bin/python3` with
 * `python3-zmq` and `python3-msgpack` (scripts/install_servers.sh). Without
 * them the tests fail with a message saying what to install; they never
 * skip. Every wait here has a time limit.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { CALLOSUM_PEER_PY } from "./_callosum_peer.ts";

/** Debian's interpreter, where python3-zmq and python3-msgpack live. */
export const PYTHON = "/usr/bin/python3";
/** How the peer script is passed to Python. */
const PEER_ARGS: readonly string[] = ["-c", CALLOSUM_PEER_PY];

/** Fails with `message` if `promise` takes longer than `ms`. */
export function within<T>(
  promise: Promise<T>,
  ms: number,
  message = `No result within ${ms} ms`,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** A running Python callosum server. */
export interface PythonServer extends AsyncDisposable {
  /** `tcp://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Stops the process (SIGTERM) and waits for it. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Starts the Python server and waits for its port.
 *
 * @param curve With CURVE: its secret key and the one client key it
 * accepts (checked by a ZAP handler as callosum's).
 * @returns The server.
 */
export async function startPythonServer(
  curve?: { secretKey: string; allowedClientKey: string },
): Promise<PythonServer> {
  const mode = curve
    ? ["curve-server", curve.secretKey, curve.allowedClientKey]
    : ["server"];
  const child = spawn(PYTHON, [...PEER_ARGS, ...mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const port = await within(
    new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += String(chunk);
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve(line.trim());
      });
      child.once("exit", (code) =>
        reject(
          new Error(
            `The Python peer exited (${code}): ${stderr}. ` +
              "Install python3-zmq and python3-msgpack (scripts/install_servers.sh).",
          ),
        ));
    }),
    10_000,
    "The Python peer did not start",
  ).catch(async (error) => {
    child.kill("SIGTERM");
    await exited(child);
    throw error;
  });
  child.stdout!.removeAllListeners("data");
  child.stdout!.resume();
  const stop = async () => {
    child.kill("SIGTERM");
    await exited(child);
  };
  return {
    endpoint: `tcp://127.0.0.1:${port}`,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * Runs the peer script in a client mode and parses its JSON output.
 *
 * @param args The mode and its arguments.
 * @param timeoutMs How long it may run.
 * @returns The parsed output.
 */
export async function runPythonClient(
  args: string[],
  timeoutMs = 30_000,
): Promise<unknown> {
  const child = spawn(PYTHON, [...PEER_ARGS, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => stdout += String(chunk));
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const code = await within(
    new Promise<number | null>((resolve) =>
      child.once("exit", (c) => resolve(c))
    ),
    timeoutMs,
    `The Python client did not finish within ${timeoutMs} ms`,
  ).catch(async (error) => {
    child.kill("SIGKILL");
    await exited(child);
    throw error;
  });
  if (code !== 0) {
    throw new Error(`The Python client failed (${code}): ${stderr}`);
  }
  return JSON.parse(stdout);
}
