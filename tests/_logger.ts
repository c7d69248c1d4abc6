// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Loggers for tests: {@linkcode quietLogger} drops debug/info/warn (tests
 * provoke warnings on purpose) and keeps errors visible.
 *
 * @module
 */

import type { Logger } from "../utils.ts";

/** Drops everything below `error`. */
export const quietLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, fields) => console.error(message, fields ?? ""),
};
