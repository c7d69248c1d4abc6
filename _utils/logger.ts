// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The {@linkcode Logger} interface every option named `logger` takes, and
 * {@linkcode consoleLogger}, the default.
 *
 * @module
 */

/**
 * The logger the library writes to: four levels, a message and structured
 * fields. Pass your own (pino, a `@std/log` logger, a test spy) wherever an
 * option takes a `logger`; {@linkcode consoleLogger} is the default.
 *
 * @example A logger that keeps records
 * ```ts
 * import type { Logger } from "@backendai/common/utils";
 * import assert from "node:assert/strict";
 *
 * const records: string[] = [];
 * const logger: Logger = {
 *   debug: () => {},
 *   info: (message) => records.push(message),
 *   warn: (message) => records.push(message),
 *   error: (message) => records.push(message),
 * };
 * logger.warn("queue reconnecting", { attempt: 2 });
 * assert.deepEqual(records, ["queue reconnecting"]);
 * ```
 */
export interface Logger {
  /**
   * Logs detail for debugging.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  debug(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs a normal event.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  info(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs something that was handled but deserves attention.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  warn(message: string, fields?: Record<string, unknown>): void;
  /**
   * Logs a failure.
   *
   * @param message What happened.
   * @param fields Structured context.
   */
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * A {@linkcode Logger} that writes to `console`, fields as a trailing object.
 *
 * @example Usage
 * ```ts
 * import { consoleLogger } from "@backendai/common/utils";
 *
 * consoleLogger.debug("starting", { component: "demo" });
 * ```
 */
export const consoleLogger: Logger = {
  debug: (message, fields) => console.debug(message, fields ?? ""),
  info: (message, fields) => console.info(message, fields ?? ""),
  warn: (message, fields) => console.warn(message, fields ?? ""),
  error: (message, fields) => console.error(message, fields ?? ""),
};
