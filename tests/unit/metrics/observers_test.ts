// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import process from "node:process";
import { Counter } from "prom-client";
import { InvalidAPIParameters } from "../../../exception.ts";
import { MetricRegistry, metricsHandler } from "../../../metrics/mod.ts";
import { LAYER_METRICS } from "../../../resilience/mod.ts";

/** The samples of an exposition: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

Deno.test("MetricRegistry: every upstream family is listed from the start, counters named with _total", async () => {
  const text = await new MetricRegistry({ processMetrics: false })
    .toPrometheus();
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) =>
    `${m[1]} ${m[2]}`
  );
  assert.deepEqual(
    types,
    [
      "backendai_api_request_count_total counter",
      "backendai_api_request_duration_sec histogram",
      "backendai_event_count_total counter",
      "backendai_event_failure_count_total counter",
      "backendai_event_processing_time_sec histogram",
      "backendai_event_propagator_count gauge",
      "backendai_event_propagator_alias_count gauge",
      "backendai_event_propagator_registration_count_total counter",
      "backendai_event_propagator_unregistration_count_total counter",
      "backendai_bgtask_count gauge",
      "backendai_bgtask_done_count_total counter",
      "backendai_bgtask_processing_time_sec histogram",
      "backendai_message_queue_trim_loss_count_total counter",
      "backendai_layer_operation_triggered_count gauge",
      "backendai_layer_operation_count_total counter",
      "backendai_layer_operation_error_count_total counter",
      "backendai_layer_retry_count_total counter",
      "backendai_layer_operation_duration_sec histogram",
      "backendai_cpu_usage_percent gauge",
      "backendai_memory_used_rss gauge",
      "backendai_memory_used_vms gauge",
    ].filter((line) => process.platform === "linux" || !line.includes("vms")),
  );
  // resilience's LAYER_METRICS name the same families.
  for (
    const name of [LAYER_METRICS.triggeredCount, LAYER_METRICS.durationSeconds]
  ) {
    assert.ok(types.some((type) => type.startsWith(`${name} `)), name);
  }
  for (
    const name of [
      LAYER_METRICS.operationCount,
      LAYER_METRICS.errorCount,
      LAYER_METRICS.retryCount,
    ]
  ) {
    assert.ok(types.some((type) => type.startsWith(`${name}_total `)), name);
  }
});

Deno.test("histograms: upstream's buckets, cumulative, `le` written as Python writes floats", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  for (const seconds of [0.0005, 0.001, 0.2, 0.7, 45]) {
    metrics.api.observeRequest({
      method: "POST",
      endpoint: "/v1/x",
      errorCode: undefined,
      statusCode: 201,
      durationSeconds: seconds,
    });
  }
  metrics.bgtask.taskStarted("t");
  metrics.bgtask.taskFinished("t", "bgtask_done", 42, undefined);
  const map = samples(await metrics.toPrometheus());
  const labels =
    'method="POST",endpoint="/v1/x",domain="",operation="",error_detail="",status_code="201"';
  const bucket = (le: string) =>
    map.get(`backendai_api_request_duration_sec_bucket{${labels},le="${le}"}`);
  assert.deepEqual(
    ["0.001", "0.01", "0.1", "0.5", "1.0", "2.0", "5.0", "10.0", "30.0", "+Inf"]
      .map(bucket),
    [2, 2, 2, 3, 4, 4, 4, 4, 4, 5],
  );
  assert.equal(
    map.get(`backendai_api_request_duration_sec_count{${labels}}`),
    5,
  );
  assert.ok(
    Math.abs(
      map.get(`backendai_api_request_duration_sec_sum{${labels}}`)! - 45.9015,
    ) < 1e-9,
  );
  const task =
    'task_name="t",status="bgtask_done",domain="",operation="",error_detail=""';
  assert.deepEqual(
    ["0.1", "1.0", "10.0", "30.0", "60.0", "300.0", "600.0", "+Inf"].map((le) =>
      map.get(`backendai_bgtask_processing_time_sec_bucket{${task},le="${le}"}`)
    ),
    [0, 0, 0, 0, 1, 1, 1, 1],
  );
});

Deno.test("observers label errors as upstream: BackendAIError codes, else the default code", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  metrics.event.onFailure(
    "kernel_started",
    10,
    new InvalidAPIParameters("bad"),
  );
  metrics.event.onFailure("kernel_started", 10, "a string");
  metrics.event.onSuccess("kernel_started", 3);
  const layer = { domain: "client", layer: "agent_client", operation: "ping" };
  metrics.layer.operationStarted(layer);
  metrics.layer.retried(layer);
  metrics.layer.operationFinished(layer, 0.3, "api_parsing_invalid-parameters");
  metrics.layer.operationStarted(layer);
  metrics.layer.operationFinished(layer, 0.2, undefined);
  metrics.eventPropagator.registered([["bgtask", "t1"], ["bgtask", "*"]]);
  metrics.eventPropagator.unregistered([["bgtask", "t1"], ["bgtask", "*"]]);
  const map = samples(await metrics.toPrometheus());
  assert.equal(
    map.get('backendai_event_count_total{event_type="kernel_started"}'),
    3,
  );
  assert.equal(
    map.get(
      'backendai_event_failure_count_total{event_type="kernel_started",exception="InvalidAPIParameters",domain="api",operation="parsing",error_detail="invalid-parameters"}',
    ),
    1,
  );
  assert.equal(
    map.get(
      'backendai_event_failure_count_total{event_type="kernel_started",exception="String",domain="backendai",operation="generic",error_detail="internal-error"}',
    ),
    1,
  );
  assert.equal(
    map.get(
      'backendai_event_processing_time_sec_count{event_type="kernel_started",status="success",domain="",operation="",error_detail=""}',
    ),
    1,
  );
  const l = 'domain="client",layer="agent_client",operation="ping"';
  assert.equal(map.get(`backendai_layer_operation_triggered_count{${l}}`), 0);
  assert.equal(
    map.get(`backendai_layer_operation_count_total{${l},success="True"}`),
    1,
  );
  assert.equal(
    map.get(`backendai_layer_operation_count_total{${l},success="False"}`),
    1,
  );
  assert.equal(
    map.get(
      `backendai_layer_operation_error_count_total{${l},error_code="api_parsing_invalid-parameters"}`,
    ),
    1,
  );
  assert.equal(map.get(`backendai_layer_retry_count_total{${l}}`), 1);
  assert.equal(map.get("backendai_event_propagator_count"), 0);
  assert.equal(
    map.get("backendai_event_propagator_registration_count_total"),
    1,
  );
  assert.equal(
    map.get(
      'backendai_event_propagator_alias_count{domain="bgtask",alias_id="*"}',
    ),
    0,
  );
});

Deno.test("MetricRegistry: registries are independent; default labels; a metric of your own; the handler", async () => {
  const a = new MetricRegistry({
    processMetrics: false,
    defaultLabels: { component: "a" },
  });
  const b = new MetricRegistry({ processMetrics: false });
  a.bgtask.taskStarted("only_in_a");
  assert.match(
    await a.toPrometheus(),
    /backendai_bgtask_count\{task_name="only_in_a",component="a"\} 1/,
  );
  assert.doesNotMatch(await b.toPrometheus(), /only_in_a/);
  const logins = new Counter({
    name: "webserver_login",
    help: "Logins",
    registers: [],
  });
  b.register(logins);
  logins.inc(2);
  assert.throws(
    () =>
      b.register(
        new Counter({ name: "webserver_login", help: "again", registers: [] }),
      ),
    /already been registered/,
  );
  const response = await metricsHandler(b)(new Request("http://x/metrics"));
  assert.equal(
    response.headers.get("content-type"),
    "text/plain; version=0.0.4; charset=utf-8",
  );
  assert.match(await response.text(), /^webserver_login 2$/m);
});

Deno.test("system metrics: sampled at each scrape, the same names under every runtime", async () => {
  let tasks = 3;
  const metrics = new MetricRegistry({ asyncTaskCount: () => tasks });
  const first = samples(await metrics.toPrometheus());
  const burn = performance.now();
  while (performance.now() - burn < 30) Math.sqrt(Math.random());
  tasks = 5;
  const second = samples(await metrics.toPrometheus());
  assert.equal(first.get("backendai_async_task_count"), 3);
  assert.equal(second.get("backendai_async_task_count"), 5);
  assert.ok(second.get("backendai_memory_used_rss")! > 1_000_000);
  assert.ok(second.get("process_resident_memory_bytes")! > 1_000_000);
  assert.ok(second.get("process_heap_bytes")! > 0);
  assert.ok(
    second.get("backendai_cpu_usage_percent")! > 0,
    "CPU was burnt between scrapes",
  );
  assert.ok(
    second.get("process_cpu_seconds_total")! >=
      first.get("process_cpu_seconds_total")!,
  );
  const start = second.get("process_start_time_seconds")!;
  assert.ok(Math.abs(start - (Date.now() / 1000 - process.uptime())) < 5);
  if (process.platform === "linux") {
    assert.ok(
      second.get("backendai_memory_used_vms")! >
        second.get("backendai_memory_used_rss")!,
    );
    assert.ok(second.get("process_open_fds")! > 0);
    assert.ok(
      second.get("process_max_fds")! >= second.get("process_open_fds")!,
    );
  }
});
