// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A Redis URL that does not parse, with a password in it (found by the
// secrets checks of tests/fuzz/): valkeyOptions() quoted the whole URL in
// its InvalidAPIParameters, and its cause (the URL parser's TypeError)
// quoted it again; safePrintRedisConfig(), whose job is to mask passwords
// for logs, returned such a URL unmasked. Both now leave the credentials
// out, and still name the field and show the rest. A `%` that starts no
// escape in the password was a URIError, now an InvalidAPIParameters.

import assert from "node:assert/strict";
import {
  safePrintRedisConfig,
  valkeyOptions,
} from "../../../../clients/valkey/mod.ts";
import { InvalidAPIParameters } from "../../../../exception.ts";

const PASSWORD = "Pw-Secret-7f3a";
const BROKEN = [
  `redis://user:${PASSWORD}@[::1/0`,
  `redis://user:${PASSWORD}%@host/0`,
  `redis://user:${PASSWORD}%zz@host/0`,
  `redis:://user:${PASSWORD}#1@host/0`,
  `redis://:${PASSWORD}@host:99999/0`,
  `redis://:${PASSWORD}@ho st/0`,
  `redis://u:p/${PASSWORD}@[bad/0`,
];

function shown(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error; e = e.cause) {
    parts.push(
      e.message,
      String(e),
      JSON.stringify((e as { data?: unknown }).data),
    );
  }
  return parts.join("\n");
}

Deno.test("valkeyOptions() refuses an unparsable url without quoting its password", () => {
  for (const url of BROKEN) {
    assert.throws(
      () => valkeyOptions({ url }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidAPIParameters, String(error));
        assert.equal(error.data?.field, "url");
        assert.ok(!shown(error).includes(PASSWORD), shown(error));
        assert.match(error.message, /Invalid Valkey "url"/);
        return true;
      },
    );
  }
});

Deno.test("safePrintRedisConfig() masks the password of a url that does not parse", () => {
  for (const url of BROKEN) {
    const text = safePrintRedisConfig({ url });
    assert.ok(!text.includes(PASSWORD), text);
  }
  // A url that parses is masked as before.
  const text = safePrintRedisConfig({
    url: `redis://:${PASSWORD}@host:6379/0`,
  });
  assert.ok(!text.includes(PASSWORD), text);
  assert.match(text, /host:6379/);
});
