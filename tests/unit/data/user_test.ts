// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  UserData,
  type UserDataInit,
  type UserDataJSON,
} from "../../../data/user.ts";
import { BackendAIError } from "../../../exception.ts";
import { InvalidUserDataError } from "../../../data/errors.ts";

const USER_ID = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const DOMAIN_ID = "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2";

const WIRE: UserDataJSON = {
  user_id: USER_ID,
  is_authorized: true,
  is_admin: false,
  is_superadmin: false,
  role: "user",
  domain_name: "default",
  domain_id: DOMAIN_ID,
};

const INIT: UserDataInit = {
  userId: USER_ID,
  isAuthorized: true,
  isAdmin: false,
  isSuperadmin: false,
  role: "user",
  domainName: "default",
  domainId: DOMAIN_ID,
};

function rejectsField(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidUserDataError);
    assert.ok(err instanceof BackendAIError);
    assert.equal(err.status, 400);
    assert.equal(String(err.errorCode()), "user_parsing_invalid-data-format");
    assert.equal(err.data?.field, field);
    assert.ok(err.message.includes(`"${field}"`), err.message);
    return true;
  });
}

Deno.test("UserData.toJSON() gives upstream's exact JSON string and key order", () => {
  const user = new UserData(INIT);
  assert.equal(
    JSON.stringify(user),
    `{"user_id":"${USER_ID}","is_authorized":true,"is_admin":false,"is_superadmin":false,"role":"user","domain_name":"default","domain_id":"${DOMAIN_ID}"}`,
  );
  assert.deepEqual(user.toJSON(), WIRE);
});

Deno.test("UserData keeps camelCase fields and is frozen", () => {
  const user = new UserData(INIT);
  assert.equal(user.userId, USER_ID);
  assert.equal(user.isAuthorized, true);
  assert.equal(user.isAdmin, false);
  assert.equal(user.isSuperadmin, false);
  assert.equal(user.role, "user");
  assert.equal(user.domainName, "default");
  assert.equal(user.domainId, DOMAIN_ID);
  assert.ok(Object.isFrozen(user));
  assert.throws(() => {
    (user as unknown as { isAdmin: boolean }).isAdmin = true;
  }, TypeError);
});

Deno.test("UserData.fromJSON() round-trips toJSON()", () => {
  const user = UserData.fromJSON(WIRE);
  assert.deepEqual(user.toJSON(), WIRE);
  assert.deepEqual(user, new UserData(INIT));
  assert.ok(user.equals(new UserData(INIT)));
});

Deno.test("UserData.fromJSON() normalizes UUID spellings to canonical lowercase", () => {
  const spellings = [
    "f38dea2350fa42a0b5ae338f5f4693f4",
    "F38DEA2350FA42A0B5AE338F5F4693F4",
    "F38DEA23-50FA-42A0-B5AE-338F5F4693F4",
    "{f38dea23-50fa-42a0-b5ae-338f5f4693f4}",
    "urn:uuid:f38dea23-50fa-42a0-b5ae-338f5f4693f4",
  ];
  for (const spelling of spellings) {
    const user = UserData.fromJSON({
      ...WIRE,
      user_id: spelling,
      domain_id: spelling,
    });
    assert.equal(user.userId, USER_ID, spelling);
    assert.equal(user.domainId, USER_ID, spelling);
  }
});

Deno.test("UserData.fromJSON() parses the role case-insensitively", () => {
  for (
    const [given, expected] of [
      ["SUPERADMIN", "superadmin"],
      ["Admin", "admin"],
      ["user", "user"],
      ["MONITOR", "monitor"],
    ] as const
  ) {
    assert.equal(UserData.fromJSON({ ...WIRE, role: given }).role, expected);
  }
  assert.equal(
    UserData.fromJSON({ ...WIRE, role: "ADMIN" }).toJSON().role,
    "admin",
  );
});

Deno.test("UserData.fromJSON() rejects an unknown role with its cause", () => {
  assert.throws(
    () => UserData.fromJSON({ ...WIRE, role: "root" }),
    (err: unknown) => {
      assert.ok(err instanceof InvalidUserDataError);
      assert.equal(err.data?.field, "role");
      assert.equal(err.data?.value, "root");
      assert.ok(err.cause instanceof BackendAIError);
      return true;
    },
  );
});

Deno.test("UserData.fromJSON() rejects bad UUIDs naming the field", () => {
  for (
    const bad of [
      "not-a-uuid",
      "",
      "f38dea23-50fa-42a0-b5ae-338f5f4693f",
      "f38dea2350fa42a0b5ae338f5f4693f4aa",
      "g38dea23-50fa-42a0-b5ae-338f5f4693f4",
      "f38dea23-50fa42a0-b5ae-338f-5f4693f4",
    ]
  ) {
    rejectsField(() => UserData.fromJSON({ ...WIRE, user_id: bad }), "user_id");
    rejectsField(
      () => UserData.fromJSON({ ...WIRE, domain_id: bad }),
      "domain_id",
    );
  }
  rejectsField(() => UserData.fromJSON({ ...WIRE, user_id: 42 }), "user_id");
});

Deno.test("UserData.fromJSON() rejects wrong types and missing fields naming the field", () => {
  rejectsField(
    () => UserData.fromJSON({ ...WIRE, is_authorized: "true" }),
    "is_authorized",
  );
  rejectsField(() => UserData.fromJSON({ ...WIRE, is_admin: 0 }), "is_admin");
  rejectsField(
    () => UserData.fromJSON({ ...WIRE, is_superadmin: null }),
    "is_superadmin",
  );
  rejectsField(() => UserData.fromJSON({ ...WIRE, role: 1 }), "role");
  rejectsField(
    () => UserData.fromJSON({ ...WIRE, domain_name: null }),
    "domain_name",
  );
  for (const key of Object.keys(WIRE)) {
    const partial: Record<string, unknown> = { ...WIRE };
    delete partial[key];
    rejectsField(() => UserData.fromJSON(partial), key);
  }
});

Deno.test("UserData.fromJSON() rejects non-objects", () => {
  for (const bad of [null, undefined, "user", 1, [WIRE]]) {
    assert.throws(() => UserData.fromJSON(bad), InvalidUserDataError);
  }
});

Deno.test("UserData.fromJSON() ignores unknown keys", () => {
  const user = UserData.fromJSON({ ...WIRE, email: "a@example.com" });
  assert.deepEqual(user.toJSON(), WIRE);
});

Deno.test("new UserData() validates camelCase fields naming them", () => {
  rejectsField(() => new UserData({ ...INIT, userId: "nope" }), "userId");
  rejectsField(
    () => new UserData({ ...INIT, isAdmin: "no" as unknown as boolean }),
    "isAdmin",
  );
  rejectsField(
    () => new UserData({ ...INIT, role: "guest" as unknown as "user" }),
    "role",
  );
  rejectsField(() => new UserData({ ...INIT, domainId: "" }), "domainId");
  assert.equal(
    new UserData({ ...INIT, userId: USER_ID.toUpperCase() }).userId,
    USER_ID,
  );
});

Deno.test("UserData.equals() compares every field", () => {
  const user = new UserData(INIT);
  assert.ok(user.equals(new UserData({ ...INIT })));
  for (
    const change of [
      { userId: DOMAIN_ID },
      { isAuthorized: false },
      { isAdmin: true },
      { isSuperadmin: true },
      { role: "admin" as const },
      { domainName: "other" },
      { domainId: USER_ID },
    ]
  ) {
    assert.ok(
      !user.equals(new UserData({ ...INIT, ...change })),
      JSON.stringify(change),
    );
  }
});
