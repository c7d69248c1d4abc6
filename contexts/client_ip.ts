// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidAPIParameters } from "../exception.ts";

const clientIpStorage: AsyncLocalStorage<string> = new AsyncLocalStorage<
  string
>();

/**
 * Gives the client IP address of the current asynchronous context.
 *
 * @example Usage
 * ```ts
 * import { currentClientIp, withClientIp } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(currentClientIp(), undefined);
 * withClientIp("10.0.0.7", () => assert.equal(currentClientIp(), "10.0.0.7"));
 * ```
 *
 * @returns The address, or `undefined` outside any {@linkcode withClientIp}.
 */
export function currentClientIp(): string | undefined {
  return clientIpStorage.getStore();
}

/**
 * Runs `fn` with the address of the client that sent the request in context.
 * The value follows every `await`, timer and promise started inside `fn`;
 * nesting restores the outer value. The address is kept as given.
 *
 * @example Usage
 * ```ts
 * import { currentClientIp, withClientIp } from "@backendai/common/contexts";
 * import assert from "node:assert/strict";
 *
 * const ip = await withClientIp("2001:db8::1", async () => {
 *   await Promise.resolve();
 *   return currentClientIp();
 * });
 * assert.equal(ip, "2001:db8::1");
 * ```
 *
 * @typeParam T The result of `fn`.
 * @param ip The client address, e.g. from a proxy header or the socket.
 * @param fn The code to run.
 * @returns What `fn` returns (its promise, for an async `fn`).
 * @throws {InvalidAPIParameters} When `ip` is not a string.
 */
export function withClientIp<T>(ip: string, fn: () => T): T {
  if (typeof ip !== "string") {
    throw new InvalidAPIParameters(
      `Cannot set client IP: expected a string, got ${typeof ip}`,
      { data: { field: "ip" } },
    );
  }
  return clientIpStorage.run(ip, fn);
}
