// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A manager on the memory backends with every broadcast event recorded.
 *
 * @module
 */

import {
  BackgroundTaskManager,
  type BackgroundTaskManagerOptions,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

/** One recorded broadcast. */
export interface Seen {
  name: string;
  body: Record<string, unknown>;
}

/** A manager, its queue, and the events it broadcast. */
export interface Harness extends AsyncDisposable {
  queue: MemoryQueue;
  producer: EventProducer;
  manager: BackgroundTaskManager;
  events: Seen[];
  /** The events of one task. */
  of(taskId: string): Seen[];
  /** Waits until `check` holds (real time, 5 s at most). */
  until(check: () => boolean): Promise<void>;
}

export async function harness(
  options: Partial<BackgroundTaskManagerOptions> = {},
): Promise<Harness> {
  const queue = new MemoryQueue({ logger: quietLogger });
  const subscriber = await queue.subscriber();
  const events: Seen[] = [];
  const pump = (async () => {
    for await (const message of subscriber) {
      events.push({ name: message.name, body: JSON.parse(message.payload) });
    }
  })();
  const producer = new EventProducer(queue, { source: "test" });
  const manager = new BackgroundTaskManager({
    producer,
    serverId: "server-1",
    logger: quietLogger,
    ...options,
  });
  return {
    queue,
    producer,
    manager,
    events,
    of: (taskId) => events.filter((e) => e.body.task_id === taskId),
    async until(check) {
      const deadline = Date.now() + 5_000;
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
