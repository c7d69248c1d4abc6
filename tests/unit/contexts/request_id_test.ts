// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  currentRequestId,
  REQUEST_ID_HEADER,
  withRequestId,
} from "../../../contexts/request_id.ts";
import { InvalidAPIParameters } from "../../../exception.ts";

const UUID4_REGEXP =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("REQUEST_ID_HEADER is upstream's header name", () => {
  assert.equal(REQUEST_ID_HEADER, "X-BackendAI-RequestID");
});

Deno.test("currentRequestId() is undefined outside any context", () => {
  assert.equal(currentRequestId(), undefined);
});

Deno.test("withRequestId() runs a sync fn with the id and returns its result", () => {
  const result = withRequestId("req-1", (id) => {
    assert.equal(id, "req-1");
    return currentRequestId();
  });
  assert.equal(result, "req-1");
  assert.equal(currentRequestId(), undefined);
});

Deno.test("withRequestId() generates a UUID4 for undefined and null", () => {
  const a = withRequestId(undefined, (id) => {
    assert.equal(currentRequestId(), id);
    return id;
  });
  const b = withRequestId(null, () => currentRequestId());
  assert.match(a, UUID4_REGEXP);
  assert.match(b ?? "", UUID4_REGEXP);
  assert.notEqual(a, b);
});

Deno.test("withRequestId() keeps an empty string as given", () => {
  assert.equal(withRequestId("", () => currentRequestId()), "");
});

Deno.test("withRequestId() nesting restores the outer value", async () => {
  await withRequestId("outer", async () => {
    withRequestId("inner", () => assert.equal(currentRequestId(), "inner"));
    assert.equal(currentRequestId(), "outer");
    await withRequestId("inner-async", async () => {
      await delay(1);
      assert.equal(currentRequestId(), "inner-async");
    });
    assert.equal(currentRequestId(), "outer");
  });
  assert.equal(currentRequestId(), undefined);
});

Deno.test("withRequestId() restores the outer value when fn throws", async () => {
  withRequestId("outer", () => {
    assert.throws(() =>
      withRequestId("inner", () => {
        throw new Error("boom");
      }), /boom/);
    assert.equal(currentRequestId(), "outer");
  });
  await assert.rejects(
    withRequestId("x", async () => {
      await delay(1);
      throw new Error("async boom");
    }),
    /async boom/,
  );
  assert.equal(currentRequestId(), undefined);
});

Deno.test("withRequestId() propagates across await, setTimeout and Promise.all", async () => {
  const seen = await withRequestId("req-1", async () => {
    const afterAwait = (await Promise.resolve(), currentRequestId());
    const inTimer = await new Promise<string | undefined>((resolve) =>
      setTimeout(() => resolve(currentRequestId()), 1)
    );
    const inAll = await Promise.all([
      (async () => {
        await delay(2);
        return currentRequestId();
      })(),
      Promise.resolve().then(() => currentRequestId()),
    ]);
    const inMicrotask = await new Promise<string | undefined>((resolve) =>
      queueMicrotask(() => resolve(currentRequestId()))
    );
    return [afterAwait, inTimer, ...inAll, inMicrotask];
  });
  assert.deepEqual(seen, ["req-1", "req-1", "req-1", "req-1", "req-1"]);
});

Deno.test("withRequestId() concurrent contexts do not bleed into each other", async () => {
  const ids = Array.from({ length: 20 }, (_, i) => `req-${i}`);
  const results = await Promise.all(
    ids.map((id, i) =>
      withRequestId(id, async () => {
        const seen: (string | undefined)[] = [];
        for (let step = 0; step < 3; step++) {
          await delay((i * 7 + step * 3) % 5);
          seen.push(currentRequestId());
        }
        return seen;
      })
    ),
  );
  results.forEach((seen, i) => assert.deepEqual(seen, Array(3).fill(ids[i])));
  assert.equal(currentRequestId(), undefined);
});

Deno.test("withRequestId() rejects a non-string id", () => {
  assert.throws(
    () => withRequestId(42 as unknown as string, () => undefined),
    InvalidAPIParameters,
  );
});
