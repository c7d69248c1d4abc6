// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * `range` of the NATS store: the entries of a stream from a sequence on,
 * oldest first: one message get for a single entry (a consumer's re-read),
 * otherwise an ephemeral consumer (no acks, in memory) pulled once with
 * `no_wait`, which brings what there is up to `count`, then deleted.
 *
 * @module
 */

import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { createInbox, type NatsConnection } from "@nats-io/nats-core";
import type { StoredEntry } from "../store.ts";
import { decodeFields } from "./_fields.ts";
import { idOf, isMissing, parseAck } from "./_tokens.ts";

const NS_PER_MS = 1_000_000;

/** The connection and manager a range read uses. */
export interface RangeHost {
  /** The connection. */
  readonly nc: NatsConnection;
  /** The JetStream manager. */
  readonly jsm: JetStreamManager;
  /** Longest wait for the server. */
  readonly timeoutMs: number;
}

/**
 * Reads up to `count` entries from sequence `from` on.
 *
 * @param host The connection and manager.
 * @param name The JetStream stream.
 * @param count Most entries.
 * @param from The first sequence.
 * @returns The entries; none when the stream does not exist.
 */
export async function readRange(
  host: RangeHost,
  name: string,
  count: number,
  from: number,
): Promise<StoredEntry[]> {
  const { jsm } = host;
  if (count === 1) {
    try {
      const msg = await jsm.streams.getMessage(name, { seq: from });
      return msg === null
        ? []
        : [{ id: idOf(msg.seq), fields: decodeFields(msg.data) }];
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }
  let consumer: string;
  try {
    consumer = (await jsm.consumers.add(name, {
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      inactive_threshold: 30_000 * NS_PER_MS,
      mem_storage: true,
    })).name;
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  try {
    return await pullOnce(host, name, consumer, count);
  } finally {
    await jsm.consumers.delete(name, consumer).catch(() => {});
  }
}

// One `no_wait` pull of up to `count` messages.
async function pullOnce(
  host: RangeHost,
  name: string,
  consumer: string,
  count: number,
): Promise<StoredEntry[]> {
  const inbox = createInbox();
  const entries: StoredEntry[] = [];
  let done!: () => void;
  const ended = new Promise<void>((resolve) => (done = resolve));
  const subscription = host.nc.subscribe(inbox, {
    callback: (err, msg) => {
      // A status (404, 408) ends the pull.
      if (err !== null || (msg.headers?.code ?? 0) !== 0 || !msg.reply) {
        return done();
      }
      entries.push({
        id: idOf(parseAck(msg.reply).seq),
        fields: decodeFields(msg.data),
      });
      if (entries.length >= count) done();
    },
  });
  const timer = setTimeout(done, host.timeoutMs);
  try {
    host.nc.publish(
      `$JS.API.CONSUMER.MSG.NEXT.${name}.${consumer}`,
      JSON.stringify({ batch: count, no_wait: true }),
      { reply: inbox },
    );
    await ended;
  } finally {
    clearTimeout(timer);
    subscription.unsubscribe();
  }
  return entries;
}
