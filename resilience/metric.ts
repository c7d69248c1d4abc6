// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode MetricPolicy} and the small seam it records through,
 * {@linkcode LayerMetricsRecorder}: upstream's layer metrics (spec 9.1).
 *
 * @module
 */

import { BackendAIError } from "../exception.ts";
import {
  type Abandonment,
  PolicyBase,
  type PolicyFunction,
  type PolicyScope,
  type PolicyStage,
  runNext,
} from "./policy.ts";

/**
 * Upstream's `DomainType`: which kind of component an operation belongs to.
 *
 * @example Usage
 * ```ts
 * import { DomainType } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DomainType.VALKEY, "valkey");
 * ```
 */
export const DomainType = {
  VALKEY: "valkey",
  REPOSITORY: "repository",
  CLIENT: "client",
  DB_SOURCE: "db_source",
  CACHE_SOURCE: "cache_source",
} as const;
/** One of the {@linkcode DomainType} values. */
export type DomainType = typeof DomainType[keyof typeof DomainType];

/**
 * The client layers of upstream's `LayerType` (the repository, db-source
 * and cache-source layers are the manager's and are not listed; any string
 * is accepted as a layer).
 *
 * @example Usage
 * ```ts
 * import { LayerType } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * assert.equal(LayerType.AGENT_CLIENT, "agent_client");
 * ```
 */
export const LayerType = {
  VALKEY_ARTIFACT: "valkey_artifact",
  VALKEY_ARTIFACT_REGISTRIES: "valkey_artifact_registries",
  VALKEY_CONTAINER_LOG: "valkey_container_log",
  VALKEY_IMAGE: "valkey_image",
  VALKEY_LIVE: "valkey_live",
  VALKEY_RATE_LIMIT: "valkey_rate_limit",
  VALKEY_SCHEDULE: "valkey_schedule",
  VALKEY_SESSION: "valkey_session",
  VALKEY_STAT: "valkey_stat",
  VALKEY_STREAM: "valkey_stream",
  VALKEY_BGTASK: "valkey_bgtask",
  AGENT_CLIENT: "agent_client",
  STORAGE_PROXY_CLIENT: "storage_proxy_client",
  WSPROXY_CLIENT: "wsproxy_client",
} as const;
/** One of the {@linkcode LayerType} values. */
export type LayerType = typeof LayerType[keyof typeof LayerType];

/**
 * Upstream's layer metric names and duration buckets (seconds), for the
 * metrics module to register its prom-client instruments with.
 *
 * @example Usage
 * ```ts
 * import { LAYER_METRICS } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * assert.equal(LAYER_METRICS.operationCount, "backendai_layer_operation_count");
 * assert.equal(LAYER_METRICS.durationBuckets.at(-1), 30);
 * ```
 */
export const LAYER_METRICS: {
  readonly triggeredCount: "backendai_layer_operation_triggered_count";
  readonly operationCount: "backendai_layer_operation_count";
  readonly errorCount: "backendai_layer_operation_error_count";
  readonly retryCount: "backendai_layer_retry_count";
  readonly durationSeconds: "backendai_layer_operation_duration_sec";
  readonly durationBuckets: readonly number[];
} = {
  triggeredCount: "backendai_layer_operation_triggered_count",
  operationCount: "backendai_layer_operation_count",
  errorCount: "backendai_layer_operation_error_count",
  retryCount: "backendai_layer_retry_count",
  durationSeconds: "backendai_layer_operation_duration_sec",
  durationBuckets: [0.001, 0.01, 0.1, 0.5, 1, 2, 5, 10, 30],
};

/** The labels of one operation. */
export interface LayerOperationLabels {
  /** The kind of component (`DomainType`). */
  readonly domain: string;
  /** The layer (`LayerType`). */
  readonly layer: string;
  /** The operation, e.g. a method name. */
  readonly operation: string;
}

/**
 * Where a {@linkcode MetricPolicy} records to; the metrics module plugs
 * prom-client in here (upstream's `LayerMetricObserver`).
 *
 * @example A recorder that logs
 * ```ts
 * import { type LayerMetricsRecorder, MetricPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const recorder: LayerMetricsRecorder = {
 *   operationStarted: () => {},
 *   operationFinished: (labels, _seconds, errorCode) =>
 *     lines.push(`${labels.operation} ${errorCode ?? "ok"}`),
 *   retried: () => {},
 * };
 * await new MetricPolicy({ domain: "client", layer: "agent_client", recorder })
 *   .execute(() => "pong", { operation: "ping" });
 * assert.deepEqual(lines, ["ping ok"]);
 * ```
 */
export interface LayerMetricsRecorder {
  /**
   * An operation started (the triggered gauge goes up).
   *
   * @param labels The operation.
   */
  operationStarted(labels: LayerOperationLabels): void;
  /**
   * An operation ended (the gauge goes down; count, error count, duration).
   *
   * @param labels The operation.
   * @param durationSeconds How long it took.
   * @param errorCode `undefined` on success; the `BackendAIError`'s code,
   * or `"internal_error"` for any other error, as upstream labels it.
   */
  operationFinished(
    labels: LayerOperationLabels,
    durationSeconds: number,
    errorCode: string | undefined,
  ): void;
  /**
   * A retry policy inside the metric policy is about to retry.
   *
   * @param labels The operation.
   */
  retried(labels: LayerOperationLabels): void;
}

/** What {@linkcode InMemoryLayerMetrics} holds for one operation. */
export interface LayerOperationStats {
  /** Operations running now. */
  triggered: number;
  /** Successful operations. */
  successes: number;
  /** Failed operations. */
  failures: number;
  /** Failures by error code. */
  errors: Record<string, number>;
  /** Retries. */
  retries: number;
  /** The sum of durations, in seconds. */
  durationSum: number;
  /** Operations per duration bucket (upper bounds of `LAYER_METRICS.durationBuckets`, then +Inf). */
  durationBuckets: number[];
}

/**
 * A recorder that keeps the counts in memory: for tests, the demo and
 * services without Prometheus.
 *
 * @example Usage
 * ```ts
 * import { InMemoryLayerMetrics, MetricPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const metrics = new InMemoryLayerMetrics();
 * const policy = new MetricPolicy({ domain: "valkey", layer: "valkey_stream", recorder: metrics });
 * await policy.execute(() => "ok", { operation: "xadd" });
 * await policy.execute(() => { throw new Error("boom"); }, { operation: "xadd" }).catch(() => {});
 * const stats = metrics.get({ domain: "valkey", layer: "valkey_stream", operation: "xadd" });
 * assert.equal(stats?.successes, 1);
 * assert.deepEqual(stats?.errors, { internal_error: 1 });
 * ```
 */
export class InMemoryLayerMetrics implements LayerMetricsRecorder {
  readonly #stats = new Map<string, LayerOperationStats>();

  #entry(labels: LayerOperationLabels): LayerOperationStats {
    const key = `${labels.domain}\0${labels.layer}\0${labels.operation}`;
    let stats = this.#stats.get(key);
    if (stats === undefined) {
      stats = {
        triggered: 0,
        successes: 0,
        failures: 0,
        errors: {},
        retries: 0,
        durationSum: 0,
        durationBuckets: new Array(LAYER_METRICS.durationBuckets.length + 1)
          .fill(0),
      };
      this.#stats.set(key, stats);
    }
    return stats;
  }

  /**
   * Counts a start.
   *
   * @param labels The operation.
   */
  operationStarted(labels: LayerOperationLabels): void {
    this.#entry(labels).triggered++;
  }

  /**
   * Counts an end.
   *
   * @param labels The operation.
   * @param durationSeconds How long it took.
   * @param errorCode The error code, or `undefined` on success.
   */
  operationFinished(
    labels: LayerOperationLabels,
    durationSeconds: number,
    errorCode: string | undefined,
  ): void {
    const stats = this.#entry(labels);
    stats.triggered--;
    if (errorCode === undefined) stats.successes++;
    else {
      stats.failures++;
      stats.errors[errorCode] = (stats.errors[errorCode] ?? 0) + 1;
    }
    stats.durationSum += durationSeconds;
    let bucket = LAYER_METRICS.durationBuckets.findIndex((upper) =>
      durationSeconds <= upper
    );
    if (bucket < 0) bucket = LAYER_METRICS.durationBuckets.length;
    stats.durationBuckets[bucket] = (stats.durationBuckets[bucket] ?? 0) + 1;
  }

  /**
   * Counts a retry.
   *
   * @param labels The operation.
   */
  retried(labels: LayerOperationLabels): void {
    this.#entry(labels).retries++;
  }

  /**
   * The counts of one operation.
   *
   * @param labels The operation.
   * @returns A copy of the counts, or `undefined` if never recorded.
   */
  get(labels: LayerOperationLabels): LayerOperationStats | undefined {
    const stats = this.#stats.get(
      `${labels.domain}\0${labels.layer}\0${labels.operation}`,
    );
    return stats === undefined ? undefined : structuredClone(stats);
  }

  /**
   * Every operation recorded so far.
   *
   * @returns The labels and a copy of the counts of each.
   */
  entries(): { labels: LayerOperationLabels; stats: LayerOperationStats }[] {
    return [...this.#stats].map(([key, stats]) => {
      const [domain = "", layer = "", operation = ""] = key.split("\0");
      return {
        labels: { domain, layer, operation },
        stats: structuredClone(stats),
      };
    });
  }
}

/** Options for {@linkcode MetricPolicy}. */
export interface MetricOptions {
  /** The kind of component ({@linkcode DomainType}). */
  domain: string;
  /** The layer ({@linkcode LayerType} or a repository layer). */
  layer: string;
  /** Where the counts go. */
  recorder: LayerMetricsRecorder;
}

/**
 * Upstream's error-code label: the `BackendAIError`'s code, or
 * `"internal_error"` for anything else.
 *
 * @example Usage
 * ```ts
 * import { metricErrorCode } from "@backendai/common/resilience";
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(metricErrorCode(new Error("x")), "internal_error");
 * assert.equal(metricErrorCode(new InvalidAPIParameters("bad")), "api_parsing_invalid-parameters");
 * ```
 *
 * @param error The failure.
 * @returns The label value.
 */
export function metricErrorCode(error: unknown): string {
  return error instanceof BackendAIError
    ? error.errorCode().toString()
    : "internal_error";
}

/**
 * Records each call's start, outcome and duration, labelled by domain,
 * layer and operation (the `operation` option of `execute`, else the
 * function's name), and the retries of a retry policy inside it. Put it
 * outermost, as upstream's stacks do.
 *
 * @example Usage
 * ```ts
 * import { InMemoryLayerMetrics, MetricPolicy, RetryPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const metrics = new InMemoryLayerMetrics();
 * const pipeline = wrap(
 *   new MetricPolicy({ domain: "client", layer: "storage_proxy_client", recorder: metrics }),
 *   new RetryPolicy({ maxAttempts: 2, delayMs: 0 }),
 * );
 * await pipeline.execute(({ attempt }) => {
 *   if (attempt === 1) throw new Error("reset");
 * }, { operation: "list_volumes" });
 * const stats = metrics.get({ domain: "client", layer: "storage_proxy_client", operation: "list_volumes" });
 * assert.deepEqual([stats?.successes, stats?.retries, stats?.triggered], [1, 1, 0]);
 * ```
 */
export class MetricPolicy extends PolicyBase {
  /**
   * Makes a metric policy.
   *
   * @param options The domain, the layer and the recorder.
   */
  constructor(options: MetricOptions) {
    super([new MetricStage(options)]);
  }
}

class MetricScope implements PolicyScope {
  readonly #parent: PolicyScope;
  readonly onRetry: () => void;

  constructor(parent: PolicyScope, onRetry: () => void) {
    this.#parent = parent;
    this.onRetry = onRetry;
  }

  get signal(): AbortSignal {
    return this.#parent.signal;
  }

  get waitSignal(): AbortSignal | undefined {
    return this.#parent.waitSignal;
  }

  get attempt(): number {
    return this.#parent.attempt;
  }

  get operation(): string | undefined {
    return this.#parent.operation;
  }
  get abandonment(): Abandonment | undefined {
    return this.#parent.abandonment;
  }
}

class MetricStage implements PolicyStage {
  readonly #domain: string;
  readonly #layer: string;
  readonly #recorder: LayerMetricsRecorder;
  readonly #labels = new Map<string, LayerOperationLabels>();
  readonly #retried = new Map<string, () => void>();

  constructor(options: MetricOptions) {
    this.#domain = options.domain;
    this.#layer = options.layer;
    this.#recorder = options.recorder;
  }

  #labelsOf(operation: string): LayerOperationLabels {
    let labels = this.#labels.get(operation);
    if (labels === undefined) {
      labels = { domain: this.#domain, layer: this.#layer, operation };
      this.#labels.set(operation, labels);
      const counted = labels;
      this.#retried.set(operation, () => this.#recorder.retried(counted));
    }
    return labels;
  }

  async run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    const operation = scope.operation ?? (fn.name || "anonymous");
    const labels = this.#labelsOf(operation);
    const inner = new MetricScope(
      scope,
      this.#retried.get(operation) as () => void,
    );
    this.#recorder.operationStarted(labels);
    const started = performance.now();
    try {
      const result = await runNext(chain, next, fn, inner);
      this.#recorder.operationFinished(
        labels,
        (performance.now() - started) / 1000,
        undefined,
      );
      return result;
    } catch (error) {
      this.#recorder.operationFinished(
        labels,
        (performance.now() - started) / 1000,
        metricErrorCode(error),
      );
      throw error;
    }
  }
}
