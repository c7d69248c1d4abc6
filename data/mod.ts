// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Plain value objects shared across Backend.AI components, with upstream's
 * exact JSON shapes: {@linkcode UserData} (the identity that travels with a
 * request) and {@linkcode MessageMetadata} (the request context that travels
 * with a queued message, written as compact JSON that keeps `null` fields).
 * Both are frozen and validate what they read; bad input raises a
 * `BackendAIError` whose `data.field` names the offending field.
 *
 * ```ts
 * import { MessageMetadata, UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const user = UserData.fromJSON({
 *   user_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   is_authorized: true,
 *   is_admin: false,
 *   is_superadmin: false,
 *   role: "user",
 *   domain_name: "default",
 *   domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * const metadata = new MessageMetadata({ requestId: "req-1", user, triggeredUser: user });
 * const wire = metadata.serialize();
 * assert.ok(wire.startsWith('{"request_id":"req-1","user":{"user_id":"f38dea23-'));
 * assert.ok(MessageMetadata.deserialize(wire).equals(metadata));
 * assert.equal(
 *   new MessageMetadata({ requestId: "req-1" }).serialize(),
 *   '{"request_id":"req-1","user":null,"triggered_user":null}',
 * );
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./user.ts";
export * from "./message_metadata.ts";
