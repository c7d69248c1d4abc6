// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Stored tasks as another server (or a Python one) leaves them, for the
 * orphan tests on memory and on Redis.
 *
 * @module
 */

import {
  type StoredTask,
  type TaskStatus,
  type TaskType,
  WHOLE_TASK_KEY,
} from "../../../bgtask/mod.ts";

/** A stored task as another server (or Python) would have left it. */
export function orphan(
  taskId: string,
  options: {
    name?: string;
    type?: TaskType;
    subtasks?: readonly [string, TaskStatus][];
    ongoingCount?: number;
  } = {},
): StoredTask {
  const subtasks = options.subtasks ?? [[WHOLE_TASK_KEY, "ongoing"]];
  return {
    info: {
      taskId,
      taskName: options.name ?? "resize",
      taskType: options.type ?? "single",
      body: { size: 1 },
      ongoingCount: options.ongoingCount ??
        subtasks.filter(([, status]) => status === "ongoing").length,
      successCount: subtasks.filter(([, status]) => status === "success")
        .length,
      failureCount: subtasks.filter(([, status]) => status === "failure")
        .length,
    },
    subtasks: subtasks.map(([key, status]) => ({
      taskId,
      key,
      status,
      lastMessage: "",
      currentProgress: 0,
      totalProgress: 0,
    })),
  };
}
