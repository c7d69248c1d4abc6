// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * An in-memory {@linkcode RpcTransport} for the agent RPC's unit tests: a
 * ROUTER bound to a name, DEALERs connected to it, each with a 5-byte id as
 * libzmq gives one. It moves the same frames the zeromq transport does, so
 * the client's and server's logic runs on every runtime (Bun included) with
 * no native addon, and a test can hold messages back or inject raw frames.
 *
 * @module
 */

import type {
  BindSocketOptions,
  ConnectSocketOptions,
  CurveKeyPair,
  RpcBoundSocket,
  RpcSocket,
  RpcTransport,
} from "../../../../clients/agent/mod.ts";

class Mailbox {
  readonly #queue: Uint8Array[][] = [];
  #waiter:
    | { resolve(f: Uint8Array[]): void; reject(e: unknown): void }
    | undefined;
  #closed = false;

  push(frames: Uint8Array[]): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(frames);
    } else this.#queue.push(frames);
  }

  take(): Promise<Uint8Array[]> {
    if (this.#closed) return Promise.reject(new Error("Socket is closed"));
    const next = this.#queue.shift();
    if (next) return Promise.resolve(next);
    if (this.#waiter) return Promise.reject(new Error("Socket is busy"));
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  close(): void {
    this.#closed = true;
    this.#waiter?.reject(new Error("Socket is closed"));
    this.#waiter = undefined;
  }
}

class MemoryRouter implements RpcBoundSocket {
  readonly endpoint: string;
  readonly inbox = new Mailbox();
  readonly peers = new Map<string, MemoryDealer>();
  readonly #onClose: () => void;

  constructor(endpoint: string, onClose: () => void) {
    this.endpoint = endpoint;
    this.#onClose = onClose;
  }

  send(frames: Uint8Array[]): Promise<void> {
    const [id, ...rest] = frames;
    this.peers.get(String(id))?.deliver(rest);
    return Promise.resolve();
  }

  receive(): Promise<Uint8Array[]> {
    return this.inbox.take();
  }

  close(): void {
    this.inbox.close();
    this.#onClose();
  }
}

class MemoryDealer implements RpcSocket {
  readonly #inbox = new Mailbox();
  readonly #id: Uint8Array;
  readonly #router: MemoryRouter | undefined;
  readonly #filter: MemoryTransport["filter"];

  constructor(
    id: Uint8Array,
    router: MemoryRouter | undefined,
    filter: MemoryTransport["filter"],
  ) {
    this.#id = id;
    this.#router = router;
    this.#filter = filter;
    router?.peers.set(String(id), this);
  }

  deliver(frames: Uint8Array[]): void {
    if (this.#filter(frames, "reply")) this.#inbox.push(frames);
  }

  send(frames: Uint8Array[]): Promise<void> {
    // No router: the message waits for ever, as libzmq queues it.
    if (this.#router && this.#filter(frames, "request")) {
      this.#router.inbox.push([this.#id, ...frames]);
    }
    return Promise.resolve();
  }

  receive(): Promise<Uint8Array[]> {
    return this.#inbox.take();
  }

  close(): void {
    this.#router?.peers.delete(String(this.#id));
    this.#inbox.close();
  }
}

/** An in-memory transport; one instance is one "network". */
export class MemoryTransport implements RpcTransport {
  readonly #routers = new Map<string, MemoryRouter>();
  #nextId = 1;
  #nextPort = 40_000;
  /**
   * Decides whether a message goes through (`true`) or is lost; a test
   * replaces it to make a peer stop answering.
   */
  filter: (frames: Uint8Array[], direction: "request" | "reply") => boolean =
    () => true;

  /** The options of every connect, in order. */
  readonly connects: ConnectSocketOptions[] = [];

  connect(address: string, options: ConnectSocketOptions): Promise<RpcSocket> {
    this.connects.push(options);
    const id = new Uint8Array([0, 0, 0, 0, this.#nextId++]);
    return Promise.resolve(
      new MemoryDealer(
        id,
        this.#routers.get(address),
        (f, d) => this.filter(f, d),
      ),
    );
  }

  bind(address: string, _options: BindSocketOptions): Promise<RpcBoundSocket> {
    const endpoint = address.replace(/:0$/, `:${this.#nextPort++}`);
    const router = new MemoryRouter(
      endpoint,
      () => this.#routers.delete(endpoint),
    );
    this.#routers.set(endpoint, router);
    return Promise.resolve(router);
  }

  curveKeyPair(): Promise<CurveKeyPair> {
    return Promise.reject(new Error("No CURVE in memory"));
  }
}
