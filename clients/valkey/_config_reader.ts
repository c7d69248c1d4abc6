// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The reader of upstream's Redis configuration sections (TOML or etcd,
 * `configs/redis.py`), strict about types and naming the offending key, and
 * the one conversion to a `ValkeyTarget`. Private to the Valkey client.
 *
 * @module
 */

import { InvalidAPIParameters } from "../../exception.ts";
import { HostPortPair, type HostPortPairInput } from "../../types.ts";
import type { ValkeyTarget } from "./target.ts";

/** The legacy helper's timeouts (the fields of `RedisHelperConfig`). */
export interface HelperSection {
  socketTimeout?: number;
  socketConnectTimeout?: number;
  reconnectPollTimeout?: number;
  maxConnections?: number;
  connectionReadyTimeout?: number;
}

/**
 * One section of upstream's Redis configuration, read: the fields of
 * `RedisTargetOptions` plus upstream's `request_timeout`.
 */
export interface ReadSection {
  addr?: HostPortPair | undefined;
  sentinel?: string | readonly HostPortPair[] | undefined;
  serviceName?: string | undefined;
  password?: string | undefined;
  sentinelPassword?: string | undefined;
  redisHelperConfig?: HelperSection | undefined;
  useTls?: boolean | undefined;
  tlsSkipVerify?: boolean | undefined;
  requestTimeoutMs?: number | undefined;
}

/**
 * The one conversion of a read section (or a legacy target's fields) into a
 * {@linkcode ValkeyTarget}: bracket-free addresses, the sentinel string split,
 * upstream's `request_timeout` or else the helper's socket timeout as the
 * command timeout, TLS flags kept; absent settings left out.
 *
 * @param section The settings.
 * @returns The target.
 */
export function sectionToValkeyTarget(section: ReadSection): ValkeyTarget {
  const sentinels = typeof section.sentinel === "string"
    ? splitSentinels(section.sentinel)
    : section.sentinel?.map((s) => s.address);
  const socketTimeout = section.redisHelperConfig?.socketTimeout;
  return definedOnly({
    addr: section.addr?.address,
    sentinels: sentinels === undefined || sentinels.length === 0
      ? undefined
      : sentinels,
    serviceName: section.serviceName,
    password: section.password,
    sentinelPassword: section.sentinelPassword,
    requestTimeoutMs: section.requestTimeoutMs ??
      (socketTimeout === undefined
        ? undefined
        : Math.round(socketTimeout * 1000)),
    useTls: section.useTls ?? false,
    tlsSkipVerify: section.tlsSkipVerify ?? false,
  });
}

/**
 * A key, snake_case or kebab-case, as upstream's aliases accept.
 *
 * @param data The section.
 * @param key The snake_case key.
 * @returns The value, or `undefined`.
 */
export function pick(
  data: Readonly<Record<string, unknown>>,
  key: string,
): unknown {
  if (Object.hasOwn(data, key)) return data[key];
  const kebab = key.replaceAll("_", "-");
  return Object.hasOwn(data, kebab) ? data[kebab] : undefined;
}

function invalidField(
  field: string,
  expected: string,
  value: unknown,
  cause?: unknown,
): InvalidAPIParameters {
  return new InvalidAPIParameters(
    `Invalid Redis configuration "${field}": expected ${expected}, got ${
      JSON.stringify(value) ?? String(value)
    }`,
    { data: { field }, cause },
  );
}

function address(value: unknown, field: string): HostPortPair {
  try {
    return HostPortPair.parse(value as HostPortPairInput);
  } catch (err) {
    throw invalidField(field, '"host:port"', value, err);
  }
}

function splitSentinels(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isNumber(value: unknown): value is number {
  return typeof value === "number";
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === "boolean";
}

/**
 * Reads one section's fields, checking each one's type.
 *
 * @param data The section.
 * @param prefix Where it sits (`""`, `override_configs.live`), for errors.
 * @returns The read section.
 */
export function readConfig(
  data: Readonly<Record<string, unknown>>,
  prefix: string,
): ReadSection {
  const at = (key: string) => prefix === "" ? key : `${prefix}.${key}`;
  const typed = <T>(
    key: string,
    expected: string,
    accepts: (value: unknown) => value is T,
  ): T | undefined => {
    const value = pick(data, key);
    if (value === undefined || value === null) return undefined;
    if (!accepts(value)) throw invalidField(at(key), expected, value);
    return value;
  };
  const section: ReadSection = {};
  const addr = pick(data, "addr");
  if (addr !== undefined && addr !== null && addr !== "") {
    section.addr = address(addr, at("addr"));
  }
  const sentinel = pick(data, "sentinel");
  if (typeof sentinel === "string") {
    for (const entry of splitSentinels(sentinel)) {
      address(entry, at("sentinel"));
    }
    if (sentinel.trim() !== "") section.sentinel = sentinel;
  } else if (Array.isArray(sentinel)) {
    section.sentinel = sentinel.map((entry, i) =>
      address(entry, `${at("sentinel")}[${i}]`)
    );
  } else if (sentinel !== undefined && sentinel !== null) {
    throw invalidField(at("sentinel"), '"h:p,h:p" or a list', sentinel);
  }
  section.serviceName = typed("service_name", "a string", isString);
  section.password = typed("password", "a string", isString);
  section.sentinelPassword = typed("sentinel_password", "a string", isString);
  const timeout = typed("request_timeout", "a number", isNumber);
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
    throw invalidField(at("request_timeout"), "milliseconds >= 0", timeout);
  }
  section.requestTimeoutMs = timeout;
  section.useTls = typed("use_tls", "a boolean", isBoolean);
  section.tlsSkipVerify = typed("tls_skip_verify", "a boolean", isBoolean);
  const helper = pick(data, "redis_helper_config");
  if (helper !== undefined && helper !== null) {
    if (typeof helper !== "object" || Array.isArray(helper)) {
      throw invalidField(at("redis_helper_config"), "a table", helper);
    }
    section.redisHelperConfig = readHelper(
      helper as Record<string, unknown>,
      at("redis_helper_config"),
    );
  }
  return definedOnly(section);
}

const HELPER_FIELDS: ReadonlyArray<[string, keyof HelperSection]> = [
  ["socket_timeout", "socketTimeout"],
  ["socket_connect_timeout", "socketConnectTimeout"],
  ["reconnect_poll_timeout", "reconnectPollTimeout"],
  ["max_connections", "maxConnections"],
  ["connection_ready_timeout", "connectionReadyTimeout"],
];

function readHelper(
  data: Readonly<Record<string, unknown>>,
  prefix: string,
): HelperSection {
  const config: HelperSection = {};
  for (const [key, field] of HELPER_FIELDS) {
    const value = pick(data, key);
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw invalidField(`${prefix}.${key}`, "a number", value);
    }
    config[field] = value;
  }
  return config;
}

/**
 * The `override_configs` sections by role.
 *
 * @param config The configuration.
 * @returns `[role, section]` pairs (none without overrides).
 */
export function overrideSections(
  config: Readonly<Record<string, unknown>>,
): [string, Readonly<Record<string, unknown>>][] {
  const overrides = pick(config, "override_configs");
  if (overrides === undefined || overrides === null) return [];
  if (typeof overrides !== "object" || Array.isArray(overrides)) {
    throw invalidField("override_configs", "a table of roles", overrides);
  }
  return Object.entries(overrides).map(([role, section]) => {
    if (typeof section !== "object" || section === null) {
      throw invalidField(`override_configs.${role}`, "a table", section);
    }
    return [role, section as Record<string, unknown>];
  });
}

/** Drops the keys whose value is `undefined`, so absent settings stay absent. */
function definedOnly<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
