// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode StreamAnycaster}: the sending half of point to point. It adds
 * each message to a stream, where every consumer group gets it once.
 *
 * @module
 */

import { MessageQueueClosedError } from "./errors.ts";
import { encodeStreamFields, type OutgoingMessage } from "./payload.ts";
import type { StreamStore } from "./store.ts";
import type { Anycaster, MessageId, SignalOptions } from "./types.ts";
import { raceSignal } from "../_wait.ts";

function firstId(ids: string[]): string {
  return ids[0] as string;
}

/**
 * The {@linkcode Anycaster} that `StreamQueue.anycaster()` makes: one
 * `StreamStore.add` per send (or per batch), trimmed to `maxLen`.
 */
export class StreamAnycaster implements Anycaster {
  readonly stream: string;
  readonly #store: StreamStore;
  readonly #maxLen: number;
  readonly #onClose: () => void;
  #closed = false;

  /**
   * Makes an anycaster; the queue owns `store` and closes it.
   *
   * @param store The backend.
   * @param options The stream to add to, the approximate length to trim it
   * to, and what to call once on `close()`.
   */
  constructor(
    store: StreamStore,
    options: { stream: string; maxLen: number; onClose: () => void },
  ) {
    this.#store = store;
    this.stream = options.stream;
    this.#maxLen = options.maxLen;
    this.#onClose = options.onClose;
  }

  #checkOpen(): void {
    if (this.#closed) {
      throw new MessageQueueClosedError(
        "Cannot anycast: the anycaster is closed",
      );
    }
  }

  anycast(
    message: OutgoingMessage,
    options: SignalOptions = {},
  ): Promise<MessageId> {
    // Not an async function: one promise per send fewer on the hot path.
    let adding: Promise<string[]>;
    try {
      this.#checkOpen();
      options.signal?.throwIfAborted();
      adding = this.#store.add([{
        stream: this.stream,
        fields: encodeStreamFields(message),
      }], this.#maxLen);
    } catch (err) {
      return Promise.reject(err);
    }
    return (options.signal === undefined
      ? adding
      : raceSignal(adding, options.signal)).then(firstId);
  }

  async anycastBatch(
    messages: readonly OutgoingMessage[],
    options: SignalOptions = {},
  ): Promise<MessageId[]> {
    this.#checkOpen();
    options.signal?.throwIfAborted();
    if (messages.length === 0) return [];
    const items = messages.map((message) => ({
      stream: this.stream,
      fields: encodeStreamFields(message),
    }));
    return await raceSignal(
      this.#store.add(items, this.#maxLen),
      options.signal,
    );
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#onClose();
    }
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
