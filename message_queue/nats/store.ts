// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode NatsStreamStore}: the message queue's store on NATS JetStream
 * (`NatsStreamQueue` is the queue over it). A queue stream is a JetStream
 * stream, a consumer group a durable pull consumer of it that the server
 * redelivers from after its ack wait (the consumer's `idleTimeoutMs`),
 * broadcast plain core NATS publish/subscribe, and the broadcast cache a
 * key-value bucket; `names.ts` says how each is named.
 *
 * @module
 */

import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  type JetStreamClient,
  type JetStreamManager,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { Msg, NatsConnection, Subscription } from "@nats-io/nats-core";
import { consoleLogger, type Logger } from "../../utils.ts";
import { invalidOption } from "../../_options.ts";
import { MessageQueueClosedError } from "../errors.ts";
import type { StreamFieldValue } from "../payload.ts";
import type {
  ClaimIdleArgs,
  ClaimIdleResult,
  DeadLetterArgs,
  DeliveredEntry,
  EnsureGroupOptions,
  PublishItem,
  StoredEntry,
  StoreSubscription,
  StreamInfo,
  StreamReader,
  StreamStore,
  TrimArgs,
  TrimResult,
} from "../store.ts";
import {
  connectNats,
  type NatsConnectOptions,
  type NatsTarget,
} from "./connect.ts";
import { decodeFields, encodeFields } from "./_fields.ts";
import { NatsCache } from "./_cache.ts";
import { readRange } from "./_range.ts";
import { NatsStreams } from "./_streams.ts";
import { NatsNames } from "./names.ts";
import { idOf, isMissing, keyToken, parseAck, seqOf } from "./_tokens.ts";
import { NatsReader, type ReaderHost } from "./_reader.ts";
import {
  cutAfterAdd,
  readInfo,
  retain,
  type RetentionHost,
} from "./_retention.ts";

const NS_PER_MS = 1_000_000;
const utf8 = new TextEncoder();
const ACK = utf8.encode("+ACK");
const NAK = utf8.encode("-NAK");

// A consumer's ack wait when ensureGroup is not told the idle timeout: the
// queue consumer's default.
const DEFAULT_ACK_WAIT_MS = 240_000;
// How long a dead letter's message id deduplicates a second add of it (a
// dead-lettering retried after its ack was lost).
const DEAD_LETTER_DEDUP_MS = 10 * 60_000;

/** Options of {@linkcode NatsStreamStore}. */
export interface NatsStreamStoreOptions {
  /**
   * The prefix of every stream, subject and bucket the store makes (see
   * `NatsNames`): `A-Z a-z 0-9 _ -`. Queues that share
   * a namespace share streams, groups and the cache.
   *
   * @default {"bai"}
   */
  namespace?: string | undefined;
  /**
   * Where JetStream keeps the streams: `"file"` survives a server restart,
   * `"memory"` does not.
   *
   * @default {"file"}
   */
  storage?: "file" | "memory" | undefined;
  /**
   * Replicas of each stream and bucket in a clustered JetStream.
   *
   * @default {1}
   */
  replicas?: number | undefined;
  /**
   * How long a JetStream request (publish acknowledgement, stream or
   * consumer call) may take, in milliseconds.
   *
   * @default {5000}
   */
  requestTimeoutMs?: number | undefined;
  /**
   * Where reconnects and lease conflicts are reported.
   *
   * @default {console}
   */
  logger?: Logger | undefined;
}

interface Held {
  reply: string;
  consumer: string;
}

/**
 * The {@linkcode StreamStore} on NATS JetStream (see the module doc). A
 * read returns what the server delivers, redeliveries included with their
 * delivery count; closing a reader hands back at once (`nak`) what its
 * consumer held unacknowledged, and a consumer that stops without closing
 * gets its messages redelivered after the ack wait. `claimIdle` claims
 * nothing: the server redelivers by itself.
 *
 * @example Usage
 * ```ts ignore
 * import { NatsStreamStore } from "@backendai/common/message-queue/nats";
 *
 * const store = await NatsStreamStore.connect({ servers: "127.0.0.1:4222" });
 * await store.close();
 * ```
 */
export class NatsStreamStore implements StreamStore {
  readonly #nc: NatsConnection;
  readonly #owned: boolean;
  readonly #js: JetStreamClient;
  readonly #jsm: Promise<JetStreamManager>;
  readonly #kvm: Kvm;
  readonly #names: NatsNames;
  readonly #storage: StorageType;
  readonly #replicas: number;
  readonly #timeoutMs: number;
  readonly #logger: Logger;
  readonly #streams: NatsStreams;
  readonly #buckets = new Map<string, Promise<KV>>();
  readonly #cache: NatsCache;
  readonly #held = new Map<string, Map<number, Held>>();
  readonly #readers = new Set<StreamReader>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #ackWaits = new Map<string, number>();
  #closed = false;

  /**
   * Wraps a connection (closed by {@linkcode NatsStreamStore.close} only
   * when `owned`, as {@linkcode NatsStreamStore.connect} makes it).
   *
   * @param nc The connection.
   * @param options Namespace, storage, replicas, timeouts, logger.
   * @param owned Whether `close()` closes the connection.
   * @throws {InvalidAPIParameters} When the namespace has other characters.
   */
  constructor(
    nc: NatsConnection,
    options: NatsStreamStoreOptions = {},
    owned: boolean = false,
  ) {
    const namespace = options.namespace ?? "bai";
    if (!/^[A-Za-z0-9_-]+$/.test(namespace)) {
      invalidOption(
        "NATS stream store",
        "namespace",
        namespace,
        "must be made of A-Z a-z 0-9 _ -",
      );
    }
    this.#nc = nc;
    this.#owned = owned;
    this.#names = new NatsNames(namespace);
    this.#timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#js = jetstream(nc, { timeout: this.#timeoutMs });
    this.#jsm = jetstreamManager(nc, {
      timeout: this.#timeoutMs,
      checkAPI: false,
    });
    this.#jsm.catch(() => {}); // surfaced by the first call that needs it
    this.#kvm = new Kvm(this.#js);
    this.#storage = options.storage === "memory"
      ? StorageType.Memory
      : StorageType.File;
    this.#replicas = options.replicas ?? 1;
    this.#logger = options.logger ?? consoleLogger;
    this.#streams = new NatsStreams({
      js: this.#js,
      jsm: () => this.#jsm,
      names: this.#names,
      storage: this.#storage,
      replicas: this.#replicas,
      ledger: () => this.#bucket("ledger"),
    });
    this.#cache = new NatsCache(
      () => this.#bucket("cache"),
      () => this.#jsm,
      `KV_${this.#names.bucket("cache")}`,
    );
  }

  /**
   * Connects to NATS and makes a store that owns the connection.
   *
   * @param target Where the server is.
   * @param options The store's options, and the connection's.
   * @returns The store.
   * @throws {NatsConnectionError} When no server is reached in time.
   */
  static async connect(
    target: NatsTarget,
    options: NatsStreamStoreOptions & Omit<NatsConnectOptions, "name"> = {},
  ): Promise<NatsStreamStore> {
    const nc = await connectNats(target, {
      name: "backendai-mq",
      connectTimeoutMs: options.connectTimeoutMs,
      logger: options.logger,
      signal: options.signal,
    });
    return new NatsStreamStore(nc, options, true);
  }

  /** The names the store gives what it makes on the server. */
  get names(): NatsNames {
    return this.#names;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError("The NATS stream store is closed");
    }
  }

  /**
   * Publishes each entry to its stream's subject (concurrently, one
   * acknowledgement each); with `maxLen`, then cuts each stream to its last
   * `maxLen` entries, counting what each group loses (the next trimming
   * step reports it, as it reports what another client trimmed on Redis).
   *
   * @param items The streams and flat field lists.
   * @param maxLen When given, the length to cut each stream to.
   * @returns The new ids (`0-<stream sequence>`).
   */
  async add(
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen?: number,
  ): Promise<string[]> {
    this.#checkOpen();
    if (items.length === 1 && maxLen === undefined) {
      // The hot path of an anycast: no await for a stream already made.
      const item = items[0] as (typeof items)[0];
      if (!this.#streams.made(item.stream)) {
        await this.#streams.ensure(item.stream);
      }
      const ack = await this.#streams.publish(
        item.stream,
        encodeFields(item.fields),
      );
      return [idOf(ack.seq)];
    }
    const streams = [...new Set(items.map((item) => item.stream))];
    await Promise.all(streams.map((stream) => this.#streams.ensure(stream)));
    const acks = await Promise.all(
      items.map((item) =>
        this.#streams.publish(item.stream, encodeFields(item.fields))
      ),
    );
    if (maxLen !== undefined) {
      for (const stream of streams) {
        await cutAfterAdd(this.#retention, stream, maxLen);
      }
    }
    return acks.map((ack) => idOf(ack.seq));
  }

  /**
   * Creates the group's durable pull consumer unless it exists: delivering
   * new messages only (`"$"`) or all (`"0"`), acknowledged one by one,
   * redelivered after the ack wait (`idleTimeoutMs`; a later consumer with
   * another timeout updates it) without a delivery limit: the queue
   * dead-letters past `maxDeliveries` itself, since JetStream's own limit
   * ends redelivery with nothing but an advisory.
   *
   * @param stream The stream (made when missing).
   * @param group The group.
   * @param start `"$"` or `"0"`.
   * @param options The group's idle timeout.
   */
  async ensureGroup(
    stream: string,
    group: string,
    start: "$" | "0",
    options: EnsureGroupOptions = {},
  ): Promise<void> {
    this.#checkOpen();
    await this.#streams.ensure(stream);
    const jsm = await this.#jsm;
    const name = this.#names.stream(stream);
    const durable = this.#names.durable(group);
    const ackWaitMs = options.idleTimeoutMs ?? DEFAULT_ACK_WAIT_MS;
    const known = `${stream}\0${group}`;
    let current: number | undefined;
    try {
      current = (await jsm.consumers.info(name, durable)).config.ack_wait;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    if (current === undefined) {
      try {
        await jsm.consumers.add(name, {
          durable_name: durable,
          description: group,
          ack_policy: AckPolicy.Explicit,
          ack_wait: ackWaitMs * NS_PER_MS,
          deliver_policy: start === "0" ? DeliverPolicy.All : DeliverPolicy.New,
          max_deliver: -1,
          max_ack_pending: -1,
        });
        this.#ackWaits.set(known, ackWaitMs);
        return;
      } catch (err) {
        // Made meanwhile by another client.
        current = (await jsm.consumers.info(name, durable)).config.ack_wait;
        if (current === undefined) throw err;
      }
    }
    if (
      options.idleTimeoutMs !== undefined && current !== ackWaitMs * NS_PER_MS
    ) {
      await jsm.consumers.update(name, durable, {
        ack_wait: ackWaitMs * NS_PER_MS,
      });
    }
    this.#ackWaits.set(known, ackWaitMs);
  }

  /**
   * The stream's state and each group's (see `_retention.ts`).
   *
   * @param stream The stream.
   * @returns Its state, or `undefined` when it does not exist.
   */
  async streamInfo(stream: string): Promise<StreamInfo | undefined> {
    this.#checkOpen();
    return await readInfo(this.#retention, stream);
  }

  /**
   * The retention step under the stream's lease (see `_retention.ts`).
   *
   * @param args The stream, the lengths, and where loss records go.
   * @returns What was trimmed and lost, and the state after.
   */
  async trim(args: TrimArgs): Promise<TrimResult> {
    this.#checkOpen();
    return await retain(this.#retention, args);
  }

  get #retention(): RetentionHost {
    return {
      jsm: () => this.#jsm,
      names: this.#names,
      bucket: (kind) => this.#bucket(kind),
      append: async (stream, fields) => {
        await this.#streams.ensure(stream, DEAD_LETTER_DEDUP_MS);
        return idOf(
          (await this.#streams.publish(stream, encodeFields(fields))).seq,
        );
      },
      logger: this.#logger,
    };
  }

  // ---------------------------------------------------------------------
  // Reading and acknowledging

  /**
   * Opens a reader: pulls on the store's connection (see `_reader.ts`).
   *
   * @returns The reader.
   */
  openReader(): StreamReader {
    this.#checkOpen();
    const reader = new NatsReader(this.#readerHost);
    this.#readers.add(reader);
    return reader;
  }

  get #readerHost(): ReaderHost {
    return {
      nc: this.#nc,
      requestTimeoutMs: this.#timeoutMs,
      streamName: (stream) => this.#names.stream(stream),
      nextSubject: (stream, group) =>
        `$JS.API.CONSUMER.MSG.NEXT.${this.#names.stream(stream)}.${
          this.#names.durable(group)
        }`,
      deliver: (stream, group, consumer, msg) =>
        this.#deliver(stream, group, consumer, msg),
      register: async (stream, group, consumer) => {
        const members = await this.#bucket("members");
        await members.put(
          `${keyToken(stream)}.${keyToken(group)}.${keyToken(consumer)}`,
          "",
        );
      },
      groupExists: async (stream, group) => {
        try {
          await (await this.#jsm).consumers.info(
            this.#names.stream(stream),
            this.#names.durable(group),
          );
          return true;
        } catch (err) {
          if (isMissing(err)) return false;
          throw err;
        }
      },
      release: (reader, who) => {
        this.#readers.delete(reader);
        for (const stream of who.streams) {
          this.#handBack(stream, who.group, who.consumer);
        }
      },
    };
  }

  #heldOf(stream: string, group: string): Map<number, Held> {
    const key = `${stream}\0${group}`;
    let held = this.#held.get(key);
    if (held === undefined) {
      held = new Map();
      this.#held.set(key, held);
    }
    return held;
  }

  #deliver(
    stream: string,
    group: string,
    consumer: string,
    msg: Msg,
  ): DeliveredEntry {
    const reply = msg.reply as string;
    const { deliveries, seq } = parseAck(reply);
    this.#heldOf(stream, group).set(seq, { reply, consumer });
    return {
      stream,
      id: idOf(seq),
      fields: decodeFields(msg.data),
      deliveryCount: deliveries,
    };
  }

  // What a closing consumer held goes back to the group at once.
  #handBack(stream: string, group: string, consumer: string): void {
    const held = this.#held.get(`${stream}\0${group}`);
    if (held === undefined) return;
    for (const [seq, entry] of held) {
      if (entry.consumer !== consumer) continue;
      held.delete(seq);
      if (!this.#nc.isClosed()) this.#nc.publish(entry.reply, NAK);
    }
  }

  /**
   * Acknowledges entries delivered through this store (`+ACK` on each
   * delivery's reply subject; an id it did not deliver counts 0).
   *
   * @param stream The stream.
   * @param group The group.
   * @param ids The ids.
   * @returns How many it held.
   */
  ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    this.#checkOpen();
    const held = this.#held.get(`${stream}\0${group}`);
    let acked = 0;
    if (held !== undefined) {
      for (const id of ids) {
        const seq = seqOf(id);
        const entry = seq === undefined ? undefined : held.get(seq);
        if (entry === undefined) continue;
        held.delete(seq as number);
        this.#nc.publish(entry.reply, ACK);
        acked++;
      }
    }
    return Promise.resolve(acked);
  }

  /**
   * Claims nothing: the server redelivers an entry after its ack wait to
   * whichever consumer of the group pulls next, with its delivery count.
   *
   * @param _args Unused.
   * @returns Nothing claimed, the scan complete.
   */
  claimIdle(_args: ClaimIdleArgs): Promise<ClaimIdleResult> {
    this.#checkOpen();
    return Promise.resolve({ cursor: "0-0", entries: [], deleted: [] });
  }

  /**
   * Adds the dead letter (deduplicated by the entry, so that a retry after
   * a lost acknowledgement adds nothing), then acknowledges the entry and
   * waits for the server's confirmation.
   *
   * @param args Where from, where to, and what.
   * @returns The dead letter's id.
   */
  async deadLetter(args: DeadLetterArgs): Promise<string> {
    this.#checkOpen();
    const seq = seqOf(args.id) ?? 0;
    const durable = this.#names.durable(args.group);
    const source = this.#names.stream(args.stream);
    await this.#streams.ensure(args.deadLetterStream, DEAD_LETTER_DEDUP_MS);
    const ack = await this.#streams.publish(
      args.deadLetterStream,
      encodeFields(args.fields),
      `${source}.${durable}.${seq}`,
    );
    const held = this.#held.get(`${args.stream}\0${args.group}`);
    const reply = held?.get(seq)?.reply ??
      // A delivery this store did not make: the server reads the stream
      // sequence from the reply subject.
      `$JS.ACK.${source}.${durable}.1.${seq}.${seq}.0.0`;
    held?.delete(seq);
    await this.#nc.request(reply, ACK, { timeout: this.#timeoutMs });
    return idOf(ack.seq);
  }

  /**
   * Reads entries from `start` on, oldest first (see `_range.ts`).
   *
   * @param stream The stream.
   * @param count Most entries.
   * @param start The first id, inclusive.
   * @returns The entries.
   */
  async range(
    stream: string,
    count: number,
    start: string = "-",
  ): Promise<StoredEntry[]> {
    this.#checkOpen();
    return await readRange(
      { nc: this.#nc, jsm: await this.#jsm, timeoutMs: this.#timeoutMs },
      this.#names.stream(stream),
      count,
      Math.max(1, seqOf(start) ?? 1),
    );
  }

  // ---------------------------------------------------------------------
  // Broadcast and cache

  /**
   * Stores each cached item in the cache bucket, then publishes every
   * item on its channel's subject and waits until the server has them.
   *
   * @param items The messages.
   */
  async publish(items: readonly PublishItem[]): Promise<void> {
    this.#checkOpen();
    await Promise.all(
      items.filter((item) => item.cacheKey !== undefined).map((item) =>
        this.setCache(item.cacheKey as string, item.data, item.cacheTtlSeconds)
      ),
    );
    for (const item of items) {
      this.#nc.publish(this.#names.channel(item.channel), item.data);
    }
    await this.#nc.flush();
  }

  /**
   * Reads a cached value unless its lifetime is over (see `_cache.ts`).
   *
   * @param key The key.
   * @returns The bytes, or `undefined`.
   */
  async getCache(key: string): Promise<Uint8Array | undefined> {
    this.#checkOpen();
    return await this.#cache.get(key);
  }

  /**
   * Stores a value with a lifetime (see `_cache.ts`).
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime in seconds.
   */
  async setCache(
    key: string,
    value: string,
    ttlSeconds: number,
  ): Promise<void> {
    this.#checkOpen();
    await this.#cache.set(key, value, ttlSeconds);
  }

  #bucket(kind: "cache" | "members" | "ledger"): Promise<KV> {
    let bucket = this.#buckets.get(kind);
    if (bucket === undefined) {
      bucket = this.#kvm.create(this.#names.bucket(kind), {
        history: 1,
        storage: this.#storage,
        replicas: this.#replicas,
        ...(kind === "cache" ? { ttl: 300_000 } : {}),
      });
      this.#buckets.set(kind, bucket);
      bucket.catch(() => this.#buckets.delete(kind));
    }
    return bucket;
  }

  /**
   * Subscribes to each channel's subject; resolves once the server has
   * the subscriptions.
   *
   * @param channels The channels.
   * @param onMessage Called with each message.
   * @returns The subscription.
   */
  async subscribe(
    channels: readonly string[],
    onMessage: (channel: string, data: StreamFieldValue) => void,
  ): Promise<StoreSubscription> {
    this.#checkOpen();
    const subscriptions = channels.map((channel) =>
      this.#nc.subscribe(this.#names.channel(channel), {
        callback: (err, msg) => {
          if (err === null) onMessage(channel, msg.data);
        },
      })
    );
    for (const s of subscriptions) this.#subscriptions.add(s);
    await this.#nc.flush();
    return {
      close: () => {
        for (const s of subscriptions) {
          s.unsubscribe();
          this.#subscriptions.delete(s);
        }
        return Promise.resolve();
      },
    };
  }

  /**
   * Closes the readers (handing back what they held) and subscriptions,
   * then the connection when the store made it (draining it first).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#readers].map((reader) => reader.close()));
    for (const s of this.#subscriptions) s.unsubscribe();
    this.#subscriptions.clear();
    if (this.#owned && !this.#nc.isClosed()) {
      await this.#nc.drain().catch(() => this.#nc.close());
    } else if (!this.#nc.isClosed()) {
      await this.#nc.flush().catch(() => {});
    }
  }
}
