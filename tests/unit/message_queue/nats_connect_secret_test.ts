// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A NATS server url with credentials (`nats://user:pass@host:port`, which
// the client supports) that cannot be reached or parsed (found by the
// secrets checks of tests/fuzz/): the NatsConnectionError quoted the url,
// password included, in its message and its `data.servers`, and its cause
// (the url parser's TypeError) quoted it again. The credentials are masked
// now; the host and port are still shown. No server is needed: the port is
// closed, or the url does not parse.

import assert from "node:assert/strict";
import {
  connectNats,
  NatsConnectionError,
} from "../../../message_queue/nats/mod.ts";
import { quietLogger } from "../../_logger.ts";

const PASSWORD = "Pw-Secret-51c0";

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

for (
  const [form, servers] of [
    ["a closed port", `nats://user:${PASSWORD}@127.0.0.1:1`],
    ["an unparsable url", `nats://user:${PASSWORD}@[::1`],
    ["a list", [`127.0.0.1:1`, `nats://:${PASSWORD}@127.0.0.1:2`]],
    ["an unencoded space", `tls://u:${PASSWORD} 9@127.0.0.1:2`],
    ["a url the client rewrites", `tls://:${PASSWORD} 0@h:99999`],
  ] as const
) {
  Deno.test(`connectNats() does not show a url's password: ${form}`, async () => {
    const error = await connectNats({ servers }, {
      logger: quietLogger,
      connectTimeoutMs: 2_000,
    }).then(async (nc) => {
      await nc.close();
      return undefined;
    }, (e) => e);
    assert.ok(error instanceof NatsConnectionError, String(error));
    assert.ok(!shown(error).includes(PASSWORD), shown(error));
    assert.match(error.message, /127\.0\.0\.1|\[::1|@h:/);
  });
}
