// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Network address types: {@linkcode HostPortPair} (upstream's pydantic
 * `typed_validators.HostPortPair`) and {@linkcode ReadableCIDR}.
 *
 * @module
 */

import {
  formatIP,
  formatIPv4,
  formatIPv6,
  parseIP,
  parseIPv4,
  parseIPv6,
} from "../_utils/_ip.ts";
import { InvalidHostPortPairError, InvalidIPAddressError } from "./errors.ts";

/** The inputs {@linkcode HostPortPair.parse} accepts. */
export type HostPortPairInput =
  | string
  | readonly [string, number | string]
  | { readonly host: string; readonly port: number | string }
  | HostPortPair;

/** The JSON form of a {@linkcode HostPortPair}. */
export interface HostPortPairJSON {
  /** The host, without IPv6 brackets. */
  host: string;
  /** The port, 1 to 65535. */
  port: number;
}

const PORT_TEXT_REGEXP = /^\s*\+?\d+(?:_\d+)*\s*$/;

function quote(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function hostPortError(
  input: unknown,
  field: "host" | "port" | "value",
  reason: string,
  offending: unknown = input,
): InvalidHostPortPairError {
  const shown = typeof input === "object" && input !== null
    ? JSON.stringify(input)
    : quote(input);
  return new InvalidHostPortPairError(
    `Cannot parse host-port pair ${shown}: ${reason}`,
    { data: { field, value: offending } },
  );
}

/** Normalises a host as upstream does: IP literals lose brackets and are canonicalised. */
function normalizeHost(host: string): string {
  const stripped = host.replace(/^[[\]]+|[[\]]+$/g, "");
  const ip = parseIP(stripped);
  return ip === undefined ? host : formatIP(ip);
}

function parsePort(input: unknown, port: unknown): number {
  let n: number;
  if (typeof port === "number") {
    if (!Number.isInteger(port)) {
      throw hostPortError(
        input,
        "port",
        `port ${port} is not an integer`,
        port,
      );
    }
    n = port;
  } else if (typeof port === "string" && PORT_TEXT_REGEXP.test(port)) {
    n = Number(port.trim().replace(/^\+/, "").replaceAll("_", ""));
  } else {
    throw hostPortError(
      input,
      "port",
      `port ${quote(port)} is not an integer`,
      port,
    );
  }
  if (n < 1 || n > 65535) {
    throw hostPortError(
      input,
      "port",
      `port ${n} is not between 1 and 65535`,
      port,
    );
  }
  return n;
}

/**
 * A network host and port. IP hosts are stored canonically without brackets
 * (`"[::1]"` becomes `"::1"`, `"::0001"` becomes `"::1"`); other hosts are
 * kept as given, and an empty host is allowed (upstream allows it, for
 * "bind to all interfaces").
 *
 * String forms: {@linkcode HostPortPair.address} is upstream's
 * `"host:port"` with no brackets (`"::1:2379"`), which is what upstream
 * writes into Valkey targets and configs. {@linkcode HostPortPair.toString}
 * brackets IPv6 hosts (`"[::1]:2379"`) so the text is a valid URL authority;
 * both forms parse back to an equal pair.
 *
 * @example Parse the three input forms
 * ```ts
 * import { HostPortPair } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const a = HostPortPair.parse("[::1]:2379");
 * assert.equal(a.host, "::1");
 * assert.equal(a.port, 2379);
 * assert.equal(a.address, "::1:2379");
 * assert.equal(a.toString(), "[::1]:2379");
 * assert.ok(HostPortPair.parse(["::1", "2379"]).equals(a));
 * assert.ok(HostPortPair.parse({ host: "::1", port: 2379 }).equals(a));
 * assert.deepEqual(a.toJSON(), { host: "::1", port: 2379 });
 * ```
 */
export class HostPortPair {
  /** The host: a name, or a canonical IP literal without brackets. */
  readonly host: string;
  /** The port, 1 to 65535. */
  readonly port: number;

  /**
   * Makes a pair, normalising IP hosts and checking the port.
   *
   * @param host The host; IPv6 literals may be bracketed.
   * @param port The port, 1 to 65535.
   * @throws {InvalidHostPortPairError} If the port is not an integer in range.
   */
  constructor(host: string, port: number) {
    if (typeof host !== "string") {
      throw hostPortError(host, "host", "host is not a string", host);
    }
    this.host = normalizeHost(host);
    this.port = parsePort({ host, port }, port);
  }

  /**
   * Parses `"host:port"` (split at the last colon), `[host, port]` or
   * `{ host, port }`. A port may be a number or decimal text.
   *
   * @param value The input.
   * @returns The pair.
   * @throws {InvalidHostPortPairError} If the input has no port, the wrong
   * shape, or a port outside 1 to 65535.
   *
   * @example Split at the last colon
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const hp = HostPortPair.parse("redis.local:6379");
   * assert.equal(hp.host, "redis.local");
   * assert.equal(hp.port, 6379);
   * assert.throws(() => HostPortPair.parse("redis.local"));
   * ```
   */
  static parse(value: HostPortPairInput): HostPortPair {
    if (value instanceof HostPortPair) return value;
    let host: unknown;
    let port: unknown;
    if (typeof value === "string") {
      const colon = value.lastIndexOf(":");
      if (colon < 0) {
        throw hostPortError(value, "value", "expected both host and port");
      }
      host = value.slice(0, colon);
      port = value.slice(colon + 1);
    } else if (Array.isArray(value)) {
      if (value.length !== 2) {
        throw hostPortError(
          value,
          "value",
          "expected exactly two items, host and port",
        );
      }
      [host, port] = value;
    } else if (typeof value === "object" && value !== null) {
      const record = value as { host?: unknown; port?: unknown };
      if (!("host" in record) || !("port" in record)) {
        throw hostPortError(value, "value", 'expected "host" and "port" keys');
      }
      host = record.host;
      port = record.port;
    } else {
      throw hostPortError(
        value,
        "value",
        "expected a string, an array or an object",
      );
    }
    if (typeof host !== "string") {
      throw hostPortError(value, "host", "host is not a string", host);
    }
    return new HostPortPair(host, parsePort(value, port));
  }

  /**
   * Upstream's `address`: `"host:port"` with no IPv6 brackets.
   *
   * @example Usage
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new HostPortPair("[::1]", 2379).address, "::1:2379");
   * ```
   */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /**
   * Whether the host is an IPv6 literal.
   *
   * @example Usage
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(HostPortPair.parse("[fe80::1]:80").isIPv6, true);
   * assert.equal(HostPortPair.parse("10.0.0.1:80").isIPv6, false);
   * ```
   */
  get isIPv6(): boolean {
    return parseIPv6(this.host) !== undefined;
  }

  /**
   * Whether another pair has the same host and port.
   *
   * @param other The other pair.
   * @returns `true` if equal.
   *
   * @example Usage
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(HostPortPair.parse("[0:0::1]:80").equals(new HostPortPair("::1", 80)));
   * ```
   */
  equals(other: HostPortPair): boolean {
    return this.host === other.host && this.port === other.port;
  }

  /**
   * `"host:port"`, with an IPv6 host in brackets (`"[::1]:2379"`). This is
   * the legacy upstream `HostPortPair.__str__` behaviour and a valid URL
   * authority; use {@linkcode HostPortPair.address} for upstream's
   * bracket-free form.
   *
   * @returns The text form.
   *
   * @example Usage
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(String(HostPortPair.parse("::1:2379")), "[::1]:2379");
   * assert.equal(String(HostPortPair.parse("localhost:80")), "localhost:80");
   * ```
   */
  toString(): string {
    return this.isIPv6 ? `[${this.host}]:${this.port}` : this.address;
  }

  /**
   * The JSON form `{ host, port }`, as pydantic's `model_dump()` renders it.
   *
   * @returns The JSON form.
   *
   * @example Usage
   * ```ts
   * import { HostPortPair } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify(HostPortPair.parse("etcd:2379")), '{"host":"etcd","port":2379}');
   * ```
   */
  toJSON(): HostPortPairJSON {
    return { host: this.host, port: this.port };
  }
}

/** Options for {@linkcode ReadableCIDR.parse}. */
export interface ReadableCIDROptions {
  /**
   * Parse a network (`10.0.0.0/8`, wildcards allowed) rather than a single
   * address.
   *
   * @default {true}
   */
  isNetwork?: boolean | undefined;
}

function cidrError(value: string, reason: string): InvalidIPAddressError {
  return new InvalidIPAddressError(
    `Cannot parse IP network "${value}": ${reason}`,
    { data: { value } },
  );
}

function prefixFromText(text: string, max: number, value: string): number {
  if (!/^\d+$/.test(text)) throw cidrError(value, `invalid prefix "${text}"`);
  const prefix = Number(text);
  if (prefix > max) throw cidrError(value, `prefix ${prefix} is out of range`);
  return prefix;
}

/** Normalises a network in the way Python's `ip_network(value)` (strict) does. */
function normalizeNetwork(text: string, original: string): string {
  const slash = text.indexOf("/");
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = parseIPv4(addrText);
  if (v4 !== undefined) {
    let prefix = 32;
    if (prefixText !== undefined) {
      const netmask = parseIPv4(prefixText);
      if (netmask !== undefined) {
        const bits = netmask.value.toString(2).padStart(32, "0");
        if (/^1*0*$/.test(bits)) {
          prefix = bits.indexOf("0") < 0 ? 32 : bits.indexOf("0");
        } else if (/^0*1*$/.test(bits)) {
          prefix = bits.indexOf("1"); // a host mask, as Python also accepts
        } else {
          throw cidrError(original, `invalid netmask "${prefixText}"`);
        }
      } else {
        prefix = prefixFromText(prefixText, 32, original);
      }
    }
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((v4.value & mask) >>> 0) !== v4.value) {
      throw cidrError(original, "host bits are set");
    }
    return `${formatIPv4(v4.value)}/${prefix}`;
  }
  const v6 = parseIPv6(addrText);
  if (v6 !== undefined && v6.scopeId === undefined) {
    const prefix = prefixText === undefined
      ? 128
      : prefixFromText(prefixText, 128, original);
    const hostBits = (1n << BigInt(128 - prefix)) - 1n;
    if ((v6.value & hostBits) !== 0n) {
      throw cidrError(original, "host bits are set");
    }
    return `${formatIPv6(v6.value)}/${prefix}`;
  }
  throw cidrError(original, "not an IPv4 or IPv6 network");
}

function parseAddress(value: string): string {
  const ip = typeof value === "string" ? parseIP(value) : undefined;
  if (ip === undefined) {
    throw new InvalidIPAddressError(
      `Cannot parse IP address ${quote(value)}: not an IPv4 or IPv6 address`,
      { data: { value } },
    );
  }
  return formatIP(ip);
}

function parseNetwork(value: string): string {
  if (typeof value !== "string") {
    throw new InvalidIPAddressError(
      `Cannot parse IP network ${String(value)}: not a string`,
      { data: { value } },
    );
  }
  if (!value.includes("*")) return normalizeNetwork(value, value);
  const slash = value.indexOf("/");
  const ipPart = slash < 0 ? value : value.slice(0, slash);
  const filtered = ipPart.replaceAll("*", "0");
  if (slash >= 0 && slash < value.length - 1) {
    return normalizeNetwork(`${filtered}/${value.slice(slash + 1)}`, value);
  }
  const firstWildcard = ipPart.split(".").indexOf("*");
  if (firstWildcard < 0) {
    throw cidrError(value, "a wildcard must be a whole IPv4 octet");
  }
  return normalizeNetwork(`${filtered}/${firstWildcard * 8}`, value);
}

/**
 * An IP network written with wildcards, such as `"10.1.*.*"`, normalised to
 * CIDR (`"10.1.0.0/16"`): each `*` becomes `0` and, unless a prefix is
 * given, the prefix is 8 times the index of the first `*` octet. Without
 * wildcards the input must be a valid network (host bits clear); an address
 * without a prefix is a single-host network (`/32` or `/128`). With
 * `isNetwork: false` the input is a single address instead.
 *
 * @example Wildcards to CIDR
 * ```ts
 * import { ReadableCIDR } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ReadableCIDR.parse("10.1.*.*").address, "10.1.0.0/16");
 * assert.equal(String(ReadableCIDR.parse("192.168.0.1")), "192.168.0.1/32");
 * assert.equal(ReadableCIDR.parse("fe80::1", { isNetwork: false }).address, "fe80::1");
 * ```
 */
export class ReadableCIDR {
  /** The normalised network (`"10.1.0.0/16"`) or, without `isNetwork`, the address. */
  readonly address: string;
  /** Whether {@linkcode ReadableCIDR.address} is a network. */
  readonly isNetwork: boolean;

  /**
   * Parses a network (wildcards allowed) or, with `isNetwork: false`, an
   * address; the same as {@linkcode ReadableCIDR.parse}.
   *
   * @param value The input.
   * @param options Whether to parse a network.
   * @throws {InvalidIPAddressError} If the input is not a valid network or address.
   */
  constructor(value: string, options?: ReadableCIDROptions) {
    const isNetwork = options?.isNetwork ?? true;
    this.isNetwork = isNetwork;
    this.address = isNetwork ? parseNetwork(value) : parseAddress(value);
  }

  /**
   * Parses a network (wildcards allowed) or, with `isNetwork: false`, an
   * address.
   *
   * @param value The input.
   * @param options Whether to parse a network.
   * @returns The normalised value.
   * @throws {InvalidIPAddressError} If the input is not a valid network or address.
   *
   * @example Usage
   * ```ts
   * import { ReadableCIDR } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(ReadableCIDR.parse("172.16.*.0/12").address, "172.16.0.0/12");
   * assert.throws(() => ReadableCIDR.parse("10.0.0.1/8"));
   * ```
   */
  static parse(value: string, options?: ReadableCIDROptions): ReadableCIDR {
    return new ReadableCIDR(value, options);
  }

  /**
   * Whether an IP address lies in this network (or, for an address, is
   * it), as Python's `address in network`; an IPv4-mapped IPv6 address
   * (`::ffff:10.0.0.1`, what a dual-stack socket reports for an IPv4 peer)
   * counts as its IPv4 address. Text that is not an address is in no
   * network.
   *
   * @param address An IPv4 or IPv6 address.
   * @returns Whether it is inside.
   *
   * @example Usage
   * ```ts
   * import { ReadableCIDR } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const network = ReadableCIDR.parse("10.1.*.*");
   * assert.equal(network.contains("10.1.2.3"), true);
   * assert.equal(network.contains("::ffff:10.1.2.3"), true);
   * assert.equal(network.contains("10.2.0.1"), false);
   * assert.equal(network.contains("not an address"), false);
   * ```
   */
  contains(address: string): boolean {
    let ip = parseIP(address);
    if (ip === undefined) return false;
    if (ip.version === 6 && (ip.value >> 32n) === 0xffffn) {
      ip = { version: 4, value: Number(ip.value & 0xffffffffn) };
    }
    const slash = this.address.indexOf("/");
    const network = parseIP(
      slash < 0 ? this.address : this.address.slice(0, slash),
    );
    if (network === undefined || network.version !== ip.version) return false;
    const bits = network.version === 4 ? 32 : 128;
    const prefix = slash < 0 ? bits : Number(this.address.slice(slash + 1));
    if (network.version === 4) {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      return (((ip.value as number) & mask) >>> 0) === network.value;
    }
    const mask = ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
    return ((ip.value as bigint) & mask) === network.value;
  }

  /**
   * Whether another value holds the same network or address.
   *
   * @param other The other value.
   * @returns `true` if equal.
   *
   * @example Usage
   * ```ts
   * import { ReadableCIDR } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.ok(ReadableCIDR.parse("10.*.*.*").equals(ReadableCIDR.parse("10.0.0.0/8")));
   * ```
   */
  equals(other: ReadableCIDR): boolean {
    return this.address === other.address && this.isNetwork === other.isNetwork;
  }

  /**
   * The normalised text.
   *
   * @returns {@linkcode ReadableCIDR.address}.
   *
   * @example Usage
   * ```ts
   * import { ReadableCIDR } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(`${ReadableCIDR.parse("10.1.2.*")}`, "10.1.2.0/24");
   * ```
   */
  toString(): string {
    return this.address;
  }

  /**
   * The JSON form: the normalised text.
   *
   * @returns {@linkcode ReadableCIDR.address}.
   *
   * @example Usage
   * ```ts
   * import { ReadableCIDR } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(JSON.stringify(ReadableCIDR.parse("10.1.*.*")), '"10.1.0.0/16"');
   * ```
   */
  toJSON(): string {
    return this.address;
  }
}
