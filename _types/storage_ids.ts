// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Storage ids: {@linkcode QuotaScopeId} (`"{user|project}:{uuid}"`) and
 * {@linkcode VFolderId} (`"{quota scope}/{hex}"`), as upstream renders them.
 *
 * @module
 */

import { QuotaScopeType } from "./enums.ts";
import { InvalidIdentifierError } from "./errors.ts";
import { parseUuid } from "./ids.ts";

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
