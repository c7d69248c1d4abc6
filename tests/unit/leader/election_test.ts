// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { InvalidAPIParameters } from "../../../exception.ts";
import {
  AlreadyStartedError,
  LeaderCron,
  LeaderElection,
  LeaderElectionError,
  type LeaderElectionOptions,
  type LeadershipChange,
  LeadershipLostError,
  type LeaderTask,
  MemoryLeaderStore,
} from "../../../leader/mod.ts";
import { ManualClock } from "../../../resilience/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { FaultyStore, recorder } from "./_stores.ts";

const KEY = "leader:test";

function election(
  options: Omit<Partial<LeaderElectionOptions>, "clock"> & {
    store: LeaderElectionOptions["store"];
    serverId: string;
    clock: ManualClock;
  },
): LeaderElection {
  return new LeaderElection({
    key: KEY,
    ttlMs: 3_000,
    renewIntervalMs: 1_000,
    stepDownMarginMs: 500,
    logger: quietLogger,
    ...options,
  });
}

/** A task that records when each term starts and when its signal aborts. */
function tracer(
  clock: ManualClock,
  log: string[],
  name: string,
): LeaderTask {
  return {
    name,
    run: ({ signal, term }) => {
      log.push(`${name} start ${term} @${clock.now()}`);
      return new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          log.push(`${name} abort ${term} @${clock.now()}`);
          resolve();
        })
      );
    },
  };
}

Deno.test("leader: of two elections on one key, one leads and the other follows", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const a = election({ store, serverId: "a", clock });
  const b = election({ store, serverId: "b", clock });
  await a.start();
  await b.start();
  assert.deepEqual([a.isLeader, b.isLeader], [true, false]);
  assert.deepEqual([a.leaderId, b.leaderId], ["a", "a"]);
  for (let i = 0; i < 10; i++) {
    await clock.advance(700);
    assert.deepEqual([a.isLeader, b.isLeader], [true, false]);
  }
  assert.equal(a.term, 1);
  assert.equal(b.term, 0);
  await a.close();
  await b.close();
  assert.equal(clock.pending, 0);
});

Deno.test("leader: a renew that keeps failing stops the leader's tasks before its key can expire", async () => {
  for (const mode of ["fail", "hang"] as const) {
    const clock = new ManualClock();
    const memory = new MemoryLeaderStore({ clock });
    const faulty = new FaultyStore(memory);
    const log: string[] = [];
    const a = election({ store: faulty, serverId: "a", clock });
    a.register(tracer(clock, log, "a"));
    const b = election({ store: memory, serverId: "b", clock });
    b.register(tracer(clock, log, "b"));
    const changes: LeadershipChange[] = [];
    a.onChange((change) => changes.push(change));
    await a.start();
    await b.start();
    await clock.advance(1_500); // renewed at 1 000 (sent then)
    faulty.mode = mode;
    // The renew sent at 1 000 holds the key until 4 000: a steps down at
    // 3 500, a margin before.
    await clock.advance(1_999);
    assert.equal(a.isLeader, true, mode);
    await clock.advance(1);
    assert.equal(a.isLeader, false, mode);
    assert.equal(memory.holder(KEY), "a"); // still live: expires at 4 000
    await clock.advance(600);
    assert.deepEqual(log, [
      "a start 1 @0",
      "a abort 1 @3500",
      "b start 1 @4000",
    ], mode);
    assert.equal(changes[1]?.reason, "lease-lapsing");
    assert.ok(changes[1]?.error instanceof Error, mode);
    assert.ok(faulty.calls >= 4, `${mode}: ${faulty.calls} calls`);
    // A release the store does not answer is abandoned after one interval.
    const closing = a.close();
    await clock.advance(1_000);
    await closing;
    await b.close();
    assert.equal(clock.pending, 0, mode);
  }
});

Deno.test("leader: the aborted tasks get a LeadershipLostError as their signal's reason", async () => {
  const clock = new ManualClock();
  const faulty = new FaultyStore(new MemoryLeaderStore({ clock }));
  let reason: unknown;
  const a = election({ store: faulty, serverId: "a", clock });
  a.register({
    name: "reason",
    run: ({ signal }) =>
      new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          reason = signal.reason;
          resolve();
        })
      ),
  });
  await a.start();
  faulty.mode = "fail";
  await clock.advance(2_500);
  assert.ok(reason instanceof LeadershipLostError);
  assert.deepEqual(reason.data, {
    serverId: "a",
    key: KEY,
    term: 1,
    reason: "lease-lapsing",
  });
  await a.close();
});

Deno.test("leader: a leader that finds another holder steps down at once", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const log: string[] = [];
  const a = election({ store, serverId: "a", clock });
  a.register(tracer(clock, log, "a"));
  const changes: string[] = [];
  a.onChange((change) => changes.push(`${change.isLeader} ${change.reason}`));
  await a.start();
  // Somebody else overwrote the key (an operator, or a stalled process).
  await store.release(KEY, "a");
  await store.acquireOrRenew(KEY, "intruder", 10_000);
  await clock.advance(1_000);
  assert.equal(a.isLeader, false);
  assert.equal(a.leaderId, "intruder");
  assert.deepEqual(changes, ["true elected", "false taken"]);
  assert.deepEqual(log, ["a start 1 @0", "a abort 1 @1000"]);
  await a.close();
  assert.equal(store.holder(KEY), "intruder"); // not ours to release
});

Deno.test("leader: close() releases the key and the follower takes over at once", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const log: string[] = [];
  const slow = {
    ttlMs: 30_000,
    renewIntervalMs: 10_000,
    stepDownMarginMs: 5_000,
  };
  const a = election({ store, serverId: "a", clock, ...slow });
  a.register(tracer(clock, log, "a"));
  const b = election({ store, serverId: "b", clock, ...slow });
  b.register(tracer(clock, log, "b"));
  await a.start();
  await b.start();
  await clock.advance(4_000);
  await a.close();
  assert.equal(store.holder(KEY), undefined);
  await clock.advance(0);
  assert.equal(b.isLeader, true);
  assert.deepEqual(log, ["a start 1 @0", "a abort 1 @4000", "b start 1 @4000"]);
  await b.close();
});

Deno.test("leader: a follower polls when the holder's key expires, not a whole interval later", async () => {
  const clock = new ManualClock();
  const memory = new MemoryLeaderStore({ clock });
  const faulty = new FaultyStore(memory);
  const slow = {
    ttlMs: 30_000,
    renewIntervalMs: 10_000,
    stepDownMarginMs: 5_000,
  };
  const a = election({ store: faulty, serverId: "a", clock, ...slow });
  const b = election({ store: memory, serverId: "b", clock, ...slow });
  let electedAt = -1;
  b.onChange((change) => {
    if (change.isLeader) electedAt = clock.now();
  });
  await a.start();
  await clock.advance(3_000);
  await b.start(); // sees a's key with 27 000 ms left
  faulty.mode = "fail"; // a is as good as dead from here
  await clock.advance(30_000);
  assert.equal(electedAt, 30_001);
  await a.close();
  await b.close();
});

Deno.test("leader: a release watch that fails or hangs is logged; the election polls", async () => {
  for (const watchMode of ["fail", "hang"] as const) {
    const clock = new ManualClock();
    const faulty = new FaultyStore(new MemoryLeaderStore({ clock }));
    faulty.watchMode = watchMode;
    const { logger, records } = recorder();
    const a = election({ store: faulty, serverId: "a", clock, logger });
    const starting = a.start();
    await clock.advance(1_000); // a hanging watch is given one interval
    await starting;
    assert.equal(a.isLeader, true, watchMode);
    assert.equal(
      records.find((r) => r.level === "warn")?.message,
      "leader: cannot watch releases; a follower takes over at its next poll",
    );
    await a.close();
    assert.equal(clock.pending, 0);
  }
});

Deno.test("leader: close() waits for the tasks and releases only when they ended", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const { logger, records } = recorder();
  let finish!: () => void;
  const a = election({
    store,
    serverId: "a",
    clock,
    closeGraceMs: 1_000,
    logger,
  });
  a.register({
    name: "deaf",
    run: () => new Promise<void>((resolve) => (finish = resolve)),
  });
  await a.start();
  let closed = false;
  const closing = a.close().then(() => (closed = true));
  await clock.advance(999);
  assert.equal(closed, false);
  await clock.advance(1);
  await closing;
  assert.equal(store.holder(KEY), "a"); // left to expire: the task still runs
  assert.ok(
    records.some((r) =>
      r.level === "error" && r.message.includes("did not end")
    ),
  );
  finish();
  // A task that ends in time is waited for, then the key goes.
  const b = election({ store, serverId: "b", clock, closeGraceMs: 1_000 });
  let done = false;
  b.register({
    name: "tidy",
    run: ({ signal }) =>
      new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          clock.setTimeout(() => {
            done = true;
            resolve();
          }, 300);
        })
      ),
  });
  await clock.advance(3_000);
  await b.start();
  assert.equal(b.isLeader, true);
  const closingB = b.close();
  await clock.advance(300);
  await closingB;
  assert.equal(done, true);
  assert.equal(store.holder(KEY), undefined);
});

Deno.test("leader: the tasks of a new term start only after the last term's ended", async () => {
  const clock = new ManualClock();
  const faulty = new FaultyStore(new MemoryLeaderStore({ clock }));
  const log: string[] = [];
  let finish!: () => void;
  const a = election({ store: faulty, serverId: "a", clock });
  a.register({
    name: "stubborn",
    run: ({ term }) => {
      log.push(`start ${term} @${clock.now()}`);
      if (term > 1) return;
      return new Promise<void>((resolve) => {
        finish = () => {
          log.push(`end ${term} @${clock.now()}`);
          resolve();
        };
      });
    },
  });
  await a.start();
  faulty.mode = "fail";
  await clock.advance(2_500); // lapses at 2 500; the task ignores the abort
  faulty.mode = "ok";
  await clock.advance(500); // re-elected (term 2) at the next retry
  assert.equal(a.isLeader, true);
  assert.equal(a.term, 2);
  assert.deepEqual(log, ["start 1 @0"]);
  await clock.advance(1_000);
  finish();
  await clock.advance(0);
  assert.deepEqual(log, ["start 1 @0", "end 1 @4000", "start 2 @4000"]);
  await a.close();
});

Deno.test("leader: a failing task is logged; the others and the election go on", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const { logger, records } = recorder();
  const log: string[] = [];
  const a = election({ store, serverId: "a", clock, logger });
  a.register({
    name: "broken",
    run: () => {
      throw new Error("bad config");
    },
  });
  a.register(tracer(clock, log, "fine"));
  a.onChange(() => {
    throw new Error("listener bug");
  });
  await a.start();
  await clock.advance(5_000);
  assert.equal(a.isLeader, true);
  assert.deepEqual(log, ["fine start 1 @0"]);
  const errors = records.filter((r) => r.level === "error");
  assert.deepEqual(errors.map((r) => r.message), [
    "leader: a leadership listener threw",
    "leader: a leader task failed",
  ]);
  assert.equal(errors[1]?.fields?.task, "broken");
  await a.close();
});

Deno.test("leader: waitForLeadership resolves on election, rejects on close or abort", async () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const a = election({ store, serverId: "a", clock });
  const b = election({ store, serverId: "b", clock });
  await a.start();
  await a.waitForLeadership();
  await b.start();
  const waiting = b.waitForLeadership();
  const controller = new AbortController();
  const aborted = b.waitForLeadership({ signal: controller.signal });
  controller.abort(new Error("gave up"));
  await assert.rejects(aborted, /gave up/);
  await a.close();
  await clock.advance(0);
  await waiting;
  const c = election({ store, serverId: "c", clock });
  await c.start();
  const never = c.waitForLeadership();
  await c.close();
  await assert.rejects(never, LeaderElectionError);
  await assert.rejects(c.waitForLeadership(), LeaderElectionError);
  await b.close();
});

Deno.test("leader: register() after start() and a second start() throw AlreadyStartedError", async () => {
  const clock = new ManualClock();
  const a = election({
    store: new MemoryLeaderStore({ clock }),
    serverId: "a",
    clock,
  });
  await a.start();
  assert.throws(
    () => a.register({ name: "late", run: () => {} }),
    AlreadyStartedError,
  );
  await assert.rejects(a.start(), AlreadyStartedError);
  await a.close();
  await assert.rejects(a.start(), AlreadyStartedError);
});

Deno.test("leader: malformed options are refused, naming the field", () => {
  const clock = new ManualClock();
  const store = new MemoryLeaderStore({ clock });
  const cases: [Omit<Partial<LeaderElectionOptions>, "clock">, string][] = [
    [{ serverId: "" }, "serverId"],
    [{ key: "" }, "key"],
    [{ ttlMs: 0 }, "ttlMs"],
    [{ ttlMs: 1.5 }, "ttlMs"],
    [{ renewIntervalMs: 2_500 }, "renewIntervalMs"],
    [{ renewIntervalMs: -1 }, "renewIntervalMs"],
    [{ stepDownMarginMs: 3_000 }, "stepDownMarginMs"],
    [{ retryIntervalMs: 0 }, "retryIntervalMs"],
    [{ closeGraceMs: Infinity }, "closeGraceMs"],
  ];
  for (const [options, field] of cases) {
    assert.throws(
      () => election({ store, serverId: "a", clock, ...options }),
      (err: unknown) => {
        assert.ok(err instanceof InvalidAPIParameters, field);
        assert.equal(err.data?.field, field);
        return true;
      },
    );
  }
  // Upstream's timings are the defaults.
  const defaults = new LeaderElection({ store, serverId: "a" });
  assert.equal(defaults.key, "leader:default");
});

Deno.test("leader: a LeaderCron runs its tasks only on the leader and aborts a run on loss", async () => {
  const clock = new ManualClock();
  const memory = new MemoryLeaderStore({ clock });
  const faulty = new FaultyStore(memory);
  const runs: string[] = [];
  const reasons: unknown[] = [];
  const servers = [
    election({ store: faulty, serverId: "a", clock }),
    election({ store: memory, serverId: "b", clock }),
  ];
  for (const server of servers) {
    server.register(
      new LeaderCron([{
        name: "sweep",
        intervalMs: 1_000,
        run: ({ signal }) => {
          runs.push(`${server.serverId} @${clock.now()}`);
          // Each run takes 600 ms unless aborted.
          return new Promise<void>((resolve, reject) => {
            const timer = clock.setTimeout(resolve, 600);
            signal.addEventListener("abort", () => {
              clock.clearTimeout(timer);
              reasons.push(signal.reason);
              reject(signal.reason);
            });
          });
        },
      }], { clock, logger: quietLogger }),
    );
  }
  for (const server of servers) await server.start();
  await clock.advance(2_000);
  // The renew sent at 2 000 keeps a's key until 5 000; a steps down at
  // 4 500, aborting the run it started at 4 000.
  faulty.mode = "fail";
  await clock.advance(4_000);
  assert.deepEqual(runs, [
    "a @0",
    "a @1000",
    "a @2000",
    "a @3000",
    "a @4000",
    "b @5000",
    "b @6000",
  ]);
  assert.equal(reasons.length, 1);
  assert.ok(reasons[0] instanceof LeadershipLostError);
  for (const server of servers) await server.close();
  assert.equal(clock.pending, 0);
});
