// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode DelayedMemoryStore}: the memory store with slow, uneven writes,
 * for tests of ordering. The memory store publishes and appends at once, so
 * on it a sender that fires its sends without waiting for the earlier ones
 * still delivers them in order, and a test of ordering cannot fail. Here
 * each publish and each append first waits a delay taken in turn from a
 * list that rises and falls, so a later send overtakes an earlier one
 * whenever the two are in flight together. The library's memory backend is
 * unchanged.
 *
 * @module
 */

import {
  MemoryStreamStore,
  type PublishItem,
  type StreamFieldValue,
} from "../message_queue/mod.ts";

/** The delays, in milliseconds, taken in turn by each write. */
export const UNEVEN_DELAYS_MS: readonly number[] = [6, 0, 3, 1, 5, 2, 4, 0];

/** A memory store whose `publish` and `add` each wait a varying delay first. */
export class DelayedMemoryStore extends MemoryStreamStore {
  readonly #delaysMs: readonly number[];
  #next = 0;
  /** How many writes were delayed. */
  writes = 0;

  /**
   * Makes the store.
   *
   * @param delaysMs The delays taken in turn (0 waits one macrotask).
   */
  constructor(delaysMs: readonly number[] = UNEVEN_DELAYS_MS) {
    super();
    this.#delaysMs = delaysMs;
  }

  #delay(): Promise<void> {
    const ms = this.#delaysMs[this.#next++ % this.#delaysMs.length] ?? 0;
    this.writes++;
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Waits the next delay, then publishes. */
  override async publish(items: readonly PublishItem[]): Promise<void> {
    await this.#delay();
    return await super.publish(items);
  }

  /** Waits the next delay, then appends. */
  override async add(
    items: readonly { stream: string; fields: readonly StreamFieldValue[] }[],
    maxLen: number,
  ): Promise<string[]> {
    await this.#delay();
    return await super.add(items, maxLen);
  }
}
