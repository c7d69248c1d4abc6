// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The ZMTP 3.1 codec against bytes written out by hand from RFC 37.

import assert from "node:assert/strict";
import {
  checkGreetingPrefix,
  decodeCommand,
  decodeGreeting,
  decodeProperties,
  encodeCommand,
  encodeFrameHeader,
  encodeGreeting,
  encodeMessage,
  encodeReady,
  FLAG_COMMAND,
  FLAG_LONG,
  FLAG_MORE,
  FrameParser,
} from "../../../../clients/agent/_zmtp_codec.ts";

const TEXT = new TextEncoder();

function ascii(text: string): number[] {
  return Array.from(TEXT.encode(text));
}

Deno.test("greeting: signature, version 3.1, NULL, as-server 0, filler", () => {
  const expected = new Uint8Array(64);
  expected.set([0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1]);
  expected.set([0x4e, 0x55, 0x4c, 0x4c], 12); // "NULL", then 16 zeros
  assert.deepEqual(encodeGreeting(), expected);
  assert.deepEqual(decodeGreeting(expected), {
    major: 3,
    minor: 1,
    mechanism: "NULL",
    asServer: false,
  });
  const curve = expected.slice();
  curve.set(ascii("CURVE"), 12);
  curve[32] = 1;
  assert.deepEqual(decodeGreeting(curve), {
    major: 3,
    minor: 1,
    mechanism: "CURVE",
    asServer: true,
  });
  // ZMTP 3.0 is fine; 2.0 and non-ZMTP bytes are not.
  const v30 = expected.slice();
  v30[11] = 0;
  assert.equal((decodeGreeting(v30) as { minor: number }).minor, 0);
  assert.match(
    checkGreetingPrefix(Uint8Array.of(0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1))!,
    /ZMTP 1\.x/,
  );
  assert.match(checkGreetingPrefix(TEXT.encode("GET"))!, /signature/);
  assert.equal(checkGreetingPrefix(Uint8Array.of(0xff, 0)), undefined);
});

Deno.test("READY with Socket-Type and an empty Identity", () => {
  const frame = encodeReady([
    ["Socket-Type", TEXT.encode("DEALER")],
    ["Identity", new Uint8Array(0)],
  ]);
  const body = [
    5,
    ...ascii("READY"),
    11,
    ...ascii("Socket-Type"),
    0,
    0,
    0,
    6,
    ...ascii("DEALER"),
    8,
    ...ascii("Identity"),
    0,
    0,
    0,
    0,
  ];
  assert.deepEqual(frame, Uint8Array.of(0x04, body.length, ...body));
  const command = decodeCommand(frame.subarray(2));
  assert.ok(typeof command !== "string");
  assert.equal(command.name, "READY");
  const properties = decodeProperties(command.data);
  assert.ok(properties instanceof Map);
  assert.deepEqual(properties.get("socket-type"), TEXT.encode("DEALER"));
  assert.deepEqual(properties.get("identity"), new Uint8Array(0));
  assert.equal(
    decodeProperties(Uint8Array.of(4, ...ascii("Name"), 0, 0, 0, 9, 1)),
    "truncated property value",
  );
});

Deno.test("PING and PONG commands", () => {
  // PING: TTL 0x0064 (10 s in deciseconds), context "ab".
  const ping = encodeCommand("PING", Uint8Array.of(0, 0x64, 0x61, 0x62));
  assert.deepEqual(
    ping,
    Uint8Array.of(0x04, 9, 4, ...ascii("PING"), 0, 0x64, 0x61, 0x62),
  );
  const pong = encodeCommand("PONG", TEXT.encode("ab"));
  assert.deepEqual(
    pong,
    Uint8Array.of(0x04, 7, 4, ...ascii("PONG"), 0x61, 0x62),
  );
});

Deno.test("short, long and MORE frames", () => {
  assert.deepEqual(encodeFrameHeader(0, 0), Uint8Array.of(0, 0));
  assert.deepEqual(encodeFrameHeader(255, FLAG_MORE), Uint8Array.of(1, 255));
  assert.deepEqual(
    encodeFrameHeader(256, FLAG_MORE),
    Uint8Array.of(FLAG_MORE | FLAG_LONG, 0, 0, 0, 0, 0, 0, 1, 0),
  );
  const long = new Uint8Array(300).fill(7);
  const message = encodeMessage([
    Uint8Array.of(0x41),
    new Uint8Array(0),
    long,
  ]);
  assert.deepEqual(
    message.subarray(0, 14),
    Uint8Array.of(1, 1, 0x41, 1, 0, 2, 0, 0, 0, 0, 0, 0, 1, 0x2c),
  );
  assert.equal(message.length, 3 + 2 + 9 + 300);
  assert.deepEqual(message.subarray(14), long);
});

Deno.test("FrameParser: any split of the stream gives the same frames", () => {
  const big = new Uint8Array(70_000).map((_, i) => i & 0xff);
  const stream = new Uint8Array([
    ...encodeMessage([Uint8Array.of(1, 2), new Uint8Array(0), big]),
    ...encodeCommand("PING", Uint8Array.of(0, 1)),
    ...encodeMessage([TEXT.encode("last")]),
  ]);
  const expected = [
    [FLAG_MORE, 2],
    [FLAG_MORE, 0],
    [FLAG_LONG, 70_000],
    [FLAG_COMMAND, 7],
    [0, 4],
  ];
  for (const step of [1, 2, 3, 9, 100, 4096, stream.length]) {
    const seen: Array<[number, number]> = [];
    let bigSeen: Uint8Array | undefined;
    const parser = new FrameParser((flags, body) => {
      seen.push([flags, body.length]);
      if (body.length === 70_000) bigSeen = body.slice();
    });
    for (let i = 0; i < stream.length; i += step) {
      assert.equal(parser.push(stream.subarray(i, i + step)), undefined);
    }
    assert.deepEqual(seen, expected, `chunks of ${step}`);
    assert.deepEqual(bigSeen, big);
  }
});

Deno.test("FrameParser: a whole frame in one chunk is a view, not a copy", () => {
  const chunk = encodeMessage([TEXT.encode("hello")]);
  let body: Uint8Array | undefined;
  new FrameParser((_, b) => body = b).push(chunk);
  assert.equal(body!.buffer, chunk.buffer);
  assert.equal(body!.byteOffset, 2);
});

Deno.test("FrameParser: a frame over 2 GiB is refused", () => {
  const parser = new FrameParser(() => assert.fail("no frame expected"));
  assert.equal(
    parser.push(Uint8Array.of(FLAG_LONG, 0, 0, 0, 1, 0, 0, 0, 0)),
    "frame too large",
  );
});
