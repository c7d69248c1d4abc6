// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ValkeyTarget}, the one description of where a Redis / Valkey
 * server is, and {@linkcode valkeyOptions}, which turns it into ioredis
 * options.
 *
 * @module
 */

import type { RedisOptions } from "ioredis";
import { InvalidAPIParameters } from "../../exception.ts";
import { HostPortPair } from "../../types.ts";
import { maskUserinfo } from "./_userinfo.ts";

/** A host and TCP port. */
export interface ValkeyAddress {
  /** Host name or IP address. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
}

/**
 * Where a Redis / Valkey server is and how to log in: the one target type of
 * the library. Give `url`, `addr`, or `sentinels` with `serviceName`.
 * Upstream's configuration shape (`sentinel`, `service_name`,
 * `request_timeout`, ...) becomes one with {@linkcode valkeyTargetFromConfig},
 * and upstream's legacy `RedisTarget` with {@linkcode RedisTarget.toValkeyTarget};
 * {@linkcode valkeyOptions} rejects upstream's key names instead of ignoring
 * them.
 *
 * @example Standalone, by URL or address; Sentinel
 * ```ts
 * import { type ValkeyTarget, valkeyOptions } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const byUrl: ValkeyTarget = { url: "redis://:secret@127.0.0.1:6379/4" };
 * const byAddr: ValkeyTarget = { addr: "127.0.0.1:6379", db: 4, password: "secret" };
 * const sentinel: ValkeyTarget = {
 *   sentinels: ["10.0.0.1:26379", "10.0.0.2:26379"],
 *   serviceName: "mymaster",
 *   requestTimeoutMs: 1_000,
 * };
 * assert.equal(valkeyOptions(byUrl).db, valkeyOptions(byAddr).db);
 * assert.equal(valkeyOptions(sentinel).sentinels?.length, 2);
 * ```
 */
export interface ValkeyTarget {
  /**
   * `redis://[:password@]host[:port][/db]`, or `rediss://` for TLS.
   *
   * @default {undefined}
   */
  readonly url?: string | undefined;
  /**
   * `"host:port"` of a standalone server (upstream `addr`).
   *
   * @default {undefined}
   */
  readonly addr?: string | undefined;
  /**
   * Sentinels: addresses, or upstream's comma-separated `"h:p,h:p"` string.
   *
   * @default {undefined}
   */
  readonly sentinels?: string | readonly (string | ValkeyAddress)[] | undefined;
  /**
   * Seeds of a Redis / Valkey Cluster (`"h:p,h:p"` or addresses): any few
   * of its nodes; the client learns the rest. A cluster target connects
   * with `connectValkeyCluster()` and has DB 0 only.
   *
   * @default {undefined}
   */
  readonly cluster?: string | readonly (string | ValkeyAddress)[] | undefined;
  /**
   * The master name the Sentinels monitor (upstream `service_name`).
   * Required with `sentinels`.
   *
   * @default {undefined}
   */
  readonly serviceName?: string | undefined;
  /**
   * The server password.
   *
   * @default {undefined}
   */
  readonly password?: string | undefined;
  /**
   * The Sentinels' password; falls back to `password` (as upstream).
   *
   * @default {undefined}
   */
  readonly sentinelPassword?: string | undefined;
  /**
   * The logical database. It is honoured by every connection made from this
   * target (upstream's stream reader always used DB 4).
   *
   * @default {0}
   */
  readonly db?: number | undefined;
  /**
   * Use TLS (also implied by a `rediss://` url).
   *
   * @default {false}
   */
  readonly useTls?: boolean | undefined;
  /**
   * Skip certificate verification (upstream `tls_skip_verify`).
   *
   * @default {false}
   */
  readonly tlsSkipVerify?: boolean | undefined;
  /**
   * Timeout of a single command, in milliseconds, on command connections
   * (blocking readers never time out).
   *
   * @default {undefined} (no timeout)
   */
  readonly requestTimeoutMs?: number | undefined;
}

// Upstream's spellings that a ValkeyTarget spells differently. Passed by
// mistake (from JavaScript, a cast, or a spread of a config object), they
// would be ignored and the connection would silently go elsewhere, without
// Sentinels or a timeout: reject them and say what to use.
const UPSTREAM_KEYS: Readonly<Record<string, string>> = {
  sentinel: "sentinels",
  service_name: "serviceName",
  "service-name": "serviceName",
  sentinel_password: "sentinelPassword",
  "sentinel-password": "sentinelPassword",
  request_timeout: "requestTimeoutMs",
  "request-timeout": "requestTimeoutMs",
  requestTimeout: "requestTimeoutMs",
  use_tls: "useTls",
  "use-tls": "useTls",
  tls_skip_verify: "tlsSkipVerify",
  "tls-skip-verify": "tlsSkipVerify",
};

function rejectUpstreamKeys(target: ValkeyTarget): void {
  for (const [key, ours] of Object.entries(UPSTREAM_KEYS)) {
    if (Object.hasOwn(target, key)) {
      throw new InvalidAPIParameters(
        `Invalid Valkey target: "${key}" is upstream's name; a ValkeyTarget says "${ours}" ` +
          "(read upstream's configuration with valkeyTargetFromConfig())",
        { data: { field: key } },
      );
    }
  }
}

// `host:port` through the project's HostPortPair (IPv6 brackets, port
// range), reported against the target field it came from.
function parseAddress(text: string, field: string): ValkeyAddress {
  try {
    const { host, port } = HostPortPair.parse(text.trim());
    return { host, port };
  } catch (err) {
    throw new InvalidAPIParameters(
      `Invalid Valkey address in "${field}": expected "host:port", got ${
        JSON.stringify(text)
      }`,
      { cause: err, data: { field, value: text } },
    );
  }
}

/**
 * Turns a {@linkcode ValkeyTarget} into ioredis options (without the
 * connection behaviour that {@linkcode connectValkey} adds).
 *
 * @example Sentinel from upstream's comma-separated form
 * ```ts
 * import { valkeyOptions } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * const options = valkeyOptions({
 *   sentinels: "10.0.0.1:26379,10.0.0.2:26379", serviceName: "mymaster", db: 4,
 * });
 * assert.deepEqual(options.sentinels, [
 *   { host: "10.0.0.1", port: 26379 }, { host: "10.0.0.2", port: 26379 },
 * ]);
 * assert.equal(options.name, "mymaster");
 * assert.equal(options.db, 4);
 * ```
 *
 * @param target Where the server is.
 * @returns The ioredis options.
 * @throws {InvalidAPIParameters} When the target is incomplete or malformed,
 * or uses one of upstream's key names (`sentinel`, `service_name`,
 * `request_timeout`, ...) that a target spells differently; `data.field`
 * names the offending field.
 */
export function valkeyOptions(target: ValkeyTarget): RedisOptions {
  rejectUpstreamKeys(target);
  if (target.cluster !== undefined) {
    throw new InvalidAPIParameters(
      'A cluster target (with "cluster" seeds) connects with connectValkeyCluster()',
      { data: { field: "cluster" } },
    );
  }
  const db = target.db ?? 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new InvalidAPIParameters(
      `Invalid Valkey "db": expected an integer >= 0, got ${db}`,
      { data: { field: "db", value: db } },
    );
  }
  const options: RedisOptions = { db };
  if (target.password !== undefined) options.password = target.password;
  let tls = target.useTls === true;
  if (target.sentinels !== undefined) {
    if (target.serviceName === undefined || target.serviceName === "") {
      throw new InvalidAPIParameters(
        'A Sentinel target needs "serviceName" (the master name)',
        { data: { field: "serviceName" } },
      );
    }
    const list = typeof target.sentinels === "string"
      ? target.sentinels.split(",").filter((s) => s.trim() !== "")
      : target.sentinels;
    if (list.length === 0) {
      throw new InvalidAPIParameters('"sentinels" is empty', {
        data: { field: "sentinels" },
      });
    }
    options.sentinels = list.map((s) =>
      typeof s === "string" ? parseAddress(s, "sentinels") : s
    );
    options.name = target.serviceName;
    options.role = "master";
    options.failoverDetector = true;
    const sentinelPassword = target.sentinelPassword ?? target.password;
    if (sentinelPassword !== undefined) {
      options.sentinelPassword = sentinelPassword;
    }
  } else if (target.url !== undefined) {
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      // Neither the message nor the cause quotes the credentials (the
      // parser's TypeError quotes the whole URL).
      const shown = JSON.stringify(maskUserinfo(String(target.url), "***"));
      throw new InvalidAPIParameters(
        `Invalid Valkey "url": ${shown}`,
        {
          cause: new TypeError(`Invalid URL: ${shown}`),
          data: { field: "url" },
        },
      );
    }
    if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
      throw new InvalidAPIParameters(
        `Invalid Valkey "url": the scheme must be redis: or rediss:, got ${url.protocol}`,
        { data: { field: "url" } },
      );
    }
    options.host = url.hostname.replace(/^\[|\]$/g, "");
    options.port = url.port === "" ? 6379 : Number(url.port);
    if (url.password !== "") {
      options.password = decodeUserinfo(url.password, target.url);
    }
    if (url.username !== "") {
      options.username = decodeUserinfo(url.username, target.url);
    }
    const path = url.pathname.replace(/^\//, "");
    if (path !== "" && target.db === undefined) {
      if (!/^\d+$/.test(path)) {
        // Not the path alone: with an unencoded `#`, `/` or `?` in the
        // password, the path holds part of it.
        throw new InvalidAPIParameters(
          `Invalid Valkey "url" ${
            JSON.stringify(maskUserinfo(String(target.url), "***"))
          }: the path must be a database number`,
          { data: { field: "url" } },
        );
      }
      options.db = Number(path);
    }
    tls ||= url.protocol === "rediss:";
  } else if (target.addr !== undefined) {
    const { host, port } = parseAddress(target.addr, "addr");
    options.host = host;
    options.port = port;
  } else {
    throw new InvalidAPIParameters(
      'A Valkey target needs "url", "addr", or "sentinels" with "serviceName"',
      { data: { field: "addr" } },
    );
  }
  if (tls) {
    options.tls = target.tlsSkipVerify === true
      ? { rejectUnauthorized: false }
      : {};
    if (options.sentinels !== undefined) {
      options.enableTLSForSentinelMode = true;
    }
  }
  return options;
}

/**
 * A user or password of a url, percent-decoded; a `%` that starts no
 * escape (`p%ss`) is an InvalidAPIParameters, not a URIError, and quotes
 * neither.
 */
function decodeUserinfo(text: string, url: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new InvalidAPIParameters(
      `Invalid Valkey "url" ${
        JSON.stringify(maskUserinfo(url, "***"))
      }: its user or password has a "%" that is no escape (write "%25")`,
      { data: { field: "url" } },
    );
  }
}

/**
 * Whether a target names a Redis / Valkey Cluster (it has `cluster` seeds).
 *
 * @example Usage
 * ```ts
 * import { isValkeyClusterTarget } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isValkeyClusterTarget({ cluster: "10.0.0.1:7000" }), true);
 * assert.equal(isValkeyClusterTarget({ addr: "10.0.0.1:6379" }), false);
 * ```
 *
 * @param target The target.
 * @returns `true` for a cluster target.
 */
export function isValkeyClusterTarget(target: ValkeyTarget): boolean {
  return target.cluster !== undefined;
}

/**
 * The seed nodes of a cluster target, checked.
 *
 * @example Usage
 * ```ts
 * import { valkeyClusterSeeds } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(valkeyClusterSeeds({ cluster: "10.0.0.1:7000,10.0.0.2:7000" }), [
 *   { host: "10.0.0.1", port: 7000 }, { host: "10.0.0.2", port: 7000 },
 * ]);
 * ```
 *
 * @param target A target with `cluster` seeds.
 * @returns The seeds.
 * @throws {InvalidAPIParameters} When there are no seeds, a seed is
 * malformed, the target also names a server another way (`url`, `addr`,
 * `sentinels`), or `db` is not 0 (a cluster has DB 0 only).
 */
export function valkeyClusterSeeds(target: ValkeyTarget): ValkeyAddress[] {
  rejectUpstreamKeys(target);
  const cluster = target.cluster;
  const list = cluster === undefined
    ? []
    : typeof cluster === "string"
    ? cluster.split(",").filter((s) => s.trim() !== "")
    : cluster;
  if (list.length === 0) {
    throw new InvalidAPIParameters('"cluster" names no seed node', {
      data: { field: "cluster" },
    });
  }
  for (const field of ["url", "addr", "sentinels"] as const) {
    if (target[field] !== undefined) {
      throw new InvalidAPIParameters(
        `A cluster target cannot also have "${field}"`,
        { data: { field } },
      );
    }
  }
  if ((target.db ?? 0) !== 0) {
    throw new InvalidAPIParameters(
      `A Redis Cluster has DB 0 only, got "db" ${target.db}`,
      { data: { field: "db", value: target.db } },
    );
  }
  return list.map((s) =>
    typeof s === "string" ? parseAddress(s, "cluster") : s
  );
}
