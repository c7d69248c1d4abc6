// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Leader election on the halfstack's Redis (DB 11): one leader of two, a
// hand-over on close, a takeover after the leader's process is killed, a
// leader that loses Redis stopping its tasks before its key can expire, and
// a holder that follows upstream's protocol.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  LeaderElection,
  type LeaderElectionOptions,
  RedisLeaderStore,
} from "../../../leader/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { CuttableProxy } from "./_proxy.ts";
import { CHILD_TIMINGS, spawnChild, TEST_DB, until } from "./_shared.ts";

function redisAddr(): string {
  const { redis } = halfstackEnv();
  return `${redis.host}:${redis.port}`;
}

function rawRedis(): Redis {
  const { redis } = halfstackEnv();
  return new Redis({ host: redis.host, port: redis.port, db: TEST_DB });
}

async function store(addr = redisAddr()): Promise<RedisLeaderStore> {
  return await RedisLeaderStore.connect({ addr, db: TEST_DB }, {
    logger: quietLogger,
  });
}

function election(
  options: Partial<LeaderElectionOptions> & {
    store: RedisLeaderStore;
    serverId: string;
    key: string;
  },
): LeaderElection {
  return new LeaderElection({
    logger: quietLogger,
    ...CHILD_TIMINGS,
    ...options,
  });
}

Deno.test("leader on Redis: of two servers one leads; the key holds its id", async () => {
  const key = `leader-test:${crypto.randomUUID()}`;
  const raw = rawRedis();
  const stores = [await store(), await store()];
  const timeline: { at: number; id: string; leading: boolean }[] = [];
  const servers = ["a", "b"].map((serverId, i) =>
    election({
      store: stores[i] as RedisLeaderStore,
      serverId,
      key,
      onChange: (change) =>
        timeline.push({
          at: performance.now(),
          id: serverId,
          leading: change.isLeader,
        }),
    })
  );
  try {
    await Promise.all(servers.map((server) => server.start()));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const leaders = servers.filter((server) => server.isLeader);
    assert.equal(leaders.length, 1);
    const leader = leaders[0] as LeaderElection;
    assert.equal(await raw.get(key), leader.serverId);
    const pttl = await raw.pttl(key);
    assert.ok(pttl > 0 && pttl <= CHILD_TIMINGS.ttlMs, `PTTL ${pttl}`);
    // One election, never lost: five renews went through.
    assert.deepEqual(timeline.map((t) => [t.id, t.leading]), [
      [leader.serverId, true],
    ]);
    for (const server of servers) {
      assert.equal(server.leaderId, leader.serverId);
    }
  } finally {
    for (const server of servers) await server.close();
    for (const s of stores) await s.close();
  }
  assert.equal(await raw.exists(key), 0);
  await raw.quit();
});

Deno.test("leader on Redis: close() releases the key and the follower takes over at once", async () => {
  const key = `leader-test:${crypto.randomUUID()}`;
  const stores = [await store(), await store()];
  // Upstream's timings: without the release notice the follower would
  // wait up to 10 s for its next poll.
  const slow = {
    ttlMs: 30_000,
    renewIntervalMs: 10_000,
    stepDownMarginMs: 5_000,
  };
  const a = election({ store: stores[0]!, serverId: "a", key, ...slow });
  const b = election({ store: stores[1]!, serverId: "b", key, ...slow });
  let electedAt = 0;
  b.onChange((change) => {
    if (change.isLeader) electedAt = performance.now();
  });
  try {
    await a.start();
    await b.start();
    assert.deepEqual([a.isLeader, b.isLeader], [true, false]);
    await new Promise((resolve) => setTimeout(resolve, 100)); // subscribed
    await a.close();
    const closedAt = performance.now();
    await b.waitForLeadership({ signal: AbortSignal.timeout(2_000) });
    const handoverMs = electedAt - closedAt;
    console.log(`hand-over after close(): ${handoverMs.toFixed(1)} ms`);
    assert.ok(handoverMs < 250, `hand-over took ${handoverMs} ms`);
  } finally {
    await a.close();
    await b.close();
    for (const s of stores) await s.close();
  }
});

Deno.test("leader on Redis: the leader's process is killed; the other takes over when its key expires, within the TTL", async () => {
  const key = `leader-test:${crypto.randomUUID()}`;
  const raw = rawRedis();
  const child = spawnChild([
    redisAddr(),
    String(TEST_DB),
    "elect",
    key,
    "child",
    "-",
  ]);
  const s = await store();
  const b = election({ store: s, serverId: "parent", key });
  let electedAt = 0;
  b.onChange((change) => {
    if (change.isLeader) electedAt = performance.now();
  });
  try {
    await until(() => child.output().includes("elected 1"), 30_000);
    await b.start();
    assert.equal(b.isLeader, false);
    assert.equal(b.leaderId, "child");
    await new Promise((resolve) => setTimeout(resolve, 700)); // mid-lease
    child.kill();
    const killedAt = performance.now();
    assert.equal(await child.exited, "SIGKILL");
    const pttl = await raw.pttl(key);
    const expiresAt = performance.now() + pttl;
    assert.ok(pttl > 0, `PTTL ${pttl}`);
    await b.waitForLeadership({ signal: AbortSignal.timeout(5_000) });
    const takeoverMs = electedAt - killedAt;
    const afterExpiryMs = electedAt - expiresAt;
    console.log(
      `takeover ${takeoverMs.toFixed(0)} ms after SIGKILL ` +
        `(TTL ${CHILD_TIMINGS.ttlMs} ms; ${
          afterExpiryMs.toFixed(1)
        } ms after the key expired)`,
    );
    assert.ok(takeoverMs <= CHILD_TIMINGS.ttlMs + 100, `${takeoverMs} ms`);
    // Not while the dead leader's lease was live.
    assert.ok(afterExpiryMs > -20, `${afterExpiryMs} ms after expiry`);
    assert.equal(await raw.get(key), "parent");
  } finally {
    child.kill();
    await b.close();
    await s.close();
    await raw.quit();
  }
});

for (const mode of ["reset", "blackhole"] as const) {
  Deno.test(`leader on Redis: a leader whose renews ${mode === "reset" ? "fail" : "time out"} stops its tasks before its key can expire`, async () => {
    const key = `leader-test:${crypto.randomUUID()}`;
    const { redis } = halfstackEnv();
    const proxy = await CuttableProxy.start(redis.host, redis.port);
    const stores = [await store(proxy.addr), await store()];
    const events: string[] = [];
    let abortedAt = 0;
    let startedAt = 0;
    const a = election({ store: stores[0]!, serverId: "a", key });
    a.register({
      name: "work",
      run: ({ signal }) =>
        new Promise<void>((resolve) =>
          signal.addEventListener("abort", () => {
            abortedAt = performance.now();
            events.push("a stopped");
            resolve();
          })
        ),
    });
    const b = election({ store: stores[1]!, serverId: "b", key });
    b.register({
      name: "work",
      run: () => {
        startedAt = performance.now();
        events.push("b started");
      },
    });
    try {
      await a.start();
      await b.start();
      assert.deepEqual([a.isLeader, b.isLeader], [true, false]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      proxy.cut(mode);
      const cutAt = performance.now();
      await b.waitForLeadership({ signal: AbortSignal.timeout(5_000) });
      await until(() => events.length === 2, 1_000);
      assert.deepEqual(events, ["a stopped", "b started"]);
      assert.equal(a.isLeader, false);
      const gapMs = startedAt - abortedAt;
      const stopMs = abortedAt - cutAt;
      console.log(
        `${mode}: a stopped ${stopMs.toFixed(0)} ms after the cut; ` +
          `b started ${gapMs.toFixed(0)} ms after that`,
      );
      // a's last good renew was sent before the cut: it stops at most
      // ttl - margin after it, and b can start only once the key expired,
      // at least the margin after a stopped.
      const { ttlMs, stepDownMarginMs } = CHILD_TIMINGS;
      assert.ok(stopMs <= ttlMs - stepDownMarginMs + 50, `${stopMs} ms`);
      assert.ok(gapMs >= stepDownMarginMs - 30, `${gapMs} ms`);
    } finally {
      await a.close(); // its release is abandoned after one interval
      await b.close();
      for (const s of stores) await s.close();
      await proxy.close();
    }
  });
}

// A holder speaking upstream's protocol (ValkeyLeaderClient's script: SET
// with EX when free, EXPIRE when ours, compare-and-delete on release),
// written here as Redis sees it.
const UPSTREAM_ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 1
elseif current == ARGV[1] then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;
const UPSTREAM_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

Deno.test("leader on Redis: a holder on upstream's protocol and ours elect one leader between them", async () => {
  const key = `leader-test:${crypto.randomUUID()}`;
  const raw = rawRedis();
  const s = await store();
  const ours = election({
    store: s,
    serverId: "manager-ts-0",
    key,
    ttlMs: 3_000,
    renewIntervalMs: 500,
    stepDownMarginMs: 500,
  });
  try {
    assert.equal(
      await raw.eval(UPSTREAM_ACQUIRE, 1, key, "manager-py-0", 30),
      1,
    );
    await ours.start();
    assert.equal(ours.isLeader, false);
    assert.equal(ours.leaderId, "manager-py-0");
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.equal(ours.isLeader, false);
    assert.ok(await raw.ttl(key) > 25); // ours never touched its expiry
    // Upstream's release does not publish: ours notices at its next poll.
    assert.equal(await raw.eval(UPSTREAM_RELEASE, 1, key, "manager-py-0"), 1);
    const releasedAt = performance.now();
    await ours.waitForLeadership({ signal: AbortSignal.timeout(2_000) });
    const waitedMs = performance.now() - releasedAt;
    assert.ok(waitedMs <= 500 + 100, `${waitedMs} ms`);
    assert.equal(await raw.get(key), "manager-ts-0");
    // Now upstream's side is refused, and may not release our key.
    assert.equal(
      await raw.eval(UPSTREAM_ACQUIRE, 1, key, "manager-py-0", 30),
      0,
    );
    assert.equal(await raw.eval(UPSTREAM_RELEASE, 1, key, "manager-py-0"), 0);
    assert.equal(ours.isLeader, true);
  } finally {
    await ours.close();
    await s.close();
  }
  assert.equal(await raw.exists(key), 0);
  await raw.quit();
});
