// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import * as exception from "../../../exception.ts";
import * as leader from "../../../leader/mod.ts";

Deno.test("leader's upstream errors are the exception classes, one class each", () => {
  assert.equal(leader.LeaderElectionError, exception.LeaderElectionError);
  assert.equal(leader.AlreadyStartedError, exception.AlreadyStartedError);
  const lost = new leader.LeadershipLostError({
    serverId: "a",
    key: "k",
    term: 1,
    reason: "lease-lapsing",
  });
  assert.ok(lost instanceof exception.LeaderElectionError);
});
