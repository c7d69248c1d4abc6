// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import type { Event, EventProducer } from "../../../events/mod.ts";
import {
  type DiscoveryCallOptions,
  MemoryServiceDiscovery,
  ServiceDiscoveryBackendError,
  ServiceDiscoveryEventPublisher,
  type ServiceMetadata,
  ServiceRegistrar,
} from "../../../service_discovery/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { sampleService } from "../../conformance/service_discovery_suite.ts";
import type { Logger } from "../../../utils.ts";

/** A memory backend whose writes fail while `down` is set. */
class FlakyDiscovery extends MemoryServiceDiscovery {
  down = false;
  writes = 0;
  override register(
    meta: ServiceMetadata,
    options?: DiscoveryCallOptions,
  ): Promise<void> {
    this.writes++;
    if (this.down) {
      return Promise.reject(
        new ServiceDiscoveryBackendError("down", {
          data: { key: "k", operation: "register" },
        }),
      );
    }
    return super.register(meta, options);
  }
}

function recordingLogger(lines: string[]): Logger {
  return {
    debug: () => {},
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("Timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("the registrar heartbeats, survives a backend outage and unregisters on close", async () => {
  await using discovery = new FlakyDiscovery();
  const lines: string[] = [];
  const meta = sampleService("agent", "agent-1");
  const registrar = new ServiceRegistrar(discovery, meta, {
    heartbeatIntervalMs: 50,
    retryIntervalMs: 10,
    logger: recordingLogger(lines),
  });
  assert.equal(await registrar.start(), true);
  const first =
    (await discovery.getService("agent", meta.id)).healthStatus.lastHeartbeat;
  await until(async () =>
    (await discovery.getService("agent", meta.id)).healthStatus.lastHeartbeat >
      first
  );
  // The backend restarts empty and refuses writes for a while.
  discovery.down = true;
  await discovery.unregister("agent", meta.id);
  await until(() => !registrar.registered);
  const failedWrites = discovery.writes;
  await until(() => discovery.writes > failedWrites + 2);
  assert.deepEqual(await discovery.discover(), []);
  discovery.down = false;
  await until(() => registrar.registered);
  assert.equal(
    (await discovery.getService("agent", meta.id)).displayName,
    "agent-1",
  );
  assert.ok(lines.includes("warn service registration failed, retrying"));
  assert.ok(lines.includes("info service registered again"));
  await registrar.close();
  assert.deepEqual(await discovery.discover(), []);
  assert.equal(registrar.registered, false);
});

Deno.test("a first registration that fails is retried, not thrown", async () => {
  await using discovery = new FlakyDiscovery();
  discovery.down = true;
  const meta = sampleService("agent", "agent-2");
  await using registrar = new ServiceRegistrar(discovery, meta, {
    heartbeatIntervalMs: 1_000,
    retryIntervalMs: 10,
    logger: quietLogger,
  });
  assert.equal(await registrar.start(), false);
  discovery.down = false;
  await until(() => registrar.registered);
  assert.equal((await discovery.discover()).length, 1);
});

Deno.test("the registrar refuses bad intervals", () => {
  const discovery = new MemoryServiceDiscovery();
  assert.throws(
    () =>
      new ServiceRegistrar(discovery, sampleService("a", "b"), {
        heartbeatIntervalMs: 0,
      }),
    /heartbeatIntervalMs/,
  );
});

Deno.test("the event publisher anycasts registered at start, every interval, and deregistered on close", async () => {
  const sent: Event[] = [];
  const producer = {
    anycast: (event: Event) => {
      sent.push(event);
      return Promise.resolve("0-1");
    },
  } as unknown as EventProducer;
  const publisher = new ServiceDiscoveryEventPublisher(producer, {
    instance_id: "i-1",
    service_group: "agent",
    display_name: null,
    extra_labels: { zone: "a" },
    endpoints: [{
      role: "main",
      scope: "private",
      address: "10.0.0.2",
      port: 6001,
      protocol: "grpc",
    }],
  }, {
    componentVersion: "26.8.1",
    startupTime: new Date("2026-12-07T05:39:52.447Z"),
    heartbeatIntervalMs: 30,
    logger: quietLogger,
  });
  await publisher.start();
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]?.body, {
    instance_id: "i-1",
    service_group: "agent",
    display_name: "",
    version: "26.8.1",
    labels: { zone: "a" },
    endpoints: [{
      role: "main",
      scope: "private",
      address: "10.0.0.2",
      port: 6001,
      protocol: "grpc",
      metadata: {},
    }],
    startup_time: "2026-12-07T05:39:52.447000Z",
    config_hash: "",
  });
  await until(() => sent.length >= 3);
  await publisher.close();
  const last = sent.at(-1);
  assert.equal(last?.definition.name, "service_deregistered");
  assert.deepEqual(last?.body, { instance_id: "i-1", service_group: "agent" });
  assert.ok(
    sent.slice(0, -1).every((e) => e.definition.name === "service_registered"),
  );
});
