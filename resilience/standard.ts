// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode standardPipeline}: the documented default order.
 *
 * @module
 */

import type { BulkheadPolicy } from "./bulkhead.ts";
import type { CircuitBreakerPolicy } from "./circuit_breaker.ts";
import type { FallbackPolicy } from "./fallback.ts";
import type { MetricPolicy } from "./metric.ts";
import { type Policy, type PolicyPipeline, wrap } from "./policy.ts";
import type { RetryPolicy } from "./retry.ts";
import type { TimeoutPolicy } from "./timeout.ts";

/** The parts of {@linkcode standardPipeline}; each is optional. */
export interface StandardPipelineParts {
  /**
   * Outermost: replaces what still fails, an open circuit included.
   *
   * @default {undefined}
   */
  fallback?: FallbackPolicy<unknown> | Policy;
  /**
   * Records the logical operation: one count per call, its retries, its
   * final outcome (recorded before a fallback hides it).
   *
   * @default {undefined}
   */
  metric?: MetricPolicy | Policy;
  /**
   * Repeats failed attempts; an open circuit is not retried.
   *
   * @default {undefined}
   */
  retry?: RetryPolicy | Policy;
  /**
   * Counts each attempt's outcome, timeouts included.
   *
   * @default {undefined}
   */
  circuitBreaker?: CircuitBreakerPolicy | Policy;
  /**
   * Limits each attempt, time waiting in the bulkhead included.
   *
   * @default {undefined}
   */
  timeout?: TimeoutPolicy | Policy;
  /**
   * Innermost: limits concurrent calls to the dependency.
   *
   * @default {undefined}
   */
  bulkhead?: BulkheadPolicy | Policy;
}

/**
 * Composes the given parts in the documented default order:
 * fallback → metric → retry → circuit breaker → timeout → bulkhead → fn.
 * Retry sits outside the breaker so each attempt is counted and an open
 * circuit stops the retries at once; the timeout sits inside the retry so
 * each attempt has its own limit (a breaker counts a timeout on either side
 * of it); the timeout sits outside the bulkhead so time spent queueing
 * counts against the limit.
 *
 * @example The planned Valkey stack of upstream
 * ```ts
 * import {
 *   CircuitBreakerPolicy, InMemoryLayerMetrics, MetricPolicy, RetryPolicy,
 *   standardPipeline, TimeoutPolicy,
 * } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const pipeline = standardPipeline({
 *   timeout: new TimeoutPolicy({ timeoutMs: 2000 }),
 *   retry: new RetryPolicy({ maxAttempts: 3, delayMs: 100, backoff: "exponential", jitter: "full" }),
 *   circuitBreaker: new CircuitBreakerPolicy({ failureThreshold: 5, recoveryMs: 30_000 }),
 *   metric: new MetricPolicy({ domain: "valkey", layer: "valkey_live", recorder: new InMemoryLayerMetrics() }),
 * });
 * assert.equal(pipeline.policies.length, 4);
 * assert.equal(await pipeline.execute(() => "PONG", { operation: "ping" }), "PONG");
 * ```
 *
 * @param parts The policies to include.
 * @returns The composed pipeline.
 */
export function standardPipeline(parts: StandardPipelineParts): PolicyPipeline {
  const ordered = [
    parts.fallback,
    parts.metric,
    parts.retry,
    parts.circuitBreaker,
    parts.timeout,
    parts.bulkhead,
  ].filter((policy): policy is Policy => policy !== undefined);
  return wrap(...ordered);
}
