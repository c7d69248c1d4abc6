// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Validating a loaded configuration with a zod schema:
 * {@linkcode validateConfig} and {@linkcode loadConfig}, returning a
 * {@linkcode ConfigResult}.
 *
 * @module
 */

import type { z } from "zod";
import { errorText } from "../_error_text.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import { pathKey } from "./_files.ts";
import {
  type ConfigIssue,
  type ConfigOrigin,
  ConfigValidationError,
} from "./errors.ts";
import type {
  ConfigLoader,
  ConfigLoadOptions,
  LoadedConfig,
} from "./loaders.ts";
import { isSecretSchema, maskSecrets } from "./secrets.ts";

type Def = Record<string, unknown> & { type: string };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** What normalising the raw data against the schema found. */
interface Walk {
  /** Normalised path key → the path as written in the source. */
  readonly written: Map<string, string[]>;
  /** Unknown keys: normalised parent path, key, value, written path. */
  readonly unknown: Array<
    { parent: string[]; key: string; value: unknown; written: string[] }
  >;
  /** Normalised paths of secret fields. */
  readonly secrets: string[][];
}

function camel(key: string): string {
  return key.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The object shapes a schema may take (through wrappers and unions). */
function shapesOf(schema: unknown, depth = 0): Array<Record<string, unknown>> {
  const def = defOf(schema);
  if (def === undefined || depth > 16) return [];
  switch (def.type) {
    case "object":
      return [def.shape as Record<string, unknown>];
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return shapesOf(def.innerType, depth + 1);
    case "pipe":
      return shapesOf(def.in, depth + 1);
    case "lazy":
      return shapesOf((def.getter as () => unknown)(), depth + 1);
    case "union":
      return (def.options as unknown[]).flatMap((o) => shapesOf(o, depth + 1));
    case "intersection":
      return [
        ...shapesOf(def.left, depth + 1),
        ...shapesOf(def.right, depth + 1),
      ];
    default:
      return [];
  }
}

/** The element or value schema of an array or record (through wrappers). */
function childSchema(
  schema: unknown,
  kind: "array" | "record",
  depth = 0,
): unknown {
  const def = defOf(schema);
  if (def === undefined || depth > 16) return undefined;
  if (def.type === kind) return kind === "array" ? def.element : def.valueType;
  if (def.innerType !== undefined) {
    return childSchema(def.innerType, kind, depth + 1);
  }
  if (def.type === "pipe") return childSchema(def.in, kind, depth + 1);
  if (def.type === "union") {
    for (const option of def.options as unknown[]) {
      const found = childSchema(option, kind, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Renames kebab-case keys to the schema's field names (upstream's alias
 * generator; field names are accepted too), records where each key was
 * written, the keys the schema does not know, and the secret fields.
 */
function normalize(
  schema: unknown,
  value: unknown,
  path: string[],
  written: string[],
  walk: Walk,
): unknown {
  walk.written.set(pathKey(path), written);
  if (Array.isArray(value)) {
    const element = childSchema(schema, "array");
    return value.map((item, i) =>
      normalize(
        element,
        item,
        [...path, String(i)],
        [...written, String(i)],
        walk,
      )
    );
  }
  if (!isPlainObject(value)) return value;
  const shapes = shapesOf(schema);
  if (shapes.length === 0) {
    const valueSchema = childSchema(schema, "record");
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      setKey(
        out,
        key,
        normalize(valueSchema, item, [...path, key], [...written, key], walk),
      );
    }
    return out;
  }
  const fields = new Map<string, unknown>();
  for (const shape of shapes) {
    for (const [name, field] of Object.entries(shape)) {
      if (!fields.has(name)) fields.set(name, field);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const name = [key, key.replaceAll("-", "_"), camel(key)].find((k) =>
      fields.has(k)
    );
    if (name === undefined) {
      walk.unknown.push({
        parent: path,
        key,
        value: item,
        written: [...written, key],
      });
      continue;
    }
    const field = fields.get(name);
    if (isSecretSchema(field as z.ZodType)) walk.secrets.push([...path, name]);
    setKey(
      out,
      name,
      normalize(field, item, [...path, name], [...written, key], walk),
    );
  }
  for (const [name, field] of fields) {
    if (!Object.hasOwn(out, name) && isSecretSchema(field as z.ZodType)) {
      walk.secrets.push([...path, name]);
    }
  }
  return out;
}

function setKey(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** The origin of a path, or of its nearest ancestor that has one. */
function originOf(
  origins: ReadonlyMap<string, ConfigOrigin>,
  path: readonly string[],
): ConfigOrigin | undefined {
  for (let n = path.length; n >= 0; n--) {
    const origin = origins.get(pathKey(path.slice(0, n)));
    if (origin !== undefined) {
      if (n === path.length || origin.line === undefined) return origin;
      return {
        ...origin,
        description: `${origin.description} (in ${
          path.slice(0, n).join(".") || "the top level"
        })`,
      };
    }
  }
  return undefined;
}

/** The path as written, for a normalised path (its unwritten tail as named by the schema). */
function writtenPath(walk: Walk, path: readonly PropertyKey[]): string[] {
  const parts = path.map(String);
  for (let n = parts.length; n >= 0; n--) {
    const known = walk.written.get(pathKey(parts.slice(0, n)));
    if (known !== undefined) {
      // A missing key is named as files write it (upstream's kebab-case alias).
      return [...known, ...parts.slice(n).map((p) => p.replaceAll("_", "-"))];
    }
  }
  return parts;
}

/**
 * A validated configuration, with what was learned on the way. Printing it
 * (`String()`, `JSON.stringify`, `console.log`, `util.inspect`, on
 * Deno, Node and Bun) shows the values with
 * secrets masked; read the real values from {@linkcode ConfigResult.value}.
 */
export interface ConfigResult<T> {
  /** The parsed configuration (unknown keys kept where they were). */
  readonly value: T;
  /** Unknown key paths as written (`manager.plugin-x`), reported once as a warning. */
  readonly unknownKeys: readonly string[];
  /** Where each key path came from. */
  readonly origins: ReadonlyMap<string, ConfigOrigin>;
  /** Paths of the fields the schema marks secret. */
  readonly secretPaths: readonly (readonly string[])[];
  /**
   * The value with secrets masked.
   *
   * @returns A masked copy.
   */
  masked(): unknown;
  /**
   * The masked value, for `JSON.stringify`.
   *
   * @returns A masked copy.
   */
  toJSON(): unknown;
  /**
   * The masked value as JSON text.
   *
   * @returns The text.
   */
  toString(): string;
}

/** Options of {@linkcode validateConfig} and {@linkcode loadConfig}. */
export interface ValidateConfigOptions {
  /**
   * Receives the warning about unknown keys.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * The name of the configuration in messages.
   *
   * @default {"configuration"}
   */
  name?: string | undefined;
}

/**
 * Validates loaded data against a zod schema, as upstream's
 * `BaseConfigSchema` does: kebab-case keys map to the schema's snake_case
 * (or camelCase) field names, field names work too; unknown keys are kept
 * and reported once as a warning (keys only, never values); and a failure
 * throws one {@linkcode ConfigValidationError} listing every failing key
 * path as written, with its source (file and line, environment variable, or
 * etcd key) and what was expected, never the value.
 *
 * @example Usage
 * ```ts
 * import { ConfigValidationError, EnvConfigLoader, validateConfig } from "@backendai/common/configs";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const schema = z.object({ manager: z.object({ num_proc: z.coerce.number().int(), id: z.string() }) });
 * const env: Record<string, string> = { N: "four" };
 * const loaded = await new EnvConfigLoader([[["manager", "num-proc"], "N"]], { env: (k) => env[k] }).load();
 * assert.throws(() => validateConfig(schema, loaded), (error) => {
 *   assert.ok(error instanceof ConfigValidationError);
 *   assert.match(error.message, /manager\.num-proc \(environment variable N\): Invalid input: expected number/);
 *   assert.match(error.message, /manager\.id: Invalid input: expected string, received undefined/);
 *   return true;
 * });
 * ```
 *
 * @typeParam S The schema.
 * @param schema The zod schema (field names in snake_case, as upstream).
 * @param loaded The data and origins from a loader.
 * @param options The logger and a name for messages.
 * @returns The result.
 * @throws {ConfigValidationError} When a value does not fit.
 */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  loaded: LoadedConfig,
  options: ValidateConfigOptions = {},
): ConfigResult<z.output<S>> {
  const logger = options.logger ?? consoleLogger;
  const name = options.name ?? "configuration";
  const walk: Walk = { written: new Map(), unknown: [], secrets: [] };
  const normalized = normalize(schema, loaded.data, [], [], walk);
  const parsed = schema.safeParse(normalized);
  if (!parsed.success) {
    const issues: ConfigIssue[] = parsed.error.issues.map((issue) => {
      const path = writtenPath(walk, issue.path);
      return {
        path: path.join(".") || "(top level)",
        expected: issue.message,
        origin: originOf(loaded.origins, path),
      };
    });
    const lines = issues.map((issue) =>
      `  - ${issue.path}${
        issue.origin ? ` (${issue.origin.description})` : ""
      }: ${issue.expected}`
    );
    throw new ConfigValidationError(
      `Invalid ${name}: ${issues.length} problem${
        issues.length === 1 ? "" : "s"
      }\n${lines.join("\n")}`,
      { data: { issues }, cause: parsed.error },
    );
  }
  const value = parsed.data as z.output<S>;
  const unknownKeys: string[] = [];
  for (const entry of walk.unknown) {
    unknownKeys.push(entry.written.join("."));
    let node: unknown = value;
    for (const part of entry.parent) {
      node = isPlainObject(node) ? node[part] : undefined;
    }
    if (isPlainObject(node) && !Object.hasOwn(node, entry.key)) {
      setKey(node, entry.key, entry.value);
    }
  }
  if (unknownKeys.length > 0) {
    logger.warn(`Unknown keys in the ${name}, kept for plugins`, {
      keys: unknownKeys,
    });
  }
  const secretPaths = walk.secrets;
  const masked = () => maskSecrets(value, secretPaths);
  const result: ConfigResult<z.output<S>> = {
    value,
    unknownKeys,
    origins: loaded.origins,
    secretPaths,
    masked,
    toJSON: masked,
    toString: () => JSON.stringify(masked()),
  };
  // console.log and util.inspect (Deno, Node, Bun) show this instead of the
  // raw fields, so a printed result never shows a secret.
  Object.defineProperty(result, Symbol.for("nodejs.util.inspect.custom"), {
    value: () => ({ value: masked(), unknownKeys, secretPaths }),
  });
  return result;
}

/**
 * Loads with a loader (a chain) and validates (see {@linkcode validateConfig}).
 *
 * @example TOML with environment overrides
 * ```ts
 * import { EnvConfigLoader, LoaderChain, loadConfig, TomlConfigLoader } from "@backendai/common/configs";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const file = await Deno.makeTempFile({ suffix: ".toml" });
 * await Deno.writeTextFile(file, '[service]\nservice-addr = "0.0.0.0:8080"\npassword = "hunter2"\n');
 * const env: Record<string, string> = { ADDR: "127.0.0.1:9090" };
 * const config = await loadConfig(
 *   z.object({ service: z.object({ service_addr: z.string(), password: z.string() }) }),
 *   new LoaderChain([
 *     new TomlConfigLoader(file),
 *     new EnvConfigLoader([[["service", "service-addr"], "ADDR"]], { env: (k) => env[k] }),
 *   ]),
 * );
 * assert.equal(config.value.service.service_addr, "127.0.0.1:9090");
 * assert.equal(String(config), '{"service":{"service_addr":"127.0.0.1:9090","password":"********"}}');
 * await Deno.remove(file);
 * ```
 *
 * @typeParam S The schema.
 * @param schema The zod schema.
 * @param loader The loader.
 * @param options The logger, a name, the signal.
 * @returns The result.
 * @throws {ConfigValidationError} When a value does not fit.
 */
export async function loadConfig<S extends z.ZodType>(
  schema: S,
  loader: ConfigLoader,
  options: ValidateConfigOptions & ConfigLoadOptions = {},
): Promise<ConfigResult<z.output<S>>> {
  const loaded = await loader.load({ signal: options.signal });
  try {
    return validateConfig(schema, loaded, options);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw error;
    throw new ConfigValidationError(
      `Cannot validate the ${
        options.name ?? "configuration"
      } from ${loader.sourceName}: ${errorText(error)}`,
      { data: { source: loader.sourceName }, cause: error },
    );
  }
}
