// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  InvalidIdentifierError,
  QuotaScopeId,
  VFolderId,
} from "../../../types.ts";

const U1 = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
const H1 = "3f2504e04f8941d39a0c0305e82c3301";
const U2 = "01234567-89ab-cdef-0123-456789abcdef";
const H2 = "0123456789abcdef0123456789abcdef";

Deno.test("QuotaScopeId.parse() reads {user|project}:{uuid} with a case-insensitive type", () => {
  for (
    const [text, type] of [
      [`user:${U1}`, "user"],
      [`PROJECT:${H1}`, "project"],
      [`User:${U1.toUpperCase()}`, "user"],
    ]
  ) {
    const qs = QuotaScopeId.parse(text!);
    assert.equal(qs.scopeType, type);
    assert.equal(qs.scopeId, U1);
    assert.equal(qs.pathname, H1);
    assert.equal(qs.toString(), `${type}:${U1}`);
    assert.equal(JSON.stringify(qs), JSON.stringify(`${type}:${U1}`));
  }
});

Deno.test("QuotaScopeId rejects unknown types and bad UUIDs with InvalidIdentifierError", () => {
  for (
    const text of [
      `domain:${U1}`,
      U1,
      `user:`,
      `user:${U1}x`,
      `user ${U1}`,
      "",
      `:${U1}`,
    ]
  ) {
    assert.throws(() => QuotaScopeId.parse(text), (err: unknown) => {
      assert.ok(err instanceof InvalidIdentifierError);
      assert.equal(err.data?.kind, "QuotaScopeId");
      assert.equal(err.status, 400);
      return true;
    }, text);
  }
  assert.throws(
    () => new QuotaScopeId("group" as "user", U1),
    InvalidIdentifierError,
  );
  assert.throws(() => new QuotaScopeId("user", "nope"), InvalidIdentifierError);
});

Deno.test("QuotaScopeId.equals() compares type and UUID", () => {
  const a = new QuotaScopeId("user", U1);
  assert.ok(a.equals(QuotaScopeId.parse(`user:${H1}`)));
  assert.ok(!a.equals(new QuotaScopeId("project", U1)));
  assert.ok(!a.equals(new QuotaScopeId("user", U2)));
});

Deno.test("VFolderId.toString() is {quota_scope_id}/{hex} or {hex}", () => {
  assert.equal(
    new VFolderId(new QuotaScopeId("user", U1), U2).toString(),
    `user:${U1}/${H2}`,
  );
  assert.equal(
    new VFolderId(`project:${U1}`, H2).toString(),
    `project:${U1}/${H2}`,
  );
  assert.equal(new VFolderId(null, U2).toString(), H2);
  assert.equal(new VFolderId(undefined, U2.toUpperCase()).toString(), H2);
  assert.equal(JSON.stringify(new VFolderId(null, U2)), JSON.stringify(H2));
});

Deno.test("VFolderId.fromString() is the inverse of toString()", () => {
  for (const text of [`user:${U1}/${H2}`, `project:${U1}/${H2}`, H2]) {
    const vfid = VFolderId.fromString(text);
    assert.equal(vfid.toString(), text);
    assert.equal(vfid.folderId, U2);
    assert.ok(VFolderId.fromString(vfid.toString()).equals(vfid));
  }
  const scoped = VFolderId.fromString(`user:${U1}/${H2}`);
  assert.equal(scoped.quotaScopeId?.scopeType, "user");
  assert.equal(scoped.quotaScopeId?.scopeId, U1);
  assert.equal(VFolderId.fromString(H2).quotaScopeId, undefined);
});

Deno.test("VFolderId.fromString() also accepts dashed folder UUIDs and upstream's trailing slash", () => {
  assert.equal(
    VFolderId.fromString(`user:${U1}/${U2}`).toString(),
    `user:${U1}/${H2}`,
  );
  assert.equal(VFolderId.fromString(`${H2}/`).toString(), H2);
});

Deno.test("VFolderId.fromString() rejects malformed text", () => {
  for (
    const text of [
      "",
      "nope",
      `user:${U1}`,
      `group:${U1}/${H2}`,
      `user:${U1}/nope`,
      `/${H2}`,
    ]
  ) {
    assert.throws(
      () => VFolderId.fromString(text),
      InvalidIdentifierError,
      text,
    );
  }
});

Deno.test("VFolderId.equals() compares the quota scope and the folder", () => {
  const a = VFolderId.fromString(`user:${U1}/${H2}`);
  assert.ok(a.equals(new VFolderId(`USER:${H1}`, U2)));
  assert.ok(!a.equals(new VFolderId(null, U2)));
  assert.ok(!new VFolderId(null, U2).equals(a));
  assert.ok(!a.equals(new VFolderId(`project:${U1}`, U2)));
  assert.ok(new VFolderId(null, U2).equals(new VFolderId(undefined, H2)));
});
