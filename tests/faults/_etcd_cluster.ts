// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A three-member etcd cluster of the fault test's own, on free loopback
 * ports, whose members the test may SIGKILL and start again on their data.
 *
 * @module
 */

import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { freePort } from "../_private_servers.ts";

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  pid: number | undefined;
  exit: Promise<void> | undefined;
}

async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, {
      signal: AbortSignal.timeout(1_000),
    });
    return (await response.text()).includes('"true"');
  } catch {
    return false;
  }
}

/** The cluster; see the module doc. */
export class EtcdCluster implements AsyncDisposable {
  readonly #dir: string;
  readonly #members: Member[];

  private constructor(dir: string, members: Member[]) {
    this.#dir = dir;
    this.#members = members;
  }

  /** The client endpoints, `127.0.0.1:<port>` each. */
  get addrs(): string[] {
    return this.#members.map((m) => `127.0.0.1:${m.clientPort}`);
  }

  /** Starts three members and waits until each is healthy. */
  static async start(): Promise<EtcdCluster> {
    const dir = await mkdtemp(join(tmpdir(), "backendai-etcd-cluster-"));
    const members: Member[] = [];
    for (let i = 0; i < 3; i++) {
      members.push({
        name: `m${i}`,
        clientPort: await freePort(),
        peerPort: await freePort(),
        pid: undefined,
        exit: undefined,
      });
    }
    const cluster = new EtcdCluster(dir, members);
    for (const member of members) cluster.#spawn(member);
    for (const member of members) await cluster.#waitHealthy(member);
    return cluster;
  }

  #spawn(member: Member): void {
    const peer = `http://127.0.0.1:${member.peerPort}`;
    const client = `http://127.0.0.1:${member.clientPort}`;
    const initial = this.#members.map((m) =>
      `${m.name}=http://127.0.0.1:${m.peerPort}`
    ).join(",");
    const log = openSync(join(this.#dir, `${member.name}.log`), "a");
    const child = spawn("etcd", [
      "--name",
      member.name,
      "--data-dir",
      join(this.#dir, member.name),
      "--listen-client-urls",
      client,
      "--advertise-client-urls",
      client,
      "--listen-peer-urls",
      peer,
      "--initial-advertise-peer-urls",
      peer,
      "--initial-cluster",
      initial,
      "--initial-cluster-state",
      "new",
      "--initial-cluster-token",
      "faults",
    ], { stdio: ["ignore", log, log] });
    closeSync(log);
    child.once("error", () => {});
    member.pid = child.pid;
    member.exit = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  async #waitHealthy(member: Member): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (await healthy(member.clientPort)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`etcd member ${member.name} did not become healthy`);
  }

  /** The index of the member that leads now. */
  async leader(): Promise<number> {
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        "etcdctl",
        [
          `--endpoints=${this.addrs.join(",")}`,
          "endpoint",
          "status",
          "--write-out=json",
        ],
        { timeout: 10_000 },
        (error, stdout) => error ? reject(error) : resolve(String(stdout)),
      )
    );
    const statuses = JSON.parse(output) as {
      Endpoint: string;
      Status: { header: { member_id: number }; leader: number };
    }[];
    const lead = statuses.find((s) =>
      String(s.Status.header.member_id) === String(s.Status.leader)
    );
    const index = this.addrs.findIndex((a) => lead?.Endpoint.endsWith(a));
    if (index < 0) throw new Error(`No etcd leader in ${output}`);
    return index;
  }

  /** SIGKILLs member `index` and waits for its exit. */
  async kill(index: number): Promise<void> {
    const member = this.#members[index] as Member;
    if (member.pid !== undefined) {
      try {
        process.kill(member.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await member.exit;
    member.pid = undefined;
  }

  /** Whether the members but `except` are healthy (a leader is elected). */
  async othersHealthy(except: number): Promise<boolean> {
    const ports = this.#members.filter((_, i) => i !== except).map((m) =>
      m.clientPort
    );
    return (await Promise.all(ports.map(healthy))).every(Boolean);
  }

  /** Starts member `index` again on its data; waits until it is healthy. */
  async restart(index: number): Promise<void> {
    const member = this.#members[index] as Member;
    this.#spawn(member);
    await this.#waitHealthy(member);
  }

  /** Kills every member and removes the data. */
  async close(): Promise<void> {
    for (let i = 0; i < this.#members.length; i++) await this.kill(i);
    await rm(this.#dir, { recursive: true, force: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
