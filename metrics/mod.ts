// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Prometheus metrics with upstream's names, labels and buckets, on
 * prom-client: a {@linkcode MetricRegistry} per application (never a
 * hidden global) holding the observers of API requests, events, SSE
 * propagators, background tasks, layer operations and the process, and
 * {@linkcode metricsHandler} for `/metrics`. The observers fit the seams
 * of the modules above without importing them: an `EventDispatcher`'s
 * `observer`, an `EventHub`'s `observer`, a `BackgroundTaskManager`'s
 * `observer` and a `MetricPolicy`'s `recorder`. Recording is a field
 * increment on a cached cell, cheap enough for every event.
 *
 * ```ts
 * import { MetricRegistry, metricsHandler } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * metrics.bgtask.taskStarted("rescan_images");
 * const response = await metricsHandler(metrics)(new Request("http://localhost/metrics"));
 * assert.match(await response.text(), /^backendai_bgtask_count\{task_name="rescan_images"\} 1$/m);
 * ```
 *
 * @module
 */

export * from "./observers.ts";
export * from "./system.ts";
export * from "./registry.ts";
