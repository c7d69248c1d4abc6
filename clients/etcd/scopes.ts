// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Configuration scopes (upstream `ConfigScopes`) and the map from a scope to
 * its key prefix under `/sorna/{namespace}/`.
 *
 * @module
 */

import { InvalidAPIParameters } from "../../exception.ts";

/**
 * Where a key lives: `global` for the whole cluster, `sgroup` for a scaling
 * group, `node` for one node; `merged` reads node over sgroup over global
 * (upstream `ConfigScopes.MERGED/GLOBAL/SGROUP/NODE`).
 *
 * @example Usage
 * ```ts
 * import { ConfigScopes } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ConfigScopes.GLOBAL, "global");
 * ```
 */
export const ConfigScopes = {
  MERGED: "merged",
  GLOBAL: "global",
  SGROUP: "sgroup",
  NODE: "node",
} as const;
/** One of the {@linkcode ConfigScopes}. */
export type ConfigScope = typeof ConfigScopes[keyof typeof ConfigScopes];

/**
 * The key prefix of each scope: `global` is required (an empty string is the
 * namespace itself, as upstream's manager uses); `sgroup` and `node` are
 * optional (upstream's agent uses `node: "nodes/agents/{agent_id}"`).
 */
export interface ScopePrefixMap {
  /** The prefix of global keys; `""` for none. */
  readonly global: string;
  /**
   * The prefix of the scaling group's keys.
   *
   * @default {undefined}
   */
  readonly sgroup?: string | undefined;
  /**
   * The prefix of this node's keys.
   *
   * @default {undefined}
   */
  readonly node?: string | undefined;
}

/**
 * Checks a scope map as upstream's constructor does: `global` is a string
 * (blank allowed), `sgroup` and `node`, when given, are strings.
 *
 * @example Usage
 * ```ts
 * import { checkScopePrefixMap } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkScopePrefixMap({ global: "", node: "nodes/agents/i-1" }), {
 *   global: "",
 *   node: "nodes/agents/i-1",
 * });
 * assert.throws(() => checkScopePrefixMap({} as never), /global/);
 * ```
 *
 * @param map The map.
 * @returns A frozen copy without undefined entries.
 * @throws {InvalidAPIParameters} When `global` is missing or a prefix is not
 * a string.
 */
export function checkScopePrefixMap(map: ScopePrefixMap): ScopePrefixMap {
  const out: { global: string; sgroup?: string; node?: string } = {
    global: "",
  };
  for (const scope of ["global", "sgroup", "node"] as const) {
    const value = (map as unknown as Record<string, unknown>)?.[scope];
    if (value === undefined && scope !== "global") continue;
    if (typeof value !== "string") {
      throw new InvalidAPIParameters(
        `Invalid etcd scope prefix map: "${scope}" must be a string`,
        { data: { field: `scopePrefixMap.${scope}`, value } },
      );
    }
    out[scope] = value;
  }
  return Object.freeze(out);
}

/**
 * The prefixes a read searches, highest precedence first, as upstream's
 * `get` and `get_prefix`: `merged` and `node` search node, sgroup, global;
 * `sgroup` searches sgroup, global; `global` only global. Scopes missing
 * from the map are skipped.
 *
 * @example Usage
 * ```ts
 * import { readScopePrefixes } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * const map = { global: "", sgroup: "sgroup/default", node: "node/test" };
 * assert.deepEqual(readScopePrefixes(map, "merged"), ["node/test", "sgroup/default", ""]);
 * assert.deepEqual(readScopePrefixes(map, "sgroup"), ["sgroup/default", ""]);
 * ```
 *
 * @param map The scope map.
 * @param scope The scope read.
 * @returns The prefixes in precedence order.
 * @throws {InvalidAPIParameters} When the scope is unknown.
 */
export function readScopePrefixes(
  map: ScopePrefixMap,
  scope: ConfigScope,
): string[] {
  const prefixes = [map.global];
  switch (scope) {
    case "merged":
    case "node":
      if (map.sgroup !== undefined) prefixes.unshift(map.sgroup);
      if (map.node !== undefined) prefixes.unshift(map.node);
      return prefixes;
    case "sgroup":
      if (map.sgroup !== undefined) prefixes.unshift(map.sgroup);
      return prefixes;
    case "global":
      return prefixes;
    default:
      throw new InvalidAPIParameters(`Invalid etcd scope "${String(scope)}"`, {
        data: { field: "scope", value: scope },
      });
  }
}

/**
 * The prefix a write uses: the scope's own entry. Writing to `merged`, or to
 * a scope missing from the map, is refused (upstream raises `KeyError`).
 *
 * @example Usage
 * ```ts
 * import { writeScopePrefix } from "@backendai/common/clients/etcd";
 * import assert from "node:assert/strict";
 *
 * assert.equal(writeScopePrefix({ global: "", node: "node/x" }, "node"), "node/x");
 * assert.throws(() => writeScopePrefix({ global: "" }, "sgroup"), /sgroup/);
 * ```
 *
 * @param map The scope map.
 * @param scope The scope written.
 * @returns The prefix.
 * @throws {InvalidAPIParameters} When the map has no prefix for the scope.
 */
export function writeScopePrefix(
  map: ScopePrefixMap,
  scope: ConfigScope,
): string {
  const prefix = scope === "global"
    ? map.global
    : scope === "sgroup"
    ? map.sgroup
    : scope === "node"
    ? map.node
    : undefined;
  if (prefix === undefined) {
    throw new InvalidAPIParameters(
      `Cannot write to etcd scope "${
        String(scope)
      }": the scope prefix map has no entry for it`,
      { data: { field: "scope", value: scope } },
    );
  }
  return prefix;
}
