// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  formatSseEvent,
  type SseEvent,
  sseResponse,
} from "../../../web/mod.ts";

const decoder = new TextDecoder();

Deno.test("formatSseEvent: every data line gets its prefix; names and ids stay on one line", () => {
  assert.equal(formatSseEvent({ data: "" }), "data: \n\n");
  assert.equal(
    formatSseEvent({ event: "a\nb", id: "7", data: "x\r\ny\rz" }),
    "event: a b\nid: 7\ndata: x\ndata: y\ndata: z\n\n",
  );
});

Deno.test("sseResponse: an idle stream sends keep-alive comments, then the next event", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const response = sseResponse(async function* () {
    await gate;
    yield { event: "tick", data: "1" };
  }, { keepAliveMs: 15 });
  const reader = response.body!.getReader();
  assert.equal(decoder.decode((await reader.read()).value), ": keep-alive\n\n");
  assert.equal(decoder.decode((await reader.read()).value), ": keep-alive\n\n");
  release();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  assert.match(text, /event: tick\ndata: 1\n\n$/);
});

Deno.test("sseResponse: without keep-alive (0) an idle stream sends nothing", async () => {
  const response = sseResponse(async function* () {
    await new Promise((resolve) => setTimeout(resolve, 40));
    yield { data: "late" };
  }, { keepAliveMs: 0 });
  assert.equal(await response.text(), "data: late\n\n");
  assert.throws(
    () => sseResponse(async function* () {}, { keepAliveMs: -1 }),
    InvalidAPIParameters,
  );
});

Deno.test("sseResponse: a client that goes away stops the source and calls onClose once", async () => {
  const events: string[] = [];
  let returned = 0;
  // Never yields after the first event; only return() can end it.
  const source: AsyncIterable<SseEvent> = {
    [Symbol.asyncIterator]() {
      let first = true;
      return {
        next() {
          if (!first) return new Promise(() => {});
          first = false;
          return Promise.resolve({ done: false, value: { data: "one" } });
        },
        return() {
          returned++;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  const response = sseResponse(source, {
    keepAliveMs: 0,
    onClose: (error) => events.push(`closed ${error ?? "cleanly"}`),
  });
  const reader = response.body!.getReader();
  assert.equal(decoder.decode((await reader.read()).value), "data: one\n\n");
  const pending = reader.read();
  await reader.cancel();
  assert.equal((await pending).done, true);
  assert.equal(returned, 1);
  assert.deepEqual(events, ["closed cleanly"]);
});

Deno.test("sseResponse: the signal ends the stream and aborts a function source's signal", async () => {
  const controller = new AbortController();
  let sourceSignal: AbortSignal | undefined;
  const response = sseResponse((signal) => {
    sourceSignal = signal;
    return (async function* () {
      yield { data: "first" };
      await new Promise(() => {});
    })();
  }, { signal: controller.signal, keepAliveMs: 0 });
  const reader = response.body!.getReader();
  await reader.read();
  const pending = reader.read();
  controller.abort();
  assert.equal((await pending).done, true);
  assert.equal(sourceSignal?.aborted, true);
  const early = new AbortController();
  early.abort();
  const never = sseResponse(async function* () {
    yield { data: "x" };
  }, { signal: early.signal });
  assert.equal(await never.text(), "", "aborted before it began");
});

Deno.test("sseResponse: a source that throws ends the stream; onClose gets the error", async () => {
  let closedWith: unknown;
  const response = sseResponse(async function* () {
    yield { data: "before" };
    throw new Error("source broke");
  }, { onClose: (error) => (closedWith = error) });
  assert.equal(await response.text(), "data: before\n\n");
  assert.match(String(closedWith), /source broke/);
});
