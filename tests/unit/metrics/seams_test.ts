// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The observers in the seams they were written for, without the metrics
 * module importing those modules: each observer is assigned to the seam's
 * own type here (a compile-time check) and driven by the real component.
 */

import assert from "node:assert/strict";
import { z } from "zod";
import {
  BackgroundTaskManager,
  type BgtaskObserver,
} from "../../../bgtask/mod.ts";
import {
  BypassPropagator,
  defineEvent,
  EventDispatcher,
  EventDomain,
  EventHub,
  type EventHubObserver,
  type EventObserver,
  EventProducer,
} from "../../../events/mod.ts";
import {
  MemoryQueue,
  type OutgoingMessage,
  type TrimmingOptions,
} from "../../../message_queue/mod.ts";
import { MetricRegistry } from "../../../metrics/mod.ts";
import {
  type LayerMetricsRecorder,
  MetricPolicy,
  RetryPolicy,
  wrap,
} from "../../../resilience/mod.ts";
import { quietLogger } from "../../_logger.ts";

const Job = defineEvent({
  name: "metrics_job",
  domain: EventDomain.LOG,
  pattern: "anycast",
  schema: z.object({ n: z.number() }),
});

function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    map.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return map;
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.fail("the condition never held");
}

Deno.test("the observers fit the seams' types", () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  const event: EventObserver = metrics.event;
  const bgtask: BgtaskObserver = metrics.bgtask;
  const layer: LayerMetricsRecorder = metrics.layer;
  const hub: EventHubObserver = metrics.eventPropagator;
  const onTrimLoss: TrimmingOptions["onTrimLoss"] = metrics.messageQueue
    .trimLoss;
  assert.ok(event && bgtask && layer && hub && onTrimLoss);
});

Deno.test("EventDispatcher → metrics.event: every handler run counted on the fast path", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  await using queue = new MemoryQueue({ logger: quietLogger });
  const producer = new EventProducer(queue, { source: "test" });
  await using dispatcher = new EventDispatcher(queue, {
    group: "g",
    logger: quietLogger,
    observer: metrics.event,
    onConsumerError: () => {},
  });
  let handled = 0;
  // A plain handler: the dispatcher's fast path.
  dispatcher.consume(Job, (_c, _s, body) => {
    handled++;
    if (body.n === 3) throw new TypeError("three");
  });
  await dispatcher.start();
  for (let n = 0; n < 5; n++) await producer.anycast(Job.create({ n }));
  await until(() => handled >= 5);
  await until(async () =>
    samples(await metrics.toPrometheus()).get(
      'backendai_event_count_total{event_type="metrics_job"}',
    ) === 5
  );
  const map = samples(await metrics.toPrometheus());
  assert.equal(
    map.get(
      'backendai_event_failure_count_total{event_type="metrics_job",exception="TypeError",domain="backendai",operation="generic",error_detail="internal-error"}',
    ),
    1,
  );
  assert.equal(
    map.get(
      'backendai_event_processing_time_sec_count{event_type="metrics_job",status="success",domain="",operation="",error_detail=""}',
    ),
    4,
  );
});

Deno.test("EventDispatcher: the observer hears fast-path runs, sync and async, and one that throws breaks nothing", async () => {
  for (const asyncHandler of [false, true]) {
    const heard: string[] = [];
    const observer: EventObserver = {
      onSuccess: (event, ms) => {
        assert.ok(ms >= 0);
        heard.push(`ok ${event}`);
        throw new Error("metrics down");
      },
      onFailure: (event, _ms, error) =>
        heard.push(`failed ${event} ${(error as Error).message}`),
    };
    await using queue = new MemoryQueue({ logger: quietLogger });
    const producer = new EventProducer(queue, { source: "test" });
    const logged: string[] = [];
    await using dispatcher = new EventDispatcher(queue, {
      group: "g",
      logger: { ...quietLogger, error: (message) => void logged.push(message) },
      observer,
      onConsumerError: () => {},
    });
    const done: number[] = [];
    dispatcher.consume(
      Job,
      asyncHandler
        ? async (_c, _s, body) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          done.push(body.n);
          if (body.n === 1) throw new Error("one");
        }
        : (_c, _s, body) => {
          done.push(body.n);
          if (body.n === 1) throw new Error("one");
        },
    );
    await dispatcher.start();
    await producer.anycast(Job.create({ n: 0 }));
    await producer.anycast(Job.create({ n: 1 }));
    await until(() => heard.length >= 2);
    assert.deepEqual(heard.slice(0, 2).sort(), [
      "failed metrics_job one",
      "ok metrics_job",
    ]);
  }
});

Deno.test("BackgroundTaskManager → metrics.bgtask: the running gauge and the outcomes", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  await using queue = new MemoryQueue({ logger: quietLogger });
  await using manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, { source: "m" }),
    serverId: "m",
    observer: metrics.bgtask,
    logger: quietLogger,
  });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const running = await manager.start(async () => {
    await held;
    return "done";
  }, { name: "copy_folder" });
  const failing = await manager.start(() => {
    throw new Error("disk full");
  }, { name: "copy_folder" });
  await manager.wait(failing);
  let map = samples(await metrics.toPrometheus());
  assert.equal(map.get('backendai_bgtask_count{task_name="copy_folder"}'), 1);
  release();
  await manager.wait(running);
  map = samples(await metrics.toPrometheus());
  assert.equal(map.get('backendai_bgtask_count{task_name="copy_folder"}'), 0);
  assert.equal(
    map.get(
      'backendai_bgtask_done_count_total{task_name="copy_folder",status="bgtask_done",domain="",operation="",error_detail=""}',
    ),
    1,
  );
  assert.equal(
    map.get(
      'backendai_bgtask_done_count_total{task_name="copy_folder",status="bgtask_failed",domain="bgtask",operation="execute",error_detail="internal-error"}',
    ),
    1,
  );
});

Deno.test("MemoryQueue → metrics.messageQueue: a group's hard-cap loss is counted as the queue counts it", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  await using queue = new MemoryQueue({
    maxLen: 10,
    hardMaxLen: 20,
    trimIntervalMs: 60_000,
    onTrimLoss: metrics.messageQueue.trimLoss,
    logger: quietLogger,
  });
  const consumer = await queue.consumer({ group: "g" });
  await consumer.close(); // the group is down while 30 entries arrive
  const batch = Array.from({ length: 30 }, (_, n): OutgoingMessage => ({
    name: "m",
    source: "test",
    payload: JSON.stringify({ n }),
  }));
  await queue.anycaster().anycastBatch(batch);
  await queue.trimNow();
  const lost = queue.stats.lostEntries;
  assert.ok(lost >= 10, `the cap dropped ${lost}`);
  const map = samples(await metrics.toPrometheus());
  assert.equal(
    map.get(
      'backendai_message_queue_trim_loss_count_total{stream="events",group="g",cause="hard-cap"}',
    ),
    lost,
  );
});

Deno.test("EventHub → metrics.eventPropagator; a hub observer that throws breaks nothing", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  const hub = new EventHub({ observer: metrics.eventPropagator });
  hub.register(new BypassPropagator("a"), [["bgtask", "t1"]]);
  hub.register(new BypassPropagator("b"), [["bgtask", "*"], ["session", "s1"]]);
  let map = samples(await metrics.toPrometheus());
  assert.equal(map.get("backendai_event_propagator_count"), 2);
  assert.equal(
    map.get(
      'backendai_event_propagator_alias_count{domain="session",alias_id="s1"}',
    ),
    1,
  );
  hub.shutdown();
  map = samples(await metrics.toPrometheus());
  assert.equal(map.get("backendai_event_propagator_count"), 0);
  assert.equal(
    map.get("backendai_event_propagator_unregistration_count_total"),
    2,
  );
  const broken = new EventHub({
    observer: {
      registered: () => {
        throw new Error("metrics down");
      },
      unregistered: () => {
        throw new Error("metrics down");
      },
    },
  });
  broken.register(new BypassPropagator("c"), [["bgtask", "*"]]);
  broken.unregister("c");
});

Deno.test("MetricPolicy → metrics.layer, with the retries of a retry policy inside", async () => {
  const metrics = new MetricRegistry({ processMetrics: false });
  const pipeline = wrap(
    new MetricPolicy({
      domain: "valkey",
      layer: "valkey_stream",
      recorder: metrics.layer,
    }),
    new RetryPolicy({ maxAttempts: 3, delayMs: 0 }),
  );
  await pipeline.execute(({ attempt }) => {
    if (attempt < 3) throw new Error("reset");
    return "ok";
  }, { operation: "xadd" });
  await pipeline.execute(() => {
    throw new Error("down");
  }, { operation: "xadd" }).catch(() => {});
  const map = samples(await metrics.toPrometheus());
  const l = 'domain="valkey",layer="valkey_stream",operation="xadd"';
  assert.equal(map.get(`backendai_layer_retry_count_total{${l}}`), 4);
  assert.equal(
    map.get(`backendai_layer_operation_count_total{${l},success="True"}`),
    1,
  );
  assert.equal(
    map.get(
      `backendai_layer_operation_error_count_total{${l},error_code="internal_error"}`,
    ),
    1,
  );
  assert.equal(map.get(`backendai_layer_operation_triggered_count{${l}}`), 0);
});
