// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { HealthCheckerAlreadyRegistered } from "../../../exception.ts";
import {
  type ComponentHealthStatus,
  healthHandlers,
  HealthProbe,
  ProbeKind,
  type ServiceHealth,
  type ServiceHealthChecker,
} from "../../../health/mod.ts";
import type { Logger } from "../../../utils.ts";

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function status(
  isHealthy: boolean,
  errorMessage?: string,
): ComponentHealthStatus {
  return {
    isHealthy,
    lastCheckedAt: new Date("2026-11-28T12:00:00Z"),
    errorMessage,
  };
}

/** A checker whose next answer the test sets. */
class Scripted implements ServiceHealthChecker {
  readonly serviceGroup: string;
  readonly timeoutMs: number;
  calls = 0;
  next: () => Promise<ServiceHealth>;
  lastSignal: AbortSignal | undefined;
  constructor(serviceGroup: string, healthy = true, timeoutMs = 1000) {
    this.serviceGroup = serviceGroup;
    this.timeoutMs = timeoutMs;
    this.next = () =>
      Promise.resolve(
        new Map([[
          serviceGroup,
          status(healthy, healthy ? undefined : "down"),
        ]]),
      );
  }
  check(signal: AbortSignal): Promise<ServiceHealth> {
    this.calls++;
    this.lastSignal = signal;
    return this.next();
  }
}

Deno.test("HealthProbe: liveness, readiness and the detail view each take their checkers", async () => {
  await using probe = new HealthProbe({ logger: silent });
  probe.register(ProbeKind.LIVENESS, new Scripted("manager"));
  probe.register(ProbeKind.READINESS, new Scripted("redis", false));
  probe.register(ProbeKind.INFORMATIONAL, new Scripted("prometheus", false));
  assert.equal(
    probe.readinessStatus().overall_healthy,
    true,
    "nothing checked yet is nothing listed",
  );
  await probe.checkAll();
  const groups = (view: { connectivity_checks: { service_group: string }[] }) =>
    view.connectivity_checks.map((check) => check.service_group).sort();
  assert.deepEqual(groups(probe.livenessStatus()), ["manager"]);
  assert.deepEqual(groups(probe.readinessStatus()), ["manager", "redis"]);
  assert.deepEqual(groups(probe.connectivityStatus()), [
    "manager",
    "prometheus",
    "redis",
  ]);
  assert.equal(probe.livenessStatus().overall_healthy, true);
  assert.equal(probe.readinessStatus().overall_healthy, false);
  assert.equal(probe.connectivityStatus().overall_healthy, false);
  const redis = probe.readinessStatus().connectivity_checks.find((c) =>
    c.service_group === "redis"
  );
  assert.deepEqual(redis, {
    service_group: "redis",
    component_id: "redis",
    is_healthy: false,
    last_checked_at: "2026-11-28T12:00:00.000Z",
    error_message: "down",
  });
});

Deno.test("HealthProbe: one checker per service group", () => {
  const probe = new HealthProbe({ logger: silent });
  const redis = new Scripted("redis");
  probe.register(ProbeKind.READINESS, redis);
  for (
    const [kind, checker] of [["readiness", redis], [
      "liveness",
      new Scripted("redis"),
    ]] as const
  ) {
    assert.throws(() => probe.register(kind, checker), (error) => {
      assert.ok(error instanceof HealthCheckerAlreadyRegistered);
      assert.equal(error.status, 409);
      assert.equal(error.data?.serviceGroup, "redis");
      return true;
    });
  }
});

Deno.test("HealthProbe: a checker that throws or times out keeps its group's last result; its signal aborts", async () => {
  const warnings: string[] = [];
  const logger: Logger = {
    ...silent,
    warn: (m) => void warnings.push(m),
    error: (m) => void warnings.push(m),
  };
  await using probe = new HealthProbe({ logger });
  const etcd = new Scripted("etcd", true, 30);
  probe.register(ProbeKind.READINESS, etcd);
  await probe.checkAll();
  assert.equal(probe.readinessStatus().overall_healthy, true);
  etcd.next = () => Promise.reject(new Error("checker broke"));
  const failed = await probe.checkAll();
  assert.equal(failed.size, 0);
  etcd.next = () => new Promise(() => {});
  await probe.checkAll();
  assert.equal(etcd.lastSignal?.aborted, true);
  assert.deepEqual(warnings, [
    "health: a check failed",
    "health: a check timed out",
  ]);
  assert.equal(
    probe.readinessStatus().connectivity_checks.length,
    1,
    "the last good result stays",
  );
});

Deno.test("HealthProbe: start() checks at once and then every interval; close() stops it", async () => {
  const probe = new HealthProbe({ checkIntervalMs: 20, logger: silent });
  const checker = new Scripted("api");
  probe.register(ProbeKind.LIVENESS, checker);
  probe.start();
  probe.start();
  await new Promise((resolve) => setTimeout(resolve, 70));
  await probe.close();
  const calls = checker.calls;
  assert.ok(calls >= 2 && calls <= 8, `${calls} rounds`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(checker.calls, calls, "no round after close");
});

Deno.test("healthHandlers: upstream's HealthResponse, 503 when a gating check fails", async () => {
  await using probe = new HealthProbe({ logger: silent });
  probe.register(ProbeKind.LIVENESS, new Scripted("manager"));
  probe.register(ProbeKind.INFORMATIONAL, new Scripted("prometheus", false));
  await probe.checkAll();
  const handlers = healthHandlers(probe, {
    component: "manager",
    version: "26.8.1",
  });
  const live = handlers.livez(new Request("http://x/livez"));
  assert.equal(live.status, 200);
  const body = await live.json();
  assert.deepEqual(Object.keys(body), [
    "status",
    "version",
    "component",
    "connectivity",
  ]);
  assert.deepEqual(Object.keys(body.connectivity), [
    "overall_healthy",
    "connectivity_checks",
    "timestamp",
  ]);
  assert.equal(body.status, "ok");
  assert.match(
    body.connectivity.timestamp,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  );
  const detail = await handlers.health(new Request("http://x/health")).json();
  assert.equal(
    detail.status,
    "degraded",
    "an informational failure degrades the detail view",
  );
  assert.equal(
    handlers.readyz(new Request("http://x/readyz")).status,
    200,
    "but gates nothing",
  );
  probe.register(ProbeKind.READINESS, new Scripted("redis", false));
  await probe.checkAll();
  const ready = handlers.readyz(new Request("http://x/readyz"));
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).status, "error");
});
