// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { captureMetadata, withMetadata } from "../../../contexts/metadata.ts";
import {
  currentRequestId,
  withRequestId,
} from "../../../contexts/request_id.ts";
import {
  currentUser,
  triggeredUser,
  withTriggeredUser,
  withUser,
} from "../../../contexts/user.ts";
import { withClientIp } from "../../../contexts/client_ip.ts";
import { MessageMetadata } from "../../../data/message_metadata.ts";
import { UserData } from "../../../data/user.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

const ADMIN = UserData.fromJSON({
  user_id: "00000000000040008000000000000001",
  is_authorized: true,
  is_admin: true,
  is_superadmin: true,
  role: "SuperAdmin",
  domain_name: "default",
  domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a2",
});
const TARGET = UserData.fromJSON({
  user_id: "00000000-0000-4000-8000-000000000002",
  is_authorized: true,
  is_admin: false,
  is_superadmin: false,
  role: "user",
  domain_name: "team",
  domain_id: "7b0b3d1c-4c8f-4bd4-9a35-0b8ad5a9e1a3",
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function snapshot(): [
  string | undefined,
  UserData | undefined,
  UserData | undefined,
] {
  return [currentRequestId(), currentUser(), triggeredUser()];
}

Deno.test("captureMetadata() gives nulls outside any context", () => {
  const metadata = captureMetadata();
  assert.ok(metadata.equals(new MessageMetadata()));
  assert.equal(
    metadata.serialize(),
    '{"request_id":null,"user":null,"triggered_user":null}',
  );
});

Deno.test("captureMetadata() captures request id and both users, not the client IP", () => {
  const metadata = withClientIp(
    "10.0.0.1",
    () =>
      withRequestId(
        "req-1",
        () =>
          withTriggeredUser(ADMIN, () =>
            withUser(TARGET, () => captureMetadata())),
      ),
  );
  assert.equal(metadata.requestId, "req-1");
  assert.equal(metadata.user, TARGET);
  assert.equal(metadata.triggeredUser, ADMIN);
  assert.equal(
    metadata.serialize(),
    `{"request_id":"req-1","user":${JSON.stringify(TARGET)},"triggered_user":${
      JSON.stringify(ADMIN)
    }}`,
  );
});

Deno.test("capture → serialize → deserialize → withMetadata round trip re-enters the original", async () => {
  const [original, wire] = await withRequestId(
    "req-rt",
    () =>
      withTriggeredUser(ADMIN, () =>
        withUser(TARGET, async () => {
          await delay(1);
          const metadata = captureMetadata();
          return [snapshot(), metadata.serialize()] as const;
        })),
  );
  assert.equal(currentRequestId(), undefined);
  const received = MessageMetadata.deserialize(wire);
  const reentered = await withMetadata(received, async () => {
    await delay(1);
    const inside = snapshot();
    assert.ok(captureMetadata().equals(received));
    assert.equal(captureMetadata().serialize(), wire);
    return inside;
  });
  assert.deepEqual(reentered, original);
  assert.ok(reentered[1]?.equals(TARGET));
  assert.ok(reentered[2]?.equals(ADMIN));
  assert.deepEqual(snapshot(), [undefined, undefined, undefined]);
});

Deno.test("withMetadata() returns fn's result for sync and async fns", async () => {
  const metadata = new MessageMetadata({ requestId: "req-1" });
  assert.equal(withMetadata(metadata, () => 5), 5);
  assert.equal(await withMetadata(metadata, () => Promise.resolve(6)), 6);
});

Deno.test("withMetadata() leaves outer values in effect for null fields and generates no id", () => {
  withRequestId("outer", () =>
    withUser(ADMIN, () => {
      withMetadata(new MessageMetadata({ triggeredUser: TARGET }), () => {
        assert.deepEqual(snapshot(), ["outer", ADMIN, TARGET]);
      });
      withMetadata(new MessageMetadata({ requestId: "" }), () => {
        assert.equal(currentRequestId(), "outer");
      });
      assert.deepEqual(snapshot(), ["outer", ADMIN, undefined]);
    }));
  withMetadata(new MessageMetadata(), () => {
    assert.deepEqual(snapshot(), [undefined, undefined, undefined]);
  });
});

Deno.test("withMetadata() concurrent handlers do not bleed", async () => {
  const messages = [
    new MessageMetadata({ requestId: "a", user: ADMIN }),
    new MessageMetadata({ requestId: "b", user: TARGET, triggeredUser: ADMIN }),
    new MessageMetadata({ requestId: "c" }),
  ];
  const seen = await Promise.all(
    messages.map((metadata, i) =>
      withMetadata(metadata, async () => {
        await delay(3 - i);
        const first = captureMetadata();
        await Promise.all([delay(i), delay(1)]);
        return [first, captureMetadata()];
      })
    ),
  );
  seen.forEach(([first, second], i) => {
    assert.ok(first?.equals(messages[i]!));
    assert.ok(second?.equals(messages[i]!));
  });
});

Deno.test("withMetadata() rejects a plain object", () => {
  assert.throws(
    () =>
      withMetadata(
        {
          requestId: "x",
          user: null,
          triggeredUser: null,
        } as unknown as MessageMetadata,
        () => undefined,
      ),
    InvalidAPIParameters,
  );
});
