// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Upstream's built-in checkers (`health_checker/checkers/`): Valkey (any
 * client with `ping()`, such as the ioredis clients of `clients/valkey`),
 * etcd (a client with `ping()`, or its HTTP `/health` endpoint), an HTTP
 * endpoint, and the metrics registry.
 *
 * @module
 */

import { errorText } from "../_error_text.ts";
import { raceSignal } from "../_wait.ts";
import {
  type ComponentHealthStatus,
  ComponentId,
  ServiceGroup,
  type ServiceHealth,
  type ServiceHealthChecker,
} from "./types.ts";

/** Anything with `ping()`: an ioredis client, an etcd client. */
export interface Pingable {
  /**
   * Asks the server to answer.
   *
   * @returns Anything; a rejection means unhealthy.
   */
  ping(): Promise<unknown>;
}

function healthy(at: Date): ComponentHealthStatus {
  return { isHealthy: true, lastCheckedAt: at, errorMessage: undefined };
}

function unhealthy(at: Date, message: string): ComponentHealthStatus {
  return { isHealthy: false, lastCheckedAt: at, errorMessage: message };
}

/**
 * Runs `work` with a signal that also aborts after `ms`; resolves with its
 * result, or rejects with a `TimeoutError` when the time runs out first.
 */
async function within<T>(
  work: (signal: AbortSignal) => Promise<T>,
  ms: number,
  signal: AbortSignal,
): Promise<T> {
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new DOMException("Timed out", "TimeoutError")),
    ms,
  );
  const both = AbortSignal.any([signal, timeout.signal]);
  try {
    return await raceSignal(work(both), both);
  } finally {
    clearTimeout(timer);
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** Options of {@linkcode ValkeyHealthChecker}. */
export interface ValkeyHealthCheckerOptions {
  /** The clients to ping, by component id (`stream`, `bgtask`, `live`, …). */
  clients: Readonly<Record<string, Pingable>>;
  /**
   * How long the whole check may take, in ms.
   *
   * @default {5000}
   */
  timeoutMs?: number | undefined;
  /**
   * How long one ping may take, in ms (keep it under `timeoutMs`).
   *
   * @default {2000}
   */
  componentTimeoutMs?: number | undefined;
}

/**
 * Pings each Valkey/Redis client at once (service group `redis`); a client
 * that does not answer within the component timeout is unhealthy.
 *
 * @example Usage
 * ```ts
 * import { ValkeyHealthChecker } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * const checker = new ValkeyHealthChecker({
 *   clients: { stream: { ping: async () => "PONG" }, live: { ping: () => Promise.reject(new Error("ECONNREFUSED")) } },
 * });
 * const result = await checker.check(new AbortController().signal);
 * assert.equal(result.get("stream")?.isHealthy, true);
 * assert.equal(result.get("live")?.errorMessage, "Error: ECONNREFUSED");
 * ```
 */
export class ValkeyHealthChecker implements ServiceHealthChecker {
  /** `redis`. */
  readonly serviceGroup: string = ServiceGroup.REDIS;
  /** How long the whole check may take, in ms. */
  readonly timeoutMs: number;
  readonly #clients: Readonly<Record<string, Pingable>>;
  readonly #componentTimeoutMs: number;

  /**
   * Makes the checker.
   *
   * @param options The clients and timeouts.
   */
  constructor(options: ValkeyHealthCheckerOptions) {
    this.#clients = options.clients;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.#componentTimeoutMs = options.componentTimeoutMs ?? 2000;
  }

  /**
   * Pings every client.
   *
   * @param signal Stops the check.
   * @returns Each component's status.
   */
  async check(signal: AbortSignal): Promise<ServiceHealth> {
    const at = new Date();
    const entries = await Promise.all(
      Object.entries(this.#clients).map(async ([id, client]) => {
        try {
          await within(() => client.ping(), this.#componentTimeoutMs, signal);
          return [id, healthy(at)] as const;
        } catch (error) {
          return [
            id,
            unhealthy(
              at,
              isTimeout(error)
                ? `Component timeout after ${this.#componentTimeoutMs / 1000}s`
                : errorText(error),
            ),
          ] as const;
        }
      }),
    );
    return new Map(entries);
  }
}

/** Options of {@linkcode EtcdHealthChecker}. */
export interface EtcdHealthCheckerOptions {
  /**
   * How long the check may take, in ms.
   *
   * @default {5000}
   */
  timeoutMs?: number | undefined;
  /**
   * What fetches the `/health` endpoint (for an URL target).
   *
   * @default {globalThis.fetch}
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
}

/**
 * Checks etcd (service group `etcd`, component `etcd`): through a client's
 * `ping()` (upstream pings its `AsyncEtcd`; any etcd client with a `ping()`
 * fits), or, given the client URL of an etcd member, through etcd's own
 * `GET /health` (`{"health":"true"}`), which needs no client at all.
 *
 * @example Usage
 * ```ts
 * import { EtcdHealthChecker } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * const checker = new EtcdHealthChecker("http://127.0.0.1:2379", {
 *   fetch: async () => Response.json({ health: "false", reason: "NOSPACE" }),
 * });
 * const result = await checker.check(new AbortController().signal);
 * assert.equal(result.get("etcd")?.isHealthy, false);
 * ```
 */
export class EtcdHealthChecker implements ServiceHealthChecker {
  /** `etcd`. */
  readonly serviceGroup: string = ServiceGroup.ETCD;
  /** How long the check may take, in ms. */
  readonly timeoutMs: number;
  readonly #target: Pingable | string;
  readonly #fetch: (request: Request) => Promise<Response>;

  /**
   * Makes the checker.
   *
   * @param target A client with `ping()`, or an etcd client URL.
   * @param options The timeout and the fetch.
   */
  constructor(
    target: Pingable | string,
    options: EtcdHealthCheckerOptions = {},
  ) {
    this.#target = target;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.#fetch = options.fetch ?? ((request) => fetch(request));
  }

  /**
   * Pings etcd.
   *
   * @param signal Stops the check.
   * @returns The status of `etcd`.
   */
  async check(signal: AbortSignal): Promise<ServiceHealth> {
    const at = new Date();
    let status: ComponentHealthStatus;
    try {
      if (typeof this.#target === "string") {
        const url = new URL("/health", this.#target);
        const response = await this.#fetch(new Request(url, { signal }));
        const body = await response.json() as {
          health?: unknown;
          reason?: unknown;
        };
        status = response.ok && body.health === "true"
          ? healthy(at)
          : unhealthy(
            at,
            `etcd reports unhealthy (HTTP ${response.status}${
              typeof body.reason === "string" && body.reason !== ""
                ? `: ${body.reason}`
                : ""
            })`,
          );
      } else {
        await raceSignal(this.#target.ping(), signal);
        status = healthy(at);
      }
    } catch (error) {
      status = unhealthy(at, errorText(error));
    }
    return new Map([[ComponentId.ETCD, status]]);
  }
}

/** Options of {@linkcode HttpHealthChecker}. */
export interface HttpHealthCheckerOptions {
  /** The URL to request. */
  url: string;
  /** The component id it reports as. */
  componentId: string;
  /**
   * The service group it reports as.
   *
   * @default {"api"}
   */
  serviceGroup?: string | undefined;
  /**
   * The method.
   *
   * @default {"GET"}
   */
  method?: string | undefined;
  /**
   * The statuses that mean healthy.
   *
   * @default {[200]}
   */
  expectedStatusCodes?: readonly number[] | undefined;
  /**
   * How long the request may take, in ms.
   *
   * @default {5000}
   */
  timeoutMs?: number | undefined;
  /**
   * What sends the request.
   *
   * @default {globalThis.fetch}
   */
  fetch?: ((request: Request) => Promise<Response>) | undefined;
}

/**
 * Requests an HTTP endpoint; healthy when it answers with an expected
 * status (upstream's `HttpHealthChecker`, with its messages).
 *
 * @example Usage
 * ```ts
 * import { HttpHealthChecker } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * const checker = new HttpHealthChecker({
 *   url: "http://storage-proxy:6022/health", componentId: "storage-proxy",
 *   fetch: async () => new Response(null, { status: 503 }),
 * });
 * const result = await checker.check(new AbortController().signal);
 * assert.equal(
 *   result.get("storage-proxy")?.errorMessage,
 *   "HTTP GET http://storage-proxy:6022/health returned status 503, expected one of [200]",
 * );
 * ```
 */
export class HttpHealthChecker implements ServiceHealthChecker {
  /** The service group (`api` by default). */
  readonly serviceGroup: string;
  /** How long the request may take, in ms. */
  readonly timeoutMs: number;
  readonly #url: string;
  readonly #componentId: string;
  readonly #method: string;
  readonly #expected: readonly number[];
  readonly #fetch: (request: Request) => Promise<Response>;

  /**
   * Makes the checker.
   *
   * @param options The URL, component, method, statuses and timeout.
   */
  constructor(options: HttpHealthCheckerOptions) {
    this.#url = options.url;
    this.#componentId = options.componentId;
    this.serviceGroup = options.serviceGroup ?? ServiceGroup.API;
    this.#method = (options.method ?? "GET").toUpperCase();
    this.#expected = options.expectedStatusCodes ?? [200];
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.#fetch = options.fetch ?? ((request) => fetch(request));
  }

  /**
   * Requests the endpoint.
   *
   * @param signal Stops the request.
   * @returns The status of the component.
   */
  async check(signal: AbortSignal): Promise<ServiceHealth> {
    const at = new Date();
    const what = `${this.#method} ${this.#url}`;
    let status: ComponentHealthStatus;
    try {
      const response = await within(
        (both) =>
          this.#fetch(
            new Request(this.#url, { method: this.#method, signal: both }),
          ),
        this.timeoutMs,
        signal,
      );
      await response.body?.cancel();
      status = this.#expected.includes(response.status)
        ? healthy(at)
        : unhealthy(
          at,
          `HTTP ${what} returned status ${response.status}, expected one of [${
            [...this.#expected].sort((a, b) => a - b).join(", ")
          }]`,
        );
    } catch (error) {
      status = unhealthy(
        at,
        isTimeout(error)
          ? `HTTP health check timed out after ${
            this.timeoutMs / 1000
          }s: ${what}`
          : `HTTP health check failed for ${what}: ${errorText(error)}`,
      );
    }
    return new Map([[this.#componentId, status]]);
  }
}

/** What {@linkcode PrometheusHealthChecker} renders: `MetricRegistry` fits. */
export interface MetricsSource {
  /**
   * Renders the metrics.
   *
   * @returns The exposition.
   */
  toPrometheus(): Promise<string>;
}

/**
 * Checks the metrics subsystem (service group `prometheus`, component
 * `metrics`): healthy while the registry renders. Upstream's checker
 * reports its metric circuit breaker (tripped by a broken multiprocess
 * mmap); here a collector that throws is what breaks a scrape.
 *
 * @example Usage
 * ```ts
 * import { PrometheusHealthChecker } from "@backendai/common/health";
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const checker = new PrometheusHealthChecker(new MetricRegistry());
 * const result = await checker.check(new AbortController().signal);
 * assert.equal(result.get("metrics")?.isHealthy, true);
 * ```
 */
export class PrometheusHealthChecker implements ServiceHealthChecker {
  /** `prometheus`. */
  readonly serviceGroup: string = ServiceGroup.PROMETHEUS;
  /** How long a render may take, in ms. */
  readonly timeoutMs: number;
  readonly #metrics: MetricsSource;

  /**
   * Makes the checker.
   *
   * @param metrics The registry.
   * @param timeoutMs How long a render may take, in ms (default 1000).
   */
  constructor(metrics: MetricsSource, timeoutMs: number = 1000) {
    this.#metrics = metrics;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Renders the metrics.
   *
   * @param signal Stops the check.
   * @returns The status of `metrics`.
   */
  async check(signal: AbortSignal): Promise<ServiceHealth> {
    const at = new Date();
    try {
      await raceSignal(this.#metrics.toPrometheus(), signal);
      return new Map([[ComponentId.PROMETHEUS_METRICS, healthy(at)]]);
    } catch (error) {
      return new Map([[
        ComponentId.PROMETHEUS_METRICS,
        unhealthy(at, errorText(error)),
      ]]);
    }
  }
}
