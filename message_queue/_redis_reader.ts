// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Redis store's blocking reader (one connection per consumer, dropped
 * to cut a blocked `XREADGROUP` short) and the decoding of stream replies.
 *
 * @module
 */

import type { Redis } from "ioredis";
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
    fields[name(flat[i] as Uint8Array)] = flat[i + 1] as Uint8Array;
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
    fields[key] = value;
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
  open(): Promise<Redis>;
  /** Closes a connection `open` made. */
  release(connection: Redis): void;
  /** The store's command connection, for exact re-reads. */
  command: Redis;
}

/**
 * Makes a reader whose connection is opened on first use.
 *
 * @param context How to open and release connections.
 * @returns The reader.
 */
export function openRedisReader(context: ReaderContext): StreamReader {
  let connection: Redis | undefined;
  let connecting: Promise<Redis> | undefined;
  let closed = false;
  const drop = () => {
    if (connection !== undefined) context.release(connection);
    connection = undefined;
    connecting = undefined;
  };
  const connect = (): Promise<Redis> => {
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
  return {
    connect: async () => {
      await connect();
    },
    read: async (args: ReadGroupArgs): Promise<DeliveredEntry[]> => {
      const redis = await connect();
      if (args.signal?.aborted) return [];
      const onAbort = () => drop();
      args.signal?.addEventListener("abort", onAbort, { once: true });
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = await redis.xreadgroup(
          "GROUP",
          args.group,
          args.consumer,
          "COUNT",
          args.count,
          "BLOCK",
          args.blockMs,
          "STREAMS",
          ...args.streams,
          ...args.streams.map(() => ">"),
        ) as [string, [string, string[]][]][] | null;
      } catch (err) {
        if (args.signal?.aborted || closed) return [];
        if (isNoGroup(err)) {
          const stream = /stream key '([^']*)'/.exec(
            (err as Error).message,
          )?.[1];
          throw new NoGroupError(stream ?? args.streams.join(","));
        }
        throw err;
      } finally {
        args.signal?.removeEventListener("abort", onAbort);
      }
      // Text replies are the fast path. ioredis decodes them with U+FFFD
      // for invalid UTF-8, so an entry with U+FFFD in a field, or with
      // the binary legacy `args`, is read again as bytes, exactly: one
      // XRANGE per stream over the read's span (a group reads a stream's
      // entries in order, so the span holds this read's entries only).
      const entries: DeliveredEntry[] = [];
      const again: { stream: string; ids: string[] }[] = [];
      for (const [stream, raws] of reply ?? []) {
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
        if (ids.length > 0) again.push({ stream, ids });
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

/**
 * Replaces the fields of `entries` whose ids are listed with their exact
 * bytes: one pipelined `XRANGE first last` per stream. An entry trimmed
 * meanwhile keeps no fields (and is dead-lettered as malformed).
 */
async function readAsBytes(
  command: Redis,
  entries: DeliveredEntry[],
  again: readonly { stream: string; ids: string[] }[],
): Promise<void> {
  const pipeline = command.pipeline();
  for (const { stream, ids } of again) {
    pipeline.xrangeBuffer(
      stream,
      ids[0] as string,
      ids[ids.length - 1] as string,
    );
  }
  const wanted = new Set(
    again.flatMap(({ stream, ids }) => ids.map((id) => `${stream}\0${id}`)),
  );
  const exact = new Map<string, StreamFields>();
  for (const [i, [err, raws]] of ((await pipeline.exec()) ?? []).entries()) {
    if (err) throw err;
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
