// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Small waiting helpers shared by the message queue and the event hub: a
// wake-up list, an async FIFO, and racing a promise against an AbortSignal.

/** A set of sleepers that `notify()` wakes all at once. */
export class Wakeup {
  #waiters: Set<() => void> = new Set();

  /** Waits until `notify()`, `ms` elapse, or the signal aborts (never rejects). */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
      this.#waiters.add(done);
    });
  }

  /** Wakes every sleeper. */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** An unbounded FIFO with an async iterator that ends on `close()` or abort. */
export class AsyncFifo<T> {
  #items: T[] = [];
  #head = 0;
  #closed = false;
  #wakeup = new Wakeup();

  /** Adds an item (ignored after close). */
  push(item: T): void {
    if (this.#closed) return;
    this.#items.push(item);
    this.#wakeup.notify();
  }

  /** How many items wait. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Ends every iteration at once; items still queued are dropped. */
  close(): void {
    this.#closed = true;
    this.#items = [];
    this.#head = 0;
    this.#wakeup.notify();
  }

  /** Takes the next item, or `undefined` when closed or aborted. */
  async shift(signal?: AbortSignal): Promise<T | undefined> {
    while (!this.#closed && !signal?.aborted) {
      if (this.#head < this.#items.length) {
        const item = this.#items[this.#head] as T;
        this.#items[this.#head++] = undefined as T;
        if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
          this.#items = this.#items.slice(this.#head);
          this.#head = 0;
        }
        return item;
      }
      await this.#wakeup.wait(2 ** 31 - 1, signal);
    }
    return undefined;
  }
}

/** Resolves like `promise`, or rejects with the signal's reason when it aborts first. */
export function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
