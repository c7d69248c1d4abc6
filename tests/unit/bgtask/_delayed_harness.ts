// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode delayedHarness}: the harness of `_harness.ts`, with the queue
 * on a {@linkcode DelayedMemoryStore}, so that every event the manager
 * sends is published after a varying delay and events sent out of order
 * arrive out of order.
 *
 * @module
 */

import {
  BackgroundTaskManager,
  type BackgroundTaskManagerOptions,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { StreamQueue } from "../../../message_queue/mod.ts";
import { DelayedMemoryStore } from "../../_delayed_store.ts";
import { quietLogger } from "../../_logger.ts";
import type { Seen } from "./_harness.ts";

/** A manager on a delayed queue, and the events it broadcast. */
export interface DelayedHarness extends AsyncDisposable {
  store: DelayedMemoryStore;
  manager: BackgroundTaskManager;
  events: Seen[];
  /** The events of one task. */
  of(taskId: string): Seen[];
  /** Waits until `check` holds (real time, 10 s at most). */
  until(check: () => boolean): Promise<void>;
}

export async function delayedHarness(
  options: Partial<BackgroundTaskManagerOptions> = {},
): Promise<DelayedHarness> {
  const store = new DelayedMemoryStore();
  const queue = new StreamQueue(store, { logger: quietLogger });
  const subscriber = await queue.subscriber();
  const events: Seen[] = [];
  const pump = (async () => {
    for await (const message of subscriber) {
      events.push({ name: message.name, body: JSON.parse(message.payload) });
    }
  })();
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: "test" }),
    serverId: "server-1",
    logger: quietLogger,
    ...options,
  });
  return {
    store,
    manager,
    events,
    of: (taskId) => events.filter((e) => e.body.task_id === taskId),
    async until(check) {
      const deadline = Date.now() + 10_000;
      while (!check()) {
        if (Date.now() > deadline) throw new Error("Timed out waiting");
        await new Promise((r) => setTimeout(r, 2));
      }
    },
    async [Symbol.asyncDispose]() {
      await manager.close();
      await subscriber.close();
      await pump;
      await queue.close();
    },
  };
}
