// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode EventProducer}: sends typed events through a message queue,
 * with the caller's request id and users captured as message metadata.
 *
 * @module
 */

import { captureMetadata } from "../contexts/metadata.ts";
import { currentRequestId } from "../contexts/request_id.ts";
import { currentUser, triggeredUser } from "../contexts/user.ts";
import { InvalidAPIParameters } from "../exception.ts";
import type {
  Anycaster,
  Broadcaster,
  MessageId,
  MessageQueue,
} from "../message_queue/types.ts";
import type { PreparedBroadcast } from "../message_queue/prepared.ts";
import {
  encodeBroadcast,
  encodeStreamFields,
  type OutgoingMessage,
} from "../message_queue/payload.ts";
import type { Event } from "./define.ts";

// The type lives with the queue (bgtask's store takes one without depending
// on events); it stays importable from here, where prepareBroadcast makes it.
export type {
  DurableCopy,
  PreparedBroadcast,
} from "../message_queue/prepared.ts";
import { encodeEventBody, encodeEventLegacy } from "./_checked.ts";

/**
 * How a producer writes event bodies on the wire:
 *
 * - `"json"`: as upstream `main` does (a `payload` field holding the body's
 *   JSON). Components of upstream `main` read it; releases up to 26.8.x do
 *   not.
 * - `"legacy"`: as releases up to 26.8.x do (an `args` field holding the
 *   body's positional tuple packed with msgpack; base64 in a broadcast),
 *   which those releases read. Every event of the catalogue that existed in
 *   26.8 can be sent this way, except where upstream pickled a Python object
 *   into the tuple: `agent_heartbeat` always, and the image pull events
 *   unless `image_ref` is null. Those sends are refused with
 *   `EventPayloadEncodingError`, whose `data.event` and `data.field` name the
 *   event and the field; so is an event with no legacy form
 *   (`legacyFields`).
 *
 * This library reads both forms whichever it writes.
 */
export type EventWireFormat = "json" | "legacy";

/** Options of {@linkcode EventProducer}. */
export interface EventProducerOptions {
  /** This node's id, sent as every message's `source` (upstream `AgentId`). */
  source: string;
  /**
   * The anycast stream.
   *
   * @default {"events"}
   */
  stream?: string | undefined;
  /**
   * The broadcast channel.
   *
   * @default {"events_all"}
   */
  channel?: string | undefined;
  /**
   * The cache TTL of cached broadcasts, in seconds.
   *
   * @default {300}
   */
  cacheTtlSeconds?: number | undefined;
  /**
   * Also write broadcasts to this stream for durable subscribers.
   *
   * @default {undefined}
   */
  durableStream?: string | undefined;
  /**
   * How event bodies are written, for anycasts and broadcasts alike (cached
   * and prepared broadcasts included): `"json"` for a cluster of upstream
   * `main`, `"legacy"` to join a cluster of a released version up to 26.8.x
   * (see {@linkcode EventWireFormat}, which also lists the events that
   * cannot be sent in the legacy form).
   *
   * @default {"json"}
   */
  wireFormat?: EventWireFormat | undefined;
}

/** The cache id given, else the event's own, else none. */
function cacheIdOf(
  event: Event,
  given: string | undefined,
): string | undefined {
  return given ?? event.definition.cacheId(event.body) ?? undefined;
}

/** Options of one send. */
export interface SendEventOptions {
  /**
   * The `source` of this message instead of the producer's.
   *
   * @default {the producer's source}
   */
  source?: string | undefined;
  /**
   * Cancels the send.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/**
 * Sends typed events (upstream `EventProducer`). Each send captures the
 * caller's request id, user and triggered user (contexts) as metadata, so a
 * handler elsewhere sees the same `currentRequestId()`.
 *
 * @example Anycast and broadcast
 * ```ts
 * import { BgtaskDoneEvent, EventProducer } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const producer = new EventProducer(queue, { source: "manager" });
 * const event = BgtaskDoneEvent.create({
 *   task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: "ok",
 * });
 * await producer.broadcastWithCache(event);
 * const cached = await queue.broadcaster().fetchCachedBroadcast(
 *   "bgtask.0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
 * );
 * assert.equal(cached?.name, "bgtask_done");
 * await producer.close();
 * ```
 *
 * @example Joining a cluster of a released version (26.8.x)
 * ```ts
 * import {
 *   EventPayloadEncodingError, EventProducer, ImagePullStartedEvent,
 *   KernelPullingAnycastEvent,
 * } from "@backendai/common/events";
 * import { MemoryQueue } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const producer = new EventProducer(queue, {
 *   source: "agent-1", wireFormat: "legacy",
 * });
 * await producer.anycast(KernelPullingAnycastEvent.create({
 *   kernel_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
 *   session_id: "f38dea23-50fa-42a0-b5ae-338f5f4693f4",
 *   reason: "", creation_info: {},
 * }));
 * // A field upstream 26.8 pickled cannot be written in its form.
 * await assert.rejects(
 *   producer.anycast(ImagePullStartedEvent.create({
 *     image: "python:3.13", agent_id: "agent-1", timestamp: 1.5,
 *     image_ref: { name: "python" },
 *   })),
 *   (err: unknown) =>
 *     err instanceof EventPayloadEncodingError &&
 *     err.data?.event === "image_pull_started" && err.data?.field === "image_ref",
 * );
 * ```
 */
export class EventProducer implements AsyncDisposable {
  readonly #queue: MessageQueue;
  readonly #source: string;
  readonly #anycaster: Anycaster;
  readonly #broadcaster: Broadcaster;
  readonly #cacheTtlSeconds: number;
  readonly #legacy: boolean;
  /** The stream broadcasts are also written to, if any (see `durableStream`). */
  readonly durableStream: string | undefined;
  /** How event bodies are written (see `wireFormat`). */
  readonly wireFormat: EventWireFormat;

  /**
   * Makes a producer on `queue` (which it does not own).
   *
   * @param queue The message queue.
   * @param options The source id, stream, channel, cache TTL, durable
   * stream and wire format.
   * @throws {InvalidAPIParameters} When `source` is empty or `wireFormat` is
   * neither `"json"` nor `"legacy"`.
   */
  constructor(queue: MessageQueue, options: EventProducerOptions) {
    if (typeof options.source !== "string" || options.source === "") {
      throw new InvalidAPIParameters(
        'An event producer needs a "source" (this node\'s id)',
        { data: { field: "source" } },
      );
    }
    this.#queue = queue;
    const wireFormat = options.wireFormat ?? "json";
    if (wireFormat !== "json" && wireFormat !== "legacy") {
      throw new InvalidAPIParameters(
        `"wireFormat" is "json" or "legacy", got ${JSON.stringify(wireFormat)}`,
        { data: { field: "wireFormat", value: wireFormat } },
      );
    }
    this.wireFormat = wireFormat;
    this.#legacy = wireFormat === "legacy";
    this.#source = options.source;
    this.#cacheTtlSeconds = options.cacheTtlSeconds ?? 300;
    this.durableStream = options.durableStream;
    this.#anycaster = queue.anycaster({ stream: options.stream });
    this.#broadcaster = queue.broadcaster({
      channel: options.channel,
      cacheTtlSeconds: options.cacheTtlSeconds,
      durableStream: options.durableStream,
    });
  }

  #message(event: Event, source: string | undefined): OutgoingMessage {
    if (this.#legacy) return this.#legacyMessage(event, source);
    return {
      name: event.definition.name,
      source: source ?? this.#source,
      payload: encodeEventBody(event),
      // Outside any request there is nothing to carry: the field is left out
      // (upstream reads a missing `metadata` as None), which saves a JSON
      // text per message on both ends.
      metadata: hasMetadata() ? captureMetadata() : undefined,
    };
  }

  // Off the JSON path. `payload` still holds the body's JSON, which
  // OutgoingMessage requires but the legacy form does not send: one more
  // encoding per event, on this path only.
  #legacyMessage(event: Event, source: string | undefined): OutgoingMessage {
    return {
      name: event.definition.name,
      source: source ?? this.#source,
      payload: encodeEventBody(event),
      metadata: hasMetadata() ? captureMetadata() : undefined,
      packedArgs: encodeEventLegacy(event),
    };
  }

  /**
   * Sends an event to one consumer of every group.
   *
   * @param event The event.
   * @param options Source override and abort signal.
   * @returns The stream entry id.
   * @throws {EventPayloadEncodingError} When the body does not encode (in
   * the legacy form: when the event or one of its fields has none).
   * @throws {MessageQueueClosedError} After `close()`.
   */
  anycast(event: Event, options: SendEventOptions = {}): Promise<MessageId> {
    let message: OutgoingMessage;
    try {
      message = this.#message(event, options.source);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#anycaster.anycast(message, options);
  }

  /**
   * Sends an event to every subscriber.
   *
   * @param event The event.
   * @param options Source override and abort signal.
   * @throws {EventPayloadEncodingError} When the body does not encode (in
   * the legacy form: when the event or one of its fields has none).
   */
  broadcast(event: Event, options: SendEventOptions = {}): Promise<void> {
    let message: OutgoingMessage;
    try {
      message = this.#message(event, options.source);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#broadcaster.broadcast(message, options);
  }

  /**
   * Caches the event under `cacheId` (default: the event's own cache id) and
   * broadcasts it.
   *
   * @param event The event.
   * @param options The cache id, source override and abort signal.
   * @throws {InvalidAPIParameters} When there is no cache id.
   */
  broadcastWithCache(
    event: Event,
    options: SendEventOptions & { cacheId?: string } = {},
  ): Promise<void> {
    const cacheId = cacheIdOf(event, options.cacheId);
    if (cacheId === undefined) {
      return Promise.reject(
        new InvalidAPIParameters(
          `Event "${event.definition.name}" has no cache id: pass one`,
          { data: { field: "cacheId", event: event.definition.name } },
        ),
      );
    }
    let message: OutgoingMessage;
    try {
      message = this.#message(event, options.source);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#broadcaster.broadcastWithCache(cacheId, message, options);
  }

  /**
   * Broadcasts several events in one round trip, each cached under its own
   * cache id when it has one. An empty list does nothing.
   *
   * @param events The events.
   * @param options Source override and abort signal.
   */
  broadcastBatch(
    events: readonly Event[],
    options: SendEventOptions = {},
  ): Promise<void> {
    let items: { message: OutgoingMessage; cacheId: string | undefined }[];
    try {
      items = events.map((event) => ({
        message: this.#message(event, options.source),
        cacheId: cacheIdOf(event, undefined),
      }));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#broadcaster.broadcastBatch(items, options);
  }

  /**
   * Encodes a broadcast with the caller's metadata, without sending it, and
   * says everything sending it involves: the channel, the cache key and
   * lifetime, the durable copy when this producer has a `durableStream`, and
   * where the queue keeps the cache key and the durable stream (its server,
   * DB and trimming; undefined for a queue not on Redis). A store that
   * publishes it in its own round trip must do all of it there, or send
   * through the producer (see {@linkcode PreparedBroadcast}).
   *
   * @example Usage
   * ```ts
   * import { BgtaskDoneEvent, EventProducer } from "@backendai/common/events";
   * import { MemoryQueue } from "@backendai/common/message-queue";
   * import assert from "node:assert/strict";
   *
   * await using queue = new MemoryQueue();
   * const producer = new EventProducer(queue, {
   *   source: "manager-1",
   *   durableStream: "events_durable",
   * });
   * const prepared = producer.prepareBroadcast(BgtaskDoneEvent.create({
   *   task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: "ok",
   * }));
   * assert.equal(prepared.channel, "events_all");
   * assert.equal(prepared.cacheId, "bgtask.0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d");
   * assert.equal(JSON.parse(prepared.data).name, "bgtask_done");
   * assert.equal(prepared.durable?.stream, "events_durable");
   * assert.equal(prepared.location, undefined); // a MemoryQueue is not on Redis
   * ```
   *
   * @param event The event.
   * @param options The source and a cache id other than the event's own.
   * @returns The wire text and where it goes.
   */
  prepareBroadcast(
    event: Event,
    options: { source?: string; cacheId?: string } = {},
  ): PreparedBroadcast {
    const message = this.#message(event, options.source);
    return {
      channel: this.#broadcaster.channel,
      data: encodeBroadcast(message),
      cacheId: cacheIdOf(event, options.cacheId),
      cacheTtlSeconds: this.#cacheTtlSeconds,
      durable: this.durableStream === undefined ? undefined : {
        stream: this.durableStream,
        fields: encodeStreamFields(message),
      },
      location: this.#queue.location,
    };
  }

  /**
   * Stops sending. Unlike upstream, the queue stays open: it may serve
   * others; close it yourself.
   */
  async close(): Promise<void> {
    await this.#anycaster.close();
    await this.#broadcaster.close();
  }

  /** Same as {@linkcode EventProducer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Whether the current context has a request id or a user to send. */
function hasMetadata(): boolean {
  return currentRequestId() !== undefined || currentUser() !== undefined ||
    triggeredUser() !== undefined;
}
