// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Upstream's legacy Redis targets: {@linkcode RedisTarget} and
 * {@linkcode RedisProfileTarget} (per-role overrides), read from
 * configuration with `fromConfig()` and turned into the one
 * {@linkcode ValkeyTarget} with `toValkeyTarget()` without losing a field.
 *
 * @module
 */

import type { HostPortPair, RedisRole } from "../../types.ts";
import {
  overrideSections,
  pick,
  readConfig,
  sectionToValkeyTarget,
} from "./_config_reader.ts";
import type { ValkeyTarget } from "./target.ts";
import { ValkeyProfileTarget } from "./valkey_profile.ts";

/** Timeouts and pool limits of the legacy Redis helper (upstream `RedisHelperConfig`), in seconds. */
export interface RedisHelperConfig {
  /**
   * Socket operation timeout in seconds; {@linkcode RedisTarget.toValkeyTarget}
   * makes it the command timeout.
   *
   * @default {undefined}
   */
  socketTimeout?: number;
  /**
   * Connect timeout in seconds.
   *
   * @default {undefined}
   */
  socketConnectTimeout?: number;
  /**
   * Delay between reconnection attempts in seconds.
   *
   * @default {undefined}
   */
  reconnectPollTimeout?: number;
  /**
   * Maximum connections in the pool.
   *
   * @default {undefined}
   */
  maxConnections?: number;
  /**
   * How long to wait for a pooled connection, in seconds.
   *
   * @default {undefined}
   */
  connectionReadyTimeout?: number;
}

/** Options for {@linkcode RedisTarget}. */
export interface RedisTargetOptions {
  /**
   * The server.
   *
   * @default {undefined}
   */
  addr?: HostPortPair | undefined;
  /**
   * Sentinel servers, as a list or a comma-separated `"h:p,h:p"` string.
   *
   * @default {undefined}
   */
  sentinel?: string | readonly HostPortPair[] | undefined;
  /**
   * The Sentinel service (master) name.
   *
   * @default {undefined}
   */
  serviceName?: string | undefined;
  /**
   * The server password.
   *
   * @default {undefined}
   */
  password?: string | undefined;
  /**
   * The Sentinel password.
   *
   * @default {undefined}
   */
  sentinelPassword?: string | undefined;
  /**
   * Legacy helper timeouts.
   *
   * @default {undefined}
   */
  redisHelperConfig?: RedisHelperConfig | undefined;
  /**
   * Upstream's `request_timeout` in milliseconds, which its legacy target
   * drops; kept here so that a configuration read through
   * {@linkcode RedisProfileTarget.fromConfig} loses nothing.
   *
   * @default {undefined}
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Whether to connect with TLS.
   *
   * @default {false}
   */
  useTls?: boolean | undefined;
  /**
   * Whether to skip TLS certificate verification.
   *
   * @default {false}
   */
  tlsSkipVerify?: boolean | undefined;
}

/**
 * Where a Redis client connects, in upstream's legacy form (`RedisTarget`).
 *
 * @example To the one target type, Sentinels and timeout included
 * ```ts
 * import { RedisTarget, valkeyOptions } from "@backendai/common/clients/valkey";
 * import { HostPortPair } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const target = new RedisTarget({
 *   sentinel: "s1:26379, s2:26379",
 *   serviceName: "mymaster",
 *   redisHelperConfig: { socketTimeout: 5 },
 * });
 * assert.deepEqual(target.toValkeyTarget(), {
 *   sentinels: ["s1:26379", "s2:26379"],
 *   serviceName: "mymaster",
 *   requestTimeoutMs: 5000,
 *   useTls: false,
 *   tlsSkipVerify: false,
 * });
 * assert.equal(valkeyOptions(target.toValkeyTarget()).sentinels?.length, 2);
 * const single = new RedisTarget({ addr: HostPortPair.parse("[::1]:6379") });
 * assert.equal(single.toValkeyTarget().addr, "::1:6379");
 * ```
 */
export class RedisTarget {
  /** The server. */
  readonly addr: HostPortPair | undefined;
  /** Sentinel servers, as given. */
  readonly sentinel: string | readonly HostPortPair[] | undefined;
  /** The Sentinel service name. */
  readonly serviceName: string | undefined;
  /** The server password. */
  readonly password: string | undefined;
  /** The Sentinel password. */
  readonly sentinelPassword: string | undefined;
  /** Legacy helper timeouts. */
  readonly redisHelperConfig: RedisHelperConfig | undefined;
  /** Upstream's `request_timeout`, in milliseconds. */
  readonly requestTimeoutMs: number | undefined;
  /** Whether to connect with TLS. */
  readonly useTls: boolean;
  /** Whether to skip TLS certificate verification. */
  readonly tlsSkipVerify: boolean;

  /**
   * Makes a target.
   *
   * @param options The connection settings.
   */
  constructor(options: RedisTargetOptions = {}) {
    this.addr = options.addr;
    this.sentinel = options.sentinel;
    this.serviceName = options.serviceName;
    this.password = options.password;
    this.sentinelPassword = options.sentinelPassword;
    this.redisHelperConfig = options.redisHelperConfig;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.useTls = options.useTls ?? false;
    this.tlsSkipVerify = options.tlsSkipVerify ?? false;
  }

  /**
   * Converts to a {@linkcode ValkeyTarget} that keeps every setting:
   * addresses as upstream's bracket-free `"host:port"`, the sentinel string
   * split at commas (entries trimmed, empty ones dropped), `requestTimeoutMs`
   * (or else the helper's `socketTimeout`, in milliseconds) as the command
   * timeout. Upstream's own conversion drops the timeout; absent settings are
   * left out.
   *
   * @returns The target.
   *
   * @example Usage
   * ```ts
   * import { RedisTarget } from "@backendai/common/clients/valkey";
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const t = new RedisTarget({ addr: HostPortPair.parse("redis:6379"), password: "pw" });
   * assert.deepEqual(t.toValkeyTarget(), { addr: "redis:6379", password: "pw", useTls: false, tlsSkipVerify: false });
   * ```
   */
  toValkeyTarget(): ValkeyTarget {
    return sectionToValkeyTarget(this);
  }
}

/** Options for {@linkcode RedisProfileTarget}. */
export interface RedisProfileTargetOptions extends RedisTargetOptions {
  /**
   * Targets that replace the base target for some roles, keyed by
   * {@linkcode RedisRole} value.
   *
   * @default {undefined}
   */
  overrideTargets?:
    | Readonly<Partial<Record<RedisRole | string, RedisTarget>>>
    | undefined;
}

/**
 * A base {@linkcode RedisTarget} plus per-role overrides (upstream
 * `RedisProfileTarget`).
 *
 * @example Pick the target of a role
 * ```ts
 * import { RedisProfileTarget, RedisTarget } from "@backendai/common/clients/valkey";
 * import { HostPortPair, RedisRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const profile = new RedisProfileTarget({
 *   addr: HostPortPair.parse("redis:6379"),
 *   overrideTargets: { stream: new RedisTarget({ addr: HostPortPair.parse("redis-stream:6379") }) },
 * });
 * assert.equal(profile.profileTarget(RedisRole.STREAM).addr?.address, "redis-stream:6379");
 * assert.equal(profile.profileTarget(RedisRole.LIVE).addr?.address, "redis:6379");
 * ```
 */
export class RedisProfileTarget {
  /** The target of roles without an override. */
  readonly baseTarget: RedisTarget;
  /** The overrides, keyed by role. */
  readonly overrideTargets:
    | Readonly<Partial<Record<RedisRole | string, RedisTarget>>>
    | undefined;

  /**
   * Makes a profile target.
   *
   * @param options The base target's settings and the overrides.
   */
  constructor(options: RedisProfileTargetOptions = {}) {
    const { overrideTargets, ...base } = options;
    this.baseTarget = new RedisTarget(base);
    this.overrideTargets = overrideTargets;
  }

  /**
   * Reads a Redis configuration as found in TOML or etcd (see
   * {@linkcode valkeyTargetFromConfig} for the accepted forms), with
   * `override_configs` keyed by role. Unlike upstream's `from_dict`, this keeps
   * `use_tls` and `tls_skip_verify`.
   *
   * @param config The configuration object.
   * @returns The profile target.
   * @throws {InvalidAPIParameters} When a field has the wrong type or an
   * address is malformed; `data.field` names it (e.g.
   * `override_configs.live.addr`).
   *
   * @example Usage
   * ```ts
   * import { RedisProfileTarget } from "@backendai/common/clients/valkey";
   * import assert from "node:assert/strict";
   *
   * const profile = RedisProfileTarget.fromConfig({
   *   addr: "redis:6379",
   *   password: "pw",
   *   override_configs: { bgtask: { addr: { host: "redis-bg", port: 6380 } } },
   * });
   * assert.equal(profile.profileTarget("bgtask").addr?.address, "redis-bg:6380");
   * assert.equal(profile.profileTarget("live").password, "pw");
   * ```
   */
  static fromConfig(
    config: Readonly<Record<string, unknown>>,
  ): RedisProfileTarget {
    const overrides: Record<string, RedisTarget> = {};
    for (const [role, section] of overrideSections(config)) {
      overrides[role] = new RedisTarget(
        readConfig(section, `override_configs.${role}`),
      );
    }
    const options: RedisProfileTargetOptions = readConfig(config, "");
    if (pick(config, "override_configs") !== undefined) {
      options.overrideTargets = overrides;
    }
    return new RedisProfileTarget(options);
  }

  /**
   * The target for a role: its override if present, else the base target.
   *
   * @param role The role.
   * @returns The target.
   *
   * @example Usage
   * ```ts
   * import { RedisProfileTarget } from "@backendai/common/clients/valkey";
   * import { RedisRole } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const profile = new RedisProfileTarget({ serviceName: "mymaster" });
   * assert.equal(profile.profileTarget(RedisRole.IMAGE).serviceName, "mymaster");
   * ```
   */
  profileTarget(role: RedisRole): RedisTarget {
    return this.overrideTargets?.[role] ?? this.baseTarget;
  }

  /**
   * Converts the base and every override with
   * {@linkcode RedisTarget.toValkeyTarget}.
   *
   * @returns The profile of {@linkcode ValkeyTarget}s.
   *
   * @example Usage
   * ```ts
   * import { RedisProfileTarget } from "@backendai/common/clients/valkey";
   * import assert from "node:assert/strict";
   *
   * const profile = RedisProfileTarget.fromConfig({
   *   sentinel: "s:26379", service_name: "m", override_configs: { live: { addr: "l:6379" } },
   * }).toValkeyProfileTarget();
   * assert.deepEqual(profile.profileTarget("stream").sentinels, ["s:26379"]);
   * assert.equal(profile.profileTarget("live").addr, "l:6379");
   * ```
   */
  toValkeyProfileTarget(): ValkeyProfileTarget {
    if (this.overrideTargets === undefined) {
      return new ValkeyProfileTarget(this.baseTarget.toValkeyTarget());
    }
    const overrides: Record<string, ValkeyTarget> = {};
    for (const [role, target] of Object.entries(this.overrideTargets)) {
      if (target !== undefined) overrides[role] = target.toValkeyTarget();
    }
    return new ValkeyProfileTarget(this.baseTarget.toValkeyTarget(), overrides);
  }
}
