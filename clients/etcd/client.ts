// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode AsyncEtcd}: upstream's etcd client (`etcd.py`) on npm `etcd3`.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { Etcd3, type IOptions, type IRequestOp } from "etcd3";
import { InvalidAPIParameters } from "../../exception.ts";
import type { Policy } from "../../resilience/mod.ts";
import { consoleLogger, type Logger } from "../../utils.ts";
import { type CallSubject, defaultEtcdPolicy } from "./_calls.ts";
import {
  flattenNested,
  mangleKey,
  type NestedStrings,
  valueText,
} from "./_keys.ts";
import {
  boundaryRanges,
  checkedSettings,
  type Compare,
  credentialsOf,
  definedOnly,
  deleteRangeOp,
  etcd3Options,
  keyValue,
  mergedTree,
  putOp,
  type Range,
  rangeOp,
  replacementOps,
  runTxn,
  type TxnResult,
  unchangedSince,
} from "./_ops.ts";
import { EtcdClosedError, EtcdRequestError } from "./errors.ts";
import { grantKeptLease, type LeaseImpl } from "./_lease.ts";
import type { EtcdLease } from "./lease.ts";
import {
  checkScopePrefixMap,
  readScopePrefixes,
  type ScopePrefixMap,
  writeScopePrefix,
} from "./scopes.ts";
import {
  keyTarget,
  prefixTarget,
  type WatchContext,
  WatchImpl,
  type WatchTarget,
} from "./_watch.ts";
import type { EtcdWatch, EtcdWatchOptions } from "./watch.ts";
import type {
  AsyncEtcdOptions,
  EtcdCallOptions,
  EtcdConfigLike,
  EtcdKeyValue,
  EtcdPrefixSnapshot,
  EtcdPutOptions,
} from "./options.ts";

export type { NestedStrings } from "./_keys.ts";

const MAX_REPLACE_ATTEMPTS = 5;

/**
 * The etcd client of upstream's `AsyncEtcd`, on npm `etcd3` (gRPC):
 *
 * - keys live under `/sorna/{namespace}/{scope prefix}/`; reads search
 *   node over sgroup over global (`merged`); writes go to one scope;
 * - `putPrefix` quotes nested object keys with Python's `quote(k, "")` and
 *   writes them in one transaction; `getPrefix` unquotes them back into a
 *   nested object (a key with children keeps its own value under `""`);
 * - **divergence**: prefix reads, deletes and watches match `prefix` and
 *   `prefix/...` only: `getPrefix("a")` does not return `abc` (upstream's raw
 *   string match does);
 * - `replace` is a compare-and-swap; `atomicReplacePrefixes` replaces whole
 *   subtrees in one transaction, retried if a key changed in between;
 * - `watch`/`watchPrefix` are {@linkcode EtcdWatch}es that survive restarts;
 * - leases with keep-alive ({@linkcode AsyncEtcd.grantLease});
 * - every unary call runs under a resilience policy, and every error is a
 *   `BackendAIError` naming the key (see `errors.ts`).
 *
 * Callers quote their own keys (as upstream); only `putPrefix` quotes object
 * keys and only `getPrefix` unquotes.
 *
 * @example Read and write scoped keys
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * await using etcd = new AsyncEtcd({
 *   addrs: "127.0.0.1:2379",
 *   namespace: "local",
 *   scopePrefixMap: { global: "", node: "nodes/agents/i-1" },
 * });
 * await etcd.putPrefix("config/redis", { addr: "127.0.0.1:6379", "override-configs": { "a/b": "1" } });
 * await etcd.put("config/redis/addr", "10.0.0.1:6379", { scope: "node" });
 * assert.deepEqual(await etcd.getPrefix("config/redis"), {
 *   addr: "10.0.0.1:6379",
 *   "override-configs": { "a/b": "1" },
 * });
 * ```
 */
export class AsyncEtcd implements AsyncDisposable {
  readonly #client: Etcd3;
  readonly #etcdOptions: IOptions;
  readonly #namespace: string;
  readonly #scopes: ScopePrefixMap;
  readonly #policy: Policy;
  readonly #logger: Logger;
  readonly #user: string | undefined;
  readonly #endpoints: readonly string[];
  readonly #reconnect: { initialMs: number; maxMs: number };
  readonly #leases: Set<LeaseImpl> = new Set();
  readonly #watches: Set<WatchImpl> = new Set();
  #closed = false;

  /**
   * Makes a client; it connects on the first call.
   *
   * @param options The endpoints, namespace, scopes, credentials and policy.
   * @throws {InvalidAPIParameters} When an address, the namespace or the
   * scope map is invalid.
   */
  constructor(options: AsyncEtcdOptions) {
    const settings = checkedSettings(options);
    this.#namespace = settings.namespace;
    this.#scopes = checkScopePrefixMap(
      options.scopePrefixMap ?? { global: "" },
    );
    this.#endpoints = settings.endpoints;
    this.#reconnect = settings.reconnect;
    this.#policy = options.policy ??
      defaultEtcdPolicy(settings.requestTimeoutMs);
    this.#logger = options.logger ?? consoleLogger;
    this.#user = options.credentials?.user;
    this.#etcdOptions = etcd3Options(settings);
    this.#client = new Etcd3(this.#etcdOptions);
  }

  /**
   * Makes a client from upstream's etcd configuration section
   * (`AsyncEtcd.create_from_config`): `{ namespace, addr, user, password }`,
   * global scope prefix `""`.
   *
   * @example Usage
   * ```ts
   * import { AsyncEtcd } from "@backendai/common/clients/etcd";
   * import assert from "node:assert/strict";
   *
   * await using etcd = AsyncEtcd.fromConfig({ namespace: "local", addr: "127.0.0.1:2379", user: null });
   * assert.equal(etcd.namespace, "local");
   * assert.throws(() => AsyncEtcd.fromConfig({ namespace: "x", addr: "h:1", user: "u" }), /password/);
   * ```
   *
   * @param config The section.
   * @param options The other options (`scopePrefixMap`, `policy`, ...).
   * @returns The client.
   * @throws {InvalidAPIParameters} When a user is set without a password.
   */
  static fromConfig(
    config: EtcdConfigLike,
    options: Omit<AsyncEtcdOptions, "addrs" | "namespace" | "credentials"> = {},
  ): AsyncEtcd {
    return new AsyncEtcd({
      ...options,
      addrs: config.addr,
      namespace: config.namespace,
      credentials: credentialsOf(config),
    });
  }

  /**
   * The namespace.
   *
   * @returns The namespace.
   */
  get namespace(): string {
    return this.#namespace;
  }

  /**
   * The scope map.
   *
   * @returns The map.
   */
  get scopePrefixMap(): ScopePrefixMap {
    return this.#scopes;
  }

  /**
   * The endpoints, as `host:port`.
   *
   * @returns The endpoints.
   */
  get endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /**
   * The full etcd key of `key` in a scope (`/sorna/{ns}/{prefix}/{key}`), as
   * upstream mangles it.
   *
   * @example Usage
   * ```ts
   * import { AsyncEtcd } from "@backendai/common/clients/etcd";
   * import assert from "node:assert/strict";
   *
   * await using etcd = new AsyncEtcd({ namespace: "local", scopePrefixMap: { global: "", node: "nodes/a/" } });
   * assert.equal(etcd.fullKey("config/redis"), "/sorna/local/config/redis");
   * assert.equal(etcd.fullKey("x", { scope: "node" }), "/sorna/local/nodes/a/x");
   * ```
   *
   * @param key The key, quoted by the caller as needed.
   * @param options The scope (`"global"` by default).
   * @returns The key as stored.
   */
  fullKey(
    key: string,
    options: Pick<EtcdCallOptions, "scope" | "scopePrefixMap"> = {},
  ): string {
    return mangleKey(this.#namespace, this.#writePrefix(options), key);
  }

  /**
   * Checks that etcd answers (upstream `ping()`: reads the key `_`).
   *
   * @param options The signal.
   * @returns When etcd answered.
   * @throws {EtcdUnavailableError} When it does not.
   */
  async ping(options: Pick<EtcdCallOptions, "signal"> = {}): Promise<void> {
    await this.get("_", { scope: "global", signal: options.signal });
  }

  /**
   * Writes one key (upstream `put`): the value as a string.
   *
   * @param key The key, quoted by the caller as needed.
   * @param value The value (numbers and booleans as Python prints them).
   * @param options The scope (`"global"`), a lease, the signal.
   * @returns When written.
   */
  async put(
    key: string,
    value: string | number | boolean | bigint,
    options: EtcdPutOptions = {},
  ): Promise<void> {
    const full = mangleKey(this.#namespace, this.#writePrefix(options), key);
    await this.#txn(
      { operation: "put", key: full },
      [putOp(full, valueText(value), options.lease)],
      options.signal,
    );
  }

  /**
   * Writes a nested object under a key in one transaction (upstream
   * `put_prefix`): `{a: {b: "1"}}` under `p` is `p/a/b = 1`, object keys
   * quoted with `quote(k, "")`, the key `""` writing `p` itself. An empty
   * object writes nothing.
   *
   * @param key The prefix, quoted by the caller as needed.
   * @param tree The nested object.
   * @param options The scope (`"global"`), a lease, the signal.
   * @returns When written.
   */
  async putPrefix(
    key: string,
    tree: Readonly<Record<string, unknown>>,
    options: EtcdPutOptions = {},
  ): Promise<void> {
    const scopePrefix = this.#writePrefix(options);
    const ops: IRequestOp[] = [];
    for (const [flat, value] of flattenNested(key, tree)) {
      ops.push(
        putOp(
          mangleKey(this.#namespace, scopePrefix, flat),
          value,
          options.lease,
        ),
      );
    }
    if (ops.length === 0) return;
    await this.#txn(
      {
        operation: "putPrefix",
        key: mangleKey(this.#namespace, scopePrefix, key),
      },
      ops,
      options.signal,
    );
  }

  /**
   * Writes flat pairs in one transaction (upstream `put_dict`); the keys are
   * quoted by the caller.
   *
   * @param pairs The keys and values.
   * @param options The scope (`"global"`), a lease, the signal.
   * @returns When written.
   */
  async putDict(
    pairs: Readonly<Record<string, string | number | boolean | bigint>>,
    options: EtcdPutOptions = {},
  ): Promise<void> {
    const scopePrefix = this.#writePrefix(options);
    const ops = Object.entries(pairs).map(([key, value]) =>
      putOp(
        mangleKey(this.#namespace, scopePrefix, key),
        valueText(value),
        options.lease,
      )
    );
    if (ops.length === 0) return;
    await this.#txn(
      {
        operation: "putDict",
        key: mangleKey(this.#namespace, scopePrefix, ""),
      },
      ops,
      options.signal,
    );
  }

  /**
   * Replaces whole subtrees in one transaction (upstream
   * `atomic_replace_prefixes`): under each prefix, keys absent from the new
   * object are deleted and the new ones written; an empty object removes the
   * subtree; other prefixes are untouched. Unlike upstream, the
   * transaction also checks that nothing under the prefixes changed since
   * they were read, and starts over if something did (up to 5 times), so a
   * concurrent writer's key is never silently dropped or kept.
   *
   * @param replacements The new object of each prefix.
   * @param options The scope (`"global"`), a lease for the new keys, the
   * signal.
   * @returns When replaced.
   * @throws {EtcdRequestError} When the prefixes kept changing.
   */
  async atomicReplacePrefixes(
    replacements: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
    options: EtcdPutOptions = {},
  ): Promise<void> {
    const scopePrefix = this.#writePrefix(options);
    const subject = {
      operation: "atomicReplacePrefixes",
      key: Object.keys(replacements)
        .map((p) => mangleKey(this.#namespace, scopePrefix, p))
        .join(", "),
    };
    const wanted = new Map<string, string>();
    const ranges: Range[] = [];
    for (const [prefix, tree] of Object.entries(replacements)) {
      ranges.push(...this.#boundaryRanges(scopePrefix, prefix));
      for (const [flat, value] of flattenNested(prefix, tree)) {
        wanted.set(mangleKey(this.#namespace, scopePrefix, flat), value);
      }
    }
    for (let attempt = 1; attempt <= MAX_REPLACE_ATTEMPTS; attempt++) {
      const read = await this.#txn(
        subject,
        ranges.map(rangeOp),
        options.signal,
      );
      const ops = replacementOps(read.responses, wanted, options.lease);
      if (ops.length === 0) return;
      const result = await this.#txn(subject, ops, options.signal, {
        compare: ranges.map((range) => unchangedSince(range, read.revision)),
      });
      if (result.succeeded) return;
    }
    throw new EtcdRequestError(
      `Cannot replace "${subject.key}": the keys kept changing during ${MAX_REPLACE_ATTEMPTS} attempts`,
      { data: { key: subject.key, operation: subject.operation } },
    );
  }

  /**
   * Reads one key (upstream `get`), searching the scopes in precedence
   * order; one round trip for all of them.
   *
   * @param key The key, quoted by the caller as needed.
   * @param options The scope (`"merged"`), the signal.
   * @returns The value (`""` is a value), or `undefined` when absent.
   */
  async get(
    key: string,
    options: EtcdCallOptions = {},
  ): Promise<string | undefined> {
    const prefixes = this.#readPrefixes(options);
    const keys = prefixes.map((p) => mangleKey(this.#namespace, p, key));
    const result = await this.#txn(
      { operation: "get", key: keys[keys.length - 1] as string },
      keys.map((k) => rangeOp({ key: k, prefix: false })),
      options.signal,
    );
    for (const response of result.responses) {
      const kv = response.response_range?.kvs?.[0];
      if (kv !== undefined) return kv.value.toString("utf8");
    }
    return undefined;
  }

  /**
   * Reads a prefix as a nested object (upstream `get_prefix`): path
   * components unquoted, a key with children keeping its value under `""`,
   * scopes merged at the top level (node over sgroup over global: a higher
   * scope's entry replaces the lower one's whole, as upstream's `ChainMap`).
   * **Divergence**: only `prefix` itself and keys under `prefix/` match, not
   * `prefixzzz` (upstream's raw string match returns those too). One round
   * trip, one revision for all scopes.
   *
   * @param prefix The prefix, quoted by the caller as needed (`""` for the
   * whole scope).
   * @param options The scope (`"merged"`), the signal.
   * @returns The nested object (`{}` when nothing matches).
   */
  async getPrefix(
    prefix: string,
    options: EtcdCallOptions = {},
  ): Promise<NestedStrings> {
    const prefixes = this.#readPrefixes(options);
    const perScope = prefixes.map((p) => this.#boundaryRanges(p, prefix));
    const result = await this.#txn(
      {
        operation: "getPrefix",
        key: mangleKey(this.#namespace, prefixes.at(-1) as string, prefix),
      },
      perScope.flat().map(rangeOp),
      options.signal,
    );
    return mergedTree(
      this.#namespace,
      prefix,
      prefixes,
      perScope,
      result.responses,
    );
  }

  /**
   * Reads the keys of a prefix of one scope with the store's revision, for
   * a view kept current by {@linkcode AsyncEtcd.watchPrefix} from
   * `revision + 1`. Boundary-safe like {@linkcode AsyncEtcd.getPrefix}.
   *
   * @param prefix The prefix, quoted by the caller as needed.
   * @param options The scope (`"global"`), the signal.
   * @returns The keys (relative to the scope prefix, still quoted) and the
   * revision.
   */
  async listPrefix(
    prefix: string,
    options: EtcdCallOptions = {},
  ): Promise<EtcdPrefixSnapshot> {
    const scopePrefix = this.#writePrefix(options);
    const ranges = this.#boundaryRanges(scopePrefix, prefix);
    const strip = mangleKey(this.#namespace, scopePrefix, "");
    const result = await this.#txn(
      {
        operation: "listPrefix",
        key: mangleKey(this.#namespace, scopePrefix, prefix),
      },
      ranges.map(rangeOp),
      options.signal,
    );
    const kvs: EtcdKeyValue[] = [];
    for (const response of result.responses) {
      for (const kv of response.response_range?.kvs ?? []) {
        kvs.push(keyValue(kv, strip));
      }
    }
    kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { kvs, revision: result.revision };
  }

  /**
   * Compare-and-swap (upstream `replace`): writes `newValue` only if the key
   * holds `expected`.
   *
   * @param key The key, quoted by the caller as needed.
   * @param expected The value it must hold.
   * @param newValue The value to write.
   * @param options The scope (`"global"`), the signal.
   * @returns Whether it was written.
   */
  async replace(
    key: string,
    expected: string,
    newValue: string,
    options: EtcdCallOptions = {},
  ): Promise<boolean> {
    const full = mangleKey(this.#namespace, this.#writePrefix(options), key);
    const result = await this.#txn(
      { operation: "replace", key: full },
      [putOp(full, newValue, undefined)],
      options.signal,
      {
        compare: [{
          key: Buffer.from(full),
          target: "Value",
          result: "Equal",
          value: Buffer.from(expected),
        }],
      },
    );
    return result.succeeded;
  }

  /**
   * Deletes one key (upstream `delete`).
   *
   * @param key The key, quoted by the caller as needed.
   * @param options The scope (`"global"`), the signal.
   * @returns When deleted (or absent).
   */
  async delete(key: string, options: EtcdCallOptions = {}): Promise<void> {
    await this.deleteMulti([key], options);
  }

  /**
   * Deletes several keys in one transaction (upstream `delete_multi`).
   *
   * @param keys The keys, quoted by the caller as needed.
   * @param options The scope (`"global"`), the signal.
   * @returns When deleted.
   */
  async deleteMulti(
    keys: Iterable<string>,
    options: EtcdCallOptions = {},
  ): Promise<void> {
    const scopePrefix = this.#writePrefix(options);
    const full = [...keys].map((k) =>
      mangleKey(this.#namespace, scopePrefix, k)
    );
    if (full.length === 0) return;
    await this.#txn(
      { operation: "delete", key: full.join(", ") },
      full.map((k) => ({ request_delete_range: { key: Buffer.from(k) } })),
      options.signal,
    );
  }

  /**
   * Deletes a key and everything under `key/` (upstream `delete_prefix`,
   * boundary-safe: `deletePrefix("a")` keeps `abc`).
   *
   * @param prefix The prefix, quoted by the caller as needed.
   * @param options The scope (`"global"`), the signal.
   * @returns When deleted.
   */
  async deletePrefix(
    prefix: string,
    options: EtcdCallOptions = {},
  ): Promise<void> {
    const scopePrefix = this.#writePrefix(options);
    const ranges = this.#boundaryRanges(scopePrefix, prefix);
    await this.#txn(
      {
        operation: "deletePrefix",
        key: mangleKey(this.#namespace, scopePrefix, prefix),
      },
      ranges.map(deleteRangeOp),
      options.signal,
    );
  }

  /**
   * Watches one key (upstream `watch`).
   *
   * @param key The key, quoted by the caller as needed.
   * @param options The scope (`"global"`), `once`, the signal, a start
   * revision.
   * @returns The running watch.
   */
  watch(key: string, options: EtcdWatchOptions = {}): EtcdWatch {
    const scopePrefix = this.#writePrefix(options);
    const full = mangleKey(this.#namespace, scopePrefix, key);
    const strip = mangleKey(this.#namespace, scopePrefix, "");
    return this.#startWatch(keyTarget(full, strip), options);
  }

  /**
   * Watches a key and everything under `key/` (upstream `watch_prefix`,
   * boundary-safe: changes of `abc` are not seen by a watch of `a`).
   *
   * @param prefix The prefix, quoted by the caller as needed.
   * @param options The scope (`"global"`), `once`, the signal, a start
   * revision.
   * @returns The running watch.
   */
  watchPrefix(prefix: string, options: EtcdWatchOptions = {}): EtcdWatch {
    const scopePrefix = this.#writePrefix(options);
    const full = mangleKey(this.#namespace, scopePrefix, prefix);
    const open = prefix === "" || full.endsWith("/");
    const strip = mangleKey(this.#namespace, scopePrefix, "");
    return this.#startWatch(prefixTarget(full, strip, open), options);
  }

  /**
   * Grants a lease kept alive in the background (every TTL/3) until it is
   * revoked, released, lost, or the client closes (which releases it).
   *
   * @param ttlSeconds The TTL, a whole number of seconds >= 1.
   * @param options The signal.
   * @returns The granted lease.
   * @throws {InvalidAPIParameters} When the TTL is not a whole number >= 1.
   * @throws {EtcdUnavailableError} When etcd does not grant it.
   */
  async grantLease(
    ttlSeconds: number,
    options: Pick<EtcdCallOptions, "signal"> = {},
  ): Promise<EtcdLease> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) {
      throw new InvalidAPIParameters(
        "An etcd lease TTL must be a whole number of seconds >= 1",
        { data: { field: "ttlSeconds", value: ttlSeconds } },
      );
    }
    this.#checkOpen("grantLease", "lease");
    const wrapped = await grantKeptLease(this.#client, ttlSeconds, {
      logger: this.#logger,
      onEnd: (ended) => this.#leases.delete(ended),
      user: this.#user,
      signal: options.signal,
    });
    if (this.#closed) {
      wrapped.release();
      throw new EtcdClosedError("The etcd client closed while granting", {
        data: { key: "lease", operation: "grantLease" },
      });
    }
    this.#leases.add(wrapped);
    return wrapped;
  }

  /**
   * Closes the client: running watches end, leases stop being kept alive
   * (their keys expire with their TTL; revoke them first to delete them at
   * once), and the connections close. Safe to call twice.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#watches].map((watch) => watch.close()));
    for (const lease of [...this.#leases]) lease.release();
    this.#client.close();
  }

  /**
   * Same as {@linkcode AsyncEtcd.close}, for `await using`.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #startWatch(target: WatchTarget, options: EtcdWatchOptions): EtcdWatch {
    this.#checkOpen("watch", target.label);
    const context: WatchContext = {
      newClient: () => new Etcd3(this.#etcdOptions),
      logger: this.#logger,
      reconnectMs: (attempt) =>
        Math.min(
          this.#reconnect.initialMs * 2 ** (attempt - 1),
          this.#reconnect.maxMs,
        ),
      onEnd: (watch) => this.#watches.delete(watch),
    };
    const watch = new WatchImpl(context, target, options);
    this.#watches.add(watch);
    return watch;
  }

  #checkOpen(operation: string, key: string): void {
    if (this.#closed) {
      throw new EtcdClosedError(
        `Cannot ${operation} "${key}": the etcd client is closed`,
        { data: { key, operation } },
      );
    }
  }

  #merged(
    override: Partial<ScopePrefixMap> | undefined,
  ): ScopePrefixMap {
    if (override === undefined) return this.#scopes;
    return checkScopePrefixMap({ ...this.#scopes, ...definedOnly(override) });
  }

  #writePrefix(options: Pick<EtcdCallOptions, "scope" | "scopePrefixMap">) {
    return writeScopePrefix(
      this.#merged(options.scopePrefixMap),
      options.scope ?? "global",
    );
  }

  #readPrefixes(options: EtcdCallOptions): string[] {
    return readScopePrefixes(
      this.#merged(options.scopePrefixMap),
      options.scope ?? "merged",
    );
  }

  #boundaryRanges(scopePrefix: string, prefix: string): Range[] {
    return boundaryRanges(this.#namespace, scopePrefix, prefix);
  }

  async #txn(
    subject: CallSubject,
    ops: IRequestOp[],
    signal: AbortSignal | undefined,
    extra: { compare?: Compare[] } = {},
  ): Promise<TxnResult> {
    this.#checkOpen(subject.operation, subject.key);
    return await runTxn(this.#client, this.#policy, {
      subject: { ...subject, user: this.#user },
      ops,
      compare: extra.compare ?? [],
      signal,
    });
  }
}
