// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Servers a test starts for itself, on free ports, so it may stop and
 * restart them without touching the shared halfstack: an etcd (optionally
 * with authentication on) and a Redis. Node built-ins only (`child_process`,
 * `net`, `fs`), so the same helpers run under Deno, Node and Bun. A missing
 * binary fails the test with the Debian package to install.
 *
 * @module
 */

import { execFile, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** Finds a TCP port nobody listens on (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether something accepts TCP connections on the port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, "127.0.0.1", () => done(true));
  });
}

function run(binary: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new Error(`${binary} ${args.join(" ")}: ${stderr || error.message}`),
        );
      } else resolve(String(stdout));
    });
  });
}

function exited(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function stopPid(
  pid: number,
  signal: "SIGTERM" | "SIGKILL",
): Promise<void> {
  if (exited(pid)) return;
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (!exited(pid) && Date.now() < deadline) await delay(50);
  if (!exited(pid)) {
    process.kill(pid, "SIGKILL");
    while (!exited(pid)) await delay(50);
  }
}

function logTail(path: string): string {
  try {
    return readFileSync(path, "utf8").trim().split("\n").slice(-5).join("\n");
  } catch {
    return "(no log)";
  }
}

/** A server process the test owns. */
interface Owned {
  pid: number;
  wait: Promise<void>;
  exited: () => boolean;
}

function startProcess(
  binary: string,
  args: string[],
  pkg: string,
  logPath: string,
): Owned {
  const log = openSync(logPath, "a");
  const child = spawn(binary, args, { stdio: ["ignore", log, log] });
  closeSync(log);
  let failed: Error | undefined;
  child.once("error", (error) => {
    failed = new Error(
      `Cannot start "${binary}" (Debian package ${pkg}; scripts/install_servers.sh installs it): ${error.message}`,
    );
  });
  let done = false;
  const wait = new Promise<void>((resolve) =>
    child.once("exit", () => {
      done = true;
      resolve();
    })
  );
  if (child.pid === undefined) {
    throw failed ??
      new Error(`Cannot start "${binary}" (Debian package ${pkg})`);
  }
  return { pid: child.pid, wait, exited: () => done };
}

/** A private etcd on free ports, with its data dir in a temporary folder. */
export class PrivateEtcd implements AsyncDisposable {
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dir: string;
  #process: Owned | undefined;
  #root: { user: string; password: string } | undefined;

  private constructor(clientPort: number, peerPort: number, dir: string) {
    this.clientPort = clientPort;
    this.peerPort = peerPort;
    this.dir = dir;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.clientPort}`;
  }

  /** Starts a fresh etcd and waits until it answers. */
  static async start(): Promise<PrivateEtcd> {
    const dir = await mkdtemp(join(tmpdir(), "backendai-etcd-"));
    const etcd = new PrivateEtcd(await freePort(), await freePort(), dir);
    await etcd.startProcess();
    return etcd;
  }

  /** Starts the process on the same ports and data (after {@linkcode stop}). */
  async startProcess(): Promise<void> {
    const name = "private";
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const client = `http://127.0.0.1:${this.clientPort}`;
    this.#process = startProcess(
      "etcd",
      [
        "--name",
        name,
        "--data-dir",
        join(this.dir, "data"),
        "--listen-client-urls",
        client,
        "--advertise-client-urls",
        client,
        "--listen-peer-urls",
        peer,
        "--initial-advertise-peer-urls",
        peer,
        "--initial-cluster",
        `${name}=${peer}`,
        "--initial-cluster-state",
        "new",
      ],
      "etcd-server",
      join(this.dir, "etcd.log"),
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (this.#process.exited()) {
        throw new Error(
          `The private etcd on ${this.address} exited at start: ${
            logTail(join(this.dir, "etcd.log"))
          }`,
        );
      }
      try {
        const response = await fetch(`${client}/health`);
        const body = await response.text();
        if (body.includes("true")) return;
      } catch {
        // not yet
      }
      await delay(100);
    }
    throw new Error(
      `The private etcd on ${this.address} did not become healthy`,
    );
  }

  /** Stops the process (SIGTERM by default; SIGKILL to crash it). */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<void> {
    const owned = this.#process;
    this.#process = undefined;
    if (owned === undefined) return;
    await stopPid(owned.pid, signal);
    await owned.wait;
  }

  /** Stops and starts it again on the same ports and data. */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await delay(downMs);
    await this.startProcess();
  }

  /** Creates `user` (read-write on `/sorna/`) and `root`, then turns authentication on. */
  async enableAuth(user: string, password: string): Promise<void> {
    const endpoint = `--endpoints=${this.address}`;
    const root = { user: "root", password: "root-pw" };
    await run("etcdctl", [
      endpoint,
      "user",
      "add",
      `${root.user}:${root.password}`,
    ]);
    await run("etcdctl", [endpoint, "user", "grant-role", root.user, "root"]);
    await run("etcdctl", [endpoint, "user", "add", `${user}:${password}`]);
    await run("etcdctl", [endpoint, "role", "add", "sorna"]);
    await run("etcdctl", [
      endpoint,
      "role",
      "grant-permission",
      "sorna",
      "--prefix=true",
      "readwrite",
      "/sorna/",
    ]);
    await run("etcdctl", [endpoint, "user", "grant-role", user, "sorna"]);
    await run("etcdctl", [endpoint, "auth", "enable"]);
    this.#root = root;
  }

  /** Runs etcdctl against it (as root once auth is on). */
  etcdctl(...args: string[]): Promise<string> {
    const auth = this.#root === undefined
      ? []
      : [`--user=${this.#root.user}:${this.#root.password}`];
    return run("etcdctl", [`--endpoints=${this.address}`, ...auth, ...args]);
  }

  /** Stops it and removes its data. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** A private Redis on a free port, without persistence (a restart empties it). */
export class PrivateRedis implements AsyncDisposable {
  readonly port: number;
  readonly dir: string;
  #process: Owned | undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts a fresh Redis and waits until it accepts connections. */
  static async start(): Promise<PrivateRedis> {
    const dir = await mkdtemp(join(tmpdir(), "backendai-redis-"));
    const redis = new PrivateRedis(await freePort(), dir);
    await redis.startProcess();
    return redis;
  }

  /** Starts the process on the same port. */
  async startProcess(): Promise<void> {
    this.#process = startProcess(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        this.dir,
      ],
      "redis-server",
      join(this.dir, "redis.log"),
    );
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await portOpen(this.port)) return;
      await delay(50);
    }
    throw new Error(`The private Redis on ${this.address} did not start`);
  }

  /** Stops the process. */
  async stop(): Promise<void> {
    const owned = this.#process;
    this.#process = undefined;
    if (owned === undefined) return;
    await stopPid(owned.pid, "SIGTERM");
    await owned.wait;
  }

  /** Stops and starts it again on the same port (empty: no persistence). */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await delay(downMs);
    await this.startProcess();
  }

  /** Stops it and removes its folder. */
  async close(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
