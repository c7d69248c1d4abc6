// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Named task handlers for retriable tasks, and what a task may return.
 *
 * @module
 */

import type { ZodType } from "zod";
import { InvalidAPIParameters } from "../exception.ts";
import type { ProgressReporter } from "./reporter.ts";
import { BgtaskNotRegisteredError } from "./errors.ts";

/**
 * A result with failures inside: the task finishes as
 * `bgtask_partial_success` when `errors` is not empty, else as done
 * (upstream's `DispatchResult`).
 *
 * @example Usage
 * ```ts
 * import { PartialSuccess } from "@backendai/common/bgtask";
 * import assert from "node:assert/strict";
 *
 * const result = new PartialSuccess("Pulled 2 of 3 images", ["image-c: not found"]);
 * assert.equal(result.errors.length, 1);
 * ```
 */
export class PartialSuccess {
  /** The closing message. */
  readonly message: string | null;
  /** What failed. */
  readonly errors: readonly string[];

  /**
   * Makes a result.
   *
   * @param message The closing message.
   * @param errors What failed.
   */
  constructor(message: string | null, errors: readonly string[]) {
    this.message = message;
    this.errors = [...errors];
  }
}

/**
 * What a task function may return: nothing or a message (done), a
 * {@linkcode PartialSuccess}, or a JSON value (done, with its JSON as the
 * message, as upstream dumps a handler's result model).
 */
export type TaskOutcome =
  | string
  | null
  | undefined
  | void
  | PartialSuccess
  | Record<string, unknown>;

/** What a task function receives. */
export interface TaskContext {
  /** The task id. */
  readonly taskId: string;
  /** Reports progress (`bgtask_updated` events). */
  readonly reporter: ProgressReporter;
  /** Aborted by `cancel()` and by the manager's shutdown. */
  readonly signal: AbortSignal;
}

/**
 * A named handler of retriable tasks: its manifest is stored with the task,
 * so any server with the same handler can run it again after a crash
 * (upstream `BaseBackgroundTaskHandler`).
 *
 * @example Usage
 * ```ts
 * import { type BackgroundTaskHandler } from "@backendai/common/bgtask";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const scan: BackgroundTaskHandler<{ path: string }> = {
 *   name: "scan_folder",
 *   manifest: z.object({ path: z.string() }),
 *   async execute(manifest, { reporter }) {
 *     reporter.total = 1;
 *     await reporter.update(1, `scanned ${manifest.path}`);
 *     return "done";
 *   },
 * };
 * assert.equal(scan.name, "scan_folder");
 * ```
 */
export interface BackgroundTaskHandler<Manifest> {
  /** The unique name, stored as `task_name`. */
  readonly name: string;
  /** Validates the manifest when a task starts and when it is revived. */
  readonly manifest: ZodType<Manifest>;
  /**
   * Runs the task.
   *
   * @param manifest The validated manifest.
   * @param context The task id, the reporter and the abort signal.
   * @returns The outcome.
   */
  execute(
    manifest: Manifest,
    context: TaskContext,
  ): Promise<TaskOutcome> | TaskOutcome;
}

/**
 * The handlers of retriable tasks, by name (upstream
 * `BackgroundTaskHandlerRegistry`).
 *
 * @example Usage
 * ```ts
 * import { BackgroundTaskHandlerRegistry, BgtaskNotRegisteredError } from "@backendai/common/bgtask";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const registry = new BackgroundTaskHandlerRegistry();
 * registry.register({ name: "noop", manifest: z.object({}), execute: () => "ok" });
 * assert.ok(registry.has("noop"));
 * assert.throws(() => registry.get("other"), BgtaskNotRegisteredError);
 * ```
 */
export class BackgroundTaskHandlerRegistry {
  readonly #handlers = new Map<string, BackgroundTaskHandler<unknown>>();

  /**
   * Adds a handler.
   *
   * @param handler The handler.
   * @returns This registry.
   * @throws {InvalidAPIParameters} When the name is taken.
   */
  register<Manifest>(handler: BackgroundTaskHandler<Manifest>): this {
    if (this.#handlers.has(handler.name)) {
      throw new InvalidAPIParameters(
        `A background task handler named "${handler.name}" is already registered`,
        { data: { field: "name", value: handler.name } },
      );
    }
    this.#handlers.set(
      handler.name,
      handler as unknown as BackgroundTaskHandler<unknown>,
    );
    return this;
  }

  /**
   * Whether a handler has this name.
   *
   * @param name The name.
   * @returns `true` if registered.
   */
  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /**
   * The handler of a name.
   *
   * @param name The name.
   * @returns The handler.
   * @throws {BgtaskNotRegisteredError} When none has the name.
   */
  get(name: string): BackgroundTaskHandler<unknown> {
    const handler = this.#handlers.get(name);
    if (handler === undefined) throw new BgtaskNotRegisteredError(name);
    return handler;
  }

  /**
   * The registered names.
   *
   * @returns The names.
   */
  names(): string[] {
    return [...this.#handlers.keys()];
  }
}
