// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/** A logger that keeps its lines, for the middleware tests. */

import type { Logger } from "../../../utils.ts";

/** One logged line. */
export interface Line {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown>;
}

/** A logger whose lines are kept in `lines`. */
export function recordingLogger(): Logger & { lines: Line[] } {
  const lines: Line[] = [];
  const at =
    (level: Line["level"]) =>
    (message: string, fields?: Record<string, unknown>) =>
      void lines.push({ level, message, fields: fields ?? {} });
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
