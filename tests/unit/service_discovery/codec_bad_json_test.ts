// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A service hash in Redis whose field is not JSON (written by hand, by a
// broken writer, or cut short): fromRedisFields() let JSON.parse's
// SyntaxError out, so RedisServiceDiscovery.getService() threw an untyped
// error for bad stored data (discover() caught it and left the entry out).
// It is an InvalidServiceMetadataError naming the field now.

import assert from "node:assert/strict";
import { InvalidServiceMetadataError } from "../../../service_discovery/mod.ts";
import { fromRedisFields } from "../../../service_discovery/_codec.ts";

Deno.test("fromRedisFields() refuses a field that is not JSON with a typed error naming it", () => {
  for (const value of ["", "{", "not json", "'x'", "\uFFFD"]) {
    assert.throws(
      () =>
        fromRedisFields({
          id: '"0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d"',
          service_group: value,
        }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidServiceMetadataError, String(error));
        assert.equal(error.data?.field, "service_group");
        return true;
      },
    );
  }
});
