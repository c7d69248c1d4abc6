// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Addresses of the real servers for integration tests, started by
 * `deno task halfstack up` (scripts/halfstack.ts). A test that needs a server
 * calls {@linkcode halfstackEnv}, which throws when the halfstack is not
 * running: integration tests fail, never silently skip. Tests that break
 * servers (`tests/faults/`) call {@linkcode faultHalfstackEnv} instead, for
 * the second halfstack that only they use.
 *
 * @module
 */

import {
  FAULT_HALFSTACK_PORT_OFFSET,
  faultHalfstackDir,
} from "../scripts/_fault_halfstack.ts";
import { halfstackEnvPath, readHalfstackEnv } from "../scripts/halfstack.ts";

/** A TCP endpoint. */
export interface HostPort {
  /** Host name or IP address. */
  host: string;
  /** TCP port. */
  port: number;
}

/** Where each halfstack server listens. */
export interface HalfstackEnv {
  /** Redis master (`BACKEND_REDIS_ADDR`). */
  redis: HostPort;
  /** Redis replica of the master (`BACKEND_REDIS_REPLICA_ADDR`). */
  redisReplica: HostPort;
  /** Redis Sentinels (`BACKEND_REDIS_SENTINELS`, comma-separated). */
  sentinels: HostPort[];
  /** Master name the Sentinels monitor (`BACKEND_REDIS_SENTINEL_MASTER`). */
  sentinelMasterName: string;
  /** etcd client endpoint (`BACKEND_ETCD_ADDR`). */
  etcd: HostPort;
  /** etcd client URL, e.g. `http://127.0.0.1:12379`. */
  etcdUrl: string;
  /** NATS client URL (`BACKEND_NATS_URL`), e.g. `nats://127.0.0.1:14222`. */
  natsUrl: string;
  /** NATS client endpoint parsed from {@linkcode HalfstackEnv.natsUrl}. */
  nats: HostPort;
  /** NATS monitoring base URL (`BACKEND_NATS_MONITOR_URL`). */
  natsMonitorUrl: string;
  /**
   * The Redis Cluster's nodes (`BACKEND_REDIS_CLUSTER_NODES`), when the
   * halfstack was started with `--cluster`; see {@linkcode clusterNodes}.
   */
  redisCluster: HostPort[] | undefined;
  /** Where the values came from: "environment" or the env file path. */
  source: string;
}

const REQUIRED_KEYS = [
  "BACKEND_REDIS_ADDR",
  "BACKEND_REDIS_REPLICA_ADDR",
  "BACKEND_REDIS_SENTINELS",
  "BACKEND_REDIS_SENTINEL_MASTER",
  "BACKEND_ETCD_ADDR",
  "BACKEND_NATS_URL",
  "BACKEND_NATS_MONITOR_URL",
] as const;

/**
 * Parses `host:port`.
 *
 * @param address The address, e.g. `127.0.0.1:16379`.
 * @returns The host and numeric port.
 * @throws {Error} When the address has no valid port.
 *
 * @example Usage
 * ```ts ignore
 * import { parseHostPort } from "./_halfstack.ts";
 * parseHostPort("127.0.0.1:16379"); // { host: "127.0.0.1", port: 16379 }
 * ```
 */
export function parseHostPort(address: string): HostPort {
  const colon = address.lastIndexOf(":");
  const port = Number(address.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(
      `Invalid halfstack address "${address}": expected host:port`,
    );
  }
  return { host: address.slice(0, colon), port };
}

/**
 * Returns the halfstack addresses from the `BACKEND_*` environment variables,
 * falling back to the env file written by `deno task halfstack up`
 * (`$BACKEND_HALFSTACK_DIR/halfstack.env` or `<repo>/.halfstack/halfstack.env`).
 *
 * @returns The parsed addresses.
 * @throws {Error} "Halfstack is not running: start it with `deno task halfstack up`"
 *   when neither source has every address.
 *
 * @example Usage
 * ```ts ignore
 * import { Redis } from "ioredis";
 * import { halfstackEnv } from "../_halfstack.ts";
 *
 * const { redis } = halfstackEnv();
 * const client = new Redis(redis.port, redis.host);
 * await client.quit();
 * ```
 */
export function halfstackEnv(): HalfstackEnv {
  const envPath = halfstackEnvPath();
  const fromFile = readHalfstackEnv() ?? {};
  const values: Record<string, string> = { ...fromFile };
  let fromEnvironment = false;
  for (const key of [...REQUIRED_KEYS, "BACKEND_REDIS_CLUSTER_NODES"]) {
    const value = Deno.env.get(key);
    if (value !== undefined && value !== "") {
      values[key] = value;
      fromEnvironment = true;
    }
  }
  const missing = REQUIRED_KEYS.filter((key) =>
    values[key] === undefined || values[key] === ""
  );
  if (missing.length > 0) {
    throw new Error(
      `Halfstack is not running: start it with \`deno task halfstack up\` ` +
        `(missing ${
          missing.join(", ")
        }; looked in the environment and in ${envPath})`,
    );
  }
  return parseEnv(values, fromEnvironment ? "environment" : envPath);
}

function parseEnv(
  values: Record<string, string>,
  source: string,
): HalfstackEnv {
  const get = (key: typeof REQUIRED_KEYS[number]): string => values[key] ?? "";
  const cluster = values.BACKEND_REDIS_CLUSTER_NODES;
  const etcd = parseHostPort(get("BACKEND_ETCD_ADDR"));
  const natsUrl = get("BACKEND_NATS_URL");
  return {
    redis: parseHostPort(get("BACKEND_REDIS_ADDR")),
    redisReplica: parseHostPort(get("BACKEND_REDIS_REPLICA_ADDR")),
    sentinels: get("BACKEND_REDIS_SENTINELS").split(",").map((s) =>
      parseHostPort(s.trim())
    ),
    sentinelMasterName: get("BACKEND_REDIS_SENTINEL_MASTER"),
    etcd,
    etcdUrl: `http://${etcd.host}:${etcd.port}`,
    natsUrl,
    nats: parseHostPort(natsUrl.replace(/^nats:\/\//, "").replace(/\/.*$/, "")),
    natsMonitorUrl: get("BACKEND_NATS_MONITOR_URL").replace(/\/$/, ""),
    redisCluster: cluster === undefined || cluster === ""
      ? undefined
      : cluster.split(",").map((s) => parseHostPort(s.trim())),
    source,
  };
}

/**
 * The Redis Cluster's nodes of a halfstack, `host:port` each.
 *
 * @param env The halfstack ({@linkcode halfstackEnv} or {@linkcode faultHalfstackEnv}).
 * @returns The six nodes.
 * @throws {Error} "Redis Cluster is not running" when the halfstack was
 *   started without `--cluster` (cluster tests fail, never skip).
 *
 * @example Usage
 * ```ts ignore
 * import { clusterNodes, halfstackEnv } from "../_halfstack.ts";
 *
 * const seeds = clusterNodes(halfstackEnv());
 * ```
 */
export function clusterNodes(env: HalfstackEnv): string[] {
  if (env.redisCluster === undefined) {
    throw new Error(
      "Redis Cluster is not running: start it with `deno task halfstack up --cluster` " +
        `(no BACKEND_REDIS_CLUSTER_NODES in ${env.source})`,
    );
  }
  return env.redisCluster.map((node) => `${node.host}:${node.port}`);
}

/**
 * Returns the addresses of the fault halfstack: the second halfstack, with
 * ports shifted by 1000 and its state in `$BACKEND_FAULT_HALFSTACK_DIR`
 * (default `<repo>/.halfstack-faults`), which only `tests/faults/` use,
 * so they may fail its servers over. They are read from its env file only,
 * never from the `BACKEND_*` variables, which name the first halfstack.
 *
 * @returns The parsed addresses.
 * @throws {Error} "Fault halfstack is not running" when its env file is
 *   missing (fault tests fail, never skip), or when it names the first
 *   halfstack's Redis.
 *
 * @example Usage
 * ```ts ignore
 * import { faultHalfstackEnv } from "../_halfstack.ts";
 *
 * const { sentinels, sentinelMasterName } = faultHalfstackEnv();
 * ```
 */
export function faultHalfstackEnv(): HalfstackEnv {
  const dir = faultHalfstackDir();
  const values = readHalfstackEnv(dir);
  const start = `BACKEND_HALFSTACK_DIR=${dir} ` +
    `BACKEND_HALFSTACK_PORT_OFFSET=${FAULT_HALFSTACK_PORT_OFFSET} deno task halfstack up`;
  const missing = REQUIRED_KEYS.filter((key) =>
    values?.[key] === undefined || values[key] === ""
  );
  if (values === undefined || missing.length > 0) {
    throw new Error(
      `Fault halfstack is not running: start it with \`${start}\` ` +
        `(no complete env file in ${dir})`,
    );
  }
  const env = parseEnv(values, halfstackEnvPath(dir));
  const shared = readHalfstackEnv()?.BACKEND_REDIS_ADDR ??
    Deno.env.get("BACKEND_REDIS_ADDR");
  if (shared !== undefined && values.BACKEND_REDIS_ADDR === shared) {
    throw new Error(
      `The fault halfstack in ${dir} is the shared halfstack (Redis ${shared}): ` +
        `fault tests never run against it; start one with \`${start}\``,
    );
  }
  return env;
}
