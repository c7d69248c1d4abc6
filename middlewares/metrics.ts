// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode apiMetricsMiddleware}: upstream's API request metrics.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "../exception.ts";
import {
  type ApiRequestObservation,
  UNMATCHED_ENDPOINT,
} from "../metrics/observers.ts";
import type { Middleware } from "../web/handler.ts";

/** Where {@linkcode apiMetricsMiddleware} records: `MetricRegistry.api` fits. */
export interface ApiRequestRecorder {
  /**
   * Records one request.
   *
   * @param observation The request.
   */
  observeRequest(observation: ApiRequestObservation): void;
}

/**
 * The methods that get a label of their own; a request's method is any
 * token its client sends, so the others share one (OpenTelemetry's
 * `_OTHER`), or a scanner could grow the label set without bound.
 */
const STANDARD_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

function methodLabel(method: string): string {
  return STANDARD_METHODS.has(method) ? method : "_OTHER";
}

/**
 * Records each request (upstream's `build_api_metric_middleware`): method
 * (`_OTHER` for one outside the standard nine), route (`context.route`, set
 * by the router; `(unmatched)` when no route matched, never the raw path,
 * so a scanner cannot grow the label set),
 * status and duration, and for a failure the error's code: a
 * `BackendAIError`'s own, anything else `backendai_generic_internal-error`
 * with status 500. It sees errors whether they are thrown through it or
 * answered by an error middleware inside it (`context.error`). A recorder
 * that throws is ignored.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import { apiMetricsMiddleware } from "@backendai/common/middlewares";
 * import { compose, jsonResponse, Router } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const metrics = new MetricRegistry();
 * const router = new Router().get("/v1/items/{id}", () => jsonResponse({}));
 * const app = compose([apiMetricsMiddleware(metrics.api)], router.handler);
 * await app(new Request("http://x/v1/items/42"));
 * assert.match(await metrics.toPrometheus(), /backendai_api_request_count_total\{method="GET",endpoint="\/v1\/items\/\{id\}",domain="",operation="",error_detail="",status_code="200"\} 1/);
 * ```
 *
 * @param recorder Where requests are recorded.
 * @returns The middleware.
 */
export function apiMetricsMiddleware(recorder: ApiRequestRecorder): Middleware {
  const record = (observation: ApiRequestObservation) => {
    try {
      recorder.observeRequest(observation);
    } catch {
      // Metrics never decide a request's fate.
    }
  };
  return async (request, next, context) => {
    const started = performance.now();
    let response: Response;
    try {
      response = await next();
    } catch (error) {
      record({
        method: methodLabel(request.method),
        endpoint: context.route ?? UNMATCHED_ENDPOINT,
        errorCode: error instanceof BackendAIError
          ? error.errorCode()
          : ErrorCode.default(),
        statusCode: error instanceof BackendAIError ? error.status : 500,
        durationSeconds: (performance.now() - started) / 1000,
      });
      throw error;
    }
    const answered = context.error;
    record({
      method: methodLabel(request.method),
      endpoint: context.route ?? UNMATCHED_ENDPOINT,
      errorCode: answered === undefined
        ? undefined
        : answered instanceof BackendAIError
        ? answered.errorCode()
        : ErrorCode.default(),
      statusCode: response.status,
      durationSeconds: (performance.now() - started) / 1000,
    });
    return response;
  };
}
