// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The shapes of {@linkcode BackgroundTaskManager}'s API: its options and
 * metrics hooks, the options of one task, and what it reports (a task's
 * status, its own counts).
 *
 * @module
 */

import type { EventProducer } from "../events/producer.ts";
import type { Logger } from "../utils.ts";
import type { BackgroundTaskHandlerRegistry } from "./handler.ts";
import type { BgtaskStore } from "./store.ts";
import type { BgtaskStatus, TaskStatus } from "./types.ts";

/**
 * How many final statuses a manager keeps for
 * {@linkcode BackgroundTaskManager.wait}: a bounded memory, the oldest
 * forgotten first.
 *
 * @example Usage
 * ```ts
 * import { RECENT_RESULTS } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RECENT_RESULTS, 1024);
 * ```
 */
export const RECENT_RESULTS = 1024;

/** Metrics hooks of a {@linkcode BackgroundTaskManager} (upstream `BgTaskMetricObserver`). */
export interface BgtaskObserver {
  /**
   * A task started (the running gauge goes up).
   *
   * @param taskName The task's name.
   */
  taskStarted(taskName: string): void;
  /**
   * A task ended (the gauge goes down; done count, duration).
   *
   * @param taskName The task's name.
   * @param status `bgtask_done`, `bgtask_partial_success`, `bgtask_failed` or `bgtask_cancelled`.
   * @param durationSeconds How long it ran.
   * @param errorCode The error's code for failures (`bgtask_execute_internal-error` for errors that are not `BackendAIError`s).
   */
  taskFinished(
    taskName: string,
    status: BgtaskStatus,
    durationSeconds: number,
    errorCode: string | undefined,
  ): void;
}

/** Options of {@linkcode BackgroundTaskManager}. */
export interface BackgroundTaskManagerOptions {
  /** Sends the `bgtask_*` events (broadcast, cached as `bgtask.<id>`). */
  producer: EventProducer;
  /** This server's id; retriable tasks are registered under it. */
  serverId: string;
  /**
   * Where retriable tasks are stored.
   *
   * @default {a MemoryBgtaskStore of this manager (closed with it)}
   */
  store?: BgtaskStore | undefined;
  /**
   * Tags of this server: a retriable task can be revived by any server that
   * shares its server id or one of its tags.
   *
   * @default {[]}
   */
  tags?: readonly string[] | undefined;
  /**
   * The handlers of retriable tasks.
   *
   * @default {an empty registry}
   */
  registry?: BackgroundTaskHandlerRegistry | undefined;
  /**
   * Metrics hooks.
   *
   * @default {undefined}
   */
  observer?: BgtaskObserver | undefined;
  /**
   * How often running retriable tasks are kept alive in the store, in ms.
   *
   * @default {60000}
   */
  heartbeatIntervalMs?: number | undefined;
  /**
   * How often orphaned tasks are looked for, in ms.
   *
   * @default {300000}
   */
  retryIntervalMs?: number | undefined;
  /**
   * How long a cancelled task may take to stop before it is reported
   * cancelled anyway, in ms; also how long `close()` waits for tasks.
   *
   * @default {5000}
   */
  cancelGraceMs?: number | undefined;
  /**
   * Where problems are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** Options of {@linkcode BackgroundTaskManager.start}. */
export interface StartTaskOptions {
  /**
   * The name used in metrics and status queries.
   *
   * @default {the function's name, or "anonymous"}
   */
  name?: string | undefined;
  /**
   * Extra tags of this task, for status queries.
   *
   * @default {[]}
   */
  tags?: readonly string[] | undefined;
}

/** What a status query tells about a task. */
export interface BackgroundTaskInfo {
  /** The task id. */
  taskId: string;
  /** The task's name. */
  name: string;
  /** Ongoing, success or failure. */
  status: TaskStatus;
  /** Whether it is stored and can be revived. */
  retriable: boolean;
  /** Whether it runs on this server now. */
  runningHere: boolean;
  /** The last reported progress. */
  current: number;
  /** The last reported total. */
  total: number;
  /** The last message, if any. */
  message: string | null;
  /** The tags it was started with (tasks running here). */
  tags: string[];
}

/** The manager's internal counts, to check that nothing is left behind. */
export interface BackgroundTaskManagerStats {
  /** Tasks running here. */
  running: number;
  /** Of those, retriable ones (heartbeated). */
  retriable: number;
  /** Final statuses kept for `wait()` (at most {@linkcode RECENT_RESULTS}). */
  recentResults: number;
  /** Cancelled tasks waiting out their grace period. */
  graceTimers: number;
  /** Whether the heartbeat and orphan loops are scheduled. */
  loops: number;
}
