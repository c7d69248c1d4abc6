// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * What the Redis store does differently on a Redis / Valkey Cluster, where
 * the keys one script, transaction or pipeline touches must share a hash
 * slot:
 *
 * - A dead-letter stream goes in its stream's slot: `events.dlq` is the
 *   key `{events}.dlq` (the hash tag `events` hashes as the key `events`
 *   does), so the retention script (the stream and its `.dlq`) and the
 *   dead-lettering `MULTI` (an `XADD` there, an `XACK` here) stay on one
 *   node. A stream with a hash tag of its own keeps its name (`a{b}.dlq`
 *   shares `a{b}`'s tag). On a single server every name stays upstream's.
 * - Adds and cache writes to several streams or keys go as single
 *   commands (ioredis auto-pipelines them per node), not as one pipeline.
 * - Broadcast is sharded pub/sub (`SPUBLISH` / `SSUBSCRIBE`, Redis 7): a
 *   channel lives on the node of its slot instead of every message
 *   crossing the whole cluster bus, as `PUBLISH` does.
 * - Durable appends (`waitForReplicas`) pipeline each `XADD` with a `WAIT`
 *   to the same node, so the write is on a replica before it is
 *   acknowledged.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Cluster, Redis } from "ioredis";
import {
  valkeyKeySlot,
  ValkeyReplicationError,
} from "../clients/valkey/mod.ts";
import { InvalidAPIParameters } from "../exception.ts";
import type { StreamFieldValue } from "./payload.ts";
import { DEAD_LETTER_SUFFIX } from "./dead_letter.ts";

/** How many replicas must confirm a durable append, and how fast. */
export interface DurableWait {
  /** Replicas. */
  replicas: number;
  /** Longest wait in milliseconds. */
  timeoutMs: number;
}

/** A connection to one server, or a cluster client. */
export type Valkey = Redis | Cluster;

/**
 * Whether a client is a cluster client.
 *
 * @param valkey The client.
 * @returns `true` for an ioredis `Cluster`.
 */
export function isCluster(valkey: Valkey): valkey is Cluster {
  return (valkey as { isCluster?: boolean }).isCluster === true;
}

function hasHashTag(key: string): boolean {
  const open = key.indexOf("{");
  if (open < 0) return false;
  const close = key.indexOf("}", open + 1);
  return close > open + 1;
}

/**
 * The key of a queue name on a cluster: a dead-letter stream in its
 * stream's slot (see the module doc); any other name as it is.
 *
 * @param name The queue's name for the stream.
 * @returns The key.
 * @throws {InvalidAPIParameters} When the dead letters of a stream whose
 * name has a `}` but no hash tag cannot share its slot.
 */
export function clusterKey(name: string): string {
  if (!name.endsWith(DEAD_LETTER_SUFFIX)) return name;
  const base = name.slice(0, -DEAD_LETTER_SUFFIX.length);
  if (base === "" || hasHashTag(base)) return name;
  const key = `{${base}}${DEAD_LETTER_SUFFIX}`;
  if (valkeyKeySlot(key) !== valkeyKeySlot(base)) {
    throw new InvalidAPIParameters(
      `Cannot keep the dead letters of stream "${base}" in its hash slot: ` +
        "give a stream whose name holds a '}' a hash tag of its own (e.g. {name})",
      { data: { field: "stream", stream: base } },
    );
  }
  return key;
}

/**
 * Groups streams by hash slot (streams one `XREADGROUP` reads must share
 * one).
 *
 * @param keys The stream keys.
 * @returns The keys of each slot, in first-seen order.
 */
export function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = valkeyKeySlot(key);
    let group = groups.get(slot);
    if (group === undefined) groups.set(slot, group = []);
    group.push(key);
  }
  return [...groups.values()];
}

// ioredis sends a Buffer as bytes but stringifies any other Uint8Array.
function wire(fields: readonly StreamFieldValue[]): string[] {
  return fields.map((value) =>
    typeof value === "string" || Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  ) as string[];
}

/**
 * `XADD`s on a cluster: one command each (auto-pipelined per node), or,
 * with `wait`, one `XADD` + `WAIT` pipeline per entry on its node.
 *
 * @param cluster The cluster client (for durable appends, one of their own).
 * @param items The stream keys and fields.
 * @param maxLen The approximate length to trim to, if any.
 * @param wait Replicas and timeout of durable appends, if on.
 * @returns The ids.
 * @throws {ValkeyReplicationError} When too few replicas confirm in time.
 */
export async function clusterAdd(
  cluster: Cluster,
  items: readonly { key: string; fields: readonly StreamFieldValue[] }[],
  maxLen: number | undefined,
  wait: DurableWait | undefined,
): Promise<string[]> {
  const trim = maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];
  return await Promise.all(items.map(async (item) => {
    const args: [string, ...string[]] = [
      item.key,
      ...trim,
      "*",
      ...wire(item.fields),
    ];
    if (wait === undefined) return await cluster.xadd(...args) as string;
    const replies = await cluster.pipeline().xadd(...args)
      .wait(wait.replicas, wait.timeoutMs).exec();
    const [[addError, id] = [null, null], [waitError, acked] = [null, 0]] =
      replies ?? [];
    if (addError) throw addError;
    if (waitError || Number(acked) < wait.replicas) {
      throw new ValkeyReplicationError(
        `${
          Number(acked) || 0
        } of ${wait.replicas} replica(s) confirmed the write within ${wait.timeoutMs} ms; ` +
          "the write was made on the master and may still exist, or be lost if it fails over",
        {
          cause: waitError ?? undefined,
          data: {
            replicas: Number(acked) || 0,
            required: wait.replicas,
            timeoutMs: wait.timeoutMs,
          },
        },
      );
    }
    return id as string;
  }));
}
