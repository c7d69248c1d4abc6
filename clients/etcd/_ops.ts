// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: the etcd3 options the client is made with, and the transaction
// operations its calls send (boundary-safe prefix ranges, puts with a lease,
// the diff of a subtree replacement), so client.ts holds only the calls.

import { Buffer } from "node:buffer";
import type {
  Etcd3,
  IKeyValue,
  IOptions,
  IRequestOp,
  IResponseOp,
} from "etcd3";
import { InvalidAPIParameters } from "../../exception.ts";
import type { Policy } from "../../resilience/mod.ts";
import { HostPortPair, type HostPortPairInput } from "../../types.ts";
import {
  type CallSubject,
  etcdError,
  NOOP_COCKATIEL_POLICY,
  watchBackoff,
} from "./_calls.ts";
import {
  mangleKey,
  nestedFromPairs,
  type NestedStrings,
  prefixRangeEnd,
  slash,
} from "./_keys.ts";
import type { EtcdLease } from "./lease.ts";
import type {
  AsyncEtcdOptions,
  EtcdConfigLike,
  EtcdCredentials,
  EtcdKeyValue,
} from "./options.ts";
import type { ScopePrefixMap } from "./scopes.ts";

const DEFAULT_ADDR = "127.0.0.1:2379";

/** A key, or every key starting with it. */
export interface Range {
  readonly key: string;
  readonly prefix: boolean;
}

/** A comparison of a transaction, as etcd3 takes it. */
export type Compare = NonNullable<
  Parameters<Etcd3["kv"]["txn"]>[0]["compare"]
>[number];

/** What a transaction answered. */
export interface TxnResult {
  readonly succeeded: boolean;
  readonly responses: IResponseOp[];
  readonly revision: number;
}

/**
 * Runs one transaction under the policy; an error becomes one of ours
 * naming the subject's key.
 */
export async function runTxn(
  client: Etcd3,
  policy: Policy,
  call: {
    readonly subject: CallSubject;
    readonly ops: IRequestOp[];
    readonly compare: Compare[];
    readonly signal: AbortSignal | undefined;
  },
): Promise<TxnResult> {
  const { subject, signal } = call;
  try {
    const response = await policy.execute(
      () =>
        client.kv.txn({
          compare: call.compare,
          success: call.ops,
          failure: [],
        }),
      { signal, operation: `etcd.${subject.operation}` },
    );
    return {
      succeeded: response.succeeded,
      responses: response.responses ?? [],
      revision: Number(response.header.revision),
    };
  } catch (error) {
    throw etcdError(error, subject, signal);
  }
}

/** The settings the etcd3 client is made with. */
export interface EtcdSettings {
  readonly namespace: string;
  readonly endpoints: readonly string[];
  readonly requestTimeoutMs: number;
  readonly reconnect: { readonly initialMs: number; readonly maxMs: number };
  readonly credentials: EtcdCredentials | undefined;
}

/** The checked settings of the client's options. */
export function checkedSettings(options: AsyncEtcdOptions): EtcdSettings {
  if (typeof options.namespace !== "string" || options.namespace === "") {
    throw new InvalidAPIParameters("The etcd namespace must not be empty", {
      data: { field: "namespace", value: options.namespace },
    });
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  if (!(requestTimeoutMs > 0)) {
    throw new InvalidAPIParameters(
      'Invalid etcd option "requestTimeoutMs": must be > 0',
      { data: { field: "requestTimeoutMs", value: requestTimeoutMs } },
    );
  }
  return {
    namespace: options.namespace,
    endpoints: endpointsOf(options.addrs),
    requestTimeoutMs,
    reconnect: {
      initialMs: options.watchReconnectIntervalMs ?? 500,
      maxMs: options.watchReconnectMaxIntervalMs ?? 30_000,
    },
    credentials: options.credentials,
  };
}

/** The credentials of upstream's etcd section (none when no user). */
export function credentialsOf(
  config: EtcdConfigLike,
): EtcdCredentials | undefined {
  if (!config.user) return undefined;
  if (config.password === undefined || config.password === null) {
    throw new InvalidAPIParameters(
      "The etcd user is set, but its password is not",
      { data: { field: "etcd.password", user: config.user } },
    );
  }
  return { user: config.user, password: config.password };
}

function endpointsOf(addrs: AsyncEtcdOptions["addrs"]): string[] {
  const given = addrs ?? DEFAULT_ADDR;
  const list: readonly HostPortPairInput[] = Array.isArray(given) &&
      (given.length !== 2 || typeof given[1] !== "number")
    ? given as readonly HostPortPairInput[]
    : [given as HostPortPairInput];
  if (list.length === 0) {
    throw new InvalidAPIParameters("At least one etcd address is needed", {
      data: { field: "addrs", value: [] },
    });
  }
  return list.map((addr) => HostPortPair.parse(addr).address);
}

/** How long a connection is idle before an HTTP/2 ping, in ms. */
const KEEPALIVE_TIME_MS = 10_000;
/** How long a ping may wait for its answer before the connection is dropped. */
const KEEPALIVE_TIMEOUT_MS = 5_000;

/**
 * The etcd3 options: our policy replaces its retry and per-host breaker
 * (which refused calls for 5 s after etcd came back), unary calls carry the
 * deadline, watches reconnect on upstream's schedule.
 */
export function etcd3Options(settings: EtcdSettings): IOptions {
  const { requestTimeoutMs, reconnect, credentials } = settings;
  const options: IOptions = {
    hosts: settings.endpoints.map((address) => `http://${address}`),
    dialTimeout: requestTimeoutMs,
    // A connection that died without a close (a peer gone half-open) is
    // found by HTTP/2 pings and replaced; without them every call on it
    // times out for ever. Pings only while calls or watches are open, and
    // no more often than etcd's --grpc-keepalive-min-time (5 s) allows.
    grpcOptions: {
      "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
      "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
      "grpc.keepalive_permit_without_calls": 0,
    },
    defaultCallOptions: (context) =>
      context.isStream
        ? {}
        : { deadline: new Date(Date.now() + requestTimeoutMs) },
    faultHandling: {
      host: () => NOOP_COCKATIEL_POLICY,
      global: NOOP_COCKATIEL_POLICY,
      watchBackoff: watchBackoff(reconnect.initialMs, reconnect.maxMs),
    } as unknown as NonNullable<IOptions["faultHandling"]>,
  };
  if (credentials !== undefined) {
    options.auth = {
      username: credentials.user,
      password: credentials.password,
    };
  }
  return options;
}

/**
 * The ranges of a boundary-safe prefix: the key itself and `key/...`, or
 * one open range when the key is empty or ends with `/`.
 */
export function boundaryRanges(
  namespace: string,
  scopePrefix: string,
  prefix: string,
): Range[] {
  const full = mangleKey(namespace, scopePrefix, prefix);
  if (prefix === "" || full.endsWith("/")) {
    return [{ key: full, prefix: true }];
  }
  return [{ key: full, prefix: false }, { key: full + "/", prefix: true }];
}

function rangeBounds(range: Range): { key: Buffer; range_end?: Buffer } {
  const key = Buffer.from(range.key);
  return range.prefix
    ? { key, range_end: Buffer.from(prefixRangeEnd(key)) }
    : { key };
}

/** Reads a range. */
export function rangeOp(range: Range): IRequestOp {
  return { request_range: rangeBounds(range) };
}

/** Deletes a range. */
export function deleteRangeOp(range: Range): IRequestOp {
  return { request_delete_range: rangeBounds(range) };
}

/** Holds when nothing in the range changed after `revision`. */
export function unchangedSince(range: Range, revision: number): Compare {
  return {
    ...rangeBounds(range),
    target: "Mod",
    result: "Less",
    mod_revision: String(revision + 1),
  };
}

/** Writes a key, attached to a lease when one is given. */
export function putOp(
  key: string,
  value: string,
  lease: EtcdLease | undefined,
): IRequestOp {
  return {
    request_put: {
      key: Buffer.from(key),
      value: Buffer.from(value),
      ...(lease === undefined ? {} : { lease: lease.id }),
    },
  };
}

/**
 * The operations that turn what a read of the prefixes found into the
 * wanted keys: deletes of the keys no longer wanted, then the puts.
 */
export function replacementOps(
  read: readonly IResponseOp[],
  wanted: ReadonlyMap<string, string>,
  lease: EtcdLease | undefined,
): IRequestOp[] {
  const ops: IRequestOp[] = [];
  for (const response of read) {
    for (const kv of response.response_range?.kvs ?? []) {
      const key = kv.key.toString("utf8");
      if (!wanted.has(key)) {
        ops.push({ request_delete_range: { key: Buffer.from(key) } });
      }
    }
  }
  for (const [key, value] of wanted) ops.push(putOp(key, value, lease));
  return ops;
}

/**
 * The nested object of a merged prefix read: each scope's keys (its ranges'
 * responses, in order) unquoted into a tree, a higher scope's top-level
 * entry replacing the lower one's whole (upstream's `ChainMap`).
 *
 * @param prefixes The scope prefixes, highest precedence first.
 * @param perScope The ranges read for each scope, in the same order.
 */
export function mergedTree(
  namespace: string,
  prefix: string,
  prefixes: readonly string[],
  perScope: readonly (readonly Range[])[],
  responses: readonly IResponseOp[],
): NestedStrings {
  const merged: NestedStrings = {};
  const root = `/sorna/${namespace}/`;
  let index = responses.length;
  for (let s = perScope.length - 1; s >= 0; s--) {
    const ranges = perScope[s] as readonly Range[];
    index -= ranges.length;
    const pairs: Array<[string, string]> = [];
    for (let r = 0; r < ranges.length; r++) {
      for (const kv of responses[index + r]?.response_range?.kvs ?? []) {
        const full = kv.key.toString("utf8");
        pairs.push([
          full.startsWith(root) ? full.slice(root.length) : full,
          kv.value.toString("utf8"),
        ]);
      }
    }
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const tree = nestedFromPairs(slash(prefixes[s] as string) + prefix, pairs);
    for (const [key, value] of Object.entries(tree)) {
      Object.defineProperty(merged, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return merged;
}

/** One key of a listing, relative to `strip`. */
export function keyValue(kv: IKeyValue, strip: string): EtcdKeyValue {
  const full = kv.key.toString("utf8");
  return {
    key: full.startsWith(strip) ? full.slice(strip.length) : full,
    value: kv.value.toString("utf8"),
    modRevision: Number(kv.mod_revision),
    lease: String(kv.lease ?? "0"),
  };
}

/** The entries of a partial scope map that are set. */
export function definedOnly(
  map: Partial<ScopePrefixMap>,
): Partial<ScopePrefixMap> {
  const out: { global?: string; sgroup?: string; node?: string } = {};
  if (map.global !== undefined) out.global = map.global;
  if (map.sgroup !== undefined) out.sgroup = map.sgroup;
  if (map.node !== undefined) out.node = map.node;
  return out;
}
