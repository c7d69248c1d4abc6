// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Nested data as upstream handles it: {@linkcode nmget}, {@linkcode deepMerge}
 * (upstream's list and null rules) and {@linkcode dict2kvlist}.
 *
 * @module
 */

/** Options for {@linkcode nmget}. */
export interface NmgetOptions {
  /**
   * What to return when the path is missing (or ends in `null`, see
   * {@linkcode NmgetOptions.nullAsDefault}).
   *
   * @default {undefined}
   */
  default?: unknown;
  /**
   * The separator of path segments.
   *
   * @default {"."}
   */
  delimiter?: string | undefined;
  /**
   * Whether a `null` (or `undefined`) value at the end of the path gives the
   * default; when `false` a `null` found there is returned as is. A `null` in
   * the middle of the path always gives the default.
   *
   * @default {true}
   */
  nullAsDefault?: boolean | undefined;
}

const ARRAY_INDEX_REGEXP = /^(?:0|[1-9][0-9]*)$/;

/**
 * Reads a nested value by a delimited path, as upstream's `nmget`: at each
 * level the segment must be an own key of the current object, else the
 * default is returned. Array elements can be reached by index (`"list.0"`),
 * which upstream (that checks `key in list` by value) cannot do.
 *
 * @example Usage
 * ```ts
 * import { nmget } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const config = { redis: { addr: "127.0.0.1:6379", password: null } };
 * assert.equal(nmget(config, "redis.addr"), "127.0.0.1:6379");
 * assert.equal(nmget(config, "redis.db", { default: 0 }), 0);
 * assert.equal(nmget(config, "redis.password", { default: "" }), "");
 * assert.equal(nmget(config, "redis.password", { default: "", nullAsDefault: false }), null);
 * assert.equal(nmget(config, "redis/addr", { delimiter: "/" }), "127.0.0.1:6379");
 * ```
 *
 * @param obj The object to read.
 * @param path The path, segments separated by the delimiter.
 * @param options The default, the delimiter and the null rule.
 * @returns The value, or the default.
 */
export function nmget(
  obj: unknown,
  path: string,
  options: NmgetOptions = {},
): unknown {
  const { delimiter = ".", nullAsDefault = true } = options;
  let current: unknown = obj;
  for (const key of path.split(delimiter)) {
    if (
      current === null || typeof current !== "object" ||
      !Object.hasOwn(current, key) ||
      (Array.isArray(current) && !ARRAY_INDEX_REGEXP.test(key))
    ) {
      return options.default;
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) return options.default;
  if (current === null && nullAsDefault) return options.default;
  return current;
}

/** Keys that could reach `Object.prototype` when copied with `obj[key] = v`. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Copies plain objects and arrays all the way down; other values are shared. */
function copyTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyTree);
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!UNSAFE_KEYS.has(key)) copy[key] = copyTree(item);
  }
  return copy;
}

function mergeValue(base: unknown, override: unknown): unknown {
  if (override === null || override === undefined) return base;
  if (isPlainObject(base) && isPlainObject(override)) {
    return mergeObjects(base, override);
  }
  if (Array.isArray(base) && Array.isArray(override)) {
    const length = Math.max(base.length, override.length);
    const merged: unknown[] = [];
    for (let i = 0; i < length; i++) {
      if (i >= override.length) merged.push(base[i]);
      else if (i >= base.length) merged.push(copyTree(override[i]));
      else merged.push(mergeValue(base[i], override[i]));
    }
    return merged;
  }
  return copyTree(override);
}

/** `base` is already a fresh copy owned by the merge; `override` is not. */
function mergeObjects(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (UNSAFE_KEYS.has(key)) continue;
    if (Object.hasOwn(result, key)) {
      result[key] = mergeValue(result[key], value);
    } else if (value !== undefined) {
      result[key] = copyTree(value);
    }
  }
  return result;
}

/**
 * Merges plain objects as upstream's `deep_merge(*maps)`:
 *
 * - later objects win, and nested plain objects merge recursively;
 * - arrays merge index by index: objects at the same index merge, arrays
 *   recurse, otherwise the later element wins; the longer array's tail is kept;
 * - a `null` or `undefined` override keeps the earlier value (a `null` with no
 *   earlier value is kept as `null`).
 *
 * The result is a fresh tree: plain objects and arrays are copied, so neither
 * mutating the result nor mutating an input affects the other (class instances
 * such as `Date` are shared). Keys `__proto__`, `constructor` and `prototype`
 * are dropped at every level, so merging parsed JSON cannot pollute prototypes.
 *
 * @example Usage
 * ```ts
 * import { deepMerge } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const merged = deepMerge(
 *   { db: { host: "a", port: 1 }, list: [{ x: 1 }, 2], keep: "me" },
 *   { db: { port: 2 }, list: [{ y: 2 }], keep: null },
 * );
 * assert.deepEqual(merged, {
 *   db: { host: "a", port: 2 },
 *   list: [{ x: 1, y: 2 }, 2],
 *   keep: "me",
 * });
 * ```
 *
 * @param maps The objects to merge, lowest priority first.
 * @returns A new merged object.
 */
export function deepMerge(
  ...maps: ReadonlyArray<Readonly<Record<string, unknown>>>
): Record<string, unknown> {
  let result: Record<string, unknown> = {};
  for (const map of maps) result = mergeObjects(result, map);
  return result;
}

/**
 * Flattens an object or map into `[key1, value1, key2, value2, ...]`, as
 * upstream's `dict2kvlist` (handy for Redis `HSET key k1 v1 k2 v2`).
 *
 * @example Usage
 * ```ts
 * import { dict2kvlist } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(dict2kvlist({ a: 1, b: 2 }), ["a", 1, "b", 2]);
 * assert.deepEqual(dict2kvlist(new Map([["x", "y"]])), ["x", "y"]);
 * ```
 *
 * @typeParam K The key type.
 * @typeParam V The value type.
 * @param obj The object (own enumerable string keys) or map.
 * @returns The keys and values, interleaved in insertion order.
 */
export function dict2kvlist<K extends string, V>(
  obj: Readonly<Record<K, V>> | ReadonlyMap<K, V>,
): Array<K | V> {
  const entries: Iterable<readonly [K, V]> = obj instanceof Map
    ? obj.entries()
    : Object.entries(obj) as Array<[K, V]>;
  const out: Array<K | V> = [];
  for (const [key, value] of entries) out.push(key, value);
  return out;
}
