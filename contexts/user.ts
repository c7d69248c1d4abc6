// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidAPIParameters } from "../exception.ts";
import { UserData } from "../data/user.ts";

const userStorage: AsyncLocalStorage<UserData> = new AsyncLocalStorage<
  UserData
>();
const triggeredUserStorage: AsyncLocalStorage<UserData> = new AsyncLocalStorage<
  UserData
>();

function checkUser(user: unknown, name: string): void {
  if (!(user instanceof UserData)) {
    throw new InvalidAPIParameters(
      `Cannot set ${name}: expected a UserData, got ${
        user === null ? "null" : typeof user
      }`,
      { data: { field: "user" } },
    );
  }
}

/**
 * Gives the *effective* (acting) user of the current asynchronous context:
 * the subject every permission and scope check keys off. In a normal request
 * it is the authenticated caller; while a superadmin impersonates someone it
 * is the impersonated target. Use {@linkcode triggeredUser} for the caller.
 *
 * @example Usage
 * ```ts
 * import { currentUser, withUser } from "@backendai/common/contexts";
 * import { UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const user = new UserData({
 *   userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   isAuthorized: true,
 *   isAdmin: false,
 *   isSuperadmin: false,
 *   role: "user",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * assert.equal(currentUser(), undefined);
 * withUser(user, () => assert.equal(currentUser(), user));
 * ```
 *
 * @returns The effective user, or `undefined` outside any {@linkcode withUser}.
 */
export function currentUser(): UserData | undefined {
  return userStorage.getStore();
}

/**
 * Runs `fn` with the *effective* (acting) user in context: the caller in a
 * normal request, the impersonated target while a superadmin impersonates.
 * The value follows every `await`, timer and promise started inside `fn`;
 * nesting restores the outer value. It does not set the triggering user; see
 * {@linkcode withTriggeredUser}.
 *
 * @example Usage
 * ```ts
 * import { currentUser, withUser } from "@backendai/common/contexts";
 * import { UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const user = new UserData({
 *   userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   isAuthorized: true,
 *   isAdmin: false,
 *   isSuperadmin: false,
 *   role: "user",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * const domain = await withUser(user, async () => {
 *   await Promise.resolve();
 *   return currentUser()?.domainName;
 * });
 * assert.equal(domain, "default");
 * ```
 *
 * @typeParam T The result of `fn`.
 * @param user The effective user.
 * @param fn The code to run.
 * @returns What `fn` returns (its promise, for an async `fn`).
 * @throws {InvalidAPIParameters} When `user` is not a {@linkcode UserData}.
 */
export function withUser<T>(user: UserData, fn: () => T): T {
  checkUser(user, "user");
  return userStorage.run(user, fn);
}

/**
 * Gives the *triggering* user of the current asynchronous context: the
 * authenticated caller who made the request. It equals
 * {@linkcode currentUser} in a normal request and is the superadmin while
 * that superadmin impersonates someone else.
 *
 * @example Impersonation
 * ```ts
 * import { currentUser, triggeredUser, withTriggeredUser, withUser } from "@backendai/common/contexts";
 * import { UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const admin = new UserData({
 *   userId: "00000000-0000-4000-8000-000000000001",
 *   isAuthorized: true,
 *   isAdmin: true,
 *   isSuperadmin: true,
 *   role: "superadmin",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * const target = new UserData({ ...admin, userId: "00000000-0000-4000-8000-000000000002", isAdmin: false, isSuperadmin: false, role: "user" });
 * withTriggeredUser(admin, () =>
 *   withUser(target, () => {
 *     assert.equal(currentUser(), target);
 *     assert.equal(triggeredUser(), admin);
 *   }));
 * assert.equal(triggeredUser(), undefined);
 * ```
 *
 * @returns The caller, or `undefined` outside any {@linkcode withTriggeredUser}.
 */
export function triggeredUser(): UserData | undefined {
  return triggeredUserStorage.getStore();
}

/**
 * Runs `fn` with the *triggering* user (the authenticated caller) in context.
 * The value follows every `await`, timer and promise started inside `fn`;
 * nesting restores the outer value. It does not set the effective user; see
 * {@linkcode withUser}.
 *
 * @example Usage
 * ```ts
 * import { currentUser, triggeredUser, withTriggeredUser } from "@backendai/common/contexts";
 * import { UserData } from "@backendai/common/data";
 * import assert from "node:assert/strict";
 *
 * const caller = new UserData({
 *   userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   isAuthorized: true,
 *   isAdmin: false,
 *   isSuperadmin: false,
 *   role: "user",
 *   domainName: "default",
 *   domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
 * });
 * withTriggeredUser(caller, () => {
 *   assert.equal(triggeredUser(), caller);
 *   assert.equal(currentUser(), undefined);
 * });
 * ```
 *
 * @typeParam T The result of `fn`.
 * @param user The caller.
 * @param fn The code to run.
 * @returns What `fn` returns (its promise, for an async `fn`).
 * @throws {InvalidAPIParameters} When `user` is not a {@linkcode UserData}.
 */
export function withTriggeredUser<T>(user: UserData, fn: () => T): T {
  checkUser(user, "triggered user");
  return triggeredUserStorage.run(user, fn);
}
