// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  CronClosedError,
  CronRunTimeoutError,
  LocalCron,
  type PeriodicTask,
} from "../../../cron/mod.ts";
import { InvalidAPIParameters } from "../../../exception.ts";
import { type Clock, ManualClock } from "../../../resilience/mod.ts";
import type { Logger } from "../../../utils.ts";
import { quietLogger } from "../../_logger.ts";

interface Record {
  level: string;
  message: string;
  fields: { [key: string]: unknown } | undefined;
}

function recorder(): { logger: Logger; records: Record[] } {
  const records: Record[] = [];
  const log = (level: string) => (message: string, fields?: object) =>
    void records.push({
      level,
      message,
      fields: fields as Record["fields"],
    });
  return {
    records,
    logger: {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
    },
  };
}

/** A promise with its resolve and reject. */
function deferred(): {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
} {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

Deno.test("cron: the first run waits the initial delay, then runs follow the interval", async () => {
  const clock = new ManualClock(1_000);
  const due: number[] = [];
  const at: number[] = [];
  const cron = new LocalCron([{
    name: "tick",
    intervalMs: 100,
    initialDelayMs: 250,
    run: ({ scheduledAt }) => {
      due.push(scheduledAt);
      at.push(clock.now());
    },
  }], { clock });
  assert.equal(clock.pending, 0); // nothing before start()
  cron.start();
  await clock.advance(249);
  assert.deepEqual(due, []);
  await clock.advance(1);
  assert.deepEqual(due, [1_250]);
  await clock.advance(300);
  assert.deepEqual(due, [1_250, 1_350, 1_450, 1_550]);
  assert.deepEqual(at, due);
  await cron.close();
  assert.equal(clock.pending, 0);
  await clock.advance(1_000);
  assert.equal(due.length, 4);
});

Deno.test("cron: a failing run is logged and the task runs again at its next tick", async () => {
  const clock = new ManualClock();
  const { logger, records } = recorder();
  let calls = 0;
  const cron = new LocalCron([{
    name: "flaky",
    intervalMs: 100,
    run: async () => {
      calls++;
      await Promise.resolve();
      if (calls === 1) throw new Error("redis is down");
    },
  }, {
    name: "sync-throw",
    intervalMs: 100,
    run: () => {
      throw new TypeError("bad state");
    },
  }], { clock, logger });
  cron.start();
  await clock.advance(200);
  assert.equal(calls, 3);
  const errors = records.filter((r) => r.level === "error");
  assert.deepEqual(
    errors.map((r) => [r.fields?.task, r.fields?.error]),
    [
      ["flaky", "Error: redis is down"],
      ["sync-throw", "TypeError: bad state"],
      ["sync-throw", "TypeError: bad state"],
      ["sync-throw", "TypeError: bad state"],
    ],
  );
  const [flaky, syncThrow] = cron.stats();
  assert.deepEqual(flaky, {
    name: "flaky",
    runs: 3,
    failures: 1,
    timeouts: 0,
    skipped: 0,
    running: false,
  });
  assert.equal(syncThrow?.failures, 3);
  await cron.close();
});

Deno.test("cron: a run past its timeout has its signal aborted and the next run keeps time", async () => {
  const clock = new ManualClock();
  const { logger, records } = recorder();
  const reasons: unknown[] = [];
  const starts: number[] = [];
  const cron = new LocalCron([{
    name: "slow",
    intervalMs: 1_000,
    runTimeoutMs: 300,
    run: ({ signal }) => {
      starts.push(clock.now());
      return new Promise<void>((_, reject) => {
        signal.addEventListener("abort", () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        });
      });
    },
  }], { clock, logger });
  cron.start();
  await clock.advance(299);
  assert.equal(reasons.length, 0);
  await clock.advance(1);
  assert.equal(reasons.length, 1);
  const reason = reasons[0];
  assert.ok(reason instanceof CronRunTimeoutError);
  assert.deepEqual(reason.data, { task: "slow", runTimeoutMs: 300 });
  await clock.advance(1_700);
  assert.deepEqual(starts, [0, 1_000, 2_000]);
  const warnings = records.filter((r) => r.level === "warn");
  assert.equal(warnings.length, 2);
  assert.deepEqual(warnings[0]?.fields, { task: "slow", runTimeoutMs: 300 });
  // The run ended with its own abort reason: a timeout, not a failure.
  assert.equal(records.filter((r) => r.level === "error").length, 0);
  assert.deepEqual(
    { ...cron.stats()[0], running: undefined },
    {
      name: "slow",
      runs: 3,
      failures: 0,
      timeouts: 2,
      skipped: 0,
      running: undefined,
    },
  );
  await cron.close({ graceMs: 0 });
  assert.equal(clock.pending, 0);
});

Deno.test("cron: runs never overlap; ticks during a run that ignores its abort are skipped and logged", async () => {
  const clock = new ManualClock();
  const { logger, records } = recorder();
  const first = deferred();
  let active = 0;
  let maxActive = 0;
  const starts: number[] = [];
  const cron = new LocalCron([{
    name: "stubborn",
    intervalMs: 100,
    runTimeoutMs: 50,
    run: async () => {
      starts.push(clock.now());
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        if (starts.length === 1) await first.promise; // ignores its signal
      } finally {
        active--;
      }
    },
  }], { clock, logger });
  cron.start();
  await clock.advance(420);
  assert.deepEqual(starts, [0]);
  assert.equal(cron.stats()[0]?.running, true);
  first.resolve();
  await clock.advance(0);
  // Ticks 100, 200, 300 and 400 fell during the run; the next is 500.
  assert.equal(cron.stats()[0]?.skipped, 4);
  await clock.advance(180);
  assert.deepEqual(starts, [0, 500, 600]);
  assert.equal(maxActive, 1);
  const skipped = records.find((r) => r.message.includes("skipped"));
  assert.deepEqual(skipped?.fields, {
    task: "stubborn",
    skipped: 4,
    runMs: 420,
    intervalMs: 100,
  });
  await cron.close();
});

Deno.test("cron: with fixed-delay, the next run starts one interval after the previous one ended", async () => {
  const clock = new ManualClock();
  const starts: number[] = [];
  const cron = new LocalCron([{
    name: "delayed",
    intervalMs: 100,
    schedule: "fixed-delay",
    run: async () => {
      starts.push(clock.now());
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 30));
    },
  }], { clock });
  cron.start();
  await clock.advance(400);
  assert.deepEqual(starts, [0, 130, 260, 390]);
  assert.equal(cron.stats()[0]?.skipped, 0);
  const closing = cron.close(); // the run started at 390 ends at 420
  await clock.advance(20);
  await closing;
  assert.equal(clock.pending, 0);
});

Deno.test("cron: close() waits for a running run that ends within the grace period", async () => {
  const clock = new ManualClock();
  const run = deferred();
  let signal: AbortSignal | undefined;
  const cron = new LocalCron([{
    name: "finishing",
    intervalMs: 100,
    run: (context) => {
      signal = context.signal;
      return run.promise;
    },
  }], { clock, closeGraceMs: 1_000 });
  cron.start();
  await clock.advance(0);
  let closed = false;
  const closing = cron.close().then(() => (closed = true));
  await clock.advance(999);
  assert.equal(closed, false);
  run.resolve();
  await closing;
  assert.equal(signal?.aborted, false);
  assert.equal(clock.pending, 0);
  // Closed: no more runs.
  await clock.advance(1_000);
  assert.equal(cron.stats()[0]?.runs, 1);
});

Deno.test("cron: close() aborts runs still going after the grace period", async () => {
  const clock = new ManualClock();
  const { logger, records } = recorder();
  const reasons: unknown[] = [];
  const task = (name: string): PeriodicTask => ({
    name,
    intervalMs: 100,
    run: ({ signal }) =>
      new Promise<void>((_, reject) =>
        signal.addEventListener("abort", () => {
          reasons.push(signal.reason);
          reject(signal.reason);
        })
      ),
  });
  const cron = new LocalCron([task("a"), task("b")], { clock, logger });
  cron.start();
  await clock.advance(0);
  let closed = false;
  const closing = cron.close({ graceMs: 500 }).then(() => (closed = true));
  await clock.advance(499);
  assert.equal(reasons.length, 0);
  await clock.advance(1);
  await closing;
  assert.equal(closed, true);
  assert.equal(reasons.length, 2);
  assert.ok(reasons[0] instanceof CronClosedError);
  assert.deepEqual((reasons[0] as CronClosedError).data, { task: "a" });
  assert.deepEqual(
    records.find((r) => r.message.includes("aborting"))?.fields,
    { tasks: ["a", "b"] },
  );
  assert.equal(records.filter((r) => r.level === "error").length, 0);
  assert.equal(clock.pending, 0);
});

Deno.test("cron: close() with graceMs 0 aborts at once with the reason given", async () => {
  const clock = new ManualClock();
  const reason = new Error("leadership lost");
  let seen: unknown;
  const cron = new LocalCron([{
    name: "leader-only",
    intervalMs: 100,
    run: ({ signal }) =>
      new Promise<void>((resolve) =>
        signal.addEventListener("abort", () => {
          seen = signal.reason;
          resolve();
        })
      ),
  }], { clock, logger: quietLogger });
  cron.start();
  await clock.advance(0);
  await cron.close({ graceMs: 0, reason });
  assert.equal(seen, reason);
});

Deno.test("cron: close() stops waiting for a run that ignores its abort when its signal aborts", async () => {
  const clock = new ManualClock();
  const never = deferred();
  const cron = new LocalCron([{
    name: "deaf",
    intervalMs: 100,
    run: () => never.promise,
  }], { clock, closeGraceMs: 0, logger: quietLogger });
  cron.start();
  await clock.advance(0);
  const giveUp = new AbortController();
  const closing = cron.close({ signal: giveUp.signal });
  const outcome = assert.rejects(closing, /shutdown deadline/);
  giveUp.abort(new Error("shutdown deadline"));
  await outcome;
  assert.equal(cron.closed, true);
  assert.equal(clock.pending, 0);
  never.resolve();
});

Deno.test("cron: an interval longer than a timer holds does not fire early", async () => {
  const clock = new ManualClock();
  const day = 24 * 3600 * 1000;
  const starts: number[] = [];
  const cron = new LocalCron([{
    name: "monthly",
    intervalMs: 30 * day,
    initialDelayMs: 30 * day,
    run: () => void starts.push(clock.now()),
  }], { clock });
  cron.start();
  await clock.advance(2 ** 31);
  assert.deepEqual(starts, []);
  await clock.advance(30 * day - 2 ** 31);
  assert.deepEqual(starts, [30 * day]);
  await cron.close();
  assert.equal(clock.pending, 0);
});

Deno.test("cron: malformed tasks and options are refused, naming the field", () => {
  const run = () => {};
  const cases: [PeriodicTask[], object, string][] = [
    [[{ name: "", intervalMs: 1, run }], {}, "name"],
    [[{ name: "x", intervalMs: 0, run }], {}, "intervalMs"],
    [[{ name: "x", intervalMs: NaN, run }], {}, "intervalMs"],
    [[{ name: "x", intervalMs: Infinity, run }], {}, "intervalMs"],
    [
      [{ name: "x", intervalMs: 1, initialDelayMs: -1, run }],
      {},
      "initialDelayMs",
    ],
    [[{ name: "x", intervalMs: 1, runTimeoutMs: 0, run }], {}, "runTimeoutMs"],
    [
      [{
        name: "x",
        intervalMs: 1,
        schedule: "cron" as "fixed-rate",
        run,
      }],
      {},
      "schedule",
    ],
    [
      [{ name: "x", intervalMs: 1, run }, { name: "x", intervalMs: 2, run }],
      {},
      "name",
    ],
    [
      [{ name: "x", intervalMs: 1, run: undefined as unknown as () => void }],
      {},
      "run",
    ],
    [[], { closeGraceMs: -5 }, "closeGraceMs"],
  ];
  for (const [tasks, options, field] of cases) {
    assert.throws(() => new LocalCron(tasks, options), (err: unknown) => {
      assert.ok(err instanceof InvalidAPIParameters, String(err));
      assert.equal(err.data?.field, field);
      return true;
    });
  }
});

Deno.test("cron: start() is idempotent, start() after close() throws, asyncDispose closes", async () => {
  const clock = new ManualClock();
  let runs = 0;
  {
    await using cron = new LocalCron([{
      name: "x",
      intervalMs: 100,
      run: () => void runs++,
    }], { clock });
    cron.start();
    cron.start();
    await clock.advance(0);
    assert.equal(runs, 1);
    assert.equal(cron.started, true);
  }
  assert.equal(clock.pending, 0);
  const closed = new LocalCron([], { clock });
  await closed.close();
  assert.throws(() => closed.start(), CronClosedError);
});

/** The real timers, with a count of those still pending. */
function countingClock(): { clock: Clock; live: Set<unknown> } {
  const live = new Set<unknown>();
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout: (callback, ms) => {
      const handle = setTimeout(() => {
        live.delete(handle);
        callback();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      live.delete(handle);
      clearTimeout(handle as number);
    },
  };
  return { clock, live };
}

Deno.test("cron: on real timers, close() leaves no timer behind", async () => {
  // Deno's sanitizers do not report a pending timer (the process waits for
  // it instead), so the clock counts them. At close, "slow" is mid-run (its
  // timeout timer armed) and "idle" waits for its next tick.
  const { clock, live } = countingClock();
  const runs = { slow: 0, idle: 0 };
  const cron = new LocalCron([{
    name: "slow",
    intervalMs: 20,
    runTimeoutMs: 1_000,
    run: async ({ signal }) => {
      runs.slow++;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 15);
        signal.addEventListener("abort", () => clearTimeout(timer));
      });
    },
  }, {
    name: "idle",
    intervalMs: 60_000,
    run: () => void runs.idle++,
  }], { clock });
  cron.start();
  await new Promise((resolve) => setTimeout(resolve, 90));
  assert.equal(live.size >= 2, true);
  await cron.close();
  assert.equal(live.size, 0);
  assert.ok(runs.slow >= 3, `slow ran ${runs.slow} times`);
  assert.equal(runs.idle, 1);
});
