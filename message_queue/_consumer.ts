// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StreamConsumer}: the receiving half of point to point, one
 * consumer of a consumer group. It reads in batches, acknowledges in
 * batches, reclaims entries left idle by a crashed or slow consumer (same
 * id, delivery count + 1), and moves an entry to `<stream>.dlq` after
 * `maxDeliveries`, or when it cannot be decoded, or when told to. This is
 * the hot path of event delivery: nothing here awaits or allocates per
 * message beyond the decoded message itself.
 *
 * @module
 */

import { ExponentialBackoff, type Logger, sleep } from "../utils.ts";
import { InvalidAPIParameters } from "../exception.ts";
import { MessageQueueClosedError } from "./errors.ts";
import { decodeStreamEntry } from "./payload.ts";
import {
  type DeliveredEntry,
  NoGroupError,
  type StreamReader,
  type StreamStore,
} from "./store.ts";
import type {
  ConsumedMessage,
  Consumer,
  ConsumerOptions,
  MessageId,
  SignalOptions,
} from "./types.ts";
import {
  DEAD_LETTER_SUFFIX,
  deadLetterFields,
  errorKey,
} from "./dead_letter.ts";
import {
  DEFAULT_STREAM,
  errorText,
  positiveInteger,
  text,
  untilEither,
} from "./_util.ts";
import { raceSignal } from "../_wait.ts";

const DEFAULTS = {
  stream: DEFAULT_STREAM,
  batchSize: 64,
  blockMs: 10_000,
  // Under upstream's 300 000, so that in a group shared with Python members
  // a live TypeScript member claims an idle entry (same id) before a Python
  // member's autoclaim re-adds a copy that every group reads again.
  idleTimeoutMs: 240_000,
  reclaimIntervalMs: 30_000,
  maxDeliveries: 5,
} as const;

interface ResolvedConsumerOptions {
  group: string;
  name: string;
  streams: readonly string[];
  start: "$" | "0";
  batchSize: number;
  blockMs: number;
  idleTimeoutMs: number;
  reclaimIntervalMs: number;
  maxDeliveries: number;
  logger: Logger;
  onClose: () => void;
}

// The longest an ack waits for the next read before it is sent on its own.
const ACK_DELAY_MS = 20;

/**
 * The {@linkcode Consumer} that `StreamQueue.consumer()` makes.
 */
export class StreamConsumer implements Consumer {
  readonly group: string;
  readonly name: string;
  readonly #store: StreamStore;
  readonly #options: ResolvedConsumerOptions;
  readonly #closing = new AbortController();
  readonly #buffer: ConsumedMessage[] = [];
  readonly #pending = new Map<string, DeliveredEntry>();
  readonly #acks = new Map<string, string[]>();
  readonly #acksInFlight = new Set<Promise<void>>();
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #cursors = new Map<string, string>();
  /** Where taking back this consumer's own pending entries goes on. */
  readonly #ownCursors = new Map<string, string>();
  /** Until its own pending entries are taken back, after `start()`. */
  #recovering = true;
  readonly #backoff = new ExponentialBackoff({
    initialMs: 100,
    maxMs: 30_000,
    jitter: "equal",
  });
  #reader: StreamReader | undefined;
  #nextReclaim = 0;
  #closed = false;

  /**
   * Checks and resolves the options; `start()` then creates the groups.
   *
   * @param store The backend.
   * @param options The consumer options, with the consumer name, the
   * dead-letter stream length, the logger and what to call once on
   * `close()`, resolved by the queue.
   * @throws {InvalidAPIParameters} When `group` or `streams` is empty, or
   * a setting is not a positive integer.
   */
  constructor(
    store: StreamStore,
    options: ConsumerOptions & {
      name: string;
      logger: Logger;
      onClose: () => void;
    },
  ) {
    if (typeof options.group !== "string" || options.group === "") {
      throw new InvalidAPIParameters(
        'A consumer needs a "group" (a non-empty string)',
        { data: { field: "group" } },
      );
    }
    const streams = options.streams ?? [DEFAULTS.stream];
    if (streams.length === 0) {
      throw new InvalidAPIParameters(
        'A consumer needs at least one stream in "streams"',
        { data: { field: "streams" } },
      );
    }
    const idleTimeoutMs = positiveInteger(
      options.idleTimeoutMs,
      DEFAULTS.idleTimeoutMs,
      "idleTimeoutMs",
    );
    this.#store = store;
    this.group = options.group;
    this.name = options.name;
    this.#options = {
      group: options.group,
      name: options.name,
      streams: [...new Set(streams)],
      start: options.startFrom === "beginning" ? "0" : "$",
      batchSize: positiveInteger(
        options.batchSize,
        DEFAULTS.batchSize,
        "batchSize",
      ),
      blockMs: positiveInteger(options.blockMs, DEFAULTS.blockMs, "blockMs"),
      idleTimeoutMs,
      reclaimIntervalMs: positiveInteger(
        options.reclaimIntervalMs,
        Math.min(DEFAULTS.reclaimIntervalMs, idleTimeoutMs),
        "reclaimIntervalMs",
      ),
      maxDeliveries: positiveInteger(
        options.maxDeliveries,
        DEFAULTS.maxDeliveries,
        "maxDeliveries",
      ),
      logger: options.logger,
      onClose: options.onClose,
    };
  }

  /**
   * Creates the group on every stream and connects the reader. When
   * `close()` comes first (an aborted `queue.consumer()`), it opens no
   * reader; `close()` closes one it opened, even while it connects.
   */
  async start(): Promise<void> {
    await this.#ensureGroups();
    if (this.#closed) return;
    this.#reader = this.#store.openReader();
    await this.#reader.connect();
    this.#nextReclaim = Date.now() + this.#options.reclaimIntervalMs;
  }

  async #ensureGroups(start: "$" | "0" = this.#options.start): Promise<void> {
    const { idleTimeoutMs, maxDeliveries } = this.#options;
    for (const stream of this.#options.streams) {
      await this.#store.ensureGroup(stream, this.group, start, {
        idleTimeoutMs,
        maxDeliveries,
      });
    }
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ConsumedMessage> {
    return this.messages();
  }

  async *messages(
    options: SignalOptions = {},
  ): AsyncIterableIterator<ConsumedMessage> {
    const signal = this.#readSignal(options);
    while (!signal.aborted) {
      const next = this.#buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      await this.#refill(signal);
    }
  }

  async *batches(
    options: SignalOptions = {},
  ): AsyncIterableIterator<readonly ConsumedMessage[]> {
    const signal = this.#readSignal(options);
    while (!signal.aborted) {
      if (this.#buffer.length > 0) {
        // The whole buffer at once: one promise per read, not per message.
        yield this.#buffer.splice(0);
        continue;
      }
      await this.#refill(signal);
    }
  }

  #readSignal(options: SignalOptions): AbortSignal {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot read: the consumer is closed",
      );
    }
    return untilEither(options.signal, this.#closing.signal);
  }

  /** Reads into the buffer; a failed read is logged and backed off from. */
  async #refill(signal: AbortSignal): Promise<void> {
    try {
      await this.#fill(signal);
      this.#backoff.reset();
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof NoGroupError) {
        this.#options.logger.warn(
          "message queue: consumer group missing; recreating it",
          { group: this.group, error: err.message },
        );
        // From "0": the stream was deleted and made anew, so everything
        // in it is new to this group; "$" would skip what came meanwhile.
        await this.#ensureGroups("0").catch(() => {});
        return;
      }
      // The read may have been delivered with its reply lost (the
      // connection broke): its entries are pending under this name, and
      // only the idle timeout would bring them back. Take them back next.
      this.#recovering = true;
      const delay = this.#backoff.next();
      this.#options.logger.warn("message queue: read failed; retrying", {
        group: this.group,
        consumer: this.name,
        delayMs: delay,
        error: errorText(err),
      });
      await sleep(delay, { signal }).catch(() => {});
    }
  }

  async #fill(signal: AbortSignal): Promise<void> {
    if (this.#recovering) {
      // What was pending under this name when it started (a restarted
      // worker's messages in flight), or after a failed read, comes back
      // at once, not after the idle timeout. Acks go first, so that what
      // was handled is not handed out again.
      if (this.#acks.size > 0 || this.#acksInFlight.size > 0) {
        await this.#confirmAcks();
      }
      this.#recovering = !await this.#reclaim(this.name);
      if (this.#buffer.length > 0) return;
    }
    const now = Date.now();
    if (now >= this.#nextReclaim) {
      this.#nextReclaim = now + this.#options.reclaimIntervalMs;
      await this.#reclaim();
      if (this.#buffer.length > 0) return;
    }
    if (this.#acks.size > 0 || this.#acksInFlight.size > 0) {
      await this.#confirmAcks();
    }
    this.#reader ??= this.#store.openReader();
    const entries = await this.#reader.read({
      group: this.group,
      consumer: this.name,
      streams: this.#options.streams,
      count: this.#options.batchSize,
      blockMs: Math.max(
        1,
        Math.min(this.#options.blockMs, this.#nextReclaim - Date.now()),
      ),
      signal,
    });
    for (const entry of entries) {
      // Synchronous unless the entry is malformed and must be dead-lettered:
      // an await per entry cost a microtask turn per message.
      const deadLettering = this.#accept(entry);
      if (deadLettering !== undefined) await deadLettering;
    }
  }

  /**
   * Buffers a decoded entry; returns a promise only when dead-lettering it
   * (malformed, or redelivered by the server past `maxDeliveries`).
   */
  #accept(entry: DeliveredEntry): Promise<void> | undefined {
    if (entry.deliveryCount > this.#options.maxDeliveries) {
      return this.#overLimit(entry);
    }
    let message: ConsumedMessage;
    try {
      message = decodeStreamEntry(entry);
    } catch (err) {
      return this.#deadLetter(entry, errorText(err));
    }
    this.#pending.set(entry.id, entry);
    this.#buffer.push(message);
    return undefined;
  }

  /**
   * Takes over idle pending entries (or, given `owner`, that consumer's
   * pending entries whatever their idle time), ten batches per stream at
   * most.
   *
   * @returns Whether every stream's scan is complete.
   */
  async #reclaim(owner?: string): Promise<boolean> {
    const { group, name, idleTimeoutMs, batchSize, logger } = this.#options;
    const cursors = owner === undefined ? this.#cursors : this.#ownCursors;
    let complete = true;
    for (const stream of this.#options.streams) {
      let cursor = cursors.get(stream) ?? "0-0";
      for (let round = 0; round < 10; round++) {
        const result = await this.#store.claimIdle({
          stream,
          group,
          consumer: name,
          minIdleMs: owner === undefined ? idleTimeoutMs : 0,
          count: batchSize,
          cursor,
          owner,
        });
        if (result.deleted.length > 0) {
          logger.warn(
            "message queue: pending entries were trimmed from the stream before an ack (by hardMaxLen or another producer's trim)",
            { stream, group, ids: result.deleted },
          );
        }
        for (const entry of result.entries) {
          // Taking back its own: not what it is still handling.
          if (owner !== undefined && this.#pending.has(entry.id)) continue;
          await this.#accept(entry);
        }
        cursor = result.cursor;
        if (cursor === "0-0") break;
      }
      cursors.set(stream, cursor);
      if (cursor !== "0-0") complete = false;
    }
    return complete;
  }

  /**
   * Dead-letters an entry delivered past `maxDeliveries`, with the error a
   * consumer reported for it (`fail()`) if any.
   */
  async #overLimit(entry: DeliveredEntry): Promise<void> {
    const { group, maxDeliveries } = this.#options;
    const stored = await this.#store.getCache(
      errorKey(entry.stream, group, entry.id),
    );
    const error = stored === undefined
      ? `No ack after ${maxDeliveries} deliveries`
      : `${text(stored)} (then no ack after ${maxDeliveries} deliveries)`;
    await this.#deadLetter(
      { ...entry, deliveryCount: entry.deliveryCount - 1 },
      error,
    );
  }

  async #deadLetter(entry: DeliveredEntry, error: string): Promise<void> {
    const { group, name, logger } = this.#options;
    try {
      const id = await this.#store.deadLetter({
        stream: entry.stream,
        group,
        id: entry.id,
        deadLetterStream: entry.stream + DEAD_LETTER_SUFFIX,
        fields: deadLetterFields(entry.fields, {
          stream: entry.stream,
          id: entry.id,
          group,
          consumer: name,
          deliveryCount: entry.deliveryCount,
          error,
        }),
      });
      this.#pending.delete(entry.id);
      logger.warn("message queue: message moved to the dead-letter stream", {
        stream: entry.stream,
        id: entry.id,
        deadLetterId: id,
        group,
        deliveryCount: entry.deliveryCount,
        error,
      });
    } catch (err) {
      // Left pending: a later reclaim tries again. Nothing is lost.
      logger.error("message queue: could not dead-letter a message", {
        stream: entry.stream,
        id: entry.id,
        error: errorText(err),
      });
    }
  }

  #streamOf(message: ConsumedMessage | MessageId): {
    id: string;
    stream: string | undefined;
  } {
    if (typeof message === "string") {
      const pending = this.#pending.get(message);
      return {
        id: message,
        stream: pending?.stream ??
          (this.#options.streams.length === 1
            ? this.#options.streams[0]
            : undefined),
      };
    }
    return { id: message.id, stream: message.stream };
  }

  done(
    message: ConsumedMessage | MessageId,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new MessageQueueClosedError("Cannot ack: the consumer is closed"),
      );
    }
    const { id, stream } = this.#streamOf(message);
    this.#pending.delete(id);
    if (stream !== undefined) {
      this.#queueAck(stream, id);
      return Promise.resolve();
    }
    return this.#ackWherePending(id, options);
  }

  doneAll(messages: readonly ConsumedMessage[]): Promise<void> {
    if (this.#closed) {
      return Promise.reject(
        new MessageQueueClosedError("Cannot ack: the consumer is closed"),
      );
    }
    for (const message of messages) {
      this.#pending.delete(message.id);
      this.#queueAck(message.stream, message.id);
    }
    return Promise.resolve();
  }

  async #ackWherePending(id: string, options: SignalOptions): Promise<void> {
    // A bare id and several streams: ack where it is pending (upstream too).
    for (const candidate of this.#options.streams) {
      const acked = await raceSignal(
        this.#store.ack(candidate, this.group, [id]),
        options.signal,
      );
      if (acked > 0) return;
    }
  }

  // Acks are batched: done() queues the id; the queued ids go out as one
  // XACK per stream before the next read (so one XACK per read batch, as a
  // hand-written loop would do), or ACK_DELAY_MS after the first of them
  // when the handler is slow, and every sent batch is confirmed before the
  // next read and before close(). A consumer that awaits done() for each
  // message so pays no round trip per message. An ack lost to a connection
  // failure only means the message is delivered again (at least once).
  #queueAck(stream: string, id: string): void {
    let ids = this.#acks.get(stream);
    if (ids === undefined) {
      ids = [];
      this.#acks.set(stream, ids);
    }
    ids.push(id);
    this.#ackTimer ??= setTimeout(() => this.#sendAcks(), ACK_DELAY_MS);
  }

  #sendAcks(): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const [stream, ids] of this.#acks) {
      const sent: Promise<void> = this.#store.ack(stream, this.group, ids)
        .then(
          () => {},
          (err) =>
            this.#options.logger.warn(
              "message queue: ack failed; the messages will be redelivered",
              {
                stream,
                group: this.group,
                count: ids.length,
                error: errorText(err),
              },
            ),
        )
        .finally(() => this.#acksInFlight.delete(sent));
      this.#acksInFlight.add(sent);
    }
    this.#acks.clear();
  }

  async #confirmAcks(): Promise<void> {
    this.#sendAcks();
    if (this.#acksInFlight.size > 0) {
      await Promise.all(this.#acksInFlight);
    }
  }

  async deadLetter(
    message: ConsumedMessage,
    error: unknown,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot dead-letter: the consumer is closed",
      );
    }
    options.signal?.throwIfAborted();
    const entry = this.#pending.get(message.id) ??
      await this.#reread(message);
    if (entry === undefined) return; // acked or trimmed meanwhile
    this.#pending.delete(message.id);
    await raceSignal(this.#deadLetter(entry, errorText(error)), options.signal);
  }

  async #reread(message: ConsumedMessage): Promise<DeliveredEntry | undefined> {
    const [entry] = await this.#store.range(message.stream, 1, message.id);
    if (entry?.id !== message.id) return undefined;
    return {
      ...entry,
      stream: message.stream,
      deliveryCount: message.deliveryCount,
    };
  }

  async fail(
    message: ConsumedMessage | MessageId,
    error: unknown,
    options: SignalOptions = {},
  ): Promise<void> {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot report a failure: the consumer is closed",
      );
    }
    options.signal?.throwIfAborted();
    const { id } = this.#streamOf(message);
    const entry = this.#pending.get(id);
    if (entry === undefined) return;
    this.#pending.delete(id);
    const reason = errorText(error);
    if (entry.deliveryCount >= this.#options.maxDeliveries) {
      await raceSignal(this.#deadLetter(entry, reason), options.signal);
      return;
    }
    const { idleTimeoutMs, maxDeliveries, group } = this.#options;
    const ttlSeconds = Math.ceil(idleTimeoutMs * (maxDeliveries + 1) / 1000) +
      60;
    await raceSignal(
      this.#store.setCache(
        errorKey(entry.stream, group, id),
        reason,
        ttlSeconds,
      ),
      options.signal,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.onClose();
    this.#closing.abort(
      new MessageQueueClosedError("The consumer is closed"),
    );
    this.#buffer.length = 0;
    await this.#confirmAcks();
    await this.#reader?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
