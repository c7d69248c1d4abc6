// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A Redis of the fault test's own, on a free loopback port, that the test
 * may stop with SIGTERM or SIGKILL and start again on the same port and
 * data, optionally with an append-only file (`appendfsync everysec` or
 * `always`). Each fault test starts its own, so it neither disturbs the
 * halfstacks nor is disturbed by the failovers other fault tests run on
 * the fault halfstack in parallel. Also the scale of a run
 * ({@linkcode faultScale}) and a wait function ({@linkcode until}).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Redis } from "ioredis";
import { freePort } from "../_private_servers.ts";

/**
 * The size of a run: `ci` (bounded, the default) or `soak`
 * (`BACKEND_FAULTS_SCALE=soak`, set by `deno task faults --soak`).
 */
export function faultScale(): "ci" | "soak" {
  return process.env.BACKEND_FAULTS_SCALE === "soak" ? "soak" : "ci";
}

/** Waits until `check` is true, polling every 50 ms, or throws after `ms`. */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms: number,
  what = "a condition",
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Persistence of a {@linkcode FaultRedis}. */
export type Persistence = "none" | "everysec" | "always";

/** A Redis the test owns; see the module doc. */
export class FaultRedis implements AsyncDisposable {
  readonly port: number;
  readonly dir: string;
  readonly persistence: Persistence;
  #pid: number | undefined;
  #exit: Promise<void> | undefined;

  private constructor(port: number, dir: string, persistence: Persistence) {
    this.port = port;
    this.dir = dir;
    this.persistence = persistence;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The server's pid while it runs. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Starts a fresh Redis and waits until it answers PING. */
  static async start(persistence: Persistence = "none"): Promise<FaultRedis> {
    const dir = await mkdtemp(join(tmpdir(), "backendai-fault-redis-"));
    const redis = new FaultRedis(await freePort(), dir, persistence);
    await redis.startProcess();
    return redis;
  }

  /** Starts the process on the same port and data; waits for PING. */
  async startProcess(): Promise<void> {
    const aof = this.persistence === "none"
      ? ["--appendonly", "no"]
      : ["--appendonly", "yes", "--appendfsync", this.persistence];
    const logPath = join(this.dir, "redis.log");
    const log = openSync(logPath, "a");
    const child = spawn("redis-server", [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      ...aof,
      "--dir",
      this.dir,
    ], { stdio: ["ignore", log, log] });
    closeSync(log);
    let failed: Error | undefined;
    child.once("error", (error) => {
      failed = new Error(
        `Cannot start "redis-server" (Debian package redis-server): ${error.message}`,
      );
    });
    this.#exit = new Promise<void>((resolve) =>
      child.once("exit", () => resolve())
    );
    let gone = false;
    void this.#exit.then(() => gone = true);
    this.#pid = child.pid;
    const probe = new Redis({
      port: this.port,
      host: "127.0.0.1",
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on("error", () => {});
    try {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        if (failed !== undefined) throw failed;
        if (gone) {
          throw new Error(
            `The Redis on ${this.address} exited at start: ${this.#logTail()}`,
          );
        }
        try {
          if (probe.status !== "ready") await probe.connect();
          // Loading the AOF answers LOADING: wait until it is done.
          if (await probe.ping() === "PONG") return;
        } catch {
          probe.disconnect();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`The Redis on ${this.address} did not start`);
    } finally {
      probe.disconnect();
    }
  }

  #logTail(): string {
    try {
      return readFileSync(join(this.dir, "redis.log"), "utf8").trim().split(
        "\n",
      ).slice(-5).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /**
   * Stops the process: SIGTERM (Redis writes and fsyncs its AOF before it
   * exits) or SIGKILL (nothing more reaches the disk).
   */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const pid = this.#pid;
    const exit = this.#exit;
    this.#pid = undefined;
    this.#exit = undefined;
    if (pid === undefined || exit === undefined) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
    await exit;
  }

  /** Stops it and starts it again on the same port and data. */
  async restart(
    signal: "SIGTERM" | "SIGKILL" = "SIGTERM",
    downMs = 0,
  ): Promise<void> {
    await this.stop(signal);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.startProcess();
  }

  /** Stops it and removes its folder. */
  async close(): Promise<void> {
    await this.stop("SIGKILL");
    await rm(this.dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
