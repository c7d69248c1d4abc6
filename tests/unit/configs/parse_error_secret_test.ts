// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A config file that does not parse, with a secret on the broken line
// (found by tests/fuzz/configs_test.ts): the ConfigParseError named the
// file and line without the value, but its cause was the parser's own
// error, which quotes the lines around the problem, secret included, and
// a cause is printed with its error.

import assert from "node:assert/strict";
import {
  ConfigParseError,
  TomlConfigLoader,
  YamlConfigLoader,
} from "../../../configs/mod.ts";

const SECRET = "hunter2-do-not-print";

function shown(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) {
    parts.push(e.message, String(e), e.stack ?? "");
  }
  return parts.join("\n");
}

for (
  const [format, text] of [
    ["toml", `[db]\nuser = "svc"\npassword = "${SECRET}\nport = 1\n`],
    ["yaml", `db:\n   user: svc\n  password: ${SECRET}\n`],
    ["yaml", `db:\n  password: ${SECRET}: [\n`],
  ] as const
) {
  Deno.test(
    `a ${format} parse error names the line, not the secret on it: ${
      JSON.stringify(text.split("\n").find((line) => line.includes(SECRET)))
    }`,
    async () => {
      const file = await Deno.makeTempFile({ suffix: `.${format}` });
      try {
        await Deno.writeTextFile(file, text);
        const loader = format === "toml"
          ? new TomlConfigLoader(file)
          : new YamlConfigLoader(file);
        const error = await loader.load().then(() => undefined, (e) => e);
        assert.ok(error instanceof ConfigParseError, String(error));
        assert.equal(error.data?.file, file);
        assert.equal(typeof error.data?.line, "number");
        assert.ok(error.cause instanceof Error, "the parser's reason is kept");
        assert.ok(!shown(error).includes(SECRET), shown(error));
      } finally {
        await Deno.remove(file);
      }
    },
  );
}
