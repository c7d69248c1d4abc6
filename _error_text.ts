// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Describes a thrown value in one line, for logs and dead letters: the one
 * way every module writes an error into a log field.
 *
 * @param error What was thrown.
 * @returns `Name: message` for an `Error`, else the value as a string.
 */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
