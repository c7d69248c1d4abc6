// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode MetricRegistry}: one prom-client `Registry` per application
 * (never prom-client's global one) with upstream's observers on it, and
 * {@linkcode metricsHandler}, the `/metrics` endpoint.
 *
 * @module
 */

import { type Metric, Registry } from "prom-client";
import {
  ApiMetricObserver,
  BgtaskMetricObserver,
  EventMetricObserver,
  EventPropagatorMetricObserver,
  LayerMetricObserver,
  MessageQueueMetricObserver,
} from "./observers.ts";
import { SystemMetricObserver, type SystemMetricOptions } from "./system.ts";

/** Options of {@linkcode MetricRegistry}. */
export interface MetricRegistryOptions extends SystemMetricOptions {
  /**
   * Labels added to every sample (e.g. `{ component: "manager" }`).
   *
   * @default {{}}
   */
  defaultLabels?: Record<string, string> | undefined;
}

/**
 * A metric the registry can render beside its own: any prom-client metric
 * (make it with `registers: []` and hand it to `MetricRegistry.register`).
 */
export interface PrometheusMetric {
  /**
   * Its current values, as prom-client's metrics give them.
   *
   * @returns The values.
   */
  get(): Promise<unknown>;
}

/**
 * The metrics of one application: a prom-client `Registry` of its own,
 * with upstream's observers registered on it at once (so `/metrics` lists
 * every family from the start, as upstream's does). Add your own
 * prom-client metrics with {@linkcode MetricRegistry.register}.
 *
 * @example Wiring the observers into their seams
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import { EventDispatcher, EventHub } from "@backendai/common/events";
 * import { MetricPolicy } from "@backendai/common/resilience";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry({ defaultLabels: { component: "demo" } });
 * await using queue = new MemoryQueue();
 * await using dispatcher = new EventDispatcher(queue, { group: "g", observer: metrics.event });
 * const hub = new EventHub({ observer: metrics.eventPropagator });
 * const policy = new MetricPolicy({ domain: "client", layer: "agent_client", recorder: metrics.layer });
 * await policy.execute(() => "pong", { operation: "ping" });
 * const text = await metrics.toPrometheus();
 * assert.match(text, /backendai_layer_operation_count_total\{domain="client",layer="agent_client",operation="ping",success="True",component="demo"\} 1/);
 * assert.equal(metrics.contentType, "text/plain; version=0.0.4; charset=utf-8");
 * ```
 */
export class MetricRegistry {
  readonly #registry: Registry;
  /** API requests (the metrics middleware records here). */
  readonly api: ApiMetricObserver;
  /** Event handlers: an `EventDispatcher`'s `observer`. */
  readonly event: EventMetricObserver;
  /** SSE propagators: an `EventHub`'s `observer`. */
  readonly eventPropagator: EventPropagatorMetricObserver;
  /** Background tasks: a `BackgroundTaskManager`'s `observer`. */
  readonly bgtask: BgtaskMetricObserver;
  /** Message queue losses: pass `messageQueue.trimLoss` as `onTrimLoss`. */
  readonly messageQueue: MessageQueueMetricObserver;
  /** Layer operations: a `MetricPolicy`'s `recorder`. */
  readonly layer: LayerMetricObserver;
  /** Process metrics, sampled at each scrape. */
  readonly system: SystemMetricObserver;

  /**
   * Makes the registry and its observers.
   *
   * @param options Default labels and the process metrics' options.
   */
  constructor(options: MetricRegistryOptions = {}) {
    this.#registry = new Registry();
    if (options.defaultLabels !== undefined) {
      this.#registry.setDefaultLabels(options.defaultLabels);
    }
    this.api = new ApiMetricObserver(this.#registry);
    this.event = new EventMetricObserver(this.#registry);
    this.eventPropagator = new EventPropagatorMetricObserver(this.#registry);
    this.bgtask = new BgtaskMetricObserver(this.#registry);
    this.messageQueue = new MessageQueueMetricObserver(this.#registry);
    this.layer = new LayerMetricObserver(this.#registry);
    this.system = new SystemMetricObserver(this.#registry, options);
  }

  /**
   * Adds a prom-client metric of your own.
   *
   * @example Usage
   * ```ts
   * import { MetricRegistry } from "@backendai/common/metrics";
   * import { Counter } from "prom-client";
   * import assert from "node:assert/strict";
   *
   * const metrics = new MetricRegistry();
   * const logins = new Counter({ name: "webserver_login_count", help: "Logins", registers: [] });
   * metrics.register(logins);
   * logins.inc();
   * assert.match(await metrics.toPrometheus(), /^webserver_login_count 1$/m);
   * ```
   *
   * @param metric The metric.
   * @throws {Error} When a metric of that name is registered (prom-client's error).
   */
  register(metric: PrometheusMetric): void {
    this.#registry.registerMetric(metric as unknown as Metric);
  }

  /** The exposition's content type (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /**
   * Renders every metric in the Prometheus text format.
   *
   * @returns The exposition.
   */
  toPrometheus(): Promise<string> {
    return this.#registry.metrics();
  }
}

/**
 * The `/metrics` handler: the registry in the Prometheus text format.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry, metricsHandler } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const handle = metricsHandler(new MetricRegistry());
 * const response = await handle(new Request("http://localhost/metrics"));
 * assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
 * assert.match(await response.text(), /# TYPE backendai_api_request_count_total counter/);
 * ```
 *
 * @param metrics The registry.
 * @returns A handler (it ignores the request).
 */
export function metricsHandler(
  metrics: MetricRegistry,
): (request: Request) => Promise<Response> {
  return async () =>
    new Response(await metrics.toPrometheus(), {
      headers: { "content-type": metrics.contentType },
    });
}
