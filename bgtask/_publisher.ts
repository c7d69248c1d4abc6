// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode TaskPublisher}: a task's writes to the store and its events.
 * When the store {@linkcode BgtaskStore.publishesTo} the producer's queue,
 * each event goes into the store's write (`EventProducer.prepareBroadcast`
 * says where: the queue's server, DB, trimming and durable stream), so a
 * progress update is one command. Otherwise events go through the
 * producer, beside the write (a progress update is still one round trip).
 *
 * @module
 */

import { BgtaskFailedEvent } from "../events/catalogue/bgtask.ts";
import type { Event } from "../events/define.ts";
import type { EventProducer } from "../events/producer.ts";
import type { PreparedBroadcast } from "../message_queue/prepared.ts";
import type { Logger } from "../utils.ts";
import type { BgtaskStore, TaskProgress } from "./store.ts";
import { type StoredTask, WHOLE_TASK_KEY } from "./types.ts";
import type { TaskResult } from "./_task.ts";

/** What a {@linkcode TaskPublisher} sends through. */
export interface TaskPublisherOptions {
  /** Sends every event of a task. */
  readonly producer: EventProducer;
  /** Where retriable tasks are stored. */
  readonly store: BgtaskStore;
  /** This server's id. */
  readonly serverId: string;
  /** This server's tags. */
  readonly tags: readonly string[];
  /** Where problems are logged. */
  readonly logger: Logger;
}

/**
 * Sends a task's events (broadcast with the cache id `bgtask.<id>`) and,
 * for retriable tasks, writes the store's record of the task beside them.
 */
export class TaskPublisher {
  readonly #producer: EventProducer;
  readonly #store: BgtaskStore;
  readonly #serverId: string;
  readonly #tags: readonly string[];
  readonly #logger: Logger;
  /** Whether the store publishes the events; decided at the first event. */
  #storePublishes: boolean | undefined;

  /**
   * Makes a publisher.
   *
   * @param options The producer, store, server and logger.
   */
  constructor(options: TaskPublisherOptions) {
    this.#producer = options.producer;
    this.#store = options.store;
    this.#serverId = options.serverId;
    this.#tags = options.tags;
    this.#logger = options.logger;
  }

  /**
   * Broadcasts an event through the producer (tasks that are not stored).
   *
   * @param event The event.
   */
  async broadcast(event: Event): Promise<void> {
    await this.#producer.broadcastWithCache(event);
  }

  /**
   * The event prepared for the store's write, or `undefined` when the store
   * cannot publish where the producer's queue is (then the producer sends
   * it).
   */
  #prepared(event: Event): PreparedBroadcast | undefined {
    if (this.#storePublishes === false) return undefined;
    if (this.#store.publishesTo === undefined) {
      this.#storePublishes = false;
      return undefined;
    }
    const prepared = this.#producer.prepareBroadcast(event);
    if (this.#storePublishes === undefined) {
      this.#storePublishes = this.#store.publishesTo(prepared.location);
      if (!this.#storePublishes) {
        this.#logger.info(
          "bgtask: the task store is not on the event queue's server; events go through the producer",
          { queueServer: prepared.location?.server ?? null },
        );
        return undefined;
      }
    }
    return prepared;
  }

  /**
   * Stores a new retriable task, then sends its started event. When either
   * fails, `failed` is called first, then a task already stored is removed
   * again, and the error is thrown.
   *
   * @param task The task to store.
   * @param started Its "Task started" event.
   * @param failed Called when registering fails, before the stored task is removed.
   */
  async register(
    task: StoredTask,
    started: Event,
    failed: () => void,
  ): Promise<void> {
    const taskId = task.info.taskId;
    let registered = false;
    try {
      const broadcast = this.#prepared(started);
      await this.#store.registerTask({
        task,
        serverId: this.#serverId,
        tags: this.#tags,
        broadcast,
      });
      registered = true;
      if (broadcast === undefined) await this.broadcast(started);
    } catch (err) {
      failed();
      // The caller is told it failed, so it must not be revived later either.
      if (registered) {
        await this.#store.unregisterTask(taskId, this.#serverId, this.#tags)
          .catch((cleanup) =>
            this.#logger.warn(
              "bgtask: a task that failed to start stays stored",
              {
                taskId,
                error: String(cleanup),
              },
            )
          );
      }
      throw err;
    }
  }

  /**
   * Stores a retriable task's progress and sends its `bgtask_updated`
   * event: one round trip (in the store's write, or beside it).
   *
   * @param taskId The task id.
   * @param progress The progress.
   * @param event The event.
   */
  async progress(
    taskId: string,
    progress: TaskProgress,
    event: Event,
  ): Promise<void> {
    const broadcast = this.#prepared(event);
    if (broadcast !== undefined) {
      return await this.#store.updateProgress(
        taskId,
        WHOLE_TASK_KEY,
        progress,
        broadcast,
      );
    }
    const [stored, sent] = await Promise.allSettled([
      this.#store.updateProgress(taskId, WHOLE_TASK_KEY, progress),
      this.broadcast(event),
    ]);
    if (sent.status === "rejected") throw sent.reason;
    if (stored.status === "rejected") {
      // The event went out; a revival would resume from older progress.
      this.#logger.warn("bgtask: progress was sent but not stored", {
        taskId,
        error: String(stored.reason),
      });
    }
  }

  /**
   * Records a stored single task's end and sends its final event: in one
   * round trip when the store publishes; otherwise the store first, as
   * upstream, so that a subscriber reacting to the event reads the end (and
   * the event even when the store failed, logged).
   *
   * @param taskId The task id.
   * @param result How it ended.
   */
  async finish(taskId: string, result: TaskResult): Promise<void> {
    const broadcast = this.#prepared(result.event);
    try {
      await this.#store.finishSubtask({
        taskId,
        subkey: WHOLE_TASK_KEY,
        status: result.storedStatus,
        lastMessage: result.lastMessage,
        serverId: this.#serverId,
        tags: this.#tags,
        finalSubkeys: [WHOLE_TASK_KEY],
        broadcast,
      });
      if (broadcast !== undefined) return;
    } catch (err) {
      this.#logger.warn("bgtask: the end of a task was not stored", {
        taskId,
        status: result.status,
        error: String(err),
      });
    }
    await this.broadcast(result.event);
  }

  /**
   * Ends a stored task that will not run here: each ongoing subtask is
   * recorded failed with `message`, the task leaves this server's and tags'
   * sets (so it is never claimed again), and one `bgtask_failed` event is
   * sent.
   *
   * @param task The stored task.
   * @param message Why it is not run.
   */
  async abandon(task: StoredTask, message: string): Promise<void> {
    const { taskId } = task.info;
    const event = BgtaskFailedEvent.create({ task_id: taskId, message });
    const ongoing = task.subtasks.filter((sub) => sub.status === "ongoing");
    const all = task.subtasks.map((sub) => sub.key);
    let broadcast: PreparedBroadcast | undefined;
    for (const [i, sub] of ongoing.entries()) {
      const last = i === ongoing.length - 1;
      if (last) broadcast = this.#prepared(event);
      await this.#store.finishSubtask({
        taskId,
        subkey: sub.key,
        status: "failure",
        lastMessage: message,
        serverId: this.#serverId,
        tags: this.#tags,
        finalSubkeys: last ? all : undefined,
        broadcast: last ? broadcast : undefined,
      });
    }
    if (ongoing.length === 0) {
      await this.#store.unregisterTask(taskId, this.#serverId, this.#tags);
    }
    if (broadcast === undefined) await this.broadcast(event);
  }
}
