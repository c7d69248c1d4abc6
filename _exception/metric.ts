// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about metrics and Prometheus queries and their presets, from
 * upstream's `exception.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * Prometheus cannot be reached (HTTP 503, `metric_read_unreachable`).
 *
 * @example Usage
 * ```ts
 * import { FailedToGetMetric, PrometheusQueryEvaluationFailed } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new FailedToGetMetric().status, 502);
 * const err = new PrometheusQueryEvaluationFailed("parse error at char 4");
 * assert.equal(err.status, 400);
 * assert.equal(err.toProblemJSON().error_code, "metric_read_invalid-parameters");
 * ```
 */
export class PrometheusConnectionError extends BackendAIError {
  /** The code of every error of this class: `metric_read_unreachable`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.METRIC,
    ErrorOperation.READ,
    ErrorDetail.UNREACHABLE,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 503;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/prometheus-connection-error";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to connect to Prometheus.";
}

/** A metric cannot be retrieved (HTTP 502, `metric_read_internal-error`). */
export class FailedToGetMetric extends BackendAIError {
  /** The code of every error of this class: `metric_read_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.METRIC,
    ErrorOperation.READ,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 502;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/failed-to-get-metric";
  /** The problem title. */
  override readonly errorTitle: string = "Failed to get metric.";
}

/**
 * A metric preset template cannot be rendered (HTTP 400,
 * `metric_read_invalid-parameters`).
 */
export class InvalidMetricPresetTemplate extends BackendAIError {
  /** The code of every error of this class: `metric_read_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.METRIC,
    ErrorOperation.READ,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/invalid-metric-preset-template";
  /** The problem title. */
  override readonly errorTitle: string = "Invalid metric preset template.";
}

/**
 * Prometheus rejected a rendered PromQL query: the caller's input is at fault,
 * not the gateway (HTTP 400, `metric_read_invalid-parameters`).
 */
export class PrometheusQueryEvaluationFailed extends BackendAIError {
  /** The code of every error of this class: `metric_read_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.METRIC,
    ErrorOperation.READ,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/prometheus-query-evaluation-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Prometheus rejected the query.";
}

/**
 * The Prometheus query preset does not exist (HTTP 404,
 * `prometheus-query-preset_read_not-found`).
 */
export class PrometheusQueryPresetNotFound extends BackendAIError {
  /** The code of every error of this class: `prometheus-query-preset_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.PROMETHEUS_QUERY_PRESET,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/prometheus-query-preset-not-found";
  /** The problem title. */
  override readonly errorTitle: string =
    "The prometheus query preset does not exist.";
}

/**
 * A label given to run a Prometheus query preset is invalid (HTTP 400,
 * `prometheus-query-preset_execute_invalid-parameters`).
 */
export class PrometheusQueryPresetInvalidLabel extends BackendAIError {
  /** The code of every error of this class: `prometheus-query-preset_execute_invalid-parameters`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.PROMETHEUS_QUERY_PRESET,
    ErrorOperation.EXECUTE,
    ErrorDetail.INVALID_PARAMETERS,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/prometheus-query-preset-invalid-label";
  /** The problem title. */
  override readonly errorTitle: string =
    "Invalid label specified for prometheus query preset execution.";
}

/**
 * The Prometheus query preset category does not exist (HTTP 404,
 * `prometheus-query-preset-category_read_not-found`).
 */
export class PrometheusQueryPresetCategoryNotFound extends BackendAIError {
  /** The code of every error of this class: `prometheus-query-preset-category_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.PROMETHEUS_QUERY_PRESET_CATEGORY,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/prometheus-query-preset-category-not-found";
  /** The problem title. */
  override readonly errorTitle: string =
    "The prometheus query preset category does not exist.";
}
