// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's web part: a small service on `Deno.serve` behind the standard
 * middlewares (request id, access log, errors, metrics, HMAC/JWT auth),
 * that starts a background task on a signed `POST /tasks`, streams its
 * progress bar over SSE (`GET /tasks/{id}/events`), and serves `/metrics`
 * and the health endpoints; its client signs every call it makes.
 *
 * @module
 */

import { z } from "zod";
import { generateKeypair, signedFetch } from "../../auth/mod.ts";
import {
  BackgroundTaskManager,
  relayBgtaskEvents,
  taskEventStream,
} from "../../bgtask/mod.ts";
import {
  BGTASK_EVENTS,
  cachedEventFetcher,
  EventDispatcher,
  EventHub,
  EventProducer,
  EventRegistry,
} from "../../events/mod.ts";
import {
  healthHandlers,
  HealthProbe,
  PrometheusHealthChecker,
} from "../../health/mod.ts";
import { MemoryQueue } from "../../message_queue/mod.ts";
import { MetricRegistry, metricsHandler } from "../../metrics/mod.ts";
import { standardMiddlewares } from "../../middlewares/mod.ts";
import { type Logger, sleep } from "../../utils.ts";
import { compose, jsonResponse, readJson, Router } from "../../web/mod.ts";

/** What the demo's main file lends this part. */
export interface DemoTools {
  /** Prints a section title. */
  section: (title: string) => void;
  /** Prints a labelled value. */
  show: (label: string, value: unknown) => void;
  /** A logger that prints nothing. */
  silent: Logger;
}

const API_VERSION = "v9.20250722";
const OPEN_PATHS = ["/metrics", "/health", "/livez", "/readyz"];

/**
 * Runs the web part of the tour.
 *
 * @param tools The main file's printing helpers.
 */
export async function webTour(tools: DemoTools): Promise<void> {
  const { section, show, silent } = tools;
  section(
    "web: a signed service with a live progress bar over SSE, /metrics and health (embedded)",
  );
  const metrics = new MetricRegistry({ defaultLabels: { component: "demo" } });
  await using queue = new MemoryQueue({ nodeId: "demo", logger: silent });
  const producer = new EventProducer(queue, { source: "demo" });
  await using manager = new BackgroundTaskManager({
    producer,
    serverId: "demo",
    logger: silent,
    observer: metrics.bgtask,
  });
  const hub = new EventHub({ observer: metrics.eventPropagator });
  await using dispatcher = new EventDispatcher(queue, {
    group: "web",
    logger: silent,
    observer: metrics.event,
  });
  relayBgtaskEvents(dispatcher, hub);
  await dispatcher.start();
  const fetchCached = cachedEventFetcher(
    queue.broadcaster(),
    new EventRegistry(BGTASK_EVENTS),
  );
  await using probe = new HealthProbe({ logger: silent });
  probe.register("informational", new PrometheusHealthChecker(metrics));
  probe.register("liveness", {
    serviceGroup: "manager",
    timeoutMs: 1000,
    check: () =>
      Promise.resolve(
        new Map([["bgtask", {
          isHealthy: true,
          lastCheckedAt: new Date(),
          errorMessage: undefined,
        }]]),
      ),
  });
  probe.start();
  const health = healthHandlers(probe, { component: "demo", version: "0.1.0" });

  const keypair = generateKeypair();
  const accessLines: string[] = [];
  const router = new Router()
    .post("/tasks", async (request) => {
      const { chunks } = await readJson(
        request,
        z.object({ chunks: z.number().int().min(1).max(100) }),
      );
      const taskId = await manager.start(async (reporter) => {
        reporter.total = chunks;
        for (let chunk = 1; chunk <= chunks; chunk++) {
          await sleep(40);
          await reporter.update(1, `chunk ${chunk} of ${chunks}`);
        }
        return `copied ${chunks} chunks`;
      }, { name: "copy_folder" });
      return jsonResponse({ task_id: taskId }, { status: 201 });
    })
    // A client that goes away cancels the body, which ends the stream.
    .get(
      "/tasks/{id}/events",
      (_request, context) =>
        taskEventStream(context.params.id as string, { hub, fetchCached }),
    )
    .get("/metrics", metricsHandler(metrics))
    .get("/health", health.health)
    .get("/livez", health.livez)
    .get("/readyz", health.readyz);
  const app = compose(
    standardMiddlewares({
      router,
      logger: {
        ...silent,
        info: (_message, fields) =>
          void accessLines.push(
            `${fields?.method} ${
              fields?.route ?? fields?.path
            } ${fields?.status} (${fields?.requestId})`,
          ),
      },
      metrics: metrics.api,
      maxBodyBytes: 64 * 1024,
      auth: {
        lookup: (accessKey) =>
          accessKey === keypair.accessKey ? keypair : undefined,
        required: (_request, path) => !OPEN_PATHS.includes(path),
      },
    }),
    router.handler,
  );
  await using server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, app);
  const base = `http://127.0.0.1:${server.addr.port}`;
  const call = signedFetch({ ...keypair, apiVersion: API_VERSION });
  show("service", `${base} (keypair ${keypair.accessKey})`);

  const refused = await fetch(`${base}/tasks`, { method: "POST" });
  show(
    "unsigned POST /tasks",
    `${refused.status} ${(await refused.json()).title}`,
  );
  const created = await call(`${base}/tasks`, {
    method: "POST",
    body: JSON.stringify({ chunks: 10 }),
    headers: { "content-type": "application/json" },
  });
  const { task_id: taskId } = await created.json();
  show("signed POST /tasks", `${created.status} task ${taskId}`);

  // GET /tasks/<id>/events streams the task's progress (SSE).
  const response = await call(`${base}/tasks/${taskId}/events`);
  const reader = response.body!.pipeThrough(new TextDecoderStream())
    .getReader();
  const tty = Deno.stdout.isTerminal();
  const frames: string[] = [];
  let buffer = "";
  const bar = (current: number, total: number, message: string): string => {
    const width = 30;
    const filled = total > 0 ? Math.round(width * current / total) : 0;
    return `[${"#".repeat(filled)}${
      "-".repeat(width - filled)
    }] ${current}/${total} ${message}`;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (frame.startsWith(":")) continue; // a keep-alive comment
      frames.push(frame);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? "{}");
      const line = event === "bgtask_updated"
        ? bar(data.current_progress, data.total_progress, data.message)
        : `${event}: ${data.message}`;
      if (tty) {
        await Deno.stdout.write(
          new TextEncoder().encode(`\r  ${line.padEnd(70)}`),
        );
      } else console.log(`  ${line}`);
    }
  }
  if (tty) console.log();
  show("SSE frames received", frames.length);
  show("final status", await manager.wait(taskId));

  const ready = await (await fetch(`${base}/readyz`)).json();
  show(
    "GET /readyz",
    `${ready.status}: ${
      ready.connectivity.connectivity_checks.map((
        check: { service_group: string; component_id: string },
      ) => `${check.service_group}/${check.component_id}`).join(", ")
    }`,
  );
  const exposition = await (await fetch(`${base}/metrics`)).text();
  for (
    const name of [
      "backendai_api_request_count_total",
      "backendai_bgtask_done_count_total",
      "backendai_event_propagator_registration_count_total",
    ]
  ) {
    for (const line of exposition.split("\n")) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
        show("GET /metrics", line);
      }
    }
  }
  for (const line of accessLines) show("access log", line);
}
