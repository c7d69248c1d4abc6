// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { InvalidAPIParameters } from "../exception.ts";
import { UserData, type UserDataJSON } from "./user.ts";
import { InvalidMessageMetadataError, InvalidUserDataError } from "./errors.ts";

/**
 * The fields of a {@linkcode MessageMetadata}, as given to its constructor.
 *
 * @example Usage
 * ```ts
 * import { MessageMetadata, type MessageMetadataInit } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const init: MessageMetadataInit = { requestId: "req-1" };
 * assert.equal(new MessageMetadata(init).user, null);
 * ```
 */
export interface MessageMetadataInit {
  /**
   * The id of the request that caused the message.
   *
   * @default {null}
   */
  requestId?: string | null;
  /**
   * The effective (acting) user; the impersonated target while a superadmin
   * impersonates.
   *
   * @default {null}
   */
  user?: UserData | null;
  /**
   * The caller who triggered the request; the superadmin while impersonating.
   *
   * @default {null}
   */
  triggeredUser?: UserData | null;
}

/**
 * The wire form of a {@linkcode MessageMetadata}: upstream's snake_case keys
 * in upstream's order, every key present, `null` when absent.
 *
 * @example Usage
 * ```ts
 * import { MessageMetadata, type MessageMetadataJSON } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const json: MessageMetadataJSON = { request_id: "req-1", user: null, triggered_user: null };
 * assert.deepEqual(MessageMetadata.fromJSON(json).toJSON(), json);
 * ```
 */
export interface MessageMetadataJSON {
  /** The id of the request that caused the message. */
  request_id: string | null;
  /** The effective (acting) user. */
  user: UserDataJSON | null;
  /** The caller who triggered the request. */
  triggered_user: UserDataJSON | null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function checkUserArgument(value: unknown, name: string): UserData | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof UserData)) {
    throw new InvalidAPIParameters(
      `Cannot make message metadata: "${name}" must be a UserData or null, got ${
        describe(value)
      }`,
      { data: { field: name } },
    );
  }
  return value;
}

function readUser(
  fields: Record<string, unknown>,
  key: string,
): UserData | null {
  const value = fields[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidMessageMetadataError(
      `Cannot read message metadata: "${key}" must be an object or null, got ${
        describe(value)
      }`,
      { data: { field: key } },
    );
  }
  try {
    return UserData.fromJSON(value);
  } catch (err) {
    if (!(err instanceof InvalidUserDataError)) throw err;
    const inner = typeof err.data?.field === "string" ? err.data.field : "";
    const field = inner === "" ? key : `${key}.${inner}`;
    throw new InvalidMessageMetadataError(
      `Cannot read message metadata: "${field}" is invalid`,
      { data: { field }, cause: err },
    );
  }
}

/**
 * The request context that travels with a queued message (upstream's
 * `MessageMetadata`): the request id, the effective user and the triggering
 * user, each `null` when absent. Instances are frozen. The wire form is
 * compact JSON that keeps `null` fields, exactly as upstream writes it.
 * Capture it from the current context with `captureMetadata()` and re-enter
 * it with `withMetadata()` from `@backendai/common/contexts`.
 *
 * @example Serialize and read back
 * ```ts
 * import { MessageMetadata } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const metadata = new MessageMetadata({ requestId: "req-1" });
 * const wire = metadata.serialize();
 * assert.equal(wire, '{"request_id":"req-1","user":null,"triggered_user":null}');
 * assert.ok(MessageMetadata.deserialize(wire).equals(metadata));
 * ```
 */
export class MessageMetadata {
  /** The id of the request that caused the message, or `null`. */
  readonly requestId: string | null;
  /** The effective (acting) user, or `null`. */
  readonly user: UserData | null;
  /** The caller who triggered the request, or `null`. */
  readonly triggeredUser: UserData | null;

  /**
   * Makes frozen metadata; omitted fields are `null`.
   *
   * @param init The fields.
   * @throws {InvalidAPIParameters} When a field has the wrong type.
   */
  constructor(init: MessageMetadataInit = {}) {
    const requestId = init.requestId ?? null;
    if (requestId !== null && typeof requestId !== "string") {
      throw new InvalidAPIParameters(
        `Cannot make message metadata: "requestId" must be a string or null, got ${
          describe(requestId)
        }`,
        { data: { field: "requestId" } },
      );
    }
    this.requestId = requestId;
    this.user = checkUserArgument(init.user, "user");
    this.triggeredUser = checkUserArgument(
      init.triggeredUser,
      "triggeredUser",
    );
    Object.freeze(this);
  }

  /**
   * Reads the wire object. Missing keys read as `null`. A top-level `user_id`
   * (written by old releases) and any other unknown key are ignored.
   *
   * @example Usage
   * ```ts
   * import { MessageMetadata } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const metadata = MessageMetadata.fromJSON({ request_id: "req-1", user_id: "legacy" });
   * assert.equal(metadata.requestId, "req-1");
   * assert.equal(metadata.triggeredUser, null);
   * ```
   *
   * @param value A parsed JSON value, expected to be an object.
   * @returns The metadata.
   * @throws {InvalidMessageMetadataError} When `value` is not an object or a
   *   field has the wrong type; `data.field` names the field path.
   */
  static fromJSON(value: unknown): MessageMetadata {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidMessageMetadataError(
        `Cannot read message metadata: expected a JSON object, got ${
          describe(value)
        }`,
      );
    }
    const fields = value as Record<string, unknown>;
    const requestId = fields.request_id ?? null;
    if (requestId !== null && typeof requestId !== "string") {
      throw new InvalidMessageMetadataError(
        `Cannot read message metadata: "request_id" must be a string or null, got ${
          describe(requestId)
        }`,
        { data: { field: "request_id" } },
      );
    }
    return new MessageMetadata({
      requestId,
      user: readUser(fields, "user"),
      triggeredUser: readUser(fields, "triggered_user"),
    });
  }

  /**
   * Parses the wire string (or its UTF-8 bytes, as read from a Redis stream
   * field) written by {@linkcode MessageMetadata.serialize} or by upstream.
   *
   * @example Usage
   * ```ts
   * import { InvalidMessageMetadataError, MessageMetadata } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const bytes = new TextEncoder().encode('{"request_id":"req-1","user":null}');
   * assert.equal(MessageMetadata.deserialize(bytes).requestId, "req-1");
   * assert.throws(() => MessageMetadata.deserialize("{"), InvalidMessageMetadataError);
   * ```
   *
   * @param data Compact JSON, as a string or UTF-8 bytes.
   * @returns The metadata.
   * @throws {InvalidMessageMetadataError} When the bytes are not UTF-8, the
   *   text is not JSON, or the JSON does not have the metadata shape.
   */
  static deserialize(data: string | Uint8Array): MessageMetadata {
    let text: string;
    if (typeof data === "string") {
      text = data;
    } else {
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(data);
      } catch (err) {
        throw new InvalidMessageMetadataError(
          "Cannot read message metadata: not valid UTF-8",
          { cause: err },
        );
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new InvalidMessageMetadataError(
        "Cannot read message metadata: not valid JSON",
        { cause: err },
      );
    }
    return MessageMetadata.fromJSON(parsed);
  }

  /**
   * Gives the wire object: every key present, in upstream's order.
   * `JSON.stringify` calls it.
   *
   * @example Usage
   * ```ts
   * import { MessageMetadata } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * assert.deepEqual(new MessageMetadata().toJSON(), {
   *   request_id: null,
   *   user: null,
   *   triggered_user: null,
   * });
   * ```
   *
   * @returns The wire object.
   */
  toJSON(): MessageMetadataJSON {
    return {
      request_id: this.requestId,
      user: this.user === null ? null : this.user.toJSON(),
      triggered_user: this.triggeredUser === null
        ? null
        : this.triggeredUser.toJSON(),
    };
  }

  /**
   * Writes the wire string: compact JSON that keeps `null` fields, as
   * upstream's `serialize()` does.
   *
   * @example Usage
   * ```ts
   * import { MessageMetadata } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * assert.equal(
   *   new MessageMetadata({ requestId: "req-1" }).serialize(),
   *   '{"request_id":"req-1","user":null,"triggered_user":null}',
   * );
   * ```
   *
   * @returns Compact JSON.
   */
  serialize(): string {
    return JSON.stringify(this.toJSON());
  }

  /**
   * Tells whether two metadata values hold the same request id and users.
   *
   * @example Usage
   * ```ts
   * import { MessageMetadata } from "@backendai/common/data";
   * import assert from "node:assert/strict";
   *
   * const a = new MessageMetadata({ requestId: "req-1" });
   * assert.ok(a.equals(new MessageMetadata({ requestId: "req-1", user: null })));
   * assert.ok(!a.equals(new MessageMetadata({ requestId: "req-2" })));
   * ```
   *
   * @param other The metadata to compare with.
   * @returns `true` when every field is equal.
   */
  equals(other: MessageMetadata): boolean {
    return this.requestId === other.requestId &&
      sameUser(this.user, other.user) &&
      sameUser(this.triggeredUser, other.triggeredUser);
  }
}

function sameUser(a: UserData | null, b: UserData | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}
