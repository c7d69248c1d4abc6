// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Generated bad configuration files, TOML and YAML: values of the wrong
// type (a ConfigValidationError naming the key path as written and the
// file), unknown keys (kept and reported once by path, never by value), and
// broken syntax, YAML alias bombs included (a ConfigParseError naming the
// file, and a line in it when there is one). No
// other error escapes, and no secret value shows in any error, its cause
// chain, the log or the printed configuration. Seeded: see _gen.ts.

import assert from "node:assert/strict";
import { stringify as stringifyToml } from "smol-toml";
import { stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import {
  configBoolean,
  configInt,
  ConfigParseError,
  ConfigValidationError,
  loadConfig,
  secret,
  TomlConfigLoader,
  YamlConfigLoader,
} from "../../configs/mod.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { capturingLogger } from "./_capture.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

const Schema = z.object({
  manager: z.object({
    num_proc: configInt(),
    secret_key: secret(z.string()),
    addr: z.string(),
    debug: configBoolean(),
  }),
  db: z.object({
    password: secret(z.string()),
    port: configInt(),
    hosts: z.array(z.string()),
  }),
});

/** A secret that is easy to find in any text. */
function secretValue(f: Fuzz): string {
  let out = "SeCrEt";
  for (let i = 0; i < 16; i++) {
    out += "abcdefghjkmnpqrstuvwxyz23456789"[f.int(31)];
  }
  return out;
}

function baseConfig(f: Fuzz, secrets: string[]): Record<string, unknown> {
  const [secretKey, password] = secrets as [string, string];
  return {
    manager: {
      "num-proc": 1 + f.int(64),
      "secret-key": secretKey,
      addr: `127.0.0.1:${1024 + f.int(60000)}`,
      debug: f.chance(0.5),
    },
    db: {
      password,
      port: 1 + f.int(65535),
      hosts: [f.word(), f.word()],
    },
  };
}

/** Leaves and the wrong values each may get; secrets go into some. */
function wrongValue(
  f: Fuzz,
  path: string,
  secretText: string,
): unknown {
  switch (path) {
    case "manager.num-proc":
    case "db.port":
      return f.pick(["four", 1.5, true, [1], { a: 1 }, "80x", ""]);
    case "manager.secret-key":
    case "db.password":
      return f.pick([
        12345678,
        true,
        [secretText],
        { value: secretText },
      ]);
    case "manager.addr":
      return f.pick([5, [secretText], { a: 1 }, false]);
    case "manager.debug":
      return f.pick(["maybe", 2, [true], { a: 1 }]);
    default: // db.hosts
      return f.pick(["h", [1], { a: "b" }, [true], 5]);
  }
}

const LEAVES = [
  "manager.num-proc",
  "manager.secret-key",
  "manager.addr",
  "manager.debug",
  "db.password",
  "db.port",
  "db.hosts",
];

function setPath(
  data: Record<string, unknown>,
  path: string,
  value: unknown,
): void {
  const [section, key] = path.split(".") as [string, string];
  (data[section] as Record<string, unknown>)[key] = value;
}

function render(format: "toml" | "yaml", data: unknown): string {
  return format === "toml"
    ? stringifyToml(data as Record<string, unknown>)
    : stringifyYaml(data);
}

/** Breaks a valid text: inserts, deletes, truncates or duplicates. */
function corrupt(f: Fuzz, text: string): string {
  const at = f.int(text.length + 1);
  switch (f.int(7)) {
    case 0:
      return text.slice(0, at) +
        f.pick([
          '"',
          "'",
          "[",
          "]",
          "{",
          "}",
          "=",
          ":",
          "\t",
          "\n  -",
          "[[",
          "\\",
          "\0",
          "#",
          "- ",
          ": :",
          "\u{1F600}",
          "\uFFFD",
        ]) +
        text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + f.int(20));
    case 2:
      return text.slice(0, at);
    case 3: {
      const lines = text.split("\n");
      const i = f.int(lines.length);
      lines.splice(i, 0, lines[i] ?? "");
      return lines.join("\n");
    }
    case 4:
      return text.slice(0, at) + f.text(1 + f.int(12)) + text.slice(at);
    case 5:
      return text.replace(/"/, "");
    default:
      return text.split("\n").map((line) =>
        f.chance(0.2) ? " ".repeat(f.int(3)) + line : line
      ).join("\n");
  }
}

/** Nested aliases, each level naming the previous one nine times. */
function aliasBomb(levels: number): string {
  const lines = ["bomb0: &bomb0 [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= levels; i++) {
    lines.push(
      `bomb${i}: &bomb${i} [${Array(9).fill(`*bomb${i - 1}`).join(", ")}]`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Everything an error would show: message, string form, data, causes. */
function everythingShown(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, String(current), current.stack ?? "");
      const data = (current as { data?: unknown }).data;
      if (data !== undefined) parts.push(JSON.stringify(data));
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join("\n");
}

Deno.test("fuzz: bad TOML and YAML configs give a typed error naming the key or the file, and never show a secret", async () => {
  const cases = fuzzCases("configs");
  const f = fuzz("configs");
  const dir = await Deno.makeTempDir({ prefix: "fuzz-configs-" });
  const logger = capturingLogger();
  const outcomes = new Map<string, number>();
  let crashes = 0;
  try {
    for (let i = 0; i < cases; i++) {
      f.caseIndex = i;
      const format = f.chance(0.5) ? "toml" : "yaml";
      const secrets = [secretValue(f), secretValue(f)];
      const data = baseConfig(f, secrets);
      const mode = f.pick(["wrong-type", "unknown-key", "broken"] as const);
      let wrongPath: string | undefined;
      let unknownPath: string | undefined;
      if (mode === "wrong-type") {
        wrongPath = f.pick(LEAVES);
        setPath(
          data,
          wrongPath,
          wrongValue(f, wrongPath, secrets[0] as string),
        );
      } else if (mode === "unknown-key") {
        const section = f.pick(["manager", "db"]);
        // Named as a secret (isSecretKey), so the printout masks it.
        const key = `plugin-${f.word().replace(/_/g, "-")}-${
          f.pick(["password", "secret-key", "api-key", "token", "private-key"])
        }`;
        unknownPath = `${section}.${key}`;
        // Its value is a secret too: reported by path only, masked when printed.
        (data[section] as Record<string, unknown>)[key] = secrets[1];
      }
      let text = render(format, data);
      if (mode === "broken") {
        text = format === "yaml" && f.chance(0.05)
          ? text + aliasBomb(6 + f.int(4))
          : corrupt(f, text);
      }
      const file = `${dir}/case-${i}.${format}`;
      await Deno.writeTextFile(file, text);
      const loader = format === "toml"
        ? new TomlConfigLoader(file)
        : new YamlConfigLoader(file);
      const linesBefore = logger.lines.length;
      let outcome = `${mode}:untyped`;
      try {
        const config = await loadConfig(Schema, loader, { logger });
        outcome = `${mode}:loaded`;
        if (mode === "wrong-type") {
          crashes++;
          f.fail(`${wrongPath} = ${text}: accepted`);
        }
        const printed = [String(config), JSON.stringify(config)].join("\n");
        for (const value of secrets) {
          if (printed.includes(value)) {
            f.fail(`the printed config shows a secret: ${printed}`);
          }
        }
        if (mode === "unknown-key") {
          assert.deepEqual(config.unknownKeys, [unknownPath], f.where(text));
          const warned = logger.lines.slice(linesBefore);
          assert.equal(warned.length, 1, f.where("one warning"));
          assert.deepEqual(warned[0]?.fields?.keys, [unknownPath]);
        }
      } catch (error) {
        if (error instanceof ConfigParseError) {
          outcome = `${mode}:parse-error`;
          if (mode !== "broken") {
            crashes++;
            f.fail(
              `${mode}: a valid ${format} text did not parse: ${error.message}`,
            );
          }
          assert.equal(error.data?.file, file, f.where("names the file"));
          assert.ok(error.message.includes(file), f.where(error.message));
          const line = error.data?.line as number | undefined;
          if (line !== undefined) {
            assert.ok(
              line >= 1 && line <= text.split("\n").length + 1,
              f.where(`line ${line} of ${text.split("\n").length}`),
            );
          }
        } else if (error instanceof ConfigValidationError) {
          outcome = `${mode}:invalid`;
          if (mode === "unknown-key") {
            crashes++;
            f.fail(`an unknown key was refused: ${error.message}`);
          }
          const issues = error.data?.issues as
            | { path: string; origin?: { file?: string } }[]
            | undefined;
          assert.ok(issues && issues.length > 0, f.where(error.message));
          if (wrongPath !== undefined) {
            const issue = issues.find((issue) =>
              issue.path === wrongPath || issue.path.startsWith(`${wrongPath}.`)
            );
            assert.ok(
              issue,
              f.where(`${wrongPath} not among ${issues.map((i) => i.path)}`),
            );
            assert.equal(issue.origin?.file, file, f.where("names the file"));
            assert.ok(
              error.message.includes(wrongPath),
              f.where(error.message),
            );
          }
        } else {
          crashes++;
          f.fail(
            `${mode} ${format}: untyped ${
              error instanceof Error ? `${error.name}: ${error.message}` : error
            }\n${text}`,
          );
        }
        const shown = everythingShown(error);
        for (const value of secrets) {
          if (shown.includes(value)) {
            crashes++;
            f.fail(`${outcome} ${format}: the error shows a secret:\n${shown}`);
          }
        }
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    const logged = logger.text();
    assert.ok(!/SeCrEt[a-z2-9]{16}/.test(logged), "a secret was logged");
    for (
      const expected of [
        "wrong-type:invalid",
        "unknown-key:loaded",
        "broken:parse-error",
      ]
    ) {
      assert.ok(
        outcomes.has(expected),
        `no ${expected} case: ${[...outcomes]}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await reportFaultFigures({ kind: "fuzz", name: "configs", cases, crashes });
});
