// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode TaskPublisher}: how a task's events go out, with the store's
 * write when the store publishes events itself, else through the producer.
 *
 * @module
 */

import type { Event } from "../events/define.ts";
import type { EventProducer } from "../events/producer.ts";
import type { Logger } from "../utils.ts";
import type { BgtaskStore, TaskProgress } from "./store.ts";
import { type StoredTask, WHOLE_TASK_KEY } from "./types.ts";
import type { TaskResult } from "./_task.ts";

/** What a {@linkcode TaskPublisher} sends through. */
export interface TaskPublisherOptions {
  /** Sends the events the store does not publish. */
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
 * Sends a task's events: broadcast with the cache id `bgtask.<id>`, and for
 * retriable tasks written with the store's record of the task.
 */
export class TaskPublisher {
  readonly #producer: EventProducer;
  readonly #store: BgtaskStore;
  readonly #serverId: string;
  readonly #tags: readonly string[];
  readonly #logger: Logger;

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

  /** Whether the store publishes events in its own round trip. */
  #atomicEvents(): boolean {
    return this.#store.publishesEvents &&
      this.#producer.durableStream === undefined;
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
   * Stores a new retriable task and sends its started event. When either
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
      const atomic = this.#atomicEvents();
      await this.#store.registerTask({
        task,
        serverId: this.#serverId,
        tags: this.#tags,
        ...(atomic
          ? { broadcast: this.#producer.prepareBroadcast(started) }
          : {}),
      });
      registered = true;
      if (!atomic) await this.broadcast(started);
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
   * Stores a retriable task's progress and sends its `bgtask_updated` event.
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
    const atomic = this.#atomicEvents();
    await this.#store.updateProgress(
      taskId,
      WHOLE_TASK_KEY,
      progress,
      atomic ? this.#producer.prepareBroadcast(event) : undefined,
    );
    if (!atomic) await this.broadcast(event);
  }

  /**
   * Records a stored subtask's end and sends its final event.
   *
   * @param taskId The task id.
   * @param subkey The subkey.
   * @param result How it ended.
   */
  async finish(
    taskId: string,
    subkey: string,
    result: TaskResult,
  ): Promise<void> {
    const atomic = this.#atomicEvents();
    await this.#store.finishSubtask({
      taskId,
      subkey,
      status: result.storedStatus,
      lastMessage: result.lastMessage,
      serverId: this.#serverId,
      tags: this.#tags,
      ...(atomic
        ? { broadcast: this.#producer.prepareBroadcast(result.event) }
        : {}),
    });
    if (!atomic) await this.broadcast(result.event);
  }
}
