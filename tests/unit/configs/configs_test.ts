// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { z } from "zod";
import {
  configFileCandidates,
  ConfigFileNotFoundError,
  configInt,
  ConfigOverrider,
  ConfigParseError,
  ConfigReadError,
  ConfigValidationError,
  EnvConfigLoader,
  EtcdConfigSchema,
  findConfigFile,
  loadConfig,
  LoaderChain,
  RedisConfigSchema,
  secret,
  ServiceDiscoveryConfigSchema,
  SharedJWTConfigSchema,
  TomlConfigLoader,
  validateConfig,
  YamlConfigLoader,
} from "../../../configs/mod.ts";
import { tomlKeyLines } from "../../../configs/_files.ts";
import { ConfigurationError } from "../../../exception.ts";
import type { Logger } from "../../../utils.ts";
import { quietLogger } from "../../_logger.ts";

async function tempDir(): Promise<string> {
  return await mkdtemp(join(tmpdir(), "backendai-configs-"));
}

function noEnv(): undefined {
  return undefined;
}

function recorder(
  lines: Array<[string, Record<string, unknown> | undefined]>,
): Logger {
  const push = (message: string, fields?: Record<string, unknown>) =>
    lines.push([message, fields]);
  return { debug: push, info: push, warn: push, error: push };
}

Deno.test("findConfigFile searches upstream's paths in order and lists them all when none exists", async () => {
  const root = await tempDir();
  try {
    const home = join(root, "home");
    const project = join(home, "src", "backend.ai");
    const cwd = join(project, "src", "manager");
    await mkdir(cwd, { recursive: true });
    await writeFile(join(project, "BUILD_ROOT"), "");
    const options = { cwd, home, env: noEnv };
    const expected = [
      join(cwd, "manager.toml"),
      join(project, "manager.toml"),
      join(home, ".config", "backend.ai", "manager.toml"),
      "/etc/backend.ai/manager.toml",
    ];
    assert.deepEqual(await configFileCandidates("manager", options), expected);
    await assert.rejects(findConfigFile("manager", options), (error) => {
      assert.ok(error instanceof ConfigFileNotFoundError);
      assert.ok(error instanceof ConfigurationError);
      assert.equal(
        error.message,
        `Could not read config from: ${expected.join(",")}`,
      );
      assert.deepEqual(error.data?.searched, expected);
      return true;
    });
    // The BUILD_ROOT ancestor's file is found before the user config dir.
    await mkdir(join(home, ".config", "backend.ai"), { recursive: true });
    await writeFile(expected[2] as string, "");
    await writeFile(expected[1] as string, "");
    assert.equal(await findConfigFile("manager", options), expected[1]);
    await writeFile(expected[0] as string, "");
    assert.equal(await findConfigFile("manager", options), expected[0]);
    // BACKEND_CONFIG_FILE replaces the search.
    const env = (name: string) =>
      name === "BACKEND_CONFIG_FILE" ? join(root, "x.toml") : undefined;
    await assert.rejects(
      findConfigFile("manager", { ...options, env }),
      (error) => {
        assert.ok(error instanceof ConfigFileNotFoundError);
        assert.equal(
          error.message,
          `Could not read config from: ${join(root, "x.toml")}`,
        );
        return true;
      },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("file errors: unreadable files and syntax errors name the file, line and column", async () => {
  const root = await tempDir();
  try {
    await assert.rejects(new TomlConfigLoader(root).load(), (error) => {
      assert.ok(error instanceof ConfigReadError);
      assert.equal(
        error.message,
        `Could not read config from: ${root} (EISDIR)`,
      );
      assert.equal(error.data?.file, root);
      return true;
    });
    const toml = join(root, "bad.toml");
    await writeFile(toml, '[etcd]\nnamespace = "local"\naddr = = 1\n');
    await assert.rejects(new TomlConfigLoader(toml).load(), (error) => {
      assert.ok(error instanceof ConfigParseError);
      assert.match(
        error.message,
        new RegExp(`^Cannot parse ${toml} line 3 column \\d+: `),
      );
      assert.equal(error.data?.line, 3);
      assert.equal(error.data?.format, "toml");
      return true;
    });
    const yaml = join(root, "bad.yaml");
    await writeFile(yaml, "etcd:\n  namespace: local\n  addr: [1, 2\n");
    await assert.rejects(new YamlConfigLoader(yaml).load(), (error) => {
      assert.ok(error instanceof ConfigParseError);
      assert.match(
        error.message,
        new RegExp(`^Cannot parse ${yaml} line \\d+ column \\d+: `),
      );
      assert.equal(error.data?.format, "yaml");
      return true;
    });
    const list = join(root, "list.yaml");
    await writeFile(list, "- a\n- b\n");
    await assert.rejects(new YamlConfigLoader(list).load(), (error) => {
      assert.ok(error instanceof ConfigParseError);
      assert.equal(
        error.message,
        `Cannot use ${list}: its top level must be a mapping`,
      );
      return true;
    });
    await assert.rejects(
      new TomlConfigLoader(undefined, {
        daemon: "nothing-here",
        cwd: root,
        home: root,
        env: noEnv,
      }).load(),
      ConfigFileNotFoundError,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

const ManagerSchema = z.object({
  etcd: EtcdConfigSchema,
  manager: z.object({
    num_proc: configInt(),
    service_addr: z.string(),
    secret_key: secret(z.string()),
  }),
});

Deno.test("validation errors list every failing key path as written, with its file and line", async () => {
  const root = await tempDir();
  try {
    const file = join(root, "manager.toml");
    await writeFile(
      file,
      [
        "[etcd]",
        'namespace = "local"',
        'addr = "no-port"',
        "",
        "[manager]",
        'num-proc = "four"',
        "secret-key = 12345",
        "",
      ].join("\n"),
    );
    await assert.rejects(
      loadConfig(ManagerSchema, new TomlConfigLoader(file), {
        logger: quietLogger,
      }),
      (error) => {
        assert.ok(error instanceof ConfigValidationError);
        assert.equal(
          error.message,
          [
            "Invalid configuration: 4 problems",
            `  - etcd.addr (${file} line 3): Invalid input`,
            `  - manager.num-proc (${file} line 6): Invalid input: expected number, received string`,
            `  - manager.service-addr (${file} line 5 (in manager)): Invalid input: expected string, received undefined`,
            `  - manager.secret-key (${file} line 7): Invalid input: expected string, received number`,
          ].join("\n"),
        );
        assert.doesNotMatch(
          error.message + JSON.stringify(error.data),
          /12345|four/,
        );
        const issues = error.data?.issues as Array<
          { path: string; origin?: { line?: number } }
        >;
        assert.deepEqual(issues.map((i) => [i.path, i.origin?.line]), [
          ["etcd.addr", 3],
          ["manager.num-proc", 6],
          ["manager.service-addr", 5],
          ["manager.secret-key", 7],
        ]);
        return true;
      },
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("validation errors name the environment variable, the override, a YAML line", async () => {
  const root = await tempDir();
  try {
    const file = join(root, "manager.yaml");
    await writeFile(
      file,
      "etcd: {}\nmanager:\n  service-addr: 0.0.0.0:8080\n  secret-key: k\n  num-proc: 2\n",
    );
    const env: Record<string, string> = { BACKEND_NUM_PROC: "" };
    await assert.rejects(
      loadConfig(
        ManagerSchema,
        new LoaderChain([
          new YamlConfigLoader(file),
          new EnvConfigLoader([[["manager", "num-proc"], "BACKEND_NUM_PROC"]], {
            env: (k) => env[k],
          }),
          new ConfigOverrider([[["etcd", "namespace"], 5]]),
        ]),
        { logger: quietLogger, name: "manager configuration" },
      ),
      (error) => {
        assert.ok(error instanceof ConfigValidationError);
        assert.equal(
          error.message,
          [
            "Invalid manager configuration: 2 problems",
            "  - etcd.namespace (override etcd.namespace): Invalid input: expected string, received number",
            "  - manager.num-proc (environment variable BACKEND_NUM_PROC): Invalid input: expected number, received string",
          ].join("\n"),
        );
        return true;
      },
    );
    // Without the bad values, the YAML alone validates; the empty variable was "set".
    const ok = await loadConfig(ManagerSchema, new YamlConfigLoader(file), {
      logger: quietLogger,
    });
    assert.equal(ok.value.manager.num_proc, 2);
    assert.equal(ok.origins.get("manager\0num-proc")?.line, 5);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("kebab-case keys map to fields, field names work, unknown keys are kept and reported once", () => {
  const lines: Array<[string, Record<string, unknown> | undefined]> = [];
  const result = validateConfig(
    z.object({
      redis: RedisConfigSchema,
      jwt: SharedJWTConfigSchema,
      "service-discovery": ServiceDiscoveryConfigSchema,
    }),
    {
      data: {
        redis: {
          sentinel: "127.0.0.1:26379, 127.0.0.1:26380",
          "service-name": "mymaster",
          "use-tls": "yes",
          "request_timeout": "1500",
          "redis-helper-config": { "socket-timeout": "2.5" },
          "override-configs": {
            live: { addr: "10.0.0.1:6379", "plugin-x": 1 },
          },
        },
        jwt: { "token-expiration-seconds": "1800" },
        "service-discovery": {
          type: "etcd",
          "extra-labels": { "my-label": "kept as written" },
          endpoints: [{
            role: "main",
            scope: "private",
            address: "h",
            port: "6001",
            protocol: "grpc",
          }],
        },
        "plugin-section": { anything: true },
      },
      origins: new Map(),
    },
    { logger: recorder(lines) },
  );
  const value = result.value as Record<string, unknown> & typeof result.value;
  assert.deepEqual(value.redis.sentinel?.map(String), [
    "127.0.0.1:26379",
    "127.0.0.1:26380",
  ]);
  assert.equal(value.redis.service_name, "mymaster");
  assert.equal(value.redis.use_tls, true);
  assert.equal(value.redis.request_timeout, 1500);
  assert.equal(value.redis.redis_helper_config.socket_timeout, 2.5);
  assert.equal(value.redis.redis_helper_config.connection_ready_timeout, 20);
  assert.equal(
    value.redis.override_configs?.live?.addr?.toString(),
    "10.0.0.1:6379",
  );
  assert.equal(value.jwt.token_expiration_seconds, 1800);
  assert.deepEqual(value["service-discovery"].extra_labels, {
    "my-label": "kept as written",
  });
  assert.equal(value["service-discovery"].endpoints[0]?.port, 6001);
  assert.deepEqual(value["plugin-section"], { anything: true });
  assert.deepEqual(
    (value.redis.override_configs?.live as unknown as Record<string, unknown>)[
      "plugin-x"
    ],
    1,
  );
  assert.deepEqual(result.unknownKeys, [
    "redis.override-configs.live.plugin-x",
    "plugin-section",
  ]);
  assert.deepEqual(lines, [[
    "Unknown keys in the configuration, kept for plugins",
    { keys: ["redis.override-configs.live.plugin-x", "plugin-section"] },
  ]]);
});

Deno.test("secrets are masked whenever the configuration is printed or inspected", () => {
  const result = validateConfig(
    z.object({
      etcd: EtcdConfigSchema,
      redis: RedisConfigSchema,
      app: z.object({ key: secret(z.string()) }),
    }),
    {
      data: {
        etcd: { user: "svc", password: "etcd-pw" },
        redis: {
          password: "redis-pw",
          "override-configs": { live: { "sentinel-password": "s-pw" } },
        },
        app: { key: "app-key" },
      },
      origins: new Map(),
    },
    { logger: quietLogger },
  );
  assert.equal(result.value.etcd.password, "etcd-pw");
  for (
    const text of [
      String(result),
      JSON.stringify(result),
      JSON.stringify(result.masked()),
    ]
  ) {
    assert.doesNotMatch(text, /etcd-pw|redis-pw|s-pw|app-key/);
    assert.match(text, /"user":"svc"/);
    assert.match(text, /"password":"\*\*\*\*\*\*\*\*"/);
  }
  // console.log, util.inspect and loggers that inspect show the masked
  // value too; the secret stays readable through result.value only.
  const shown = inspect(result, { depth: 10 });
  assert.doesNotMatch(shown, /etcd-pw|redis-pw|s-pw|app-key/);
  assert.match(shown, /password: ['"]\*{8}['"]/);
  assert.deepEqual(result.secretPaths.map((p) => p.join(".")).sort(), [
    "app.key",
    "etcd.password",
    "redis.override_configs.live.password",
    "redis.override_configs.live.sentinel_password",
    "redis.password",
    "redis.sentinel_password",
  ]);
});

Deno.test("the chain merges mappings, replaces the rest, never touches its base", async () => {
  const base = { a: { keep: 1, list: [1, 2] }, scalar: { was: "mapping" } };
  const chain = new LoaderChain([
    new ConfigOverrider([[["a", "list"], [3]], [["scalar"], "now a scalar"], [[
      "new",
      "x",
    ], 1]]),
    new ConfigOverrider([[["a", "keep"], 2]]),
  ], { base });
  const loaded = await chain.load();
  assert.deepEqual(loaded.data, {
    a: { keep: 2, list: [3] },
    scalar: "now a scalar",
    new: { x: 1 },
  });
  assert.deepEqual(base, {
    a: { keep: 1, list: [1, 2] },
    scalar: { was: "mapping" },
  });
  assert.equal(loaded.origins.get("a\0keep")?.description, "override a.keep");
});

Deno.test("TOML key lines: tables, arrays of tables, dotted and quoted keys, multi-line values", () => {
  const lines = tomlKeyLines([
    "top = 1",
    "[server]",
    'host = "h"',
    'desc = """',
    "not = a key",
    '"""',
    "ports = [",
    "  1,",
    "]",
    'a.b."c.d" = 2',
    "[[endpoints]]",
    'role = "main"',
    "[[endpoints]]",
    'role = "health"',
    "[server.'inner']",
    "x = 1 # comment",
  ].join("\n"));
  assert.equal(lines.get("top"), 1);
  assert.equal(lines.get("server"), 2);
  assert.equal(lines.get("server\0host"), 3);
  assert.equal(lines.get("server\0desc"), 4);
  assert.equal(lines.get("server\0not"), undefined);
  assert.equal(lines.get("server\0ports"), 7);
  assert.equal(lines.get("server\0a\0b\0c.d"), 10);
  assert.equal(lines.get("endpoints\x000\0role"), 12);
  assert.equal(lines.get("endpoints\x001\0role"), 14);
  assert.equal(lines.get("server\0inner\0x"), 16);
});
