// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Health checking as upstream's `health_checker`: a {@linkcode HealthProbe}
 * runs checkers periodically, each registered for liveness, readiness or
 * information; built-in checkers for Valkey, etcd, HTTP endpoints and the
 * metrics registry; and {@linkcode healthHandlers} serves `/health`,
 * `/livez` and `/readyz` as upstream's JSON. The errors are upstream's,
 * from `@backendai/common/exception` (re-exported here).
 *
 * ```ts
 * import { HealthProbe, healthHandlers, ValkeyHealthChecker } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * await using probe = new HealthProbe({ checkIntervalMs: 30_000 });
 * probe.register("readiness", new ValkeyHealthChecker({ clients: { stream: { ping: async () => "PONG" } } }));
 * await probe.checkAll(); // or probe.start() for the periodic checks
 * const { readyz } = healthHandlers(probe, { component: "storage-proxy", version: "26.8.1" });
 * const body = await readyz(new Request("http://x/readyz")).json();
 * assert.equal(body.status, "ok");
 * assert.equal(body.connectivity.connectivity_checks[0].component_id, "stream");
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./probe.ts";
export * from "./checkers.ts";
export * from "./handler.ts";
export {
  DatabaseHealthCheckError,
  DockerHealthCheckError,
  EtcdHealthCheckError,
  HealthCheckerAlreadyRegistered,
  HealthCheckerNotFound,
  HealthCheckError,
  HttpHealthCheckError,
  ValkeyHealthCheckError,
} from "../exception.ts";
