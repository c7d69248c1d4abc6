// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Helpers of the fault tests: where the fault halfstack's master is now,
 * waiting until a failover can be made (its replica in sync and seen by
 * every Sentinel), and making one. Nothing assumes which server is the
 * master: the tests run again under Node and Bun after Deno's run.
 *
 * @module
 */

import { Redis } from "ioredis";
import type { HalfstackEnv, HostPort } from "../_halfstack.ts";

async function once<T>(
  address: HostPort,
  run: (redis: Redis) => Promise<T>,
): Promise<T> {
  const redis = new Redis({
    ...address,
    lazyConnect: true,
    retryStrategy: null,
    enableOfflineQueue: false,
    connectTimeout: 1_000,
    commandTimeout: 2_000,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return await run(redis);
  } finally {
    redis.disconnect();
  }
}

function pairs(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  const list = reply as string[];
  for (let i = 0; i + 1 < list.length; i += 2) {
    fields.set(String(list[i]), String(list[i + 1]));
  }
  return fields;
}

/**
 * The master the first answering Sentinel names.
 *
 * @param env The fault halfstack.
 * @returns Its address.
 */
export async function currentMaster(env: HalfstackEnv): Promise<HostPort> {
  let last: unknown;
  for (const sentinel of env.sentinels) {
    try {
      const [host, port] = await once(
        sentinel,
        (s) =>
          s.call(
            "SENTINEL",
            "get-master-addr-by-name",
            env.sentinelMasterName,
          ) as Promise<string[]>,
      );
      return { host: String(host), port: Number(port) };
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`No Sentinel names the master: ${String(last)}`);
}

async function readiness(env: HalfstackEnv): Promise<string | HostPort> {
  const master = await currentMaster(env);
  const replica = [env.redis, env.redisReplica].find((server) =>
    server.port !== master.port
  ) as HostPort;
  const info = await once(replica, (r) => r.info("replication"));
  if (!info.includes("role:slave")) return `${replica.port} is not a replica`;
  if (!info.includes(`master_port:${master.port}`)) {
    return `${replica.port} replicates another master`;
  }
  if (!info.includes("master_link_status:up")) {
    return `${replica.port} is not in sync`;
  }
  for (const sentinel of env.sentinels) {
    const state = await once(sentinel, async (s) => ({
      master: pairs(await s.call("SENTINEL", "master", env.sentinelMasterName)),
      replicas: (await s.call(
        "SENTINEL",
        "replicas",
        env.sentinelMasterName,
      ) as unknown[]).map(pairs),
    }));
    if (state.master.get("flags") !== "master") {
      return `Sentinel ${sentinel.port}: master flags ${
        state.master.get("flags")
      }`;
    }
    const seen = state.replicas.find((r) =>
      Number(r.get("port")) === replica.port
    );
    if (seen?.get("flags") !== "slave") {
      return `Sentinel ${sentinel.port}: replica flags ${seen?.get("flags")}`;
    }
  }
  return master;
}

/**
 * Waits until a failover can be made: the replica follows the master the
 * Sentinels name, in sync, and every Sentinel sees both healthy. After a
 * failover the old master rejoins as a replica only when a Sentinel
 * converts it, 10 to 20 s later.
 *
 * @param env The fault halfstack.
 * @param timeoutMs How long to wait.
 * @returns The master.
 */
export async function waitUntilFailoverReady(
  env: HalfstackEnv,
  timeoutMs = 45_000,
): Promise<HostPort> {
  const deadline = Date.now() + timeoutMs;
  let reason = "";
  while (Date.now() < deadline) {
    try {
      const ready = await readiness(env);
      if (typeof ready !== "string") return ready;
      reason = ready;
    } catch (err) {
      reason = String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `The fault halfstack is not ready for a failover after ${timeoutMs} ms: ${reason}`,
  );
}

/**
 * `SENTINEL FAILOVER`, asked again while a Sentinel answers that it cannot
 * yet (no good replica, a failover in progress).
 *
 * @param env The fault halfstack.
 * @param timeoutMs How long to keep asking.
 */
export async function failover(
  env: HalfstackEnv,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    for (const sentinel of env.sentinels) {
      try {
        await once(
          sentinel,
          (s) => s.call("SENTINEL", "FAILOVER", env.sentinelMasterName),
        );
        return;
      } catch (err) {
        last = String(err);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`SENTINEL FAILOVER was refused for ${timeoutMs} ms: ${last}`);
}

/**
 * Waits until the Sentinels name a master other than `from`.
 *
 * @param env The fault halfstack.
 * @param from The old master.
 * @param timeoutMs How long to wait.
 * @returns The new master.
 */
export async function waitForNewMaster(
  env: HalfstackEnv,
  from: HostPort,
  timeoutMs = 15_000,
): Promise<HostPort> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const master = await currentMaster(env).catch(() => from);
    if (master.port !== from.port) return master;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `The Sentinels still name ${from.port} after ${timeoutMs} ms`,
  );
}
