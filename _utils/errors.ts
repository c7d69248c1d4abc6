// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of `utils`.
 *
 * @module
 */

import { InvalidAPIParameters } from "../exception.ts";

/**
 * A duration could not be read (HTTP 400, `api_parsing_invalid-parameters`);
 * `data.value` holds the input.
 *
 * @example Usage
 * ```ts
 * import { InvalidDurationError, strToTimedelta } from "@backendai/common/utils";
 * import { InvalidAPIParameters } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => strToTimedelta("1da1hr"), (err: unknown) => {
 *   assert.ok(err instanceof InvalidDurationError);
 *   assert.ok(err instanceof InvalidAPIParameters);
 *   assert.equal(err.data?.value, "1da1hr");
 *   return true;
 * });
 * ```
 */
export class InvalidDurationError extends InvalidAPIParameters {}
