// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { z } from "zod";
import { defineEvent, EventDomain } from "../../../events/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  type EventAnycaster,
  GlobalTimer,
  type GlobalTimerOptions,
  MemoryLeaderStore,
} from "../../../leader/mod.ts";
import { ManualClock } from "../../../resilience/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { FaultyStore, recorder } from "./_stores.ts";

const Tick = defineEvent({
  name: "do_test_tick",
  domain: EventDomain.SCHEDULE,
  pattern: "anycast",
  schema: z.object({}),
});

interface Sent {
  at: number;
  server: string;
}

function sender(
  clock: ManualClock,
  sent: Sent[],
  server: string,
): EventAnycaster {
  return {
    anycast: (event) => {
      assert.equal(event.definition.name, "do_test_tick");
      sent.push({ at: clock.now(), server });
      return Promise.resolve("0-1");
    },
  };
}

function timer(
  options: Omit<Partial<GlobalTimerOptions>, "clock"> & {
    clock: ManualClock;
    store: GlobalTimerOptions["store"];
    serverId: string;
    producer: EventAnycaster;
  },
): GlobalTimer {
  return new GlobalTimer({
    key: "timer:test",
    intervalMs: 1_000,
    event: () => Tick.create({}),
    logger: quietLogger,
    ...options,
  });
}

function gaps(sent: readonly Sent[]): number[] {
  return sent.slice(1).map((s, i) => s.at - (sent[i] as Sent).at);
}

Deno.test("global timer: three servers send one event per interval between them", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const sent: Sent[] = [];
  let seed = 1;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const timers = ["a", "b", "c"].map((serverId) =>
    timer({
      clock,
      store,
      serverId,
      random,
      producer: sender(clock, sent, serverId),
    })
  );
  for (const t of timers) t.start();
  await clock.advance(20_000);
  assert.ok(sent.length >= 19 && sent.length <= 21, `${sent.length} events`);
  for (const gap of gaps(sent)) {
    assert.ok(gap >= 1_000 && gap <= 1_000 + 27, `gap ${gap}`);
  }
  const claimed = timers.reduce((n, t) => n + t.stats().claimed, 0);
  assert.equal(claimed, sent.length);
  // Closing the server that sent last delays nothing.
  const last = sent.at(-1)?.server;
  const rest = timers.filter((_, i) => ["a", "b", "c"][i] !== last);
  await timers.find((_, i) => ["a", "b", "c"][i] === last)?.close();
  const before = sent.length;
  await clock.advance(10_000);
  assert.ok(sent.length - before >= 9, `${sent.length - before} after close`);
  for (const gap of gaps(sent)) {
    assert.ok(gap >= 1_000 && gap <= 1_000 + 27, `gap ${gap}`);
  }
  for (const t of rest) await t.close();
  assert.equal(clock.pending, 0);
});

Deno.test("global timer: a failed send is logged and that interval has no event", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const { logger, records } = recorder();
  let calls = 0;
  const sentAt: number[] = [];
  const t = timer({
    clock,
    store,
    serverId: "a",
    logger,
    jitterMs: 0,
    producer: {
      anycast: () => {
        calls++;
        if (calls === 2) return Promise.reject(new Error("stream full"));
        sentAt.push(clock.now());
        return Promise.resolve("0-1");
      },
    },
  });
  t.start();
  await clock.advance(3_500);
  assert.deepEqual(sentAt, [0, 2_000, 3_000]);
  assert.deepEqual(t.stats(), { claimed: 4, fired: 3, failures: 1 });
  const error = records.find((r) => r.level === "error");
  assert.deepEqual(error?.fields, {
    key: "timer:test",
    error: "Error: stream full",
  });
  await t.close();
});

Deno.test("global timer: a claim answered too late is not acted on", async () => {
  const clock = new ManualClock();
  const memory = new MemoryLeaderStore({ clock });
  const faulty = new FaultyStore(memory);
  const { logger, records } = recorder();
  const sent: Sent[] = [];
  const t = timer({
    clock,
    store: faulty,
    serverId: "a",
    logger,
    jitterMs: 0,
    producer: sender(clock, sent, "a"),
  });
  faulty.mode = "hang";
  t.start();
  await clock.advance(899);
  assert.equal(records.length, 0);
  await clock.advance(1); // abandoned at 900: nine tenths of the interval
  assert.equal(records[0]?.message, "global timer: claim failed");
  faulty.mode = "ok";
  await clock.advance(1_000); // retried at 1 900
  assert.deepEqual(sent, [{ at: 1_900, server: "a" }]);
  await t.close();
  assert.equal(clock.pending, 0);
});

Deno.test("global timer: close() aborts a send in progress and leaves no timer", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  let reason: unknown;
  const t = timer({
    clock,
    store,
    serverId: "a",
    jitterMs: 0,
    producer: {
      anycast: (_event, options) =>
        new Promise((_, reject) =>
          options?.signal?.addEventListener("abort", () => {
            reason = options.signal?.reason;
            reject(reason);
          })
        ),
    },
  });
  t.start();
  await clock.advance(10);
  await t.close();
  assert.ok(reason instanceof Error);
  assert.equal(t.stats().failures, 0);
  assert.equal(clock.pending, 0);
  assert.throws(() => t.start(), /closed/);
});

Deno.test("global timer: malformed options are refused, naming the field", () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const producer = sender(clock, [], "a");
  const cases: [Omit<Partial<GlobalTimerOptions>, "clock">, string][] = [
    [{ key: "" }, "key"],
    [{ serverId: "" }, "serverId"],
    [{ intervalMs: 0 }, "intervalMs"],
    [{ intervalMs: NaN }, "intervalMs"],
    [{ initialDelayMs: -1 }, "initialDelayMs"],
    [{ jitterMs: Infinity }, "jitterMs"],
    [{ event: undefined as unknown as GlobalTimerOptions["event"] }, "event"],
  ];
  for (const [options, field] of cases) {
    assert.throws(
      () => timer({ clock, store, serverId: "a", producer, ...options }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, field);
        assert.equal(err.data?.field, field);
        return true;
      },
    );
  }
});
