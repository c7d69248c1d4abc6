// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Upstream's metric observers (`common/metrics/metric.py`), with its
 * metric names, labels and buckets: API requests, events, event
 * propagators, background tasks and layer operations. On the wire they
 * read as upstream's (Python's prometheus_client): a counter's samples end
 * in `_total` (`backendai_event_count_total`), a histogram's `le` is
 * written as a Python float (`le="1.0"`). Each one is the
 * shape of the seam it plugs into, written here without importing the
 * module that has the seam (metrics sits on the base layer):
 * {@linkcode EventMetricObserver} is an `EventObserver` (events),
 * {@linkcode EventPropagatorMetricObserver} an `EventHubObserver`
 * (events), {@linkcode BgtaskMetricObserver} a `BgtaskObserver` (bgtask),
 * {@linkcode MessageQueueMetricObserver.trimLoss} an `onTrimLoss` hook
 * (message_queue)
 * and {@linkcode LayerMetricObserver} a `LayerMetricsRecorder`
 * (resilience); the tests check each fits.
 *
 * @module
 */

import type { Registry } from "prom-client";
import { BackendAIError, ErrorCode } from "../exception.ts";
import {
  CounterFamily,
  GaugeFamily,
  type HistogramCell,
  HistogramFamily,
  type ValueCell,
} from "./_cells.ts";

/** Upstream's default duration buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.001,
  0.01,
  0.1,
  0.5,
  1,
  2,
  5,
  10,
  30,
]);

/** Upstream's background task duration buckets, in seconds. */
export const BGTASK_BUCKETS: readonly number[] = Object.freeze([
  0.1,
  1,
  10,
  30,
  60,
  300,
  600,
]);

/** The label value of an endpoint no route matched. */
export const UNMATCHED_ENDPOINT = "(unmatched)";

/** The three parts of an error code, or three empty strings. */
function codeParts(
  code: ErrorCode | string | undefined,
): [string, string, string] {
  if (code === undefined) return ["", "", ""];
  if (typeof code !== "string") {
    return [code.domain, code.operation, code.detail];
  }
  const [domain = "", operation = "", detail = ""] = code.split("_");
  return [domain, operation, detail];
}

/** The error code of a thrown value, as upstream labels it. */
function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof BackendAIError
    ? error.errorCode()
    : ErrorCode.default();
}

/** One API request, as {@linkcode ApiMetricObserver.observeRequest} takes it. */
export interface ApiRequestObservation {
  /** The HTTP method. */
  method: string;
  /** The route (`/tasks/{id}`), never the raw path. */
  endpoint: string;
  /** The error's code, for a failed request. */
  errorCode: ErrorCode | string | undefined;
  /** The response status. */
  statusCode: number;
  /** How long it took, in seconds. */
  durationSeconds: number;
}

/**
 * API request metrics (upstream's `APIMetricObserver`):
 * `backendai_api_request_count` and `backendai_api_request_duration_sec`,
 * labelled `method, endpoint, domain, operation, error_detail, status_code`.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * metrics.api.observeRequest({
 *   method: "GET", endpoint: "/v1/ping", errorCode: undefined, statusCode: 200, durationSeconds: 0.002,
 * });
 * assert.match(await metrics.toPrometheus(), /backendai_api_request_count_total\{method="GET",endpoint="\/v1\/ping",domain="",operation="",error_detail="",status_code="200"\} 1/);
 * ```
 */
export class ApiMetricObserver {
  readonly #count: CounterFamily;
  readonly #duration: HistogramFamily;
  readonly #cells = new Map<string, [ValueCell, HistogramCell]>();

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    const labelNames = [
      "method",
      "endpoint",
      "domain",
      "operation",
      "error_detail",
      "status_code",
    ];
    this.#count = new CounterFamily(registry, {
      name: "backendai_api_request_count",
      help: "Total number of API requests",
      labelNames,
    });
    this.#duration = new HistogramFamily(registry, {
      name: "backendai_api_request_duration_sec",
      help: "Duration of API requests in seconds",
      labelNames,
      buckets: DEFAULT_BUCKETS,
    });
  }

  /**
   * Counts one request and its duration.
   *
   * @param observation The request.
   */
  observeRequest(observation: ApiRequestObservation): void {
    const code = observation.errorCode === undefined
      ? ""
      : String(observation.errorCode);
    const key =
      `${observation.method} ${observation.endpoint} ${code} ${observation.statusCode}`;
    let cells = this.#cells.get(key);
    if (cells === undefined) {
      const values = [
        observation.method,
        observation.endpoint,
        ...codeParts(observation.errorCode),
        String(observation.statusCode),
      ];
      cells = [this.#count.cell(values), this.#duration.cell(values)];
      this.#cells.set(key, cells);
    }
    cells[0].value++;
    cells[1].observe(observation.durationSeconds);
  }
}

/**
 * Event handler metrics (upstream's `EventMetricObserver`):
 * `backendai_event_count{event_type}`,
 * `backendai_event_failure_count{event_type, exception, domain, operation,
 * error_detail}` and `backendai_event_processing_time_sec{event_type,
 * status, domain, operation, error_detail}`. It is an `EventObserver`: pass
 * it as an `EventDispatcher`'s `observer`.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * metrics.event.onSuccess("bgtask_done", 1.5);
 * metrics.event.onFailure("bgtask_done", 2, new TypeError("boom"));
 * const text = await metrics.toPrometheus();
 * assert.match(text, /backendai_event_count_total\{event_type="bgtask_done"\} 2/);
 * assert.match(text, /backendai_event_failure_count_total\{event_type="bgtask_done",exception="TypeError",domain="backendai",operation="generic",error_detail="internal-error"\} 1/);
 * ```
 */
export class EventMetricObserver {
  readonly #count: CounterFamily;
  readonly #failures: CounterFamily;
  readonly #time: HistogramFamily;
  readonly #success = new Map<string, [ValueCell, HistogramCell]>();
  readonly #failure = new Map<string, [ValueCell, ValueCell, HistogramCell]>();

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    this.#count = new CounterFamily(registry, {
      name: "backendai_event_count",
      help: "Total number of events processed",
      labelNames: ["event_type"],
    });
    this.#failures = new CounterFamily(registry, {
      name: "backendai_event_failure_count",
      help: "Number of failed events",
      labelNames: [
        "event_type",
        "exception",
        "domain",
        "operation",
        "error_detail",
      ],
    });
    this.#time = new HistogramFamily(registry, {
      name: "backendai_event_processing_time_sec",
      help: "Processing time of events in seconds",
      labelNames: [
        "event_type",
        "status",
        "domain",
        "operation",
        "error_detail",
      ],
      buckets: DEFAULT_BUCKETS,
    });
  }

  /**
   * A handler ran to its end.
   *
   * @param event The event name.
   * @param durationMs How long it ran.
   */
  onSuccess(event: string, durationMs: number): void {
    let cells = this.#success.get(event);
    if (cells === undefined) {
      cells = [
        this.#count.cell([event]),
        this.#time.cell([event, "success", "", "", ""]),
      ];
      this.#success.set(event, cells);
    }
    cells[0].value++;
    cells[1].observe(durationMs / 1000);
  }

  /**
   * A handler failed (or the body did not decode).
   *
   * @param event The event name.
   * @param durationMs How long it ran.
   * @param error What it threw.
   */
  onFailure(event: string, durationMs: number, error: unknown): void {
    const exception = (error as { constructor?: { name?: string } } | null)
      ?.constructor?.name ?? typeof error;
    const code = errorCodeOf(error);
    const key = `${event} ${exception} ${code}`;
    let cells = this.#failure.get(key);
    if (cells === undefined) {
      const parts = codeParts(code);
      cells = [
        this.#count.cell([event]),
        this.#failures.cell([event, exception, ...parts]),
        this.#time.cell([event, "failure", ...parts]),
      ];
      this.#failure.set(key, cells);
    }
    cells[0].value++;
    cells[1].value++;
    cells[2].observe(durationMs / 1000);
  }
}

/**
 * SSE propagator metrics (upstream's `EventPropagatorMetricObserver`):
 * `backendai_event_propagator_count`,
 * `backendai_event_propagator_alias_count{domain, alias_id}` and the
 * registration and unregistration counters. It is an `EventHubObserver`:
 * pass it as an `EventHub`'s `observer`.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * metrics.eventPropagator.registered([["bgtask", "*"]]);
 * assert.match(await metrics.toPrometheus(), /backendai_event_propagator_count 1/);
 * ```
 */
export class EventPropagatorMetricObserver {
  readonly #count: ValueCell;
  readonly #aliases: GaugeFamily;
  readonly #registrations: ValueCell;
  readonly #unregistrations: ValueCell;

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    this.#count = new GaugeFamily(registry, {
      name: "backendai_event_propagator_count",
      help: "Current number of active event propagators",
    }).cell();
    this.#aliases = new GaugeFamily(registry, {
      name: "backendai_event_propagator_alias_count",
      help: "Current number of event propagator aliases",
      labelNames: ["domain", "alias_id"],
    });
    this.#registrations = new CounterFamily(registry, {
      name: "backendai_event_propagator_registration_count",
      help: "Total number of event propagator registrations",
    }).cell();
    this.#unregistrations = new CounterFamily(registry, {
      name: "backendai_event_propagator_unregistration_count",
      help: "Total number of event propagator unregistrations",
    }).cell();
  }

  /**
   * A propagator was registered.
   *
   * @param aliases Its `(domain, id)` aliases.
   */
  registered(aliases: readonly (readonly [string, string])[]): void {
    this.#count.value++;
    this.#registrations.value++;
    for (const [domain, id] of aliases) {
      this.#aliases.cell([domain, id]).value++;
    }
  }

  /**
   * A propagator was unregistered.
   *
   * @param aliases Its `(domain, id)` aliases.
   */
  unregistered(aliases: readonly (readonly [string, string])[]): void {
    this.#count.value--;
    this.#unregistrations.value++;
    for (const [domain, id] of aliases) {
      this.#aliases.cell([domain, id]).value--;
    }
  }
}

/**
 * Background task metrics (upstream's `BgTaskMetricObserver`):
 * `backendai_bgtask_count{task_name}` (running now),
 * `backendai_bgtask_done_count` and `backendai_bgtask_processing_time_sec`
 * (`task_name, status, domain, operation, error_detail`; buckets 0.1 to
 * 600 s). It is a `BgtaskObserver`: pass it as a `BackgroundTaskManager`'s
 * `observer`.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * metrics.bgtask.taskStarted("copy_folder");
 * metrics.bgtask.taskFinished("copy_folder", "bgtask_failed", 3, "bgtask_execute_internal-error");
 * const text = await metrics.toPrometheus();
 * assert.match(text, /backendai_bgtask_count\{task_name="copy_folder"\} 0/);
 * assert.match(text, /backendai_bgtask_done_count_total\{task_name="copy_folder",status="bgtask_failed",domain="bgtask",operation="execute",error_detail="internal-error"\} 1/);
 * ```
 */
export class BgtaskMetricObserver {
  readonly #running: GaugeFamily;
  readonly #done: CounterFamily;
  readonly #time: HistogramFamily;

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    this.#running = new GaugeFamily(registry, {
      name: "backendai_bgtask_count",
      help: "Total number of background tasks processed",
      labelNames: ["task_name"],
    });
    const labelNames = [
      "task_name",
      "status",
      "domain",
      "operation",
      "error_detail",
    ];
    this.#done = new CounterFamily(registry, {
      name: "backendai_bgtask_done_count",
      help: "Number of completed background tasks",
      labelNames,
    });
    this.#time = new HistogramFamily(registry, {
      name: "backendai_bgtask_processing_time_sec",
      help: "Processing time of background tasks in seconds",
      labelNames,
      buckets: BGTASK_BUCKETS,
    });
  }

  /**
   * A task started.
   *
   * @param taskName Its name.
   */
  taskStarted(taskName: string): void {
    this.#running.cell([taskName]).value++;
  }

  /**
   * A task ended.
   *
   * @param taskName Its name.
   * @param status How it ended (`bgtask_done`, `bgtask_failed`, …).
   * @param durationSeconds How long it ran.
   * @param errorCode The error code of a failure.
   */
  taskFinished(
    taskName: string,
    status: string,
    durationSeconds: number,
    errorCode: string | undefined,
  ): void {
    this.#running.cell([taskName]).value--;
    const values = [taskName, status, ...codeParts(errorCode)];
    this.#done.cell(values).value++;
    this.#time.cell(values).observe(durationSeconds);
  }
}

/**
 * One loss the message queue reported (the shape of `message_queue`'s
 * `TrimLoss`, the fields counted here).
 */
export interface QueueLossObservation {
  /** The stream. */
  readonly stream: string;
  /** The consumer group that lost the entries. */
  readonly group: string;
  /** `"hard-cap"` or `"trimmed-elsewhere"`. */
  readonly cause: string;
  /** How many entries. */
  readonly count: number;
}

/**
 * Message queue losses, so that a loss the queue reports is also a
 * number an alert can watch: `backendai_message_queue_trim_loss_count`
 * (`stream, group, cause`), the entries a group lost to a hard cap or to
 * another client's trim. Not an upstream metric. Pass
 * {@linkcode MessageQueueMetricObserver.trimLoss} as a queue's
 * `onTrimLoss`; the queue has already logged the loss and recorded it in
 * the dead-letter stream.
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry({ processMetrics: false });
 * await using queue = new MemoryQueue({ onTrimLoss: metrics.messageQueue.trimLoss });
 * metrics.messageQueue.trimLoss({ stream: "events", group: "manager", cause: "hard-cap", count: 3 });
 * assert.match(await metrics.toPrometheus(), /backendai_message_queue_trim_loss_count_total\{stream="events",group="manager",cause="hard-cap"\} 3/);
 * ```
 */
export class MessageQueueMetricObserver {
  readonly #trimLoss: CounterFamily;

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    this.#trimLoss = new CounterFamily(registry, {
      name: "backendai_message_queue_trim_loss_count",
      help:
        "Stream entries a consumer group lost before reading or acknowledging them",
      labelNames: ["stream", "group", "cause"],
    });
  }

  /**
   * Counts a loss. Bound to the instance, so it can be passed as
   * `onTrimLoss` as it is.
   *
   * @param loss What the queue reported.
   */
  readonly trimLoss = (loss: QueueLossObservation): void => {
    this.#trimLoss.cell([loss.stream, loss.group, loss.cause]).value +=
      loss.count;
  };
}

/** The labels of one layer operation (resilience's `LayerOperationLabels`). */
export interface LayerLabels {
  /** The kind of component. */
  readonly domain: string;
  /** The layer. */
  readonly layer: string;
  /** The operation. */
  readonly operation: string;
}

interface LayerCells {
  readonly values: readonly string[];
  readonly triggered: ValueCell;
  ok?: [ValueCell, HistogramCell];
  failed?: [ValueCell, HistogramCell];
  retries?: ValueCell;
  readonly errors: Map<string, ValueCell>;
}

/**
 * Layer operation metrics (upstream's `LayerMetricObserver`):
 * `backendai_layer_operation_triggered_count` (running now),
 * `backendai_layer_operation_count{…, success}`,
 * `backendai_layer_operation_error_count{…, error_code}`,
 * `backendai_layer_retry_count` and
 * `backendai_layer_operation_duration_sec{…, success}`, each labelled
 * `domain, layer, operation`; `success` is `"True"` or `"False"`, as
 * Python writes a bool. It is a `LayerMetricsRecorder`: pass it as a
 * `MetricPolicy`'s `recorder`.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * const labels = { domain: "valkey", layer: "valkey_stream", operation: "xadd" };
 * metrics.layer.operationStarted(labels);
 * metrics.layer.operationFinished(labels, 0.002, "internal_error");
 * assert.match(await metrics.toPrometheus(), /backendai_layer_operation_count_total\{domain="valkey",layer="valkey_stream",operation="xadd",success="False"\} 1/);
 * ```
 */
export class LayerMetricObserver {
  readonly #triggered: GaugeFamily;
  readonly #count: CounterFamily;
  readonly #errors: CounterFamily;
  readonly #retries: CounterFamily;
  readonly #duration: HistogramFamily;
  readonly #cells = new Map<string, LayerCells>();

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   */
  constructor(registry: Registry) {
    const labelNames = ["domain", "layer", "operation"];
    this.#triggered = new GaugeFamily(registry, {
      name: "backendai_layer_operation_triggered_count",
      help: "Number of layer operations triggered",
      labelNames,
    });
    this.#count = new CounterFamily(registry, {
      name: "backendai_layer_operation_count",
      help: "Total number of layer operations",
      labelNames: [...labelNames, "success"],
    });
    this.#errors = new CounterFamily(registry, {
      name: "backendai_layer_operation_error_count",
      help: "Total number of layer operation errors",
      labelNames: [...labelNames, "error_code"],
    });
    this.#retries = new CounterFamily(registry, {
      name: "backendai_layer_retry_count",
      help: "Number of retries for layer operations",
      labelNames,
    });
    this.#duration = new HistogramFamily(registry, {
      name: "backendai_layer_operation_duration_sec",
      help: "Duration of layer operations in seconds",
      labelNames: [...labelNames, "success"],
      buckets: DEFAULT_BUCKETS,
    });
  }

  #of(labels: LayerLabels): LayerCells {
    const key =
      `${labels.domain}\u0000${labels.layer}\u0000${labels.operation}`;
    let cells = this.#cells.get(key);
    if (cells === undefined) {
      const values = [labels.domain, labels.layer, labels.operation];
      cells = {
        values,
        triggered: this.#triggered.cell(values),
        errors: new Map(),
      };
      this.#cells.set(key, cells);
    }
    return cells;
  }

  // Label sets are made when first used, as prometheus_client makes them:
  // an operation that never failed shows no success="False" samples.
  #outcome(cells: LayerCells, success: boolean): [ValueCell, HistogramCell] {
    const label = success ? "True" : "False";
    const values = [...cells.values, label];
    if (success) {
      return cells.ok ??= [
        this.#count.cell(values),
        this.#duration.cell(values),
      ];
    }
    return cells.failed ??= [
      this.#count.cell(values),
      this.#duration.cell(values),
    ];
  }

  /**
   * An operation started.
   *
   * @param labels The operation.
   */
  operationStarted(labels: LayerLabels): void {
    this.#of(labels).triggered.value++;
  }

  /**
   * An operation ended.
   *
   * @param labels The operation.
   * @param durationSeconds How long it took.
   * @param errorCode `undefined` on success, else the error's code.
   */
  operationFinished(
    labels: LayerLabels,
    durationSeconds: number,
    errorCode: string | undefined,
  ): void {
    const cells = this.#of(labels);
    cells.triggered.value--;
    const [count, duration] = this.#outcome(cells, errorCode === undefined);
    count.value++;
    duration.observe(durationSeconds);
    if (errorCode === undefined) return;
    let error = cells.errors.get(errorCode);
    if (error === undefined) {
      error = this.#errors.cell([...cells.values, errorCode]);
      cells.errors.set(errorCode, error);
    }
    error.value++;
  }

  /**
   * A retry policy inside the metric policy retried.
   *
   * @param labels The operation.
   */
  retried(labels: LayerLabels): void {
    const cells = this.#of(labels);
    (cells.retries ??= this.#retries.cell(cells.values)).value++;
  }
}
