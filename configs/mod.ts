// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How a service configures itself (upstream `config.py` and `configs/`,
 * spec 14): a loader chain ({@linkcode TomlConfigLoader},
 * {@linkcode YamlConfigLoader}, {@linkcode EnvConfigLoader},
 * {@linkcode EtcdConfigLoader}, {@linkcode ConfigOverrider}, merged by
 * {@linkcode LoaderChain}, the last winning), validation with zod
 * ({@linkcode loadConfig}: kebab-case keys in files, unknown keys kept and
 * reported once, every failing key path with its file and line, environment
 * variable or etcd key), the config file search of upstream
 * ({@linkcode findConfigFile}), secrets masked whenever a configuration is
 * printed ({@linkcode secret}, {@linkcode maskSecrets}), upstream's shared
 * schemas ({@linkcode EtcdConfigSchema}, {@linkcode RedisConfigSchema},
 * {@linkcode ServiceDiscoveryConfigSchema}, {@linkcode SharedJWTConfigSchema},
 * {@linkcode HttpTimeoutConfigSchema}, {@linkcode OTELConfigSchema}), and
 * etcd changes as typed events ({@linkcode EtcdConfigWatcher}).
 *
 * ```ts
 * import {
 *   configInt, ConfigOverrider, EnvConfigLoader, EtcdConfigSchema, LoaderChain, loadConfig, secret,
 * } from "@backendai/common/configs";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const schema = z.object({
 *   etcd: EtcdConfigSchema,
 *   manager: z.object({ num_proc: configInt().default(1), secret_key: secret(z.string()) }),
 * });
 * const env: Record<string, string> = { BACKEND_NUM_PROC: "4" };
 * const config = await loadConfig(schema, new LoaderChain([
 *   new EnvConfigLoader([[["manager", "num-proc"], "BACKEND_NUM_PROC"]], { env: (k) => env[k] }),
 *   new ConfigOverrider([[["manager", "secret-key"], "s3cr3t"], [["etcd", "password"], "pw"]]),
 * ], { base: { etcd: { namespace: "local" } } }));
 * assert.equal(config.value.manager.num_proc, 4);
 * assert.equal(config.value.etcd.addr.toString(), "127.0.0.1:2379");
 * assert.doesNotMatch(String(config), /s3cr3t|pw"/);
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./find.ts";
export * from "./loaders.ts";
export * from "./secrets.ts";
export * from "./validate.ts";
export * from "./schemas.ts";
export * from "./watcher.ts";
