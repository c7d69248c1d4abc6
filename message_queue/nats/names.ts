// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How the NATS store names what it makes on the server, from the queue's
 * names (streams like `events` and `events.dlq`, consumer groups, channels,
 * cache keys), which may hold characters NATS forbids there:
 *
 * - a name token keeps `A-Z a-z 0-9 _ -`, writes `.` as `:`, and every other
 *   UTF-8 byte as `~` and two hex digits (`:` itself is `~3A`), so two
 *   names never meet: `events.dlq` → `events:dlq`;
 * - a KV key token keeps `A-Z a-z 0-9 _ -` and writes every other byte as
 *   `=` and two hex digits (KV keys allow no `:` or `~`).
 *
 * Under the namespace `ns` (default `bai`), stream `s` is the JetStream
 * stream `<ns>_<token(s)>` on the one subject `<ns>.s.<token(s)>`; channel
 * `c` is the core NATS subject `<ns>.b.<token(c)>`; consumer group `g` is
 * the durable pull consumer `<token(g)>` of the stream; the buckets are
 * `<ns>_cache`, `<ns>_members` and `<ns>_ledger`.
 *
 * @module
 */

import { keyToken, nameToken } from "./_tokens.ts";

/**
 * The names a {@linkcode NatsStreamStore} gives what it makes on the
 * server, in one namespace (see the module doc).
 *
 * @example Usage
 * ```ts
 * import { NatsNames } from "@backendai/common/message-queue/nats";
 * import assert from "node:assert/strict";
 *
 * const names = new NatsNames("bai");
 * assert.equal(names.stream("events"), "bai_events");
 * assert.equal(names.stream("events.dlq"), "bai_events:dlq");
 * assert.equal(names.streamSubject("events"), "bai.s.events");
 * assert.equal(names.durable("storage-proxy"), "storage-proxy");
 * assert.equal(names.channel("events_all"), "bai.b.events_all");
 * assert.equal(names.bucket("cache"), "bai_cache");
 * assert.equal(names.key("bgtask.1"), "bgtask=2E1");
 * ```
 */
export class NatsNames {
  /** The namespace. */
  readonly namespace: string;

  /**
   * Names things in a namespace.
   *
   * @param namespace The namespace (`A-Z a-z 0-9 _ -`; the store checks).
   */
  constructor(namespace: string) {
    this.namespace = namespace;
  }

  /**
   * The JetStream stream of a queue stream.
   *
   * @param stream The queue stream, e.g. `events`.
   * @returns `<namespace>_<token>`.
   */
  stream(stream: string): string {
    return `${this.namespace}_${nameToken(stream)}`;
  }

  /**
   * The one subject a queue stream's entries are published on.
   *
   * @param stream The queue stream.
   * @returns `<namespace>.s.<token>`.
   */
  streamSubject(stream: string): string {
    return `${this.namespace}.s.${nameToken(stream)}`;
  }

  /**
   * The durable consumer of a consumer group (on each stream it reads).
   *
   * @param group The group.
   * @returns Its token.
   */
  durable(group: string): string {
    return nameToken(group);
  }

  /**
   * The core NATS subject of a broadcast channel.
   *
   * @param channel The channel, e.g. `events_all`.
   * @returns `<namespace>.b.<token>`.
   */
  channel(channel: string): string {
    return `${this.namespace}.b.${nameToken(channel)}`;
  }

  /**
   * A key-value bucket of the store.
   *
   * @param kind `cache` (broadcast cache, consumers' error notes),
   * `members` (each group's consumer names) or `ledger` (trimming).
   * @returns `<namespace>_<kind>`.
   */
  bucket(kind: "cache" | "members" | "ledger"): string {
    return `${this.namespace}_${kind}`;
  }

  /**
   * A cache key as a key-value key.
   *
   * @param key The cache key, e.g. `bgtask.<uuid>`.
   * @returns Its key token.
   */
  key(key: string): string {
    return keyToken(key);
  }
}
