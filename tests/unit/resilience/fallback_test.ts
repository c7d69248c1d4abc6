// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import { FallbackPolicy } from "../../../resilience/mod.ts";

Deno.test("fallback: a value or a function replaces the failure", async () => {
  const byValue = new FallbackPolicy({ value: 0 });
  assert.equal(await byValue.execute(() => Promise.reject(new Error("x"))), 0);
  assert.equal(await byValue.execute(() => 5), 5);
  const seen: unknown[] = [];
  const byFunction = new FallbackPolicy({
    fallback: (error, context) => {
      seen.push(error, context.attempt);
      return Promise.resolve(-1);
    },
  });
  const error = new Error("down");
  assert.equal(await byFunction.execute(() => Promise.reject(error)), -1);
  assert.deepEqual(seen, [error, 1]);
});

Deno.test("fallback: only matching errors; the fallback's own error is thrown", async () => {
  const events: unknown[] = [];
  const policy = new FallbackPolicy({
    value: "default",
    when: (error) => error instanceof RangeError,
  });
  policy.onFallback((event) => events.push(event.operation));
  assert.equal(
    await policy.execute(() => Promise.reject(new RangeError("r")), {
      operation: "read",
    }),
    "default",
  );
  await assert.rejects(
    policy.execute(() => Promise.reject(new Error("other"))),
    /other/,
  );
  assert.deepEqual(events, ["read"]);
  const broken = new FallbackPolicy({
    fallback: () => {
      throw new Error("fallback failed too");
    },
  });
  await assert.rejects(
    broken.execute(() => Promise.reject(new Error("x"))),
    /fallback failed too/,
  );
});

Deno.test("fallback: not after the caller aborted", async () => {
  const controller = new AbortController();
  const policy = new FallbackPolicy({ value: "default" });
  await assert.rejects(
    policy.execute(() => {
      controller.abort(new Error("stop"));
      throw new Error("interrupted");
    }, { signal: controller.signal }),
    /interrupted/,
  );
});

Deno.test("fallback: exactly one of value and fallback", () => {
  assert.throws(() => new FallbackPolicy({}), InvalidAPIParameters);
  assert.throws(
    () => new FallbackPolicy({ value: 1, fallback: () => 2 }),
    InvalidAPIParameters,
  );
  assert.doesNotThrow(() => new FallbackPolicy({ value: undefined }));
});
