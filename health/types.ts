// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The shapes of health checking (upstream `health_checker/types.py`,
 * `abc.py` and `dto/internal/health.py`): probe kinds, service groups and
 * component ids, what a checker reports, and the JSON a service serves.
 *
 * @module
 */

/**
 * Which probe a checker gates (upstream's `ProbeKind`): liveness (a failure
 * restarts the process), readiness (a failure takes it out of the load
 * balancer; liveness checkers count too), informational (shown, never
 * gating).
 *
 * @example Usage
 * ```ts
 * import { ProbeKind } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ProbeKind.READINESS, "readiness");
 * ```
 */
export const ProbeKind = {
  LIVENESS: "liveness",
  READINESS: "readiness",
  INFORMATIONAL: "informational",
} as const;
/** One of the {@linkcode ProbeKind} values. */
export type ProbeKind = typeof ProbeKind[keyof typeof ProbeKind];

/**
 * Upstream's built-in service groups (any string is a service group).
 *
 * @example Usage
 * ```ts
 * import { ServiceGroup } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ServiceGroup.STORAGE_PROXY, "storage-proxy");
 * ```
 */
export const ServiceGroup = {
  MANAGER: "manager",
  AGENT: "agent",
  STORAGE_PROXY: "storage-proxy",
  APPPROXY: "appproxy",
  DATABASE: "database",
  ETCD: "etcd",
  REDIS: "redis",
  API: "api",
  CONTAINER: "container",
  PROMETHEUS: "prometheus",
} as const;

/**
 * Upstream's built-in component ids (any string is a component id).
 *
 * @example Usage
 * ```ts
 * import { ComponentId } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ComponentId.REDIS_BGTASK, "bgtask");
 * ```
 */
export const ComponentId = {
  POSTGRES: "postgres",
  REDIS_ARTIFACT: "artifact",
  REDIS_CONTAINER_LOG: "container_log",
  REDIS_LIVE: "live",
  REDIS_STAT: "stat",
  REDIS_IMAGE: "image",
  REDIS_STREAM: "stream",
  REDIS_SCHEDULE: "schedule",
  REDIS_BGTASK: "bgtask",
  REDIS_SESSION: "session",
  REDIS_CORE_LIVE: "core_live",
  ETCD: "etcd",
  DOCKER: "docker",
  PROMETHEUS_METRICS: "metrics",
} as const;

/** The health of one component at one check. */
export interface ComponentHealthStatus {
  /** Whether it answered. */
  readonly isHealthy: boolean;
  /** When it was checked. */
  readonly lastCheckedAt: Date;
  /** What went wrong, when it did not answer. */
  readonly errorMessage: string | undefined;
}

/** The components of one service group and their health. */
export type ServiceHealth = ReadonlyMap<string, ComponentHealthStatus>;

/**
 * Checks one service group (upstream's `ServiceHealthChecker`). A
 * component's failure is a status in the result, not an exception; a
 * checker that throws or outlives its `timeoutMs` leaves its group without
 * a fresh result.
 *
 * @example A checker of one component
 * ```ts
 * import type { ServiceHealthChecker } from "@backendai/common/health";
 *
 * const disk: ServiceHealthChecker = {
 *   serviceGroup: "storage-proxy",
 *   timeoutMs: 1000,
 *   check: async () => new Map([["scratch", { isHealthy: true, lastCheckedAt: new Date(), errorMessage: undefined }]]),
 * };
 * ```
 */
export interface ServiceHealthChecker {
  /** The group it checks. */
  readonly serviceGroup: string;
  /** How long a check may take, in ms. */
  readonly timeoutMs: number;
  /**
   * Checks every component of the group.
   *
   * @param signal Aborted when the check times out or the probe stops.
   * @returns Each component's status.
   */
  check(signal: AbortSignal): Promise<ServiceHealth>;
}

/** One component in the JSON (upstream's `ComponentConnectivityStatus`). */
export interface ComponentConnectivityJSON {
  /** The service group. */
  service_group: string;
  /** The component. */
  component_id: string;
  /** Whether it is healthy. */
  is_healthy: boolean;
  /** When it was checked (ISO 8601, UTC). */
  last_checked_at: string;
  /** What went wrong, or `null`. */
  error_message: string | null;
}

/** Upstream's `ConnectivityCheckResponse`. */
export interface ConnectivityCheckJSON {
  /** Whether every component listed is healthy (true when none is). */
  overall_healthy: boolean;
  /** The components. */
  connectivity_checks: ComponentConnectivityJSON[];
  /** When this was made (ISO 8601, UTC). */
  timestamp: string;
}

/** Upstream's `HealthResponse`, what a service's health endpoints serve. */
export interface HealthResponseJSON {
  /** `ok`, `degraded` (the detail view with a failure) or `error` (a probe). */
  status: "ok" | "degraded" | "error";
  /** The component's version. */
  version: string;
  /** The component's name (`manager`, `storage-proxy`, …). */
  component: string;
  /** The connectivity checks. */
  connectivity: ConnectivityCheckJSON;
}
