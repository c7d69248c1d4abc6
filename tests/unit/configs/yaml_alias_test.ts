// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A YAML file of nested aliases (a "billion laughs": each level names the
// previous one nine times), found by the config fuzz: the yaml package
// refuses to expand it with a ReferenceError ("Excessive alias count"),
// which YamlConfigLoader let out untyped, naming no file. It is a
// ConfigParseError naming the file now, like any other YAML it cannot read.

import assert from "node:assert/strict";
import { ConfigParseError, YamlConfigLoader } from "../../../configs/mod.ts";

function aliasBomb(levels: number): string {
  const lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i <= levels; i++) {
    lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
  }
  return lines.join("\n") + "\n";
}

Deno.test("YamlConfigLoader refuses an alias bomb with a ConfigParseError naming the file", async () => {
  const file = await Deno.makeTempFile({ suffix: ".yaml" });
  try {
    await Deno.writeTextFile(file, aliasBomb(8));
    const error = await new YamlConfigLoader(file).load().then(
      () => undefined,
      (e) => e,
    );
    assert.ok(error instanceof ConfigParseError, String(error));
    assert.equal(error.data?.file, file);
    assert.equal(error.data?.format, "yaml");
    assert.match(error.message, /alias/i);
    // A few aliases are fine.
    await Deno.writeTextFile(file, "a: &a [1, 2]\nb: *a\n");
    assert.deepEqual((await new YamlConfigLoader(file).load()).data, {
      a: [1, 2],
      b: [1, 2],
    });
  } finally {
    await Deno.remove(file);
  }
});
