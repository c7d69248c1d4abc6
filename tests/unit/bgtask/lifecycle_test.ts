// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  MemoryBgtaskStore,
  relayBgtaskEvents,
  taskEventStream,
} from "../../../bgtask/mod.ts";
import {
  BGTASK_EVENTS,
  BgtaskDoneEvent,
  cachedEventFetcher,
  EventDispatcher,
  EventHub,
  EventRegistry,
} from "../../../events/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { harness } from "./_harness.ts";

Deno.test("bgtask: 1000 concurrent tasks finish and leave nothing behind", async () => {
  const store = new MemoryBgtaskStore();
  await using h = await harness({ store });
  h.manager.registry.register({
    name: "work",
    manifest: z.object({ n: z.number() }),
    async execute({ n }, { reporter }) {
      reporter.total = 2;
      await reporter.update(1, "one");
      await new Promise((r) => setTimeout(r, n % 3));
      await reporter.update(1, "two");
      if (n % 10 === 0) throw new Error(`task ${n} failed`);
      return String(n);
    },
  });
  const ids = await Promise.all(
    Array.from(
      { length: 1000 },
      (_, n) =>
        n % 2 === 0 ? h.manager.startRetriable("work", { n }) : h.manager.start(
          async (reporter) => {
            await reporter.update(1);
            await new Promise((r) => setTimeout(r, n % 3));
          },
        ),
    ),
  );
  assert.equal(new Set(ids).size, 1000);
  const statuses = await Promise.all(ids.map((id) => h.manager.wait(id)));
  assert.equal(statuses.filter((s) => s === "bgtask_failed").length, 100);
  assert.equal(statuses.filter((s) => s === "bgtask_done").length, 900);
  assert.deepEqual(h.manager.stats, {
    running: 0,
    retriable: 0,
    recentResults: 1000,
    graceTimers: 0,
    loops: 0,
  });
  assert.deepEqual(await store.listTaskIds({ serverId: "server-1" }), []);
  // Every task sent its events: started, progress, one final event.
  await h.until(() => h.events.length === 500 * 4 + 500 * 3);
  const finals = h.events.filter((e) => e.name !== "bgtask_updated");
  assert.equal(finals.length, 1000);
});

Deno.test("bgtask: a process with 1000 tasks and the loops exits by itself after close", async () => {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const child = here.replace(
    /lifecycle_test\.(ts|js)$/,
    `_thousand_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = compiled ? [child] : ["run", "-A", child];
  const started = Date.now();
  const { code, stdout } = await new Promise<
    { code: number | null; stdout: string }
  >((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk) => (out += chunk));
    const killer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
    proc.on("error", reject);
    proc.on("exit", (exitCode) => {
      clearTimeout(killer);
      resolve({ code: exitCode, stdout: out });
    });
  });
  assert.equal(code, 0, "the child did not exit by itself");
  const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
  assert.equal(report.done, 1000);
  assert.deepEqual(report.stats, {
    running: 0,
    retriable: 0,
    recentResults: 1000,
    graceTimers: 0,
    loops: 0,
  });
  assert.ok(Date.now() - started < 60_000);
});

Deno.test("bgtask: a late SSE client gets the cached state, then live progress to the end", async () => {
  await using h = await harness();
  const hub = new EventHub();
  await using dispatcher = new EventDispatcher(h.queue, {
    group: "web",
    logger: quietLogger,
  });
  relayBgtaskEvents(dispatcher, hub);
  await dispatcher.start();
  let release!: () => void;
  const id = await h.manager.start(async (reporter) => {
    reporter.total = 3;
    await reporter.update(1, "one of three");
    await new Promise<void>((r) => (release = r));
    await reporter.update(2, "three of three");
    return "finished";
  });
  await h.until(() => h.of(id).length === 2);
  const response = taskEventStream(id, {
    hub,
    fetchCached: cachedEventFetcher(
      h.queue.broadcaster(),
      new EventRegistry(BGTASK_EVENTS),
    ),
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  const first = await reader.read();
  assert.match(
    first.value ?? "",
    /^event: bgtask_updated\nretry: 5\ndata: .*"message":"one of three".*"current_progress":1/,
  );
  release();
  let rest = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += value;
  }
  assert.match(rest, /"message":"three of three"/);
  assert.match(rest, /event: bgtask_done\ndata: .*"message":"finished"/);
  assert.ok(rest.trimEnd().endsWith("}"));
  assert.equal(rest.indexOf("bgtask_done"), rest.lastIndexOf("bgtask_done"));
});

Deno.test("bgtask: an SSE stream cancelled or aborted before its first read leaves nothing registered in the hub", async () => {
  await using h = await harness();
  const hub = new EventHub();
  const fetchCached = cachedEventFetcher(
    h.queue.broadcaster(),
    new EventRegistry(BGTASK_EVENTS),
  );
  const id = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
  const event = BgtaskDoneEvent.create({ task_id: id, message: "x" });
  await taskEventStream(id, { hub, fetchCached }).body!.cancel();
  const controller = new AbortController();
  controller.abort();
  const aborted = taskEventStream(id, {
    hub,
    fetchCached,
    signal: controller.signal,
  });
  assert.equal((await aborted.body!.getReader().read()).done, true);
  assert.equal(hub.propagate(event), 0, "no propagator is left registered");
});

Deno.test("bgtask: an observer that throws is logged; the task still finishes and is forgotten", async () => {
  await using h = await harness({
    observer: {
      taskStarted: () => {
        throw new Error("metrics down");
      },
      taskFinished: () => {
        throw new Error("metrics down");
      },
    },
  });
  const id = await h.manager.start(() => "ok");
  assert.equal(await h.manager.wait(id), "bgtask_done");
  assert.equal(h.manager.stats.running, 0);
});
