// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Redis store's blocking reader (one connection per consumer, dropped
 * to cut a blocked `XREADGROUP` short) and the decoding of stream replies.
 *
 * @module
 */

import type { Valkey } from "./_redis_cluster.ts";
import { setField } from "./_util.ts";
import { MessageQueueClosedError } from "./errors.ts";
import type { StreamFields, StreamFieldValue } from "./payload.ts";
import {
  type DeliveredEntry,
  NoGroupError,
  type ReadGroupArgs,
  type StoredEntry,
  type StreamReader,
} from "./store.ts";

/** An entry as `XRANGE`/`XAUTOCLAIM` return it in bytes. */
export type RawEntry = [Uint8Array, Uint8Array[]];

const utf8 = new TextDecoder();

/** A bulk string reply as text. */
export function name(value: Uint8Array | string): string {
  return typeof value === "string" ? value : utf8.decode(value);
}

/** A flat bytes field list as fields by name. */
export function toFields(flat: readonly Uint8Array[]): StreamFields {
  const fields: Record<string, StreamFieldValue> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    setField(fields, name(flat[i] as Uint8Array), flat[i + 1] as Uint8Array);
  }
  return fields;
}

// The fields of a text reply, or undefined when they must be read as bytes.
function textFields(flat: readonly string[]): StreamFields | undefined {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] as string;
    const value = flat[i + 1] as string;
    if (key === "args" || value.includes("\uFFFD") || key.includes("\uFFFD")) {
      return undefined;
    }
    setField(fields, key, value);
  }
  return fields;
}

/** A raw `XRANGE` entry as a stored entry. */
export function toStored(raw: RawEntry): StoredEntry {
  return { id: name(raw[0]), fields: toFields(raw[1]) };
}

/** Whether a server error says the group is missing. */
export function isNoGroup(err: unknown): boolean {
  return err instanceof Error && err.message.includes("NOGROUP");
}

/** What a reader needs from its store. */
export interface ReaderContext {
  /** Opens a blocking connection (tracked by the store). */
  open(): Promise<Valkey>;
  /** Closes a connection `open` made. */
  release(connection: Valkey): void;
  /** The store's command connection, for exact re-reads. */
  command: Valkey;
  /** A stream's key (on a cluster, dead letters in their stream's slot). */
  key(stream: string): string;
  /**
   * On a cluster: groups stream keys by hash slot (one `XREADGROUP` per
   * slot); `undefined` on a single server.
   */
  slots: ((keys: readonly string[]) => string[][]) | undefined;
}

/**
 * Makes a reader whose connection is opened on first use.
 *
 * @param context How to open and release connections.
 * @returns The reader.
 */
export function openRedisReader(context: ReaderContext): StreamReader {
  let connection: Valkey | undefined;
  let connecting: Promise<Valkey> | undefined;
  let closed = false;
  const drop = () => {
    if (connection !== undefined) context.release(connection);
    connection = undefined;
    connecting = undefined;
  };
  const connect = (): Promise<Valkey> => {
    if (closed) {
      throw new MessageQueueClosedError("The stream reader is closed");
    }
    connecting ??= context.open().then((c) => {
      // Closed while connecting: this connection is nobody's.
      if (closed) {
        context.release(c);
        throw new MessageQueueClosedError("The stream reader is closed");
      }
      return (connection = c);
    });
    return connecting;
  };
  // One XREADGROUP over streams that share a slot (every stream, on a
  // single server).
  const readGroup = async (
    redis: Valkey,
    args: ReadGroupArgs,
    keys: readonly string[],
    blockMs: number | undefined,
  ): Promise<Reply> => {
    const block = blockMs === undefined ? [] : ["BLOCK", blockMs];
    // A connection reset during the read: the server may have delivered
    // entries (pending under this consumer now) whose reply was lost, and
    // ioredis would send the read again on a new connection, to wait
    // there for newer ones. Instead the connection is dropped (no resend;
    // the next read opens another) and the read fails at once, so that
    // the consumer takes its pending entries back (it retries every failed
    // read; the error never reaches a caller).
    let onReset!: (err: Error) => void;
    const resetting = new Promise<never>((_, reject) => (onReset = reject));
    const onClose = () => {
      if (connection === redis) drop();
      onReset(new Error("The connection was reset during XREADGROUP"));
    };
    redis.on("close", onClose);
    try {
      return await Promise.race([
        redis.xreadgroup(
          "GROUP",
          args.group,
          args.consumer,
          "COUNT",
          args.count,
          ...block as ["BLOCK", number],
          "STREAMS",
          ...keys,
          ...keys.map(() => ">"),
        ),
        resetting,
      ]) as Reply;
    } catch (err) {
      if (args.signal?.aborted || closed) return null;
      if (isNoGroup(err)) {
        const stream = /stream key '([^']*)'/.exec(
          (err as Error).message,
        )?.[1];
        throw new NoGroupError(stream ?? args.streams.join(","));
      }
      throw err;
    } finally {
      redis.off("close", onClose);
    }
  };
  return {
    connect: async () => {
      await connect();
    },
    read: async (args: ReadGroupArgs): Promise<DeliveredEntry[]> => {
      const redis = await connect();
      if (args.signal?.aborted) return [];
      const streamOf = new Map(args.streams.map((s) => [context.key(s), s]));
      const keys = [...streamOf.keys()];
      const groups = context.slots?.(keys) ?? [keys];
      const onAbort = () => drop();
      args.signal?.addEventListener("abort", onAbort, { once: true });
      let reply: Reply = null;
      try {
        if (groups.length === 1) {
          reply = await readGroup(redis, args, keys, args.blockMs);
        } else {
          // Streams in several slots of a cluster: no one command reads
          // them all, so each slot's are read in turn, waiting at most
          // 100 ms on each, until one has entries or the wait is over.
          const deadline = Date.now() + args.blockMs;
          for (let round = 0; reply === null; round++) {
            for (const group of groups) {
              const left = deadline - Date.now();
              const block = round === 0
                ? undefined
                : Math.max(1, Math.min(100, left));
              reply = await readGroup(redis, args, group, block);
              if (reply !== null || args.signal?.aborted || closed) break;
            }
            if (reply !== null || args.signal?.aborted || closed) break;
            if (round > 0 && Date.now() >= deadline) break;
          }
        }
      } finally {
        args.signal?.removeEventListener("abort", onAbort);
      }
      // Text replies are the fast path. ioredis decodes them with U+FFFD
      // for invalid UTF-8, so an entry with U+FFFD in a field, or with
      // the binary legacy `args`, is read again as bytes, exactly: one
      // XRANGE per stream over the read's span (a group reads a stream's
      // entries in order, so the span holds this read's entries only).
      const entries: DeliveredEntry[] = [];
      const again: { key: string; stream: string; ids: string[] }[] = [];
      for (const [key, raws] of reply ?? []) {
        const stream = streamOf.get(key) ?? key;
        const ids: string[] = [];
        for (const [id, flat] of raws) {
          const fields = textFields(flat);
          if (fields === undefined) ids.push(id);
          entries.push({
            stream,
            id,
            fields: fields ?? {},
            deliveryCount: 1,
          });
        }
        if (ids.length > 0) again.push({ key, stream, ids });
      }
      if (again.length > 0) await readAsBytes(context.command, entries, again);
      return entries;
    },
    close: () => {
      closed = true;
      drop();
      return Promise.resolve();
    },
  };
}

/** An `XREADGROUP` reply in text. */
type Reply = [string, [string, string[]][]][] | null;

/**
 * Replaces the fields of `entries` whose ids are listed with their exact
 * bytes: one pipelined `XRANGE first last` per stream. An entry trimmed
 * meanwhile keeps no fields (and is dead-lettered as malformed).
 */
async function readAsBytes(
  command: Valkey,
  entries: DeliveredEntry[],
  again: readonly { key: string; stream: string; ids: string[] }[],
): Promise<void> {
  // One command per stream (on a cluster each stream may be on another
  // node: ioredis auto-pipelines them per node).
  const replies = await Promise.all(
    again.map(({ key, ids }) =>
      command.xrangeBuffer(key, ids[0] as string, ids[ids.length - 1] as string)
    ),
  );
  const wanted = new Set(
    again.flatMap(({ stream, ids }) => ids.map((id) => `${stream}\0${id}`)),
  );
  const exact = new Map<string, StreamFields>();
  for (const [i, raws] of replies.entries()) {
    const stream = again[i]?.stream as string;
    for (const raw of raws as unknown as RawEntry[]) {
      const entry = toStored(raw);
      const key = `${stream}\0${entry.id}`;
      if (wanted.has(key)) exact.set(key, entry.fields);
    }
  }
  for (const [i, entry] of entries.entries()) {
    const fields = exact.get(`${entry.stream}\0${entry.id}`);
    if (fields !== undefined) entries[i] = { ...entry, fields };
  }
}
