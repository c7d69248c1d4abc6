// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidAPIParameters } from "../exception.ts";

/**
 * The HTTP header that carries a request id between Backend.AI components
 * (upstream's `REQUEST_ID_HEADER`).
 *
 * @example Usage
 * ```ts
 * import { REQUEST_ID_HEADER } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * const headers = new Headers({ [REQUEST_ID_HEADER]: "req-1" });
 * assert.equal(headers.get("x-backendai-requestid"), "req-1");
 * ```
 */
export const REQUEST_ID_HEADER = "X-BackendAI-RequestID";

const requestIdStorage: AsyncLocalStorage<string> = new AsyncLocalStorage<
  string
>();

/**
 * Gives the request id of the current asynchronous context.
 *
 * @example Usage
 * ```ts
 * import { currentRequestId, withRequestId } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(currentRequestId(), undefined);
 * withRequestId("req-1", () => assert.equal(currentRequestId(), "req-1"));
 * ```
 *
 * @returns The request id, or `undefined` outside any {@linkcode withRequestId}.
 */
export function currentRequestId(): string | undefined {
  return requestIdStorage.getStore();
}

/**
 * Runs `fn` with a request id in context. The id follows every `await`,
 * timer and promise started inside `fn`; concurrent runs do not see each
 * other's ids. When `fn` returns (or its promise settles, for code that keeps
 * running in it) the surrounding id is back in effect, so nesting restores the
 * outer value. Without an id (`undefined` or `null`) a new random UUID is
 * generated, as upstream's `with_request_id(None)` does.
 *
 * @example Given and generated ids
 * ```ts
 * import { currentRequestId, withRequestId } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * const seen = await withRequestId("req-1", async () => {
 *   await new Promise((resolve) => setTimeout(resolve, 1));
 *   return currentRequestId();
 * });
 * assert.equal(seen, "req-1");
 *
 * const generated = withRequestId(undefined, (id) => {
 *   assert.equal(currentRequestId(), id);
 *   return id;
 * });
 * assert.match(generated, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
 * ```
 *
 * @typeParam T The result of `fn`.
 * @param requestId The id to use; `undefined` or `null` generates one.
 * @param fn The code to run; it receives the id in effect.
 * @returns What `fn` returns (its promise, for an async `fn`).
 * @throws {InvalidAPIParameters} When `requestId` is neither a string nor absent.
 */
export function withRequestId<T>(
  requestId: string | null | undefined,
  fn: (requestId: string) => T,
): T {
  if (requestId !== undefined && requestId !== null) {
    if (typeof requestId !== "string") {
      throw new InvalidAPIParameters(
        `Cannot set request id: expected a string, got ${typeof requestId}`,
        { data: { field: "requestId" } },
      );
    }
  }
  const id = requestId ?? crypto.randomUUID();
  return requestIdStorage.run(id, fn, id);
}
