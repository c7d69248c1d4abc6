// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: how the client talks through etcd3 — its own fault handling
// replaced by ours, the watch reconnect schedule of upstream, and every
// error turned into one of ours naming the key.

import {
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdPermissionDeniedError,
  EtcdUserNotFoundError,
  GRPCUnauthenticatedError,
  isRecoverableError,
} from "etcd3";
import {
  BackendAIError,
  type BackendAIErrorOptions,
  InvalidAPIParameters,
} from "../../exception.ts";
import {
  CircuitBreakerPolicy,
  CircuitOpenError,
  type Policy,
  ResilienceTimeoutError,
  RetryPolicy,
  TimeoutPolicy,
  wrap,
} from "../../resilience/mod.ts";
import {
  EtcdAuthError,
  EtcdClosedError,
  EtcdRequestError,
  EtcdUnavailableError,
} from "./errors.ts";

/**
 * A cockatiel-shaped policy that runs the call once: etcd3's own retry and
 * per-host breaker are replaced by the client's `Policy`. It must return a
 * promise even when the call throws at once (etcd3's `markFailed` chains
 * `.catch` on it).
 */
export const NOOP_COCKATIEL_POLICY: {
  execute<T>(fn: (context: { signal: AbortSignal }) => T): Promise<T>;
} = {
  execute<T>(fn: (context: { signal: AbortSignal }) => T): Promise<T> {
    try {
      return Promise.resolve(fn({ signal: new AbortController().signal }));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};

/** A cockatiel-shaped backoff: upstream's `min(initial * 2^(n-1), max)`. */
export interface WatchBackoff {
  readonly duration: number;
  next(): WatchBackoff;
}

/**
 * The watch reconnect delays of upstream's `_calc_watch_reconnect_delay`:
 * 0.5 s, 1 s, 2 s, ... capped at 30 s by default.
 */
export function watchBackoff(
  initialMs: number,
  maxMs: number,
  attempt: number = 0,
): WatchBackoff {
  return {
    duration: Math.min(initialMs * 2 ** attempt, maxMs),
    next: () => watchBackoff(initialMs, maxMs, attempt + 1),
  };
}

/** Whether an error means etcd did not answer (worth a retry). */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof ResilienceTimeoutError) return true;
  return typeof error === "object" && error !== null &&
    !(error instanceof BackendAIError) && isRecoverableError(error as Error);
}

/** Whether an error is about credentials or permissions. */
export function isAuthFailure(error: unknown): boolean {
  return error instanceof EtcdAuthenticationFailedError ||
    error instanceof EtcdPermissionDeniedError ||
    error instanceof EtcdUserNotFoundError ||
    error instanceof GRPCUnauthenticatedError ||
    (error instanceof Error && /user name is empty/.test(error.message));
}

/** Whether a watch was cancelled because its auth token went stale. */
export function isStaleToken(error: unknown): boolean {
  return error instanceof EtcdInvalidAuthTokenError ||
    (error instanceof Error && /invalid auth token/.test(error.message));
}

/** Whether a watch was cancelled because its start revision was compacted. */
export function isCompacted(error: unknown): boolean {
  return error instanceof Error && /compacted/.test(error.message);
}

/**
 * The default policy of every unary call: up to 3 attempts on
 * unavailability (100 ms doubling to 1 s, full jitter), a breaker that opens
 * after 5 consecutive unavailable answers for 5 s, and a time limit per
 * attempt.
 */
export function defaultEtcdPolicy(requestTimeoutMs: number): Policy {
  return wrap(
    new RetryPolicy({
      maxAttempts: 3,
      delayMs: 100,
      backoff: "exponential",
      maxDelayMs: 1_000,
      jitter: "full",
      retryIf: isUnavailable,
    }),
    new CircuitBreakerPolicy({
      name: "etcd",
      failureThreshold: 5,
      recoveryMs: 5_000,
      isFailure: isUnavailable,
    }),
    new TimeoutPolicy({ timeoutMs: requestTimeoutMs }),
  );
}

/** What a failed call was about, for the error's `data`. */
export interface CallSubject {
  readonly operation: string;
  readonly key: string;
  readonly user?: string | undefined;
}

/**
 * Turns whatever a call threw into an error of ours naming the key: our own
 * errors and bad arguments pass through; the caller's abort reason is
 * rethrown as it is.
 */
export function etcdError(
  error: unknown,
  subject: CallSubject,
  signal: AbortSignal | undefined,
): unknown {
  if (signal?.aborted && error === signal.reason) return error;
  if (
    error instanceof EtcdUnavailableError || error instanceof EtcdAuthError ||
    error instanceof EtcdRequestError || error instanceof EtcdClosedError ||
    error instanceof InvalidAPIParameters
  ) {
    return error;
  }
  const data: Record<string, unknown> = {
    key: subject.key,
    operation: subject.operation,
  };
  if (subject.user !== undefined) data.user = subject.user;
  const options: BackendAIErrorOptions = { data, cause: error };
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof CircuitOpenError) {
    return new EtcdUnavailableError(
      `Cannot ${subject.operation} "${subject.key}": etcd failed repeatedly and the client stopped trying for a while`,
      options,
    );
  }
  if (isUnavailable(error)) {
    return new EtcdUnavailableError(
      `Cannot ${subject.operation} "${subject.key}": etcd did not answer (${detail})`,
      options,
    );
  }
  if (isAuthFailure(error)) {
    return new EtcdAuthError(
      `Cannot ${subject.operation} "${subject.key}": etcd refused ${
        subject.user === undefined
          ? "the request without credentials"
          : `user "${subject.user}"`
      } (${detail})`,
      options,
    );
  }
  if (error instanceof Error && error.name === "ClientClosedError") {
    return new EtcdClosedError(
      `Cannot ${subject.operation} "${subject.key}": the etcd client is closed`,
      options,
    );
  }
  return new EtcdRequestError(
    `Cannot ${subject.operation} "${subject.key}": ${detail}`,
    options,
  );
}
