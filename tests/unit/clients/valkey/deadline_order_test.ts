// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A command with a longer timeout of its own (the health check's PING, 3 s
// by default) queued ahead of ordinary commands must not hold back their
// timeouts: found by tests/faults/network_redis_test.ts, where calls with a
// 500 ms timeout took up to 2.2 s in a partition.

import assert from "node:assert/strict";
import { Command } from "ioredis";
import { closeValkey, connectValkey } from "../../../../clients/valkey/mod.ts";
import { sendWithTimeout } from "../../../../clients/valkey/_deadlines.ts";
import { FakeValkey } from "./_fake_valkey.ts";

const quiet = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

Deno.test("connectValkey: a command behind one with a longer timeout still times out on time", async () => {
  await using fake = await FakeValkey.start();
  const redis = await connectValkey(
    { addr: fake.addr, requestTimeoutMs: 200 },
    { logger: quiet, healthCheckIntervalMs: 0 },
  );
  try {
    fake.delays.set("ping", Infinity);
    fake.delays.set("get", Infinity);
    const long = sendWithTimeout(redis, new Command("ping", []), 3_000);
    long.catch(() => {});
    const started = performance.now();
    const error = await redis.get("k").then(() => undefined, (e) => e);
    const ms = performance.now() - started;
    assert.equal((error as Error | undefined)?.message, "Command timed out");
    assert.ok(ms >= 195 && ms < 450, `timed out after ${Math.round(ms)} ms`);
    await assert.rejects(long, /Command timed out/);
  } finally {
    await closeValkey(redis);
  }
});
