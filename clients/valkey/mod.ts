// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Connections to Redis / Valkey, standalone, through Sentinel or to a
 * Cluster ({@linkcode connectValkeyCluster}), on ioredis:
 * {@linkcode connectValkey} makes a ready connection from a
 * {@linkcode ValkeyTarget} (a `url`, an `addr`, or `sentinels` with a
 * `serviceName`; password, `db`, TLS, a command timeout), reconnecting with
 * capped exponential backoff and jitter, a command timeout (1 000 ms by
 * default, as upstream) and a {@linkcode ValkeyHealthMonitor} running
 * upstream's health check ({@linkcode checkValkeyHealth}: `ROLE` through
 * Sentinel, so a demoted master is noticed; `PING` otherwise). Through
 * Sentinel a connection follows a failover from the moment the leader
 * Sentinel selects the replica, so writes stop reaching the old master
 * before it is demoted; {@linkcode ValkeyReplicaWaiter} makes writes
 * durable across a failover (`WAIT` for replicas).
 *
 * Every way upstream describes a Redis reaches {@linkcode connectValkey}
 * without losing a field: its configuration shape through
 * {@linkcode valkeyTargetFromConfig} and {@linkcode ValkeyProfileTarget.fromConfig}
 * (per-role overrides), its legacy {@linkcode RedisTarget} through
 * `toValkeyTarget()`. {@linkcode safePrintRedisConfig} logs any of them
 * without secrets.
 *
 * @example Connect, check, quit
 * ```ts ignore
 * import { checkValkeyHealth, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const target = { sentinels: "127.0.0.1:26379", serviceName: "mymaster", db: 4 };
 * const redis = await connectValkey(target, { name: "events" });
 * await checkValkeyHealth(redis, target);
 * await redis.quit();
 * ```
 *
 * @module
 */

export * from "./target.ts";
export * from "./valkey_profile.ts";
export * from "./redis_target.ts";
export * from "./safe_print.ts";
export * from "./errors.ts";
export * from "./connect.ts";
export * from "./cluster.ts";
export * from "./health.ts";
export * from "./replicas.ts";
