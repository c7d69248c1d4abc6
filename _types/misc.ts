// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Storage ids ({@linkcode QuotaScopeId}, {@linkcode VFolderId}), the
 * {@linkcode DispatchResult} of a dispatched action, and Redis/Valkey
 * connection targets with per-role overrides.
 *
 * @module
 */

import { QuotaScopeType } from "./enums.ts";
import type { RedisRole } from "./defs.ts";
import { HostPortPair, type HostPortPairInput } from "./host_port.ts";
import { InvalidIdentifierError, parseUuid } from "./ids.ts";

function quote(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

/**
 * A storage quota scope: a user or a project, by UUID. Its text form is
 * `"{user|project}:{uuid}"`.
 *
 * @example Parse and render
 * ```ts
 * import { QuotaScopeId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const qs = QuotaScopeId.parse("Project:3F2504E04F8941D39A0C0305E82C3301");
 * assert.equal(qs.scopeType, "project");
 * assert.equal(qs.toString(), "project:3f2504e0-4f89-41d3-9a0c-0305e82c3301");
 * assert.equal(qs.pathname, "3f2504e04f8941d39a0c0305e82c3301");
 * ```
 */
export class QuotaScopeId {
  /** Whose quota this is. */
  readonly scopeType: QuotaScopeType;
  /** The owner's UUID, canonical lower case. */
  readonly scopeId: string;

  /**
   * Makes a quota scope id.
   *
   * @param scopeType `"user"` or `"project"`.
   * @param scopeId The owner's UUID (canonical or 32 hex digits).
   * @throws {InvalidIdentifierError} If the type or the UUID is invalid.
   */
  constructor(scopeType: QuotaScopeType, scopeId: string) {
    if (
      scopeType !== QuotaScopeType.USER && scopeType !== QuotaScopeType.PROJECT
    ) {
      throw new InvalidIdentifierError(
        `Cannot use ${
          quote(scopeType)
        } as QuotaScopeId: unknown quota scope type`,
        { data: { kind: "QuotaScopeId", value: scopeType } },
      );
    }
    this.scopeType = scopeType;
    this.scopeId = parseUuid(scopeId, "QuotaScopeId");
  }

  /**
   * Parses `"{user|project}:{uuid}"`; the type is case-insensitive.
   *
   * @param raw The text.
   * @returns The quota scope id.
   * @throws {InvalidIdentifierError} If the type is unknown or the UUID invalid.
   *
   * @example Usage
   * ```ts
   * import { QuotaScopeId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(QuotaScopeId.parse("user:00000000-0000-0000-0000-000000000001").scopeType, "user");
   * assert.throws(() => QuotaScopeId.parse("domain:00000000-0000-0000-0000-000000000001"));
   * ```
   */
  static parse(raw: string): QuotaScopeId {
    if (typeof raw !== "string") {
      throw new InvalidIdentifierError(
        `Cannot use ${quote(raw)} as QuotaScopeId: not a string`,
        { data: { kind: "QuotaScopeId", value: raw } },
      );
    }
    const colon = raw.indexOf(":");
    const type = (colon < 0 ? raw : raw.slice(0, colon)).toLowerCase();
    const rest = colon < 0 ? "" : raw.slice(colon + 1);
    if (type !== QuotaScopeType.USER && type !== QuotaScopeType.PROJECT) {
      throw new InvalidIdentifierError(
        `Cannot use ${quote(raw)} as QuotaScopeId: unknown quota scope type ${
          quote(colon < 0 ? raw : raw.slice(0, colon))
        }`,
        { data: { kind: "QuotaScopeId", value: raw } },
      );
    }
    return new QuotaScopeId(type, rest);
  }

  /**
   * The UUID as 32 hex digits, used as the directory name of the scope.
   *
   * @example Usage
   * ```ts
   * import { QuotaScopeId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new QuotaScopeId("user", "00000000-0000-0000-0000-00000000000a").pathname, "0000000000000000000000000000000a");
   * ```
   */
  get pathname(): string {
    return this.scopeId.replaceAll("-", "");
  }

  /**
   * Whether another id has the same type and UUID.
   *
   * @param other The other id.
   * @returns `true` if equal.
   *
   * @example Usage
   * ```ts
   * import { QuotaScopeId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const id = "00000000-0000-0000-0000-000000000001";
   * assert.ok(QuotaScopeId.parse(`USER:${id}`).equals(new QuotaScopeId("user", id)));
   * ```
   */
  equals(other: QuotaScopeId): boolean {
    return this.scopeType === other.scopeType && this.scopeId === other.scopeId;
  }

  /**
   * `"{type}:{uuid}"` with the canonical dashed UUID.
   *
   * @returns The text form.
   *
   * @example Usage
   * ```ts
   * import { QuotaScopeId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const id = "00000000-0000-0000-0000-000000000001";
   * assert.equal(String(new QuotaScopeId("project", id)), `project:${id}`);
   * ```
   */
  toString(): string {
    return `${this.scopeType}:${this.scopeId}`;
  }

  /**
   * The JSON form: the text form.
   *
   * @returns {@linkcode QuotaScopeId.toString}'s result.
   *
   * @example Usage
   * ```ts
   * import { QuotaScopeId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const qs = new QuotaScopeId("user", "00000000-0000-0000-0000-000000000001");
   * assert.equal(JSON.stringify(qs), '"user:00000000-0000-0000-0000-000000000001"');
   * ```
   */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * A virtual folder's id: its UUID and, for quota-aware storage, its quota
 * scope. The text form is `"{quota_scope_id}/{hex}"` or just `"{hex}"`, where
 * `hex` is the folder UUID as 32 hex digits; {@linkcode VFolderId.fromString}
 * is the inverse of {@linkcode VFolderId.toString}.
 *
 * @example Round trip
 * ```ts
 * import { VFolderId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const text = "user:00000000-0000-0000-0000-000000000001/0123456789abcdef0123456789abcdef";
 * const vfid = VFolderId.fromString(text);
 * assert.equal(vfid.folderId, "01234567-89ab-cdef-0123-456789abcdef");
 * assert.equal(vfid.quotaScopeId?.scopeType, "user");
 * assert.equal(vfid.toString(), text);
 * ```
 */
export class VFolderId {
  /** The quota scope, if the folder lives in one. */
  readonly quotaScopeId: QuotaScopeId | undefined;
  /** The folder UUID, canonical lower case. */
  readonly folderId: string;

  /**
   * Makes a vfolder id.
   *
   * @param quotaScopeId The quota scope (or its text form), or nothing.
   * @param folderId The folder UUID (canonical or 32 hex digits).
   * @throws {InvalidIdentifierError} If either part is invalid.
   */
  constructor(
    quotaScopeId: QuotaScopeId | string | null | undefined,
    folderId: string,
  ) {
    this.quotaScopeId = typeof quotaScopeId === "string"
      ? QuotaScopeId.parse(quotaScopeId)
      : quotaScopeId ?? undefined;
    this.folderId = parseUuid(folderId, "VFolderId");
  }

  /**
   * Parses the text form: everything before the first `/` is the quota
   * scope, the rest the folder UUID; without a `/` (or with nothing after
   * it) the whole text before it is the folder UUID.
   *
   * @param value The text.
   * @returns The vfolder id.
   * @throws {InvalidIdentifierError} If either part is invalid.
   *
   * @example Usage
   * ```ts
   * import { VFolderId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const vfid = VFolderId.fromString("0123456789abcdef0123456789abcdef");
   * assert.equal(vfid.quotaScopeId, undefined);
   * assert.throws(() => VFolderId.fromString("not-a-uuid"));
   * ```
   */
  static fromString(value: string): VFolderId {
    if (typeof value !== "string") {
      throw new InvalidIdentifierError(
        `Cannot use ${quote(value)} as VFolderId: not a string`,
        { data: { kind: "VFolderId", value } },
      );
    }
    const slash = value.indexOf("/");
    const first = slash < 0 ? value : value.slice(0, slash);
    const second = slash < 0 ? "" : value.slice(slash + 1);
    if (second !== "") return new VFolderId(QuotaScopeId.parse(first), second);
    return new VFolderId(undefined, first);
  }

  /**
   * Whether another id has the same quota scope and folder UUID.
   *
   * @param other The other id.
   * @returns `true` if equal.
   *
   * @example Usage
   * ```ts
   * import { VFolderId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const a = VFolderId.fromString("0123456789abcdef0123456789abcdef");
   * assert.ok(a.equals(new VFolderId(null, "01234567-89AB-CDEF-0123-456789ABCDEF")));
   * ```
   */
  equals(other: VFolderId): boolean {
    const sameScope = this.quotaScopeId === undefined
      ? other.quotaScopeId === undefined
      : other.quotaScopeId !== undefined &&
        this.quotaScopeId.equals(other.quotaScopeId);
    return sameScope && this.folderId === other.folderId;
  }

  /**
   * `"{quota_scope_id}/{hex}"`, or `"{hex}"` without a quota scope.
   *
   * @returns The text form.
   *
   * @example Usage
   * ```ts
   * import { VFolderId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const vfid = new VFolderId(undefined, "01234567-89ab-cdef-0123-456789abcdef");
   * assert.equal(vfid.toString(), "0123456789abcdef0123456789abcdef");
   * ```
   */
  toString(): string {
    const hex = this.folderId.replaceAll("-", "");
    return this.quotaScopeId === undefined
      ? hex
      : `${this.quotaScopeId}/${hex}`;
  }

  /**
   * The JSON form: the text form.
   *
   * @returns {@linkcode VFolderId.toString}'s result.
   *
   * @example Usage
   * ```ts
   * import { VFolderId } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const vfid = new VFolderId(undefined, "0123456789abcdef0123456789abcdef");
   * assert.equal(JSON.stringify(vfid), '"0123456789abcdef0123456789abcdef"');
   * ```
   */
  toJSON(): string {
    return this.toString();
  }
}

/** Options for {@linkcode DispatchResult}'s constructor. */
export interface DispatchResultOptions<T> {
  /**
   * The result, if any.
   *
   * @default {undefined}
   */
  result?: T;
  /**
   * Error messages.
   *
   * @default {[]}
   */
  errors?: readonly string[];
}

/**
 * The outcome of a dispatched action: a result, a list of error messages, or
 * both (a partial success).
 *
 * @typeParam T The result type.
 *
 * @example Usage
 * ```ts
 * import { DispatchResult } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DispatchResult.success(42).message(), "42");
 * assert.equal(DispatchResult.error("boom").message(), "errors: boom");
 * assert.equal(
 *   DispatchResult.partialSuccess("ok", ["e1", "e2"]).message(),
 *   "result: ok\nerrors: e1\ne2",
 * );
 * ```
 */
export class DispatchResult<T> {
  /** The result, if any. */
  readonly result: T | undefined;
  /** The error messages; empty on success. */
  readonly errors: readonly string[];

  /**
   * Makes a result.
   *
   * @param options The result and the errors.
   */
  constructor(options?: DispatchResultOptions<T>) {
    this.result = options?.result;
    this.errors = Object.freeze([...(options?.errors ?? [])]);
  }

  /**
   * A success with a result.
   *
   * @typeParam T The result type.
   * @param result The result.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.success({ n: 1 }).isSuccess(), true);
   * ```
   */
  static success<T>(result: T): DispatchResult<T> {
    return new DispatchResult<T>({ result });
  }

  /**
   * A failure with one error message.
   *
   * @typeParam T The result type.
   * @param errorMessage The message.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.error("no agent").hasError(), true);
   * ```
   */
  static error<T = never>(errorMessage: string): DispatchResult<T> {
    return new DispatchResult<T>({ errors: [errorMessage] });
  }

  /**
   * A result together with errors.
   *
   * @typeParam T The result type.
   * @param result The result.
   * @param errors The error messages.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const r = DispatchResult.partialSuccess(3, ["one failed"]);
   * assert.equal(r.result, 3);
   * assert.equal(r.isSuccess(), false);
   * ```
   */
  static partialSuccess<T>(
    result: T,
    errors: readonly string[],
  ): DispatchResult<T> {
    return new DispatchResult<T>({ result, errors });
  }

  /**
   * Whether there are no errors.
   *
   * @returns `true` when {@linkcode DispatchResult.errors} is empty.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DispatchResult().isSuccess(), true);
   * ```
   */
  isSuccess(): boolean {
    return this.errors.length === 0;
  }

  /**
   * Whether there is at least one error.
   *
   * @returns The negation of {@linkcode DispatchResult.isSuccess}.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.success(1).hasError(), false);
   * ```
   */
  hasError(): boolean {
    return !this.isSuccess();
  }

  /**
   * A human-readable summary: `String(result)` on success;
   * `"result: …\nerrors: e1\ne2"` with both; `"errors: …"` otherwise.
   *
   * @returns The summary.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DispatchResult({ errors: ["a", "b"] }).message(), "errors: a\nb");
   * ```
   */
  message(): string {
    if (this.isSuccess()) return String(this.result);
    if (this.result !== undefined && this.result !== null) {
      return `result: ${String(this.result)}\nerrors: ${
        this.errors.join("\n")
      }`;
    }
    return `errors: ${this.errors.join("\n")}`;
  }
}

/**
 * Where a Valkey client connects: a single address or a Sentinel set.
 *
 * @example Usage
 * ```ts
 * import type { ValkeyTarget } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const target: ValkeyTarget = { addr: "localhost:6379", requestTimeout: 1000 };
 * assert.equal(target.addr, "localhost:6379");
 * ```
 */
export interface ValkeyTarget {
  /**
   * The server as `"host:port"`.
   *
   * @default {undefined}
   */
  addr?: string;
  /**
   * Sentinel servers as `"host:port"` strings.
   *
   * @default {undefined}
   */
  sentinel?: string[];
  /**
   * The Sentinel service (master) name.
   *
   * @default {undefined}
   */
  serviceName?: string;
  /**
   * The server password.
   *
   * @default {undefined}
   */
  password?: string;
  /**
   * The Sentinel password.
   *
   * @default {undefined}
   */
  sentinelPassword?: string;
  /**
   * The request timeout in milliseconds.
   *
   * @default {undefined}
   */
  requestTimeout?: number;
  /**
   * Whether to connect with TLS.
   *
   * @default {false}
   */
  useTls?: boolean;
  /**
   * Whether to skip TLS certificate verification.
   *
   * @default {false}
   */
  tlsSkipVerify?: boolean;
}

/** Timeouts and pool limits of the legacy Redis helper (upstream `RedisHelperConfig`). */
export interface RedisHelperConfig {
  /**
   * Socket operation timeout in seconds.
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
  addr?: HostPortPair;
  /**
   * Sentinel servers, as a list or a comma-separated `"h:p,h:p"` string.
   *
   * @default {undefined}
   */
  sentinel?: string | readonly HostPortPair[];
  /**
   * The Sentinel service (master) name.
   *
   * @default {undefined}
   */
  serviceName?: string;
  /**
   * The server password.
   *
   * @default {undefined}
   */
  password?: string;
  /**
   * The Sentinel password.
   *
   * @default {undefined}
   */
  sentinelPassword?: string;
  /**
   * Legacy helper timeouts.
   *
   * @default {undefined}
   */
  redisHelperConfig?: RedisHelperConfig;
  /**
   * Whether to connect with TLS.
   *
   * @default {false}
   */
  useTls?: boolean;
  /**
   * Whether to skip TLS certificate verification.
   *
   * @default {false}
   */
  tlsSkipVerify?: boolean;
}

/**
 * Where a Redis client connects (upstream's legacy `RedisTarget`).
 *
 * @example Convert to a Valkey target
 * ```ts
 * import { HostPortPair, RedisTarget } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * const target = new RedisTarget({ sentinel: "s1:26379, s2:26379", serviceName: "mymaster" });
 * assert.deepEqual(target.toValkeyTarget(), {
 *   sentinel: ["s1:26379", "s2:26379"],
 *   serviceName: "mymaster",
 *   useTls: false,
 *   tlsSkipVerify: false,
 * });
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
  /** Whether to connect with TLS. */
  readonly useTls: boolean;
  /** Whether to skip TLS certificate verification. */
  readonly tlsSkipVerify: boolean;

  /**
   * Makes a target.
   *
   * @param options The connection settings.
   */
  constructor(options?: RedisTargetOptions) {
    this.addr = options?.addr;
    this.sentinel = options?.sentinel;
    this.serviceName = options?.serviceName;
    this.password = options?.password;
    this.sentinelPassword = options?.sentinelPassword;
    this.redisHelperConfig = options?.redisHelperConfig;
    this.useTls = options?.useTls ?? false;
    this.tlsSkipVerify = options?.tlsSkipVerify ?? false;
  }

  /**
   * Converts to a {@linkcode ValkeyTarget}. Addresses become upstream's
   * bracket-free `"host:port"`; a sentinel string is split at commas and each
   * entry trimmed; empty entries are dropped.
   *
   * @returns The Valkey target (absent settings are left out).
   *
   * @example Usage
   * ```ts
   * import { HostPortPair, RedisTarget } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const t = new RedisTarget({ addr: HostPortPair.parse("redis:6379"), password: "pw" });
   * assert.deepEqual(t.toValkeyTarget(), { addr: "redis:6379", password: "pw", useTls: false, tlsSkipVerify: false });
   * ```
   */
  toValkeyTarget(): ValkeyTarget {
    const target: ValkeyTarget = {};
    if (this.addr !== undefined) target.addr = this.addr.address;
    if (this.sentinel !== undefined && this.sentinel.length > 0) {
      target.sentinel = typeof this.sentinel === "string"
        ? this.sentinel.split(",").map((s) => s.trim()).filter((s) => s !== "")
        : this.sentinel.map((s) => s.address);
    }
    if (this.serviceName !== undefined) target.serviceName = this.serviceName;
    if (this.password !== undefined) target.password = this.password;
    if (this.sentinelPassword !== undefined) {
      target.sentinelPassword = this.sentinelPassword;
    }
    target.useTls = this.useTls;
    target.tlsSkipVerify = this.tlsSkipVerify;
    return target;
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
  overrideTargets?: Readonly<Partial<Record<RedisRole | string, RedisTarget>>>;
}

function parseLegacyAddr(value: unknown): HostPortPair {
  return HostPortPair.parse(value as HostPortPairInput);
}

function pick(data: Readonly<Record<string, unknown>>, key: string): unknown {
  if (key in data) return data[key];
  const kebab = key.replaceAll("_", "-");
  return kebab in data ? data[kebab] : undefined;
}

function targetOptionsFromConfig(
  data: Readonly<Record<string, unknown>>,
): RedisTargetOptions {
  const options: RedisTargetOptions = {};
  const addr = pick(data, "addr");
  if (addr !== undefined && addr !== null && addr !== "") {
    options.addr = parseLegacyAddr(addr);
  }
  const sentinel = pick(data, "sentinel");
  if (typeof sentinel === "string" && sentinel !== "") {
    options.sentinel = sentinel;
  } else if (Array.isArray(sentinel)) {
    options.sentinel = sentinel.map(parseLegacyAddr);
  }
  const str = (key: string): string | undefined => {
    const v = pick(data, key);
    return typeof v === "string" ? v : undefined;
  };
  const serviceName = str("service_name");
  if (serviceName !== undefined) options.serviceName = serviceName;
  const password = str("password");
  if (password !== undefined) options.password = password;
  const sentinelPassword = str("sentinel_password");
  if (sentinelPassword !== undefined) {
    options.sentinelPassword = sentinelPassword;
  }
  const helper = pick(data, "redis_helper_config");
  if (typeof helper === "object" && helper !== null) {
    const h = helper as Record<string, unknown>;
    const cfg: RedisHelperConfig = {};
    const num = (key: string): number | undefined => {
      const v = pick(h, key);
      return typeof v === "number" ? v : undefined;
    };
    const st = num("socket_timeout");
    if (st !== undefined) cfg.socketTimeout = st;
    const sct = num("socket_connect_timeout");
    if (sct !== undefined) cfg.socketConnectTimeout = sct;
    const rpt = num("reconnect_poll_timeout");
    if (rpt !== undefined) cfg.reconnectPollTimeout = rpt;
    const mc = num("max_connections");
    if (mc !== undefined) cfg.maxConnections = mc;
    const crt = num("connection_ready_timeout");
    if (crt !== undefined) cfg.connectionReadyTimeout = crt;
    options.redisHelperConfig = cfg;
  }
  if (pick(data, "use_tls") === true) options.useTls = true;
  if (pick(data, "tls_skip_verify") === true) options.tlsSkipVerify = true;
  return options;
}

/**
 * A base {@linkcode RedisTarget} plus per-role overrides (upstream
 * `RedisProfileTarget`).
 *
 * @example Pick the target of a role
 * ```ts
 * import { HostPortPair, RedisProfileTarget, RedisRole, RedisTarget } from "@backendai/common/types";
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
  constructor(options?: RedisProfileTargetOptions) {
    const { overrideTargets, ...base } = options ?? {};
    this.baseTarget = new RedisTarget(base);
    this.overrideTargets = overrideTargets;
  }

  /**
   * Reads a Redis configuration object as found in TOML or etcd: keys in
   * snake_case (kebab-case also accepted), `addr` as `"h:p"`, `[h, p]` or
   * `{host, port}`, `sentinel` as `"h:p,h:p"` or a list, and
   * `override_configs` keyed by role. Unlike upstream's `from_dict`, this
   * keeps `use_tls` and `tls_skip_verify`.
   *
   * @param data The configuration object.
   * @returns The profile target.
   * @throws {InvalidHostPortPairError} If an address is malformed.
   *
   * @example Usage
   * ```ts
   * import { RedisProfileTarget } from "@backendai/common/types";
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
    data: Readonly<Record<string, unknown>>,
  ): RedisProfileTarget {
    const options: RedisProfileTargetOptions = targetOptionsFromConfig(data);
    const overrides = pick(data, "override_configs");
    if (typeof overrides === "object" && overrides !== null) {
      const targets: Record<string, RedisTarget> = {};
      for (const [role, cfg] of Object.entries(overrides)) {
        if (typeof cfg === "object" && cfg !== null) {
          targets[role] = new RedisTarget(
            targetOptionsFromConfig(cfg as Record<string, unknown>),
          );
        }
      }
      options.overrideTargets = targets;
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
   * import { RedisProfileTarget, RedisRole } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const profile = new RedisProfileTarget({ serviceName: "mymaster" });
   * assert.equal(profile.profileTarget(RedisRole.IMAGE).serviceName, "mymaster");
   * ```
   */
  profileTarget(role: RedisRole): RedisTarget {
    return this.overrideTargets?.[role] ?? this.baseTarget;
  }
}

/**
 * A base {@linkcode ValkeyTarget} plus per-role overrides (upstream
 * `ValkeyProfileTarget`).
 *
 * @example Usage
 * ```ts
 * import { RedisRole, ValkeyProfileTarget } from "@backendai/common/types";
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
   * The target for a role: its override if present, else the base target.
   *
   * @param role The role.
   * @returns The target.
   *
   * @example Usage
   * ```ts
   * import { ValkeyProfileTarget } from "@backendai/common/types";
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
 * The text that replaces passwords in printed Redis configurations.
 *
 * @example Usage
 * ```ts
 * import { REDIS_PASSWORD_MASK } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_PASSWORD_MASK, "********");
 * ```
 */
export const REDIS_PASSWORD_MASK = "********";

const PASSWORD_KEYS: readonly string[] = [
  "password",
  "sentinel_password",
  "sentinel-password",
  "sentinelPassword",
];
const OVERRIDE_KEYS: readonly string[] = [
  "override_configs",
  "override-configs",
  "overrideConfigs",
  "overrideTargets",
];

function maskPasswords(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  const json = value as { toJSON?: () => unknown };
  if (typeof json.toJSON === "function") return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (PASSWORD_KEYS.includes(key) && field !== undefined && field !== null) {
      out[key] = REDIS_PASSWORD_MASK;
    } else if (
      OVERRIDE_KEYS.includes(key) && typeof field === "object" && field !== null
    ) {
      const overrides: Record<string, unknown> = {};
      for (const [role, cfg] of Object.entries(field)) {
        overrides[role] = maskPasswords(cfg);
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
 * Sentinel password (also those in the per-role overrides) replaced by
 * {@linkcode REDIS_PASSWORD_MASK}. Absent passwords stay absent. The input is
 * not modified. Accepts plain configuration objects (snake_case, kebab-case
 * or camelCase keys) and {@linkcode RedisTarget} / {@linkcode RedisProfileTarget}
 * instances.
 *
 * @param config The configuration.
 * @returns The masked JSON text.
 *
 * @example Usage
 * ```ts
 * import { safePrintRedisConfig } from "@backendai/common/types";
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
 * ```
 */
export function safePrintRedisConfig(
  config: Readonly<Record<string, unknown>> | RedisTarget | RedisProfileTarget,
): string {
  if (config instanceof RedisProfileTarget) {
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
