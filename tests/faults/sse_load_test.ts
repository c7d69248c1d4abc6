// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Load on one task's event stream: 2 000 SSE clients (10 000 with
// BACKEND_FAULTS_SCALE=soak) on real HTTP connections, opened by a child
// process (tests/faults/_sse_clients.ts) so that the server's and the
// clients' sockets each stay under the open-file limit, all follow one
// background task through the library's web layer (`Router` serving
// `taskEventStream` on `Deno.serve`; the node:http adapter under Node and
// Bun). The task waits until every client's propagator is in the hub, sends
// its progress and finishes.
//
// Asserted: every client got `bgtask_done` exactly once and every progress
// update; once the clients are gone, no propagator is left in the hub (the
// hub's observer count is 0 and the task's events reach nobody), the
// manager runs nothing, and Deno's sanitizers find no timer, socket or
// process left. Memory: the resident set grows by less than 128 KiB per
// open stream (measured about 25 to 40 KiB: a socket, a stream, a
// propagator and a keep-alive timer each), and the V8 heap after a full
// collection, with the clients gone, is within 2 KiB per client of what it
// was before (a propagator or stream kept per client would be more).
//
// The code under test is taskEventStream's cleanup (bgtask/sse.ts: the
// propagator leaves the hub when the stream ends or the client goes) and
// eventStreamResponse / sseResponse (events/hub.ts, web/sse.ts).

import assert from "node:assert/strict";
import process from "node:process";
import { BackgroundTaskManager, relayBgtaskEvents } from "../../bgtask/mod.ts";
import { taskEventStream } from "../../bgtask/mod.ts";
import {
  BGTASK_EVENTS,
  BgtaskDoneEvent,
  cachedEventFetcher,
  EventDispatcher,
  EventHub,
  EventProducer,
  EventRegistry,
} from "../../events/mod.ts";
import { MemoryQueue } from "../../message_queue/mod.ts";
import {
  compose,
  Router,
  type ServeHandler,
  serveNode,
} from "../../web/mod.ts";
import { quietLogger } from "../_logger.ts";
import { spawnFaultChild } from "./_child.ts";
import { mib, readMemory } from "./_memory.ts";
import { faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const CLIENTS = faultScale() === "soak" ? 10_000 : 2_000;
const UPDATES = 5;
/** Resident set growth allowed per open stream while all are open. */
const RSS_PER_CLIENT = 128 * 1024;
/** V8 heap growth allowed per client once they are gone (after a GC). */
const HEAP_LEFT_PER_CLIENT = 2 * 1024;

interface ClientCounts {
  clients: number;
  connected: number;
  ok: number;
  done: number;
  doneTwice: number;
  minUpdates: number;
  maxUpdates: number;
  errors: number;
  firstError?: string;
}

/** Serves `handler` on loopback port 0 with this runtime's server. */
async function serve(
  handler: ServeHandler,
): Promise<{ port: number; close: () => Promise<void> }> {
  if (process.versions.deno !== undefined) {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      handler,
    );
    return { port: server.addr.port, close: () => server.shutdown() };
  }
  const server = await serveNode(handler, {});
  return { port: server.addr.port, close: () => server.close() };
}

Deno.test(`fault: ${CLIENTS} SSE clients on one task's stream all get the end, and leave nothing behind`, async () => {
  const before = readMemory(true);
  let active = 0;
  let peak = 0;
  const hub = new EventHub({
    observer: {
      registered: () => void (peak = Math.max(peak, ++active)),
      unregistered: () => void active--,
    },
  });
  const queue = new MemoryQueue({ nodeId: "sse-load", logger: quietLogger });
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: "sse-load" }),
    serverId: "sse-load",
    logger: quietLogger,
  });
  const dispatcher = new EventDispatcher(queue, {
    group: "web",
    logger: quietLogger,
  });
  relayBgtaskEvents(dispatcher, hub);
  await dispatcher.start();
  const fetchCached = cachedEventFetcher(
    queue.broadcaster(),
    new EventRegistry(BGTASK_EVENTS),
  );
  const router = new Router().get(
    "/tasks/{id}/events",
    // A client that goes away cancels the body, which ends the stream.
    (_request, context) =>
      taskEventStream(context.params.id as string, { hub, fetchCached }),
  );
  const server = await serve(compose([], router.handler));
  let release!: () => void;
  const everyoneListens = new Promise<void>((resolve) => (release = resolve));
  const taskId = await manager.start(async (reporter) => {
    await everyoneListens;
    reporter.total = UPDATES;
    for (let step = 1; step <= UPDATES; step++) {
      await reporter.update(1, `step ${step} of ${UPDATES}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return "finished";
  }, { name: "sse_load" });
  const clients = spawnFaultChild("_sse_clients", [
    String(server.port),
    `/tasks/${taskId}/events`,
    String(CLIENTS),
    "250",
  ]);
  let counts: ClientCounts | undefined;
  let open = before;
  const startedAt = performance.now();
  try {
    await until(
      () => active === CLIENTS || clients.output().includes("{"),
      120_000,
      `${CLIENTS} propagators in the hub`,
    );
    const connectMs = Math.round(performance.now() - startedAt);
    open = readMemory(false);
    release();
    assert.equal(await manager.wait(taskId), "bgtask_done");
    const code = await clients.code;
    const lines = clients.output().trim().split("\n");
    counts = JSON.parse(lines.at(-1) ?? "{}") as ClientCounts;
    const endMs = Math.round(performance.now() - startedAt);
    assert.equal(code, 0, "the client process exits cleanly");
    // The streams that ended are out of the hub by now; wait a little for
    // the last cleanups that run after the bytes were sent.
    await until(() => active === 0, 10_000, "every propagator to leave");
    const after = readMemory(true);
    const rssPerClient = (open.rss - before.rss) / CLIENTS;
    const heapLeft = after.heapUsed - before.heapUsed;
    console.log(
      `SSE load: ${CLIENTS} clients connected in ${connectMs} ms, all ended ` +
        `${endMs} ms after the start; ${counts.done} got bgtask_done, ` +
        `updates per client ${counts.minUpdates}..${counts.maxUpdates}; ` +
        `RSS ${mib(before.rss)} -> ${mib(open.rss)} open ` +
        `(${(rssPerClient / 1024).toFixed(1)} KiB per client) -> ` +
        `${mib(after.rss)} after; heap ${mib(before.heapUsed)} -> ` +
        `${mib(open.heapUsed)} open -> ${mib(after.heapUsed)} after GC`,
    );
    await reportFaultFigures({
      kind: "fault",
      name: "sse-load",
      sent: CLIENTS,
      handled: counts.done,
      lost: CLIENTS - counts.done - counts.doneTwice,
      duplicates: counts.doneTwice,
      recoveryMs: endMs,
    });
    assert.equal(counts.clients, CLIENTS);
    assert.equal(counts.errors, 0, `socket errors: ${counts.firstError}`);
    assert.equal(counts.ok, CLIENTS, "every response is 200");
    assert.equal(peak, CLIENTS, "every client's propagator was in the hub");
    assert.equal(counts.done, CLIENTS, "every client got bgtask_done once");
    // "Task started" (cached or live), then each update.
    assert.ok(
      counts.minUpdates >= UPDATES + 1,
      `every client got every update (${counts.minUpdates})`,
    );
    assert.equal(
      hub.propagate(
        BgtaskDoneEvent.create({ task_id: taskId, message: "again" }),
      ),
      0,
      "nothing listens to the task any more",
    );
    assert.equal(manager.stats.running, 0);
    assert.ok(
      rssPerClient < RSS_PER_CLIENT,
      `RSS per open stream ${(rssPerClient / 1024).toFixed(1)} KiB`,
    );
    assert.ok(
      heapLeft < HEAP_LEFT_PER_CLIENT * CLIENTS,
      `heap left after the clients went: ${mib(heapLeft)}`,
    );
  } finally {
    release();
    await clients.kill();
    await server.close();
    await dispatcher.close();
    await manager.close();
    await queue.close();
  }
});
