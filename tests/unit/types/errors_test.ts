// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  BinarySize,
  HostPortPair,
  InvalidBinarySizeError,
  InvalidEnumValueError,
  InvalidHostPortPairError,
  InvalidIdentifierError,
  InvalidIPAddressError,
  InvalidResourceSlotQuantity,
  parseUserRole,
  ReadableCIDR,
  ResourceSlot,
  SessionId,
} from "../../../types.ts";
import { InvalidDurationError, strToTimedelta } from "../../../utils.ts";

Deno.test("every parse error of types and utils derives from InvalidAPIParameters", () => {
  const cases: [() => unknown, new (...args: never[]) => Error, string][] = [
    [
      () => SessionId("nope"),
      InvalidIdentifierError,
      "api_parsing_invalid-parameters",
    ],
    [
      () => parseUserRole("root"),
      InvalidEnumValueError,
      "api_parsing_invalid-parameters",
    ],
    [
      () => BinarySize.parse("1x"),
      InvalidBinarySizeError,
      "api_parsing_invalid-parameters",
    ],
    [
      () => HostPortPair.parse("h:0"),
      InvalidHostPortPairError,
      "api_parsing_invalid-parameters",
    ],
    [
      () => ReadableCIDR.parse("10.1.*.300"),
      InvalidIPAddressError,
      "api_parsing_invalid-parameters",
    ],
    [
      () => strToTimedelta("1da1hr"),
      InvalidDurationError,
      "api_parsing_invalid-parameters",
    ],
    // Upstream's own class keeps upstream's code.
    [
      () => ResourceSlot.fromUserInput({ cpu: "-1" }),
      InvalidResourceSlotQuantity,
      "backendai_parsing_invalid-parameters",
    ],
  ];
  for (const [parse, Class, code] of cases) {
    assert.throws(parse, (err: unknown) => {
      assert.ok(err instanceof Class, Class.name);
      assert.ok(err instanceof InvalidAPIParameters, Class.name);
      assert.equal(err.status, 400);
      assert.equal(err.toProblemJSON().error_code, code, Class.name);
      return true;
    });
  }
});
