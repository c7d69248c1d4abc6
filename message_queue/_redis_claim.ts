// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Redis store's claims: idle pending entries (`XAUTOCLAIM`, with each
 * one's delivery count from `XPENDING`), and one consumer's own pending
 * entries (`XPENDING … <owner>` then `XCLAIM`).
 *
 * @module
 */

import {
  type ClaimIdleArgs,
  type ClaimIdleResult,
  type DeliveredEntry,
  NoGroupError,
} from "./store.ts";
import { isNoGroup, name, type RawEntry, toStored } from "./_redis_reader.ts";
import type { Valkey } from "./_redis_cluster.ts";

// ioredis makes a `<command>Buffer` method for every command, but its types
// lack this one; and `callBuffer` loses its command name under
// auto-pipelining (ioredis 5.11), so it is no way around.
interface BufferCommands {
  xautoclaimBuffer(...args: (string | number)[]): Promise<unknown>;
  xclaimBuffer(...args: (string | number)[]): Promise<unknown>;
}

// The id right after `id` (`<ms>-<seq + 1>`), as an inclusive range start.
function nextId(id: string): string {
  const dash = id.indexOf("-");
  return `${id.slice(0, dash)}-${BigInt(id.slice(dash + 1)) + 1n}`;
}

/**
 * `XAUTOCLAIM`, then the delivery counts from `XPENDING` (one pipelined
 * exact-range query per claimed id, all on the stream's node).
 *
 * @param redis The command connection.
 * @param key The stream's key.
 * @param args The stream, group, consumer, idle time, count and cursor.
 * @returns The claimed entries, the next cursor, and trimmed ids.
 */
export async function claimIdle(
  redis: Valkey,
  key: string,
  args: ClaimIdleArgs,
): Promise<ClaimIdleResult> {
  let reply: [Uint8Array, RawEntry[], Uint8Array[]?];
  try {
    reply = await (redis as unknown as BufferCommands)
      .xautoclaimBuffer(
        key,
        args.group,
        args.consumer,
        args.minIdleMs,
        args.cursor,
        "COUNT",
        args.count,
      ) as [Uint8Array, RawEntry[], Uint8Array[]?];
  } catch (err) {
    if (isNoGroup(err)) throw new NoGroupError(args.stream);
    throw err;
  }
  const [cursor, raws, deleted = []] = reply;
  const claimed = raws.filter((raw) => raw[1] !== null).map(toStored);
  const counts = new Map<string, number>();
  if (claimed.length > 0) {
    const pipeline = redis.pipeline();
    for (const entry of claimed) {
      pipeline.xpending(
        key,
        args.group,
        entry.id,
        entry.id,
        1,
      );
    }
    for (const [err, rows] of (await pipeline.exec()) ?? []) {
      if (err) throw err;
      const row = (rows as [string, string, number, number][])[0];
      if (row !== undefined) counts.set(row[0], row[3]);
    }
  }
  return {
    cursor: name(cursor),
    entries: claimed.map((entry) => ({
      ...entry,
      stream: args.stream,
      deliveryCount: counts.get(entry.id) ?? 1,
    })),
    deleted: deleted.map(name),
  };
}

/**
 * `XPENDING stream group IDLE minIdle cursor + count owner`, then `XCLAIM`
 * of those ids: the owner's pending entries, delivery count + 1. Ids that
 * `XCLAIM` does not return were trimmed away (Redis 7 drops them from the
 * pending list).
 *
 * @param redis The command connection.
 * @param key The stream's key.
 * @param args The stream, group, consumer, owner, count and cursor.
 * @returns The claimed entries, the next cursor, and trimmed ids.
 */
export async function claimOwn(
  redis: Valkey,
  key: string,
  args: ClaimIdleArgs,
): Promise<ClaimIdleResult> {
  let rows: [string, string, number, number][];
  try {
    rows = await redis.xpending(
      key,
      args.group,
      "IDLE",
      args.minIdleMs,
      args.cursor,
      "+",
      args.count,
      args.owner as string,
    ) as [string, string, number, number][];
  } catch (err) {
    if (isNoGroup(err)) throw new NoGroupError(args.stream);
    throw err;
  }
  if (rows.length === 0) return { cursor: "0-0", entries: [], deleted: [] };
  const raws = await (redis as unknown as BufferCommands)
    .xclaimBuffer(
      key,
      args.group,
      args.consumer,
      args.minIdleMs,
      ...rows.map((row) => row[0]),
    ) as RawEntry[];
  const claimed = new Map(
    raws.filter((raw) => raw[1] !== null).map((raw) => {
      const entry = toStored(raw);
      return [entry.id, entry];
    }),
  );
  const entries: DeliveredEntry[] = [];
  const deleted: string[] = [];
  for (const [id, , , count] of rows) {
    const entry = claimed.get(id);
    if (entry === undefined) deleted.push(id);
    else {
      entries.push({
        ...entry,
        stream: args.stream,
        deliveryCount: count + 1,
      });
    }
  }
  const last = rows[rows.length - 1]?.[0] as string;
  return {
    cursor: rows.length < args.count ? "0-0" : nextId(last),
    entries,
    deleted,
  };
}
