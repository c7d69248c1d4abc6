// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The NATS store's `streamInfo` and retention step. JetStream sequences
 * count every message a stream ever took, and a durable consumer keeps
 * its position (`delivered`), its ack floor and how many messages it holds
 * unacknowledged, so a group's read counter, lag and what a cut would take
 * from it are exact, as Redis 7's read counters make them. What JetStream
 * does not keep is which messages a purge took from a consumer: it moves
 * the consumer past them and forgets them. So every removal this library
 * makes counts the losses before it removes, under a lease:
 *
 * - the step's hard cap (`hardMaxLen`) counts and reports its own losses;
 * - `add(…, maxLen)` counts the losses of its cut and leaves them in the
 *   stream's ledger, which the next step reports once (`"trimmed-elsewhere"`);
 * - a removal the ledger does not know of (another NATS client's purge, a
 *   stream limit set by hand) is found by the stream's first sequence,
 *   and every group of the stream is reported as `uncounted`: a loss that
 *   cannot be counted is reported, never silent.
 *
 * The ledger (bucket `<ns>_ledger`, one key per stream) holds the first
 * sequence the library's removals left, the losses found by an add, and
 * the lease: a step (or an add that trims) takes it by compare-and-set for
 * at most {@linkcode LEASE_MS}, so two processes trimming one stream take
 * turns; a step that finds it taken reports the state and trims nothing.
 * Counts are exact while the group does not acknowledge during the step;
 * a group that has read past the cut but holds older pending messages is
 * counted by what the server lets go of (its pending count before and
 * after), which a concurrent ack can inflate.
 *
 * @module
 */

import type { ConsumerInfo, JetStreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { Logger } from "../../utils.ts";
import { lossFields } from "../dead_letter.ts";
import type { StreamFieldValue } from "../payload.ts";
import type {
  GroupInfo,
  StreamInfo,
  TrimArgs,
  TrimLoss,
  TrimResult,
} from "../store.ts";
import type { NatsNames } from "./names.ts";
import { idOf, isMissing, keyToken, nameOfToken } from "./_tokens.ts";

/** How long a lease on a stream's ledger holds. */
export const LEASE_MS = 15_000;

/** What the retention needs from the store. */
export interface RetentionHost {
  /** The JetStream manager. */
  jsm(): Promise<JetStreamManager>;
  /** The names. */
  readonly names: NatsNames;
  /** A bucket. */
  bucket(kind: "members" | "ledger"): Promise<KV>;
  /** Adds fields to a stream (made when missing); returns the id. */
  append(stream: string, fields: readonly StreamFieldValue[]): Promise<string>;
  /** Where lease conflicts are logged. */
  readonly logger: Logger;
}

/** A loss found by an add, kept in the ledger until a step reports it. */
type FoundLoss = Omit<TrimLoss, "deadLetterId">;

interface Ledger {
  /** The first sequence the library's removals left. */
  first: number;
  /** Losses found by `add(…, maxLen)`, reported by the next step. */
  found: FoundLoss[];
  /** Until when (ms since the epoch) a step holds the stream. */
  lease: number;
}

/** A stream's state and its groups', as the server reports them. */
interface State {
  first: number;
  last: number;
  messages: number;
  groups: { name: string; info: ConsumerInfo }[];
}

async function state(
  host: RetentionHost,
  stream: string,
): Promise<State | undefined> {
  const jsm = await host.jsm();
  const name = host.names.stream(stream);
  let info;
  try {
    info = await jsm.streams.info(name);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const groups: State["groups"] = [];
  try {
    for await (const consumer of jsm.consumers.list(name)) {
      groups.push({ name: nameOfToken(consumer.name), info: consumer });
    }
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return {
    first: info.state.first_seq,
    last: info.state.last_seq,
    messages: info.state.messages,
    groups,
  };
}

// How many consumers each group has had (their names, in `<ns>_members`).
async function members(
  host: RetentionHost,
  stream: string,
): Promise<Map<string, number>> {
  const kvStream = `KV_${host.names.bucket("members")}`;
  const prefix = `$KV.${host.names.bucket("members")}.${keyToken(stream)}.`;
  const counts = new Map<string, number>();
  try {
    const info = await (await host.jsm()).streams.info(kvStream, {
      subjects_filter: `${prefix}>`,
    });
    for (const subject of Object.keys(info.state.subjects ?? {})) {
      const group = subject.slice(prefix.length).split(".")[0] as string;
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
  return counts;
}

/**
 * The last stream sequence up to which a group needs nothing: everything
 * at or before it was acknowledged, or was never the group's. The server's
 * ack floor says so once the group has acknowledged in order; before, it
 * is 0 even for a group that started at the end of a long stream, so the
 * start is taken from the position: with nothing held, everything up to
 * it is done; with messages held, the first delivery was at least
 * `delivered - deliveries` (redeliveries only push it later).
 */
function floorOf(info: ConsumerInfo): number {
  const delivered = info.delivered.stream_seq;
  if (info.num_ack_pending === 0) return delivered;
  const floor = info.ack_floor.stream_seq;
  if (info.ack_floor.consumer_seq > 0) return floor;
  return Math.max(floor, delivered - info.delivered.consumer_seq);
}

function groupInfo(
  name: string,
  info: ConsumerInfo,
  consumers: number,
): GroupInfo {
  const delivered = info.delivered.stream_seq;
  return {
    name,
    consumers,
    pending: info.num_ack_pending,
    oldestPendingId: info.num_ack_pending > 0
      ? idOf(floorOf(info) + 1)
      : undefined,
    lastDeliveredId: delivered > 0 ? idOf(delivered) : "0-0",
    entriesRead: delivered,
    lag: info.num_pending,
  };
}

/**
 * Reads a stream's state with its groups.
 *
 * @param host The store.
 * @param stream The stream.
 * @returns The state, or `undefined` when the stream does not exist.
 */
export async function readInfo(
  host: RetentionHost,
  stream: string,
): Promise<StreamInfo | undefined> {
  const [st, counts] = await Promise.all([
    state(host, stream),
    members(host, stream),
  ]);
  if (st === undefined) return undefined;
  return {
    stream,
    length: st.messages,
    firstId: st.messages > 0 ? idOf(st.first) : undefined,
    lastId: st.last > 0 ? idOf(st.last) : "0-0",
    entriesAdded: st.last,
    groups: st.groups.map((g) =>
      groupInfo(g.name, g.info, counts.get(keyToken(g.name)) ?? 0)
    ),
  };
}

/** A lease on a stream's ledger. */
interface Lease {
  ledger: Ledger;
  revision: number;
  key: string;
}

async function takeLease(
  host: RetentionHost,
  stream: string,
  first: () => Promise<number>,
): Promise<Lease | undefined> {
  const bucket = await host.bucket("ledger");
  const key = keyToken(stream);
  const entry = await bucket.get(key);
  const now = Date.now();
  let ledger: Ledger;
  if (entry === null || entry.operation !== "PUT") {
    ledger = { first: await first(), found: [], lease: 0 };
  } else {
    ledger = entry.json<Ledger>();
    if (ledger.lease > now) return undefined;
  }
  const held = { ...ledger, lease: now + LEASE_MS };
  try {
    const revision = entry === null
      ? await bucket.create(key, JSON.stringify(held))
      : await bucket.update(key, JSON.stringify(held), entry.revision);
    return { ledger: held, revision, key };
  } catch {
    return undefined; // another step took it first
  }
}

async function releaseLease(
  host: RetentionHost,
  lease: Lease,
  ledger: Omit<Ledger, "lease">,
): Promise<void> {
  const bucket = await host.bucket("ledger");
  try {
    await bucket.update(
      lease.key,
      JSON.stringify({ ...ledger, lease: 0 }),
      lease.revision,
    );
  } catch (err) {
    host.logger.warn(
      "message queue: a NATS trim step outlived its lease; another step may have trimmed too",
      {
        key: lease.key,
        error: err instanceof Error ? err.message : String(err),
      },
    );
  }
}

/**
 * Takes the lease, retrying while another step holds it (for `add`).
 */
async function waitLease(
  host: RetentionHost,
  stream: string,
  first: () => Promise<number>,
): Promise<Lease> {
  for (let attempt = 0;; attempt++) {
    const lease = await takeLease(host, stream, first);
    if (lease !== undefined) return lease;
    if (attempt >= 200) {
      throw new Error(`The NATS ledger of stream "${stream}" stays leased`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** What one group loses when everything before `cut` goes. */
interface Cut {
  group: string;
  unread: number;
  /** Exact, or `undefined`: counted by the server's pending after the cut. */
  pending: number | undefined;
  pendingBefore: number;
  firstPending: number;
  position: number;
}

function cutOf(st: State, cut: number): Cut[] {
  return st.groups.map(({ name, info }) => {
    const position = Math.max(info.delivered.stream_seq, st.first - 1);
    const floor = floorOf(info);
    const held = info.num_ack_pending;
    let pending: number | undefined;
    if (held === 0 || floor + 1 >= cut) pending = 0;
    else if (info.delivered.stream_seq < cut) pending = held;
    return {
      group: name,
      unread: Math.max(0, cut - 1 - position),
      pending,
      pendingBefore: held,
      firstPending: floor + 1,
      position,
    };
  });
}

/** Removes everything before `cut`; returns how many went. */
async function purgeBefore(
  host: RetentionHost,
  stream: string,
  cut: number,
): Promise<number> {
  const jsm = await host.jsm();
  const reply = await jsm.streams.purge(host.names.stream(stream), {
    seq: cut,
  });
  return reply.purged;
}

/**
 * Cuts a stream before `cut`, counting what each group loses.
 *
 * @returns The losses (without their dead-letter ids) and how many went.
 */
async function cutCounted(
  host: RetentionHost,
  stream: string,
  st: State,
  cut: number,
  cause: TrimLoss["cause"],
): Promise<{ losses: FoundLoss[]; removed: number }> {
  const cuts = cutOf(st, cut);
  const removed = await purgeBefore(host, stream, cut);
  let after: State | undefined;
  if (cuts.some((c) => c.pending === undefined)) {
    after = await state(host, stream);
  }
  const losses: FoundLoss[] = [];
  for (const c of cuts) {
    let pending = c.pending;
    if (pending === undefined) {
      const now = after?.groups.find((g) => g.name === c.group)?.info
        .num_ack_pending ?? c.pendingBefore;
      pending = Math.max(0, c.pendingBefore - now);
    }
    if (c.unread === 0 && pending === 0) continue;
    losses.push({
      stream,
      group: c.group,
      cause,
      count: c.unread + pending,
      unread: c.unread,
      pending,
      firstId: idOf(pending > 0 ? c.firstPending : c.position + 1),
      endId: idOf(cut),
    });
  }
  return { losses, removed };
}

/** Records losses in the dead-letter stream. */
async function record(
  host: RetentionHost,
  deadLetterStream: string,
  found: readonly FoundLoss[],
): Promise<TrimLoss[]> {
  const losses: TrimLoss[] = [];
  for (const loss of found) {
    const deadLetterId = await host.append(deadLetterStream, lossFields(loss));
    losses.push({ ...loss, deadLetterId });
  }
  return losses;
}

/** Caps a stream with no groups (a dead-letter stream) at `maxLen`. */
async function cap(
  host: RetentionHost,
  stream: string,
  maxLen: number,
): Promise<number> {
  if (maxLen <= 0) return 0;
  const jsm = await host.jsm();
  try {
    const reply = await jsm.streams.purge(host.names.stream(stream), {
      keep: maxLen,
    });
    return reply.purged;
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
}

const firstOf = (host: RetentionHost, stream: string) => async () =>
  (await state(host, stream))?.first ?? 1;

/**
 * The retention step (see the module doc and `StreamStore.trim`).
 *
 * @param host The store.
 * @param args The stream, the lengths and where loss records go.
 * @returns What was trimmed and lost, and the state after.
 */
export async function retain(
  host: RetentionHost,
  args: TrimArgs,
): Promise<TrimResult> {
  const nothing = {
    trimmed: 0,
    dropped: 0,
    losses: [],
    uncounted: [],
  };
  if (args.deadLettersOnly) {
    const dropped = await cap(host, args.stream, args.deadLetterMaxLen);
    return { ...nothing, deadLettersDropped: dropped, info: undefined };
  }
  const { stream } = args;
  const lease = await takeLease(host, stream, firstOf(host, stream));
  if (lease === undefined) {
    // Another process is trimming this stream: its step counts.
    return {
      ...nothing,
      deadLettersDropped: 0,
      info: await readInfo(host, stream),
    };
  }
  const ledger = lease.ledger;
  let first = ledger.first;
  const found = ledger.found;
  try {
    const deadLettersDropped = await cap(
      host,
      args.deadLetterStream,
      args.deadLetterMaxLen,
    );
    let st = await state(host, stream);
    if (st === undefined) {
      const losses = await record(host, args.deadLetterStream, found);
      found.length = 0;
      return { ...nothing, losses, deadLettersDropped, info: undefined };
    }
    // 1. What an add cut, and what someone else removed.
    const losses = await record(host, args.deadLetterStream, found);
    found.length = 0;
    const uncounted: string[] = [];
    if (st.last + 1 < first) first = st.first; // made anew under its name
    else if (st.first > first) {
      uncounted.push(...st.groups.map((g) => g.name));
      host.logger.error(
        "message queue: entries were removed from a NATS stream by a client other than this library; what each group lost cannot be counted",
        { stream, firstExpected: idOf(first), firstNow: idOf(st.first) },
      );
    }
    first = Math.max(first, st.first);
    // 2. What every group has acknowledged, beyond maxLen.
    let trimmed = 0;
    if (st.messages > args.maxLen) {
      let cut = st.last - args.maxLen + 1;
      for (const { info } of st.groups) cut = Math.min(cut, floorOf(info) + 1);
      if (cut > st.first) {
        trimmed = await purgeBefore(host, stream, cut);
        first = Math.max(first, cut);
        st = await state(host, stream) ?? st;
      }
    }
    // 3. The hard cap, whoever needs the entries.
    let dropped = 0;
    const hard = args.hardMaxLen;
    if (hard !== undefined && st.messages > hard) {
      const cut = st.last - hard + 1;
      const result = await cutCounted(host, stream, st, cut, "hard-cap");
      dropped = result.removed;
      first = Math.max(first, cut);
      losses.push(
        ...await record(host, args.deadLetterStream, result.losses),
      );
    }
    return {
      trimmed,
      dropped,
      deadLettersDropped,
      losses,
      uncounted,
      info: await readInfo(host, stream),
    };
  } finally {
    await releaseLease(host, lease, { first, found });
  }
}

/**
 * Cuts a stream to its last `maxLen` entries after an add, counting what
 * each group loses into the ledger, which the next step reports.
 *
 * @param host The store.
 * @param stream The stream.
 * @param maxLen The length to keep.
 */
export async function cutAfterAdd(
  host: RetentionHost,
  stream: string,
  maxLen: number,
): Promise<void> {
  const lease = await waitLease(host, stream, firstOf(host, stream));
  let { first } = lease.ledger;
  const found = [...lease.ledger.found];
  try {
    const st = await state(host, stream);
    if (st === undefined || st.messages <= maxLen) return;
    const cut = st.last - maxLen + 1;
    const result = await cutCounted(
      host,
      stream,
      st,
      cut,
      "trimmed-elsewhere",
    );
    if (st.first <= first) first = Math.max(first, cut);
    found.push(...result.losses);
  } finally {
    await releaseLease(host, lease, { first, found });
  }
}
