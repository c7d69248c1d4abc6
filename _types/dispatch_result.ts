// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode DispatchResult}: the outcome of a dispatched action (a result,
 * error messages, or both).
 *
 * @module
 */

/** Options for {@linkcode DispatchResult}'s constructor. */
export interface DispatchResultOptions<T> {
  /**
   * The result, if any.
   *
   * @default {undefined}
   */
  result?: T | undefined;
  /**
   * Error messages.
   *
   * @default {[]}
   */
  errors?: readonly string[] | undefined;
}

/**
 * The outcome of a dispatched action: a result, a list of error messages, or
 * both (a partial success).
 *
 * @typeParam T The result type.
 *
 * @example Usage
 * ```ts
 * import { DispatchResult } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DispatchResult.success(42).message(), "42");
 * assert.equal(DispatchResult.error("boom").message(), "errors: boom");
 * assert.equal(
 *   DispatchResult.partialSuccess("ok", ["e1", "e2"]).message(),
 *   "result: ok\nerrors: e1\ne2",
 * );
 * ```
 */
export class DispatchResult<T> {
  /** The result, if any. */
  readonly result: T | undefined;
  /** The error messages; empty on success. */
  readonly errors: readonly string[];

  /**
   * Makes a result.
   *
   * @param options The result and the errors.
   */
  constructor(options?: DispatchResultOptions<T>) {
    this.result = options?.result;
    this.errors = Object.freeze([...(options?.errors ?? [])]);
  }

  /**
   * A success with a result.
   *
   * @typeParam T The result type.
   * @param result The result.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.success({ n: 1 }).isSuccess(), true);
   * ```
   */
  static success<T>(result: T): DispatchResult<T> {
    return new DispatchResult<T>({ result });
  }

  /**
   * A failure with one error message.
   *
   * @typeParam T The result type.
   * @param errorMessage The message.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.error("no agent").hasError(), true);
   * ```
   */
  static error<T = never>(errorMessage: string): DispatchResult<T> {
    return new DispatchResult<T>({ errors: [errorMessage] });
  }

  /**
   * A result together with errors.
   *
   * @typeParam T The result type.
   * @param result The result.
   * @param errors The error messages.
   * @returns The dispatch result.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * const r = DispatchResult.partialSuccess(3, ["one failed"]);
   * assert.equal(r.result, 3);
   * assert.equal(r.isSuccess(), false);
   * ```
   */
  static partialSuccess<T>(
    result: T,
    errors: readonly string[],
  ): DispatchResult<T> {
    return new DispatchResult<T>({ result, errors });
  }

  /**
   * Whether there are no errors.
   *
   * @returns `true` when {@linkcode DispatchResult.errors} is empty.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DispatchResult().isSuccess(), true);
   * ```
   */
  isSuccess(): boolean {
    return this.errors.length === 0;
  }

  /**
   * Whether there is at least one error.
   *
   * @returns The negation of {@linkcode DispatchResult.isSuccess}.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(DispatchResult.success(1).hasError(), false);
   * ```
   */
  hasError(): boolean {
    return !this.isSuccess();
  }

  /**
   * A human-readable summary: `String(result)` on success;
   * `"result: …\nerrors: e1\ne2"` with both; `"errors: …"` otherwise.
   *
   * @returns The summary.
   *
   * @example Usage
   * ```ts
   * import { DispatchResult } from "@backendai/common/types";
   * import assert from "node:assert/strict";
   *
   * assert.equal(new DispatchResult({ errors: ["a", "b"] }).message(), "errors: a\nb");
   * ```
   */
  message(): string {
    if (this.isSuccess()) return String(this.result);
    if (this.result !== undefined && this.result !== null) {
      return `result: ${String(this.result)}\nerrors: ${
        this.errors.join("\n")
      }`;
    }
    return `errors: ${this.errors.join("\n")}`;
  }
}
