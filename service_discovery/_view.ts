// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: the etcd backend's local copy of every registration, kept
// current by a watch, so reads do not go to etcd.
//
// It reads the prefix with its revision, then watches from the next
// revision, so no change between the read and the watch is lost; when etcd
// compacted the history a reconnecting watch needed, it reads again. Until
// the first read succeeds (etcd down at start) the backend reads etcd
// directly, so a caller gets an error instead of waiting forever.

import { errorText } from "../_error_text.ts";
import type { AsyncEtcd, EtcdWatch } from "../clients/etcd/mod.ts";
import { ExponentialBackoff, type Logger, sleep, unquote } from "../utils.ts";
import { fromEtcdTree } from "./_codec.ts";
import type { ServiceMetadata } from "./types.ts";

interface Service {
  readonly group: string;
  readonly id: string;
  readonly fields: Map<string, string>;
  parsed: ServiceMetadata | null | undefined;
}

/** Builds the nested tree `fromEtcdTree` reads from `sub/path = value` pairs. */
function treeOf(fields: ReadonlyMap<string, string>): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const [sub, value] of fields) {
    const parts = sub.split("/").map(unquote);
    let node = tree;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i] as string;
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (typeof next === "object" && next !== null) {
        node = next as Record<string, unknown>;
      } else {
        const child: Record<string, unknown> = {};
        Object.defineProperty(node, part, {
          value: child,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        node = child;
      }
    }
    Object.defineProperty(node, parts[parts.length - 1] as string, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return tree;
}

/** The local copy of one prefix of registrations. */
export class DiscoveryView {
  readonly #etcd: AsyncEtcd;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #services: Map<string, Service> = new Map();
  readonly #stop: AbortController = new AbortController();
  #list: readonly ServiceMetadata[] | undefined;
  #ready = false;
  #readyWaiters: Array<() => void> = [];
  #watch: EtcdWatch | undefined;
  #loop: Promise<void> | undefined;

  constructor(etcd: AsyncEtcd, prefix: string, logger: Logger) {
    this.#etcd = etcd;
    this.#prefix = prefix;
    this.#logger = logger;
  }

  /** Whether the first read succeeded (reads are answered locally). */
  get ready(): boolean {
    return this.#ready;
  }

  /** Starts reading and watching (once). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Waits until ready, at most `ms`. */
  waitReady(ms: number): Promise<void> {
    if (this.#ready) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#readyWaiters.push(done);
    });
  }

  /** Every service that parses, the same array until something changes. */
  list(): readonly ServiceMetadata[] {
    if (this.#list === undefined) {
      const list: ServiceMetadata[] = [];
      for (const service of this.#services.values()) {
        const meta = this.#parse(service);
        if (meta !== null) list.push(meta);
      }
      this.#list = Object.freeze(list);
    }
    return this.#list;
  }

  /** One service, or `undefined`. */
  get(group: string, id: string): ServiceMetadata | undefined {
    const service = this.#services.get(`${group}/${id}`);
    return service === undefined
      ? undefined
      : this.#parse(service) ?? undefined;
  }

  /** Stops watching. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#watch?.close();
    await this.#loop;
    for (const waiter of this.#readyWaiters.splice(0)) waiter();
  }

  #parse(service: Service): ServiceMetadata | null {
    if (service.parsed === undefined) {
      try {
        service.parsed = fromEtcdTree(treeOf(service.fields));
      } catch (error) {
        // Partly written or partly deleted (the rest of its transaction is
        // on the way), or not written by a discovery client: left out.
        service.parsed = null;
        this.#logger.debug("service discovery entry left out", {
          key: `${this.#prefix}/${service.group}/${service.id}`,
          error: errorText(error),
        });
      }
    }
    return service.parsed;
  }

  async #run(): Promise<void> {
    const stop = this.#stop.signal;
    const backoff = new ExponentialBackoff({ initialMs: 200, maxMs: 10_000 });
    while (!stop.aborted) {
      let resync = false;
      try {
        const snapshot = await this.#etcd.listPrefix(this.#prefix, {
          scope: "global",
          signal: stop,
        });
        this.#services.clear();
        for (const kv of snapshot.kvs) this.#apply(kv.key, kv.value);
        this.#list = undefined;
        if (!this.#ready) {
          this.#ready = true;
          for (const waiter of this.#readyWaiters.splice(0)) waiter();
        }
        backoff.reset();
        const watch = this.#etcd.watchPrefix(this.#prefix, {
          scope: "global",
          signal: stop,
          startRevision: snapshot.revision + 1,
          onHistoryLost: () => {
            resync = true;
            void watch.close();
          },
        });
        this.#watch = watch;
        for await (const event of watch) {
          this.#apply(
            event.key,
            event.event === "put" ? event.value : undefined,
          );
        }
      } catch (error) {
        if (stop.aborted) break;
        this.#logger.warn("service discovery view cannot read etcd, retrying", {
          prefix: this.#prefix,
          error: errorText(error),
        });
      }
      if (stop.aborted) break;
      if (!resync) {
        await sleep(backoff.next(), { signal: stop }).catch(() => {});
      }
    }
  }

  #apply(key: string, value: string | undefined): void {
    if (!key.startsWith(this.#prefix + "/")) return;
    const rest = key.slice(this.#prefix.length + 1).split("/");
    if (rest.length < 3) return;
    const group = unquote(rest[0] as string);
    const id = unquote(rest[1] as string);
    const sub = rest.slice(2).join("/");
    const name = `${group}/${id}`;
    let service = this.#services.get(name);
    if (value === undefined) {
      if (service === undefined) return;
      service.fields.delete(sub);
      if (service.fields.size === 0) this.#services.delete(name);
    } else {
      if (service === undefined) {
        service = { group, id, fields: new Map(), parsed: undefined };
        this.#services.set(name, service);
      }
      service.fields.set(sub, value);
    }
    service.parsed = undefined;
    this.#list = undefined;
  }
}
