// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The NATS store's streams: made on first use (a JetStream stream on the
 * queue stream's one subject, limits retention, nothing dropped by the
 * server itself), with the ledger entry that says where the library's
 * trimming starts; and publishing to them, making a stream again when it
 * went away.
 *
 * @module
 */

import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  RetentionPolicy,
  type StorageType,
} from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { NatsNames } from "./names.ts";
import { isMissing, keyToken } from "./_tokens.ts";

const NS_PER_MS = 1_000_000;

/** What the streams need from the store. */
export interface StreamsHost {
  /** The JetStream client. */
  readonly js: JetStreamClient;
  /** The JetStream manager. */
  jsm(): Promise<JetStreamManager>;
  /** The names. */
  readonly names: NatsNames;
  /** Where streams are kept. */
  readonly storage: StorageType;
  /** Replicas of each stream. */
  readonly replicas: number;
  /** The ledger bucket. */
  ledger(): Promise<KV>;
}

/** The streams of a store. */
export class NatsStreams {
  readonly #host: StreamsHost;
  readonly #ready = new Map<string, Promise<void>>();
  /** Streams known to exist (their `#ready` promise resolved). */
  readonly #made = new Set<string>();

  /**
   * @param host The store's side.
   */
  constructor(host: StreamsHost) {
    this.#host = host;
  }

  /**
   * Whether the stream is known to exist (no await needed).
   *
   * @param stream The queue stream.
   * @returns `true` once it was made or found.
   */
  made(stream: string): boolean {
    return this.#made.has(stream);
  }

  /**
   * Makes the stream unless it exists (once per store).
   *
   * @param stream The queue stream.
   * @param dedupMs How long a message id deduplicates (dead letters).
   */
  ensure(stream: string, dedupMs?: number): Promise<void> {
    let ready = this.#ready.get(stream);
    if (ready === undefined) {
      ready = this.#create(stream, dedupMs);
      this.#ready.set(stream, ready);
      ready.then(
        () => this.#made.add(stream),
        () => this.#ready.delete(stream),
      );
    }
    return ready;
  }

  async #create(stream: string, dedupMs?: number): Promise<void> {
    const { names } = this.#host;
    const jsm = await this.#host.jsm();
    const name = names.stream(stream);
    try {
      await jsm.streams.info(name);
      return;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    try {
      await jsm.streams.add({
        name,
        subjects: [names.streamSubject(stream)],
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        storage: this.#host.storage,
        num_replicas: this.#host.replicas,
        allow_direct: true,
        duplicate_window: (dedupMs ?? 120_000) * NS_PER_MS,
      });
    } catch (err) {
      // Made meanwhile by another client: fine.
      if ((err as { code?: unknown }).code !== 10058) throw err;
      return;
    }
    // The first sequence the library's removals left: the stream's start.
    const ledger = await this.#host.ledger();
    await ledger.create(
      keyToken(stream),
      JSON.stringify({ first: 1, found: [], lease: 0 }),
    ).catch(() => {});
  }

  /**
   * Publishes to a stream's subject and waits for the acknowledgement.
   *
   * @param stream The queue stream.
   * @param data The message data.
   * @param msgID A message id the stream deduplicates by, if any.
   * @returns The acknowledgement.
   */
  async publish(
    stream: string,
    data: Uint8Array,
    msgID?: string,
  ): Promise<PubAck> {
    const subject = this.#host.names.streamSubject(stream);
    const options = msgID === undefined ? undefined : { msgID };
    try {
      return await this.#host.js.publish(subject, data, options);
    } catch (err) {
      // No stream takes the subject (deleted by hand, or lost with a server
      // on memory storage): the client says "no responders" or "jetstream
      // is not enabled". Make it again, once.
      if (!/no responders|503|not enabled/i.test(String(err))) throw err;
      this.#ready.delete(stream);
      this.#made.delete(stream);
      await this.ensure(stream);
      return await this.#host.js.publish(subject, data, options);
    }
  }
}
