// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The data of one stream of the memory store, and what is computed over it
 * without the store: id arithmetic, lookups by binary search, the stream's
 * info, and the retention step ({@linkcode retainStream}), which mirrors
 * what the Redis store's script does with Redis 7's counters.
 *
 * @module
 */

import type { StreamFields, StreamFieldValue } from "./payload.ts";
import type {
  GroupInfo,
  StreamInfo,
  TrimArgs,
  TrimLoss,
  TrimResult,
} from "./store.ts";
import { lossFields } from "./dead_letter.ts";
import { setField } from "./_util.ts";

/** An entry of a memory stream. */
export interface MemoryEntry {
  readonly id: string;
  readonly ms: number;
  readonly seq: number;
  readonly fields: StreamFields;
}

/** An entry pending for a consumer of a group. */
export interface PendingEntry {
  consumer: string;
  deliveredAt: number;
  count: number;
}

/** A consumer group of a memory stream. */
export interface MemoryGroup {
  lastMs: number;
  lastSeq: number;
  /** Redis 7's `entries-read`: one more per entry delivered. */
  entriesRead: number;
  readonly pending: Map<string, PendingEntry>;
  /** Every consumer that has read or claimed (as `XINFO GROUPS` counts). */
  readonly consumers: Set<string>;
}

/** A memory stream. */
export interface MemoryStream {
  /**
   * In id order; found by binary search (a Map by id cost a rehash per
   * growth). Only `entries[head]` onwards are in the stream: trimming moves
   * `head`, and the array sheds the trimmed part once it is the larger half
   * (a splice per add cost a copy of the whole stream per message).
   */
  entries: MemoryEntry[];
  head: number;
  /** `"<lastMs>-"`, the start of the ids of this millisecond. */
  idPrefix: string;
  lastMs: number;
  lastSeq: number;
  /** Redis 7's `entries-added`. */
  entriesAdded: number;
  readonly groups: Map<string, MemoryGroup>;
}

/** Splits `<ms>-<seq>` (a bare `<ms>` is `<ms>-0`). */
export function parseId(id: string): [number, number] {
  const dash = id.indexOf("-");
  if (dash < 0) return [Number(id), 0];
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Orders two ids. */
export function compareIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  return am !== bm ? am - bm : as - bs;
}

/** The id right after `<ms>-<seq>`. */
function nextId(ms: number, seq: number): string {
  return `${ms}-${seq + 1}`;
}

/** The index of the first entry whose id is above `<ms>-<seq>`. */
export function indexAfter(
  stream: MemoryStream,
  ms: number,
  seq: number,
): number {
  const { entries } = stream;
  let low = stream.head;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const entry = entries[mid] as MemoryEntry;
    if (entry.ms < ms || (entry.ms === ms && entry.seq <= seq)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The entry with `id` in the stream, by binary search. */
export function findEntry(
  stream: MemoryStream,
  id: string,
): MemoryEntry | undefined {
  const [ms, seq] = parseId(id);
  const found = stream.entries[indexAfter(stream, ms, seq - 1)];
  return found !== undefined && found.ms === ms && found.seq === seq
    ? found
    : undefined;
}

// Compaction waits until this many entries are trimmed, at least.
const MIN_COMPACTION = 1024;

/** Drops the `count` oldest entries. */
export function dropOldest(stream: MemoryStream, count: number): void {
  const { entries } = stream;
  stream.head += Math.min(count, entries.length - stream.head);
  if (stream.head >= MIN_COMPACTION && stream.head * 2 >= entries.length) {
    entries.splice(0, stream.head);
    stream.head = 0;
  }
}

/**
 * Trims `stream` to its last `maxLen` entries, exactly.
 *
 * @param stream The stream.
 * @param maxLen The length to keep.
 * @returns How many entries were dropped.
 */
export function trimTo(stream: MemoryStream, maxLen: number): number {
  const length = stream.entries.length - stream.head;
  if (length <= maxLen) return 0;
  dropOldest(stream, length - maxLen);
  return length - maxLen;
}

/** Reads a flat field list into fields by name. */
export function toFields(flat: readonly StreamFieldValue[]): StreamFields {
  const fields: Record<string, StreamFieldValue> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const key = flat[i] as StreamFieldValue;
    setField(
      fields,
      typeof key === "string" ? key : new TextDecoder().decode(key),
      flat[i + 1] as StreamFieldValue,
    );
  }
  return fields;
}

function oldestPending(group: MemoryGroup): string | undefined {
  let oldest: string | undefined;
  for (const id of group.pending.keys()) {
    if (oldest === undefined || compareIds(id, oldest) < 0) oldest = id;
  }
  return oldest;
}

/**
 * Reports a stream the way `StreamStore.streamInfo` does.
 *
 * @param name The stream's name.
 * @param stream The stream.
 * @returns Its state and its groups'.
 */
export function streamInfoOf(name: string, stream: MemoryStream): StreamInfo {
  const { entries } = stream;
  const groups: GroupInfo[] = [];
  for (const [groupName, group] of stream.groups) {
    groups.push({
      name: groupName,
      consumers: group.consumers.size,
      pending: group.pending.size,
      oldestPendingId: oldestPending(group),
      lastDeliveredId: `${group.lastMs}-${group.lastSeq}`,
      entriesRead: group.entriesRead,
      lag: entries.length - indexAfter(stream, group.lastMs, group.lastSeq),
    });
  }
  return {
    stream: name,
    length: entries.length - stream.head,
    firstId: entries[stream.head]?.id,
    lastId: `${stream.lastMs}-${stream.lastSeq}`,
    entriesAdded: stream.entriesAdded,
    groups,
  };
}

/**
 * What each group lost that is gone from the stream now: unread entries
 * (by the read counter, as on Redis 7) and pending ones (by id). Each loss
 * is recorded with `record`, taken off the pending list, and the group's
 * counter is set past the gap so that it is counted once.
 */
function collectLosses(
  name: string,
  stream: MemoryStream,
  cause: TrimLoss["cause"],
  firstUnread: ReadonlyMap<string, string>,
  record: (loss: Omit<TrimLoss, "deadLetterId">) => string,
): TrimLoss[] {
  const { entries } = stream;
  const first = entries[stream.head];
  const length = entries.length - stream.head;
  const endId = first?.id ?? nextId(stream.lastMs, stream.lastSeq);
  const losses: TrimLoss[] = [];
  for (const [groupName, group] of stream.groups) {
    const behind = first === undefined
      ? group.lastMs < stream.lastMs ||
        (group.lastMs === stream.lastMs && group.lastSeq < stream.lastSeq)
      : group.lastMs < first.ms ||
        (group.lastMs === first.ms && group.lastSeq < first.seq);
    const unread = behind
      ? Math.max(0, stream.entriesAdded - length - group.entriesRead)
      : 0;
    const gone = [...group.pending.keys()].filter((id) =>
      first === undefined || compareIds(id, first.id) < 0
    ).sort(compareIds);
    if (unread === 0 && gone.length === 0) continue;
    for (const id of gone) group.pending.delete(id);
    if (unread > 0) group.entriesRead = stream.entriesAdded - length;
    const candidates = [...gone];
    if (unread > 0) {
      candidates.push(
        firstUnread.get(groupName) ?? nextId(group.lastMs, group.lastSeq),
      );
    }
    const loss = {
      stream: name,
      group: groupName,
      cause,
      count: unread + gone.length,
      unread,
      pending: gone.length,
      firstId: candidates.sort(compareIds)[0] as string,
      endId,
    };
    losses.push({ ...loss, deadLetterId: record(loss) });
  }
  return losses;
}

/**
 * The retention step of `StreamStore.trim` on a memory stream.
 *
 * @param name The stream's name.
 * @param stream The stream.
 * @param args The lengths and the dead-letter stream.
 * @param append Adds a loss record to the dead-letter stream.
 * @returns What was trimmed and lost, and the state after.
 */
export function retainStream(
  name: string,
  stream: MemoryStream,
  args: TrimArgs,
  append: (fields: StreamFieldValue[]) => string,
): Omit<TrimResult, "deadLettersDropped"> {
  const record = (loss: Omit<TrimLoss, "deadLetterId">) =>
    append(lossFields(loss));
  // 1. Losses that happened elsewhere (an add with maxLen on this stream).
  const losses = collectLosses(
    name,
    stream,
    "trimmed-elsewhere",
    new Map(),
    record,
  );
  // 2. What every group has acknowledged, beyond maxLen.
  let length = stream.entries.length - stream.head;
  let trimmed = 0;
  if (length > args.maxLen) {
    let end = stream.entries.length;
    for (const group of stream.groups.values()) {
      end = Math.min(end, indexAfter(stream, group.lastMs, group.lastSeq));
      const oldest = oldestPending(group);
      if (oldest !== undefined) {
        const [ms, seq] = parseId(oldest);
        end = Math.min(end, indexAfter(stream, ms, seq - 1));
      }
    }
    trimmed = Math.min(end - stream.head, length - args.maxLen);
    dropOldest(stream, trimmed);
    length -= trimmed;
  }
  // 3. The hard cap, whoever needs the entries.
  let dropped = 0;
  if (args.hardMaxLen !== undefined && length > args.hardMaxLen) {
    dropped = length - args.hardMaxLen;
    const cut = stream.head + dropped;
    const firstUnread = new Map<string, string>();
    for (const [groupName, group] of stream.groups) {
      const index = indexAfter(stream, group.lastMs, group.lastSeq);
      const entry = stream.entries[index];
      if (index < cut && entry !== undefined) {
        firstUnread.set(groupName, entry.id);
      }
    }
    dropOldest(stream, dropped);
    losses.push(
      ...collectLosses(name, stream, "hard-cap", firstUnread, record),
    );
  }
  return {
    trimmed,
    dropped,
    losses,
    uncounted: [],
    info: streamInfoOf(name, stream),
  };
}
