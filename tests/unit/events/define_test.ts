// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { z } from "zod";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  BGTASK_EVENTS,
  BgtaskPartialSuccessEvent,
  BgtaskUpdatedEvent,
  defineEvent,
  EventDomain,
  EventPayloadDecodingError,
  EventPayloadEncodingError,
  EventRegistry,
} from "../../../events/mod.ts";

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";

Deno.test("events: bodies encode as upstream main's JSON, floats with a decimal point", () => {
  assert.equal(
    BgtaskUpdatedEvent.encode({
      task_id: TASK,
      current_progress: 3,
      total_progress: 10.5,
      message: null,
    }),
    `{"task_id":"${TASK}","current_progress":3.0,"total_progress":10.5,"message":null}`,
  );
  // A string that looks like the float marker stays a string.
  const Echo = defineEvent({
    name: "echo_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({ text: z.string(), n: z.number() }),
    floatFields: ["n"],
  });
  assert.equal(
    Echo.encode({ text: "\u0000float:1", n: -2 }),
    '{"text":"\\u0000float:1","n":-2.0}',
  );
});

Deno.test("events: decoding ignores unknown fields, fills defaults, reads the legacy tuple", () => {
  assert.deepEqual(
    BgtaskUpdatedEvent.decode({
      body: {
        task_id: TASK,
        current_progress: 1,
        total_progress: 2,
        added_later: true,
      },
    }),
    { task_id: TASK, current_progress: 1, total_progress: 2, message: null },
  );
  assert.deepEqual(
    BgtaskUpdatedEvent.decode({
      body: null,
      legacyArgs: [TASK, 0.5, 4, "halfway"],
    }),
    {
      task_id: TASK,
      current_progress: 0.5,
      total_progress: 4,
      message: "halfway",
    },
  );
  assert.deepEqual(
    BgtaskPartialSuccessEvent.decode({
      body: null,
      legacyArgs: [TASK, null, ["a failed"]],
    }).errors,
    ["a failed"],
  );
});

Deno.test("events: bad bodies raise the upstream error codes with the offending paths", () => {
  assert.throws(
    () => BgtaskUpdatedEvent.decode({ body: { task_id: "nope" } }),
    (err: unknown) =>
      err instanceof EventPayloadDecodingError &&
      String(err.errorCode()) === "event_parsing_invalid-data-format" &&
      (err.data?.issues as string[]).some((i) => i.startsWith("task_id")) &&
      (err.data?.issues as string[]).some((i) =>
        i.startsWith("current_progress")
      ),
  );
  assert.throws(
    () => BgtaskUpdatedEvent.decode({ body: null }),
    EventPayloadDecodingError,
  );
  assert.throws(
    () =>
      BgtaskUpdatedEvent.encode({
        task_id: TASK,
        current_progress: "1" as unknown as number,
        total_progress: 1,
        message: null,
      }),
    (err: unknown) =>
      err instanceof EventPayloadEncodingError &&
      String(err.errorCode()) === "event_create_invalid-data-format",
  );
  const Big = defineEvent({
    name: "big_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({ n: z.bigint() }),
  });
  assert.throws(() => Big.encode({ n: 1n }), /not JSON-representable/);
});

Deno.test("events: definitions and the registry refuse bad names, duplicates and unknown names", () => {
  assert.throws(
    () =>
      defineEvent({
        name: "NotSnake",
        domain: EventDomain.LOG,
        pattern: "anycast",
        schema: z.object({}),
      }),
    (err: unknown) =>
      err instanceof InvalidAPIParameters && err.data?.field === "name",
  );
  const registry = new EventRegistry(BGTASK_EVENTS);
  assert.equal(registry.names.length, 5);
  assert.throws(
    () => registry.register(BgtaskUpdatedEvent),
    /already registered/,
  );
  assert.throws(
    () => registry.decode({ name: "no_such_event", body: {} }),
    (err: unknown) =>
      err instanceof EventPayloadDecodingError &&
      err.data?.event === "no_such_event",
  );
  const event = registry.decode({
    name: "bgtask_done",
    body: { task_id: TASK, message: "ok" },
  });
  assert.equal(event.definition.cacheId(event.body), `bgtask.${TASK}`);
});

Deno.test("catalogue: kernel events in both patterns share bodies; only broadcast termination routes", async () => {
  const {
    KERNEL_ANYCAST_EVENTS,
    KERNEL_BROADCAST_EVENTS,
    KernelTerminatedBroadcastEvent,
    KernelStartedBroadcastEvent,
  } = await import("../../../events/mod.ts");
  const registry = new EventRegistry([
    ...BGTASK_EVENTS,
    ...KERNEL_BROADCAST_EVENTS,
  ]);
  assert.equal(registry.names.length, 12);
  assert.deepEqual(
    KERNEL_ANYCAST_EVENTS.map((d) => d.name).slice(0, 7),
    KERNEL_BROADCAST_EVENTS.map((d) => d.name),
  );
  const started = registry.decode({
    name: "kernel_started",
    body: { kernel_id: TASK, session_id: TASK, creation_info: { a: 1 } },
  });
  assert.equal(started.definition.domainId(started.body), TASK);
  assert.ok(started.definition === KernelStartedBroadcastEvent);
  const terminated = KernelTerminatedBroadcastEvent.decode({
    body: null,
    legacyArgs: [TASK, TASK, "user-requested", 0],
  });
  assert.deepEqual(terminated, {
    kernel_id: TASK,
    session_id: TASK,
    reason: "user-requested",
    exit_code: 0,
  });
  assert.equal(KernelTerminatedBroadcastEvent.domainId(terminated), TASK);
  const { KernelTerminatedAnycastEvent } = await import(
    "../../../events/mod.ts"
  );
  assert.equal(KernelTerminatedAnycastEvent.domainId(terminated), null);
});

Deno.test("catalogue: the built-in registry has every ported broadcast event once", async () => {
  const { builtinEventRegistry, BUILTIN_BROADCAST_EVENTS } = await import(
    "../../../events/mod.ts"
  );
  const registry = builtinEventRegistry();
  assert.equal(registry.names.length, BUILTIN_BROADCAST_EVENTS.length);
  assert.equal(registry.names.length, 28);
  for (const definition of BUILTIN_BROADCAST_EVENTS) {
    assert.equal(definition.pattern, "broadcast", definition.name);
  }
  const session = registry.decode({
    name: "session_failure",
    body: null,
    legacyArgs: [TASK, "failed-to-start", 1],
  });
  assert.deepEqual(session.body, {
    session_id: TASK,
    reason: "failed-to-start",
    exit_code: 1,
  });
});

Deno.test("catalogue: names are unique within each pattern, and every definition has the pattern its list says", async () => {
  const events = await import("../../../events/mod.ts");
  const anycast = [
    ...events.KERNEL_ANYCAST_EVENTS,
    ...events.AGENT_EVENTS,
    ...events.IMAGE_EVENTS,
    ...events.SCHEDULE_EVENTS,
    ...events.VFOLDER_EVENTS,
    ...events.SERVICE_DISCOVERY_EVENTS,
    ...events.SESSION_ANYCAST_EVENTS,
  ];
  const broadcast = events.BUILTIN_BROADCAST_EVENTS;
  for (
    const [list, pattern] of [[anycast, "anycast"], [
      broadcast,
      "broadcast",
    ]] as const
  ) {
    const names = list.map((d) => d.name);
    assert.equal(new Set(names).size, names.length, `duplicates in ${pattern}`);
    for (const d of list) assert.equal(d.pattern, pattern, d.name);
  }
  assert.equal(anycast.length, 48);
  // Names that exist in both patterns, as upstream has them.
  const both = anycast.map((d) => d.name).filter((n) =>
    broadcast.some((d) => d.name === n)
  );
  assert.deepEqual(both.sort(), [
    "do_terminate_session",
    "kernel_cancelled",
    "kernel_creating",
    "kernel_preparing",
    "kernel_pulling",
    "kernel_started",
    "kernel_terminated",
    "kernel_terminating",
    "session_cancelled",
    "session_checking_precondition",
    "session_enqueued",
    "session_failure",
    "session_started",
    "session_success",
    "session_terminated",
    "session_terminating",
  ]);
});

const Measure = defineEvent({
  name: "measure_test",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ n: z.number(), count: z.number().int() }),
  floatFields: ["n"],
});

// Expected texts are orjson's (upstream's JSON library; pydantic-core, which
// upstream main's event bodies go through, formats floats the same way at
// the version upstream locks): the shortest round-trip digits, a decimal
// point on integral values, exponents without "+", and the exponent form
// from 1e16 up and below 1e-5.
const FLOAT_TEXTS: readonly [number, string][] = [
  [1e21, "1e21"],
  [-1e21, "-1e21"],
  [1.5e21, "1.5e21"],
  [1e16, "1e16"],
  [1e15, "1000000000000000.0"],
  [2 ** 53, "9007199254740992.0"],
  [1.2345678901234568e17, "1.2345678901234568e17"],
  [1.7976931348623157e308, "1.7976931348623157e308"],
  [-0, "-0.0"],
  [0, "0.0"],
  [3, "3.0"],
  [-2, "-2.0"],
  [0.1, "0.1"],
  [123.456, "123.456"],
  [0.000123, "0.000123"],
  [1e-5, "0.00001"],
  [1e-6, "1e-6"],
  [1.5e-6, "1.5e-6"],
  [1e-7, "1e-7"],
  [5e-324, "5e-324"],
  [2.2250738585072014e-308, "2.2250738585072014e-308"],
];

Deno.test("events: float fields are written as Python's orjson writes them, and parse back", () => {
  for (const [value, text] of FLOAT_TEXTS) {
    const json = Measure.encode({ n: value, count: 1 });
    assert.equal(json, `{"n":${text},"count":1}`, `${value}`);
    const back = JSON.parse(json) as { n: number };
    assert.ok(Object.is(back.n, value), `${value} round-trips`);
  }
  // Integer fields stay integers.
  assert.equal(Measure.encode({ n: 1, count: 2 }), '{"n":1.0,"count":2}');
});

Deno.test("events: a float field that is NaN or infinite is refused, naming the field", () => {
  const Loose = defineEvent({
    name: "loose_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    // No number check in the schema: the encoder itself must refuse.
    schema: z.object({ n: z.custom<number>(() => true) }),
    floatFields: ["n"],
  });
  for (const value of [NaN, Infinity, -Infinity]) {
    // The schema's z.number() refuses it first, naming the field.
    for (
      const make of [
        () => Measure.encode({ n: value, count: 1 }),
        () => Measure.create({ n: value, count: 1 }),
      ]
    ) {
      assert.throws(
        make,
        (err: unknown) =>
          err instanceof EventPayloadEncodingError &&
          (err.data?.issues as string[]).some((i) => i.startsWith("n:")),
        `${value}`,
      );
    }
    // Without one, the encoder refuses it.
    assert.throws(
      () => Loose.encode({ n: value }),
      (err: unknown) =>
        err instanceof EventPayloadEncodingError &&
        err.data?.event === "loose_test" && err.data?.field === "n" &&
        err.message.includes(`"n" is ${value}`),
      `${value}`,
    );
  }
});

Deno.test("events: nested float fields, by dotted path with * for any key or item", () => {
  const Scan = defineEvent({
    name: "scan_test",
    domain: EventDomain.LOG,
    pattern: "anycast",
    schema: z.object({
      result: z.object({
        verifiers: z.record(
          z.string(),
          z.object({ scan_time: z.number(), count: z.number() }),
        ),
      }).nullable(),
      // No number check: the encoder's own refusal is under test.
      samples: z.array(z.custom<number>(() => true)),
    }),
    floatFields: ["result.verifiers.*.scan_time", "samples.*"],
  });
  assert.equal(
    Scan.encode({
      result: { verifiers: { a: { scan_time: 2, count: 3 } } },
      samples: [1, 1e21],
    }),
    '{"result":{"verifiers":{"a":{"scan_time":2.0,"count":3}}},' +
      '"samples":[1.0,1e21]}',
  );
  assert.equal(
    Scan.encode({ result: null, samples: [] }),
    '{"result":null,"samples":[]}',
  );
  assert.throws(
    () =>
      Scan.encode({
        result: { verifiers: { a: { scan_time: NaN, count: 3 } } },
        samples: [],
      }),
    EventPayloadEncodingError,
  );
  assert.throws(
    () => Scan.encode({ result: null, samples: [1, -Infinity] }),
    (err: unknown) =>
      err instanceof EventPayloadEncodingError &&
      err.data?.field === "samples.1",
  );
});
