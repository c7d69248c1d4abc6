// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The etcd client of upstream's `AsyncEtcd` (`etcd.py`), on npm `etcd3`
 * (gRPC), which runs the same on Deno, Node and Bun:
 * {@linkcode AsyncEtcd} keeps upstream's key layout (`/sorna/{namespace}/`,
 * scopes global / sgroup / node read merged, Python-compatible quoting in
 * `putPrefix` and `getPrefix`), adds leases kept alive
 * ({@linkcode EtcdLease}) and watches that survive restarts
 * ({@linkcode EtcdWatch}), runs every call under a resilience policy and
 * throws only `BackendAIError`s naming the key. Prefix reads, deletes and
 * watches match `prefix` and `prefix/...` only (upstream's raw match also
 * takes `prefixzzz`).
 *
 * ```ts
 * import { AsyncEtcd, readScopePrefixes } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * await using etcd = new AsyncEtcd({
 *   addrs: "127.0.0.1:2379",
 *   namespace: "local",
 *   scopePrefixMap: { global: "", node: "nodes/agents/i-1" },
 * });
 * assert.equal(etcd.fullKey("config/redis/addr"), "/sorna/local/config/redis/addr");
 * assert.deepEqual(readScopePrefixes(etcd.scopePrefixMap, "merged"), ["nodes/agents/i-1", ""]);
 * ```
 *
 * @module
 */

export * from "./scopes.ts";
export * from "./errors.ts";
export * from "./lease.ts";
export * from "./watch.ts";
export * from "./options.ts";
export * from "./client.ts";
