// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The background task payloads on the wire, as `bgtask` and `events` write
 * them and upstream reads them: the event bodies (`bgtask_updated`, the
 * terminal events, `bgtask_partial_success`) and the Redis hashes of a
 * retriable task (`bgtask:meta:{id}`, `bgtask:subtask:{id}:{subkey}`, every
 * field a string).
 *
 * @module
 */

import { z } from "zod";

const taskId = z.uuid();
const integerText = z.string().regex(/^-?\d+$/, "Expected an integer string");
const numberText = z.string().regex(
  /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/,
  "Expected a number string",
);

/** The body of `bgtask_updated`. */
export interface BgtaskUpdatedPayload {
  /** The task id. */
  task_id: string;
  /** Progress so far (a float on the wire). */
  current_progress: number;
  /** The total to reach (a float on the wire). */
  total_progress: number;
  /** A status line, or `null`. */
  message: string | null;
}

/**
 * The body of `bgtask_updated`.
 *
 * @example Usage
 * ```ts
 * import { BgtaskUpdatedPayloadSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = JSON.parse('{"task_id":"0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b","current_progress":1.0,"total_progress":2.0,"message":null}');
 * assert.equal(BgtaskUpdatedPayloadSchema.parse(body).total_progress, 2);
 * ```
 */
export const BgtaskUpdatedPayloadSchema: z.ZodType<
  BgtaskUpdatedPayload,
  unknown
> = z.object({
  task_id: taskId,
  current_progress: z.number(),
  total_progress: z.number(),
  message: z.string().nullable(),
});

/** The body of `bgtask_done`, `bgtask_cancelled` and `bgtask_failed`. */
export interface BgtaskDonePayload {
  /** The task id. */
  task_id: string;
  /** A closing message, or `null`. */
  message: string | null;
}

/**
 * The body of `bgtask_done`, `bgtask_cancelled` and `bgtask_failed`.
 *
 * @example Usage
 * ```ts
 * import { BgtaskDonePayloadSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { task_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b", message: "ok" };
 * assert.deepEqual(BgtaskDonePayloadSchema.parse(body), body);
 * assert.equal(BgtaskDonePayloadSchema.safeParse({ task_id: "x", message: null }).success, false);
 * ```
 */
export const BgtaskDonePayloadSchema: z.ZodType<BgtaskDonePayload, unknown> = z
  .object({ task_id: taskId, message: z.string().nullable() });

/** The body of `bgtask_partial_success`. */
export interface BgtaskPartialSuccessPayload extends BgtaskDonePayload {
  /** What failed. */
  errors: string[];
}

/**
 * The body of `bgtask_partial_success`.
 *
 * @example Usage
 * ```ts
 * import { BgtaskPartialSuccessPayloadSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { task_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b", message: "2 of 3", errors: ["c: not found"] };
 * assert.deepEqual(BgtaskPartialSuccessPayloadSchema.parse(body), body);
 * ```
 */
export const BgtaskPartialSuccessPayloadSchema: z.ZodType<
  BgtaskPartialSuccessPayload,
  unknown
> = z.object({
  task_id: taskId,
  message: z.string().nullable(),
  errors: z.array(z.string()),
});

/** The `bgtask:meta:{id}` hash of a retriable task (every field a string). */
export interface BgtaskMetaHash {
  /** The task id, a UUID with dashes. */
  task_id: string;
  /** The handler's name. */
  task_name: string;
  /** `single`, `batch` or `parallel`. */
  task_type: "single" | "batch" | "parallel";
  /** The manifest as compact JSON (an object). */
  body: string;
  /** Subtasks still running, as an integer string. */
  ongoing_count: string;
  /** Subtasks that succeeded. */
  success_count: string;
  /** Subtasks that failed. */
  failure_count: string;
}

/**
 * The `bgtask:meta:{id}` hash (upstream `TaskInfo.to_valkey_hash_fields`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskMetaHashSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const hash = {
 *   task_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b", task_name: "clone", task_type: "single",
 *   body: '{"volume":"local"}', ongoing_count: "1", success_count: "0", failure_count: "0",
 * };
 * assert.deepEqual(BgtaskMetaHashSchema.parse(hash), hash);
 * assert.equal(BgtaskMetaHashSchema.safeParse({ ...hash, body: "[1]" }).success, false);
 * ```
 */
export const BgtaskMetaHashSchema: z.ZodType<BgtaskMetaHash, unknown> = z
  .object({
    task_id: taskId,
    task_name: z.string().min(1),
    task_type: z.enum(["single", "batch", "parallel"]),
    body: z.string().refine((text) => {
      try {
        const value: unknown = JSON.parse(text);
        return typeof value === "object" && value !== null &&
          !Array.isArray(value);
      } catch {
        return false;
      }
    }, "Expected a JSON object"),
    ongoing_count: integerText,
    success_count: integerText,
    failure_count: integerText,
  });

/** The `bgtask:subtask:{id}:{subkey}` hash (every field a string). */
export interface BgtaskSubtaskHash {
  /** The task id. */
  task_id: string;
  /** The subkey (`__whole__` for a single task). */
  key: string;
  /** `ongoing`, `success` or `failure`. */
  status: "ongoing" | "success" | "failure";
  /** The last message (may be empty). */
  last_message: string;
  /** The last progress, once reported (upstream ignores it). */
  current_progress?: string | undefined;
  /** The last total, once reported (upstream ignores it). */
  total_progress?: string | undefined;
}

/**
 * The `bgtask:subtask:{id}:{subkey}` hash (upstream
 * `TaskSubKeyInfo.to_valkey_hash_fields`, plus the progress fields this
 * library adds, which upstream's reader ignores).
 *
 * @example Usage
 * ```ts
 * import { BgtaskSubtaskHashSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const hash = { task_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b", key: "__whole__", status: "ongoing", last_message: "" };
 * assert.deepEqual(BgtaskSubtaskHashSchema.parse(hash), hash);
 * assert.equal(BgtaskSubtaskHashSchema.safeParse({ ...hash, status: "done" }).success, false);
 * ```
 */
export const BgtaskSubtaskHashSchema: z.ZodType<BgtaskSubtaskHash, unknown> = z
  .object({
    task_id: taskId,
    key: z.string().min(1),
    status: z.enum(["ongoing", "success", "failure"]),
    last_message: z.string(),
    current_progress: numberText.optional(),
    total_progress: numberText.optional(),
  });
