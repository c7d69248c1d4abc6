// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Small helpers that several message queue files share: option checks,
 * signal joining, error and field text.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import type { StreamFieldValue } from "./payload.ts";

/**
 * The stream that anycasters, consumers and dead-letter reads use when none
 * is named.
 */
export const DEFAULT_STREAM = "events";

/**
 * Checks an optional positive-integer option.
 *
 * @param value The option as given.
 * @param fallback What an absent option means.
 * @param field The option's name, for the error.
 * @returns `value`, or `fallback` when it is `undefined`.
 * @throws {InvalidAPIParameters} When `value` is not a positive integer.
 */
export function positiveInteger(
  value: number | undefined,
  fallback: number,
  field: string,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    invalidOption("message queue", field, value, "must be a positive integer");
  }
  return value;
}

/**
 * Checks a non-negative-integer option.
 *
 * @param value The option as given.
 * @param field The option's name, for the error.
 * @returns `value`.
 * @throws {InvalidAPIParameters} When `value` is not an integer ≥ 0.
 */
export function nonNegativeInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) {
    invalidOption("message queue", field, value, "must be an integer >= 0");
  }
  return value;
}

/**
 * Joins a caller's optional signal with a component's closing signal.
 *
 * @param signal The caller's signal, if any.
 * @param closing The signal that aborts when the component closes.
 * @returns A signal that aborts when either does.
 */
export function untilEither(
  signal: AbortSignal | undefined,
  closing: AbortSignal,
): AbortSignal {
  return signal === undefined ? closing : AbortSignal.any([signal, closing]);
}

/**
 * Reads a stream field as text.
 *
 * @param value The field, text or bytes (UTF-8), or `undefined`.
 * @returns The text; `""` for a missing field.
 */
export function text(value: StreamFieldValue | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : new TextDecoder().decode(value);
}

export { errorText } from "../_error_text.ts";

/**
 * Sets one field of an entry read from the wire as an own property, also
 * when it is named `__proto__`: a plain assignment would call the
 * prototype setter there (on Node and Bun; Deno disables it), dropping the
 * field or replacing the object's prototype.
 *
 * @param fields The fields being built.
 * @param key The field's name, as sent.
 * @param value Its value.
 */
export function setField<T>(
  fields: Record<string, T>,
  key: string,
  value: T,
): void {
  if (key === "__proto__") {
    Object.defineProperty(fields, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    fields[key] = value;
  }
}
