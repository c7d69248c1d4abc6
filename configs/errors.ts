// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The errors of configuration loading, each a `ConfigurationError` (HTTP
 * 500, `backendai_setup_invalid-parameters`, upstream's exception of a bad
 * configuration) naming where the problem is:
 *
 * - {@linkcode ConfigFileNotFoundError}: no file at any searched path
 *   (`data.searched` lists them all);
 * - {@linkcode ConfigReadError}: a file that cannot be read
 *   (`data.file`);
 * - {@linkcode ConfigParseError}: TOML or YAML that does not parse
 *   (`data.file`, `data.line`, `data.column`);
 * - {@linkcode ConfigValidationError}: values that do not fit the schema
 *   (`data.issues`: every failing key path with its source and what was
 *   expected). Secret values never appear in any of them.
 *
 * @module
 */

import { ConfigurationError } from "../exception.ts";

/** Where a configuration value came from. */
export interface ConfigOrigin {
  /** The loader's source name (`toml:/etc/backend.ai/manager.toml`, `env`, `etcd:config`, ...). */
  readonly source: string;
  /** How a person finds it: `manager.toml line 4`, `environment variable X`, `etcd key /sorna/...`. */
  readonly description: string;
  /** The file, for file sources. */
  readonly file?: string | undefined;
  /** The 1-based line, when known. */
  readonly line?: number | undefined;
  /** The environment variable, for the environment loader. */
  readonly variable?: string | undefined;
  /** The full etcd key, for the etcd loader. */
  readonly etcdKey?: string | undefined;
}

/** One failing key path of a {@linkcode ConfigValidationError}. */
export interface ConfigIssue {
  /** The key path as written in the source (`etcd.addr`, `manager.num-proc`). */
  readonly path: string;
  /** What was expected, from the schema. */
  readonly expected: string;
  /** Where the value (or its nearest parent) came from, when known. */
  readonly origin?: ConfigOrigin | undefined;
}

/**
 * No configuration file exists at any searched path (upstream
 * `find_config_file()`'s "Could not read config from: …"). `data.searched`
 * lists every path, in search order.
 *
 * @example Usage
 * ```ts
 * import { ConfigFileNotFoundError } from "@backendai/common/configs";
 * import { ConfigurationError } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * const err = new ConfigFileNotFoundError("Could not read config from: ./a.toml", { data: { searched: ["./a.toml"] } });
 * assert.ok(err instanceof ConfigurationError);
 * ```
 */
export class ConfigFileNotFoundError extends ConfigurationError {}

/**
 * A configuration file exists but cannot be read (permissions, a folder).
 * `data.file` names it.
 *
 * @example Usage
 * ```ts
 * import { ConfigReadError } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new ConfigReadError("x", { data: { file: "/etc/x.toml" } }).data?.file, "/etc/x.toml");
 * ```
 */
export class ConfigReadError extends ConfigurationError {}

/**
 * A TOML or YAML file does not parse. `data` names `file`, `line` and
 * `column` (1-based) and `format`.
 *
 * @example Usage
 * ```ts
 * import { ConfigParseError } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const err = new ConfigParseError("Cannot parse manager.toml line 2", {
 *   data: { file: "manager.toml", line: 2, column: 5, format: "toml" },
 * });
 * assert.equal(err.data?.line, 2);
 * ```
 */
export class ConfigParseError extends ConfigurationError {}

/**
 * Configuration values do not fit the schema: the message lists every
 * failing key path with its source and what was expected, and `data.issues`
 * holds them as {@linkcode ConfigIssue}s. Values are never quoted, so a
 * secret cannot leak through it.
 *
 * @example Usage
 * ```ts
 * import { ConfigValidationError } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const err = new ConfigValidationError("Invalid configuration", {
 *   data: { issues: [{ path: "etcd.addr", expected: "host:port" }] },
 * });
 * assert.equal(err.status, 500);
 * ```
 */
export class ConfigValidationError extends ConfigurationError {}
