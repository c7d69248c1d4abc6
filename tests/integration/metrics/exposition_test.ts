// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The `/metrics` exposition against the tools: `promtool check metrics`
 * (Debian's `prometheus`) parses it, and its only complaints are the ones
 * it makes of upstream's own names; Python's prometheus_client (Debian's
 * `python3-prometheus-client`), given upstream's metric definitions
 * (transcribed from `common/metrics/metric.py`) and the same observations,
 * writes the same samples. Both tools must be installed
 * (scripts/install_servers.sh); the test fails, never skips, without them.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { InvalidAPIParameters } from "../../../exception.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";

const PYTHON = "/usr/bin/python3";

/** Upstream's observers in Python, and the observations of `observe()`. */
const UPSTREAM = String.raw`
import sys
try:
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
except ImportError as e:
    sys.stderr.write("python3-prometheus-client is missing: %s\n" % e)
    sys.exit(3)
B = [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30]
r = CollectorRegistry()
api_l = ["method", "endpoint", "domain", "operation", "error_detail", "status_code"]
api_count = Counter("backendai_api_request_count", "Total number of API requests", api_l, registry=r)
api_time = Histogram("backendai_api_request_duration_sec", "Duration of API requests in milliseconds", api_l, buckets=B, registry=r)
ev_count = Counter("backendai_event_count", "Total number of events processed", ["event_type"], registry=r)
ev_fail = Counter("backendai_event_failure_count", "Number of failed events", ["event_type", "exception", "domain", "operation", "error_detail"], registry=r)
ev_time = Histogram("backendai_event_processing_time_sec", "Processing time of events in seconds", ["event_type", "status", "domain", "operation", "error_detail"], buckets=B, registry=r)
pr_count = Gauge("backendai_event_propagator_count", "Current number of active event propagators", registry=r)
pr_alias = Gauge("backendai_event_propagator_alias_count", "Current number of event propagator aliases", ["domain", "alias_id"], registry=r)
pr_reg = Counter("backendai_event_propagator_registration_count", "Total number of event propagator registrations", registry=r)
pr_unreg = Counter("backendai_event_propagator_unregistration_count", "Total number of event propagator unregistrations", registry=r)
bg_count = Gauge("backendai_bgtask_count", "Total number of background tasks processed", ["task_name"], registry=r)
bg_l = ["task_name", "status", "domain", "operation", "error_detail"]
bg_done = Counter("backendai_bgtask_done_count", "Number of completed background tasks", bg_l, registry=r)
bg_time = Histogram("backendai_bgtask_processing_time_sec", "Processing time of background tasks in seconds", bg_l, buckets=[0.1, 1, 10, 30, 60, 300, 600], registry=r)
ly_l = ["domain", "layer", "operation"]
ly_trig = Gauge("backendai_layer_operation_triggered_count", "Number of layer operations triggered", ly_l, registry=r)
ly_count = Counter("backendai_layer_operation_count", "Total number of layer operations", ly_l + ["success"], registry=r)
ly_err = Counter("backendai_layer_operation_error_count", "Total number of layer operation errors", ly_l + ["error_code"], registry=r)
ly_retry = Counter("backendai_layer_retry_count", "Number of retries for layer operations", ly_l, registry=r)
ly_time = Histogram("backendai_layer_operation_duration_sec", "Duration of layer operations in seconds", ly_l + ["success"], buckets=B, registry=r)

# observe(): the same calls as the TypeScript side.
api_count.labels("GET", "/v1/ping", "", "", "", 200).inc(); api_time.labels("GET", "/v1/ping", "", "", "", 200).observe(0.004)
api_count.labels("POST", "/v1/items", "api", "parsing", "invalid-parameters", 400).inc(); api_time.labels("POST", "/v1/items", "api", "parsing", "invalid-parameters", 400).observe(0.7)
ev_count.labels("bgtask_done").inc(); ev_time.labels("bgtask_done", "success", "", "", "").observe(0.0015)
ev_fail.labels("bgtask_done", "InvalidAPIParameters", "api", "parsing", "invalid-parameters").inc(); ev_count.labels("bgtask_done").inc(); ev_time.labels("bgtask_done", "failure", "api", "parsing", "invalid-parameters").observe(0.002)
pr_count.inc(); pr_reg.inc(); pr_alias.labels("bgtask", "*").inc()
bg_count.labels("copy").inc(); bg_count.labels("copy").dec(); bg_done.labels("copy", "bgtask_done", "", "", "").inc(); bg_time.labels("copy", "bgtask_done", "", "", "").observe(12)
ly_trig.labels("valkey", "valkey_stream", "xadd").inc(); ly_retry.labels("valkey", "valkey_stream", "xadd").inc()
ly_trig.labels("valkey", "valkey_stream", "xadd").dec(); ly_count.labels("valkey", "valkey_stream", "xadd", "False").inc(); ly_err.labels("valkey", "valkey_stream", "xadd", "internal_error").inc(); ly_time.labels("valkey", "valkey_stream", "xadd", "False").observe(0.03)
sys.stdout.write(generate_latest(r).decode())
`;

function observe(metrics: MetricRegistry): void {
  metrics.api.observeRequest({
    method: "GET",
    endpoint: "/v1/ping",
    errorCode: undefined,
    statusCode: 200,
    durationSeconds: 0.004,
  });
  metrics.api.observeRequest({
    method: "POST",
    endpoint: "/v1/items",
    errorCode: "api_parsing_invalid-parameters",
    statusCode: 400,
    durationSeconds: 0.7,
  });
  metrics.event.onSuccess("bgtask_done", 1.5);
  metrics.event.onFailure("bgtask_done", 2, new InvalidAPIParameters("bad"));
  metrics.eventPropagator.registered([["bgtask", "*"]]);
  metrics.bgtask.taskStarted("copy");
  metrics.bgtask.taskFinished("copy", "bgtask_done", 12, undefined);
  const layer = { domain: "valkey", layer: "valkey_stream", operation: "xadd" };
  metrics.layer.operationStarted(layer);
  metrics.layer.retried(layer);
  metrics.layer.operationFinished(layer, 0.03, "internal_error");
}

function run(
  command: string,
  args: string[],
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => void (stdout += chunk));
    child.stderr.on("data", (chunk: string) => void (stderr += chunk));
    child.on("error", (error: Error & { code?: string }) =>
      reject(
        error.code === "ENOENT"
          ? new Error(`${command} is missing: run scripts/install_servers.sh`)
          : error,
      ));
    child.on(
      "close",
      (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }),
    );
    child.stdin.end(input);
  });
}

/** Samples as `name{label=value,...}` with labels sorted → value. */
function samples(text: string, skip: RegExp): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `cannot read ${line}`);
    const [, name, labels = "", value] = match;
    if (skip.test(name!)) continue;
    const sorted = [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map((m) => `${m[1]}=${m[2]}`).sort().join(",");
    map.set(`${name}{${sorted}}`, Number(value));
  }
  return map;
}

/** promtool's complaints, one per line; exit 1 is a parse error. */
async function promtool(exposition: string): Promise<string[]> {
  const { code, stdout, stderr } = await run(
    "promtool",
    ["check", "metrics"],
    exposition,
  );
  assert.notEqual(
    code,
    1,
    `promtool cannot parse the exposition: ${stderr}${stdout}`,
  );
  assert.ok(code === 0 || code === 3, `promtool exited ${code}: ${stderr}`);
  return (stdout + stderr).split("\n").filter((line) => line.trim() !== "")
    .sort();
}

Deno.test("metrics exposition: promtool reads it, and its only complaints are about upstream's names", async () => {
  const metrics = new MetricRegistry({
    defaultLabels: { component: "test" },
    asyncTaskCount: () => 1,
  });
  observe(metrics);
  const ours = await metrics.toPrometheus();
  const complaints = await promtool(ours);
  const upstream = await run(PYTHON, ["-c", UPSTREAM], "");
  if (upstream.code === 3) {
    assert.fail(`${upstream.stderr.trim()}: run scripts/install_servers.sh`);
  }
  assert.equal(upstream.code, 0, upstream.stderr);
  const theirs = upstream.stdout
    .split("\n")
    .filter((line) => !/_created[{ ]/.test(line))
    .join("\n");
  const theirComplaints = await promtool(theirs);
  assert.deepEqual(
    complaints.filter((line) =>
      !line.startsWith("backendai_async_task_count") &&
      !line.startsWith("backendai_cpu_usage_percent") &&
      !line.startsWith("backendai_memory_used")
    ),
    theirComplaints,
    "the same complaints as upstream's names draw, no more",
  );
  for (const line of complaints) {
    assert.match(
      line,
      /should not have "_count" suffix|should not contain abbreviated units/,
      line,
    );
  }
});

Deno.test("metrics exposition: the same samples as Python's prometheus_client with upstream's definitions", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  observe(metrics);
  const ours = samples(
    await metrics.toPrometheus(),
    /^backendai_(cpu|memory|async)/,
  );
  const upstream = await run(PYTHON, ["-c", UPSTREAM], "");
  assert.equal(upstream.code, 0, upstream.stderr);
  // Upstream's manager serves the multiprocess collector, which writes no
  // _created samples.
  const theirs = samples(upstream.stdout, /_created$/);
  assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
  for (const [key, value] of theirs) {
    assert.ok(
      Math.abs((ours.get(key) ?? NaN) - value) < 1e-9,
      `${key}: ${ours.get(key)} vs ${value}`,
    );
  }
});
