// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  currentUser,
  triggeredUser,
  withTriggeredUser,
  withUser,
} from "../../../contexts/user.ts";
import { UserData } from "../../../data/user.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

const ADMIN = new UserData({
  userId: "00000000-0000-4000-8000-000000000001",
  isAuthorized: true,
  isAdmin: true,
  isSuperadmin: true,
  role: "superadmin",
  domainName: "default",
  domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
});
const TARGET = new UserData({
  userId: "00000000-0000-4000-8000-000000000002",
  isAuthorized: true,
  isAdmin: false,
  isSuperadmin: false,
  role: "user",
  domainName: "default",
  domainId: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("currentUser() and triggeredUser() are undefined outside any context", () => {
  assert.equal(currentUser(), undefined);
  assert.equal(triggeredUser(), undefined);
});

Deno.test("withUser() sets only the effective user and returns fn's result", () => {
  const result = withUser(TARGET, () => {
    assert.equal(currentUser(), TARGET);
    assert.equal(triggeredUser(), undefined);
    return 7;
  });
  assert.equal(result, 7);
  assert.equal(currentUser(), undefined);
});

Deno.test("withTriggeredUser() sets only the caller", () => {
  withTriggeredUser(ADMIN, () => {
    assert.equal(triggeredUser(), ADMIN);
    assert.equal(currentUser(), undefined);
  });
  assert.equal(triggeredUser(), undefined);
});

Deno.test("impersonation: effective user is the target, triggered user the caller", async () => {
  await withTriggeredUser(ADMIN, () =>
    withUser(TARGET, async () => {
      await delay(1);
      assert.equal(currentUser(), TARGET);
      assert.equal(triggeredUser(), ADMIN);
    }));
});

Deno.test("withUser() nesting restores the outer user across await", async () => {
  await withUser(ADMIN, async () => {
    await withUser(TARGET, async () => {
      await delay(1);
      assert.equal(currentUser(), TARGET);
    });
    assert.equal(currentUser(), ADMIN);
  });
  assert.equal(currentUser(), undefined);
});

Deno.test("withUser() concurrent contexts do not bleed", async () => {
  const [a, b] = await Promise.all([
    withUser(ADMIN, async () => {
      await delay(3);
      return currentUser();
    }),
    withUser(TARGET, async () => {
      await delay(1);
      return await Promise.all([currentUser(), delay(2).then(currentUser)]);
    }),
  ]);
  assert.equal(a, ADMIN);
  assert.deepEqual(b, [TARGET, TARGET]);
});

Deno.test("withUser() and withTriggeredUser() reject a plain object", () => {
  const plain = TARGET.toJSON() as unknown as UserData;
  assert.throws(() => withUser(plain, () => undefined), InvalidAPIParameters);
  assert.throws(
    () => withTriggeredUser(plain, () => undefined),
    InvalidAPIParameters,
  );
  assert.throws(
    () => withUser(null as unknown as UserData, () => undefined),
    InvalidAPIParameters,
  );
});
