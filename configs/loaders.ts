// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The loader chain (upstream `configs/loader/`): {@linkcode TomlConfigLoader},
 * {@linkcode YamlConfigLoader}, {@linkcode EnvConfigLoader},
 * {@linkcode EtcdConfigLoader}, {@linkcode ConfigOverrider}, merged by
 * {@linkcode LoaderChain}. Every loader also says where each value came
 * from, so a validation error can name the file and line, the environment
 * variable or the etcd key.
 *
 * @module
 */

import process from "node:process";
import type { AsyncEtcd, ConfigScope } from "../clients/etcd/mod.ts";
import { InvalidAPIParameters } from "../exception.ts";
import { quote } from "../utils.ts";
import {
  type ParsedFile,
  parseTomlFile,
  parseYamlFile,
  pathKey,
  readText,
} from "./_files.ts";
import type { ConfigOrigin } from "./errors.ts";
import { findConfigFile, type FindConfigFileOptions } from "./find.ts";

/** What a loader returns: the data and the origin of each key path. */
export interface LoadedConfig {
  /** The nested data. */
  readonly data: Record<string, unknown>;
  /**
   * Where each key path came from, keyed by the path's parts joined with
   * `"\0"` (see {@linkcode configPathKey}).
   */
  readonly origins: ReadonlyMap<string, ConfigOrigin>;
}

/** Options of {@linkcode ConfigLoader.load}. */
export interface ConfigLoadOptions {
  /**
   * Stops waiting (the etcd loader).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * One source of configuration (upstream `AbstractConfigLoader`).
 *
 * @example A loader of fixed values
 * ```ts
 * import { type ConfigLoader, LoaderChain } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const fixed: ConfigLoader = {
 *   sourceName: "fixed",
 *   load: () => Promise.resolve({ data: { a: 1 }, origins: new Map() }),
 * };
 * assert.deepEqual((await new LoaderChain([fixed]).load()).data, { a: 1 });
 * ```
 */
export interface ConfigLoader {
  /** A name for messages (`toml:/path`, `env`, `etcd:prefix`, `overrides`). */
  readonly sourceName: string;
  /**
   * Loads the data.
   *
   * @param options The signal.
   * @returns The data and its origins.
   */
  load(options?: ConfigLoadOptions): Promise<LoadedConfig>;
}

/**
 * The key of a path in {@linkcode LoadedConfig.origins}.
 *
 * @example Usage
 * ```ts
 * import { configPathKey } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(configPathKey(["etcd", "addr"]), "etcd\0addr");
 * ```
 *
 * @param path The key path.
 * @returns The map key.
 */
export function configPathKey(path: readonly string[]): string {
  return pathKey(path);
}

function fileOrigins(
  parsed: ParsedFile,
  source: string,
  file: string,
): Map<string, ConfigOrigin> {
  const origins = new Map<string, ConfigOrigin>();
  origins.set("", { source, description: file, file });
  for (const [key, line] of parsed.lines) {
    origins.set(key, {
      source,
      description: `${file} line ${line}`,
      file,
      line,
    });
  }
  return origins;
}

/** Options of the file loaders. */
export interface FileConfigLoaderOptions extends FindConfigFileOptions {
  /**
   * The component whose file is searched when no path is given.
   *
   * @default {undefined}
   */
  daemon?: string | undefined;
}

/** The shared part of the TOML and YAML loaders. */
class FileSource {
  readonly #format: "toml" | "yaml";
  readonly #path: string | undefined;
  readonly #options: FileConfigLoaderOptions;
  #found: string | undefined;

  constructor(
    format: "toml" | "yaml",
    path: string | undefined,
    options: FileConfigLoaderOptions,
  ) {
    if (path === undefined && options.daemon === undefined) {
      throw new InvalidAPIParameters(
        "A file config loader needs a path or a daemon to search for",
        { data: { field: "daemon", value: undefined } },
      );
    }
    this.#format = format;
    this.#path = path;
    this.#options = options;
  }

  get sourceName(): string {
    return `${this.#format}:${
      this.#path ?? this.#found ?? `<${this.#options.daemon} config>`
    }`;
  }

  async load(): Promise<LoadedConfig> {
    let file = this.#path;
    if (file === undefined) {
      file = await findConfigFile(this.#options.daemon as string, {
        ...this.#options,
        extension: this.#options.extension ?? `.${this.#format}`,
      });
      this.#found = file;
    }
    const text = await readText(file);
    const parsed = this.#format === "toml"
      ? parseTomlFile(text, file)
      : parseYamlFile(text, file);
    return {
      data: parsed.data,
      origins: fileOrigins(parsed, this.sourceName, file),
    };
  }
}

/**
 * Loads a TOML file (upstream `TomlConfigLoader`), or searches
 * `{daemon}.toml` as {@linkcode findConfigFile} when no path is given.
 * Syntax errors name the file, line and column.
 *
 * @example Usage
 * ```ts
 * import { TomlConfigLoader } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const file = await Deno.makeTempFile({ suffix: ".toml" });
 * await Deno.writeTextFile(file, '[etcd]\nnamespace = "local"\naddr = "127.0.0.1:2379"\n');
 * const loaded = await new TomlConfigLoader(file).load();
 * assert.deepEqual(loaded.data, { etcd: { namespace: "local", addr: "127.0.0.1:2379" } });
 * assert.equal(loaded.origins.get("etcd\0addr")?.line, 3);
 * await Deno.remove(file);
 * ```
 */
export class TomlConfigLoader implements ConfigLoader {
  readonly #source: FileSource;

  /**
   * Makes the loader.
   *
   * @param path The file, or `undefined` to search for `{daemon}.toml`.
   * @param options The daemon and the search options.
   * @throws {InvalidAPIParameters} When neither a path nor a daemon is given.
   */
  constructor(path?: string, options: FileConfigLoaderOptions = {}) {
    this.#source = new FileSource("toml", path, options);
  }

  /**
   * `toml:{path}`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return this.#source.sourceName;
  }

  /**
   * Reads and parses the file (searching it first without a path).
   *
   * @returns The data and the line of each key.
   * @throws {ConfigFileNotFoundError} When the search finds nothing.
   * @throws {ConfigReadError} When the file cannot be read.
   * @throws {ConfigParseError} When it does not parse.
   */
  load(): Promise<LoadedConfig> {
    return this.#source.load();
  }
}

/**
 * Loads a YAML file (one document whose top level is a mapping), or
 * searches `{daemon}.yaml` when no path is given (upstream reads TOML only).
 *
 * @example Usage
 * ```ts
 * import { YamlConfigLoader } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const file = await Deno.makeTempFile({ suffix: ".yaml" });
 * await Deno.writeTextFile(file, "etcd:\n  namespace: local\n");
 * const loaded = await new YamlConfigLoader(file).load();
 * assert.deepEqual(loaded.data, { etcd: { namespace: "local" } });
 * assert.equal(loaded.origins.get("etcd\0namespace")?.line, 2);
 * await Deno.remove(file);
 * ```
 */
export class YamlConfigLoader implements ConfigLoader {
  readonly #source: FileSource;

  /**
   * Makes the loader.
   *
   * @param path The file, or `undefined` to search for `{daemon}.yaml`.
   * @param options The daemon and the search options.
   * @throws {InvalidAPIParameters} When neither a path nor a daemon is given.
   */
  constructor(path?: string, options: FileConfigLoaderOptions = {}) {
    this.#source = new FileSource("yaml", path, options);
  }

  /**
   * `yaml:{path}`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return this.#source.sourceName;
  }

  /**
   * Reads and parses the file (searching it first without a path).
   *
   * @returns The data and the line of each key.
   * @throws {ConfigFileNotFoundError} When the search finds nothing.
   * @throws {ConfigReadError} When the file cannot be read.
   * @throws {ConfigParseError} When it does not parse.
   */
  load(): Promise<LoadedConfig> {
    return this.#source.load();
  }
}

function setPath(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const child: Record<string, unknown> = {};
      defineKey(node, part, child);
      node = child;
    }
  }
  defineKey(node, path[path.length - 1] as string, value);
}

function defineKey(
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

/** Options of {@linkcode EnvConfigLoader}. */
export interface EnvConfigLoaderOptions {
  /**
   * Reads a variable.
   *
   * @default {the process environment}
   */
  env?: ((name: string) => string | undefined) | undefined;
}

/**
 * Sets key paths from environment variables (upstream `EnvLoader`): each
 * pair maps a key path to a variable; only variables that are set count,
 * and an empty string is set. Values stay strings (use the configs
 * module's `configInt()`-style schemas to accept them as numbers).
 *
 * @example Usage
 * ```ts
 * import { EnvConfigLoader } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const env: Record<string, string> = { BACKEND_NUM_PROC: "4", BACKEND_EMPTY: "" };
 * const loader = new EnvConfigLoader([
 *   [["manager", "num-proc"], "BACKEND_NUM_PROC"],
 *   [["manager", "id"], "BACKEND_EMPTY"],
 *   [["manager", "unset"], "BACKEND_UNSET"],
 * ], { env: (name) => env[name] });
 * const loaded = await loader.load();
 * assert.deepEqual(loaded.data, { manager: { "num-proc": "4", id: "" } });
 * assert.equal(loaded.origins.get("manager\0num-proc")?.variable, "BACKEND_NUM_PROC");
 * ```
 */
export class EnvConfigLoader implements ConfigLoader {
  readonly #pairs: ReadonlyArray<readonly [readonly string[], string]>;
  readonly #env: (name: string) => string | undefined;

  /**
   * Makes the loader.
   *
   * @param pairs The key paths and their variables.
   * @param options Where variables are read.
   */
  constructor(
    pairs: ReadonlyArray<readonly [readonly string[], string]>,
    options: EnvConfigLoaderOptions = {},
  ) {
    this.#pairs = pairs;
    this.#env = options.env ?? ((name) => process.env[name]);
  }

  /**
   * `"env"`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return "env";
  }

  /**
   * Reads the variables.
   *
   * @returns The data and origins.
   */
  load(): Promise<LoadedConfig> {
    const data: Record<string, unknown> = {};
    const origins = new Map<string, ConfigOrigin>();
    for (const [path, variable] of this.#pairs) {
      const value = this.#env(variable);
      if (value === undefined) continue;
      setPath(data, path, value);
      origins.set(pathKey(path), {
        source: "env",
        description: `environment variable ${variable}`,
        variable,
      });
    }
    return Promise.resolve({ data, origins });
  }
}

/** Options of {@linkcode EtcdConfigLoader}. */
export interface EtcdConfigLoaderOptions {
  /**
   * The scope read.
   *
   * @default {"merged"}
   */
  scope?: ConfigScope | undefined;
}

/**
 * Reads an etcd prefix as nested data (upstream `EtcdConfigLoader`:
 * `get_prefix(prefix)`, keys unquoted, scopes merged).
 *
 * @example Usage
 * ```ts ignore
 * import { AsyncEtcd } from "@backendai/common/clients/etcd";
 * import { EtcdConfigLoader } from "@backendai/common/configs";
 *
 * await using etcd = new AsyncEtcd({ addrs: "127.0.0.1:2379", namespace: "local" });
 * const loaded = await new EtcdConfigLoader(etcd, "config").load();
 * console.log(loaded.data.redis);
 * ```
 */
export class EtcdConfigLoader implements ConfigLoader {
  readonly #etcd: AsyncEtcd;
  readonly #prefix: string;
  readonly #scope: ConfigScope;

  /**
   * Makes the loader.
   *
   * @param etcd The client.
   * @param prefix The prefix, quoted by the caller as needed.
   * @param options The scope.
   */
  constructor(
    etcd: AsyncEtcd,
    prefix: string,
    options: EtcdConfigLoaderOptions = {},
  ) {
    this.#etcd = etcd;
    this.#prefix = prefix;
    this.#scope = options.scope ?? "merged";
  }

  /**
   * `etcd:{prefix}`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return `etcd:${this.#prefix}`;
  }

  /**
   * Reads the prefix.
   *
   * @param options The signal.
   * @returns The data and origins.
   */
  async load(options: ConfigLoadOptions = {}): Promise<LoadedConfig> {
    const data = await this.#etcd.getPrefix(this.#prefix, {
      scope: this.#scope,
      signal: options.signal,
    });
    const origins = new Map<string, ConfigOrigin>();
    const walk = (node: unknown, path: string[]): void => {
      if (typeof node !== "object" || node === null) {
        const quoted = path.map((p) => quote(p, "")).join("/");
        const key = this.#etcd.fullKey(
          this.#prefix === "" ? quoted : `${this.#prefix}/${quoted}`,
        );
        origins.set(pathKey(path), {
          source: this.sourceName,
          description: `etcd key ${key}`,
          etcdKey: key,
        });
        return;
      }
      for (const [key, value] of Object.entries(node)) {
        walk(value, [...path, key]);
      }
    };
    walk(data, []);
    return { data: data as Record<string, unknown>, origins };
  }
}

/**
 * Sets key paths to explicit values (upstream `ConfigOverrider`), e.g. from
 * command-line flags; last in the chain, so it wins.
 *
 * @example Usage
 * ```ts
 * import { ConfigOverrider } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const loaded = await new ConfigOverrider([[["debug", "enabled"], true]]).load();
 * assert.deepEqual(loaded.data, { debug: { enabled: true } });
 * ```
 */
export class ConfigOverrider implements ConfigLoader {
  readonly #pairs: ReadonlyArray<readonly [readonly string[], unknown]>;

  /**
   * Makes the loader.
   *
   * @param pairs The key paths and their values.
   */
  constructor(pairs: ReadonlyArray<readonly [readonly string[], unknown]>) {
    this.#pairs = pairs;
  }

  /**
   * `"overrides"`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return "overrides";
  }

  /**
   * Builds the data.
   *
   * @returns The data and origins.
   */
  load(): Promise<LoadedConfig> {
    const data: Record<string, unknown> = {};
    const origins = new Map<string, ConfigOrigin>();
    for (const [path, value] of this.#pairs) {
      setPath(data, path, structuredClone(value));
      origins.set(pathKey(path), {
        source: "overrides",
        description: `override ${path.join(".")}`,
      });
    }
    return Promise.resolve({ data, origins });
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

/** Options of {@linkcode LoaderChain}. */
export interface LoaderChainOptions {
  /**
   * Data under everything the loaders give (copied, never changed).
   *
   * @default {{}}
   */
  base?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * Merges loaders in order, the last winning (upstream `LoaderChain`):
 * mappings merge key by key, recursively; anything else (a scalar, an array,
 * a mapping over a scalar) replaces what was there with a copy. The base is
 * copied first and never changed; nor are the loaders' results.
 *
 * @example TOML, then the environment, then overrides
 * ```ts
 * import { ConfigOverrider, EnvConfigLoader, LoaderChain } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const base = { etcd: { namespace: "local", addr: "127.0.0.1:2379" }, list: [1, 2] };
 * const chain = new LoaderChain([
 *   new EnvConfigLoader([[["etcd", "namespace"], "NS"]], { env: () => "prod" }),
 *   new ConfigOverrider([[["list"], [3]]]),
 * ], { base });
 * const loaded = await chain.load();
 * assert.deepEqual(loaded.data, { etcd: { namespace: "prod", addr: "127.0.0.1:2379" }, list: [3] });
 * assert.equal(base.etcd.namespace, "local");
 * assert.equal(chain.sourceName, "chain:[env, overrides]");
 * assert.equal(loaded.origins.get("etcd\0namespace")?.variable, "NS");
 * ```
 */
export class LoaderChain implements ConfigLoader {
  readonly #loaders: readonly ConfigLoader[];
  readonly #base: Readonly<Record<string, unknown>>;

  /**
   * Makes the chain.
   *
   * @param loaders The loaders, lowest priority first.
   * @param options The base data.
   */
  constructor(
    loaders: readonly ConfigLoader[],
    options: LoaderChainOptions = {},
  ) {
    this.#loaders = loaders;
    this.#base = options.base ?? {};
  }

  /**
   * `chain:[a, b, ...]`.
   *
   * @returns The name.
   */
  get sourceName(): string {
    return `chain:[${this.#loaders.map((l) => l.sourceName).join(", ")}]`;
  }

  /**
   * Loads every loader in order and merges.
   *
   * @param options The signal.
   * @returns The merged data and origins.
   */
  async load(options: ConfigLoadOptions = {}): Promise<LoadedConfig> {
    const data = structuredClone(this.#base) as Record<string, unknown>;
    const origins = new Map<string, ConfigOrigin>();
    for (const loader of this.#loaders) {
      const loaded = await loader.load(options);
      merge(data, loaded.data, [], origins, loaded.origins);
    }
    return { data, origins };
  }
}

function merge(
  dst: Record<string, unknown>,
  src: Readonly<Record<string, unknown>>,
  path: string[],
  origins: Map<string, ConfigOrigin>,
  srcOrigins: ReadonlyMap<string, ConfigOrigin>,
): void {
  const here = srcOrigins.get(pathKey(path));
  if (here !== undefined && !origins.has(pathKey(path))) {
    origins.set(pathKey(path), here);
  }
  for (const [key, value] of Object.entries(src)) {
    const child = [...path, key];
    const existing = Object.hasOwn(dst, key) ? dst[key] : undefined;
    if (isMapping(value) && isMapping(existing)) {
      merge(existing, value, child, origins, srcOrigins);
      continue;
    }
    defineKey(dst, key, structuredClone(value));
    const prefix = pathKey(child);
    for (const old of [...origins.keys()]) {
      if (old === prefix || old.startsWith(prefix + "\0")) origins.delete(old);
    }
    for (const [k, origin] of srcOrigins) {
      if (k === prefix || k.startsWith(prefix + "\0")) origins.set(k, origin);
    }
  }
}
