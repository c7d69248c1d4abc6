// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A manager's records of a task: the one it keeps while the task runs here
 * ({@linkcode RunningTask}), the one it stores for a new retriable task
 * (after checking its manifest), and the events and results the task's
 * progress and end produce ({@linkcode TaskResult}: done, partial success,
 * failed, cancelled).
 *
 * @module
 */

import {
  BgtaskCancelledEvent,
  BgtaskDoneEvent,
  BgtaskFailedEvent,
  BgtaskPartialSuccessEvent,
  BgtaskUpdatedEvent,
} from "../events/catalogue/bgtask.ts";
import type { Event } from "../events/define.ts";
import { BackendAIError, InvalidAPIParameters } from "../exception.ts";
import {
  type BackgroundTaskHandler,
  PartialSuccess,
  type TaskOutcome,
} from "./handler.ts";
import { ProgressReporter, type ProgressSink } from "./reporter.ts";
import { ongoingSubtask } from "./store.ts";
import {
  BgtaskStatus,
  type StoredTask,
  TaskType,
  WHOLE_TASK_KEY,
} from "./types.ts";

/** How a task ended: its status, its final event, what the store records. */
export interface TaskResult {
  /** The final status. */
  status: BgtaskStatus;
  /** The final event. */
  event: Event;
  /** The stored subtask's status. */
  storedStatus: "success" | "failure";
  /** The stored subtask's last message. */
  lastMessage: string;
  /** The error code for metrics (failures). */
  errorCode: string | undefined;
}

/** A task running on this manager. */
export interface RunningTask {
  /** The task id. */
  readonly taskId: string;
  /** The name used in metrics and status queries. */
  readonly name: string;
  /** Whether it is stored (heartbeated, revivable). */
  readonly retriable: boolean;
  /** The server's tags and the task's own. */
  readonly tags: readonly string[];
  /** Aborted by `cancel()` and by the manager's shutdown. */
  readonly controller: AbortController;
  /** The task's reporter. */
  readonly reporter: ProgressReporter;
  /** When it started (`performance.now()`). */
  readonly startedAt: number;
  /** Resolved with the final status once the task is forgotten. */
  readonly finished: Promise<BgtaskStatus>;
  /** Resolves `finished`. */
  resolve: (status: BgtaskStatus) => void;
  /** The task's events so far, in order. */
  chain: Promise<void>;
  /** The last progress message. */
  message: string | null;
  /** Whether `cancel()` was called. */
  cancelRequested: boolean;
  /** Whether its end is decided (no later result counts). */
  settled: boolean;
  /** Whether its body was started (the observer heard `taskStarted`). */
  launched: boolean;
  /** The timer of a cancelled task's grace period. */
  graceTimer: ReturnType<typeof setTimeout> | undefined;
}

/** What a new {@linkcode RunningTask} starts from. */
export interface TaskSpec {
  /** The task id. */
  taskId: string;
  /** The name used in metrics and status queries. */
  name: string;
  /** Whether it is stored (heartbeated, revivable). */
  retriable: boolean;
  /** The server's tags and the task's own. */
  tags: readonly string[];
  /** The progress it resumes from (a revived task). */
  current?: number;
  /** The total it resumes with (a revived task). */
  total?: number;
}

/**
 * The record of a task about to run here; its reporter sends through `sink`.
 *
 * @param spec The id, name, kind, tags and starting progress.
 * @param sink Sends the reporter's snapshots.
 * @returns The record, not yet running.
 */
export function newRunningTask(
  spec: TaskSpec,
  sink: ProgressSink,
): RunningTask {
  let resolve!: (status: BgtaskStatus) => void;
  const finished = new Promise<BgtaskStatus>((r) => (resolve = r));
  const reporter = new ProgressReporter(
    spec.taskId,
    sink,
    { current: spec.current ?? 0, total: spec.total ?? 0 },
  );
  return {
    taskId: spec.taskId,
    name: spec.name,
    retriable: spec.retriable,
    tags: spec.tags,
    controller: new AbortController(),
    reporter,
    startedAt: performance.now(),
    finished,
    resolve,
    chain: Promise.resolve(),
    message: null,
    cancelRequested: false,
    settled: false,
    launched: false,
    graceTimer: undefined,
  };
}

/**
 * Checks a retriable task's manifest with its handler's schema.
 *
 * @param name The handler's name.
 * @param handler The handler.
 * @param manifest The manifest given to `startRetriable()`.
 * @returns The parsed manifest.
 * @throws {InvalidAPIParameters} When the manifest fails the schema.
 */
export function parseManifest(
  name: string,
  handler: BackgroundTaskHandler<unknown>,
  manifest: unknown,
): unknown {
  const parsed = handler.manifest.safeParse(manifest);
  if (!parsed.success) {
    throw new InvalidAPIParameters(
      `The manifest of background task "${name}" is invalid`,
      {
        data: {
          field: "manifest",
          issues: parsed.error.issues.map((issue) => ({
            path: issue.path.map(String).join("."),
            message: issue.message,
          })),
        },
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}

/**
 * What the store keeps of a new retriable task: a single task with one
 * ongoing subtask, its manifest as JSON.
 *
 * @param taskId The task id.
 * @param name The handler's name.
 * @param manifest The parsed manifest.
 * @returns The stored task.
 */
export function newStoredTask(
  taskId: string,
  name: string,
  manifest: unknown,
): StoredTask {
  return {
    info: {
      taskId,
      taskName: name,
      taskType: TaskType.SINGLE,
      body: JSON.parse(JSON.stringify(manifest ?? {})),
      ongoingCount: 1,
      successCount: 0,
      failureCount: 0,
    },
    subtasks: [ongoingSubtask(taskId, WHOLE_TASK_KEY)],
  };
}

/** Python's `repr()` of an exception, as upstream puts it in `bgtask_failed`. */
function errorRepr(error: unknown): string {
  if (!(error instanceof Error)) {
    return `Exception(${JSON.stringify(String(error))})`;
  }
  const text = error.message;
  const quoted = text.includes("'") && !text.includes('"')
    ? `"${text}"`
    : `'${text.replaceAll("'", "\\'")}'`;
  return `${error.name}(${quoted})`;
}

function errorCodeOf(error: unknown): string {
  return error instanceof BackendAIError
    ? error.errorCode().toString()
    : "bgtask_execute_internal-error";
}

/**
 * A `bgtask_updated` event.
 *
 * @param taskId The task id.
 * @param current Progress so far.
 * @param total The total.
 * @param message The message, or `null`.
 * @returns The event.
 */
export function updatedEvent(
  taskId: string,
  current: number,
  total: number,
  message: string | null,
): Event {
  return BgtaskUpdatedEvent.create({
    task_id: taskId,
    current_progress: current,
    total_progress: total,
    message,
  });
}

/**
 * The result of a cancelled task.
 *
 * @param task The task.
 * @returns The result.
 */
export function cancelledResult(task: RunningTask): TaskResult {
  return {
    status: BgtaskStatus.CANCELLED,
    event: BgtaskCancelledEvent.create({
      task_id: task.taskId,
      message: "Task cancelled",
    }),
    storedStatus: "failure",
    lastMessage: "Task cancelled",
    errorCode: undefined,
  };
}

/**
 * The result of a task that threw.
 *
 * @param task The task.
 * @param error What it threw.
 * @returns The result.
 */
export function failedResult(task: RunningTask, error: unknown): TaskResult {
  return {
    status: BgtaskStatus.FAILED,
    event: BgtaskFailedEvent.create({
      task_id: task.taskId,
      message: errorRepr(error),
    }),
    storedStatus: "failure",
    lastMessage: `Task failed with exception: ${
      error instanceof Error ? error.message : String(error)
    }`,
    errorCode: errorCodeOf(error),
  };
}

/**
 * The result of a task that returned: partial success when it returned a
 * {@linkcode PartialSuccess} with errors, else done.
 *
 * @param task The task.
 * @param outcome What it returned.
 * @returns The result.
 */
export function succeededResult(
  task: RunningTask,
  outcome: TaskOutcome,
): TaskResult {
  if (outcome instanceof PartialSuccess && outcome.errors.length > 0) {
    return {
      status: BgtaskStatus.PARTIAL_SUCCESS,
      event: BgtaskPartialSuccessEvent.create({
        task_id: task.taskId,
        message: outcome.message,
        errors: [...outcome.errors],
      }),
      storedStatus: "success",
      lastMessage: "Task completed successfully",
      errorCode: undefined,
    };
  }
  let message: string | null;
  if (outcome instanceof PartialSuccess) message = outcome.message;
  else if (typeof outcome === "string") message = outcome;
  else if (outcome === undefined || outcome === null) {
    message = task.retriable ? "Task completed successfully" : null;
  } else message = JSON.stringify(outcome);
  return {
    status: BgtaskStatus.DONE,
    event: BgtaskDoneEvent.create({ task_id: task.taskId, message }),
    storedStatus: "success",
    lastMessage: "Task completed successfully",
    errorCode: undefined,
  };
}
