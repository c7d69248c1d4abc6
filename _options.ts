// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import { InvalidAPIParameters } from "./exception.ts";

/**
 * Throws the error every policy raises for a bad option: it names the policy
 * kind and the field, and carries the value in `data`.
 */
export function invalidOption(
  kind: string,
  field: string,
  value: unknown,
  rule: string,
): never {
  throw new InvalidAPIParameters(
    `Invalid ${kind} option "${field}": ${rule}`,
    { data: { field, value } },
  );
}
