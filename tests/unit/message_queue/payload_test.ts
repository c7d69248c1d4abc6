// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { MessageMetadata, UserData } from "../../../data/mod.ts";
import {
  decodeBroadcast,
  decodeStreamFields,
  encodeBroadcast,
  encodeStreamFields,
  InvalidMessagePayloadError,
  type OutgoingMessage,
} from "../../../message_queue/mod.ts";

const USER_ID = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const DOMAIN_ID = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";

function metadata(): MessageMetadata {
  return new MessageMetadata({
    requestId: "req-1",
    user: new UserData({
      userId: USER_ID,
      isAuthorized: true,
      isAdmin: false,
      isSuperadmin: false,
      role: "user",
      domainName: "default",
      domainId: DOMAIN_ID,
    }),
  });
}

const bgtaskDone: OutgoingMessage = {
  name: "bgtask_done",
  source: "manager",
  payload: '{"task_id":"t-1","message":"ok"}',
};

function isPayloadError(field?: string) {
  return (err: unknown) =>
    err instanceof InvalidMessagePayloadError &&
    String(err.errorCode()) === "message-queue_read_invalid-data-format" &&
    (field === undefined || err.data?.field === field);
}

Deno.test("encodeStreamFields: upstream main's fields, in order, optional ones left out", () => {
  assert.deepEqual(encodeStreamFields(bgtaskDone), [
    "name",
    "bgtask_done",
    "source",
    "manager",
    "payload",
    '{"task_id":"t-1","message":"ok"}',
  ]);
  assert.deepEqual(
    encodeStreamFields({ ...bgtaskDone, metadata: metadata() }, 2).slice(6),
    [
      "metadata",
      '{"request_id":"req-1","user":{"user_id":"' + USER_ID +
      '","is_authorized":true,"is_admin":false,"is_superadmin":false,"role":"user","domain_name":"default","domain_id":"' +
      DOMAIN_ID + '"},"triggered_user":null}',
      "_retry_count",
      "2",
    ],
  );
});

Deno.test("encodeBroadcast: compact JSON with payload and metadata as JSON texts inside", () => {
  const text = encodeBroadcast({
    ...bgtaskDone,
    metadata: new MessageMetadata({ requestId: "r" }),
  });
  assert.equal(
    text,
    '{"name":"bgtask_done","source":"manager","payload":"{\\"task_id\\":\\"t-1\\",\\"message\\":\\"ok\\"}","metadata":"{\\"request_id\\":\\"r\\",\\"user\\":null,\\"triggered_user\\":null}"}',
  );
  const decoded = decodeBroadcast(text);
  assert.equal(decoded.payload, bgtaskDone.payload);
  assert.deepEqual(decoded.body, { task_id: "t-1", message: "ok" });
  assert.equal(decoded.metadata?.requestId, "r");
});

Deno.test("decodeStreamFields: round trip with bytes values, metadata and retry count", () => {
  const flat = encodeStreamFields({ ...bgtaskDone, metadata: metadata() }, 3);
  const fields: Record<string, Uint8Array> = {};
  for (let i = 0; i < flat.length; i += 2) {
    fields[flat[i] as string] = new TextEncoder().encode(
      flat[i + 1] as string,
    );
  }
  const decoded = decodeStreamFields(fields);
  assert.equal(decoded.name, "bgtask_done");
  assert.equal(decoded.retryCount, 3);
  assert.ok(decoded.metadata?.equals(metadata()));
  assert.equal(decoded.legacyArgs, undefined);
});

Deno.test("decodeStreamFields: each malformed field names itself", () => {
  const good = { name: "n", source: "s", payload: "{}" };
  assert.throws(
    () => decodeStreamFields({ source: "s", payload: "{}" }),
    isPayloadError("name"),
  );
  assert.throws(
    () => decodeStreamFields({ ...good, payload: "{" }),
    isPayloadError("payload"),
  );
  assert.throws(
    () => decodeStreamFields({ ...good, name: new Uint8Array([0xc3]) }),
    isPayloadError("name"),
  );
  assert.throws(
    () => decodeStreamFields({ ...good, _retry_count: "-1" }),
    isPayloadError("_retry_count"),
  );
  assert.throws(
    () => decodeStreamFields({ ...good, metadata: '{"user":{"user_id":1}}' }),
    isPayloadError("metadata"),
  );
  // An empty metadata field counts as absent, like upstream's falsy check.
  assert.equal(
    decodeStreamFields({ ...good, metadata: "" }).metadata,
    undefined,
  );
});

Deno.test("decodeStreamFields: legacy msgpack args, UUID and path ext values", () => {
  const args = msgpackEncode(["task-1", 0.25, 4, null]);
  const decoded = decodeStreamFields({ name: "n", source: "s", args });
  assert.deepEqual(decoded.legacyArgs, ["task-1", 0.25, 4, null]);
  assert.deepEqual(decoded.body, ["task-1", 0.25, 4, null]);
  assert.equal(decoded.payload, '["task-1",0.25,4,null]');

  const uuid = [0x12, 0x34, 0x56, 0x78, ...new Array(12).fill(0xab)];
  const path = new TextEncoder().encode("/home/work");
  const withExt = new Uint8Array([
    0x93,
    0xd8,
    0x01,
    ...uuid, // fixext16 type 1: UUID
    0xc7,
    path.length,
    0x04,
    ...path, // ext8 type 4: PosixPath
    0xc4,
    0x02,
    0x00,
    0xff, // bin8: bytes become base64 in `payload`
  ]);
  const ext = decodeStreamFields({ name: "n", source: "s", args: withExt });
  assert.deepEqual(ext.legacyArgs?.slice(0, 2), [
    "12345678-abab-abab-abab-abababababab",
    "/home/work",
  ]);
  assert.equal(
    ext.payload,
    '["12345678-abab-abab-abab-abababababab","/home/work","AP8="]',
  );
});

Deno.test("decodeStreamFields: pickle-based legacy ext types are malformed, by name", () => {
  const decimal = new Uint8Array([0x91, 0xc7, 0x01, 0x03, 0x00]);
  assert.throws(
    () => decodeStreamFields({ name: "n", source: "s", args: decimal }),
    (err: unknown) =>
      isPayloadError("args")(err) &&
      /ext 3 \(Decimal \(pickle\)\)/.test((err as Error).message),
  );
  assert.throws(
    () =>
      decodeStreamFields({
        name: "n",
        source: "s",
        args: msgpackEncode({ a: 1 }),
      }),
    /not a msgpack array/,
  );
  assert.throws(
    () =>
      decodeStreamFields({
        name: "n",
        source: "s",
        args: new Uint8Array([0xc1]),
      }),
    /"args" is not msgpack/,
  );
});

Deno.test("decodeBroadcast: legacy base64 args and its errors", () => {
  const args = btoa(
    String.fromCharCode(...msgpackEncode(["t-1", "done"])),
  );
  const decoded = decodeBroadcast(
    JSON.stringify({ name: "bgtask_done", source: "manager", args }),
  );
  assert.deepEqual(decoded.legacyArgs, ["t-1", "done"]);
  assert.throws(
    () =>
      decodeBroadcast(
        JSON.stringify({ name: "n", source: "s", args: "***" }),
      ),
    isPayloadError("args"),
  );
  assert.throws(() => decodeBroadcast("[1]"), /not a JSON object/);
  assert.throws(
    () => decodeBroadcast('{"name":"n","source":"s","payload":{}}'),
    isPayloadError("payload"),
  );
  assert.throws(
    () => decodeBroadcast(new Uint8Array([0xff])),
    /not valid UTF-8/,
  );
});

Deno.test("encode: a message with a non-string field is refused, naming it", () => {
  assert.throws(
    () =>
      encodeStreamFields({
        name: "n",
        source: "s",
        payload: { a: 1 } as unknown as string,
      }),
    isPayloadError("payload"),
  );
  assert.throws(
    () =>
      encodeBroadcast({
        name: "n",
        source: "s",
        payload: "{}",
        metadata: { requestId: "r" } as unknown as MessageMetadata,
      }),
    isPayloadError("metadata"),
  );
});

Deno.test("decodeStreamFields: a multi-megabyte legacy byte field becomes base64 in payload", () => {
  // 4 MiB of bytes in one bin field: spreading them into one call's
  // arguments overflowed the call stack.
  const blob = new Uint8Array(4 * 1024 * 1024);
  for (let i = 0; i < blob.length; i++) blob[i] = (i * 7919) & 0xff;
  const decoded = decodeStreamFields({
    name: "n",
    source: "s",
    args: msgpackEncode(["big", blob]),
  });
  const [name, base64] = JSON.parse(decoded.payload) as [string, string];
  assert.equal(name, "big");
  assert.equal(base64.length, Math.ceil(blob.length / 3) * 4);
  const back = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  assert.deepEqual(back, blob);
});

Deno.test("encode: packedArgs writes the legacy form (args in place of payload), which decodes", () => {
  const packedArgs = msgpackEncode(["t-1", "done"]);
  const message: OutgoingMessage = {
    ...bgtaskDone,
    metadata: metadata(),
    packedArgs,
  };
  const fields = encodeStreamFields(message, 2);
  assert.deepEqual(fields.filter((_, i) => i % 2 === 0), [
    "name",
    "source",
    "args",
    "metadata",
    "_retry_count",
  ]);
  assert.deepEqual(fields[5], packedArgs);
  const record: Record<string, string | Uint8Array> = {};
  for (let i = 0; i < fields.length; i += 2) {
    record[fields[i] as string] = fields[i + 1] as string | Uint8Array;
  }
  const anycast = decodeStreamFields(record);
  assert.deepEqual(anycast.legacyArgs, ["t-1", "done"]);
  assert.equal(anycast.retryCount, 2);
  assert.equal(anycast.metadata?.requestId, "req-1");

  const text = encodeBroadcast(message);
  const document = JSON.parse(text) as Record<string, string>;
  assert.deepEqual(Object.keys(document), [
    "name",
    "source",
    "args",
    "metadata",
  ]);
  assert.equal(
    document.args,
    btoa(String.fromCharCode(...packedArgs)),
  );
  const broadcast = decodeBroadcast(text);
  assert.deepEqual(broadcast.legacyArgs, ["t-1", "done"]);
  assert.equal(broadcast.metadata?.requestId, "req-1");

  assert.throws(
    () =>
      encodeBroadcast({
        ...bgtaskDone,
        packedArgs: [1, 2] as unknown as Uint8Array,
      }),
    isPayloadError("packedArgs"),
  );
});
