// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode HealthProbe}: runs the registered checkers periodically and
 * answers liveness, readiness and the detail view from their latest
 * results (upstream's `health_checker/probe.py`).
 *
 * @module
 */

import { HealthCheckerAlreadyRegistered } from "../exception.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { errorText } from "../_error_text.ts";
import { invalidOption } from "../_options.ts";
import { raceSignal } from "../_wait.ts";
import {
  type ComponentConnectivityJSON,
  type ConnectivityCheckJSON,
  ProbeKind,
  type ServiceHealth,
  type ServiceHealthChecker,
} from "./types.ts";

/** Options of {@linkcode HealthProbe}. */
export interface HealthProbeOptions {
  /**
   * How long the loop waits after a round of checks, in ms.
   *
   * @default {60000}
   */
  checkIntervalMs?: number | undefined;
  /**
   * Where failed and timed-out checks are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/**
 * Runs health checkers, each registered for one probe kind, and keeps the
 * latest result per service group. `start()` checks at once, then every
 * `checkIntervalMs` after a round ends; `checkAll()` runs a round now. The
 * views: liveness (liveness checkers only), readiness (liveness and
 * readiness checkers) and connectivity (all, informational included). A
 * group whose checker threw or timed out keeps its previous result (none
 * until one succeeds), as upstream.
 *
 * @example Usage
 * ```ts
 * import { HealthProbe } from "@backendai/common/health";
 * import assert from "node:assert/strict";
 *
 * await using probe = new HealthProbe();
 * probe.register("readiness", {
 *   serviceGroup: "database",
 *   timeoutMs: 1000,
 *   check: async () => new Map([["postgres", { isHealthy: false, lastCheckedAt: new Date(), errorMessage: "connection refused" }]]),
 * });
 * await probe.checkAll();
 * assert.equal(probe.livenessStatus().overall_healthy, true);
 * assert.equal(probe.readinessStatus().overall_healthy, false);
 * assert.equal(probe.readinessStatus().connectivity_checks[0]?.error_message, "connection refused");
 * ```
 */
export class HealthProbe {
  readonly #kinds = new Map<ServiceHealthChecker, ProbeKind>();
  readonly #results = new Map<string, ServiceHealth>();
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #stop: AbortController | undefined;
  #loop: Promise<void> | undefined;

  /**
   * Makes a probe.
   *
   * @param options The interval and the logger.
   */
  constructor(options: HealthProbeOptions = {}) {
    this.#intervalMs = options.checkIntervalMs ?? 60_000;
    if (!(this.#intervalMs > 0)) {
      invalidOption(
        "health probe",
        "checkIntervalMs",
        this.#intervalMs,
        "must be over 0",
      );
    }
    this.#logger = options.logger ?? consoleLogger;
  }

  /**
   * Registers a checker for a probe kind.
   *
   * @param kind Which probe it gates.
   * @param checker The checker.
   * @throws {HealthCheckerAlreadyRegistered} When it, or another checker of
   * its service group, is registered.
   */
  register(kind: ProbeKind, checker: ServiceHealthChecker): void {
    for (const existing of this.#kinds.keys()) {
      if (existing.serviceGroup === checker.serviceGroup) {
        throw new HealthCheckerAlreadyRegistered(
          existing === checker
            ? `Health checker already registered for ${checker.serviceGroup}`
            : `A different checker is already registered for ${checker.serviceGroup}`,
          { data: { serviceGroup: checker.serviceGroup, kind } },
        );
      }
    }
    this.#kinds.set(checker, kind);
  }

  /**
   * Runs every checker once (together) and keeps their results.
   *
   * @param signal Stops the round.
   * @returns The groups that answered, and their components.
   */
  async checkAll(signal?: AbortSignal): Promise<Map<string, ServiceHealth>> {
    const checkers = [...this.#kinds.keys()];
    const outcomes = await Promise.all(
      checkers.map((checker) => this.#checkOne(checker, signal)),
    );
    const results = new Map<string, ServiceHealth>();
    checkers.forEach((checker, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) return;
      results.set(checker.serviceGroup, outcome);
      this.#results.set(checker.serviceGroup, outcome);
    });
    return results;
  }

  async #checkOne(
    checker: ServiceHealthChecker,
    outer: AbortSignal | undefined,
  ): Promise<ServiceHealth | undefined> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new DOMException(
            `Health check timed out after ${checker.timeoutMs} ms`,
            "TimeoutError",
          ),
        ),
      checker.timeoutMs,
    );
    const signal = outer === undefined
      ? timeout.signal
      : AbortSignal.any([outer, timeout.signal]);
    try {
      return await raceSignal(checker.check(signal), signal);
    } catch (error) {
      if (timeout.signal.aborted) {
        this.#logger.warn("health: a check timed out", {
          serviceGroup: checker.serviceGroup,
          timeoutMs: checker.timeoutMs,
        });
      } else if (!outer?.aborted) {
        this.#logger.error("health: a check failed", {
          serviceGroup: checker.serviceGroup,
          error: errorText(error),
        });
      }
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Starts the periodic checks (a probe already started is left as it is). */
  start(): void {
    if (this.#loop !== undefined) return;
    const stop = new AbortController();
    this.#stop = stop;
    this.#loop = (async () => {
      while (!stop.signal.aborted) {
        try {
          await this.checkAll(stop.signal);
        } catch (error) {
          this.#logger.error("health: a round of checks failed", {
            error: errorText(error),
          });
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, this.#intervalMs);
          function done() {
            clearTimeout(timer);
            stop.signal.removeEventListener("abort", done);
            resolve();
          }
          stop.signal.addEventListener("abort", done, { once: true });
        });
      }
    })();
  }

  /** Stops the periodic checks and waits for a round under way to end. */
  async close(): Promise<void> {
    this.#stop?.abort();
    await this.#loop;
    this.#loop = undefined;
    this.#stop = undefined;
  }

  /** Same as {@linkcode HealthProbe.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The liveness view: liveness checkers only.
   *
   * @returns Upstream's `ConnectivityCheckResponse`.
   */
  livenessStatus(): ConnectivityCheckJSON {
    return this.#view([ProbeKind.LIVENESS]);
  }

  /**
   * The readiness view: liveness and readiness checkers.
   *
   * @returns Upstream's `ConnectivityCheckResponse`.
   */
  readinessStatus(): ConnectivityCheckJSON {
    return this.#view([ProbeKind.LIVENESS, ProbeKind.READINESS]);
  }

  /**
   * The detail view: every checker, informational ones included.
   *
   * @returns Upstream's `ConnectivityCheckResponse`.
   */
  connectivityStatus(): ConnectivityCheckJSON {
    return this.#view([
      ProbeKind.LIVENESS,
      ProbeKind.READINESS,
      ProbeKind.INFORMATIONAL,
    ]);
  }

  #view(kinds: readonly ProbeKind[]): ConnectivityCheckJSON {
    const checks: ComponentConnectivityJSON[] = [];
    for (const [checker, kind] of this.#kinds) {
      if (!kinds.includes(kind)) continue;
      const result = this.#results.get(checker.serviceGroup);
      if (result === undefined) continue;
      for (const [componentId, status] of result) {
        checks.push({
          service_group: checker.serviceGroup,
          component_id: componentId,
          is_healthy: status.isHealthy,
          last_checked_at: status.lastCheckedAt.toISOString(),
          error_message: status.errorMessage ?? null,
        });
      }
    }
    return {
      overall_healthy: checks.every((check) => check.is_healthy),
      connectivity_checks: checks,
      timestamp: new Date().toISOString(),
    };
  }
}
