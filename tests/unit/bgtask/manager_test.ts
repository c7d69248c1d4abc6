// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { z } from "zod";
import {
  BgtaskManagerClosedError,
  BgtaskNotFoundError,
  BgtaskNotRegisteredError,
  type BgtaskObserver,
  MemoryBgtaskStore,
  PartialSuccess,
  WHOLE_TASK_KEY,
} from "../../../bgtask/mod.ts";
import {
  InvalidAPIParameters,
  PermissionDeniedError,
} from "../../../exception.ts";
import { delayedHarness } from "./_delayed_harness.ts";
import { harness, type Seen } from "./_harness.ts";

function summary(events: Seen[]): string[] {
  return events.map((e) =>
    e.name === "bgtask_updated"
      ? `updated ${e.body.current_progress}/${e.body.total_progress} ${e.body.message}`
      : `${e.name.replace("bgtask_", "")} ${e.body.message}${
        e.body.errors ? ` ${JSON.stringify(e.body.errors)}` : ""
      }`
  );
}

Deno.test("bgtask: done, with progress events in order and fractional and negative increments", async () => {
  // Every publish waits a varying delay: events sent out of order would
  // arrive out of order.
  await using h = await delayedHarness();
  const id = await h.manager.start(async (reporter) => {
    reporter.total = 3;
    await reporter.update(1.5, "first");
    await reporter.update(-0.5, "back");
    await reporter.update(2);
    return "all copied";
  }, { name: "copy" });
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(await h.manager.wait(id), "bgtask_done");
  await h.until(() => h.of(id).length === 5);
  assert.deepEqual(summary(h.of(id)), [
    "updated 0/0 Task started",
    "updated 1.5/3 first",
    "updated 1/3 back",
    "updated 3/3 null",
    "done all copied",
  ]);
  assert.deepEqual(h.manager.stats, {
    running: 0,
    retriable: 0,
    graceTimers: 0,
    loops: 0,
    recentResults: 1,
  });
});

Deno.test("bgtask: updates sent without await keep their order", async () => {
  await using h = await delayedHarness();
  const id = await h.manager.start((reporter) => {
    reporter.total = 50;
    for (let i = 0; i < 50; i++) void reporter.update(1, `step ${i}`);
    return undefined;
  });
  await h.manager.wait(id);
  await h.until(() => h.of(id).length === 52);
  assert.ok(h.store.writes >= 52, `${h.store.writes} delayed publishes`);
  const steps = h.of(id).slice(1, 51).map((e) => e.body.current_progress);
  assert.deepEqual(steps, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.equal(h.of(id)[51]?.name, "bgtask_done");
  assert.equal(h.of(id)[51]?.body.message, null);
});

Deno.test("bgtask: failed, with upstream's repr and the error code for metrics", async () => {
  const finished: string[] = [];
  const observer: BgtaskObserver = {
    taskStarted: (name) => finished.push(`start ${name}`),
    taskFinished: (name, status, seconds, code) => {
      assert.ok(seconds >= 0);
      finished.push(`${name} ${status} ${code}`);
    },
  };
  await using h = await harness({ observer });
  const a = await h.manager.start(() => {
    throw new Error("disk full");
  }, { name: "plain" });
  const b = await h.manager.start(() => {
    throw new PermissionDeniedError("not yours");
  }, { name: "typed" });
  assert.equal(await h.manager.wait(a), "bgtask_failed");
  assert.equal(await h.manager.wait(b), "bgtask_failed");
  await h.until(() => h.of(a).length === 2 && h.of(b).length === 2);
  assert.deepEqual(summary(h.of(a)).at(-1), "failed Error('disk full')");
  assert.deepEqual(
    summary(h.of(b)).at(-1),
    "failed PermissionDeniedError('not yours')",
  );
  assert.deepEqual(
    finished.sort(),
    [
      "plain bgtask_failed bgtask_execute_internal-error",
      "start plain",
      "start typed",
      "typed bgtask_failed api_auth_forbidden",
    ].sort(),
  );
});

Deno.test("bgtask: partial success carries the errors; without errors it is done", async () => {
  await using h = await harness();
  const partial = await h.manager.start(() =>
    new PartialSuccess("2 of 3 pulled", ["image-c: not found"])
  );
  const whole = await h.manager.start(() => new PartialSuccess("3 of 3", []));
  const json = await h.manager.start(() => ({ pulled: 3 }));
  assert.equal(await h.manager.wait(partial), "bgtask_partial_success");
  assert.equal(await h.manager.wait(whole), "bgtask_done");
  assert.equal(await h.manager.wait(json), "bgtask_done");
  await h.until(() =>
    h.of(partial).length === 2 && h.of(whole).length === 2 &&
    h.of(json).length === 2
  );
  assert.equal(
    summary(h.of(partial)).at(-1),
    'partial_success 2 of 3 pulled ["image-c: not found"]',
  );
  assert.equal(summary(h.of(whole)).at(-1), "done 3 of 3");
  assert.equal(summary(h.of(json)).at(-1), 'done {"pulled":3}');
});

Deno.test("bgtask: cancel aborts the signal; a cooperative task ends cancelled", async () => {
  await using h = await harness();
  let reason: unknown;
  const id = await h.manager.start((_reporter, signal) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(reason = signal.reason));
    })
  );
  h.manager.cancel(id);
  h.manager.cancel(id); // twice is fine
  assert.equal(await h.manager.wait(id), "bgtask_cancelled");
  assert.equal((reason as Error).name, "AbortError");
  await h.until(() => h.of(id).length === 2);
  assert.equal(summary(h.of(id)).at(-1), "cancelled Task cancelled");
  assert.equal(h.manager.stats.graceTimers, 0);
  assert.throws(() => h.manager.cancel(id), BgtaskNotFoundError);
  assert.equal(await h.manager.wait(id), "bgtask_cancelled"); // remembered
  await assert.rejects(
    h.manager.wait(crypto.randomUUID()),
    BgtaskNotFoundError,
  );
});

Deno.test("bgtask: a task that ignores cancel is reported cancelled after the grace period", async () => {
  await using h = await harness({ cancelGraceMs: 30 });
  let finish!: (value: string) => void;
  let progress!: () => Promise<void>;
  const id = await h.manager.start((reporter) => {
    progress = () => reporter.update(1, "after the end");
    return new Promise<string>((resolve) => (finish = resolve));
  });
  h.manager.cancel(id);
  assert.equal(h.manager.stats.graceTimers, 1);
  assert.equal(await h.manager.wait(id), "bgtask_cancelled");
  assert.equal(h.manager.stats.running, 0);
  await progress(); // ignored: the task was reported
  finish("too late");
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(summary(h.of(id)), [
    "updated 0/0 Task started",
    "cancelled Task cancelled",
  ]);
});

Deno.test("bgtask: close cancels local tasks and refuses new ones", async () => {
  const h = await harness({ cancelGraceMs: 50 });
  const cooperative = await h.manager.start((_r, signal) =>
    new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    )
  );
  const stubborn = await h.manager.start(() => new Promise(() => {}));
  await h.manager.close();
  await h.until(() =>
    h.of(cooperative).length === 2 && h.of(stubborn).length === 2
  );
  assert.equal(h.of(cooperative)[1]?.name, "bgtask_cancelled");
  assert.equal(h.of(stubborn)[1]?.name, "bgtask_cancelled");
  assert.deepEqual(h.manager.stats, {
    running: 0,
    retriable: 0,
    graceTimers: 0,
    loops: 0,
    recentResults: 2,
  });
  await assert.rejects(h.manager.start(() => "x"), BgtaskManagerClosedError);
  await h[Symbol.asyncDispose]();
});

Deno.test("bgtask: retriable tasks run a registered handler and are stored", async () => {
  const store = new MemoryBgtaskStore();
  await using h = await harness({ store, tags: ["storage"] });
  let release!: () => void;
  h.manager.registry.register({
    name: "clone",
    manifest: z.object({ src: z.string() }),
    async execute(manifest, { reporter, taskId }) {
      reporter.total = 2;
      await reporter.update(1, `cloning ${manifest.src}`);
      await new Promise<void>((r) => (release = r));
      return { taskId, ok: true };
    },
  });
  const id = await h.manager.startRetriable("clone", { src: "vf-1" }, {
    tags: ["user-a"],
  });
  await h.until(() => h.of(id).length === 2);
  const running = await h.manager.status(id);
  assert.equal(running?.runningHere, true);
  assert.equal(running?.current, 1);
  assert.equal(running?.message, "cloning vf-1");
  const stored = await store.getTask(id);
  assert.equal(stored?.info.taskName, "clone");
  assert.deepEqual(stored?.info.body, { src: "vf-1" });
  assert.equal(stored?.subtasks[0]?.key, WHOLE_TASK_KEY);
  assert.equal(stored?.subtasks[0]?.currentProgress, 1);
  assert.deepEqual(await store.listTaskIds({ serverId: "server-1" }), [id]);
  assert.deepEqual(await store.listTaskIds({ tag: "storage" }), [id]);
  assert.deepEqual(
    (await h.manager.listByTag("user-a")).map((t) => t.taskId),
    [id],
  );
  assert.equal(h.manager.stats.retriable, 1);
  release();
  assert.equal(await h.manager.wait(id), "bgtask_done");
  const done = await h.manager.status(id);
  assert.equal(done?.status, "success");
  assert.equal(done?.runningHere, false);
  assert.deepEqual(await store.listTaskIds({ serverId: "server-1" }), []);
  await h.until(() => h.of(id).length === 3);
  assert.equal(
    summary(h.of(id)).at(-1),
    `done {"taskId":"${id}","ok":true}`,
  );
  assert.deepEqual(h.manager.stats, {
    running: 0,
    retriable: 0,
    graceTimers: 0,
    loops: 0,
    recentResults: 1,
  });
});

Deno.test("bgtask: startRetriable checks the name and the manifest", async () => {
  await using h = await harness();
  h.manager.registry.register({
    name: "scan",
    manifest: z.object({ depth: z.number().int() }),
    execute: () => "ok",
  });
  await assert.rejects(
    h.manager.startRetriable("missing", {}),
    BgtaskNotRegisteredError,
  );
  await assert.rejects(
    h.manager.startRetriable("scan", { depth: "deep" }),
    (error) => {
      assert.ok(error instanceof InvalidAPIParameters);
      assert.deepEqual(
        (error.data?.issues as { path: string }[]).map((i) => i.path),
        ["depth"],
      );
      return true;
    },
  );
  assert.equal(h.manager.stats.running, 0);
});

Deno.test("bgtask: an orphaned task is revived once on the same store; an unknown handler is failed", async () => {
  let now = 1_000_000;
  const store = new MemoryBgtaskStore({ now: () => now });
  const executions: string[] = [];
  const register = (h: Awaited<ReturnType<typeof harness>>, tag: string) =>
    h.manager.registry.register({
      name: "resize",
      manifest: z.object({ size: z.number() }),
      async execute(manifest, { reporter, signal }) {
        executions.push(`${tag} from ${reporter.current}`);
        if (tag === "first") {
          await reporter.update(1, "half");
          await new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason))
          );
        }
        return `resized to ${manifest.size}`;
      },
    });
  const first = await harness({ store, serverId: "s", cancelGraceMs: 10 });
  register(first, "first");
  const id = await first.manager.startRetriable("resize", { size: 5 });
  await first.until(() => executions.length === 1);
  await first[Symbol.asyncDispose](); // a shutdown leaves the task ongoing
  assert.equal((await store.getTask(id))?.info.ongoingCount, 1);

  await using second = await harness({ store, serverId: "s" });
  await using third = await harness({ store, serverId: "s" });
  register(second, "second");
  register(third, "third");
  assert.equal(await second.manager.reviveOrphans(), 0); // still fresh
  now += 301_000; // five minutes without a heartbeat
  const revived = await Promise.all([
    second.manager.reviveOrphans(),
    third.manager.reviveOrphans(),
  ]);
  assert.equal(revived[0] + revived[1], 1);
  const winner = revived[0] === 1 ? second : third;
  assert.equal(await winner.manager.wait(id), "bgtask_done");
  assert.equal(executions.length, 2);
  assert.match(executions[1] ?? "", /^(second|third) from 1$/);
  await winner.until(() => winner.of(id).length === 1);
  assert.equal(winner.of(id)[0]?.body.message, "resized to 5");

  // A task whose handler nobody registered is failed with upstream's message.
  await store.registerTask({
    task: {
      info: {
        taskId: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
        taskName: "ghost",
        taskType: "single",
        body: {},
        ongoingCount: 1,
        successCount: 0,
        failureCount: 0,
      },
      subtasks: [{
        taskId: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
        key: WHOLE_TASK_KEY,
        status: "ongoing",
        lastMessage: "",
        currentProgress: 0,
        totalProgress: 0,
      }],
    },
    serverId: "s",
    tags: [],
  });
  now += 301_000;
  assert.equal(await second.manager.reviveOrphans(), 0);
  const ghost = await store.getTask("0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d");
  assert.equal(ghost?.subtasks[0]?.status, "failure");
  assert.equal(
    ghost?.subtasks[0]?.lastMessage,
    "Task handler not registered: ghost",
  );
  await second.until(() =>
    second.of("0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d").length === 1
  );
  assert.equal(
    second.of("0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d")[0]?.name,
    "bgtask_failed",
  );
});

Deno.test("bgtask: init runs the loops; heartbeats keep a running task from being claimed", async () => {
  let now = 0;
  const store = new MemoryBgtaskStore({ now: () => now });
  await using h = await harness({
    store,
    heartbeatIntervalMs: 10,
    retryIntervalMs: 10_000,
  });
  let release!: () => void;
  h.manager.registry.register({
    name: "long",
    manifest: z.object({}),
    execute: () => new Promise<void>((r) => (release = r)),
  });
  await h.manager.init();
  assert.equal(h.manager.stats.loops, 2);
  const id = await h.manager.startRetriable("long", {});
  now += 301_000;
  await new Promise((r) => setTimeout(r, 40)); // a few heartbeats
  assert.deepEqual(await store.fetchUnmanagedTasks("server-1", []), []);
  release();
  await h.manager.wait(id);
  await h.manager.close();
  assert.equal(h.manager.stats.loops, 0);
});

Deno.test("bgtask: invalid options are named", () => {
  assert.throws(
    () => new MemoryBgtaskStore({ claimThresholdSeconds: 90_000 }),
    InvalidAPIParameters,
  );
});

Deno.test("bgtask: close leaves a retriable task ongoing for revival, unless it finished", async () => {
  const store = new MemoryBgtaskStore();
  const h = await harness({ store, cancelGraceMs: 50 });
  h.manager.registry.register({
    name: "stops",
    manifest: z.object({ resolve: z.boolean() }),
    execute: ({ resolve }, { signal }) =>
      new Promise((ok, fail) =>
        signal.addEventListener(
          "abort",
          () => resolve ? ok("finished anyway") : fail(signal.reason),
        )
      ),
  });
  const interrupted = await h.manager.startRetriable("stops", {
    resolve: false,
  });
  const finished = await h.manager.startRetriable("stops", { resolve: true });
  await h.manager.close();
  assert.equal((await store.getTask(interrupted))?.info.ongoingCount, 1);
  assert.equal(
    (await store.getTask(interrupted))?.subtasks[0]?.status,
    "ongoing",
  );
  assert.equal((await store.getTask(finished))?.subtasks[0]?.status, "success");
  assert.deepEqual(await store.listTaskIds({ serverId: "server-1" }), [
    interrupted,
  ]);
  await h[Symbol.asyncDispose]();
});
