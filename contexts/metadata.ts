// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { InvalidAPIParameters } from "../exception.ts";
import { MessageMetadata } from "../data/message_metadata.ts";
import { currentRequestId, withRequestId } from "./request_id.ts";
import {
  currentUser,
  triggeredUser,
  withTriggeredUser,
  withUser,
} from "./user.ts";

/**
 * Captures the request id, effective user and triggering user of the current
 * asynchronous context as {@linkcode MessageMetadata}, to send with a message;
 * absent values become `null`. The client IP is not part of the metadata.
 *
 * @example Usage
 * ```ts
 * import { captureMetadata, withRequestId } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(captureMetadata().serialize(), '{"request_id":null,"user":null,"triggered_user":null}');
 * const wire = withRequestId("req-1", () => captureMetadata().serialize());
 * assert.equal(wire, '{"request_id":"req-1","user":null,"triggered_user":null}');
 * ```
 *
 * @returns The metadata of the current context.
 */
export function captureMetadata(): MessageMetadata {
  return new MessageMetadata({
    requestId: currentRequestId() ?? null,
    user: currentUser() ?? null,
    triggeredUser: triggeredUser() ?? null,
  });
}

/**
 * Runs `fn` with the request id, effective user and triggering user of
 * `metadata` in context (upstream's `MessageMetadata.apply_context()`), e.g.
 * around the handler of a received message. As upstream does, a `null` field
 * (and an empty request id) leaves the surrounding value in effect rather
 * than clearing it, and no request id is generated.
 *
 * @example Round trip through the wire
 * ```ts
 * import { captureMetadata, currentRequestId, withMetadata, withRequestId } from "@backendai/common/contexts";
 * import { MessageMetadata } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const wire = withRequestId("req-1", () => captureMetadata().serialize());
 * const seen = await withMetadata(MessageMetadata.deserialize(wire), async () => {
 *   await Promise.resolve();
 *   return currentRequestId();
 * });
 * assert.equal(seen, "req-1");
 * assert.equal(currentRequestId(), undefined);
 * ```
 *
 * @typeParam T The result of `fn`.
 * @param metadata The metadata to re-enter.
 * @param fn The code to run.
 * @returns What `fn` returns (its promise, for an async `fn`).
 * @throws {InvalidAPIParameters} When `metadata` is not a {@linkcode MessageMetadata}.
 */
export function withMetadata<T>(metadata: MessageMetadata, fn: () => T): T {
  if (!(metadata instanceof MessageMetadata)) {
    throw new InvalidAPIParameters(
      "Cannot enter metadata: expected a MessageMetadata",
      { data: { field: "metadata" } },
    );
  }
  const { requestId, user, triggeredUser: caller } = metadata;
  let run: () => T = fn;
  if (caller !== null) {
    const inner = run;
    run = () => withTriggeredUser(caller, inner);
  }
  if (user !== null) {
    const inner = run;
    run = () => withUser(user, inner);
  }
  if (requestId !== null && requestId !== "") {
    const inner = run;
    run = () => withRequestId(requestId, inner);
  }
  return run();
}
