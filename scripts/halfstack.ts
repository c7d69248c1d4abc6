// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The "halfstack": real Redis (master + replica), three Redis Sentinels, a
 * single-node etcd and a NATS server with JetStream, started on 127.0.0.1
 * from the Debian binaries for the integration tests.
 *
 * ```sh
 * deno task halfstack up            # start what is missing, wait until it answers
 * deno task halfstack up --cluster  # also a Redis Cluster: 3 masters, 3 replicas
 * deno task halfstack status        # print each service and whether it answers
 * deno task halfstack restart NAME  # stop one service and start it again
 * deno task halfstack down          # stop what `up` started, remove the state dir
 * ```
 *
 * The Redis Cluster (`--cluster`, or `BACKEND_HALFSTACK_CLUSTER=1`) is six
 * `cluster-enabled` servers, `redis-cluster-0` … `redis-cluster-5` on ports
 * 16400-16405, with an append-only file each (a restarted node keeps its
 * data) and a node timeout of 2 s: nodes 0-2 start as masters of a third of
 * the slots each, nodes 3-5 as their replicas. Its addresses go to the env
 * file as `BACKEND_REDIS_CLUSTER_NODES`.
 *
 * Every service gets its own folder under the state dir (default
 * `<repo>/.halfstack/`, or `$BACKEND_HALFSTACK_DIR`) with a data dir, a pid
 * file and a log. The addresses are written to `<state>/halfstack.env` as
 * `KEY=VALUE` lines.
 *
 * @example Start, read the addresses, stop
 * ```ts ignore
 * import { halfstackDown, halfstackUp, readHalfstackEnv } from "./halfstack.ts";
 *
 * await halfstackUp();
 * console.log(readHalfstackEnv()?.BACKEND_REDIS_ADDR); // "127.0.0.1:16379"
 * await halfstackDown();
 * ```
 *
 * @module
 */

import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

const HOST = "127.0.0.1";
const SENTINEL_MASTER_NAME = "mymaster";

/** Where each halfstack service listens. */
export interface HalfstackPorts {
  /** Redis master. */
  redisMaster: number;
  /** Redis replica of the master. */
  redisReplica: number;
  /** The three Sentinels. */
  sentinels: readonly number[];
  /** etcd clients. */
  etcdClient: number;
  /** etcd peers. */
  etcdPeer: number;
  /** NATS clients. */
  nats: number;
  /** NATS monitoring (HTTP). */
  natsMonitor: number;
  /** The six Redis Cluster nodes (started with `--cluster`). */
  redisCluster: readonly number[];
}

/**
 * The halfstack's ports: 16379/16380 (Redis), 26379-26381 (Sentinels),
 * 12379/12380 (etcd), 14222/18222 (NATS), 16400-16405 (the Redis Cluster,
 * with its bus ports 26400-26405), each shifted by
 * `$BACKEND_HALFSTACK_PORT_OFFSET` (default 0). With an offset and a state
 * dir of its own (`$BACKEND_HALFSTACK_DIR`), a second halfstack runs beside
 * the first, e.g. for tests that fail a server over or restart it.
 *
 * @returns The ports.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackPorts } from "./halfstack.ts";
 * console.log(halfstackPorts().redisMaster); // 16379, or 17379 with an offset of 1000
 * ```
 */
export function halfstackPorts(): HalfstackPorts {
  const text = Deno.env.get("BACKEND_HALFSTACK_PORT_OFFSET") ?? "0";
  const offset = Number(text);
  if (!Number.isInteger(offset) || offset < 0 || offset > 30_000) {
    throw new Error(
      `BACKEND_HALFSTACK_PORT_OFFSET must be an integer from 0 to 30000, got ${
        JSON.stringify(text)
      }`,
    );
  }
  return {
    redisMaster: 16379 + offset,
    redisReplica: 16380 + offset,
    sentinels: [26379, 26380, 26381].map((port) => port + offset),
    etcdClient: 12379 + offset,
    etcdPeer: 12380 + offset,
    nats: 14222 + offset,
    natsMonitor: 18222 + offset,
    redisCluster: [0, 1, 2, 3, 4, 5].map((i) => 16400 + i + offset),
  };
}

/** Name of the env file written into the state dir by {@linkcode halfstackUp}. */
export const HALFSTACK_ENV_FILE_NAME = "halfstack.env";

/**
 * The Debian package that provides each binary the halfstack (or a
 * developer working with it) needs.
 */
export const HALFSTACK_DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  "redis-server": "redis-server",
  "redis-sentinel": "redis-sentinel",
  "redis-cli": "redis-tools",
  "etcd": "etcd-server",
  "etcdctl": "etcd-client",
  "nats-server": "nats-server",
};

/** Options shared by {@linkcode halfstackUp}, {@linkcode halfstackDown} and {@linkcode halfstackStatus}. */
export interface HalfstackOptions {
  /**
   * Folder holding the services' data dirs, pid files, logs and the env file.
   *
   * @default {`$BACKEND_HALFSTACK_DIR` or `<repo>/.halfstack`}
   */
  stateDir?: string;
  /**
   * Receives progress lines.
   *
   * @default {writes the line to stderr}
   */
  log?: (line: string) => void;
}

/** Options of {@linkcode halfstackUp}. */
export interface HalfstackUpOptions extends HalfstackOptions {
  /**
   * Also start the Redis Cluster (three masters, three replicas).
   *
   * @default {`$BACKEND_HALFSTACK_CLUSTER` is `1`}
   */
  cluster?: boolean;
  /**
   * How long to wait for each service to answer its health probe, in ms.
   *
   * @default {30000}
   */
  timeoutMs?: number;
}

/** What {@linkcode halfstackUp} did. */
export interface HalfstackUpResult {
  /** Services this call started. */
  started: string[];
  /** Services that were already running (started by an earlier `up`) and answer. */
  alreadyRunning: string[];
  /** Path of the env file that was written. */
  envPath: string;
  /** The variables written to the env file. */
  env: Record<string, string>;
}

/** What {@linkcode halfstackDown} did. */
export interface HalfstackDownResult {
  /** Services whose process was found running and was stopped. */
  stopped: string[];
}

/** One service as reported by {@linkcode halfstackStatus}. */
export interface HalfstackServiceStatus {
  /** Service name, e.g. `redis-master`. */
  name: string;
  /** Address it serves on, e.g. `127.0.0.1:16379`. */
  address: string;
  /** Pid from its pid file, if a live process of ours has it. */
  pid: number | undefined;
  /** Whether its health probe succeeded. */
  answers: boolean;
  /** Probe result or the reason it failed. */
  detail: string;
}

interface ServicePaths {
  dir: string;
  dataDir: string;
  pidFile: string;
  logFile: string;
}

interface ServiceSpec {
  name: string;
  binary: string;
  ports: number[];
  address: string;
  /** Arguments; may write config files first. */
  prepare(paths: ServicePaths): Promise<string[]>;
  /** One health probe attempt; resolves with a short description, throws when not healthy. */
  probe(signal: AbortSignal): Promise<string>;
}

/**
 * Returns the repository root (the folder above `scripts/`).
 *
 * @returns Absolute path of the repository root.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackRepoRoot } from "./halfstack.ts";
 * console.log(halfstackRepoRoot()); // "/work/main"
 * ```
 */
export function halfstackRepoRoot(): string {
  return fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
}

/**
 * Returns the state dir: `$BACKEND_HALFSTACK_DIR` when set, else `<repo>/.halfstack`.
 *
 * @returns Absolute or caller-given path of the state dir.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackStateDir } from "./halfstack.ts";
 * console.log(halfstackStateDir()); // "/work/main/.halfstack"
 * ```
 */
export function halfstackStateDir(): string {
  const fromEnv = Deno.env.get("BACKEND_HALFSTACK_DIR");
  return fromEnv !== undefined && fromEnv !== ""
    ? fromEnv
    : `${halfstackRepoRoot()}/.halfstack`;
}

/**
 * Returns the path of the env file inside a state dir.
 *
 * @param stateDir State dir; defaults to {@linkcode halfstackStateDir}.
 * @returns Path of `halfstack.env`.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackEnvPath } from "./halfstack.ts";
 * console.log(halfstackEnvPath("/tmp/hs")); // "/tmp/hs/halfstack.env"
 * ```
 */
export function halfstackEnvPath(
  stateDir: string = halfstackStateDir(),
): string {
  return `${stateDir}/${HALFSTACK_ENV_FILE_NAME}`;
}

/**
 * Returns the variables `up` writes to the env file (fixed addresses).
 *
 * @returns Map of `BACKEND_*` variable names to addresses.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackEnvVars } from "./halfstack.ts";
 * console.log(halfstackEnvVars().BACKEND_NATS_URL); // "nats://127.0.0.1:14222"
 * ```
 */
export function halfstackEnvVars(): Record<string, string> {
  const P = halfstackPorts();
  return {
    BACKEND_REDIS_ADDR: `${HOST}:${P.redisMaster}`,
    BACKEND_REDIS_REPLICA_ADDR: `${HOST}:${P.redisReplica}`,
    BACKEND_REDIS_SENTINELS: P.sentinels.map((port) => `${HOST}:${port}`)
      .join(","),
    BACKEND_REDIS_SENTINEL_MASTER: SENTINEL_MASTER_NAME,
    BACKEND_ETCD_ADDR: `${HOST}:${P.etcdClient}`,
    BACKEND_NATS_URL: `nats://${HOST}:${P.nats}`,
    BACKEND_NATS_MONITOR_URL: `http://${HOST}:${P.natsMonitor}`,
    // What `restart` needs to find the same ports again.
    BACKEND_HALFSTACK_PORT_OFFSET: String(P.redisMaster - 16379),
  };
}

/** The env file's variable listing the Redis Cluster's nodes. */
export const HALFSTACK_CLUSTER_ENV = "BACKEND_REDIS_CLUSTER_NODES";

/**
 * Whether `up` starts the Redis Cluster unless told: `$BACKEND_HALFSTACK_CLUSTER`
 * is `1`.
 *
 * @returns The default of {@linkcode HalfstackUpOptions.cluster}.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackClusterWanted } from "./halfstack.ts";
 * console.log(halfstackClusterWanted()); // false
 * ```
 */
export function halfstackClusterWanted(): boolean {
  return Deno.env.get("BACKEND_HALFSTACK_CLUSTER") === "1";
}

/**
 * Reads the env file written by {@linkcode halfstackUp}.
 *
 * @param stateDir State dir; defaults to {@linkcode halfstackStateDir}.
 * @returns The `KEY=VALUE` pairs, or `undefined` when the file does not exist.
 * @throws {Deno.errors.PermissionDenied} When reading is not allowed.
 *
 * @example Usage
 * ```ts ignore
 * import { readHalfstackEnv } from "./halfstack.ts";
 * const env = readHalfstackEnv();
 * if (env === undefined) console.log("halfstack is not up");
 * ```
 */
export function readHalfstackEnv(
  stateDir: string = halfstackStateDir(),
): Record<string, string> | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(halfstackEnvPath(stateDir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const env: Record<string, string> = {};
  for (const rawLine of text.split("\n")) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return env;
}

// ---------------------------------------------------------------------------
// Services

function serviceSpecs(cluster = false): ServiceSpec[] {
  const P = halfstackPorts();
  const redisServer = (
    name: string,
    port: number,
    extra: string[],
  ): ServiceSpec => ({
    name,
    binary: "redis-server",
    ports: [port],
    address: `${HOST}:${port}`,
    prepare: (paths) =>
      Promise.resolve([
        "--port",
        String(port),
        "--bind",
        HOST,
        "--dir",
        paths.dataDir,
        "--daemonize",
        "no",
        "--logfile",
        "",
        "--save",
        "",
        "--appendonly",
        "no",
        "--repl-diskless-sync-delay",
        "0",
        ...extra,
      ]),
    probe: async (signal) => {
      const pong = await redisCommand(port, ["PING"], signal);
      if (pong !== "PONG") {
        throw new Error(`PING answered ${JSON.stringify(pong)}`);
      }
      if (extra.includes("--replicaof")) {
        const info = await redisCommand(port, ["INFO", "replication"], signal);
        // After a Sentinel failover (the fault tests make them) the replica
        // is the master, and the other server its replica.
        const replicas = /connected_slaves:(\d+)/.exec(String(info))?.[1];
        if (/role:master/.test(String(info)) && Number(replicas) > 0) {
          return `PONG, failed over: master of ${replicas} replica(s)`;
        }
        const link = /master_link_status:(\w+)/.exec(String(info))?.[1];
        if (link !== "up") {
          throw new Error(
            `replica master_link_status is "${link ?? "missing"}"`,
          );
        }
        return "PONG, master_link_status:up";
      }
      return "PONG";
    },
  });

  const sentinel = (port: number): ServiceSpec => ({
    name: `sentinel-${port}`,
    binary: "redis-sentinel",
    ports: [port],
    address: `${HOST}:${port}`,
    prepare: async (paths) => {
      const conf = `${paths.dir}/sentinel.conf`;
      // Written fresh on every start: Sentinel rewrites this file, so it must be writable.
      await Deno.writeTextFile(
        conf,
        [
          `port ${port}`,
          `bind ${HOST}`,
          "daemonize no",
          'logfile ""',
          `dir ${paths.dataDir}`,
          `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${P.redisMaster} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          "",
        ].join("\n"),
      );
      return [conf];
    },
    probe: async (signal) => {
      const addr = await redisCommand(
        port,
        ["SENTINEL", "get-master-addr-by-name", SENTINEL_MASTER_NAME],
        signal,
      );
      if (!Array.isArray(addr) || addr.length !== 2) {
        throw new Error(
          `get-master-addr-by-name answered ${JSON.stringify(addr)}`,
        );
      }
      const master = await redisCommand(port, [
        "SENTINEL",
        "master",
        SENTINEL_MASTER_NAME,
      ], signal);
      const fields = new Map<string, string>();
      if (Array.isArray(master)) {
        for (let i = 0; i + 1 < master.length; i += 2) {
          fields.set(String(master[i]), String(master[i + 1]));
        }
      }
      const otherSentinels = Number(fields.get("num-other-sentinels") ?? "0");
      const replicas = Number(fields.get("num-slaves") ?? "0");
      const flags = fields.get("flags") ?? "";
      if (otherSentinels < P.sentinels.length - 1) {
        throw new Error(
          `sees ${otherSentinels} other sentinels, expected ${
            P.sentinels.length - 1
          }`,
        );
      }
      if (replicas < 1) throw new Error("sees no replica yet");
      if (flags.includes("down")) {
        throw new Error(`master flags are "${flags}"`);
      }
      return `master ${
        addr.join(":")
      }, ${otherSentinels} other sentinels, ${replicas} replica(s)`;
    },
  });

  const clusterNode = (index: number): ServiceSpec => {
    const port = P.redisCluster[index] as number;
    return {
      ...redisServer(`redis-cluster-${index}`, port, [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "2000",
        // A node restarted by `restart` comes back with its data.
        "--appendonly",
        "yes",
      ]),
      ports: [port, port + 10_000],
      probe: (signal) => probeClusterNode(port, signal),
    };
  };
  const nodes = cluster ? [0, 1, 2, 3, 4, 5].map(clusterNode) : [];
  return [
    ...nodes,
    redisServer("redis-master", P.redisMaster, []),
    redisServer("redis-replica", P.redisReplica, [
      "--replicaof",
      HOST,
      String(P.redisMaster),
    ]),
    ...P.sentinels.map(sentinel),
    {
      name: "etcd",
      binary: "etcd",
      ports: [P.etcdClient, P.etcdPeer],
      address: `${HOST}:${P.etcdClient}`,
      prepare: (paths) =>
        Promise.resolve([
          "--name",
          "halfstack",
          "--data-dir",
          paths.dataDir,
          "--listen-client-urls",
          `http://${HOST}:${P.etcdClient}`,
          "--advertise-client-urls",
          `http://${HOST}:${P.etcdClient}`,
          "--listen-peer-urls",
          `http://${HOST}:${P.etcdPeer}`,
          "--initial-advertise-peer-urls",
          `http://${HOST}:${P.etcdPeer}`,
          "--initial-cluster",
          `halfstack=http://${HOST}:${P.etcdPeer}`,
          "--initial-cluster-token",
          "halfstack",
          "--initial-cluster-state",
          "new",
        ]),
      probe: async (signal) => {
        const body = await fetchText(
          `http://${HOST}:${P.etcdClient}/health`,
          signal,
        );
        const health = (JSON.parse(body) as { health?: unknown }).health;
        if (health !== "true" && health !== true) {
          throw new Error(`/health answered ${body}`);
        }
        return "/health true";
      },
    },
    {
      name: "nats",
      binary: "nats-server",
      ports: [P.nats, P.natsMonitor],
      address: `${HOST}:${P.nats}`,
      prepare: (paths) =>
        Promise.resolve([
          "-a",
          HOST,
          "-p",
          String(P.nats),
          "-m",
          String(P.natsMonitor),
          "-js",
          "-sd",
          paths.dataDir,
        ]),
      probe: async (signal) => {
        const body = await fetchText(
          `http://${HOST}:${P.natsMonitor}/healthz?js-enabled-only=true`,
          signal,
        );
        const status = (JSON.parse(body) as { status?: unknown }).status;
        if (status !== "ok") throw new Error(`/healthz answered ${body}`);
        return "/healthz ok (JetStream)";
      },
    },
  ];
}

function servicePaths(stateDir: string, name: string): ServicePaths {
  const dir = `${stateDir}/${name}`;
  return {
    dir,
    dataDir: `${dir}/data`,
    pidFile: `${dir}/${name}.pid`,
    logFile: `${dir}/${name}.log`,
  };
}

// ---------------------------------------------------------------------------
// Probes

async function fetchText(url: string, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal });
  const body = await response.text();
  if (!response.ok) {
    throw new Error(`${url} answered HTTP ${response.status}: ${body.trim()}`);
  }
  return body;
}

type RespValue = string | number | null | RespValue[];

class RespError extends Error {}

/** Parses one RESP2 value from `text` at `start`; `undefined` when incomplete. */
function parseResp(
  text: string,
  start: number,
): { value: RespValue | RespError; end: number } | undefined {
  const lineEnd = text.indexOf("\r\n", start);
  if (lineEnd < 0) return undefined;
  const kind = text[start];
  const line = text.slice(start + 1, lineEnd);
  const next = lineEnd + 2;
  switch (kind) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new RespError(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (text.length < next + length + 2) return undefined;
      return { value: text.slice(next, next + length), end: next + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let position = next;
      for (let i = 0; i < count; i++) {
        const item = parseResp(text, position);
        if (item === undefined) return undefined;
        if (item.value instanceof RespError) {
          return { value: item.value, end: item.end };
        }
        items.push(item.value);
        position = item.end;
      }
      return { value: items, end: position };
    }
    default:
      throw new Error(
        `unexpected RESP reply ${
          JSON.stringify(text.slice(start, start + 40))
        }`,
      );
  }
}

/** Sends one command over a fresh TCP connection and returns the reply. */
function redisCommand(
  port: number,
  args: string[],
  signal: AbortSignal,
): Promise<RespValue> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error(`no answer from ${HOST}:${port} in time`));
      return;
    }
    const socket: Socket = connect({ host: HOST, port });
    let received = "";
    let settled = false;
    const finish = (error: Error | undefined, value?: RespValue) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(value ?? null);
    };
    const onAbort = () =>
      finish(new Error(`no answer from ${HOST}:${port} in time`));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.setEncoding("latin1");
    socket.on("error", (error: Error) => finish(error));
    socket.on("connect", () => {
      socket.write(
        `*${args.length}\r\n${
          args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")
        }`,
      );
    });
    socket.on("data", (chunk: string) => {
      received += chunk;
      try {
        const parsed = parseResp(received, 0);
        if (parsed === undefined) return;
        if (parsed.value instanceof RespError) finish(parsed.value);
        else finish(undefined, parsed.value);
      } catch (error) {
        finish(error as Error);
      }
    });
    socket.on(
      "close",
      () => finish(new Error(`${HOST}:${port} closed the connection`)),
    );
  });
}

/** Whether something accepts TCP connections on the port. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port });
    const timer = setTimeout(() => done(false), 500);
    const done = (inUse: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(inUse);
    };
    socket.on("connect", () => done(true));
    socket.on("error", () => done(false));
  });
}

async function probeOnce(spec: ServiceSpec, timeoutMs = 1000): Promise<string> {
  return await spec.probe(AbortSignal.timeout(timeoutMs));
}

// ---------------------------------------------------------------------------
// The Redis Cluster

/** `INFO`-style `key:value` lines as a map. */
function infoFields(reply: RespValue): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of String(reply).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/**
 * A cluster node answers, and once it is in a cluster (it knows other
 * nodes), the cluster is `ok` from where it stands: a node restarted by
 * `restart` is healthy only when it has rejoined.
 */
async function probeClusterNode(
  port: number,
  signal: AbortSignal,
): Promise<string> {
  const pong = await redisCommand(port, ["PING"], signal);
  if (pong !== "PONG") throw new Error(`PING answered ${JSON.stringify(pong)}`);
  const info = infoFields(
    await redisCommand(port, ["CLUSTER", "INFO"], signal),
  );
  const known = Number(info.get("cluster_known_nodes") ?? "0");
  if (known <= 1) return "PONG, not in a cluster yet";
  const state = info.get("cluster_state");
  if (state !== "ok") throw new Error(`cluster_state:${state}`);
  const role = await redisCommand(port, ["ROLE"], signal);
  const kind = Array.isArray(role) ? String(role[0]) : "?";
  if (kind === "slave") {
    const replication = infoFields(
      await redisCommand(port, ["INFO", "replication"], signal),
    );
    const link = replication.get("master_link_status");
    if (link !== "up") throw new Error(`replica master_link_status:${link}`);
    return `cluster ok, replica of ${replication.get("master_port")}`;
  }
  return `cluster ok, ${kind} of ${known} nodes`;
}

/**
 * Forms the cluster of freshly started nodes (a formed one is left alone):
 * every node meets node 0, nodes 0-2 take a third of the slots each, nodes
 * 3-5 replicate them; then waits until every node says `ok` and every
 * replica has synced.
 */
async function formCluster(
  ports: readonly number[],
  timeoutMs: number,
  log: (line: string) => void,
): Promise<void> {
  const signal = () => AbortSignal.timeout(2_000);
  const first = ports[0] as number;
  const slots = infoFields(
    await redisCommand(first, ["CLUSTER", "INFO"], signal()),
  );
  if (slots.get("cluster_slots_assigned") === "16384") return;
  const startedAt = Date.now();
  for (const port of ports.slice(1)) {
    await redisCommand(
      first,
      ["CLUSTER", "MEET", HOST, String(port)],
      signal(),
    );
  }
  const ranges = [[0, 5460], [5461, 10922], [10923, 16383]];
  const ids: string[] = [];
  for (const port of ports) {
    ids.push(String(await redisCommand(port, ["CLUSTER", "MYID"], signal())));
  }
  for (const [i, [low, high]] of ranges.entries()) {
    await redisCommand(ports[i] as number, [
      "CLUSTER",
      "ADDSLOTSRANGE",
      String(low),
      String(high),
    ], signal());
  }
  const deadline = startedAt + timeoutMs;
  const waitFor = async (what: string, check: () => Promise<boolean>) => {
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) {
        throw new Error(`the Redis Cluster did not come up: ${what}`);
      }
      await delay(100);
    }
  };
  // A replica can only replicate a master it knows.
  await waitFor("the nodes did not meet", async () => {
    for (const port of ports) {
      const info = infoFields(
        await redisCommand(port, ["CLUSTER", "INFO"], signal()),
      );
      if (info.get("cluster_known_nodes") !== String(ports.length)) {
        return false;
      }
    }
    return true;
  });
  for (let i = 3; i < ports.length; i++) {
    await redisCommand(ports[i] as number, [
      "CLUSTER",
      "REPLICATE",
      ids[i - 3] as string,
    ], signal());
  }
  await waitFor("not every node is ok and synced", async () => {
    for (const port of ports) await probeClusterNode(port, signal());
    return true;
  });
  log(
    `halfstack: Redis Cluster formed on ${HOST}:${ports[0]}-${
      ports[ports.length - 1]
    } (${Date.now() - startedAt} ms)`,
  );
}

// ---------------------------------------------------------------------------
// Processes

function findBinary(name: string): string | undefined {
  const dirs = [
    ...(Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== ""),
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
  ];
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

function readPidFile(path: string): number | undefined {
  try {
    const pid = Number(Deno.readTextFileSync(path).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live (not zombie) process whose command line names `binary`. */
function isOurProcess(pid: number, binary: string): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(
      stat.lastIndexOf(")") + 2,
      stat.lastIndexOf(")") + 3,
    );
    if (state === "Z" || state === "X" || state === "") return false;
    const cmdline = Deno.readTextFileSync(`/proc/${pid}/cmdline`);
    // Until `sh` has exec'ed the server, the command line still holds the binary path as an argument.
    return cmdline.includes(binary);
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(
      stat.lastIndexOf(")") + 2,
      stat.lastIndexOf(")") + 3,
    );
    return state !== "Z" && state !== "X" && state !== "";
  } catch {
    return false;
  }
}

function logTail(path: string, lines = 15): string {
  try {
    const text = Deno.readTextFileSync(path).trimEnd().split("\n");
    return text.slice(-lines).map((line) => `    | ${line}`).join("\n");
  } catch {
    return "    | (no log written)";
  }
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Spawns `binary args` detached, stdout+stderr appended to the log; returns its pid. */
function spawnService(
  binaryPath: string,
  args: string[],
  paths: ServicePaths,
): number {
  const child = new Deno.Command("/bin/sh", {
    // `exec` keeps the pid, so the pid we record is the server's own.
    args: [
      "-c",
      'log=$1; shift; exec "$@" >>"$log" 2>&1',
      "halfstack",
      paths.logFile,
      binaryPath,
      ...args,
    ],
    cwd: paths.dir,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  // Reap it whenever it exits; nothing to report here (liveness is checked via /proc).
  child.status.catch(() => {});
  return child.pid;
}

async function stopPid(
  pid: number,
  binary: string,
  timeoutMs = 20_000,
): Promise<boolean> {
  if (!isOurProcess(pid, binary)) return false;
  try {
    Deno.kill(pid, "SIGTERM");
  } catch {
    return false;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
      const killDeadline = Date.now() + 5000;
      while (isAlive(pid) && Date.now() < killDeadline) await delay(50);
      break;
    }
    await delay(50);
  }
  return true;
}

async function waitUntilAnswers(
  spec: ServiceSpec,
  pid: number,
  paths: ServicePaths,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no probe yet";
  while (true) {
    // isAlive, not isOurProcess: right after the fork the command line may still be ours (deno).
    if (!isAlive(pid)) {
      throw new Error(
        `${spec.name} (pid ${pid}) exited during startup; see its log ${paths.logFile}:\n${
          logTail(paths.logFile)
        }`,
      );
    }
    try {
      return await probeOnce(
        spec,
        Math.min(1000, Math.max(100, deadline - Date.now())),
      );
    } catch (error) {
      lastError = errorMessage(error);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${spec.name} did not answer its health probe within ${timeoutMs} ms (last: ${lastError}); ` +
          `see its log ${paths.logFile}:\n${logTail(paths.logFile)}`,
      );
    }
    await delay(100);
  }
}

// ---------------------------------------------------------------------------
// Public operations

/**
 * Starts the services that are not running yet, waits until each answers a
 * real health probe, and writes the env file. Running it again is harmless:
 * a service whose pid file names a live process of ours that answers is left alone.
 *
 * @param options Where the state lives, how long to wait, where progress goes.
 * @returns Which services were started or already running, and the env written.
 * @throws {Error} When a binary is missing (naming its Debian package), a port is
 *   taken by a process halfstack did not start, or a service does not answer in
 *   time (pointing at its log). Services this call started are stopped again.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackUp } from "./halfstack.ts";
 * const { started, envPath } = await halfstackUp({ timeoutMs: 20_000 });
 * console.log(started, envPath);
 * ```
 */
export async function halfstackUp(
  options: HalfstackUpOptions = {},
): Promise<HalfstackUpResult> {
  const stateDir = options.stateDir ?? halfstackStateDir();
  const log = options.log ?? ((line: string) => console.error(line));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const P = halfstackPorts();
  const cluster = options.cluster ?? (halfstackClusterWanted() ||
    clusterInState(stateDir));
  const specs = serviceSpecs(cluster);

  const binaries = new Map<string, string>();
  const missing: string[] = [];
  for (const binary of new Set(specs.map((s) => s.binary))) {
    const path = findBinary(binary);
    if (path === undefined) {
      const pkg = HALFSTACK_DEBIAN_PACKAGES[binary] ?? binary;
      missing.push(`"${binary}" (Debian package ${pkg})`);
    } else {
      binaries.set(binary, path);
    }
  }
  if (missing.length > 0) {
    const packages = [
      ...new Set(
        specs.map((s) => HALFSTACK_DEBIAN_PACKAGES[s.binary] ?? s.binary),
      ),
    ];
    throw new Error(
      `Cannot start the halfstack: missing ${
        missing.join(", ")
      }; install with ` +
        `\`apt-get install -y ${
          packages.join(" ")
        }\` or \`bash scripts/install_servers.sh\``,
    );
  }

  await Deno.mkdir(stateDir, { recursive: true });
  const started: { spec: ServiceSpec; pid: number }[] = [];
  const alreadyRunning: string[] = [];

  const ensure = async (spec: ServiceSpec): Promise<void> => {
    const paths = servicePaths(stateDir, spec.name);
    const existing = readPidFile(paths.pidFile);
    if (existing !== undefined && isOurProcess(existing, spec.binary)) {
      const detail = await waitUntilAnswers(spec, existing, paths, timeoutMs);
      alreadyRunning.push(spec.name);
      log(
        `halfstack: ${spec.name} already running (pid ${existing}): ${detail}`,
      );
      return;
    }
    for (const port of spec.ports) {
      if (await portInUse(port)) {
        throw new Error(
          `Cannot start ${spec.name}: port ${HOST}:${port} is already in use by a process halfstack ` +
            `did not start (no live pid in ${paths.pidFile}); stop it, or run \`deno task halfstack down\` ` +
            `with the BACKEND_HALFSTACK_DIR that started it`,
        );
      }
    }
    await Deno.mkdir(paths.dataDir, { recursive: true });
    const args = await spec.prepare(paths);
    await Deno.writeTextFile(
      paths.logFile,
      `# halfstack: starting ${new Date().toISOString()}\n`,
      {
        append: true,
      },
    );
    const pid = spawnService(
      binaries.get(spec.binary) ?? spec.binary,
      args,
      paths,
    );
    await Deno.writeTextFile(paths.pidFile, `${pid}\n`);
    started.push({ spec, pid });
    const startedAt = Date.now();
    const detail = await waitUntilAnswers(spec, pid, paths, timeoutMs);
    log(
      `halfstack: ${spec.name} up on ${spec.address} (pid ${pid}, ${
        Date.now() - startedAt
      } ms): ${detail}`,
    );
  };

  const byName = (name: string) => {
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined) throw new Error(`unknown service ${name}`);
    return spec;
  };
  const results = await Promise.allSettled([
    (async () => {
      await ensure(byName("redis-master"));
      await ensure(byName("redis-replica"));
      const sentinels = await Promise.allSettled(
        P.sentinels.map((p) => ensure(byName(`sentinel-${p}`))),
      );
      const failed = sentinels.filter((r): r is PromiseRejectedResult =>
        r.status === "rejected"
      );
      if (failed.length > 0) {
        throw new Error(failed.map((r) => errorMessage(r.reason)).join("\n"));
      }
    })(),
    ensure(byName("etcd")),
    ensure(byName("nats")),
    ...(cluster
      ? [(async () => {
        await Promise.all(
          P.redisCluster.map((_, i) => ensure(byName(`redis-cluster-${i}`))),
        );
        await formCluster(P.redisCluster, timeoutMs, log);
      })()]
      : []),
  ]);
  const failures = results.filter((r): r is PromiseRejectedResult =>
    r.status === "rejected"
  );
  if (failures.length > 0) {
    // Stop what this call started; keep the logs for reading.
    await Promise.all(started.map(async ({ spec, pid }) => {
      await stopPid(pid, spec.binary);
      await Deno.remove(servicePaths(stateDir, spec.name).pidFile).catch(
        () => {},
      );
    }));
    throw new Error(
      `Halfstack failed to start:\n${
        failures.map((r) => errorMessage(r.reason)).join("\n")
      }`,
    );
  }

  const env = halfstackEnvVars();
  if (cluster) {
    env[HALFSTACK_CLUSTER_ENV] = P.redisCluster.map((port) => `${HOST}:${port}`)
      .join(",");
  }
  const envPath = halfstackEnvPath(stateDir);
  const text = [
    "# Written by scripts/halfstack.ts; removed by `deno task halfstack down`.",
    ...Object.entries(env).map(([key, value]) => `${key}=${value}`),
    "",
  ].join("\n");
  await Deno.writeTextFile(envPath, text);
  return {
    started: started.map((s) => s.spec.name),
    alreadyRunning,
    envPath,
    env,
  };
}

/**
 * Stops every service whose pid file (written by {@linkcode halfstackUp}) names a
 * live process of ours: SIGTERM, wait for it to exit (SIGKILL after 20 s), then
 * removes the services' folders and the env file, and the state dir if it is empty.
 * Processes that halfstack did not start are never signalled.
 *
 * @param options Where the state lives, where progress goes.
 * @returns Which services were stopped.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackDown } from "./halfstack.ts";
 * const { stopped } = await halfstackDown();
 * console.log(stopped);
 * ```
 */
export async function halfstackDown(
  options: HalfstackOptions = {},
): Promise<HalfstackDownResult> {
  const stateDir = options.stateDir ?? halfstackStateDir();
  const log = options.log ?? ((line: string) => console.error(line));
  const specs = serviceSpecs(clusterInState(stateDir));
  const stopped: string[] = [];
  const stop = async (spec: ServiceSpec) => {
    const paths = servicePaths(stateDir, spec.name);
    const pid = readPidFile(paths.pidFile);
    if (pid !== undefined) {
      const startedAt = Date.now();
      if (await stopPid(pid, spec.binary)) {
        stopped.push(spec.name);
        log(
          `halfstack: stopped ${spec.name} (pid ${pid}, ${
            Date.now() - startedAt
          } ms)`,
        );
      }
    }
    await Deno.remove(paths.dir, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  };
  // Sentinels first, so they do not start a failover while the Redis servers go away.
  await Promise.all(
    specs.filter((s) => s.binary === "redis-sentinel").map(stop),
  );
  await Promise.all(
    specs.filter((s) => s.binary !== "redis-sentinel").map(stop),
  );
  await Deno.remove(halfstackEnvPath(stateDir)).catch(() => {});
  await Deno.remove(stateDir).catch(() => {}); // only when empty
  return { stopped };
}

/**
 * Probes every service once.
 *
 * @param options Where the state lives.
 * @returns One entry per service, in start order.
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackStatus } from "./halfstack.ts";
 * for (const s of await halfstackStatus()) console.log(s.name, s.answers);
 * ```
 */
export async function halfstackStatus(
  options: HalfstackOptions = {},
): Promise<HalfstackServiceStatus[]> {
  const stateDir = options.stateDir ?? halfstackStateDir();
  return await Promise.all(
    serviceSpecs(clusterInState(stateDir)).map(async (spec) => {
      const pidFromFile = readPidFile(
        servicePaths(stateDir, spec.name).pidFile,
      );
      const pid =
        pidFromFile !== undefined && isOurProcess(pidFromFile, spec.binary)
          ? pidFromFile
          : undefined;
      try {
        const detail = await probeOnce(spec);
        return {
          name: spec.name,
          address: spec.address,
          pid,
          answers: true,
          detail,
        };
      } catch (error) {
        return {
          name: spec.name,
          address: spec.address,
          pid,
          answers: false,
          detail: errorMessage(error),
        };
      }
    }),
  );
}

/** Whether the state dir holds the Redis Cluster's nodes (`up --cluster`). */
function clusterInState(stateDir: string): boolean {
  try {
    return Deno.statSync(`${stateDir}/redis-cluster-0`).isDirectory;
  } catch {
    return false;
  }
}

/** What {@linkcode halfstackRestart} did. */
export interface HalfstackRestartResult {
  /** The service. */
  name: string;
  /** The pid it had, if a process of ours was running. */
  stoppedPid: number | undefined;
  /** Its new pid. */
  pid: number;
  /** Its health probe's answer once it was back. */
  detail: string;
}

/**
 * Restarts one service of a running halfstack: stops its process (SIGTERM,
 * SIGKILL after 20 s) when one of ours runs, starts it again with the same
 * arguments and data dir, and waits until it answers its health probe (a
 * Redis Cluster node: until it has rejoined and the cluster is `ok`). For
 * the fault tests, on a halfstack of their own.
 *
 * @param name The service, e.g. `nats` or `redis-cluster-0` (see `status`).
 * @param options Where the state lives, how long to wait, where progress goes.
 * @returns The pids and the probe's answer.
 * @throws {Error} When the service is unknown, its binary is missing, or it
 *   does not answer in time (pointing at its log).
 *
 * @example Usage
 * ```ts ignore
 * import { halfstackRestart } from "./halfstack.ts";
 * const { pid } = await halfstackRestart("nats");
 * console.log(pid);
 * ```
 */
export async function halfstackRestart(
  name: string,
  options: HalfstackUpOptions = {},
): Promise<HalfstackRestartResult> {
  const stateDir = options.stateDir ?? halfstackStateDir();
  const log = options.log ?? ((line: string) => console.error(line));
  const specs = serviceSpecs(clusterInState(stateDir));
  const spec = specs.find((s) => s.name === name);
  if (spec === undefined) {
    throw new Error(
      `Unknown service "${name}"; the halfstack in ${stateDir} has ${
        specs.map((s) => s.name).join(", ")
      }`,
    );
  }
  const binary = findBinary(spec.binary);
  if (binary === undefined) {
    throw new Error(
      `Cannot restart ${name}: "${spec.binary}" is missing (Debian package ${
        HALFSTACK_DEBIAN_PACKAGES[spec.binary] ?? spec.binary
      })`,
    );
  }
  const paths = servicePaths(stateDir, spec.name);
  const old = readPidFile(paths.pidFile);
  let stoppedPid: number | undefined;
  if (old !== undefined && await stopPid(old, spec.binary)) stoppedPid = old;
  await Deno.mkdir(paths.dataDir, { recursive: true });
  const args = await spec.prepare(paths);
  await Deno.writeTextFile(
    paths.logFile,
    `# halfstack: restarting ${new Date().toISOString()}\n`,
    { append: true },
  );
  const pid = spawnService(binary, args, paths);
  await Deno.writeTextFile(paths.pidFile, `${pid}\n`);
  const startedAt = Date.now();
  const detail = await waitUntilAnswers(
    spec,
    pid,
    paths,
    options.timeoutMs ?? 30_000,
  );
  log(
    `halfstack: ${name} restarted on ${spec.address} (pid ${pid}, ${
      Date.now() - startedAt
    } ms): ${detail}`,
  );
  return { name, stoppedPid, pid, detail };
}

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}

async function main(args: string[]): Promise<number> {
  const command = args[0];
  switch (command) {
    case "up": {
      const startedAt = performance.now();
      try {
        const result = await halfstackUp(
          args.includes("--cluster") ? { cluster: true } : {},
        );
        const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
        console.log(
          `Halfstack is up in ${seconds} s (started ${result.started.length}, already running ` +
            `${result.alreadyRunning.length}); addresses in ${result.envPath}`,
        );
        return 0;
      } catch (error) {
        console.error(errorMessage(error));
        return 1;
      }
    }
    case "down": {
      const { stopped } = await halfstackDown();
      console.log(`Halfstack is down (stopped ${stopped.length} services)`);
      return 0;
    }
    case "status": {
      const statuses = await halfstackStatus();
      const stateDir = halfstackStateDir();
      console.log(
        `state dir: ${stateDir}${
          readHalfstackEnv(stateDir) === undefined ? " (no env file)" : ""
        }`,
      );
      for (const s of statuses) {
        const owner = s.pid !== undefined
          ? `pid ${s.pid}`
          : "not started by halfstack";
        console.log(
          `${s.name.padEnd(16)} ${s.address.padEnd(16)} ${owner.padEnd(24)} ` +
            `${s.answers ? "answers" : "DOES NOT ANSWER"}: ${s.detail}`,
        );
      }
      return statuses.every((s) => s.answers) ? 0 : 1;
    }
    case "restart": {
      const name = args[1];
      if (name === undefined) {
        console.error("Usage: deno run -A scripts/halfstack.ts restart NAME");
        return 2;
      }
      try {
        await halfstackRestart(name);
        return 0;
      } catch (error) {
        console.error(errorMessage(error));
        return 1;
      }
    }
    default:
      console.error(
        "Usage: deno run -A scripts/halfstack.ts up [--cluster]|down|status|restart NAME",
      );
      return 2;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
