// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  BGTASK_EVENTS,
  BgtaskDoneEvent,
  BgtaskUpdatedEvent,
  BypassPropagator,
  cachedEventFetcher,
  CachedEventPropagator,
  type Event,
  EventHub,
  EventProducer,
  EventRegistry,
  eventStreamResponse,
} from "../../../events/mod.ts";
import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

const A = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const B = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const update = (task: string, n: number) =>
  BgtaskUpdatedEvent.create({
    task_id: task,
    current_progress: n,
    total_progress: 10,
    message: null,
  });

async function drain(events: AsyncIterable<Event>): Promise<string[]> {
  const seen: string[] = [];
  for await (const event of events) {
    const body = event.body as { task_id: string; current_progress?: number };
    seen.push(
      `${event.definition.name}:${body.task_id.slice(0, 4)}:${
        body.current_progress ?? "-"
      }`,
    );
  }
  return seen;
}

Deno.test("EventHub: routes by (domain, id) and wildcards; closeByAlias and unregister", async () => {
  const hub = new EventHub();
  const onlyA = new BypassPropagator("a");
  const all = new BypassPropagator("all");
  hub.register(onlyA, [["bgtask", A]]);
  hub.register(all, [["bgtask", "*"]]);
  assert.throws(
    () => hub.register(new BypassPropagator("a"), []),
    InvalidAPIParameters,
  );
  assert.equal(hub.propagate(update(A, 1)), 2);
  assert.equal(hub.propagate(update(B, 2)), 1);
  hub.closeByAlias("bgtask", A);
  assert.equal(hub.propagate(update(A, 3)), 1);
  assert.deepEqual(await drain(onlyA), ["bgtask_updated:0b6a:1"]);
  assert.throws(() => hub.unregister("a"), /No propagator "a"/);
  hub.shutdown();
  assert.deepEqual(await drain(all), [
    "bgtask_updated:0b6a:1",
    "bgtask_updated:f38d:2",
    "bgtask_updated:0b6a:3",
  ]);
  assert.equal(hub.propagate(update(A, 4)), 0);
});

Deno.test("CachedEventPropagator: replays the cached event first and re-fetches it after a silence", async () => {
  await using queue = new MemoryQueue({ logger: quietLogger });
  const producer = new EventProducer(queue, { source: "manager" });
  await producer.broadcastWithCache(update(A, 5));
  let fetches = 0;
  const fetchCached = cachedEventFetcher(
    queue.broadcaster(),
    new EventRegistry(BGTASK_EVENTS),
  );
  const propagator = new CachedEventPropagator((id) => {
    fetches++;
    return fetchCached(id);
  }, { cacheId: `bgtask.${A}`, refetchAfterMs: 40 });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const event of propagator) {
      seen.push(
        `${(event.body as { current_progress: number }).current_progress}`,
      );
      if (seen.length === 3) propagator.close();
    }
  })();
  await new Promise((r) => setTimeout(r, 5));
  propagator.propagate(update(A, 6));
  await reading;
  assert.deepEqual(
    seen,
    ["5", "6", "5"],
    "cached, live, then re-fetched after the silence",
  );
  assert.equal(fetches, 2);
});

Deno.test("eventStreamResponse: user events as SSE frames, ending at a close event", async () => {
  const propagator = new BypassPropagator();
  propagator.propagate(update(A, 1));
  propagator.propagate(BgtaskDoneEvent.create({ task_id: A, message: "fin" }));
  propagator.propagate(update(A, 2)); // after the close event: not sent
  const response = eventStreamResponse(propagator);
  assert.equal(response.headers.get("cache-control"), "no-cache");
  assert.equal(
    await response.text(),
    `event: bgtask_updated\nretry: 5\ndata: {"task_id":"${A}","message":"None","current_progress":1,"total_progress":10}\n\n` +
      `event: bgtask_done\ndata: {"task_id":"${A}","message":"fin"}\n\n`,
  );
});

Deno.test("eventStreamResponse: the signal ends an open stream", async () => {
  const propagator = new BypassPropagator();
  const controller = new AbortController();
  const response = eventStreamResponse(propagator, {
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  propagator.propagate(update(A, 1));
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value), /^event: bgtask_updated/);
  controller.abort(); // the propagator stays open: only the signal ends it
  const end = await reader.read();
  assert.equal(end.done, true);
  propagator.close();
});

Deno.test("eventStreamResponse: an abort or a cancel ends a stream waiting on any iterable", async () => {
  const returned: string[] = [];
  // Yields once, then waits for ever: return() alone could not end it.
  const idle = (label: string): AsyncIterable<Event> => ({
    [Symbol.asyncIterator]: () => {
      let first = true;
      return {
        next: () => {
          if (!first) return new Promise(() => {});
          first = false;
          return Promise.resolve({ done: false, value: update(A, 1) });
        },
        return: () => {
          returned.push(label);
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  });
  const controller = new AbortController();
  const aborted = eventStreamResponse(idle("aborted"), {
    signal: controller.signal,
  }).body!.getReader();
  assert.equal((await aborted.read()).done, false);
  const pending = aborted.read();
  controller.abort();
  assert.equal((await pending).done, true);
  const cancelled = eventStreamResponse(idle("cancelled")).body!.getReader();
  assert.equal((await cancelled.read()).done, false);
  await cancelled.cancel();
  assert.deepEqual(returned, ["aborted", "cancelled"]);
});
