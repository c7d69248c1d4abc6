// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Upstream's configuration shape of a Redis (TOML files and etcd,
 * `configs/redis.py`) as {@linkcode ValkeyTarget}s, without losing a field:
 * {@linkcode valkeyTargetFromConfig} reads one section, and
 * {@linkcode ValkeyProfileTarget} adds per-role `override_configs`.
 *
 * @example A Sentinel configuration as upstream writes it, to a connection
 * ```ts
 * import { valkeyOptions, ValkeyProfileTarget } from "@backendai/common/clients/valkey";
 * import { RedisRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const profile = ValkeyProfileTarget.fromConfig({
 *   sentinel: "10.0.0.1:26379,10.0.0.2:26379",
 *   service_name: "mymaster",
 *   password: "secret",
 *   request_timeout: 1000,
 *   override_configs: { stream: { addr: "redis-stream:6379" } },
 * });
 * const options = valkeyOptions(profile.profileTarget(RedisRole.LIVE));
 * assert.equal(options.sentinels?.length, 2);
 * assert.equal(options.name, "mymaster");
 * assert.equal(profile.profileTarget(RedisRole.LIVE).requestTimeoutMs, 1000);
 * assert.equal(valkeyOptions(profile.profileTarget(RedisRole.STREAM)).host, "redis-stream");
 * ```
 *
 * @module
 */

import type { RedisRole } from "../../types.ts";
import {
  overrideSections,
  pick,
  readConfig,
  sectionToValkeyTarget,
} from "./_config_reader.ts";
import type { ValkeyTarget } from "./target.ts";

/**
 * A base {@linkcode ValkeyTarget} plus per-role overrides (upstream
 * `ValkeyProfileTarget`).
 *
 * @example Usage
 * ```ts
 * import { ValkeyProfileTarget } from "@backendai/common/clients/valkey";
 * import { RedisRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const profile = new ValkeyProfileTarget(
 *   { addr: "redis:6379" },
 *   { stream: { addr: "redis-stream:6379" } },
 * );
 * assert.equal(profile.profileTarget(RedisRole.STREAM).addr, "redis-stream:6379");
 * assert.equal(profile.profileTarget(RedisRole.TUS).addr, "redis:6379");
 * ```
 */
export class ValkeyProfileTarget {
  /** The target of roles without an override. */
  readonly baseTarget: ValkeyTarget;
  /** The overrides, keyed by role. */
  readonly overrideTargets:
    | Readonly<Partial<Record<RedisRole | string, ValkeyTarget>>>
    | undefined;

  /**
   * Makes a profile target.
   *
   * @param baseTarget The target of roles without an override.
   * @param overrideTargets The overrides, keyed by role.
   */
  constructor(
    baseTarget: ValkeyTarget,
    overrideTargets?: Readonly<
      Partial<Record<RedisRole | string, ValkeyTarget>>
    >,
  ) {
    this.baseTarget = baseTarget;
    this.overrideTargets = overrideTargets;
  }

  /**
   * Reads upstream's Redis configuration with per-role `override_configs`
   * (upstream `RedisConfig.to_valkey_profile_target`), each section as
   * {@linkcode valkeyTargetFromConfig} reads it.
   *
   * @param config The configuration object.
   * @returns The profile.
   * @throws {InvalidAPIParameters} When a field has the wrong type or an
   * address is malformed; `data.field` names it.
   *
   * @example Usage
   * ```ts
   * import { ValkeyProfileTarget } from "@backendai/common/clients/valkey";
   * import assert from "node:assert/strict";
   *
   * const profile = ValkeyProfileTarget.fromConfig({
   *   addr: "redis:6379",
   *   override_configs: { bgtask: { addr: "redis-bg:6380", request_timeout: 500 } },
   * });
   * assert.equal(profile.profileTarget("bgtask").requestTimeoutMs, 500);
   * assert.equal(profile.profileTarget("live").addr, "redis:6379");
   * ```
   */
  static fromConfig(
    config: Readonly<Record<string, unknown>>,
  ): ValkeyProfileTarget {
    const base = valkeyTargetFromConfig(config);
    if (pick(config, "override_configs") === undefined) {
      return new ValkeyProfileTarget(base);
    }
    const overrides: Record<string, ValkeyTarget> = {};
    for (const [role, section] of overrideSections(config)) {
      overrides[role] = sectionToValkeyTarget(
        readConfig(section, `override_configs.${role}`),
      );
    }
    return new ValkeyProfileTarget(base, overrides);
  }

  /**
   * The target for a role: its override if present, else the base target.
   *
   * @param role The role.
   * @returns The target.
   *
   * @example Usage
   * ```ts
   * import { ValkeyProfileTarget } from "@backendai/common/clients/valkey";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new ValkeyProfileTarget({ addr: "r:1" }).profileTarget("live").addr, "r:1");
   * ```
   */
  profileTarget(role: RedisRole): ValkeyTarget {
    return this.overrideTargets?.[role] ?? this.baseTarget;
  }
}

/**
 * Reads one Redis section of upstream's configuration (TOML or etcd;
 * `configs/redis.py` `SingleRedisConfig`) into a {@linkcode ValkeyTarget},
 * keeping every field: `addr` (`"h:p"`, `[h, p]` or `{host, port}`),
 * `sentinel` (`"h:p,h:p"` or a list of addresses), `service_name`,
 * `password`, `sentinel_password`, `request_timeout` (milliseconds),
 * `use_tls` and `tls_skip_verify`. Keys may be snake_case or kebab-case, as
 * upstream accepts; `redis_helper_config` is read and checked but belongs to
 * the legacy helper (its `socket_timeout` is the command timeout when
 * `request_timeout` is absent), and
 * `override_configs` is for {@linkcode ValkeyProfileTarget.fromConfig}.
 * Upstream's own conversion drops `use_tls` and `tls_skip_verify`; this one
 * keeps them.
 *
 * @param config The configuration section.
 * @returns The target.
 * @throws {InvalidAPIParameters} When a field has the wrong type or an
 * address is malformed; `data.field` names it.
 *
 * @example Usage
 * ```ts
 * import { valkeyTargetFromConfig } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(valkeyTargetFromConfig({
 *   sentinel: [{ host: "s1", port: 26379 }, "s2:26379"],
 *   "service-name": "mymaster",
 *   request_timeout: 1000,
 *   use_tls: true,
 * }), {
 *   sentinels: ["s1:26379", "s2:26379"],
 *   serviceName: "mymaster",
 *   requestTimeoutMs: 1000,
 *   useTls: true,
 *   tlsSkipVerify: false,
 * });
 * assert.throws(() => valkeyTargetFromConfig({ request_timeout: "1s" }), /request_timeout/);
 * ```
 */
export function valkeyTargetFromConfig(
  config: Readonly<Record<string, unknown>>,
): ValkeyTarget {
  return sectionToValkeyTarget(readConfig(config, ""));
}
