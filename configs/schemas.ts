// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Upstream's shared configuration schemas as zod schemas (field names in
 * snake_case as upstream; files may write them in kebab-case): etcd, Redis
 * (Sentinel and TLS, per-role overrides), service discovery, the shared JWT
 * settings, HTTP timeouts and OpenTelemetry; and the scalars that accept
 * what files and environment variables hold ({@linkcode configInt},
 * {@linkcode configNumber}, {@linkcode configBoolean},
 * {@linkcode hostPortPairSchema}).
 *
 * @module
 */

import { z } from "zod";
import { HostPortPair } from "../types.ts";
import { secret } from "./secrets.ts";

/**
 * An integer, from a number or a decimal string (pydantic's lax mode), so
 * environment variables work.
 *
 * @example Usage
 * ```ts
 * import { configInt } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(configInt().parse("42"), 42);
 * assert.equal(configInt().safeParse("4.5").success, false);
 * assert.equal(configInt().safeParse("").success, false);
 * ```
 *
 * @returns The schema.
 */
export function configInt(): z.ZodType<number, unknown> {
  return z.preprocess(
    (v) => typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : v,
    z.number().int(),
  );
}

/**
 * A finite number, from a number or a numeric string.
 *
 * @example Usage
 * ```ts
 * import { configNumber } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(configNumber().parse("2.5"), 2.5);
 * assert.equal(configNumber().safeParse("x").success, false);
 * ```
 *
 * @returns The schema.
 */
export function configNumber(): z.ZodType<number, unknown> {
  return z.preprocess(
    (v) =>
      typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))
        ? Number(v)
        : v,
    z.number(),
  );
}

const TRUE_TEXT = new Set(["1", "true", "t", "yes", "y", "on"]);
const FALSE_TEXT = new Set(["0", "false", "f", "no", "n", "off"]);

/**
 * A boolean, from a boolean or the strings pydantic accepts
 * (`true/false`, `yes/no`, `on/off`, `1/0`, any case).
 *
 * @example Usage
 * ```ts
 * import { configBoolean } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(configBoolean().parse("Yes"), true);
 * assert.equal(configBoolean().parse("off"), false);
 * assert.equal(configBoolean().safeParse("maybe").success, false);
 * ```
 *
 * @returns The schema.
 */
export function configBoolean(): z.ZodType<boolean, unknown> {
  return z.preprocess((v) => {
    if (typeof v !== "string") return v;
    const text = v.trim().toLowerCase();
    return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : v;
  }, z.boolean());
}

/**
 * A {@linkcode HostPortPair} from `"host:port"`, `[host, port]` or
 * `{ host, port }`.
 *
 * @example Usage
 * ```ts
 * import { hostPortPairSchema } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostPortPairSchema().parse("127.0.0.1:2379").port, 2379);
 * assert.equal(hostPortPairSchema().safeParse("nohost").success, false);
 * ```
 *
 * @returns The schema.
 */
export function hostPortPairSchema(): z.ZodType<HostPortPair, unknown> {
  return z.unknown().transform((value, ctx) => {
    try {
      return HostPortPair.parse(value as never);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: 'expected "host:port", [host, port] or {host, port}',
      });
      return z.NEVER;
    }
  });
}

/** The parsed `[etcd]` section (upstream `EtcdConfig`). */
export interface EtcdConfig {
  /** The namespace (`local`). */
  namespace: string;
  /** One endpoint or several (`127.0.0.1:2379`). */
  addr: HostPortPair | HostPortPair[];
  /** The user, if any. */
  user: string | null;
  /** The password (secret). */
  password: string | null;
}

/** Upstream `EtcdConfig` (`[etcd]`). */
export const EtcdConfigSchema: z.ZodType<EtcdConfig, unknown> = z.object({
  namespace: z.string().default("local"),
  addr: z.union([z.array(hostPortPairSchema()), hostPortPairSchema()])
    .default(() => new HostPortPair("127.0.0.1", 2379)),
  user: z.string().nullable().default(null),
  password: secret(z.string().nullable().default(null)),
});

/** The legacy helper's timeouts (upstream `RedisHelperConfig`), seconds. */
export interface RedisHelperConfig {
  /** 5.0 */
  socket_timeout: number;
  /** 2.0 */
  socket_connect_timeout: number;
  /** 0.3 */
  reconnect_poll_timeout: number;
  /** 20.0 */
  connection_ready_timeout: number;
}

const redisHelperObject = z.object({
  socket_timeout: configNumber().default(5.0),
  socket_connect_timeout: configNumber().default(2.0),
  reconnect_poll_timeout: configNumber().default(0.3),
  connection_ready_timeout: configNumber().default(20.0),
});

/** Upstream `RedisHelperConfig`. */
export const RedisHelperConfigSchema: z.ZodType<RedisHelperConfig, unknown> =
  redisHelperObject;

function sentinelList() {
  return z.preprocess(
    (v) =>
      typeof v === "string"
        ? v.split(",").map((part) => part.trim()).filter((part) => part !== "")
        : v,
    z.array(hostPortPairSchema()),
  );
}

/** One Redis, direct or through Sentinel (upstream `SingleRedisConfig`). */
export interface SingleRedisConfig {
  /** `host:port` of a direct connection. */
  addr: HostPortPair | null;
  /** Sentinels (a list, or `"h:p,h:p"` in files). */
  sentinel: HostPortPair[] | null;
  /** The Sentinel master name. */
  service_name: string | null;
  /** The password (secret). */
  password: string | null;
  /** The Sentinels' password (secret). */
  sentinel_password: string | null;
  /** The command timeout in milliseconds. */
  request_timeout: number | null;
  /** The legacy helper's timeouts. */
  redis_helper_config: RedisHelperConfig;
  /** TLS. */
  use_tls: boolean;
  /** Skip certificate checks. */
  tls_skip_verify: boolean;
}

const singleRedisObject = z.object({
  addr: hostPortPairSchema().nullable().default(null),
  sentinel: sentinelList().nullable().default(null),
  service_name: z.string().nullable().default(null),
  password: secret(z.string().nullable().default(null)),
  sentinel_password: secret(z.string().nullable().default(null)),
  request_timeout: configInt().nullable().default(null),
  redis_helper_config: redisHelperObject.default(() =>
    redisHelperObject.parse({})
  ),
  use_tls: configBoolean().default(false),
  tls_skip_verify: configBoolean().default(false),
});

/** Upstream `SingleRedisConfig`: one Redis, direct or through Sentinel, with TLS. */
export const SingleRedisConfigSchema: z.ZodType<SingleRedisConfig, unknown> =
  singleRedisObject;

/** The parsed `[redis]` section (upstream `RedisConfig`). */
export interface RedisConfig extends SingleRedisConfig {
  /** Per-role overrides (`stream`, `live`, ...). */
  override_configs: Record<string, SingleRedisConfig> | null;
}

/** Upstream `RedisConfig` (`[redis]`): one Redis plus per-role overrides. */
export const RedisConfigSchema: z.ZodType<RedisConfig, unknown> =
  singleRedisObject.extend({
    override_configs: z.record(z.string(), singleRedisObject).nullable()
      .default(null),
  });

/** One endpoint (upstream `ServiceEndpointConfig`). */
export interface ServiceEndpointConfig {
  /** E.g. `main`. */
  role: string;
  /** E.g. `private`. */
  scope: string;
  /** Host or address. */
  address: string;
  /** Port. */
  port: number;
  /** E.g. `grpc`. */
  protocol: string;
  /** More about it. */
  metadata: Record<string, string>;
}

const serviceEndpointObject = z.object({
  role: z.string(),
  scope: z.string(),
  address: z.string(),
  port: configInt(),
  protocol: z.string(),
  metadata: z.record(z.string(), z.string()).default({}),
});

/** Upstream `ServiceEndpointConfig`. */
export const ServiceEndpointConfigSchema: z.ZodType<
  ServiceEndpointConfig,
  unknown
> = serviceEndpointObject;

/** The parsed `[service-discovery]` section (upstream `ServiceDiscoveryConfig`). */
export interface ServiceDiscoveryConfig {
  /** `redis` (default) or `etcd`. */
  type: "redis" | "etcd";
  /** The instance id. */
  instance_id: string | null;
  /** The service group. */
  service_group: string | null;
  /** The display name. */
  display_name: string | null;
  /** Labels. */
  extra_labels: Record<string, string>;
  /** The endpoints. */
  endpoints: ServiceEndpointConfig[];
}

/** Upstream `ServiceDiscoveryConfig` (`[service-discovery]`). */
export const ServiceDiscoveryConfigSchema: z.ZodType<
  ServiceDiscoveryConfig,
  unknown
> = z.object({
  type: z.enum(["redis", "etcd"]).default("redis"),
  instance_id: z.string().nullable().default(null),
  service_group: z.string().nullable().default(null),
  display_name: z.string().nullable().default(null),
  extra_labels: z.record(z.string(), z.string()).default({}),
  endpoints: z.array(serviceEndpointObject).default([]),
});

/** The parsed `[jwt]` section (upstream `SharedJWTConfig`). */
export interface SharedJWTConfig {
  /** `HS256`. */
  algorithm: string;
  /** 60 to 86 400, default 900. */
  token_expiration_seconds: number;
}

/** Upstream `SharedJWTConfig` (`[jwt]`). */
export const SharedJWTConfigSchema: z.ZodType<SharedJWTConfig, unknown> = z
  .object({
    algorithm: z.string().default("HS256"),
    token_expiration_seconds: configInt().pipe(z.number().min(60).max(86400))
      .default(900),
  });

/** HTTP timeouts in seconds, `null` for none (upstream `HttpTimeoutConfig`). */
export interface HttpTimeoutConfig {
  /** 300. */
  total: number | null;
  /** None. */
  connect: number | null;
  /** 30. */
  sock_connect: number | null;
  /** None. */
  sock_read: number | null;
}

/** Upstream `HttpTimeoutConfig` (seconds; `null` for no limit). */
export const HttpTimeoutConfigSchema: z.ZodType<HttpTimeoutConfig, unknown> = z
  .object({
    total: configNumber().nullable().default(300.0),
    connect: configNumber().nullable().default(null),
    sock_connect: configNumber().nullable().default(30.0),
    sock_read: configNumber().nullable().default(null),
  });

/** The parsed `[otel]` section (upstream `OTELConfig`). */
export interface OTELConfig {
  /** Off by default. */
  enabled: boolean;
  /** `INFO`. */
  log_level: string;
  /** `http://localhost:4317`. */
  endpoint: string;
  /** 65 536. */
  max_queue_size: number;
  /** 4 096. */
  max_export_batch_size: number;
}

/** Upstream `OTELConfig` (`[otel]`). */
export const OTELConfigSchema: z.ZodType<OTELConfig, unknown> = z.object({
  enabled: configBoolean().default(false),
  log_level: z.string().default("INFO"),
  endpoint: z.string().default("http://localhost:4317"),
  max_queue_size: configInt().default(65536),
  max_export_batch_size: configInt().default(4096),
});
