// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The legacy form (releases up to 26.8.x) on the writing side: the tuple's
// exact msgpack bytes (Python floats as float 64), the element kinds
// (utf8, json, constant, nested paths, omitted trailing nulls), refusals by
// name, the spec's validation, and the producer's wireFormat end to end on
// the memory queue. What a Python reader makes of these bytes is checked
// in tests/integration/events/interop_test.ts.

import assert from "node:assert/strict";
import {
  decode as msgpackDecode,
  encode as msgpackEncode,
} from "@msgpack/msgpack";
import { z } from "zod";
import { withRequestId } from "../../../contexts/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  AgentHeartbeatEvent,
  AgentStatusHeartbeatEvent,
  BgtaskUpdatedEvent,
  defineEvent,
  DoSokovanProcessScheduleEvent,
  EventDispatcher,
  EventDomain,
  EventPayloadEncodingError,
  EventProducer,
  ImagePullFailedEvent,
  ImagePullFinishedEvent,
  ImagePullStartedEvent,
} from "../../../events/mod.ts";
import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";

function float64(value: number): number[] {
  const bytes = new Uint8Array(9);
  bytes[0] = 0xcb;
  new DataView(bytes.buffer).setFloat64(1, value);
  return [...bytes];
}

function refusedAt(event: string, field: string | undefined) {
  return (err: unknown) =>
    err instanceof EventPayloadEncodingError &&
    err.data?.event === event && err.data?.field === field &&
    err.message.includes(event) &&
    (field === undefined || err.message.includes(`"${field}"`));
}

Deno.test("legacy: bgtask_updated packs as upstream's msgpack.packb, progress as float 64", () => {
  const packed = BgtaskUpdatedEvent.encodeLegacy({
    task_id: TASK,
    current_progress: 3,
    total_progress: 10,
    message: null,
  });
  assert.deepEqual([...packed], [
    0x94,
    ...msgpackEncode(TASK),
    ...float64(3),
    ...float64(10),
    0xc0,
  ]);
  // Without float fields the tuple is one msgpack array, ints as ints.
  assert.deepEqual(
    DoSokovanProcessScheduleEvent.encodeLegacy({ schedule_type: "start" }),
    msgpackEncode(["start"]),
  );
});

Deno.test("legacy: nested float paths pack as float 64 inside maps", () => {
  const Scan = defineEvent({
    name: "scan_legacy_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({
      id: z.string(),
      result: z.object({
        verifiers: z.record(
          z.string(),
          z.object({ scan_time: z.number(), count: z.number() }),
        ),
      }).nullable(),
    }),
    floatFields: ["result.verifiers.*.scan_time"],
    legacyFields: ["id", "result"],
  });
  const body = {
    id: "m",
    result: { verifiers: { v: { scan_time: 2, count: 5 } } },
  };
  const packed = Scan.encodeLegacy(body);
  assert.deepEqual(msgpackDecode(packed), ["m", body.result]);
  // Only scan_time differs from a plain packing: float 64 (9 bytes), not
  // the fixint 2 (1 byte); count stays an integer.
  const plain = msgpackEncode(["m", body.result]);
  assert.equal(packed.length, plain.length + 8);
  const hex = (bytes: Iterable<number>) =>
    [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  assert.ok(
    hex(packed).includes(hex(msgpackEncode("scan_time")) + hex(float64(2))),
  );
  assert.ok(hex(packed).endsWith(hex(msgpackEncode("count")) + "05"));
  assert.deepEqual(
    msgpackDecode(Scan.encodeLegacy({ id: "m", result: null })),
    ["m", null],
  );
});

Deno.test("legacy: fields upstream pickles are refused by name unless null; null image_ref is left out", () => {
  const started = {
    image: "python:3.13",
    agent_id: "i-1",
    timestamp: 1.5,
    image_ref: null,
  };
  assert.deepEqual(msgpackDecode(ImagePullStartedEvent.encodeLegacy(started)), [
    "python:3.13",
    "i-1",
    1.5,
  ]);
  assert.deepEqual(
    msgpackDecode(
      ImagePullFailedEvent.encodeLegacy({
        image: "x",
        agent_id: "i-1",
        msg: "gone",
        image_ref: null,
      }),
    ),
    ["x", "i-1", "gone"],
  );
  // image_pull_finished always has five elements upstream.
  assert.deepEqual(
    msgpackDecode(
      ImagePullFinishedEvent.encodeLegacy({ ...started, msg: null }),
    ),
    ["python:3.13", "i-1", 1.5, null, null],
  );
  for (
    const [definition, body] of [
      [ImagePullStartedEvent, { ...started, image_ref: { name: "python" } }],
      [ImagePullFinishedEvent, {
        ...started,
        msg: null,
        image_ref: { name: "python" },
      }],
    ] as const
  ) {
    assert.throws(
      () =>
        (definition as { encodeLegacy(body: unknown): Uint8Array })
          .encodeLegacy(body),
      (err: unknown) =>
        refusedAt(definition.name, "image_ref")(err) &&
        /ImageRef/.test((err as Error).message),
    );
  }
  assert.throws(
    () => AgentHeartbeatEvent.encodeLegacy({ agent_info: { region: "x" } }),
    refusedAt("agent_heartbeat", "agent_info"),
  );
  // The JSON form of the same bodies is fine.
  assert.match(
    ImagePullStartedEvent.encode({ ...started, image_ref: { name: "p" } }),
    /"image_ref":\{"name":"p"\}/,
  );
});

Deno.test("legacy: an event without a legacy form is refused by name", () => {
  const Modern = defineEvent({
    name: "modern_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({ n: z.number() }),
  });
  assert.equal(Modern.legacyFields, undefined);
  assert.throws(
    () => Modern.encodeLegacy({ n: 1 }),
    (err: unknown) =>
      refusedAt("modern_test", undefined)(err) &&
      /has none/.test((err as Error).message),
  );
  assert.throws(
    () => Modern.decode({ body: null, legacyArgs: [1] }),
    /no legacy \(msgpack\) form/,
  );
});

Deno.test("legacy: utf8, json, constant and nested elements, both ways", () => {
  const Kinds = defineEvent({
    name: "kinds_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({
      name: z.string(),
      data: z.record(z.string(), z.unknown()),
      inner: z.object({ a: z.number(), b: z.string() }),
      rest: z.string(),
      extra: z.number(),
    }),
    floatFields: ["extra", "data.ratio"],
    legacyFields: [
      { field: "name", as: "utf8" },
      { constant: "ignored" },
      { field: "data", as: "json" },
      "inner.b",
      "inner.a",
      { fields: ["rest", "extra"], as: "json" },
    ],
  });
  const body = {
    name: "한",
    data: { ratio: 1, n: 1 },
    inner: { a: 7, b: "x" },
    rest: "r",
    extra: 2,
  };
  const args = msgpackDecode(Kinds.encodeLegacy(body)) as unknown[];
  assert.deepEqual(args, [
    new TextEncoder().encode("한"),
    "ignored",
    new TextEncoder().encode('{"ratio":1.0,"n":1}'),
    "x",
    7,
    new TextEncoder().encode('{"rest":"r","extra":2.0}'),
  ]);
  assert.deepEqual(Kinds.decode({ body: null, legacyArgs: args }), body);
  assert.throws(
    () =>
      Kinds.decode({
        body: null,
        legacyArgs: [new Uint8Array([0xff]), null, null, "x", 7, null],
      }),
    (err: unknown) =>
      (err as { data?: Record<string, unknown> }).data?.field === "name",
  );
  assert.throws(
    () =>
      Kinds.decode({
        body: null,
        legacyArgs: ["n", null, "{not json", "x", 7, null],
      }),
    (err: unknown) =>
      (err as { data?: Record<string, unknown> }).data?.field === "data",
  );
});

Deno.test("legacy: malformed legacyFields are refused when the event is defined", () => {
  const bad: unknown[] = [
    [{}],
    [{ field: "a", constant: 1 }],
    [{ field: "a", as: "pickle" }],
    [{ fields: ["a"], as: "utf8" }],
    [{ fields: ["a.b"], as: "json" }],
    [{ field: "a..b" }],
    [{ field: "a", omitWhenNull: true }, "b"],
    [{ constant: 1, omitWhenNull: true }],
  ];
  for (const legacyFields of bad) {
    assert.throws(
      () =>
        defineEvent({
          name: "bad_test",
          domain: EventDomain.LOG,
          pattern: "anycast",
          schema: z.object({}),
          legacyFields: legacyFields as never,
        }),
      (err: unknown) =>
        err instanceof InvalidAPIParameters &&
        String(err.data?.field).startsWith("legacyFields."),
      JSON.stringify(legacyFields),
    );
  }
  // An empty tuple is a legacy form of its own (upstream's `tuple()`).
  const Empty = defineEvent({
    name: "empty_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({}),
    legacyFields: [],
  });
  assert.deepEqual(Empty.encodeLegacy({}), new Uint8Array([0x90]));
});

Deno.test("producer: wireFormat legacy sends args, anycast and broadcast, and our side reads them", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  const producer = new EventProducer(queue, {
    source: "agent-1",
    wireFormat: "legacy",
  });
  assert.equal(producer.wireFormat, "legacy");
  const consumer = await queue.consumer({
    group: "raw",
    startFrom: "beginning",
  });
  const subscriber = await queue.subscriber();
  const dispatcher = new EventDispatcher(queue, {
    group: "manager",
    logger: quietLogger,
  });
  const seen: string[] = [];
  dispatcher.consume(DoSokovanProcessScheduleEvent, (_c, source, body) => {
    seen.push(`${source} ${body.schedule_type}`);
  });
  dispatcher.subscribe(BgtaskUpdatedEvent, (_c, _s, body) => {
    seen.push(`${body.current_progress}/${body.total_progress}`);
  });
  await dispatcher.start();
  await withRequestId(
    "req-legacy",
    () =>
      producer.anycast(
        DoSokovanProcessScheduleEvent.create({ schedule_type: "start" }),
      ),
  );
  await producer.broadcast(BgtaskUpdatedEvent.create({
    task_id: TASK,
    current_progress: 1,
    total_progress: 2,
    message: null,
  }));
  for await (const message of consumer) {
    assert.deepEqual(message.legacyArgs, ["start"]);
    assert.equal(message.metadata?.requestId, "req-legacy");
    await consumer.done(message);
    break;
  }
  for await (const message of subscriber) {
    assert.deepEqual(message.legacyArgs, [TASK, 1, 2, null]);
    break;
  }
  const deadline = Date.now() + 5000;
  while (seen.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.deepEqual(seen.sort(), ["1/2", "agent-1 start"]);
  await dispatcher.close();
  await consumer.close();
  await subscriber.close();
  // A prepared broadcast (the bgtask store's side door) is legacy too.
  const prepared = producer.prepareBroadcast(BgtaskUpdatedEvent.create({
    task_id: TASK,
    current_progress: 0,
    total_progress: 1,
    message: "m",
  }));
  assert.deepEqual(Object.keys(JSON.parse(prepared.data)), [
    "name",
    "source",
    "args",
  ]);
});

Deno.test("producer: refused sends reject (never throw), and a bad wireFormat is refused", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  const producer = new EventProducer(queue, {
    source: "agent-1",
    wireFormat: "legacy",
  });
  const heartbeat = AgentHeartbeatEvent.create({ agent_info: { a: 1 } });
  const modern = defineEvent({
    name: "modern_send_test",
    domain: EventDomain.LOG,
    pattern: "broadcast",
    schema: z.object({}),
  }).create({});
  for (
    const send of [
      () => producer.anycast(heartbeat),
      () => producer.broadcast(modern),
      () => producer.broadcastWithCache(modern, { cacheId: "c" }),
      () => producer.broadcastBatch([modern]),
    ]
  ) {
    const sent = send();
    assert.ok(sent instanceof Promise);
    await assert.rejects(sent, EventPayloadEncodingError);
  }
  // agent_status_heartbeat is main's only: its legacy form still packs.
  assert.ok(
    AgentStatusHeartbeatEvent.encodeLegacy({ agent_id: "i", containers: [] })
      .length > 0,
  );
  assert.throws(
    () =>
      new EventProducer(queue, {
        source: "x",
        wireFormat: "msgpack" as never,
      }),
    (err: unknown) =>
      err instanceof InvalidAPIParameters && err.data?.field === "wireFormat",
  );
  const json = new EventProducer(queue, { source: "x" });
  assert.equal(json.wireFormat, "json");
  assert.deepEqual(
    Object.keys(
      JSON.parse(
        json.prepareBroadcast(BgtaskUpdatedEvent.create({
          task_id: TASK,
          current_progress: 0,
          total_progress: 1,
          message: null,
        })).data,
      ),
    ),
    ["name", "source", "payload"],
  );
});
