// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Process metrics that read the same under Deno, Node and Bun, sampled at
 * each scrape: upstream's `SystemMetricObserver` gauges and the standard
 * `process_*` metrics of the Prometheus client libraries, from
 * `process.cpuUsage()`, `process.memoryUsage()` and, on Linux, `/proc`.
 *
 * @module
 */

import process from "node:process";
import { readdirSync, readFileSync } from "node:fs";
import type { Registry } from "prom-client";
import { CounterFamily, GaugeFamily } from "./_cells.ts";

/** Options of {@linkcode SystemMetricObserver}. */
export interface SystemMetricOptions {
  /**
   * Also export the standard `process_*` metrics (CPU seconds, resident
   * and virtual memory, heap, open and maximum file descriptors, start
   * time). Leave it off when the registry has prom-client's
   * `collectDefaultMetrics()`, whose names are the same.
   *
   * @default {true}
   */
  processMetrics?: boolean | undefined;
  /**
   * What `backendai_async_task_count` reports (upstream counts asyncio
   * tasks; a JavaScript runtime has no such count, so the gauge is only
   * exported when this is given, e.g. the requests in flight).
   *
   * @default {undefined}
   */
  asyncTaskCount?: (() => number) | undefined;
}

/** The `Vm*` fields of `/proc/self/status`, in bytes, on Linux. */
function procStatus(): { vms?: number; rss?: number } {
  try {
    const text = readFileSync("/proc/self/status", "utf8");
    const kb = (field: string) => {
      const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
      return match === null ? undefined : Number(match[1]) * 1024;
    };
    const out: { vms?: number; rss?: number } = {};
    const vms = kb("VmSize");
    const rss = kb("VmRSS");
    if (vms !== undefined) out.vms = vms;
    if (rss !== undefined) out.rss = rss;
    return out;
  } catch {
    return {};
  }
}

function openFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

function maxFds(): number | undefined {
  try {
    const text = readFileSync("/proc/self/limits", "utf8");
    const match = /^Max open files\s+(\d+)/m.exec(text);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * Process metrics: upstream's `backendai_cpu_usage_percent` (CPU time
 * over wall time since the previous scrape, 100 per busy core),
 * `backendai_memory_used_rss` and `backendai_memory_used_vms` (bytes), and
 * the standard `process_*` ones. Nothing is sampled until a scrape.
 *
 * @example Usage
 * ```ts
 * import { MetricRegistry } from "@backendai/common/metrics";
 * import assert from "node:assert/strict";
 *
 * const text = await new MetricRegistry().toPrometheus();
 * assert.match(text, /^backendai_memory_used_rss \d+/m);
 * assert.match(text, /^process_cpu_seconds_total [\d.e-]+/m);
 * ```
 */
export class SystemMetricObserver {
  #lastCpuMicros: number;
  #lastWallMs: number;
  readonly #startTime: number;

  /**
   * Registers the metrics.
   *
   * @param registry Where they are registered.
   * @param options Which metrics.
   */
  constructor(registry: Registry, options: SystemMetricOptions = {}) {
    const usage = process.cpuUsage();
    this.#lastCpuMicros = usage.user + usage.system;
    this.#lastWallMs = performance.now();
    this.#startTime = Math.round(
      (Date.now() - process.uptime() * 1000) / 1000,
    );
    const gauge = (
      name: string,
      help: string,
      sample: () => number | undefined,
    ) =>
      new GaugeFamily(registry, { name, help }, (cell) => {
        const value = sample();
        if (value !== undefined) cell().value = value;
      });
    const counter = (name: string, help: string, sample: () => number) =>
      new CounterFamily(registry, { name, help }, (cell) => {
        cell().value = sample();
      });
    const { asyncTaskCount } = options;
    if (asyncTaskCount !== undefined) {
      gauge(
        "backendai_async_task_count",
        "Number of active async tasks",
        asyncTaskCount,
      );
    }
    gauge(
      "backendai_cpu_usage_percent",
      "CPU usage of the process",
      () => this.#cpuPercent(),
    );
    gauge(
      "backendai_memory_used_rss",
      "Memory used by the process in RSS",
      () => process.memoryUsage().rss,
    );
    gauge(
      "backendai_memory_used_vms",
      "Memory used by the process in VMS",
      () => procStatus().vms,
    );
    if (options.processMetrics ?? true) {
      counter(
        "process_cpu_user_seconds_total",
        "Total user CPU time spent in seconds.",
        () => process.cpuUsage().user / 1e6,
      );
      counter(
        "process_cpu_system_seconds_total",
        "Total system CPU time spent in seconds.",
        () => process.cpuUsage().system / 1e6,
      );
      counter(
        "process_cpu_seconds_total",
        "Total user and system CPU time spent in seconds.",
        () => {
          const { user, system } = process.cpuUsage();
          return (user + system) / 1e6;
        },
      );
      gauge(
        "process_start_time_seconds",
        "Start time of the process since unix epoch in seconds.",
        () => this.#startTime,
      );
      gauge(
        "process_resident_memory_bytes",
        "Resident memory size in bytes.",
        () => process.memoryUsage().rss,
      );
      gauge(
        "process_virtual_memory_bytes",
        "Virtual memory size in bytes.",
        () => procStatus().vms,
      );
      gauge(
        "process_heap_bytes",
        "Process heap size in bytes.",
        () => process.memoryUsage().heapTotal,
      );
      gauge(
        "process_open_fds",
        "Number of open file descriptors.",
        openFds,
      );
      gauge(
        "process_max_fds",
        "Maximum number of open file descriptors.",
        maxFds,
      );
    }
  }

  /** CPU time over wall time since the previous sample, in percent. */
  #cpuPercent(): number {
    const usage = process.cpuUsage();
    const cpu = usage.user + usage.system;
    const wall = performance.now();
    const elapsedMicros = (wall - this.#lastWallMs) * 1000;
    const percent = elapsedMicros > 0
      ? ((cpu - this.#lastCpuMicros) / elapsedMicros) * 100
      : 0;
    this.#lastCpuMicros = cpu;
    this.#lastWallMs = wall;
    return Math.max(0, percent);
  }
}
