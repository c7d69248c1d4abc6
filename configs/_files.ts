// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Internal: reading TOML and YAML files with the line of every key, so a
// validation error can say where a bad value was written.

import { readFile } from "node:fs/promises";
import { parse as parseToml, TomlError } from "smol-toml";
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import { ConfigParseError, ConfigReadError } from "./errors.ts";

/** A parsed file: its data and the line of each key path (joined by `\0`). */
export interface ParsedFile {
  readonly data: Record<string, unknown>;
  readonly lines: ReadonlyMap<string, number>;
}

/** The key of a path in the line and origin maps. */
export function pathKey(path: readonly string[]): string {
  return path.join("\0");
}

/** Reads a file as UTF-8, or throws `ConfigReadError` naming it. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigReadError(
      `Could not read config from: ${file} (${
        (error as { code?: string }).code ?? String(error)
      })`,
      { data: { file }, cause: error },
    );
  }
}

/**
 * The cause of a parse error: the parser's reason alone. The parser's own
 * error quotes the lines around the problem, which may hold a secret (a
 * password on the broken line), and a cause is printed with its error.
 */
function quoteFree(reason: string): SyntaxError {
  return new SyntaxError(reason);
}

/** Parses TOML, naming the file, line and column of a syntax error. */
export function parseTomlFile(text: string, file: string): ParsedFile {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = error instanceof TomlError ? error.line : undefined;
    const column = error instanceof TomlError ? error.column : undefined;
    const reason = (error instanceof Error ? error.message : String(error))
      .split("\n")[0] as string;
    throw new ConfigParseError(
      `Cannot parse ${file}${line === undefined ? "" : ` line ${line}`}${
        column === undefined ? "" : ` column ${column}`
      }: ${reason}`,
      {
        data: { file, line, column, format: "toml" },
        cause: quoteFree(reason),
      },
    );
  }
  return {
    data: plain(data) as Record<string, unknown>,
    lines: tomlKeyLines(text),
  };
}

/** Deep copy with ordinary prototypes (smol-toml makes null-prototype tables). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== "object" || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    Object.defineProperty(out, key, {
      value: plain(item),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Parses YAML (one document, a mapping at the top), naming where it fails. */
export function parseYamlFile(text: string, file: string): ParsedFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem !== undefined) {
    const line = problem.linePos?.[0].line;
    const column = problem.linePos?.[0].col;
    const reason = problem.message.split("\n")[0] as string;
    throw new ConfigParseError(
      `Cannot parse ${file}${line === undefined ? "" : ` line ${line}`}${
        column === undefined ? "" : ` column ${column}`
      }: ${reason}`,
      {
        data: { file, line, column, format: "yaml" },
        cause: quoteFree(reason),
      },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    // Building the value can fail too: the yaml package refuses to expand
    // nested aliases past a count ("billion laughs") with a ReferenceError.
    const reason = (error instanceof Error ? error.message : String(error))
      .split("\n")[0] as string;
    throw new ConfigParseError(`Cannot parse ${file}: ${reason}`, {
      data: { file, format: "yaml" },
      cause: quoteFree(reason),
    });
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ConfigParseError(
      `Cannot use ${file}: its top level must be a mapping`,
      { data: { file, line: 1, column: 1, format: "yaml" } },
    );
  }
  const lines = new Map<string, number>();
  walkYaml(doc.contents, [], lines, counter);
  return { data: data as Record<string, unknown>, lines };
}

function walkYaml(
  node: Node | null | undefined | unknown,
  path: string[],
  lines: Map<string, number>,
  counter: LineCounter,
): void {
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = isScalar(item.key)
        ? String(item.key.value)
        : String(item.key);
      const child = [...path, key];
      const offset = (item.key as { range?: [number, number, number] } | null)
        ?.range?.[0];
      if (offset !== undefined) {
        lines.set(pathKey(child), counter.linePos(offset).line);
      }
      walkYaml(item.value, child, lines, counter);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = [...path, String(index)];
      const offset = (item as { range?: [number, number, number] } | null)
        ?.range?.[0];
      if (offset !== undefined) {
        lines.set(pathKey(child), counter.linePos(offset).line);
      }
      walkYaml(item, child, lines, counter);
    });
  }
}

/** Splits a TOML key (`a."b.c".d`) into its parts. */
function tomlKeyParts(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === " " || s[i] === "\t") i++;
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i];
      let j = i + 1;
      let part = "";
      while (j < s.length && s[j] !== quote) {
        if (quote === '"' && s[j] === "\\" && j + 1 < s.length) {
          part += s[j + 1];
          j += 2;
        } else {
          part += s[j];
          j++;
        }
      }
      if (j >= s.length) return undefined;
      parts.push(part);
      i = j + 1;
    } else {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_-]/.test(s[j] as string)) j++;
      if (j === i) return undefined;
      parts.push(s.slice(i, j));
      i = j;
    }
    while (s[i] === " " || s[i] === "\t") i++;
    if (i < s.length) {
      if (s[i] !== ".") return undefined;
      i++;
    }
  }
  return parts;
}

/**
 * The line of each key path of a TOML text: table headers (`[a.b]`,
 * `[[a.b]]` with the array index) and `key = value` lines, skipping what
 * lies inside multi-line strings and arrays. A best effort: a key it
 * cannot place has no line, and errors then name the file only.
 */
export function tomlKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  let depth = 0;
  let multiline: string | undefined;
  const rows = text.split(/\r?\n/);
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n] as string;
    if (multiline !== undefined) {
      if (row.includes(multiline)) multiline = undefined;
      continue;
    }
    if (depth > 0) {
      depth += bracketDelta(row);
      continue;
    }
    const line = row.trim();
    if (line === "" || line.startsWith("#")) continue;
    const arrayHeader = /^\[\[(.+)\]\]\s*(#.*)?$/.exec(line);
    const header = arrayHeader ?? /^\[(.+)\]\s*(#.*)?$/.exec(line);
    if (header !== null) {
      const parts = tomlKeyParts(header[1] as string);
      if (parts === undefined) continue;
      if (arrayHeader !== null) {
        const key = pathKey(parts);
        const index = arrayCounts.get(key) ?? 0;
        arrayCounts.set(key, index + 1);
        lines.set(key, lines.get(key) ?? n + 1);
        table = [...parts, String(index)];
      } else {
        table = parts;
      }
      lines.set(pathKey(table), n + 1);
      continue;
    }
    const eq = findEquals(line);
    if (eq < 0) continue;
    const parts = tomlKeyParts(line.slice(0, eq));
    if (parts === undefined) continue;
    const full = [...table, ...parts];
    for (let k = table.length + 1; k <= full.length; k++) {
      const key = pathKey(full.slice(0, k));
      if (!lines.has(key)) lines.set(key, n + 1);
    }
    const value = line.slice(eq + 1).trim();
    for (const quote of ['"""', "'''"]) {
      if (
        value.startsWith(quote) &&
        value.indexOf(quote, quote.length) < 0
      ) {
        multiline = quote;
      }
    }
    if (multiline === undefined) depth = Math.max(0, bracketDelta(value));
  }
  return lines;
}

/** The index of the `=` that ends a key, outside quotes, or -1. */
function findEquals(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "=") {
      return i;
    } else if (c === "#") {
      return -1;
    }
  }
  return -1;
}

/** Open minus closed brackets and braces outside strings and comments. */
function bracketDelta(text: string): number {
  let delta = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === "#") {
      break;
    } else if (c === "[" || c === "{") {
      delta++;
    } else if (c === "]" || c === "}") {
      delta--;
    }
  }
  return delta;
}
