// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { taskEventStream } from "../../../bgtask/mod.ts";
import { BgtaskUpdatedEvent, EventHub } from "../../../events/mod.ts";

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const update = (n: number) =>
  BgtaskUpdatedEvent.create({
    task_id: TASK,
    current_progress: n,
    total_progress: 10,
    message: null,
  });

/** Waits for `check` to hold, calling it once per try (it may act). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail("the condition never held");
}

Deno.test("taskEventStream: a client that goes away mid-stream leaves the hub at once, not after the next re-read", async () => {
  const hub = new EventHub();
  const response = taskEventStream(TASK, {
    hub,
    fetchCached: () => Promise.resolve(undefined),
    refetchAfterMs: 30_000,
  });
  const reader = response.body!.getReader();
  const first = reader.read();
  await until(() => hub.propagate(update(1)) === 1);
  assert.match(
    new TextDecoder().decode((await first).value),
    /^event: bgtask_updated\n/,
  );
  // The stream is now waiting for the next event (up to refetchAfterMs).
  await new Promise((resolve) => setTimeout(resolve, 20));
  await reader.cancel();
  await new Promise((resolve) => setTimeout(resolve, 50));
  // Asked once: a propagate would wake a lingering propagator and let it go.
  assert.equal(hub.propagate(update(2)), 0, "the propagator left the hub");
});

Deno.test("taskEventStream: an abort mid-stream leaves the hub at once", async () => {
  const hub = new EventHub();
  const controller = new AbortController();
  const response = taskEventStream(TASK, {
    hub,
    fetchCached: () => Promise.resolve(undefined),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const first = reader.read();
  await until(() => hub.propagate(update(1)) === 1);
  await first;
  const end = reader.read();
  await new Promise((resolve) => setTimeout(resolve, 20));
  controller.abort();
  const last = await end;
  assert.equal(last.done, true, new TextDecoder().decode(last.value));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(hub.propagate(update(2)), 0, "the propagator left the hub");
});

Deno.test("taskEventStream: an idle stream sends keep-alive comments", async () => {
  const hub = new EventHub();
  const response = taskEventStream(TASK, {
    hub,
    fetchCached: () => Promise.resolve(undefined),
    keepAliveMs: 20,
  });
  const reader = response.body!.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), ": keep-alive\n\n");
  await reader.cancel();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(hub.propagate(update(1)), 0, "the propagator left the hub");
});
