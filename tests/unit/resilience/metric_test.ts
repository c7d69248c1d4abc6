// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  CircuitOpenError,
  InMemoryLayerMetrics,
  type LayerMetricsRecorder,
  type LayerOperationLabels,
  MetricPolicy,
  RetryPolicy,
  wrap,
} from "../../../resilience/mod.ts";

const labels = (operation: string): LayerOperationLabels => ({
  domain: "valkey",
  layer: "valkey_stream",
  operation,
});

Deno.test("metric: counts successes, failures by code and durations", async () => {
  const metrics = new InMemoryLayerMetrics();
  const policy = new MetricPolicy({
    domain: "valkey",
    layer: "valkey_stream",
    recorder: metrics,
  });
  await policy.execute(() => "ok", { operation: "xadd" });
  await policy.execute(() => Promise.reject(new Error("boom")), {
    operation: "xadd",
  }).catch(() => {});
  await policy.execute(() => {
    throw new InvalidAPIParameters("bad");
  }, { operation: "xadd" }).catch(() => {});
  await policy.execute(() => {
    throw new CircuitOpenError("redis", 5);
  }, { operation: "xadd" }).catch(() => {});
  const stats = metrics.get(labels("xadd"));
  assert.ok(stats);
  assert.equal(stats.successes, 1);
  assert.equal(stats.failures, 3);
  assert.deepEqual(stats.errors, {
    "internal_error": 1,
    "api_parsing_invalid-parameters": 1,
    "backendai_generic_unavailable": 1,
  });
  assert.equal(stats.triggered, 0);
  assert.equal(stats.durationBuckets.reduce((a, b) => a + b, 0), 4);
  assert.ok(stats.durationSum >= 0);
});

Deno.test("metric: the triggered gauge counts running calls", async () => {
  const metrics = new InMemoryLayerMetrics();
  const policy = new MetricPolicy({
    domain: "valkey",
    layer: "valkey_stream",
    recorder: metrics,
  });
  let release!: () => void;
  const running = policy.execute(
    () => new Promise<void>((r) => (release = r)),
    { operation: "xread" },
  );
  assert.equal(metrics.get(labels("xread"))?.triggered, 1);
  release();
  await running;
  assert.equal(metrics.get(labels("xread"))?.triggered, 0);
});

Deno.test("metric: the operation defaults to the function's name", async () => {
  const metrics = new InMemoryLayerMetrics();
  const policy = new MetricPolicy({
    domain: "client",
    layer: "agent_client",
    recorder: metrics,
  });
  function gatherHwinfo(): Promise<number> {
    return Promise.resolve(1);
  }
  await policy.execute(gatherHwinfo);
  await policy.execute(() => 2);
  assert.deepEqual(
    metrics.entries().map((e) => e.labels.operation).sort(),
    ["anonymous", "gatherHwinfo"],
  );
});

Deno.test("metric: outside a retry, one logical call and its retries", async () => {
  const events: string[] = [];
  const recorder: LayerMetricsRecorder = {
    operationStarted: (l) => events.push(`start ${l.operation}`),
    operationFinished: (l, seconds, code) => {
      assert.ok(seconds >= 0);
      events.push(`end ${l.operation} ${code ?? "ok"}`);
    },
    retried: (l) => events.push(`retry ${l.operation}`),
  };
  const pipeline = wrap(
    new MetricPolicy({ domain: "valkey", layer: "valkey_live", recorder }),
    new RetryPolicy({ maxAttempts: 3, delayMs: 0 }),
  );
  await pipeline.execute(({ attempt }) => {
    if (attempt < 3) throw new Error("reset");
    return "ok";
  }, { operation: "get" });
  await pipeline.execute(() => {
    throw new Error("always");
  }, { operation: "set" }).catch(() => {});
  assert.deepEqual(events, [
    "start get",
    "retry get",
    "retry get",
    "end get ok",
    "start set",
    "retry set",
    "retry set",
    "end set internal_error",
  ]);
});
