// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode ProgressReporter}: how a task tells its progress.
 *
 * @module
 */

/** Sends one progress snapshot; the manager orders and stores them. */
export type ProgressSink = (
  current: number,
  total: number,
  message: string | null,
) => Promise<void>;

/**
 * Reports a task's progress as `bgtask_updated` events (upstream
 * `ProgressReporter`). `total` and `current` can be set directly;
 * `update(increment, message)` adds the increment (fractional and negative
 * increments are allowed), snapshots both and sends the event. Events keep
 * their order even when `update` is not awaited.
 *
 * @example Usage
 * ```ts
 * import { ProgressReporter } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const sent: string[] = [];
 * const reporter = new ProgressReporter("0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", (current, total, message) => {
 *   sent.push(`${current}/${total} ${message}`);
 *   return Promise.resolve();
 * });
 * reporter.total = 4;
 * await reporter.update(1.5, "copying");
 * await reporter.update(-0.5);
 * assert.deepEqual(sent, ["1.5/4 copying", "1/4 null"]);
 * ```
 */
export class ProgressReporter {
  /** The task id. */
  readonly taskId: string;
  /** Progress so far. */
  current: number;
  /** The total to reach. */
  total: number;
  readonly #sink: ProgressSink;

  /**
   * Makes a reporter.
   *
   * @param taskId The task id.
   * @param sink Sends each snapshot.
   * @param start The starting progress and total.
   */
  constructor(
    taskId: string,
    sink: ProgressSink,
    start: { current?: number; total?: number } = {},
  ) {
    this.taskId = taskId;
    this.#sink = sink;
    this.current = start.current ?? 0;
    this.total = start.total ?? 0;
  }

  /**
   * Adds `increment` and sends the progress.
   *
   * @param increment Added to `current` (may be fractional or negative).
   * @param message A status line, or `null`.
   * @returns A promise that resolves once the event is sent.
   */
  update(increment: number = 0, message: string | null = null): Promise<void> {
    this.current += increment;
    return this.#sink(this.current, this.total, message);
  }
}
