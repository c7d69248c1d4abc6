// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The NATS store's TTL cache (the broadcast cache, the consumers' error
 * notes) in one key-value bucket. NATS 2.9 has no per-key TTL: the bucket
 * keeps values as long as the longest TTL it was given (its age limit is
 * raised when a longer one comes), and each value carries its own TTL in
 * front (`<ttl seconds>\n<value>`), which a read honours against the
 * server's write time and this clock.
 *
 * @module
 */

import type { JetStreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { keyToken } from "./_tokens.ts";

const NS_PER_MS = 1_000_000;
const utf8 = new TextEncoder();
const text = new TextDecoder();

/** The TTL cache over a bucket. */
export class NatsCache {
  readonly #bucket: () => Promise<KV>;
  readonly #jsm: () => Promise<JetStreamManager>;
  readonly #stream: string;
  #maxAgeMs = 0;

  /**
   * @param bucket Opens the bucket (made when missing).
   * @param jsm The JetStream manager.
   * @param stream The bucket's stream (`KV_<bucket>`).
   */
  constructor(
    bucket: () => Promise<KV>,
    jsm: () => Promise<JetStreamManager>,
    stream: string,
  ) {
    this.#bucket = bucket;
    this.#jsm = jsm;
    this.#stream = stream;
  }

  /**
   * Reads a value unless its lifetime is over.
   *
   * @param key The key.
   * @returns The bytes, or `undefined`.
   */
  async get(key: string): Promise<Uint8Array | undefined> {
    const entry = await (await this.#bucket()).get(keyToken(key));
    if (entry === null || entry.operation !== "PUT") return undefined;
    const value = entry.value;
    const newline = value.indexOf(0x0a);
    const ttlSeconds = Number(text.decode(value.subarray(0, newline)));
    if (entry.created.getTime() + ttlSeconds * 1000 <= Date.now()) {
      return undefined;
    }
    return value.subarray(newline + 1);
  }

  /**
   * Stores a value with a lifetime.
   *
   * @param key The key.
   * @param value The text.
   * @param ttlSeconds The lifetime in seconds.
   */
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    const bucket = await this.#bucket();
    if (ttlSeconds * 1000 > this.#maxAgeMs) {
      await this.#raiseMaxAge(ttlSeconds * 1000);
    }
    await bucket.put(keyToken(key), utf8.encode(`${ttlSeconds}\n${value}`));
  }

  async #raiseMaxAge(ms: number): Promise<void> {
    const jsm = await this.#jsm();
    const info = await jsm.streams.info(this.#stream);
    const current = info.config.max_age / NS_PER_MS;
    if (current === 0 || current >= ms) {
      this.#maxAgeMs = current === 0 ? Infinity : current;
      return;
    }
    await jsm.streams.update(this.#stream, {
      ...info.config,
      max_age: ms * NS_PER_MS,
    });
    this.#maxAgeMs = ms;
  }
}
