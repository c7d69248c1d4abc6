// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode EtcdConfigWatcher}: etcd configuration changes as typed events
 * (upstream `EtcdConfigWatcher`).
 *
 * @module
 */

import type { AsyncEtcd, EtcdWatchOptions } from "../clients/etcd/mod.ts";
import { unquote } from "../utils.ts";

/** One change under the watched prefix. */
export interface ConfigChangeEvent {
  /** `"put"` or `"delete"`. */
  readonly type: "put" | "delete";
  /** The key relative to the scope prefix, still quoted (upstream's `Event.key`). */
  readonly key: string;
  /**
   * The key path under the watched prefix, each part unquoted, as
   * `getPrefix` would nest it (`[]` for the prefix's own value).
   */
  readonly path: readonly string[];
  /** The new value; `""` for a delete. */
  readonly value: string;
  /** The etcd revision of the change. */
  readonly revision: number;
}

/** Options of {@linkcode EtcdConfigWatcher.watch}. */
export interface ConfigWatchOptions {
  /**
   * Ends the iteration.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Called when changes may have been missed (etcd compacted the history a
   * reconnecting watch needed): reload the whole configuration.
   *
   * @default {undefined}
   */
  onHistoryLost?: EtcdWatchOptions["onHistoryLost"];
  /**
   * Replays changes from this etcd revision on (e.g. the revision of the
   * read the configuration was loaded from, + 1), so none is missed.
   *
   * @default {undefined (changes from now on)}
   */
  startRevision?: number | undefined;
}

/**
 * Watches a configuration prefix (default upstream's `ai/backend/config`)
 * and yields each put and delete as a {@linkcode ConfigChangeEvent}, with
 * the path already split and unquoted. Restarts of etcd are survived (the
 * client's watch resumes after the last revision seen).
 *
 * @example React to changes
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 * import { EtcdConfigWatcher } from "@backendai/common/configs";
 *
 * await using etcd = new AsyncEtcd({ addrs: "127.0.0.1:2379", namespace: "local" });
 * const controller = new AbortController();
 * for await (const change of new EtcdConfigWatcher(etcd).watch({ signal: controller.signal })) {
 *   console.log(change.type, change.path.join("."), change.value);
 * }
 * ```
 */
export class EtcdConfigWatcher {
  readonly #etcd: AsyncEtcd;
  readonly #prefix: string;

  /**
   * Makes the watcher.
   *
   * @param etcd The client.
   * @param prefix The prefix, quoted by the caller as needed.
   */
  constructor(etcd: AsyncEtcd, prefix: string = "ai/backend/config") {
    this.#etcd = etcd;
    this.#prefix = prefix.replace(/\/+$/, "");
  }

  /**
   * `etcd-watcher:{prefix}`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return `etcd-watcher:${this.#prefix}`;
  }

  /**
   * The changes, until the signal aborts.
   *
   * @param options The signal and the history-lost hook.
   * @returns The events.
   */
  async *watch(
    options: ConfigWatchOptions = {},
  ): AsyncGenerator<ConfigChangeEvent, void, undefined> {
    await using watch = this.#etcd.watchPrefix(this.#prefix, {
      signal: options.signal,
      onHistoryLost: options.onHistoryLost,
      startRevision: options.startRevision,
    });
    const base = this.#prefix === "" ? "" : this.#prefix + "/";
    for await (const event of watch) {
      const rest = event.key === this.#prefix
        ? ""
        : event.key.slice(base.length);
      yield {
        type: event.event,
        key: event.key,
        path: rest === "" ? [] : rest.split("/").map(unquote),
        value: event.value,
        revision: event.revision,
      };
    }
  }
}
