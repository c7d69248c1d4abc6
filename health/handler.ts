// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The health endpoints a service serves (upstream's internal health
 * handler): {@linkcode healthHandlers} gives `/health`, `/livez` and
 * `/readyz` over a {@linkcode HealthProbe}.
 *
 * @module
 */

import type { HealthProbe } from "./probe.ts";
import type { ConnectivityCheckJSON, HealthResponseJSON } from "./types.ts";

/** What the health endpoints say about the service. */
export interface HealthHandlerOptions {
  /** The component's name (`manager`, `storage-proxy`, …). */
  component: string;
  /** The component's version. */
  version: string;
}

/** The three health endpoints. */
export interface HealthHandlers {
  /** The detail view: every checker; always 200, `degraded` when one fails. */
  health: (request: Request) => Response;
  /** Liveness: 200, or 503 with `error` when a liveness checker fails. */
  livez: (request: Request) => Response;
  /** Readiness: 200, or 503 with `error` when a gating checker fails. */
  readyz: (request: Request) => Response;
}

function json(body: HealthResponseJSON, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

/**
 * The health endpoints as upstream serves them: a `HealthResponse`
 * (`status`, `version`, `component`, `connectivity`) from the probe's
 * latest results. `/health` always answers 200, with `degraded` when any
 * checker (informational ones included) fails; `/livez` and `/readyz`
 * answer 503 with `error` when a checker they gate on fails, so a
 * Kubernetes probe trips.
 *
 * @example Usage
 * ```ts
 * import { HealthProbe, healthHandlers } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * await using probe = new HealthProbe();
 * probe.register("readiness", {
 *   serviceGroup: "redis", timeoutMs: 100,
 *   check: async () => new Map([["stream", { isHealthy: false, lastCheckedAt: new Date(), errorMessage: "down" }]]),
 * });
 * await probe.checkAll();
 * const handlers = healthHandlers(probe, { component: "manager", version: "26.8.1" });
 * const ready = handlers.readyz(new Request("http://x/readyz"));
 * assert.equal(ready.status, 503);
 * assert.equal((await ready.json()).status, "error");
 * assert.equal(handlers.livez(new Request("http://x/livez")).status, 200);
 * assert.equal((await handlers.health(new Request("http://x/health")).json()).status, "degraded");
 * ```
 *
 * @param probe The probe.
 * @param options The component's name and version.
 * @returns The handlers.
 */
export function healthHandlers(
  probe: HealthProbe,
  options: HealthHandlerOptions,
): HealthHandlers {
  const response = (
    connectivity: ConnectivityCheckJSON,
    failure: "degraded" | "error",
  ): HealthResponseJSON => ({
    status: connectivity.overall_healthy ? "ok" : failure,
    version: options.version,
    component: options.component,
    connectivity,
  });
  const probeResponse = (connectivity: ConnectivityCheckJSON) =>
    json(
      response(connectivity, "error"),
      connectivity.overall_healthy ? 200 : 503,
    );
  return {
    health: () => json(response(probe.connectivityStatus(), "degraded"), 200),
    livez: () => probeResponse(probe.livenessStatus()),
    readyz: () => probeResponse(probe.readinessStatus()),
  };
}
