// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: upstream's key layout (`etcd.py`): scope prefixes, key mangling,
// flattening nested objects for `putPrefix` and rebuilding them for
// `getPrefix`. Pure functions, tested directly.

import { pythonFloatRepr } from "../../_python_float.ts";
import { quote, unquote } from "../../utils.ts";

/** A nested object of strings, as `putPrefix` takes and `getPrefix` returns. */
export interface NestedStrings {
  /** A leaf value or a nested object. */
  [key: string]: string | NestedStrings;
}

/** Upstream `_slash`: `""` stays empty, else one trailing `/`. */
export function slash(value: string): string {
  return value.length > 0 ? value.replace(/\/+$/, "") + "/" : "";
}

/**
 * Upstream `_mangle_key(f"{_slash(scope_prefix)}{key}")`: one leading `/` of
 * the joined key is dropped, then `/sorna/{namespace}/` is put in front.
 */
export function mangleKey(
  namespace: string,
  scopePrefix: string,
  key: string,
): string {
  let joined = slash(scopePrefix) + key;
  if (joined.startsWith("/")) joined = joined.slice(1);
  return `/sorna/${namespace}/${joined}`;
}

/**
 * Upstream `_flatten_nested_dict`: `{a: {b: "1"}}` under `p` becomes
 * `p/a/b = 1`, each key quoted with `quote(k, "")`; the key `""` maps to the
 * parent key itself; an empty object writes nothing.
 */
export function flattenNested(
  prefix: string,
  tree: Readonly<Record<string, unknown>>,
  out: Map<string, string> = new Map(),
): Map<string, string> {
  for (const [key, value] of Object.entries(tree)) {
    const flat = key === "" ? prefix : `${prefix}/${quote(key, "")}`;
    if (isTree(value)) {
      flattenNested(flat, value, out);
    } else {
      out.set(flat, valueText(value));
    }
  }
  return out;
}

/** Whether a value is a nested object rather than a leaf. */
export function isTree(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Upstream's `str(val)` for the leaves we accept: strings as they are,
 * numbers, bigints and booleans as Python prints them.
 */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
    default:
      return String(value);
  }
}

/**
 * Upstream `make_dict_from_pairs`: keys under `prefix` (already relative to
 * the namespace and sorted) become a nested object; path components are
 * unquoted; a key that has both a value and children becomes
 * `{"": value, child: ...}`. Keys outside the prefix are skipped.
 */
export function nestedFromPairs(
  prefix: string,
  pairs: Iterable<readonly [string, string]>,
): NestedStrings {
  const result: NestedStrings = {};
  for (const [key, value] of pairs) {
    if (!key.startsWith(prefix)) continue;
    let subkey = key.slice(prefix.length);
    if (subkey.startsWith("/")) subkey = subkey.slice(1);
    const components = subkey.split("/");
    let parent: NestedStrings = result;
    for (let i = 0; i < components.length - 1; i++) {
      const component = unquote(components[i] as string);
      const existing = Object.hasOwn(parent, component)
        ? parent[component]
        : undefined;
      if (existing === undefined) {
        const child: NestedStrings = {};
        defineKey(parent, component, child);
        parent = child;
      } else if (typeof existing === "string") {
        const child: NestedStrings = {};
        defineKey(child, "", existing);
        defineKey(parent, component, child);
        parent = child;
      } else {
        parent = existing;
      }
    }
    const leaf = unquote(components[components.length - 1] as string);
    const existing = Object.hasOwn(parent, leaf) ? parent[leaf] : undefined;
    if (existing !== undefined && typeof existing !== "string") {
      // A child sorted before its parent's own value (not possible with
      // etcd's byte order, kept for safety): keep the children.
      defineKey(existing, "", value);
    } else {
      defineKey(parent, leaf, value);
    }
  }
  return result;
}

/** Sets an own property, `__proto__` included, without touching prototypes. */
function defineKey(
  target: NestedStrings,
  key: string,
  value: string | NestedStrings,
): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * The byte range etcd uses for "every key starting with `prefix`": from the
 * prefix to the prefix with its last byte below 0xff incremented (`\0` when
 * the prefix is all 0xff, meaning "to the end").
 */
export function prefixRangeEnd(prefix: Uint8Array): Uint8Array {
  const end = new Uint8Array(prefix); // a copy: Buffer#slice would be a view
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.slice(0, i + 1);
    }
  }
  return new Uint8Array([0]);
}
