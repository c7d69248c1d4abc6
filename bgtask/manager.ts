// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode BackgroundTaskManager}: runs background tasks (start, cancel,
 * wait, progress, the final event, shutdown) and reports them as events.
 * It delegates to private collaborators: the event path (`_publisher.ts`),
 * orphan revival (`_orphans.ts`), the heartbeat and orphan loops
 * (`_loops.ts`) and status queries (`_status.ts`).
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";
import { invalidOption } from "../_options.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import {
  type BackgroundTaskHandler,
  BackgroundTaskHandlerRegistry,
  type TaskContext,
  type TaskOutcome,
} from "./handler.ts";
import {
  type BackgroundTaskInfo,
  type BackgroundTaskManagerOptions,
  type BackgroundTaskManagerStats,
  type BgtaskObserver,
  RECENT_RESULTS,
  type StartTaskOptions,
} from "./manager_types.ts";
import { MemoryBgtaskStore } from "./memory.ts";
import type { ProgressReporter } from "./reporter.ts";
import type { BgtaskStore } from "./store.ts";
import { BgtaskStatus } from "./types.ts";
import { MaintenanceLoops } from "./_loops.ts";
import { OrphanReviver, type RevivedTask } from "./_orphans.ts";
import { TaskPublisher } from "./_publisher.ts";
import { StatusQueries } from "./_status.ts";
import {
  cancelledResult,
  failedResult,
  newRunningTask,
  newStoredTask,
  parseManifest,
  type RunningTask,
  succeededResult,
  type TaskResult,
  type TaskSpec,
  updatedEvent,
} from "./_task.ts";
import { BgtaskManagerClosedError, BgtaskNotFound } from "./errors.ts";

function checkInterval(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    invalidOption(
      "background task manager",
      field,
      value,
      "must be a number > 0",
    );
  }
}

/**
 * Runs background tasks and reports them as events (spec section 7).
 *
 * - {@linkcode BackgroundTaskManager.start} runs a function at once and
 *   returns its id after the `bgtask_updated` "Task started" event is sent.
 *   The function gets a {@linkcode ProgressReporter} and an AbortSignal.
 *   Exactly one of `bgtask_done`, `bgtask_partial_success`,
 *   `bgtask_failed` or `bgtask_cancelled` follows the progress events; each
 *   event is broadcast with the cache id `bgtask.<id>`.
 * - {@linkcode BackgroundTaskManager.startRetriable} runs a registered
 *   handler and stores the task (upstream's key layout) so that a server
 *   with the same id or a shared tag revives it if this one dies:
 *   heartbeats keep it alive, a periodic check claims orphans exactly once.
 * - {@linkcode BackgroundTaskManager.cancel} aborts a task's signal; a task
 *   that ignores it is reported cancelled after `cancelGraceMs`.
 *
 * A finished task leaves every map and timer of the manager, and is no
 * longer heartbeated (upstream keeps both: issue #12692).
 *
 * @example A task with progress
 * ```ts
 * import { BackgroundTaskManager } from "@backendai/common/bgtask";
 * import { EventProducer } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const producer = new EventProducer(queue, { source: "manager-1" });
 * await using manager = new BackgroundTaskManager({ producer, serverId: "manager-1" });
 * const taskId = await manager.start(async (reporter) => {
 *   reporter.total = 2;
 *   await reporter.update(1, "half way");
 *   await reporter.update(1, "all of it");
 *   return "copied 2 files";
 * });
 * assert.equal(await manager.wait(taskId), "bgtask_done");
 * const cached = await queue.broadcaster().fetchCachedBroadcast(`bgtask.${taskId}`);
 * assert.equal(cached?.name, "bgtask_done");
 * assert.equal(manager.stats.running, 0);
 * ```
 */
export class BackgroundTaskManager implements AsyncDisposable {
  /** This server's id. */
  readonly serverId: string;
  /** The handlers of retriable tasks. */
  readonly registry: BackgroundTaskHandlerRegistry;
  readonly #store: BgtaskStore;
  readonly #ownsStore: boolean;
  readonly #tags: readonly string[];
  readonly #observer: BgtaskObserver | undefined;
  readonly #graceMs: number;
  readonly #logger: Logger;
  readonly #running = new Map<string, RunningTask>();
  /** Final statuses of the last finished tasks, oldest first, for `wait()`. */
  readonly #recent = new Map<string, BgtaskStatus>();
  readonly #publisher: TaskPublisher;
  readonly #loops: MaintenanceLoops;
  readonly #orphans: OrphanReviver;
  readonly #queries: StatusQueries;
  /** Orphan checks under way: `close()` waits for them. */
  readonly #checks = new Set<Promise<number>>();
  #closing = false;
  #closed = false;
  #initialized = false;

  /**
   * Makes a manager; call {@linkcode BackgroundTaskManager.init} to start
   * the heartbeat and orphan loops.
   *
   * @param options The producer, server id, store, tags, registry, hooks and intervals.
   * @throws {InvalidAPIParameters} When the server id is empty or an interval is not positive.
   */
  constructor(options: BackgroundTaskManagerOptions) {
    if (typeof options.serverId !== "string" || options.serverId === "") {
      throw new InvalidAPIParameters(
        'A background task manager needs a "serverId"',
        { data: { field: "serverId" } },
      );
    }
    this.serverId = options.serverId;
    this.#ownsStore = options.store === undefined;
    this.#store = options.store ?? new MemoryBgtaskStore();
    this.#tags = [...options.tags ?? []];
    this.registry = options.registry ?? new BackgroundTaskHandlerRegistry();
    this.#observer = options.observer;
    const heartbeatMs = options.heartbeatIntervalMs ?? 60_000;
    const retryMs = options.retryIntervalMs ?? 300_000;
    this.#graceMs = options.cancelGraceMs ?? 5_000;
    checkInterval("heartbeatIntervalMs", heartbeatMs);
    checkInterval("retryIntervalMs", retryMs);
    if (!(this.#graceMs >= 0)) {
      throw new InvalidAPIParameters(
        'Invalid background task manager option "cancelGraceMs": must be >= 0',
        { data: { field: "cancelGraceMs", value: this.#graceMs } },
      );
    }
    this.#logger = options.logger ?? consoleLogger;
    const shared = {
      store: this.#store,
      serverId: this.serverId,
      tags: this.#tags,
      logger: this.#logger,
    };
    this.#publisher = new TaskPublisher({
      ...shared,
      producer: options.producer,
    });
    this.#loops = new MaintenanceLoops({
      ...shared,
      running: this.#running,
      heartbeatMs,
      retryMs,
      checkOrphans: () => this.reviveOrphans(),
    });
    this.#orphans = new OrphanReviver({
      ...shared,
      running: this.#running,
      registry: this.registry,
      closing: () => this.#closing,
      publisher: this.#publisher,
      launch: (orphan) => this.#revive(orphan),
    });
    this.#queries = new StatusQueries({
      running: this.#running,
      store: this.#store,
      serverId: this.serverId,
    });
  }

  /**
   * The manager's internal counts: all zero once every task has finished
   * and the manager is closed.
   *
   * @returns The counts.
   */
  get stats(): BackgroundTaskManagerStats {
    let retriable = 0;
    let graceTimers = 0;
    for (const task of this.#running.values()) {
      if (task.retriable) retriable++;
      if (task.graceTimer !== undefined) graceTimers++;
    }
    return {
      running: this.#running.size,
      retriable,
      recentResults: this.#recent.size,
      graceTimers,
      loops: this.#loops.scheduled,
    };
  }

  /**
   * Starts the heartbeat loop (every `heartbeatIntervalMs`) and the orphan
   * loop (every `retryIntervalMs`); both run once at once, as upstream.
   */
  async init(): Promise<void> {
    this.#checkOpen();
    if (this.#initialized) return;
    this.#initialized = true;
    await this.#loops.start();
  }

  #checkOpen(): void {
    if (this.#closing) throw new BgtaskManagerClosedError();
  }

  /**
   * Runs `fn` as a background task (not stored: it ends with this process).
   *
   * @param fn The task; its result decides the final event.
   * @param options The name and tags.
   * @returns The task id, once "Task started" is sent.
   * @throws {BgtaskManagerClosedError} After `close()`.
   */
  async start(
    fn: (
      reporter: ProgressReporter,
      signal: AbortSignal,
    ) => Promise<TaskOutcome> | TaskOutcome,
    options: StartTaskOptions = {},
  ): Promise<string> {
    this.#checkOpen();
    const task = this.#track({
      taskId: crypto.randomUUID(),
      name: options.name ?? (fn.name || "anonymous"),
      retriable: false,
      tags: [...this.#tags, ...options.tags ?? []],
    });
    try {
      await this.#publisher.broadcast(
        updatedEvent(task.taskId, 0, 0, "Task started"),
      );
    } catch (err) {
      this.#running.delete(task.taskId);
      throw err;
    }
    this.#launch(task, () => fn(task.reporter, task.controller.signal));
    return task.taskId;
  }

  /**
   * Runs a registered handler as a stored, retriable task: if this server
   * dies, a server with the same id or a shared tag runs it again.
   *
   * @param name The handler's name.
   * @param manifest Its input, checked by the handler's schema and stored.
   * @param options Extra tags for status queries.
   * @returns The task id, once the task is stored and "Task started" is sent.
   * @throws {BgtaskNotRegisteredError} When no handler has the name.
   * @throws {InvalidAPIParameters} When the manifest fails the schema.
   */
  async startRetriable(
    name: string,
    manifest: unknown,
    options: { tags?: readonly string[] } = {},
  ): Promise<string> {
    this.#checkOpen();
    const handler = this.registry.get(name);
    const parsed = parseManifest(name, handler, manifest);
    const task = this.#track({
      taskId: crypto.randomUUID(),
      name,
      retriable: true,
      tags: [...this.#tags, ...options.tags ?? []],
    });
    await this.#publisher.register(
      newStoredTask(task.taskId, name, parsed),
      updatedEvent(task.taskId, 0, 0, "Task started"),
      // On failure: forgotten here first, then removed from the store.
      () => this.#running.delete(task.taskId),
    );
    this.#launchHandler(task, handler, parsed);
    return task.taskId;
  }

  /**
   * Claims the orphaned tasks of this server and tags (upstream's retry
   * check) and runs them again. A task whose handler is not registered here
   * is marked failed with `Task handler not registered: <name>`. Called by
   * the orphan loop; call it directly to check at once.
   *
   * @returns How many tasks were revived.
   */
  async reviveOrphans(): Promise<number> {
    this.#checkOpen();
    const check = this.#orphans.revive();
    this.#checks.add(check);
    try {
      return await check;
    } finally {
      this.#checks.delete(check);
    }
  }

  /**
   * Runs an orphan the reviver claimed, on this server; refused once the
   * manager is closing (the task stays claimable in the store).
   */
  #revive(orphan: RevivedTask): boolean {
    if (this.#closing) return false;
    const task = this.#track({
      taskId: orphan.taskId,
      name: orphan.name,
      retriable: true,
      tags: [...this.#tags],
      current: orphan.current,
      total: orphan.total,
    });
    this.#launchHandler(task, orphan.handler, orphan.manifest);
    return true;
  }

  /**
   * Cancels a task running here: its signal is aborted; if it has not
   * stopped after `cancelGraceMs`, it is reported cancelled anyway and its
   * late result is ignored.
   *
   * @param taskId The task id.
   * @throws {BgtaskNotFound} When the task does not run here.
   */
  cancel(taskId: string): void {
    const task = this.#running.get(taskId);
    if (task === undefined) throw new BgtaskNotFound(taskId);
    if (task.cancelRequested) return;
    task.cancelRequested = true;
    task.controller.abort(new DOMException("Task cancelled", "AbortError"));
    task.graceTimer = setTimeout(() => {
      task.graceTimer = undefined;
      if (task.settled) return;
      task.settled = true;
      void this.#finish(task, cancelledResult(task));
    }, this.#graceMs);
  }

  /**
   * Waits for a task of this manager to end; a task that ended recently
   * (one of the last {@linkcode RECENT_RESULTS}) answers at once.
   *
   * @param taskId The task id.
   * @returns Its final status.
   * @throws {BgtaskNotFound} When the task is neither running here nor
   * among the recent results.
   */
  wait(taskId: string): Promise<BgtaskStatus> {
    const task = this.#running.get(taskId);
    if (task !== undefined) return task.finished;
    const status = this.#recent.get(taskId);
    return status === undefined
      ? Promise.reject(new BgtaskNotFound(taskId))
      : Promise.resolve(status);
  }

  /**
   * What is known of a task: live state if it runs here, else the store's
   * (retriable tasks, on any server, until their finished TTL passes).
   *
   * @param taskId The task id.
   * @returns The task, or `undefined` when unknown.
   */
  async status(taskId: string): Promise<BackgroundTaskInfo | undefined> {
    return await this.#queries.status(taskId);
  }

  /**
   * The tasks of a tag: running here, and stored ones.
   *
   * @param tag The tag.
   * @returns The tasks.
   */
  listByTag(tag: string): Promise<BackgroundTaskInfo[]> {
    return this.#queries.listByTag(tag);
  }

  /**
   * The tasks of a server: running here (for this server), and stored ones.
   *
   * @param serverId The server id.
   * @returns The tasks.
   */
  listByServer(
    serverId: string = this.serverId,
  ): Promise<BackgroundTaskInfo[]> {
    return this.#queries.listByServer(serverId);
  }

  #track(spec: TaskSpec): RunningTask {
    const task = newRunningTask(
      spec,
      (current, total, message) =>
        this.#progress(task, current, total, message),
    );
    this.#running.set(task.taskId, task);
    return task;
  }

  #launchHandler(
    task: RunningTask,
    handler: BackgroundTaskHandler<unknown>,
    manifest: unknown,
  ): void {
    const context: TaskContext = {
      taskId: task.taskId,
      reporter: task.reporter,
      signal: task.controller.signal,
    };
    this.#launch(task, () => handler.execute(manifest, context));
  }

  #launch(
    task: RunningTask,
    body: () => Promise<TaskOutcome> | TaskOutcome,
  ): void {
    // close() gave up on it while it was being registered.
    if (task.settled) return;
    task.launched = true;
    this.#observe(() => this.#observer?.taskStarted(task.name));
    void (async () => {
      let outcome: TaskOutcome;
      let error: unknown;
      let failed = false;
      try {
        outcome = await body();
      } catch (err) {
        failed = true;
        error = err;
      }
      if (task.settled) return; // reported cancelled after the grace period
      task.settled = true;
      clearTimeout(task.graceTimer);
      task.graceTimer = undefined;
      if (
        failed && this.#closing && task.retriable &&
        task.controller.signal.aborted && !task.cancelRequested
      ) {
        // Stopped by shutdown: left ongoing in the store for another server.
        this.#leave(task);
        return;
      }
      await this.#finish(
        task,
        failed
          ? (task.controller.signal.aborted
            ? cancelledResult(task)
            : failedResult(task, error))
          : succeededResult(task, outcome),
      );
    })();
  }

  /** Sends a progress snapshot after the task's earlier events. */
  #progress(
    task: RunningTask,
    current: number,
    total: number,
    message: string | null,
  ): Promise<void> {
    if (task.settled) return Promise.resolve();
    if (message !== null) task.message = message;
    const event = updatedEvent(task.taskId, current, total, message);
    const send = async (): Promise<void> => {
      if (!task.retriable) return await this.#publisher.broadcast(event);
      // The store's write and the event together: one round trip.
      await this.#publisher.progress(
        task.taskId,
        { current, total, message },
        event,
      );
    };
    const sent = task.chain.then(send);
    task.chain = sent.catch((err) => {
      this.#logger.warn("bgtask: progress was not sent", {
        taskId: task.taskId,
        error: String(err),
      });
    });
    return sent;
  }

  async #finish(task: RunningTask, result: TaskResult): Promise<void> {
    await task.chain;
    try {
      if (task.retriable) await this.#publisher.finish(task.taskId, result);
      else await this.#publisher.broadcast(result.event);
    } catch (err) {
      this.#logger.warn("bgtask: the final event was not sent", {
        taskId: task.taskId,
        status: result.status,
        error: String(err),
      });
    }
    this.#finished(task, result.status, result.errorCode);
    this.#forget(task, result.status);
  }

  /** Calls the metrics hook; a hook that throws is logged, never fatal. */
  #observe(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#logger.warn("bgtask: the observer failed", { error: String(err) });
    }
  }

  /**
   * Forgets a retriable task stopped by shutdown: it stays ongoing in the
   * store, and the observer hears `bgtask_unknown` (as upstream's metric
   * hook reports a task without a result), so the running gauge goes down.
   */
  #leave(task: RunningTask): void {
    this.#finished(task, BgtaskStatus.UNKNOWN, undefined);
    this.#forget(task, BgtaskStatus.UNKNOWN);
  }

  /** Tells the observer a task it heard start has ended. */
  #finished(
    task: RunningTask,
    status: BgtaskStatus,
    errorCode: string | undefined,
  ): void {
    if (!task.launched) return;
    this.#observe(() =>
      this.#observer?.taskFinished(
        task.name,
        status,
        (performance.now() - task.startedAt) / 1000,
        errorCode,
      )
    );
  }

  #forget(task: RunningTask, status: BgtaskStatus): void {
    clearTimeout(task.graceTimer);
    task.graceTimer = undefined;
    this.#running.delete(task.taskId);
    this.#recent.set(task.taskId, status);
    if (this.#recent.size > RECENT_RESULTS) {
      this.#recent.delete(this.#recent.keys().next().value as string);
    }
    task.resolve(status);
  }

  /**
   * Stops the loops, an orphan check under way and the running tasks: their
   * signals are aborted and they get `cancelGraceMs` to stop. Tasks started
   * with `start()` end as cancelled; retriable ones stay ongoing in the
   * store, so another server (or this one restarted) revives them, and the
   * observer hears `bgtask_unknown` for them. An orphan an unfinished check
   * claims is not started. Closes the store if the manager made it.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closing = true;
    const loopsStopped = this.#loops.stop();
    // From here on no new task starts: `#revive` refuses, `start()` and
    // `startRetriable()` throw.
    const tasks = [...this.#running.values()];
    for (const task of tasks) {
      task.controller.abort(
        new DOMException("Background task manager shutting down", "AbortError"),
      );
    }
    const waits: Promise<unknown>[] = [
      loopsStopped,
      ...tasks.map((task) => task.finished),
      ...[...this.#checks].map((check) => check.catch(() => {})),
    ];
    if (waits.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(waits),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.#graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const task of this.#running.values()) {
        if (task.settled) continue;
        task.settled = true;
        if (task.retriable) this.#leave(task);
        else await this.#finish(task, cancelledResult(task));
      }
    }
    this.#closed = true;
    if (this.#ownsStore) await this.#store.close();
  }

  /** Same as {@linkcode BackgroundTaskManager.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
