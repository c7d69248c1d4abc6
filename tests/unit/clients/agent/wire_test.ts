// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The expected frames are written out by hand from callosum 1.0.3's
// message.py and Backend.AI's msgpack.py (reference: callosum.md §2.9), not
// produced by the code under test.

import assert from "node:assert/strict";
import {
  packRpcBody,
  PosixPath,
  RpcFrameCodec,
  RpcMessageType,
  unpackRpcBody,
  Uuid,
} from "../../../../clients/agent/mod.ts";
import { ExtData } from "@msgpack/msgpack";
import { InvalidAPIParameters } from "../../../../exception.ts";

/** Bytes from hex pairs and 'quoted' ASCII text. */
function bytes(spec: string): Uint8Array {
  const out: number[] = [];
  for (const token of spec.match(/'[^']*'|[0-9a-f]{2}/g) ?? []) {
    if (token.startsWith("'")) {
      for (const ch of token.slice(1, -1)) out.push(ch.charCodeAt(0));
    } else out.push(parseInt(token, 16));
  }
  return new Uint8Array(out);
}

function hex(data: Uint8Array): string {
  return [...data].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

const PING_HEADER = (type: string) =>
  bytes(
    `85 a4 'type' ${type} a4 'meth' a4 'ping' a4 'okey' c4 00 a3 'seq' 00 a3 'zip' c2`,
  );

Deno.test("a ping call from upstream's pool is byte for byte callosum's", () => {
  const codec = new RpcFrameCodec();
  const frames = codec.encode({
    type: RpcMessageType.FUNCTION,
    method: "ping",
    orderKey: new Uint8Array(0),
    seq: 0,
    error: null,
    body: packRpcBody({ args: ["ping"], kwargs: {} }),
  });
  assert.equal(frames.length, 3);
  assert.equal(hex(frames[0]!), hex(bytes("'UPPER'")));
  assert.equal(hex(frames[1]!), hex(PING_HEADER("01")));
  assert.equal(
    hex(frames[2]!),
    hex(bytes(
      "82 a4 'meta' c4 00 a4 'body' c4 14 82 a4 'args' 91 a4 'ping' a6 'kwargs' 80",
    )),
  );
});

Deno.test("a ping result after the ROUTER id is callosum's, and reads back", () => {
  const codec = new RpcFrameCodec();
  const peer = bytes("00 80 00 00 29");
  const frames = codec.encode({
    type: RpcMessageType.RESULT,
    method: "ping",
    orderKey: new Uint8Array(0),
    seq: 0,
    error: null,
    body: packRpcBody("ping"),
  }, [peer]);
  assert.equal(frames.length, 4);
  assert.equal(hex(frames[0]!), hex(peer));
  assert.equal(hex(frames[2]!), hex(PING_HEADER("02")));
  assert.equal(
    hex(frames[3]!),
    hex(bytes("82 a4 'meta' c4 01 90 a4 'body' c4 05 a4 'ping'")),
  );
  const decoded = codec.decode(frames);
  assert.equal(decoded.kind, "upper");
  assert.deepEqual(decoded.prefix, [peer]);
  assert.equal(decoded.message?.type, RpcMessageType.RESULT);
  assert.equal(unpackRpcBody(decoded.message!.body!), "ping");
  assert.ok(decoded.message?.orderKey instanceof Uint8Array);
});

Deno.test("a failure carries [name, repr, traceback] as nested bin, body nil", () => {
  const codec = new RpcFrameCodec();
  const traceback = "Traceback (most recent call last):\n" + "x".repeat(300);
  const frames = codec.encode({
    type: RpcMessageType.FAILURE,
    method: "ping",
    orderKey: "",
    seq: 3,
    error: { name: "ValueError", repr: "ValueError(42)", traceback },
    body: null,
  });
  const header = bytes(
    "85 a4 'type' 03 a4 'meth' a4 'ping' a4 'okey' a0 a3 'seq' 03 a3 'zip' c2",
  );
  assert.equal(hex(frames[1]!), hex(header));
  const tbLength = traceback.length; // 335: str16
  const meta = [
    ...bytes("93 aa 'ValueError' ae 'ValueError(42)'"),
    0xda,
    tbLength >> 8,
    tbLength & 0xff,
    ...new TextEncoder().encode(traceback),
  ];
  const expected = [
    ...bytes("82 a4 'meta' c5"),
    meta.length >> 8,
    meta.length & 0xff,
    ...meta,
    ...bytes("a4 'body' c0"),
  ];
  assert.equal(hex(frames[2]!), hex(new Uint8Array(expected)));
  const decoded = codec.decode(frames).message!;
  assert.deepEqual(decoded.error, {
    name: "ValueError",
    repr: "ValueError(42)",
    traceback,
  });
  assert.equal(decoded.orderKey, "");
});

Deno.test("cancel and cancelled carry empty-list metadata and a nil body", () => {
  const codec = new RpcFrameCodec();
  for (
    const [type, code] of [[RpcMessageType.CANCEL, "05"], [
      RpcMessageType.CANCELLED,
      "06",
    ]] as const
  ) {
    const frames = codec.encode({
      type,
      method: "ping",
      orderKey: new Uint8Array(0),
      seq: 0,
      error: null,
      body: null,
    });
    assert.equal(hex(frames[1]!), hex(PING_HEADER(code)));
    assert.equal(
      hex(frames[2]!),
      hex(bytes("82 a4 'meta' c4 01 90 a4 'body' c0")),
    );
  }
});

Deno.test("the connect check is PING with two empty frames, PONG echoes all", () => {
  const codec = new RpcFrameCodec();
  assert.deepEqual(codec.ping().map(hex), ["50 49 4e 47", "", ""]);
  const received = codec.decode([bytes("01 02"), ...codec.ping()]);
  assert.equal(received.kind, "ping");
  const pong = codec.pong(received);
  assert.deepEqual(pong.map(hex), ["01 02", hex(bytes("'PONG'")), "", ""]);
});

Deno.test("decode refuses what callosum cannot read, with a typed error", () => {
  const codec = new RpcFrameCodec();
  assert.throws(() => codec.decode([bytes("'UPPER'")]), InvalidAPIParameters);
  assert.throws(
    () => codec.decode([bytes("'WHAT'"), new Uint8Array(0), new Uint8Array(0)]),
    InvalidAPIParameters,
  );
  // Unknown message type 9.
  const header = bytes(
    "85 a4 'type' 09 a4 'meth' a4 'ping' a4 'okey' a0 a3 'seq' 00 a3 'zip' c2",
  );
  assert.throws(
    () =>
      codec.decode([
        bytes("'UPPER'"),
        header,
        bytes("82 a4 'meta' c4 00 a4 'body' c0"),
      ]),
    (error: unknown) =>
      error instanceof InvalidAPIParameters && error.data?.field === "type",
  );
  // zip: true (snappy) is refused.
  const zipped = bytes(
    "85 a4 'type' 02 a4 'meth' a4 'ping' a4 'okey' a0 a3 'seq' 00 a3 'zip' c3",
  );
  assert.throws(
    () =>
      codec.decode([
        bytes("'UPPER'"),
        zipped,
        bytes("82 a4 'meta' c4 01 90 a4 'body' c4 01 c0"),
      ]),
    (error: unknown) =>
      error instanceof InvalidAPIParameters && error.data?.field === "zip",
  );
  assert.throws(
    () =>
      codec.encode({
        type: RpcMessageType.FUNCTION,
        method: "ping",
        orderKey: "",
        seq: 2 ** 32,
        error: null,
        body: null,
      }),
    InvalidAPIParameters,
  );
});

Deno.test("a sequence id past 32 bits is refused on decode, as on encode", () => {
  // Found by tests/fuzz/rpc_test.ts: the server ran such a call, then could
  // not encode its reply and dropped it without a word.
  const codec = new RpcFrameCodec();
  const data = bytes("82 a4 'meta' c4 00 a4 'body' c4 01 c0");
  const header = (seq: string) =>
    bytes(
      `85 a4 'type' 01 a4 'meth' a4 'ping' a4 'okey' a0 a3 'seq' ${seq} a3 'zip' c2`,
    );
  // 0xffffffff is the last id callosum sends.
  assert.equal(
    codec.decode([bytes("'UPPER'"), header("ce ff ff ff ff"), data]).message
      ?.seq,
    0xffffffff,
  );
  for (
    const seq of ["cf 00 00 00 01 00 00 00 00", "cf 80 00 00 00 00 00 00 00"]
  ) {
    assert.throws(
      () => codec.decode([bytes("'UPPER'"), header(seq), data]),
      (error: unknown) =>
        error instanceof InvalidAPIParameters && error.data?.field === "seq",
    );
  }
});

Deno.test("UUIDs, paths and datetimes use upstream's extension types", () => {
  const id = new Uuid("0c3c2b8e-6f4e-4e43-9b1d-2b7c1c6f0a11");
  assert.equal(
    hex(packRpcBody(id)),
    "d8 01 0c 3c 2b 8e 6f 4e 4e 43 9b 1d 2b 7c 1c 6f 0a 11",
  );
  assert.equal(hex(packRpcBody(new PosixPath("/a"))), "d5 04 2f 61");
  assert.equal(hex(packRpcBody(new PosixPath("/a", "pure"))), "d5 05 2f 61");
  assert.equal(hex(packRpcBody(new PosixPath("/a", "auto"))), "d5 11 2f 61");
  // temporenc DTSZ, millisecond precision, UTC (bits written out by hand).
  const date = new Date("1983-01-15T18:25:12.123Z");
  assert.equal(hex(packRpcBody(date)), "d7 02 e3 df 83 a4 c9 83 dc 00");
  // temporenc's own example of DTS (no zone) with milliseconds.
  const dts = unpackRpcBody(bytes("c7 07 02 47 bf 07 49 93 07 b0")) as Date;
  assert.equal(dts.toISOString(), "1983-01-15T18:25:12.123Z");
  const back = unpackRpcBody(packRpcBody({ id, date, when: [date] })) as {
    id: Uuid;
    date: Date;
  };
  assert.equal(String(back.id), String(id));
  assert.equal(back.date.getTime(), date.getTime());
  assert.throws(() => new Uuid("not-a-uuid"), InvalidAPIParameters);
});

Deno.test("pickled extension types pass through untouched", () => {
  // ext 7 (a pickled ImageRef) from an agent: read as ExtData, written back.
  const raw = bytes("c7 03 07 80 05 2e");
  const value = unpackRpcBody(raw);
  assert.ok(value instanceof ExtData);
  assert.equal(value.type, 7);
  assert.equal(hex(packRpcBody(value)), hex(raw));
});

Deno.test("big integers and bytes keep their msgpack types", () => {
  const big = 2n ** 60n;
  assert.equal(unpackRpcBody(packRpcBody(big)), big);
  // A 64-bit integer within 2^53 reads as a number (cf = uint64).
  assert.equal(unpackRpcBody(bytes("cf 00 00 01 00 00 00 00 00")), 2 ** 40);
  assert.equal(unpackRpcBody(bytes("d3 ff ff ff ff ff ff ff ff")), -1);
  assert.equal(hex(packRpcBody(new Uint8Array([1, 2]))), "c4 02 01 02");
  assert.equal(unpackRpcBody(new Uint8Array(0)), null);
  assert.throws(() => unpackRpcBody(bytes("c1")), InvalidAPIParameters);
});
