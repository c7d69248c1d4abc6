// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Resilience policies with one shape, `execute(fn, { signal })`: retry,
 * timeout, circuit breaker, fallback, bulkhead, chaos and metrics (spec 9),
 * composed with {@linkcode wrap} (first is outermost) or in the documented
 * default order with {@linkcode standardPipeline}. A composed call creates
 * no timer and no `AbortController` unless it needs one.
 *
 * ```ts
 * import {
 *   CircuitBreakerPolicy, RetryPolicy, TimeoutPolicy, wrap,
 * } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const pipeline = wrap(
 *   new RetryPolicy({ maxAttempts: 3, delayMs: 10, backoff: "exponential", jitter: "full" }),
 *   new CircuitBreakerPolicy({ failureThreshold: 5, recoveryMs: 30_000 }),
 *   new TimeoutPolicy({ timeoutMs: 2_000 }),
 * );
 * let calls = 0;
 * const value = await pipeline.execute(async ({ signal, attempt }) => {
 *   calls++;
 *   if (attempt === 1) throw new Error("connection reset");
 *   return signal.aborted ? "aborted" : "ok";
 * });
 * assert.equal(value, "ok");
 * assert.equal(calls, 2);
 * ```
 *
 * @module
 */

export {
  type AbandonListener,
  type Abandonment,
  type ExecuteOptions,
  type Listener,
  type Policy,
  PolicyBase,
  type PolicyContext,
  type PolicyFunction,
  PolicyPipeline,
  type PolicyScope,
  type PolicyStage,
  runNext,
  withPolicy,
  type WithPolicyOptions,
  wrap,
} from "./policy.ts";
export { type Clock, ManualClock, systemClock } from "./clock.ts";
export {
  BulkheadRejectedError,
  ChaosFaultError,
  CircuitOpenError,
  ResilienceRetryError,
  ResilienceTimeoutError,
} from "./errors.ts";
export * from "./retry.ts";
export * from "./timeout.ts";
export * from "./circuit_breaker.ts";
export * from "./bulkhead.ts";
export * from "./fallback.ts";
export * from "./chaos.ts";
export * from "./metric.ts";
export * from "./standard.ts";
