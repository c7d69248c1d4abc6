// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { currentClientIp, withClientIp } from "../../../contexts/client_ip.ts";
import { currentRequestId } from "../../../contexts/request_id.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("currentClientIp() is undefined outside any context", () => {
  assert.equal(currentClientIp(), undefined);
});

Deno.test("withClientIp() sets the value, returns fn's result and restores it", async () => {
  assert.equal(withClientIp("10.0.0.1", () => currentClientIp()), "10.0.0.1");
  const result = await withClientIp("10.0.0.1", async () => {
    await withClientIp("::1", async () => {
      await delay(1);
      assert.equal(currentClientIp(), "::1");
    });
    assert.equal(currentClientIp(), "10.0.0.1");
    return "done";
  });
  assert.equal(result, "done");
  assert.equal(currentClientIp(), undefined);
});

Deno.test("withClientIp() does not touch other context variables", () => {
  withClientIp("10.0.0.1", () => assert.equal(currentRequestId(), undefined));
});

Deno.test("withClientIp() concurrent contexts do not bleed", async () => {
  const ips = ["10.0.0.1", "10.0.0.2", "2001:db8::3"];
  const seen = await Promise.all(
    ips.map((ip, i) =>
      withClientIp(ip, async () => {
        await delay(3 - i);
        return currentClientIp();
      })
    ),
  );
  assert.deepEqual(seen, ips);
});

Deno.test("withClientIp() rejects a non-string address", () => {
  assert.throws(
    () => withClientIp(undefined as unknown as string, () => undefined),
    InvalidAPIParameters,
  );
});
