// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { DispatchResult } from "../../../types.ts";

Deno.test("DispatchResult.message() follows upstream's three cases", () => {
  assert.equal(DispatchResult.success("done").message(), "done");
  assert.equal(DispatchResult.success(7).message(), "7");
  assert.equal(
    DispatchResult.partialSuccess("r", ["e1", "e2"]).message(),
    "result: r\nerrors: e1\ne2",
  );
  assert.equal(DispatchResult.error("e1").message(), "errors: e1");
  assert.equal(
    new DispatchResult({ errors: ["a", "b"] }).message(),
    "errors: a\nb",
  );
  assert.equal(
    new DispatchResult<string>({
      result: null as unknown as string,
      errors: ["x"],
    }).message(),
    "errors: x",
  );
  assert.equal(
    DispatchResult.partialSuccess(0, ["x"]).message(),
    "result: 0\nerrors: x",
  );
});

Deno.test("DispatchResult.isSuccess() depends only on errors", () => {
  assert.equal(new DispatchResult().isSuccess(), true);
  assert.equal(new DispatchResult().result, undefined);
  assert.deepEqual(new DispatchResult().errors, []);
  assert.equal(DispatchResult.success(undefined).isSuccess(), true);
  assert.equal(DispatchResult.partialSuccess(1, []).isSuccess(), true);
  assert.equal(DispatchResult.partialSuccess(1, ["e"]).hasError(), true);
  assert.equal(DispatchResult.error("e").result, undefined);
});

Deno.test("DispatchResult copies and freezes its error list", () => {
  const errors = ["a"];
  const r = DispatchResult.partialSuccess(1, errors);
  errors.push("b");
  assert.deepEqual(r.errors, ["a"]);
  assert.ok(Object.isFrozen(r.errors));
});
