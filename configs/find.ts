// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode findConfigFile}: where a component's configuration file is,
 * searched as upstream's `find_config_file()`.
 *
 * @module
 */

import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { ConfigFileNotFoundError } from "./errors.ts";

/** Options of {@linkcode findConfigFile}. */
export interface FindConfigFileOptions {
  /**
   * Reads an environment variable (`BACKEND_CONFIG_FILE`).
   *
   * @default {the process environment}
   */
  env?: ((name: string) => string | undefined) | undefined;
  /**
   * The working directory.
   *
   * @default {process.cwd()}
   */
  cwd?: string | undefined;
  /**
   * The home directory.
   *
   * @default {os.homedir()}
   */
  home?: string | undefined;
  /**
   * The file name extension searched (`.yaml` for YAML files).
   *
   * @default {".toml"}
   */
  extension?: string | undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function isUnder(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith("/"));
}

/**
 * The paths searched for `{daemon}.toml`, in order, as upstream:
 * `$BACKEND_CONFIG_FILE` alone when set; otherwise the working directory,
 * every ancestor directory that holds a `BUILD_ROOT` file while it is still
 * under the home directory, `~/.config/backend.ai/`, and `/etc/backend.ai/`.
 *
 * @example Usage
 * ```ts
 * import { configFileCandidates } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * const paths = await configFileCandidates("manager", { cwd: "/nowhere", home: "/home/u", env: () => undefined });
 * assert.deepEqual(paths, [
 *   "/nowhere/manager.toml",
 *   "/home/u/.config/backend.ai/manager.toml",
 *   "/etc/backend.ai/manager.toml",
 * ]);
 * ```
 *
 * @param daemon The component (`manager`, `agent`, `storage-proxy`, ...).
 * @param options The environment, working and home directories, extension.
 * @returns The paths.
 */
export async function configFileCandidates(
  daemon: string,
  options: FindConfigFileOptions = {},
): Promise<string[]> {
  const env = options.env ?? ((name: string) => process.env[name]);
  const fromEnv = env("BACKEND_CONFIG_FILE");
  if (fromEnv) return [fromEnv];
  const name = `${daemon}${options.extension ?? ".toml"}`;
  const cwd = resolve(options.cwd ?? process.cwd());
  const home = resolve(options.home ?? homedir());
  const paths = [join(cwd, name)];
  let parent = dirname(cwd);
  while (isUnder(parent, home)) {
    if (await isFile(join(parent, "BUILD_ROOT"))) {
      paths.push(join(parent, name));
    }
    const next = dirname(parent);
    if (next === parent) break;
    parent = next;
  }
  paths.push(join(home, ".config", "backend.ai", name));
  paths.push(join("/etc/backend.ai", name));
  return paths;
}

/**
 * Finds a component's configuration file (upstream `find_config_file()`):
 * the first existing file of {@linkcode configFileCandidates}.
 *
 * @example Usage
 * ```ts
 * import { ConfigFileNotFoundError, findConfigFile } from "@backendai/common/configs";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   findConfigFile("no-such-daemon", { cwd: "/nowhere", home: "/nowhere-home", env: () => undefined }),
 *   (error) => error instanceof ConfigFileNotFoundError &&
 *     /Could not read config from: \/nowhere\/no-such-daemon.toml,/.test(error.message),
 * );
 * ```
 *
 * @param daemon The component.
 * @param options The environment, working and home directories, extension.
 * @returns The path found.
 * @throws {ConfigFileNotFoundError} When none exists; the message and
 * `data.searched` list every searched path.
 */
export async function findConfigFile(
  daemon: string,
  options: FindConfigFileOptions = {},
): Promise<string> {
  const paths = await configFileCandidates(daemon, options);
  for (const path of paths) {
    if (await isFile(path)) return path;
  }
  throw new ConfigFileNotFoundError(
    `Could not read config from: ${paths.join(",")}`,
    {
      data: {
        "find_config_file()": `Could not read config from: ${paths.join(",")}`,
        searched: paths,
      },
    },
  );
}
