// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode ServiceDiscoveryEventPublisher}: the event path upstream moved
 * to in 26.3 (`ServiceDiscoveryEventPublisher`): `service_registered` at
 * start and every interval, `service_deregistered` at stop, anycast to the
 * manager's service catalog.
 *
 * @module
 */

import { errorText } from "../_error_text.ts";
import { LocalCron } from "../cron/mod.ts";
import {
  type EventProducer,
  ServiceDeregisteredEvent,
  type ServiceRegisteredBody,
  ServiceRegisteredEvent,
} from "../events/mod.ts";
import { consoleLogger, type Logger } from "../utils.ts";

/** One endpoint of upstream's `ServiceDiscoveryConfig.endpoints`. */
export interface ServiceEndpointConfigLike {
  /** E.g. `"main"`, `"health"`. */
  readonly role: string;
  /** E.g. `"public"`, `"private"`. */
  readonly scope: string;
  /** Host or IP address. */
  readonly address: string;
  /** Port. */
  readonly port: number;
  /** E.g. `"http"`, `"grpc"`. */
  readonly protocol: string;
  /**
   * More about it.
   *
   * @default {{}}
   */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/**
 * The fields of upstream's `ServiceDiscoveryConfig` (the `[service-discovery]`
 * section) the publisher reads; the configs module's schema parses to this
 * shape.
 */
export interface ServiceDiscoveryConfigLike {
  /** The instance id (`""` when unset, as upstream). */
  readonly instance_id?: string | null | undefined;
  /** The service group (`""` when unset). */
  readonly service_group?: string | null | undefined;
  /** The display name (`""` when unset). */
  readonly display_name?: string | null | undefined;
  /**
   * Labels.
   *
   * @default {{}}
   */
  readonly extra_labels?: Readonly<Record<string, string>> | undefined;
  /**
   * The endpoints.
   *
   * @default {[]}
   */
  readonly endpoints?: readonly ServiceEndpointConfigLike[] | undefined;
}

/** Options of {@linkcode ServiceDiscoveryEventPublisher}. */
export interface ServiceDiscoveryEventPublisherOptions {
  /** The component's version. */
  componentVersion: string;
  /** When the component started. */
  startupTime: Date;
  /**
   * How often `service_registered` is sent again, in milliseconds.
   *
   * @default {60000}
   */
  heartbeatIntervalMs?: number | undefined;
  /**
   * Where failures are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/**
 * A datetime as pydantic writes an aware UTC one: six fraction digits, `Z`.
 *
 * @param date The time.
 * @returns The text, e.g. `2026-12-07T05:39:52.447000Z`.
 */
function pydanticDatetime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Publishes a component's presence as events (upstream
 * `ServiceDiscoveryEventPublisher`): `start()` anycasts
 * `service_registered` at once, then every interval through a
 * {@linkcode LocalCron} (first repeat after one interval); `close()` stops
 * the cron and anycasts `service_deregistered`. Unset config fields become
 * `""`, `config_hash` is `""`, as upstream.
 *
 * @example Publish through a memory queue
 * ```ts
 * import { EventProducer } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import { ServiceDiscoveryEventPublisher } from "@backendai/common/service-discovery";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const producer = new EventProducer(queue, { source: "agent-1" });
 * const publisher = new ServiceDiscoveryEventPublisher(producer, {
 *   instance_id: "i-1", service_group: "agent", display_name: "agent-1",
 *   endpoints: [{ role: "main", scope: "private", address: "10.0.0.2", port: 6001, protocol: "grpc" }],
 * }, { componentVersion: "26.8.1", startupTime: new Date(0) });
 * assert.equal(publisher.registeredBody().startup_time, "1970-01-01T00:00:00.000000Z");
 * await publisher.start();
 * await publisher.close();
 * ```
 */
export class ServiceDiscoveryEventPublisher implements AsyncDisposable {
  readonly #producer: EventProducer;
  readonly #config: ServiceDiscoveryConfigLike;
  readonly #version: string;
  readonly #startupTime: Date;
  readonly #logger: Logger;
  readonly #cron: LocalCron;
  #started = false;
  #closed = false;

  /**
   * Prepares the publisher; nothing is sent before `start()`.
   *
   * @param producer The event producer.
   * @param config The service discovery section.
   * @param options The version, start time, interval and logger.
   */
  constructor(
    producer: EventProducer,
    config: ServiceDiscoveryConfigLike,
    options: ServiceDiscoveryEventPublisherOptions,
  ) {
    this.#producer = producer;
    this.#config = config;
    this.#version = options.componentVersion;
    this.#startupTime = options.startupTime;
    this.#logger = options.logger ?? consoleLogger;
    const intervalMs = options.heartbeatIntervalMs ?? 60_000;
    this.#cron = new LocalCron([{
      name: "service_discovery_heartbeat",
      intervalMs,
      initialDelayMs: intervalMs,
      run: () => this.publishRegistered(),
    }], { logger: this.#logger });
  }

  /**
   * The body of `service_registered` this publisher sends.
   *
   * @returns The body.
   */
  registeredBody(): ServiceRegisteredBody {
    return {
      instance_id: this.#config.instance_id ?? "",
      service_group: this.#config.service_group ?? "",
      display_name: this.#config.display_name ?? "",
      version: this.#version,
      labels: { ...this.#config.extra_labels },
      endpoints: (this.#config.endpoints ?? []).map((endpoint) => ({
        role: endpoint.role,
        scope: endpoint.scope,
        address: endpoint.address,
        port: endpoint.port,
        protocol: endpoint.protocol,
        metadata: { ...endpoint.metadata },
      })),
      startup_time: pydanticDatetime(this.#startupTime),
      config_hash: "",
    };
  }

  /**
   * Anycasts `service_registered` now.
   *
   * @returns When sent.
   */
  async publishRegistered(): Promise<void> {
    await this.#producer.anycast(
      ServiceRegisteredEvent.create(this.registeredBody()),
    );
  }

  /**
   * Anycasts `service_deregistered` now.
   *
   * @returns When sent.
   */
  async publishDeregistered(): Promise<void> {
    await this.#producer.anycast(ServiceDeregisteredEvent.create({
      instance_id: this.#config.instance_id ?? "",
      service_group: this.#config.service_group ?? "",
    }));
  }

  /**
   * Publishes the registration and starts the heartbeat.
   *
   * @returns When the first event is sent.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.publishRegistered();
    this.#cron.start();
  }

  /**
   * Stops the heartbeat and publishes the deregistration (a failure is
   * logged, not thrown).
   *
   * @returns When done.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#cron.close();
    if (!this.#started) return;
    try {
      await this.publishDeregistered();
    } catch (error) {
      this.#logger.error("service_deregistered could not be sent", {
        instanceId: this.#config.instance_id ?? "",
        error: errorText(error),
      });
    }
  }

  /**
   * Same as {@linkcode ServiceDiscoveryEventPublisher.close}.
   *
   * @returns When done.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
