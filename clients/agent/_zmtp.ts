// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * DEALER and ROUTER sockets speaking ZMTP 3.1 with the NULL mechanism on
 * `node:net`: one {@linkcode ZmtpLink} per TCP connection (greeting, READY
 * handshake, frames, PING/PONG), a {@linkcode ZmtpDealer} that connects and
 * reconnects, and a {@linkcode ZmtpRouter} that accepts many links and names
 * them by routing id.
 *
 * @module
 */

import * as net from "node:net";
import { clearImmediate, setImmediate } from "node:timers";
import { InvalidAPIParameters } from "../../exception.ts";
import { AgentRpcClosedError } from "./errors.ts";
import {
  checkGreetingPrefix,
  decodeCommand,
  decodeGreeting,
  decodeProperties,
  encodeCommand,
  encodeFrameHeader,
  encodeGreeting,
  encodeMessage,
  encodeReady,
  FLAG_COMMAND,
  FLAG_MORE,
  FrameParser,
  GREETING_LENGTH,
} from "./_zmtp_codec.ts";
import type { RpcBoundSocket, RpcSocket, TcpKeepalive } from "./transport.ts";

const ASCII = new TextEncoder();
const LATIN1 = new TextDecoder("latin1");
const EMPTY = new Uint8Array(0);

/**
 * Messages kept while the DEALER has no connection, and messages received
 * and not yet taken before reading pauses (libzmq's default high-water
 * marks are 1000 too).
 */
export const HIGH_WATER_MESSAGES = 1000;
/** Messages at least this large are written header and body apart (no copy). */
const COPY_LIMIT = 64 * 1024;
/** The first reconnect delay; it doubles up to {@linkcode RECONNECT_MAX_MS}. */
export const RECONNECT_MIN_MS = 100;
/** The longest reconnect delay. */
export const RECONNECT_MAX_MS = 5_000;

/** Which peer socket types each of ours talks to (RFC 28's table). */
const COMPATIBLE: Record<string, readonly string[]> = {
  DEALER: ["DEALER", "ROUTER", "REP"],
  ROUTER: ["DEALER", "ROUTER", "REQ"],
};

/** A `tcp://host:port` address, split. */
export interface TcpAddress {
  host: string;
  port: number;
}

/**
 * Splits a `tcp://host:port` address; `*` as host means every interface,
 * `*` or `0` as port a free one.
 *
 * @param address The address.
 * @param forBind Whether wildcards are allowed.
 * @returns Host and port.
 */
export function parseTcpAddress(address: string, forBind: boolean): TcpAddress {
  const match = /^tcp:\/\/(\[[^\]]+\]|[^:/\s]+):(\d+|\*)$/.exec(address);
  const bad = (why: string) =>
    new InvalidAPIParameters(
      `Cannot use the address "${address}": ${why}`,
      { data: { field: "address", value: address } },
    );
  if (!match) throw bad("tcp://host:port expected");
  let host = match[1]!;
  if (host.startsWith("[")) host = host.slice(1, -1);
  const port = match[2] === "*" ? 0 : Number(match[2]);
  if (port > 65535) throw bad("port out of range");
  if (!forBind && (host === "*" || port === 0)) {
    throw bad("a connect address needs a host and a port");
  }
  return { host: host === "*" ? "0.0.0.0" : host, port };
}

/** What a link tells its owner. */
interface LinkEvents {
  /** The handshake is done; `identity` is the peer's Identity property. */
  ready(link: ZmtpLink, identity: Uint8Array): void;
  /** A whole message arrived. */
  message(link: ZmtpLink, frames: Uint8Array[]): void;
  /** The connection is gone (after `ready` or not). */
  closed(link: ZmtpLink, reason: string): void;
}

/** One TCP connection speaking ZMTP 3 with the NULL mechanism. */
export class ZmtpLink {
  readonly socket: net.Socket;
  readonly #type: "DEALER" | "ROUTER";
  readonly #events: LinkEvents;
  #greeting: Uint8Array | undefined = new Uint8Array(0);
  #handshaken = false;
  #parser: FrameParser;
  #parts: Uint8Array[] = [];
  #closed = false;
  #drain: Array<() => void> = [];
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #turn: ReturnType<typeof setImmediate> | undefined;
  /** The routing id a ROUTER gave this link. */
  routingId: Uint8Array = EMPTY;

  constructor(
    socket: net.Socket,
    type: "DEALER" | "ROUTER",
    events: LinkEvents,
  ) {
    this.socket = socket;
    this.#type = type;
    this.#events = events;
    this.#parser = new FrameParser((flags, body) => this.#frame(flags, body));
    socket.setNoDelay(true);
    socket.on("data", (chunk: Uint8Array) => this.#data(chunk));
    socket.on("drain", () => this.#releaseDrain());
    socket.on("error", () => {/* "close" follows */});
    socket.on("close", () => this.#gone("connection closed"));
    socket.write(encodeGreeting());
  }

  get ready(): boolean {
    return this.#handshaken && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Writes one message: one buffer when small, else each frame's header
   * and body corked together (the body is not copied).
   *
   * @returns False when the socket's buffer is full (wait for drain).
   */
  write(frames: readonly Uint8Array[]): boolean {
    let total = 0;
    for (const frame of frames) total += frame.length;
    if (total < COPY_LIMIT) {
      // Small messages sent in the same turn go out in one write.
      const bytes = encodeMessage(frames);
      if (this.#turn === undefined) {
        // The first message of a turn goes out at once; the rest of the
        // turn's wait for its end.
        this.#turn = setImmediate(this.#endTurn);
        return this.socket.write(bytes);
      }
      this.#batch.push(bytes);
      this.#batchBytes += bytes.length;
      if (this.#batchBytes >= COPY_LIMIT) this.#flush();
      return !this.socket.writableNeedDrain;
    }
    this.#flush();
    this.socket.cork();
    let ok = true;
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) {
      const frame = frames[i]!;
      ok = this.socket.write(
        encodeFrameHeader(frame.length, i < last ? FLAG_MORE : 0),
      ) && ok;
      if (frame.length > 0) ok = this.socket.write(frame) && ok;
    }
    this.socket.uncork();
    return ok;
  }

  readonly #endTurn = (): void => {
    this.#turn = undefined;
    this.#flush();
  };

  /** Writes the small messages batched so far, in one buffer. */
  readonly #flush = (): void => {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    const total = this.#batchBytes;
    this.#batchBytes = 0;
    if (this.#closed && this.socket.destroyed) return;
    if (batch.length === 1) {
      this.socket.write(batch[0]!);
      return;
    }
    const out = new Uint8Array(total);
    let pos = 0;
    for (const bytes of batch) {
      out.set(bytes, pos);
      pos += bytes.length;
    }
    this.socket.write(out);
  };

  /** Resolves when the socket's buffer drained or the link closed. */
  drained(): Promise<void> {
    if (this.#closed || !this.socket.writableNeedDrain) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#drain.push(resolve));
  }

  /** Closes the link: at once, or after up to `lingerMs` to flush writes. */
  close(lingerMs = 0): void {
    if (this.#closed) return;
    clearImmediate(this.#turn);
    this.#turn = undefined;
    this.#flush();
    if (lingerMs > 0 && this.socket.writableLength > 0) {
      const timer = setTimeout(() => this.socket.destroy(), lingerMs);
      this.socket.once("close", () => clearTimeout(timer));
      this.socket.end();
      this.#gone("closed");
      return;
    }
    this.socket.destroy();
    this.#gone("closed");
  }

  #releaseDrain(): void {
    const waiting = this.#drain;
    this.#drain = [];
    for (const resolve of waiting) resolve();
  }

  #gone(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#releaseDrain();
    this.#events.closed(this, reason);
  }

  #fail(reason: string): void {
    this.socket.destroy();
    this.#gone(reason);
  }

  #data(buffer: Uint8Array): void {
    if (this.#closed) return;
    let chunk = new Uint8Array(
      buffer.buffer,
      buffer.byteOffset,
      buffer.byteLength,
    );
    if (this.#greeting) {
      const need = GREETING_LENGTH - this.#greeting.length;
      const joined = new Uint8Array(
        this.#greeting.length + Math.min(need, chunk.length),
      );
      joined.set(this.#greeting);
      joined.set(chunk.subarray(0, need), this.#greeting.length);
      const wrong = checkGreetingPrefix(joined);
      if (wrong) return this.#fail(wrong);
      chunk = chunk.subarray(need);
      if (joined.length < GREETING_LENGTH) {
        this.#greeting = joined;
        return;
      }
      this.#greeting = undefined;
      const greeting = decodeGreeting(joined);
      if (typeof greeting === "string") return this.#fail(greeting);
      if (greeting.mechanism !== "NULL") {
        this.socket.write(
          encodeCommand("ERROR", errorReason("NULL mechanism expected")),
        );
        return this.#fail(`the peer wants ${greeting.mechanism}`);
      }
      const properties: Array<[string, Uint8Array]> = [[
        "Socket-Type",
        ASCII.encode(this.#type),
      ]];
      if (this.#type === "DEALER") properties.push(["Identity", EMPTY]);
      this.socket.write(encodeReady(properties));
      if (chunk.length === 0) return;
    }
    const wrong = this.#parser.push(chunk);
    if (wrong) this.#fail(wrong);
  }

  #frame(flags: number, body: Uint8Array): void {
    if (this.#closed) return;
    if (flags & FLAG_COMMAND) return this.#command(body);
    if (!this.#handshaken) return this.#fail("a message before READY");
    this.#parts.push(body);
    if (flags & FLAG_MORE) return;
    const frames = this.#parts;
    this.#parts = [];
    this.#events.message(this, frames);
  }

  #command(body: Uint8Array): void {
    const command = decodeCommand(body);
    if (typeof command === "string") return this.#fail(command);
    switch (command.name) {
      case "READY": {
        if (this.#handshaken) return this.#fail("a second READY");
        const properties = decodeProperties(command.data);
        if (typeof properties === "string") return this.#fail(properties);
        const peerType = LATIN1.decode(
          properties.get("socket-type") ?? EMPTY,
        );
        if (!COMPATIBLE[this.#type]!.includes(peerType)) {
          this.socket.write(
            encodeCommand("ERROR", errorReason("Invalid socket type")),
          );
          return this.#fail(`a ${peerType || "nameless"} peer`);
        }
        this.#handshaken = true;
        // Copy: the identity outlives the chunk it came in.
        const identity = properties.get("identity") ?? EMPTY;
        this.#events.ready(this, identity.slice());
        return;
      }
      case "PING": {
        // TTL (2 bytes), then up to 16 bytes of context PONG echoes.
        const context = command.data.subarray(2, 18);
        this.socket.write(encodeCommand("PONG", context.slice()));
        return;
      }
      case "PONG":
        return;
      case "ERROR": {
        const length = command.data[0] ?? 0;
        return this.#fail(
          `the peer sent ERROR: ${
            LATIN1.decode(command.data.subarray(1, 1 + length))
          }`,
        );
      }
      default:
        return; // unknown commands are ignored
    }
  }
}

function errorReason(text: string): Uint8Array {
  const bytes = ASCII.encode(text);
  const data = new Uint8Array(1 + bytes.length);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return data;
}

/**
 * A queue of received messages with one waiting receiver; reading pauses
 * while {@linkcode HIGH_WATER_MESSAGES} are waiting.
 */
class Inbox {
  #messages: Uint8Array[][] = [];
  #head = 0;
  #waiter:
    | { resolve(frames: Uint8Array[]): void; reject(error: Error): void }
    | undefined;
  #closedError: Error | undefined;
  readonly #onLow: () => void;
  #paused = false;

  constructor(onLow: () => void) {
    this.#onLow = onLow;
  }

  get full(): boolean {
    return this.#messages.length - this.#head >= HIGH_WATER_MESSAGES;
  }

  set paused(value: boolean) {
    this.#paused = value;
  }

  get paused(): boolean {
    return this.#paused;
  }

  put(frames: Uint8Array[]): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve(frames);
      return;
    }
    this.#messages.push(frames);
  }

  take(): Promise<Uint8Array[]> {
    if (this.#head < this.#messages.length) {
      const frames = this.#messages[this.#head]!;
      this.#messages[this.#head++] = EMPTY_MESSAGE;
      if (this.#head === this.#messages.length) {
        this.#messages = [];
        this.#head = 0;
      }
      if (this.#paused && !this.full) this.#onLow();
      return Promise.resolve(frames);
    }
    if (this.#closedError) return Promise.reject(this.#closedError);
    if (this.#waiter) {
      return Promise.reject(
        new Error("Only one receive may wait at a time"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  close(error: Error): void {
    this.#closedError = error;
    this.#messages = [];
    this.#head = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }
}

const EMPTY_MESSAGE: Uint8Array[] = [];

function closedError(endpoint: string): AgentRpcClosedError {
  return new AgentRpcClosedError("The ZMTP socket is closed", {
    data: { address: endpoint },
  });
}

/** Options of a {@linkcode ZmtpDealer}. */
export interface ZmtpDealerOptions {
  keepalive?: TcpKeepalive | undefined;
  lingerMs?: number | undefined;
}

/**
 * A DEALER: one connection to `address`, made again with a backoff (100 ms
 * doubling to 5 s) whenever it drops. While it is down up to
 * {@linkcode HIGH_WATER_MESSAGES} messages queue; a send past that waits
 * for the connection (as zeromq's DEALER blocks at its high-water mark).
 */
export class ZmtpDealer implements RpcSocket {
  readonly endpoint: string;
  readonly #address: TcpAddress;
  readonly #options: ZmtpDealerOptions;
  readonly #inbox: Inbox;
  #link: ZmtpLink | undefined;
  #pending: Uint8Array[][] = [];
  #room: Array<() => void> = [];
  #retryMs = RECONNECT_MIN_MS;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(endpoint: string, options: ZmtpDealerOptions) {
    this.endpoint = endpoint;
    this.#address = parseTcpAddress(endpoint, false);
    this.#options = options;
    this.#inbox = new Inbox(() => this.#resume());
    this.#dial();
  }

  #resume(): void {
    this.#inbox.paused = false;
    this.#link?.socket.resume();
  }

  #dial(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    const socket = net.connect({
      host: this.#address.host,
      port: this.#address.port,
    });
    socket.once("connect", () => {
      if (this.#closed) {
        socket.destroy();
        return;
      }
      // node:net sets the idle time only; interval and count stay the
      // operating system's.
      const keepalive = this.#options.keepalive;
      if (keepalive) socket.setKeepAlive(true, keepalive.idleSeconds * 1000);
      this.#link = new ZmtpLink(socket, "DEALER", {
        ready: (link) => {
          this.#retryMs = RECONNECT_MIN_MS;
          void this.#flush(link);
        },
        message: (link, frames) => {
          this.#inbox.put(frames);
          if (this.#inbox.full && !this.#inbox.paused) {
            this.#inbox.paused = true;
            link.socket.pause();
          }
        },
        closed: (link) => {
          if (this.#link === link) this.#link = undefined;
          this.#redial();
        },
      });
    });
    socket.once("error", () => {
      if (!this.#link || this.#link.socket !== socket) {
        socket.destroy();
        this.#redial();
      }
    });
  }

  #redial(): void {
    if (this.#closed || this.#timer || this.#link) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, RECONNECT_MAX_MS);
    this.#timer = setTimeout(() => this.#dial(), delay);
  }

  async #flush(link: ZmtpLink): Promise<void> {
    while (this.#pending.length > 0 && link.ready) {
      const frames = this.#pending.shift()!;
      this.#wakeRoom();
      if (!link.write(frames)) await link.drained();
    }
  }

  #wakeRoom(): void {
    const waiting = this.#room;
    this.#room = [];
    for (const wake of waiting) wake();
  }

  async send(frames: Uint8Array[]): Promise<void> {
    for (;;) {
      if (this.#closed) throw closedError(this.endpoint);
      const link = this.#link;
      if (link?.ready && this.#pending.length === 0) {
        if (!link.write(frames)) await link.drained();
        return;
      }
      if (this.#pending.length < HIGH_WATER_MESSAGES) {
        this.#pending.push(frames);
        return;
      }
      await new Promise<void>((resolve) => this.#room.push(resolve));
    }
  }

  receive(): Promise<Uint8Array[]> {
    return this.#inbox.take();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#wakeRoom();
    this.#link?.close(this.#options.lingerMs ?? 100);
    this.#link = undefined;
    this.#inbox.close(closedError(this.endpoint));
  }
}

/**
 * A ROUTER: accepts connections, prefixes each message received with the
 * sender's routing id (its Identity, or 5 bytes: 0x00 and a counter that
 * starts at random, as libzmq makes them), and sends a message to the link
 * its first frame names; to an unknown id the message is dropped.
 */
export class ZmtpRouter implements RpcBoundSocket {
  readonly endpoint: string;
  readonly #server: net.Server;
  readonly #links = new Map<string, ZmtpLink>();
  readonly #all = new Set<ZmtpLink>();
  readonly #inbox: Inbox;
  readonly #lingerMs: number;
  #nextId = (Math.random() * 0x1_0000_0000) >>> 0;
  #closed = false;

  private constructor(server: net.Server, endpoint: string, lingerMs: number) {
    this.#server = server;
    this.endpoint = endpoint;
    this.#lingerMs = lingerMs;
    this.#inbox = new Inbox(() => {
      this.#inbox.paused = false;
      for (const link of this.#all) link.socket.resume();
    });
    server.on("connection", (socket: net.Socket) => this.#accept(socket));
  }

  /**
   * Binds and listens.
   *
   * @param address `tcp://host:port`.
   * @param lingerMs Linger of each link at close.
   * @returns The router.
   */
  static async bind(address: string, lingerMs: number): Promise<ZmtpRouter> {
    const { host, port } = parseTcpAddress(address, true);
    const server = net.createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch((error: Error) => {
      server.close();
      throw new InvalidAPIParameters(
        `Cannot use the address "${address}": ${error.message}`,
        { data: { field: "address", value: address }, cause: error },
      );
    });
    const bound = server.address() as net.AddressInfo;
    const shown = bound.family === "IPv6"
      ? `[${bound.address}]`
      : bound.address;
    return new ZmtpRouter(server, `tcp://${shown}:${bound.port}`, lingerMs);
  }

  #accept(socket: net.Socket): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const link = new ZmtpLink(socket, "ROUTER", {
      ready: (link, identity) => {
        let id = identity;
        if (id.length === 0 || id[0] === 0) {
          id = new Uint8Array(5);
          new DataView(id.buffer).setUint32(1, this.#nextId);
          this.#nextId = (this.#nextId + 1) >>> 0;
        }
        const key = LATIN1.decode(id);
        if (this.#links.has(key)) {
          // libzmq keeps the first link with an identity.
          link.close();
          return;
        }
        link.routingId = id;
        this.#links.set(key, link);
      },
      message: (link, frames) => {
        frames.unshift(link.routingId);
        this.#inbox.put(frames);
        if (this.#inbox.full && !this.#inbox.paused) {
          this.#inbox.paused = true;
          for (const each of this.#all) each.socket.pause();
        }
      },
      closed: (link) => {
        this.#all.delete(link);
        const key = LATIN1.decode(link.routingId);
        if (this.#links.get(key) === link) this.#links.delete(key);
      },
    });
    this.#all.add(link);
    if (this.#inbox.paused) socket.pause();
  }

  async send(frames: Uint8Array[]): Promise<void> {
    if (this.#closed) throw closedError(this.endpoint);
    const [id, ...rest] = frames;
    if (!id || rest.length === 0) return;
    const link = this.#links.get(LATIN1.decode(id));
    if (!link?.ready) return;
    if (!link.write(rest)) await link.drained();
  }

  receive(): Promise<Uint8Array[]> {
    return this.#inbox.take();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const link of [...this.#all]) link.close(this.#lingerMs);
    this.#all.clear();
    this.#links.clear();
    this.#inbox.close(closedError(this.endpoint));
  }
}
