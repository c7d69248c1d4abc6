// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The NATS store's reader: one consumer's pulls from the durable pull
 * consumers of its group, one per stream. A read asks for what is there
 * (`no_wait`, at most `count`), and only when nothing is waits with one
 * pull per stream that expires after the read's `blockMs`; messages that a
 * waiting pull brings after the read returned stay in the reader for the
 * next one. So the server delivers a group what its consumers ask for, as
 * `XREADGROUP COUNT` does, with one exception: a consumer whose reads come
 * back full twice in a row is streaming, and its next batch is asked for
 * as it takes this one (one batch ahead at most). The pulls are plain JetStream requests
 * (`$JS.API.CONSUMER.MSG.NEXT`) answered on one inbox of the reader, each
 * on a reply subject of its own so that its end (a `404`/`408` status or a
 * full batch) is known.
 *
 * @module
 */

import {
  createInbox,
  type Msg,
  type NatsConnection,
  type Subscription,
} from "@nats-io/nats-core";
import {
  type DeliveredEntry,
  NoGroupError,
  type ReadGroupArgs,
  type StreamReader,
} from "../store.ts";

/** What the reader needs from its store. */
export interface ReaderHost {
  /** The connection. */
  readonly nc: NatsConnection;
  /** The JetStream stream of a queue stream. */
  streamName(stream: string): string;
  /** The pull subject of a group on a stream. */
  nextSubject(stream: string, group: string): string;
  /** How long a request may take before the server is suspected gone. */
  readonly requestTimeoutMs: number;
  /**
   * Takes a delivered message (new, or redelivered by the server after its
   * ack wait or a nak) as the consumer's, and returns it as an entry.
   */
  deliver(
    stream: string,
    group: string,
    consumer: string,
    msg: Msg,
  ): DeliveredEntry;
  /** Records the consumer as a member of the group (once per stream). */
  register(stream: string, group: string, consumer: string): Promise<void>;
  /** Whether the group's durable consumer exists. */
  groupExists(stream: string, group: string): Promise<boolean>;
  /** Hands back what the consumer held and forgets the reader. */
  release(
    reader: StreamReader,
    who: { streams: readonly string[]; group: string; consumer: string },
  ): void;
}

interface Pull {
  readonly subject: string;
  readonly stream: string;
  readonly batch: number;
  received: number;
  /** Set once the pull ended: its status, or "batch" when full. */
  ended: string | undefined;
  /** Resolves when it ended. */
  readonly over: Promise<void>;
  readonly done: () => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** A `no_wait` pull (answered at once), not a waiting one. */
  readonly quick: boolean;
}

const NS_PER_MS = 1_000_000;

/**
 * The stream named in an ack subject: `$JS.ACK.<stream>.<consumer>.…`, or
 * `$JS.ACK.<domain>.<account hash>.<stream>.…` in the newer form.
 *
 * @param reply The ack subject.
 * @returns The JetStream stream's name.
 */
export function streamOfAck(reply: string): string {
  const tokens = reply.split(".");
  return tokens[tokens.length >= 11 ? 4 : 2] ?? "";
}

/** A reader over pulls (see the module doc). */
export class NatsReader implements StreamReader {
  readonly #host: ReaderHost;
  readonly #inbox: string;
  #subscription: Subscription | undefined;
  /** The open pulls by reply subject, and by stream in the order sent. */
  readonly #pulls = new Map<string, Pull>();
  readonly #open = new Map<string, Pull[]>();
  /** The reader's streams by their JetStream name. */
  readonly #streamOf = new Map<string, string>();
  /** The stream's waiting pull, if one is open. */
  readonly #waiting = new Map<string, Pull>();
  readonly #buffer: DeliveredEntry[] = [];
  readonly #registered = new Set<string>();
  #wake: (() => void) | undefined;
  #who: { streams: readonly string[]; group: string; consumer: string } = {
    streams: [],
    group: "",
    consumer: "",
  };
  #next = 0;
  #missing: NoGroupError | undefined;
  /** Full reads in a row (see `#take`). */
  #streak = 0;
  /** Pulls the server never answered, to look into. */
  readonly #silent: Pull[] = [];
  #closed = false;

  /**
   * @param host The store's side of the reader.
   */
  constructor(host: ReaderHost) {
    this.#host = host;
    this.#inbox = createInbox();
  }

  /** Subscribes the reader's inbox. */
  connect(): Promise<void> {
    this.#subscribe();
    return Promise.resolve();
  }

  #subscribe(): void {
    if (this.#subscription !== undefined || this.#closed) return;
    this.#subscription = this.#host.nc.subscribe(`${this.#inbox}.*`, {
      callback: (err, msg) => {
        if (err === null) this.#onMessage(msg);
      },
    });
  }

  #onMessage(msg: Msg): void {
    const code = msg.headers?.code ?? 0;
    if (code !== 0 && (msg.data.length === 0 || msg.reply === undefined)) {
      // A status, on the reply subject of the pull it ends.
      const pull = this.#pulls.get(msg.subject);
      if (pull === undefined || code === 100) return; // a heartbeat
      if (code === 409 && /deleted/i.test(msg.headers?.description ?? "")) {
        this.#missing = new NoGroupError(pull.stream);
      }
      this.#end(pull, String(code));
      return;
    }
    // A message keeps its own subject; its ack subject names the stream.
    // The server serves a stream's pulls in the order they came, so it
    // counts towards the oldest one still open.
    if (msg.reply === undefined) return;
    const stream = this.#streamOf.get(streamOfAck(msg.reply));
    if (stream === undefined) return;
    this.#buffer.push(
      this.#host.deliver(stream, this.#who.group, this.#who.consumer, msg),
    );
    const pull = this.#open.get(stream)?.[0];
    if (pull !== undefined && ++pull.received >= pull.batch) {
      this.#end(pull, "batch");
    }
    this.#wake?.();
  }

  #end(pull: Pull, why: string): void {
    if (pull.ended !== undefined) return;
    pull.ended = why;
    if (why === "silent") this.#silent.push(pull);
    clearTimeout(pull.timer);
    this.#pulls.delete(pull.subject);
    const open = this.#open.get(pull.stream);
    const at = open?.indexOf(pull) ?? -1;
    if (at >= 0) open?.splice(at, 1);
    if (this.#waiting.get(pull.stream) === pull) {
      this.#waiting.delete(pull.stream);
    }
    pull.done();
    this.#wake?.();
  }

  /** Sends a pull; resolves when it ended or its guard timer ran out. */
  #pull(
    stream: string,
    batch: number,
    expiresMs: number | undefined,
  ): Pull {
    const subject = `${this.#inbox}.${this.#next++}`;
    let done!: () => void;
    const over = new Promise<void>((resolve) => (done = resolve));
    const guardMs = (expiresMs ?? 0) + this.#host.requestTimeoutMs;
    const pull: Pull = {
      subject,
      stream,
      batch,
      received: 0,
      ended: undefined,
      over,
      done,
      timer: setTimeout(() => this.#end(pull, "silent"), guardMs),
      quick: expiresMs === undefined,
    };
    this.#pulls.set(subject, pull);
    let open = this.#open.get(stream);
    if (open === undefined) this.#open.set(stream, open = []);
    open.push(pull);
    const request = expiresMs === undefined
      ? { batch, no_wait: true }
      : { batch, expires: Math.max(1, expiresMs) * NS_PER_MS };
    this.#host.nc.publish(
      this.#host.nextSubject(stream, this.#who.group),
      JSON.stringify(request),
      { reply: subject },
    );
    return pull;
  }

  /**
   * Reads new entries (see the module doc).
   *
   * @param args The group, consumer, streams, count, wait and signal.
   * @returns The entries.
   * @throws {NoGroupError} When the group's durable consumer is gone.
   */
  async read(args: ReadGroupArgs): Promise<DeliveredEntry[]> {
    if (this.#closed) return [];
    if (this.#who.streams !== args.streams) {
      this.#streamOf.clear();
      for (const stream of args.streams) {
        this.#streamOf.set(this.#host.streamName(stream), stream);
      }
    }
    this.#who = {
      streams: args.streams,
      group: args.group,
      consumer: args.consumer,
    };
    this.#subscribe();
    for (const stream of args.streams) {
      if (this.#registered.has(stream)) continue;
      await this.#host.register(stream, args.group, args.consumer);
      this.#registered.add(stream);
    }
    if (this.#buffer.length > 0) return this.#take(args);
    if (args.signal?.aborted) return [];
    // What is there: a quick pull from every stream without an open pull,
    // and what the quick pulls still open (a read ahead) bring.
    const quick: Promise<void>[] = [];
    for (const stream of args.streams) {
      const open = this.#open.get(stream) ?? [];
      if (open.length === 0) {
        quick.push(this.#pull(stream, args.count, undefined).over);
      } else {
        for (const pull of open) if (pull.quick) quick.push(pull.over);
      }
    }
    await Promise.all(quick);
    await this.#checkSilent();
    if (this.#buffer.length > 0 || args.blockMs <= 0) {
      return this.#take(args);
    }
    const deadline = Date.now() + args.blockMs;
    while (!this.#closed && !args.signal?.aborted) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      for (const stream of args.streams) {
        if (this.#waiting.has(stream)) continue;
        this.#waiting.set(stream, this.#pull(stream, args.count, left));
      }
      await this.#sleep(left, args.signal);
      if (this.#buffer.length > 0) break;
      await this.#checkSilent();
    }
    return this.#take(args);
  }

  // A pull the server never answered: the group (or the stream) is gone,
  // or the server is; the first is the consumer's to fix (NoGroupError).
  async #checkSilent(): Promise<void> {
    if (this.#missing !== undefined) {
      const missing = this.#missing;
      this.#missing = undefined;
      throw missing;
    }
    const streams = new Set(this.#silent.splice(0).map((pull) => pull.stream));
    for (const stream of streams) {
      if (!await this.#host.groupExists(stream, this.#who.group)) {
        throw new NoGroupError(stream);
      }
    }
  }

  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", finish);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      signal?.addEventListener("abort", finish, { once: true });
      this.#wake = finish;
    });
  }

  /**
   * Takes up to `count` entries. After two full reads in a row the
   * consumer is streaming: the next batch is asked for at once (one quick
   * pull per stream with none open), so it is on its way while the
   * consumer handles this one. A read that is not full ends the streak,
   * so a consumer reading a few entries is delivered what it asks for.
   */
  #take(args: ReadGroupArgs): DeliveredEntry[] {
    const taken = this.#buffer.splice(0, args.count);
    this.#streak = taken.length === args.count ? this.#streak + 1 : 0;
    if (this.#streak >= 2 && this.#buffer.length === 0 && !this.#closed) {
      for (const stream of args.streams) {
        if ((this.#open.get(stream)?.length ?? 0) === 0) {
          this.#pull(stream, args.count, undefined);
        }
      }
    }
    return taken;
  }

  /**
   * Stops reading: unsubscribes (the server delivers nothing more to its
   * open pulls) and hands back every message the consumer holds, so that
   * the group gets them again at once.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    for (const pull of [...this.#pulls.values()]) this.#end(pull, "closed");
    this.#buffer.length = 0;
    this.#wake?.();
    this.#host.release(this, this.#who);
    return Promise.resolve();
  }
}
