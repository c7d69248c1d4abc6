// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Memory figures of the load tests: the resident set and the V8 heap, after
 * a full garbage collection when the runtime lets the test ask for one.
 *
 * @module
 */

import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";

/** One reading, in bytes. */
export interface MemoryReading {
  /** Resident set size. */
  rss: number;
  /** V8 heap in use. */
  heapUsed: number;
  /** Whether a full garbage collection ran just before. */
  collected: boolean;
}

let collector: (() => void) | undefined | null;

/**
 * Runs a full garbage collection: `Bun.gc(true)` under Bun; elsewhere
 * `--expose-gc` is set at run time and `gc` taken from a fresh context
 * (Deno and Node allow it). Returns false when the runtime does not (then
 * readings include garbage).
 *
 * @returns Whether a collection ran.
 */
export function collectGarbage(): boolean {
  const bun = (globalThis as { Bun?: { gc?: (sync: boolean) => void } }).Bun;
  if (collector === undefined && typeof bun?.gc === "function") {
    const gc = bun.gc;
    collector = () => gc(true);
  }
  if (collector === undefined) {
    try {
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as unknown;
      collector = typeof gc === "function" ? gc as () => void : null;
    } catch {
      collector = null;
    }
  }
  if (collector === null) return false;
  collector();
  collector();
  return true;
}

/**
 * Reads the memory, after a garbage collection when `collect` is true.
 *
 * @param collect Collect garbage first.
 * @returns The reading.
 */
export function readMemory(collect: boolean): MemoryReading {
  const collected = collect && collectGarbage();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed, collected };
}

/**
 * Bytes as MiB with one decimal, for logs.
 *
 * @param bytes The bytes.
 * @returns E.g. `12.3 MiB`.
 */
export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
