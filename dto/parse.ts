// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode parseDto}: checks a value against a DTO schema and answers a
 * refusal with the same typed error as the web layer's `readJson`.
 *
 * @module
 */

import type { ZodType } from "zod";
import { BackendAISchemaValidationFailed } from "../exception.ts";

/** One place where a value did not fit its schema. */
export interface DtoIssue {
  /** The path to the offending field, as a list of keys (pydantic's `loc`). */
  loc: Array<string | number>;
  /** What was wrong there. */
  msg: string;
}

/**
 * Checks a value against a schema. A value the schema refuses raises
 * `BackendAISchemaValidationFailed` (400) whose `data` names the schema and
 * lists each offending path (`data.errors`, one `{ loc, msg }` per issue;
 * the value itself is never echoed), as `web`'s `readJson` does.
 *
 * @example Usage
 * ```ts
 * import { parseDto, VolumeInfoSchema } from "@backendai/common/dto";
 * import { BackendAISchemaValidationFailed } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const volume = { name: "local", backend: "vfs", path: "/vfroot/local", fsprefix: ".", capabilities: ["vfolder"] };
 * assert.deepEqual(parseDto(VolumeInfoSchema, volume, "VolumeInfo"), volume);
 * assert.throws(() => parseDto(VolumeInfoSchema, { ...volume, capabilities: [1] }, "VolumeInfo"), (error) => {
 *   assert.ok(error instanceof BackendAISchemaValidationFailed);
 *   assert.deepEqual(error.data?.errors, [{ loc: ["capabilities", 0], msg: "Invalid input: expected string, received number" }]);
 *   return true;
 * });
 * ```
 *
 * @typeParam T What a valid value becomes.
 * @param schema The schema.
 * @param value The value.
 * @param name The schema's name, for the message and `data.schema`.
 * @returns The checked value.
 * @throws {BackendAISchemaValidationFailed} When the schema refuses the value.
 */
export function parseDto<T>(
  schema: ZodType<T, unknown>,
  value: unknown,
  name: string,
): T {
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  const errors: DtoIssue[] = checked.error.issues.map((issue) => ({
    loc: issue.path.map((key) =>
      typeof key === "symbol" ? String(key) : key as string | number
    ),
    msg: issue.message,
  }));
  throw new BackendAISchemaValidationFailed(
    `Invalid ${name} at ${
      errors.map((error) => error.loc.join(".") || "(root)").join(", ")
    }`,
    { data: { schema: name, errors } },
  );
}
