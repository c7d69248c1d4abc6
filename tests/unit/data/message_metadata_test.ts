// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { MessageMetadata } from "../../../data/message_metadata.ts";
import { UserData } from "../../../data/user.ts";
import { BackendAIError, InvalidAPIParameters } from "../../../exception.ts";
import {
  InvalidMessageMetadataError,
  InvalidUserDataError,
} from "../../../data/errors.ts";

const USER_JSON =
  '{"user_id":"f38dea23-50fa-42a0-b5ae-338f5f4693f4","is_authorized":true,"is_admin":false,"is_superadmin":false,"role":"user","domain_name":"default","domain_id":"7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2"}';
const ADMIN_JSON =
  '{"user_id":"00000000-0000-4000-8000-000000000001","is_authorized":true,"is_admin":true,"is_superadmin":true,"role":"superadmin","domain_name":"default","domain_id":"7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2"}';
const USER = UserData.fromJSON(JSON.parse(USER_JSON));
const ADMIN = UserData.fromJSON(JSON.parse(ADMIN_JSON));

function rejects(
  input: string | Uint8Array,
  field: string | undefined,
): InvalidMessageMetadataError {
  let caught: unknown;
  assert.throws(() => MessageMetadata.deserialize(input), (err: unknown) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof InvalidMessageMetadataError, String(caught));
  assert.ok(caught instanceof BackendAIError);
  assert.equal(caught.status, 400);
  assert.equal(
    String(caught.errorCode()),
    "message-queue_read_invalid-data-format",
  );
  assert.equal(caught.data?.field, field);
  return caught;
}

Deno.test("MessageMetadata.serialize() writes compact JSON with null fields", () => {
  assert.equal(
    new MessageMetadata({ requestId: "req-1" }).serialize(),
    '{"request_id":"req-1","user":null,"triggered_user":null}',
  );
  assert.equal(
    new MessageMetadata().serialize(),
    '{"request_id":null,"user":null,"triggered_user":null}',
  );
});

Deno.test("MessageMetadata.serialize() embeds users in upstream's shape", () => {
  const metadata = new MessageMetadata({
    requestId: "req-1",
    user: USER,
    triggeredUser: ADMIN,
  });
  assert.equal(
    metadata.serialize(),
    `{"request_id":"req-1","user":${USER_JSON},"triggered_user":${ADMIN_JSON}}`,
  );
  assert.equal(JSON.stringify(metadata), metadata.serialize());
});

Deno.test("MessageMetadata.deserialize() round-trips serialize()", () => {
  for (
    const metadata of [
      new MessageMetadata(),
      new MessageMetadata({ requestId: "req-1" }),
      new MessageMetadata({ user: USER }),
      new MessageMetadata({ requestId: "r", user: ADMIN, triggeredUser: USER }),
    ]
  ) {
    const back = MessageMetadata.deserialize(metadata.serialize());
    assert.ok(back.equals(metadata));
    assert.deepEqual(back, metadata);
    assert.equal(back.serialize(), metadata.serialize());
  }
});

Deno.test("MessageMetadata.deserialize() reads UTF-8 bytes", () => {
  const bytes = new TextEncoder().encode(
    `{"request_id":"요청-1","user":${USER_JSON},"triggered_user":null}`,
  );
  const metadata = MessageMetadata.deserialize(bytes);
  assert.equal(metadata.requestId, "요청-1");
  assert.ok(metadata.user?.equals(USER));
  assert.equal(metadata.triggeredUser, null);
});

Deno.test("MessageMetadata.deserialize() ignores a legacy top-level user_id", () => {
  const metadata = MessageMetadata.deserialize(
    '{"request_id":"req-1","user_id":"f38dea23-50fa-42a0-b5ae-338f5f4693f4"}',
  );
  assert.ok(metadata.equals(new MessageMetadata({ requestId: "req-1" })));
  assert.equal(
    metadata.serialize(),
    '{"request_id":"req-1","user":null,"triggered_user":null}',
  );
  // Any type is tolerated there, even one that would be invalid elsewhere.
  assert.equal(
    MessageMetadata.deserialize('{"user_id":42}').serialize(),
    '{"request_id":null,"user":null,"triggered_user":null}',
  );
});

Deno.test("MessageMetadata.deserialize() reads missing keys as null and ignores unknown keys", () => {
  assert.ok(MessageMetadata.deserialize("{}").equals(new MessageMetadata()));
  const metadata = MessageMetadata.deserialize(
    `{"user":${USER_JSON},"source":"manager","timestamp":"x"}`,
  );
  assert.ok(metadata.equals(new MessageMetadata({ user: USER })));
});

Deno.test("MessageMetadata.deserialize() rejects invalid JSON and bad UTF-8", () => {
  for (const bad of ["", "{", "not json", '{"request_id":"req-1",}']) {
    const err = rejects(bad, undefined);
    assert.ok(err.cause instanceof SyntaxError);
  }
  const err = rejects(new Uint8Array([0x7b, 0xff, 0x7d]), undefined);
  assert.ok(err.cause instanceof TypeError);
});

Deno.test("MessageMetadata.deserialize() rejects non-object JSON", () => {
  for (const bad of ["null", "[]", '"req-1"', "42", "true"]) {
    rejects(bad, undefined);
  }
});

Deno.test("MessageMetadata.deserialize() rejects wrong types naming the field", () => {
  rejects('{"request_id":42}', "request_id");
  rejects('{"request_id":{}}', "request_id");
  rejects('{"user":"f38dea23-50fa-42a0-b5ae-338f5f4693f4"}', "user");
  rejects('{"user":[]}', "user");
  rejects('{"triggered_user":true}', "triggered_user");
});

Deno.test("MessageMetadata.deserialize() names the nested field of a bad user", () => {
  const badUser = USER_JSON.replace('"is_admin":false', '"is_admin":"no"');
  const err = rejects(`{"user":${badUser}}`, "user.is_admin");
  assert.ok(err.cause instanceof InvalidUserDataError);
  rejects(
    `{"triggered_user":${USER_JSON.replace("7b0b3d1c-", "zz")}}`,
    "triggered_user.domain_id",
  );
  rejects('{"user":{}}', "user.user_id");
});

Deno.test("new MessageMetadata() defaults to nulls, freezes, and checks types", () => {
  const metadata = new MessageMetadata();
  assert.equal(metadata.requestId, null);
  assert.equal(metadata.user, null);
  assert.equal(metadata.triggeredUser, null);
  assert.ok(Object.isFrozen(metadata));
  assert.throws(
    () => new MessageMetadata({ requestId: 1 as unknown as string }),
    InvalidAPIParameters,
  );
  assert.throws(
    () => new MessageMetadata({ user: USER.toJSON() as unknown as UserData }),
    InvalidAPIParameters,
  );
});

Deno.test("MessageMetadata.equals() compares request id and both users", () => {
  const base = new MessageMetadata({
    requestId: "r",
    user: USER,
    triggeredUser: ADMIN,
  });
  assert.ok(
    base.equals(
      new MessageMetadata({ requestId: "r", user: USER, triggeredUser: ADMIN }),
    ),
  );
  assert.ok(
    !base.equals(
      new MessageMetadata({ requestId: "s", user: USER, triggeredUser: ADMIN }),
    ),
  );
  assert.ok(
    !base.equals(
      new MessageMetadata({
        requestId: "r",
        user: ADMIN,
        triggeredUser: ADMIN,
      }),
    ),
  );
  assert.ok(!base.equals(new MessageMetadata({ requestId: "r", user: USER })));
  assert.ok(
    !base.equals(new MessageMetadata({ requestId: "r", triggeredUser: ADMIN })),
  );
});
