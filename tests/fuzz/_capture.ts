// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A {@linkcode Logger} that keeps every line the library logs, so a fuzz
 * test can count warnings and grep everything for secrets.
 *
 * @module
 */

import type { Logger } from "../../utils.ts";

/** One logged line. */
export interface CapturedLine {
  /** The level. */
  level: "debug" | "info" | "warn" | "error";
  /** The message. */
  message: string;
  /** The structured fields. */
  fields: Record<string, unknown> | undefined;
}

/** A logger that records, plus what it recorded. */
export interface CapturingLogger extends Logger {
  /** Every line, in order. */
  readonly lines: CapturedLine[];
  /** Every line as one text (fields as JSON, bytes as text), to search. */
  text(): string;
}

function render(value: unknown): string {
  return JSON.stringify(value, (_key, item) => {
    if (item instanceof Uint8Array) return new TextDecoder().decode(item);
    if (item instanceof Error) {
      return { name: item.name, message: item.message, cause: item.cause };
    }
    if (typeof item === "bigint") return item.toString();
    return item;
  }) ?? "";
}

/**
 * Makes a logger that records every line.
 *
 * @returns The logger.
 */
export function capturingLogger(): CapturingLogger {
  const lines: CapturedLine[] = [];
  const at =
    (level: CapturedLine["level"]) =>
    (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    text: () =>
      lines.map((line) =>
        `${line.level} ${line.message} ${render(line.fields)}`
      ).join("\n"),
  };
}
