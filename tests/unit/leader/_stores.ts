// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Test helpers: a LeaderStore wrapper whose calls can be made to fail or
// hang, and a logger that keeps records.

import type {
  ClaimResult,
  LeaderStore,
  LeaderStoreCallOptions,
  LeaseResult,
} from "../../../leader/mod.ts";
import type { Logger } from "../../../utils.ts";

/** How a {@linkcode FaultyStore} answers. */
export type Mode = "ok" | "fail" | "hang";

/** A store whose acquire, renew and claim calls fail or hang on demand. */
export class FaultyStore implements LeaderStore {
  mode: Mode = "ok";
  watchMode: Mode = "ok";
  calls = 0;
  readonly #inner: LeaderStore;

  constructor(inner: LeaderStore) {
    this.#inner = inner;
  }

  #gate<T>(
    call: () => Promise<T>,
    options: LeaderStoreCallOptions | undefined,
  ): Promise<T> {
    this.calls++;
    if (this.mode === "fail") {
      return Promise.reject(new Error("connection refused"));
    }
    if (this.mode === "hang") {
      const signal = options?.signal;
      return new Promise<T>((_, reject) =>
        signal?.addEventListener("abort", () => reject(signal.reason), {
          once: true,
        })
      );
    }
    return call();
  }

  acquireOrRenew(
    key: string,
    serverId: string,
    ttlMs: number,
    options?: LeaderStoreCallOptions,
  ): Promise<LeaseResult> {
    return this.#gate(
      () => this.#inner.acquireOrRenew(key, serverId, ttlMs, options),
      options,
    );
  }

  release(
    key: string,
    serverId: string,
    options?: LeaderStoreCallOptions,
  ): Promise<boolean> {
    return this.#gate(
      () => this.#inner.release(key, serverId, options),
      options,
    );
  }

  claimTick(
    key: string,
    serverId: string,
    intervalMs: number,
    options?: LeaderStoreCallOptions,
  ): Promise<ClaimResult> {
    return this.#gate(
      () => this.#inner.claimTick(key, serverId, intervalMs, options),
      options,
    );
  }

  watchReleases(
    key: string,
    listener: () => void,
  ): Promise<() => Promise<void>> {
    if (this.watchMode === "fail") {
      return Promise.reject(new Error("subscriber refused"));
    }
    if (this.watchMode === "hang") return new Promise(() => {});
    return this.#inner.watchReleases(key, listener);
  }
}

/** One log record. */
export interface LogRecord {
  level: string;
  message: string;
  fields: { [key: string]: unknown } | undefined;
}

/** A logger that keeps its records. */
export function recorder(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const log = (level: string) => (message: string, fields?: object) =>
    void records.push({
      level,
      message,
      fields: fields as LogRecord["fields"],
    });
  return {
    records,
    logger: {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
    },
  };
}
