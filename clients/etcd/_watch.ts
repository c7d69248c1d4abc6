// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Internal: the watch behind the public EtcdWatch interface, on etcd3.

import { Buffer } from "node:buffer";
import type { Etcd3, IWatchResponse } from "etcd3";
import { AsyncFifo } from "../../_wait.ts";
import { errorText } from "../../_error_text.ts";
import { sleep } from "../../utils.ts";
import type { Logger } from "../../utils.ts";
import { isAuthFailure, isCompacted, isStaleToken } from "./_calls.ts";
import { EtcdAuthError, EtcdRequestError } from "./errors.ts";
import type { EtcdWatch, EtcdWatchEvent, EtcdWatchOptions } from "./watch.ts";

/** What a watch needs from its client (internal). */
export interface WatchContext {
  /**
   * Makes the etcd3 client the watch streams on: one per watch, so a stale
   * auth token (etcd forgets tokens when it restarts, and etcd3 renews them
   * only on unary calls) is cured by a fresh client without touching the
   * other watches.
   */
  readonly newClient: () => Etcd3;
  /** Where reconnects are logged. */
  readonly logger: Logger;
  /** The delay before re-creating a cancelled watch, by attempt from 1. */
  readonly reconnectMs: (attempt: number) => number;
  /** Called once when the watch ends. */
  readonly onEnd: (watch: WatchImpl) => void;
}

/** What is watched (internal). */
export interface WatchTarget {
  /** The mangled key or prefix. */
  readonly key: string;
  /** Whether it is a prefix. */
  readonly prefix: boolean;
  /** Which mangled keys belong (the boundary-safe prefix filter). */
  readonly accepts: (key: string) => boolean;
  /** The mangled scope prefix stripped from event keys. */
  readonly strip: string;
  /** The key in errors and logs. */
  readonly label: string;
}

/** The target of a watch of one key (mangled) in a scope (`strip`). */
export function keyTarget(full: string, strip: string): WatchTarget {
  return {
    key: full,
    prefix: false,
    accepts: (k) => k === full,
    strip,
    label: full,
  };
}

/**
 * The target of a boundary-safe prefix watch: the key itself and `key/...`,
 * everything when the prefix is empty or ends with `/`.
 */
export function prefixTarget(
  full: string,
  strip: string,
  open: boolean,
): WatchTarget {
  return {
    key: full,
    prefix: true,
    accepts: open ? () => true : (k) => k === full || k.startsWith(full + "/"),
    strip,
    label: full,
  };
}

type Item =
  | { readonly kind: "event"; readonly event: EtcdWatchEvent }
  | { readonly kind: "error"; readonly error: unknown };

const CANCEL_WAIT_MS = 1_000;

/** A running watch on its own etcd3 client. */
export class WatchImpl implements EtcdWatch {
  readonly #context: WatchContext;
  readonly #target: WatchTarget;
  readonly #options: EtcdWatchOptions;
  readonly #fifo: AsyncFifo<Item> = new AsyncFifo();
  readonly #stop: AbortController = new AbortController();
  readonly #ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (error: unknown) => void;
  #isReady = false;
  #nextRevision: number | undefined;
  #iterated = false;
  #client: Etcd3 | undefined;
  readonly #loop: Promise<void>;

  /**
   * Starts a watch; use `AsyncEtcd.watch()` or `watchPrefix()` instead.
   *
   * @param context The client's parts.
   * @param target What is watched.
   * @param options The watch options.
   */
  constructor(
    context: WatchContext,
    target: WatchTarget,
    options: EtcdWatchOptions,
  ) {
    this.#context = context;
    this.#target = target;
    this.#options = options;
    this.#nextRevision = options.startRevision;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => {});
    const signal = options.signal;
    if (signal?.aborted) {
      this.#stop.abort(signal.reason);
    } else {
      signal?.addEventListener("abort", () => this.#stop.abort(signal.reason), {
        once: true,
        signal: this.#stop.signal,
      });
    }
    this.#loop = this.#run();
  }

  /**
   * Resolves when etcd has confirmed the watch, so changes made afterwards
   * are seen; rejects if the watch ends before (closed, aborted, refused).
   *
   * @returns The promise.
   */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * The events, in revision order. May be iterated once.
   *
   * @returns The iterator.
   */
  async *[Symbol.asyncIterator](): AsyncIterator<EtcdWatchEvent> {
    if (this.#iterated) {
      throw new EtcdRequestError("An etcd watch can be iterated only once", {
        data: { key: this.#target.label, operation: "watch" },
      });
    }
    this.#iterated = true;
    try {
      while (true) {
        const item = await this.#fifo.shift(this.#stop.signal);
        if (item === undefined) return;
        if (item.kind === "error") throw item.error;
        yield item.event;
        if (this.#options.once) return;
      }
    } finally {
      await this.close();
    }
  }

  /**
   * Stops the watch; the iteration ends. Safe to call twice.
   *
   * @returns When the server-side watch is cancelled (or after 1 s).
   */
  async close(): Promise<void> {
    if (!this.#stop.signal.aborted) this.#stop.abort();
    this.#fifo.close();
    await this.#loop;
  }

  /**
   * Same as `close()`, for `await using`.
   *
   * @returns When stopped.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    let attempt = 0;
    try {
      while (!stop.aborted) {
        const outcome = await this.#watchOnce();
        if (outcome === "stopped") break;
        if (outcome instanceof Error && !this.#isRetryable(outcome)) {
          this.#fail(outcome);
          break;
        }
        attempt++;
        const delay = this.#context.reconnectMs(attempt);
        const level = attempt === 1 ? "warn" : "debug";
        this.#context.logger[level]("etcd watch cancelled, retrying", {
          key: this.#target.label,
          attempt,
          delayMs: delay,
          error: errorText(outcome),
        });
        if (isStaleToken(outcome)) {
          // A restarted etcd forgot the token: a fresh client logs in again.
          this.#client?.close();
          this.#client = undefined;
        }
        await sleep(delay, { signal: stop }).catch(() => {});
      }
    } finally {
      if (!this.#isReady) {
        this.#rejectReady(
          stop.reason ??
            new EtcdRequestError("The etcd watch ended before it started", {
              data: { key: this.#target.label, operation: "watch" },
            }),
        );
      }
      this.#fifo.close();
      this.#client?.close();
      this.#client = undefined;
      this.#context.onEnd(this);
    }
  }

  #isRetryable(error: Error): boolean {
    return !isAuthFailure(error) || isStaleToken(error);
  }

  #fail(error: Error): void {
    const wrapped = isAuthFailure(error)
      ? new EtcdAuthError(
        `Cannot watch "${this.#target.label}": etcd refused it (${error.message})`,
        {
          data: { key: this.#target.label, operation: "watch" },
          cause: error,
        },
      )
      : error;
    if (!this.#isReady) this.#rejectReady(wrapped);
    this.#fifo.push({ kind: "error", error: wrapped });
  }

  /** Runs one etcd3 watcher until it is cancelled by etcd or stopped by us. */
  async #watchOnce(): Promise<Error | "stopped"> {
    const stop = this.#stop.signal;
    this.#client ??= this.#context.newClient();
    const builder = this.#client.watch();
    const key = Buffer.from(this.#target.key);
    if (this.#target.prefix) builder.prefix(key);
    else builder.key(key);
    if (this.#nextRevision !== undefined) {
      builder.startRevision(String(this.#nextRevision));
    }
    const watcher = builder.watcher();
    let disconnects = 0;
    const attempt = new AbortController();
    const ended = new Promise<Error | "stopped">((resolve) => {
      watcher.on("error", (error: Error) => resolve(error));
      if (stop.aborted) resolve("stopped");
      stop.addEventListener("abort", () => resolve("stopped"), {
        once: true,
        signal: attempt.signal,
      });
    });
    watcher.on("connected", () => {
      if (disconnects > 0) {
        this.#context.logger.info("etcd watch reconnected", {
          key: this.#target.label,
          retries: disconnects,
        });
        disconnects = 0;
      }
      if (!this.#isReady) {
        this.#isReady = true;
        this.#resolveReady();
      }
    });
    watcher.on("disconnected", (error: unknown) => {
      disconnects++;
      const level = disconnects === 1 ? "warn" : "debug";
      this.#context.logger[level]("etcd watch disconnected, reconnecting", {
        key: this.#target.label,
        attempt: disconnects,
        error: errorText(error),
      });
    });
    watcher.on("data", (response: IWatchResponse) => this.#onData(response));
    const outcome = await ended;
    attempt.abort();
    if (outcome !== "stopped" && isCompacted(outcome)) {
      const revision = Number(
        (outcome as { compactRevision?: unknown }).compactRevision ?? 0,
      );
      this.#nextRevision = undefined;
      if (this.#options.onHistoryLost !== undefined) {
        try {
          this.#options.onHistoryLost(revision);
        } catch (error) {
          this.#context.logger.error("etcd watch onHistoryLost failed", {
            key: this.#target.label,
            error: errorText(error),
          });
        }
      } else {
        this.#context.logger.warn(
          "etcd compacted the history this watch needed; changes may have been missed",
          { key: this.#target.label },
        );
      }
    } else if (watcher.lastRevision() !== undefined) {
      this.#nextRevision = Number(watcher.lastRevision());
    }
    const timer = new AbortController();
    await Promise.race([
      watcher.cancel().catch(() => {}),
      sleep(CANCEL_WAIT_MS, { signal: timer.signal }).catch(() => {}),
    ]);
    timer.abort();
    return outcome;
  }

  #onData(response: IWatchResponse): void {
    for (const change of response.events ?? []) {
      const raw = change.kv.key.toString("utf8");
      if (!this.#target.accepts(raw)) continue;
      const key = raw.startsWith(this.#target.strip)
        ? raw.slice(this.#target.strip.length)
        : raw;
      const revision = Number(change.kv.mod_revision);
      this.#nextRevision = revision + 1;
      this.#fifo.push({
        kind: "event",
        event: change.type === "Delete"
          ? { key, event: "delete", value: "", revision }
          : {
            key,
            event: "put",
            value: change.kv.value.toString("utf8"),
            revision,
          },
      });
    }
  }
}
