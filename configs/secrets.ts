// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Secret configuration fields: {@linkcode secret} marks a schema field
 * (upstream's `BackendAIConfigMeta(secret=True)`), {@linkcode isSecretKey}
 * recognises the usual names, and {@linkcode maskSecrets} replaces both with
 * `"********"` wherever a configuration is printed, logged or put in an
 * error.
 *
 * @module
 */

import { z } from "zod";

/** What a masked value is replaced with. */
export const SECRET_MASK = "********";

/**
 * Marks a schema as secret: its values are masked when the configuration is
 * printed, logged or reported in an error.
 *
 * @example Usage
 * ```ts
 * import { isSecretSchema, secret } from "@backendai/common/configs";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const password = secret(z.string());
 * assert.equal(isSecretSchema(password), true);
 * assert.equal(isSecretSchema(z.string()), false);
 * ```
 *
 * @typeParam T The schema type.
 * @param schema The schema.
 * @returns The same schema, marked (a copy registered with zod's metadata).
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ ...z.globalRegistry.get(schema), secret: true }) as T;
}

/**
 * Whether a schema (or a schema it wraps: optional, nullable, default) was
 * marked with {@linkcode secret}.
 *
 * @example Usage
 * ```ts
 * import { isSecretSchema, secret } from "@backendai/common/configs";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isSecretSchema(secret(z.string()).nullable().default(null)), true);
 * ```
 *
 * @param schema The schema.
 * @returns Whether it is secret.
 */
export function isSecretSchema(schema: z.ZodType): boolean {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 16; depth++) {
    if (
      (z.globalRegistry.get(current) as { secret?: unknown } | undefined)
        ?.secret === true
    ) {
      return true;
    }
    const def =
      (current as unknown as { _zod: { def: Record<string, unknown> } })._zod
        .def;
    current = (def.innerType ?? def.in) as z.ZodType | undefined;
  }
  return false;
}

const SECRET_KEY_REGEXP =
  /^(?:password|passwd|secret|token|credentials?|(?:.*[-_])?(?:password|passwd|secret[-_]key|private[-_]key|api[-_]key|secret|token))$/i;

/**
 * Whether a key names a secret by itself (`password`, `sentinel-password`,
 * `secret_key`, `private-key`, `api_key`, `token`), so a value is masked
 * even when no schema marks it.
 *
 * @example Usage
 * ```ts
 * import { isSecretKey } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isSecretKey("sentinel-password"), true);
 * assert.equal(isSecretKey("secret_key"), true);
 * assert.equal(isSecretKey("token-expiration-seconds"), false);
 * assert.equal(isSecretKey("access-key"), false);
 * ```
 *
 * @param key The key.
 * @returns Whether it names a secret.
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_REGEXP.test(key);
}

/**
 * A copy of a configuration with secrets masked: values under keys that
 * {@linkcode isSecretKey} recognises, and at the given paths (those a
 * schema marked with {@linkcode secret}). A masked value that is `null` or
 * `undefined` stays so (its absence is not a secret).
 *
 * @example Usage
 * ```ts
 * import { maskSecrets } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const config = { etcd: { user: "svc", password: "p" }, jwt: { key: "k" }, list: [{ token: "t" }] };
 * assert.deepEqual(maskSecrets(config, [["jwt", "key"]]), {
 *   etcd: { user: "svc", password: "********" },
 *   jwt: { key: "********" },
 *   list: [{ token: "********" }],
 * });
 * assert.equal(config.etcd.password, "p");
 * ```
 *
 * @param value The configuration.
 * @param secretPaths Paths to mask besides the recognised keys.
 * @returns The masked copy.
 */
export function maskSecrets(
  value: unknown,
  secretPaths: Iterable<readonly string[]> = [],
): unknown {
  const paths = new Set<string>();
  for (const path of secretPaths) paths.add(path.join("\0"));
  const walk = (node: unknown, path: string[]): unknown => {
    if (Array.isArray(node)) {
      return node.map((item, i) => walk(item, [...path, String(i)]));
    }
    if (typeof node !== "object" || node === null) return node;
    if (!isPlain(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) {
      const child = [...path, key];
      const masked = (isSecretKey(key) || paths.has(child.join("\0"))) &&
        item !== null && item !== undefined;
      Object.defineProperty(out, key, {
        value: masked ? SECRET_MASK : walk(item, child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(value, []);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
