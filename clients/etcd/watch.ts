// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Watches: {@linkcode EtcdWatch}, an async iterable of
 * {@linkcode EtcdWatchEvent}s that survives etcd restarts.
 *
 * @module
 */

/** One change seen by a watch (upstream's `Event(key, event, value)`). */
export interface EtcdWatchEvent {
  /**
   * The key relative to the scope prefix, still quoted as stored (upstream
   * does not unquote watch keys).
   */
  readonly key: string;
  /** `"put"` or `"delete"`. */
  readonly event: "put" | "delete";
  /** The new value; `""` for a delete. */
  readonly value: string;
  /** The etcd revision of the change. */
  readonly revision: number;
}

/** Options of `AsyncEtcd.watch()` and `AsyncEtcd.watchPrefix()`. */
export interface EtcdWatchOptions {
  /**
   * The scope watched.
   *
   * @default {"global"}
   */
  scope?: "global" | "sgroup" | "node" | undefined;
  /**
   * Ends the watch after its first event.
   *
   * @default {false}
   */
  once?: boolean | undefined;
  /**
   * Ends the watch (the iteration finishes quietly).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Replays history from this revision (inclusive) before live changes;
   * e.g. a prefix read's revision + 1, so nothing between the read and the
   * watch is missed.
   *
   * @default {undefined (changes from now on)}
   */
  startRevision?: number | undefined;
  /**
   * Called when the watch had to start over at the current revision
   * because etcd compacted the history it needed: changes in between are
   * lost; re-read the prefix. Without it a warning is logged.
   *
   * @default {undefined}
   */
  onHistoryLost?: ((revision: number) => void) | undefined;
}

/**
 * A running watch. It starts when made: changes are buffered until read.
 * Iterate it (once) for the events; it ends after the first event with
 * `once`, on `close()`, or when the signal aborts. etcd restarts are
 * survived: the stream reconnects with upstream's capped exponential
 * backoff (0.5 s doubling to 30 s, a warning on the first failure, debug
 * logs after) and resumes after the last revision seen, so no change is
 * missed unless etcd compacted it away. A refused permission ends the
 * iteration with an `EtcdAuthError`.
 *
 * @example Watch one key until a value comes
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 *
 * await using etcd = new AsyncEtcd({ addrs: "127.0.0.1:2379", namespace: "local" });
 * await using watch = etcd.watch("config/flag", { once: true });
 * await watch.ready;
 * await etcd.put("config/flag", "on");
 * for await (const event of watch) console.log(event.event, event.value); // put on
 * ```
 */
export interface EtcdWatch
  extends AsyncIterable<EtcdWatchEvent>, AsyncDisposable {
  /**
   * Resolves when etcd has confirmed the watch, so changes made afterwards
   * are seen; rejects if the watch ends before (closed, aborted, refused).
   */
  readonly ready: Promise<void>;
  /**
   * Stops the watch; the iteration ends. Safe to call twice.
   *
   * @returns When the server-side watch is cancelled (or after 1 s).
   */
  close(): Promise<void>;
}
