// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Orphan revival on the memory store: what is revived, what is failed once
// (and never claimed again), concurrency, and shutdown while a check runs.

import assert from "node:assert/strict";
import { z } from "zod";
import {
  type BgtaskObserver,
  MemoryBgtaskStore,
  WHOLE_TASK_KEY,
} from "../../../bgtask/mod.ts";
import { harness } from "./_harness.ts";
import { orphan } from "./_orphan.ts";

/** A memory store whose clock the test moves, and whose claims it can hold. */
class HeldStore extends MemoryBgtaskStore {
  now = 1_000_000;
  held: Promise<void> | undefined;
  claims = 0;
  inFlight = 0;
  maxInFlight = 0;
  claimEntered: () => void = () => {};

  constructor() {
    super({ now: () => this.now });
  }

  override async claimTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    this.claims++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.claimEntered();
    try {
      await (this.held ?? new Promise((r) => setTimeout(r, 5)));
      await super.claimTask(taskId, serverId, tags);
    } finally {
      this.inFlight--;
    }
  }
}

const resize = {
  name: "resize",
  manifest: z.object({ size: z.number() }),
};

Deno.test("bgtask orphans: a task claimed by a check that close() overtakes never starts", async () => {
  const store = new HeldStore();
  const id = crypto.randomUUID();
  await store.registerTask({ task: orphan(id), serverId: "s", tags: [] });
  store.now += 301_000;
  const h = await harness({ store, serverId: "s", cancelGraceMs: 200 });
  const runs: AbortSignal[] = [];
  h.manager.registry.register({
    ...resize,
    execute: (_manifest, { signal }) => {
      runs.push(signal);
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    },
  });
  let release!: () => void;
  store.held = new Promise((r) => (release = r));
  const entered = new Promise<void>((r) => (store.claimEntered = r));
  const check = h.manager.reviveOrphans();
  await entered; // the check waits on the claim
  const closed = h.manager.close();
  release();
  await closed;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.manager.stats.running, 0, "a task runs after close()");
  assert.equal(runs.length, 0, "the claimed task started after close()");
  assert.equal(await check, 0);
  // Still ongoing in the store, for the next check of a live server.
  assert.equal((await store.getTask(id))?.subtasks[0]?.status, "ongoing");
  await h[Symbol.asyncDispose]();
});

Deno.test("bgtask orphans: the running gauge goes back to zero on shutdown", async () => {
  let gauge = 0;
  const finished: string[] = [];
  const observer: BgtaskObserver = {
    taskStarted: () => gauge++,
    taskFinished: (_name, status) => {
      gauge--;
      finished.push(status);
    },
  };
  await using h = await harness({ observer, cancelGraceMs: 20 });
  h.manager.registry.register({
    name: "stops",
    manifest: z.object({ cooperate: z.boolean() }),
    execute: ({ cooperate }, { signal }) =>
      new Promise((_, reject) => {
        if (cooperate) {
          signal.addEventListener("abort", () => reject(signal.reason));
        }
      }),
  });
  await h.manager.startRetriable("stops", { cooperate: true });
  await h.manager.startRetriable("stops", { cooperate: false });
  await h.manager.start(() => new Promise(() => {}));
  assert.equal(gauge, 3);
  await h.manager.close();
  assert.equal(gauge, 0, `gauge ${gauge} after close (${finished})`);
  assert.deepEqual(finished.sort(), [
    "bgtask_cancelled",
    "bgtask_unknown",
    "bgtask_unknown",
  ]);
});

Deno.test("bgtask orphans: a task whose registration outlasts close() never starts and leaves the gauge at zero", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  class SlowStore extends MemoryBgtaskStore {
    override async registerTask(
      args: Parameters<MemoryBgtaskStore["registerTask"]>[0],
    ): Promise<void> {
      await held;
      await super.registerTask(args);
    }
  }
  let gauge = 0;
  const observer: BgtaskObserver = {
    taskStarted: () => gauge++,
    taskFinished: () => gauge--,
  };
  const store = new SlowStore();
  const h = await harness({ store, observer, cancelGraceMs: 20 });
  const runs: string[] = [];
  h.manager.registry.register({
    ...resize,
    execute: (_m, { taskId }) => {
      runs.push(taskId);
      return "ok";
    },
  });
  const starting = h.manager.startRetriable("resize", { size: 1 });
  await h.manager.close();
  release();
  const id = await starting;
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(runs, [], "the task ran after close()");
  assert.equal(gauge, 0);
  assert.equal(h.manager.stats.running, 0);
  // Stored and ongoing: another server (or this one restarted) revives it.
  assert.equal((await store.getTask(id))?.subtasks[0]?.status, "ongoing");
  await h[Symbol.asyncDispose]();
});

Deno.test("bgtask orphans: orphans are claimed and started together, not one after another", async () => {
  const store = new HeldStore();
  const ids = Array.from({ length: 10 }, () => crypto.randomUUID());
  for (const id of ids) {
    await store.registerTask({ task: orphan(id), serverId: "s", tags: [] });
  }
  store.now += 301_000;
  await using h = await harness({ store, serverId: "s" });
  h.manager.registry.register({ ...resize, execute: () => "ok" });
  assert.equal(await h.manager.reviveOrphans(), 10);
  assert.equal(store.claims, 10);
  assert.equal(store.maxInFlight, 10, `at most ${store.maxInFlight} at once`);
  for (const id of ids) assert.equal(await h.manager.wait(id), "bgtask_done");
});

Deno.test("bgtask orphans: parallel, batch and inconsistent orphans are failed once and never claimed again", async () => {
  const store = new HeldStore();
  const parallel = crypto.randomUUID();
  const batch = crypto.randomUUID();
  const empty = crypto.randomUUID();
  const twice = crypto.randomUUID();
  const part = crypto.randomUUID();
  const tasks = [
    orphan(parallel, {
      type: "parallel",
      subtasks: [["a", "ongoing"], ["b", "success"], ["c", "ongoing"]],
    }),
    orphan(batch, { type: "batch", subtasks: [["x", "ongoing"]] }),
    // The counter says one is running, but no subtask is.
    orphan(empty, { subtasks: [[WHOLE_TASK_KEY, "success"]], ongoingCount: 1 }),
    // A single task must have exactly one subtask.
    orphan(twice, { subtasks: [["p", "ongoing"], ["q", "ongoing"]] }),
    // ... and it is `__whole__`.
    orphan(part, { subtasks: [["part", "ongoing"]] }),
  ];
  for (const task of tasks) {
    await store.registerTask({ task, serverId: "s", tags: ["t"] });
  }
  store.now += 301_000;
  await using h = await harness({ store, serverId: "s", tags: ["t"] });
  const runs: string[] = [];
  h.manager.registry.register({
    ...resize,
    execute: (_m, { taskId }) => {
      runs.push(taskId);
      return "ok";
    },
  });
  assert.equal(await h.manager.reviveOrphans(), 0);
  assert.deepEqual(runs, []);
  const stored = await store.getTask(parallel);
  assert.deepEqual(
    stored?.subtasks.map((s) => [s.key, s.status]),
    [["a", "failure"], ["b", "success"], ["c", "failure"]],
  );
  assert.match(
    stored?.subtasks[0]?.lastMessage ?? "",
    /^Task not revived: a parallel task is not revived here/,
  );
  assert.equal(stored?.info.ongoingCount, 0);
  assert.match(
    (await store.getTask(batch))?.subtasks[0]?.lastMessage ?? "",
    /^Task not revived: a batch task is not revived here/,
  );
  assert.deepEqual(
    (await store.getTask(twice))?.subtasks.map((s) => s.status),
    ["failure", "failure"],
  );
  assert.equal(
    (await store.getTask(part))?.subtasks[0]?.lastMessage,
    'Task not revived: a single task\'s subtask must be "__whole__", not "part"',
  );
  // Every one left the sets, and each got one final event.
  assert.deepEqual(await store.listTaskIds({ serverId: "s" }), []);
  assert.deepEqual(await store.listTaskIds({ tag: "t" }), []);
  await h.until(() => tasks.every(({ info }) => h.of(info.taskId).length > 0));
  for (const { info } of tasks) {
    assert.deepEqual(
      h.of(info.taskId).map((e) => e.name),
      ["bgtask_failed"],
      info.taskId,
    );
  }
  // Five minutes later, nothing is claimed again.
  store.now += 301_000;
  assert.deepEqual(await store.fetchUnmanagedTasks("s", ["t"]), []);
  assert.equal(await h.manager.reviveOrphans(), 0);
  assert.equal(h.events.length, tasks.length);
});
