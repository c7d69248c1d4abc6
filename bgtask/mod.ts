// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Background tasks (spec section 7): {@linkcode BackgroundTaskManager} runs
 * them, reports progress as `bgtask_*` events cached as `bgtask.<id>`,
 * cancels them, and revives retriable tasks across servers through a
 * {@linkcode BgtaskStore} ({@linkcode MemoryBgtaskStore} embedded,
 * {@linkcode RedisBgtaskStore} with upstream's key layout).
 * {@linkcode taskEventStream} serves one task's progress over SSE.
 *
 * ```ts
 * import { BackgroundTaskManager } from "@backendai/common/bgtask";
 * import { EventProducer } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await using manager = new BackgroundTaskManager({
 *   producer: new EventProducer(queue, { source: "storage-1" }),
 *   serverId: "storage-1",
 * });
 * manager.registry.register({
 *   name: "clone_folder",
 *   manifest: z.object({ src: z.string(), dst: z.string() }),
 *   async execute({ src, dst }, { reporter }) {
 *     reporter.total = 1;
 *     await reporter.update(1, `${src} -> ${dst}`);
 *     return { copied: 1 };
 *   },
 * });
 * const taskId = await manager.startRetriable("clone_folder", { src: "a", dst: "b" });
 * assert.equal(await manager.wait(taskId), "bgtask_done");
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./types.ts";
export * from "./handler.ts";
export * from "./reporter.ts";
export {
  type BgtaskStore,
  type BgtaskStoreOptions,
  type FinishSubtaskArgs,
  type HeartbeatTask,
  type RegisterTaskArgs,
  type TaskProgress,
} from "./store.ts";
export * from "./memory.ts";
export { RedisBgtaskStore, type RedisBgtaskStoreOptions } from "./redis.ts";
export * from "./manager_types.ts";
export * from "./manager.ts";
export * from "./sse.ts";
