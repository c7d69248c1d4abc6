// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode safePrintRedisConfig}: a Redis configuration or target as JSON
 * for logs, with every password masked.
 *
 * @module
 */

import { maskUserinfo } from "./_userinfo.ts";
import { RedisProfileTarget, type RedisTarget } from "./redis_target.ts";
import type { ValkeyTarget } from "./target.ts";
import { ValkeyProfileTarget } from "./valkey_profile.ts";

/**
 * The text that replaces passwords in printed Redis configurations.
 *
 * @example Usage
 * ```ts
 * import { REDIS_PASSWORD_MASK } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_PASSWORD_MASK, "********");
 * ```
 */
export const REDIS_PASSWORD_MASK = "********";

const PASSWORD_KEYS: ReadonlySet<string> = new Set([
  "password",
  "sentinel_password",
  "sentinel-password",
  "sentinelPassword",
]);
const OVERRIDE_KEYS: ReadonlySet<string> = new Set([
  "override_configs",
  "override-configs",
  "overrideConfigs",
  "overrideTargets",
]);

/** A `redis://user:password@host` URL with the password masked. */
function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== "") {
      url.password = REDIS_PASSWORD_MASK;
      return url.href;
    }
  } catch {
    // Unparsable: handled below.
  }
  // Unparsable, or parsed without a password although it has an `@` (an
  // unencoded `#`, `/` or `?` in the password moves the rest elsewhere):
  // the password cannot be told from the user, so both are masked.
  return maskUserinfo(text, REDIS_PASSWORD_MASK);
}

function maskPasswords(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  const json = value as { toJSON?: () => unknown };
  if (typeof json.toJSON === "function") return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (PASSWORD_KEYS.has(key) && field !== undefined && field !== null) {
      out[key] = REDIS_PASSWORD_MASK;
    } else if (key === "url" && typeof field === "string") {
      out[key] = maskUrl(field);
    } else if (
      OVERRIDE_KEYS.has(key) && typeof field === "object" && field !== null
    ) {
      const overrides: Record<string, unknown> = {};
      for (const [role, section] of Object.entries(field)) {
        overrides[role] = maskPasswords(section);
      }
      out[key] = overrides;
    } else {
      out[key] = field;
    }
  }
  return out;
}

/**
 * Renders a Redis configuration as JSON for logging, with every password and
 * Sentinel password (also those in the per-role overrides, and the password
 * of a `url`) replaced by {@linkcode REDIS_PASSWORD_MASK}. Absent passwords
 * stay absent. The input is not modified. Accepts plain configuration
 * objects (snake_case, kebab-case or camelCase keys), {@linkcode ValkeyTarget}s
 * and the profile and legacy target classes.
 *
 * @param config The configuration.
 * @returns The masked JSON text.
 *
 * @example Usage
 * ```ts
 * import { safePrintRedisConfig } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const text = safePrintRedisConfig({
 *   addr: "redis:6379",
 *   password: "hunter2",
 *   override_configs: { stream: { addr: "s:6379", sentinel_password: "x" } },
 * });
 * assert.ok(!text.includes("hunter2"));
 * assert.deepEqual(JSON.parse(text), {
 *   addr: "redis:6379",
 *   password: "********",
 *   override_configs: { stream: { addr: "s:6379", sentinel_password: "********" } },
 * });
 * assert.ok(!safePrintRedisConfig({ url: "redis://:hunter2@r:6379/4" }).includes("hunter2"));
 * ```
 */
export function safePrintRedisConfig(
  config:
    | Readonly<Record<string, unknown>>
    | ValkeyTarget
    | RedisTarget
    | RedisProfileTarget
    | ValkeyProfileTarget,
): string {
  if (
    config instanceof RedisProfileTarget ||
    config instanceof ValkeyProfileTarget
  ) {
    const overrides: Record<string, unknown> = {};
    for (const [role, target] of Object.entries(config.overrideTargets ?? {})) {
      overrides[role] = maskPasswords({ ...target });
    }
    return JSON.stringify({
      ...(maskPasswords({ ...config.baseTarget }) as Record<string, unknown>),
      overrideTargets: overrides,
    });
  }
  return JSON.stringify(maskPasswords({ ...config }));
}
