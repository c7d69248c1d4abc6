// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode redisLocationOf}: how the message queue and the background
 * task store name the server a connection reaches, to tell whether two of
 * them share one.
 *
 * @module
 */

import type { Cluster, Redis } from "ioredis";
import { isCluster } from "./_redis_cluster.ts";

/**
 * Where an ioredis connection points: the server, named as
 * {@linkcode QueueLocation.server} names it (`localhost` is `127.0.0.1`; a
 * cluster client `cluster:<seeds>`), and the DB. Two connections whose servers are named alike reach the same
 * server; two named differently may still (other spellings).
 *
 * @example Usage
 * ```ts
 * import { redisLocationOf } from "@backendai/common/message-queue";
 * import { Redis } from "ioredis";
 * import assert from "node:assert/strict";
 *
 * const redis = new Redis({ host: "localhost", port: 6379, db: 7, lazyConnect: true });
 * assert.deepEqual(redisLocationOf(redis), { server: "127.0.0.1:6379", db: 7 });
 * redis.disconnect();
 * ```
 *
 * @param redis The connection, or a cluster client.
 * @returns Its server and DB.
 */
export function redisLocationOf(
  redis: Redis | Cluster,
): { server: string; db: number } {
  const host = (name: string | undefined) => {
    const lower = (name ?? "localhost").toLowerCase();
    return lower === "localhost" ? "127.0.0.1" : lower;
  };
  if (isCluster(redis)) {
    const seeds = (redis as unknown as {
      startupNodes: { host?: string; port?: number }[];
    }).startupNodes.map((s) => `${host(s.host)}:${s.port ?? 6379}`).sort();
    return { server: `cluster:${seeds.join(",")}`, db: 0 };
  }
  const options = redis.options;
  let server: string;
  if (options.sentinels != null && options.sentinels.length > 0) {
    const sentinels = options.sentinels
      .map((s) => `${host(s.host)}:${s.port ?? 26379}`)
      .sort();
    server = `sentinel:${options.name}@${sentinels.join(",")}`;
  } else if (options.path != null && options.path !== "") {
    server = `unix:${options.path}`;
  } else server = `${host(options.host)}:${options.port ?? 6379}`;
  return { server, db: options.db ?? 0 };
}
