// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Load on one task's event stream: 2 000 SSE clients (10 000 with
// BACKEND_FAULTS_SCALE=soak) on real HTTP connections, opened by a child
// process (tests/faults/_sse_clients.ts) so that the server's and the
// clients' sockets each stay under the open-file limit, all follow one
// background task through the library's web layer (`Router` serving
// `taskEventStream` on `Deno.serve`; the node:http adapter under Node and
// Bun). The task waits until every client's propagator is in the hub, sends
// its progress and finishes. Three rounds, one task each, on the same
// server; in the third, half of the clients close their sockets after the
// first update, while the task sends nothing more until their propagators
// left the hub (10 keep-alive intervals at most; measured 0 to 360 ms, as
// Deno.serve, node:http and Bun see the close at once).
//
// Asserted each round: every client that stayed got `bgtask_done` exactly
// once and every progress update, none that left got it; once the clients
// are gone, no propagator is left in the hub (the hub's observer count is 0
// and the task's events reach nobody) and the manager runs nothing; at the
// end Deno's sanitizers find no timer, socket or process left. Memory: the
// resident set grows by less than 128 KiB per open stream in round 1
// (measured 56 KiB under Deno with 2 000, 70 KiB with 10 000, 42 KiB under
// Node: a socket, a stream, a propagator and a keep-alive timer each), and
// the V8 heap after a full collection grows by less than 2 KiB per client
// (plus 1 MiB; 16 MiB under Node, whose heap varies that much between rounds
// without growing) from the end of round 1 to the end of round 2. Round 1 is
// the baseline because the runtimes keep some state that grows with the
// peak, not with the clients served (Node's pool of HTTP parsers holds up to
// 1 000): after one round, 4 000 clients under Node left no more heap than 2
// 000 (about 20 MiB). A propagator or stream kept per client would be more
// than 2 KiB each.
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
import { type FaultChild, spawnFaultChild } from "./_child.ts";
import { type MemoryReading, mib, readMemory } from "./_memory.ts";
import { faultScale, until } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const CLIENTS = faultScale() === "soak" ? 10_000 : 2_000;
const UPDATES = 5;
/** The streams' keep-alive interval: how a client gone while idle is found. */
const KEEP_ALIVE_MS = 1_000;
/** Resident set growth allowed per open stream while all are open. */
const RSS_PER_CLIENT = 128 * 1024;
/** V8 heap growth allowed per client once they are gone (after a GC). */
const HEAP_LEFT_PER_CLIENT = 2 * 1024;
/**
 * Plus a fixed slack: the heap after a full collection varies between
 * rounds by 0.1 to 0.2 MiB under Deno and Bun, but by up to 15 MiB under
 * Node, without growing (25 to 33 MiB over four rounds of 2 000).
 */
const HEAP_SLACK = process.versions.deno !== undefined ||
    process.versions.bun !== undefined
  ? 1024 * 1024
  : 16 * 1024 * 1024;

interface ClientCounts {
  clients: number;
  connected: number;
  ok: number;
  done: number;
  doneTwice: number;
  quit: number;
  quitterDone: number;
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

/** One round's outcome. */
interface Round {
  counts: ClientCounts;
  connectMs: number;
  endMs: number;
  /** Memory with every stream open (no collection). */
  open: MemoryReading;
  /** Memory once the clients are gone, after a collection. */
  after: MemoryReading;
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
      taskEventStream(context.params.id as string, {
        hub,
        fetchCached,
        keepAliveMs: KEEP_ALIVE_MS,
      }),
  );
  const server = await serve(compose([], router.handler));
  let release = () => {};
  let clients: FaultChild | undefined;

  /** One task followed by CLIENTS clients, checked; returns the figures. */
  async function round(name: string, quitters = 0): Promise<Round> {
    peak = 0;
    const everyoneListens = new Promise<void>((resolve) => (release = resolve));
    let resume = () => {};
    const quittersGone = new Promise<void>((resolve) => (resume = resolve));
    const taskId = await manager.start(async (reporter) => {
      await everyoneListens;
      reporter.total = UPDATES;
      for (let step = 1; step <= UPDATES; step++) {
        await reporter.update(1, `step ${step} of ${UPDATES}`);
        // After the first update the task sends nothing until the
        // quitters' propagators left: the server must see the closed
        // sockets without a write of the stream's own (a keep-alive write
        // every KEEP_ALIVE_MS is the fallback).
        if (step === 1 && quitters > 0) await quittersGone;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return "finished";
    }, { name: "sse_load" });
    const startedAt = performance.now();
    clients = spawnFaultChild("_sse_clients", [
      String(server.port),
      `/tasks/${taskId}/events`,
      String(CLIENTS),
      "250",
      String(quitters),
    ]);
    const child = clients;
    await until(
      () => active === CLIENTS || child.output().includes("{"),
      120_000,
      `${CLIENTS} propagators in the hub`,
    );
    const connectMs = Math.round(performance.now() - startedAt);
    const open = readMemory(false);
    release();
    let releaseMs: number | undefined;
    if (quitters > 0) {
      await until(
        () => child.output().includes("quit "),
        30_000,
        "the quitters to close their sockets",
      );
      const quitAt = performance.now();
      await until(
        () => active === CLIENTS - quitters,
        10 * KEEP_ALIVE_MS,
        "the quitters' propagators to leave the hub",
      ).finally(() => resume());
      releaseMs = Math.round(performance.now() - quitAt);
    }
    assert.equal(await manager.wait(taskId), "bgtask_done");
    const code = await child.code;
    const lines = child.output().trim().split("\n");
    const counts = JSON.parse(lines.at(-1) ?? "{}") as ClientCounts;
    const endMs = Math.round(performance.now() - startedAt);
    assert.equal(code, 0, "the client process exits cleanly");
    // The streams that ended are out of the hub by now; wait a little for
    // the last cleanups that run after the bytes were sent.
    await until(() => active === 0, 10_000, "every propagator to leave");
    const after = readMemory(true);
    console.log(
      `SSE load, ${name}: ${CLIENTS} clients connected in ${connectMs} ms, ` +
        (quitters === 0
          ? ""
          : `${counts.quit} went away while the stream was idle and left ` +
            `the hub ${releaseMs} ms later, `) +
        `all ended ${endMs} ms after the start; ${counts.done} got ` +
        `bgtask_done, updates per client ${counts.minUpdates}..` +
        `${counts.maxUpdates}; RSS ${mib(open.rss)} open, ${mib(after.rss)} ` +
        `after; heap ${mib(open.heapUsed)} open, ${mib(after.heapUsed)} ` +
        `after GC`,
    );
    assert.equal(counts.clients, CLIENTS);
    assert.equal(counts.errors, 0, `socket errors: ${counts.firstError}`);
    assert.equal(counts.ok, CLIENTS, "every response is 200");
    assert.equal(peak, CLIENTS, "every client's propagator was in the hub");
    assert.equal(counts.quit, quitters);
    assert.equal(counts.quitterDone, 0, "the quitters left before the end");
    assert.equal(
      counts.done,
      CLIENTS - quitters,
      "every client that stayed got bgtask_done once",
    );
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
    return { counts, connectMs, endMs, open, after };
  }

  try {
    const first = await round("round 1");
    const second = await round("round 2");
    const third = await round("round 3, half go away", CLIENTS / 2);
    const rssPerClient = (first.open.rss - before.rss) / CLIENTS;
    const heapLeft = second.after.heapUsed - first.after.heapUsed;
    console.log(
      `SSE load: RSS ${(rssPerClient / 1024).toFixed(1)} KiB per open ` +
        `stream (round 1); heap after round 2 minus after round 1: ` +
        `${mib(heapLeft)}`,
    );
    await reportFaultFigures({
      kind: "fault",
      name: "sse-load",
      sent: 2.5 * CLIENTS,
      handled: first.counts.done + second.counts.done + third.counts.done,
      lost: 2.5 * CLIENTS - first.counts.done - second.counts.done -
        third.counts.done,
      duplicates: first.counts.doneTwice + second.counts.doneTwice +
        third.counts.doneTwice,
      recoveryMs: Math.max(first.endMs, second.endMs, third.endMs),
    });
    assert.ok(
      rssPerClient < RSS_PER_CLIENT,
      `RSS per open stream ${(rssPerClient / 1024).toFixed(1)} KiB`,
    );
    assert.ok(
      // Without a collection (a runtime that allows none) the heap
      // holds garbage: only the other checks apply.
      !second.after.collected ||
        heapLeft < HEAP_SLACK + HEAP_LEFT_PER_CLIENT * CLIENTS,
      `heap left by round 2: ${mib(heapLeft)}`,
    );
  } finally {
    release();
    await clients?.kill();
    await server.close();
    await dispatcher.close();
    await manager.close();
    await queue.close();
  }
});
