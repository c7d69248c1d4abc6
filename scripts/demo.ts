// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * A tour of what the library has today, on embedded defaults: no server is
 * needed. Run it with `npm run demo` (or `deno task demo`). It grows with
 * every module that lands.
 *
 * @module
 */

import {
  BinarySize,
  generateSessionId,
  HostPortPair,
  ResourceSlot,
  SessionId,
  SlotName,
} from "../types.ts";
import {
  ErrorCode,
  InvalidAPIParameters,
  PassthroughError,
  problemResponse,
} from "../exception.ts";
import { deepMerge, nmget, quote, sleep, strToTimedelta } from "../utils.ts";
import {
  captureMetadata,
  currentRequestId,
  withMetadata,
  withRequestId,
  withUser,
} from "../contexts/mod.ts";
import { MessageMetadata, UserData } from "../data/mod.ts";
import {
  MemoryQueue,
  type MessageQueue,
  RedisStreamQueue,
} from "../message_queue/mod.ts";
import type { Logger } from "../utils.ts";
import {
  BgtaskDoneEvent,
  BgtaskUpdatedEvent,
  BypassPropagator,
  EventDispatcher,
  EventHub,
  EventProducer,
  eventStreamResponse,
} from "../events/mod.ts";
import {
  CircuitBreakerPolicy,
  CircuitOpenError,
  InMemoryLayerMetrics,
  MetricPolicy,
  RetryPolicy,
  standardPipeline,
  TimeoutPolicy,
} from "../resilience/mod.ts";
import { readHalfstackEnv } from "./halfstack.ts";
import { webTour } from "./demo/_web.ts";
import { discoveryDemo } from "./demo/_discovery.ts";
import { storageProxyTour } from "./demo/_storage_proxy.ts";
import { agentDemo } from "./demo/_agent.ts";

function section(title: string): void {
  console.log(`\n== ${title}`);
}

function show(label: string, value: unknown): void {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  console.log(`  ${label.padEnd(44)} ${text}`);
}

section("types: ids, sizes, slots");
const sessionId = generateSessionId();
show("generateSessionId()", sessionId);
show(
  'SessionId("0123456789ABCDEF0123456789ABCDEF")',
  SessionId("0123456789ABCDEF0123456789ABCDEF"),
);
show(
  'HostPortPair.parse("[::1]:2379").address',
  HostPortPair.parse("[::1]:2379").address,
);
const size = BinarySize.parseFinite("1.5g");
show(
  'BinarySize.parseFinite("1.5g")',
  `${size.toBytesString()} bytes = ${size}`,
);
show(
  "2^53 + 1 bytes stays exact",
  new BinarySize(2n ** 53n + 1n).toBytesString(),
);
show('format("s") of 1234567 bytes', new BinarySize(1234567n).format("s"));
const slotName = new SlotName("cuda.device:mig-10g");
show("SlotName cuda.device:mig-10g", {
  device: slotName.deviceName,
  major: slotName.majorType,
  minor: slotName.minorType,
  accelerator: slotName.isAccelerator(),
});
const requested = new ResourceSlot({
  cpu: "2",
  mem: "4g",
  "cuda.shares": "0.5",
});
const capacity = new ResourceSlot({ cpu: "8", mem: "32g" });
show("requested.toJSON()", requested.toJSON());
show(
  "capacity.subtract(requested).toJSON()",
  capacity.subtract(requested).toJSON(),
);
show("requested.lte(capacity): no cuda.shares there", requested.lte(capacity));
show("requested unchanged after comparing", requested.toJSON());

section("exception: error codes and problem+json");
const invalid = new InvalidAPIParameters("Port out of range", {
  data: { field: "port", value: 70000 },
});
show("InvalidAPIParameters → status", invalid.status);
show("InvalidAPIParameters → problem+json", invalid.toProblemJSON());
show(
  "PassthroughError.fromHttpStatus(404, vfolder/read)",
  String(
    PassthroughError.fromHttpStatus(404, {
      domain: "vfolder",
      operation: "read",
    })
      .errorCode(),
  ),
);
show(
  "problemResponse(new TypeError(...)) status",
  problemResponse(new TypeError("internals stay hidden")).status,
);
try {
  ErrorCode.fromString("not_a_code");
} catch (err) {
  show('ErrorCode.fromString("not_a_code")', String(err));
}

section("utils");
show('strToTimedelta("1d2h3m4.5s") ms', strToTimedelta("1d2h3m4.5s"));
show('quote("a/b c!*", "") (Python-compatible)', quote("a/b c!*", ""));
show(
  'nmget(cfg, "redis.addr")',
  nmget({ redis: { addr: "127.0.0.1:6379" } }, "redis.addr"),
);
show(
  "deepMerge keeps earlier value on null",
  deepMerge({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } }),
);
const controller = new AbortController();
const waiting = sleep(60_000, { signal: controller.signal });
controller.abort(new Error("shutting down"));
await waiting.catch((err: unknown) =>
  show("sleep(60 s) aborted at once", (err as Error).message)
);

section("contexts and data: metadata across a process boundary");
const user = new UserData({
  userId: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
  isAuthorized: true,
  isAdmin: false,
  isSuperadmin: false,
  role: "user",
  domainName: "default",
  domainId: "6f6c2d5c-6b39-4d6a-9c5e-5f2f7e7b8a11",
});
const wire = await withRequestId("req-42", () =>
  withUser(user, async () => {
    await sleep(1);
    return captureMetadata().serialize();
  }));
show("captured metadata (upstream JSON)", wire);
show("outside any context: currentRequestId()", String(currentRequestId()));
withMetadata(MessageMetadata.deserialize(wire), () => {
  show(
    "re-entered from the wire: currentRequestId()",
    String(currentRequestId()),
  );
});
async function queueTour(queue: MessageQueue): Promise<void> {
  const stream = `demo-${crypto.randomUUID().slice(0, 8)}`;
  const channel = `${stream}_all`;
  const options = { streams: [stream], idleTimeoutMs: 100 };
  const manager = await queue.consumer({ ...options, group: "manager" });
  const proxy = await queue.consumer({ ...options, group: "appproxy" });
  const subscriber = await queue.subscriber({ channels: [channel] });
  const anycaster = queue.anycaster({ stream });
  const ids = await anycaster.anycastBatch([1, 2, 3].map((n) => ({
    name: "kernel_started",
    source: "agent-1",
    payload: JSON.stringify({ kernel_id: `k-${n}` }),
  })));
  show("anycastBatch: 3 entries", ids.join(" "));
  for (const consumer of [manager, proxy]) {
    const got: string[] = [];
    for await (const message of consumer) {
      got.push((message.body as { kernel_id: string }).kernel_id);
      await consumer.done(message);
      if (got.length === 3) break;
    }
    show(`group "${consumer.group}" got each once`, got.join(", "));
  }
  const billing = await queue.consumer({
    ...options,
    group: "billing",
    maxDeliveries: 2,
    reclaimIntervalMs: 20,
  });
  await anycaster.anycast({ name: "poison", source: "demo", payload: "{}" });
  for await (const message of billing) {
    await billing.fail(
      message,
      new Error(`handler crashed on delivery ${message.deliveryCount}`),
    );
    if (message.deliveryCount === 2) break;
  }
  const [letter] = await queue.deadLetters(stream);
  show(
    "poison message, dead-lettered",
    `${letter?.originalId} after ${letter?.deliveryCount} deliveries: ${letter?.error}`,
  );
  const broadcaster = queue.broadcaster({ channel });
  await broadcaster.broadcastWithCache("bgtask.demo", {
    name: "bgtask_done",
    source: "manager",
    payload: '{"task_id":"demo"}',
  });
  for await (const message of subscriber) {
    show("subscriber got the broadcast", message.name);
    break;
  }
  show(
    'fetchCachedBroadcast("bgtask.demo")',
    (await broadcaster.fetchCachedBroadcast("bgtask.demo"))?.payload,
  );
}

const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (message, fields) => console.error(message, fields ?? ""),
};

section("message_queue: MemoryQueue (embedded)");
{
  await using queue = new MemoryQueue({ nodeId: "demo", logger: silent });
  await queueTour(queue);
}
section("events: a producer, two dispatchers, a request id, SSE (embedded)");
{
  await using queue = new MemoryQueue({ nodeId: "demo", logger: silent });
  const hub = new EventHub();
  const taskId = "6f6c2d5c-6b39-4d6a-9c5e-5f2f7e7b8a11";
  const sse = new BypassPropagator("browser-1");
  hub.register(sse, [["bgtask", taskId]]);
  const streamed = eventStreamResponse(sse).text();
  const dispatchers = [1, 2].map((n) =>
    new EventDispatcher(queue, {
      group: "manager",
      consumer: { name: `manager-${n}` },
      logger: silent,
    })
  );
  const handledBy: string[] = [];
  for (const [i, dispatcher] of dispatchers.entries()) {
    // Anycast: one of the two dispatchers of group "manager" handles each.
    dispatcher.consume(BgtaskUpdatedEvent, (_context, source, body) => {
      handledBy.push(
        `manager-${
          i + 1
        } got ${body.current_progress}/${body.total_progress} from ${source} (request ${currentRequestId()})`,
      );
    });
    await dispatcher.start();
  }
  // Broadcast: every dispatcher's subscribers; here one feeds the SSE hub.
  const sseFeeder = dispatchers[0] as EventDispatcher;
  sseFeeder.subscribe(BgtaskUpdatedEvent, (_c, _s, body) => {
    hub.propagate(BgtaskUpdatedEvent.create(body));
  });
  sseFeeder.subscribe(BgtaskDoneEvent, (_c, _s, body) => {
    hub.propagate(BgtaskDoneEvent.create(body));
  });
  const producer = new EventProducer(queue, { source: "agent-1" });
  await withRequestId("req-demo-1", async () => {
    for (let step = 1; step <= 3; step++) {
      const event = BgtaskUpdatedEvent.create({
        task_id: taskId,
        current_progress: step,
        total_progress: 3,
        message: `step ${step}`,
      });
      await producer.anycast(event);
      await producer.broadcast(event);
    }
    await producer.broadcastWithCache(
      BgtaskDoneEvent.create({ task_id: taskId, message: "finished" }),
    );
  });
  const sseText = await streamed;
  while (handledBy.length < 3) await sleep(5);
  for (const line of handledBy) show("anycast", line);
  for (const frame of sseText.trim().split("\n\n")) {
    show("SSE frame", frame.replaceAll("\n", " | "));
  }
  await Promise.all(dispatchers.map((d) => d.close()));
}

section("resilience: metric, retry, circuit breaker, timeout (embedded)");
{
  const metrics = new InMemoryLayerMetrics();
  const breaker = new CircuitBreakerPolicy({
    name: "storage-proxy",
    failureThreshold: 3,
    recoveryMs: 200,
  });
  breaker.onStateChange(({ from, to }) => show("breaker", `${from} -> ${to}`));
  const pipeline = standardPipeline({
    metric: new MetricPolicy({
      domain: "client",
      layer: "storage_proxy_client",
      recorder: metrics,
    }),
    retry: new RetryPolicy({
      maxAttempts: 3,
      delayMs: 5,
      backoff: "exponential",
      jitter: "full",
    }),
    circuitBreaker: breaker,
    timeout: new TimeoutPolicy({ timeoutMs: 50 }),
  });
  let calls = 0;
  const flaky = await pipeline.execute(({ attempt }) => {
    calls++;
    if (attempt < 2) throw new Error("connection reset");
    return `ok on attempt ${attempt}`;
  }, { operation: "list_volumes" });
  show("flaky call", `${flaky} (${calls} calls)`);
  const down = await pipeline.execute(
    ({ signal }) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      ),
    { operation: "get_quota" },
  ).catch((error: Error) => `${error.name}: ${error.message}`);
  show("hung call, 3 attempts of 50 ms", down);
  const fast = await pipeline.execute(() => "never called", {
    operation: "get_quota",
  }).catch((error) => error instanceof CircuitOpenError);
  show("while open: fails fast with CircuitOpenError", fast);
  await sleep(200);
  show(
    "after recovery",
    await pipeline.execute(() => "trial call passed", {
      operation: "get_quota",
    }),
  );
  for (const { labels, stats } of metrics.entries()) {
    show(
      `metric ${labels.layer}.${labels.operation}`,
      `${stats.successes} ok, ${stats.failures} failed ${
        JSON.stringify(stats.errors)
      }, ${stats.retries} retries`,
    );
  }
}

await webTour({ section, show, silent });
await storageProxyTour({ section, show });
await agentDemo({ section, show, logger: silent });

const redisAddr = readHalfstackEnv()?.BACKEND_REDIS_ADDR;
if (redisAddr !== undefined) {
  section(`message_queue: RedisStreamQueue (halfstack Redis ${redisAddr})`);
  await using queue = await RedisStreamQueue.connect(
    { addr: redisAddr, db: 14 },
    { nodeId: "demo", logger: silent },
  );
  await queueTour(queue);
} else {
  section("message_queue: RedisStreamQueue skipped (no halfstack running)");
}
await discoveryDemo({
  section,
  show,
  etcdAddr: readHalfstackEnv()?.BACKEND_ETCD_ADDR,
  logger: silent,
});
console.log("\nDone: every module above ran on embedded defaults.");
