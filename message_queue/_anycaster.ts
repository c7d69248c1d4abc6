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
import type { Gate } from "./_retention.ts";
import { raceSignal } from "../_wait.ts";

function firstId(ids: string[]): string {
  return ids[0] as string;
}

/**
 * The {@linkcode Anycaster} that `StreamQueue.anycaster()` makes: one
 * `StreamStore.add` per send (or per batch). The queue's trimming loop
 * trims the stream; with backpressure on, a send first passes the gate.
 */
export class StreamAnycaster implements Anycaster {
  readonly stream: string;
  readonly #store: StreamStore;
  readonly #gate: Gate | undefined;
  readonly #onClose: () => void;
  #closed = false;

  /**
   * Makes an anycaster; the queue owns `store` and closes it.
   *
   * @param store The backend.
   * @param options The stream to add to, the backpressure gate (when on),
   * and what to call once on `close()`.
   */
  constructor(
    store: StreamStore,
    options: {
      stream: string;
      gate: Gate | undefined;
      onClose: () => void;
    },
  ) {
    this.#store = store;
    this.stream = options.stream;
    this.#gate = options.gate;
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
      const items = [{
        stream: this.stream,
        fields: encodeStreamFields(message),
      }];
      const waiting = this.#gate?.admit(1, options.signal);
      adding = waiting === undefined
        ? this.#store.add(items)
        : waiting.then(() => this.#store.add(items));
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
    await this.#gate?.admit(items.length, options.signal);
    return await raceSignal(this.#store.add(items), options.signal);
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
