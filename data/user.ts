// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { parseUserRole, type UserRole } from "../_types/enums.ts";
import { canonicalUuid } from "../utils.ts";
import { InvalidUserDataError } from "./errors.ts";

/**
 * The fields of a {@linkcode UserData}, in camelCase, as given to its
 * constructor.
 *
 * @example Usage
 * ```ts
 * import { type UserDataInit, UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const init: UserDataInit = {
 *   userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   isAuthorized: true,
 *   isAdmin: false,
 *   isSuperadmin: false,
 *   role: "user",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * };
 * assert.equal(new UserData(init).domainName, "default");
 * ```
 */
export interface UserDataInit {
  /** The user's UUID: canonical, 32 hex digits, braced or `urn:uuid:` form, any case. */
  userId: string;
  /** Whether the request that carries this user was authenticated. */
  isAuthorized: boolean;
  /** Whether the user administers their domain. */
  isAdmin: boolean;
  /** Whether the user administers the whole installation. */
  isSuperadmin: boolean;
  /** The user's role; matched case-insensitively. */
  role: UserRole;
  /** The name of the user's domain, e.g. `"default"`. */
  domainName: string;
  /** The UUID of the user's domain, in any form `userId` accepts. */
  domainId: string;
}

/**
 * The wire form of a {@linkcode UserData}: upstream's snake_case keys, in
 * upstream's order, with UUIDs as canonical lowercase strings.
 *
 * @example Usage
 * ```ts
 * import { type UserDataJSON, UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const json: UserDataJSON = {
 *   user_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   is_authorized: true,
 *   is_admin: false,
 *   is_superadmin: false,
 *   role: "user",
 *   domain_name: "default",
 *   domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * };
 * assert.deepEqual(UserData.fromJSON(json).toJSON(), json);
 * ```
 */
export interface UserDataJSON {
  /** The user's UUID, canonical lowercase. */
  user_id: string;
  /** Whether the request that carries this user was authenticated. */
  is_authorized: boolean;
  /** Whether the user administers their domain. */
  is_admin: boolean;
  /** Whether the user administers the whole installation. */
  is_superadmin: boolean;
  /** The user's role as its lowercase wire string. */
  role: UserRole;
  /** The name of the user's domain. */
  domain_name: string;
  /** The UUID of the user's domain, canonical lowercase. */
  domain_id: string;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

type FieldKey = keyof UserDataInit;

const WIRE_NAMES: Readonly<Record<FieldKey, keyof UserDataJSON>> = {
  userId: "user_id",
  isAuthorized: "is_authorized",
  isAdmin: "is_admin",
  isSuperadmin: "is_superadmin",
  role: "role",
  domainName: "domain_name",
  domainId: "domain_id",
};

/** Reads and validates one field; `name` is what errors report. */
type FieldSource = (key: FieldKey) => { value: unknown; name: string };

function invalid(
  name: string,
  reason: string,
  value: unknown,
  cause?: unknown,
): InvalidUserDataError {
  const data: Record<string, unknown> = { field: name };
  if (value !== undefined) data.value = value;
  return new InvalidUserDataError(
    `Cannot read user data: "${name}" ${reason}`,
    cause === undefined ? { data } : { data, cause },
  );
}

function readUuid(source: FieldSource, key: FieldKey): string {
  const { value, name } = source(key);
  if (typeof value !== "string") {
    throw invalid(name, `must be a UUID string, got ${describe(value)}`, value);
  }
  const uuid = canonicalUuid(value, { forms: "pydantic" });
  if (uuid === undefined) {
    throw invalid(name, `must be a UUID, got "${value}"`, value);
  }
  return uuid;
}

function readBoolean(source: FieldSource, key: FieldKey): boolean {
  const { value, name } = source(key);
  if (typeof value !== "boolean") {
    throw invalid(name, `must be a boolean, got ${describe(value)}`, value);
  }
  return value;
}

function readString(source: FieldSource, key: FieldKey): string {
  const { value, name } = source(key);
  if (typeof value !== "string") {
    throw invalid(name, `must be a string, got ${describe(value)}`, value);
  }
  return value;
}

function readRole(source: FieldSource): UserRole {
  const { value, name } = source("role");
  if (typeof value !== "string") {
    throw invalid(name, `must be a string, got ${describe(value)}`, value);
  }
  try {
    return parseUserRole(value);
  } catch (err) {
    throw invalid(name, `is not a known user role: "${value}"`, value, err);
  }
}

/**
 * The identity of a user as it travels with a request and inside message
 * metadata (upstream's frozen `UserData` dataclass). Instances are frozen;
 * UUIDs are stored in canonical lowercase form and the role is normalized to
 * its lowercase wire string. {@linkcode UserData.toJSON} gives upstream's exact
 * JSON shape and key order; {@linkcode UserData.fromJSON} reads it back.
 *
 * @example Construct and serialize
 * ```ts
 * import { UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const user = new UserData({
 *   userId: "F38DEA2350FA42A0B5AE338F5F4693F4",
 *   isAuthorized: true,
 *   isAdmin: false,
 *   isSuperadmin: false,
 *   role: "user",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * assert.equal(user.userId, "f38dea23-50fa-42a0-b5ae-338f5f4693f4");
 * assert.ok(Object.isFrozen(user));
 * assert.equal(
 *   JSON.stringify(user),
 *   '{"user_id":"f38dea23-50fa-42a0-b5ae-338f5f4693f4","is_authorized":true,' +
 *     '"is_admin":false,"is_superadmin":false,"role":"user","domain_name":"default",' +
 *     '"domain_id":"7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2"}',
 * );
 * ```
 */
export class UserData {
  /** The user's UUID, canonical lowercase. */
  readonly userId: string;
  /** Whether the request that carries this user was authenticated. */
  readonly isAuthorized: boolean;
  /** Whether the user administers their domain. */
  readonly isAdmin: boolean;
  /** Whether the user administers the whole installation. */
  readonly isSuperadmin: boolean;
  /** The user's role as its lowercase wire string. */
  readonly role: UserRole;
  /** The name of the user's domain. */
  readonly domainName: string;
  /** The UUID of the user's domain, canonical lowercase. */
  readonly domainId: string;

  /**
   * Makes a frozen user record, validating every field.
   *
   * @param init The fields, in camelCase.
   * @throws {InvalidUserDataError} When a field is missing or invalid;
   *   `data.field` is its camelCase name.
   */
  constructor(init: UserDataInit) {
    if (typeof init !== "object" || init === null) {
      throw new InvalidUserDataError(
        `Cannot read user data: expected an object, got ${describe(init)}`,
      );
    }
    const fields = init as unknown as Record<string, unknown>;
    const source: FieldSource = (key) => ({ value: fields[key], name: key });
    this.userId = readUuid(source, "userId");
    this.isAuthorized = readBoolean(source, "isAuthorized");
    this.isAdmin = readBoolean(source, "isAdmin");
    this.isSuperadmin = readBoolean(source, "isSuperadmin");
    this.role = readRole(source);
    this.domainName = readString(source, "domainName");
    this.domainId = readUuid(source, "domainId");
    Object.freeze(this);
  }

  /**
   * Reads upstream's JSON shape (snake_case keys), validating every field.
   * Keys other than the seven known ones are ignored, so a newer peer may add
   * fields without breaking older readers.
   *
   * @example Read a wire object
   * ```ts
   * import { UserData } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const user = UserData.fromJSON({
   *   user_id: "f38dea2350fa42a0b5ae338f5f4693f4",
   *   is_authorized: true,
   *   is_admin: true,
   *   is_superadmin: false,
   *   role: "ADMIN",
   *   domain_name: "default",
   *   domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
   * });
   * assert.equal(user.userId, "f38dea23-50fa-42a0-b5ae-338f5f4693f4");
   * assert.equal(user.role, "admin");
   * assert.throws(() => UserData.fromJSON({ ...user.toJSON(), is_admin: "yes" }), /"is_admin"/);
   * ```
   *
   * @param value A parsed JSON value, expected to be an object.
   * @returns The user record.
   * @throws {InvalidUserDataError} When `value` is not an object or a field is
   *   missing or invalid; `data.field` is its snake_case name.
   */
  static fromJSON(value: unknown): UserData {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidUserDataError(
        `Cannot read user data: expected an object, got ${describe(value)}`,
      );
    }
    const fields = value as Record<string, unknown>;
    const source: FieldSource = (key) => {
      const name = WIRE_NAMES[key];
      return { value: fields[name], name };
    };
    return new UserData({
      userId: readUuid(source, "userId"),
      isAuthorized: readBoolean(source, "isAuthorized"),
      isAdmin: readBoolean(source, "isAdmin"),
      isSuperadmin: readBoolean(source, "isSuperadmin"),
      role: readRole(source),
      domainName: readString(source, "domainName"),
      domainId: readUuid(source, "domainId"),
    });
  }

  /**
   * Gives upstream's JSON shape, keys in upstream's order. `JSON.stringify`
   * calls it.
   *
   * @example Usage
   * ```ts
   * import { UserData } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const user = new UserData({
   *   userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
   *   isAuthorized: true,
   *   isAdmin: false,
   *   isSuperadmin: true,
   *   role: "superadmin",
   *   domainName: "default",
   *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
   * });
   * assert.deepEqual(Object.keys(user.toJSON()), [
   *   "user_id", "is_authorized", "is_admin", "is_superadmin", "role", "domain_name", "domain_id",
   * ]);
   * ```
   *
   * @returns The wire object.
   */
  toJSON(): UserDataJSON {
    return {
      user_id: this.userId,
      is_authorized: this.isAuthorized,
      is_admin: this.isAdmin,
      is_superadmin: this.isSuperadmin,
      role: this.role,
      domain_name: this.domainName,
      domain_id: this.domainId,
    };
  }

  /**
   * Tells whether two user records hold the same values.
   *
   * @example Usage
   * ```ts
   * import { UserData } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const json = {
   *   user_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
   *   is_authorized: true,
   *   is_admin: false,
   *   is_superadmin: false,
   *   role: "user",
   *   domain_name: "default",
   *   domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
   * };
   * assert.ok(UserData.fromJSON(json).equals(UserData.fromJSON({ ...json })));
   * assert.ok(!UserData.fromJSON(json).equals(UserData.fromJSON({ ...json, is_admin: true })));
   * ```
   *
   * @param other The record to compare with.
   * @returns `true` when every field is equal.
   */
  equals(other: UserData): boolean {
    return this.userId === other.userId &&
      this.isAuthorized === other.isAuthorized &&
      this.isAdmin === other.isAdmin &&
      this.isSuperadmin === other.isSuperadmin &&
      this.role === other.role &&
      this.domainName === other.domainName &&
      this.domainId === other.domainId;
  }
}
