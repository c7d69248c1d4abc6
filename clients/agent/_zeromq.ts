// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode RpcTransport} on npm `zeromq` 6, imported lazily. The ZAP
 * handler follows callosum's `ZAPServer` (`callosum/lower/zeromq.py`): a
 * REP socket on `inproc://zeromq.zap.01` in the server socket's own
 * context, 6-frame requests, `200 OK` with user id `manager` for an allowed
 * CURVE key in the server's domain, `400` otherwise.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type * as Zmq from "zeromq";
import { InvalidAPIParameters } from "../../exception.ts";
import { z85Encode } from "./_z85.ts";
import { AgentRpcUnsupportedRuntimeError } from "./errors.ts";
import type {
  BindSocketOptions,
  ConnectSocketOptions,
  CurveKeyPair,
  CurveServerKeys,
  RpcBoundSocket,
  RpcSocket,
  RpcTransport,
} from "./transport.ts";

type ZmqModule = typeof Zmq;

const KEY_REGEXP = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

function checkKey(field: string, key: string): void {
  if (!KEY_REGEXP.test(key)) {
    throw new InvalidAPIParameters(
      `Invalid CURVE key "${field}": 40 Z85 characters expected`,
      { data: { field, length: key.length } },
    );
  }
}

const TEXT = new TextEncoder();
const UTF8 = new TextDecoder();

/** How a socket waits for messages; see {@linkcode ZeromqReceiveMode}. */
export type ZeromqReceiveMode = "wait" | "poll";

/**
 * Whether this runtime is Deno, where a receive pending while the same
 * socket sends is never woken by zeromq's poll handle (measured: every
 * time, not the rare flake seen across sockets), so sockets poll there.
 */
export function defaultReceiveMode(): ZeromqReceiveMode {
  const agent = (globalThis as { navigator?: { userAgent?: string } })
    .navigator?.userAgent;
  return agent?.startsWith("Deno/") ? "poll" : "wait";
}

/**
 * The runtime, when it is one npm `zeromq` cannot run on: Bun (1.4) lacks
 * `uv_poll_init_socket` in its Node-API and aborts the process at the first
 * socket, which no `try` can catch, so the transport refuses before that.
 */
export function unsupportedRuntime(): string | undefined {
  const agent = (globalThis as { navigator?: { userAgent?: string } })
    .navigator?.userAgent;
  if (agent?.startsWith("Bun/") || "Bun" in globalThis) return "bun";
  return undefined;
}

/** Polls in a row answered from the next turn of the event loop. */
const SPIN_POLLS = 2_000;
/** Polls 1 ms apart before the wait grows to {@linkcode IDLE_POLL_MS}. */
const SHORT_POLLS = 200;
const IDLE_POLL_MS = 5;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAgain(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "EAGAIN";
}

/** What the socket wrappers need of a zeromq socket. */
type ZmqReadable = Zmq.Readable & {
  readonly readable: boolean;
  close(): void;
};

function closedError(): Error {
  return Object.assign(new Error("Socket is closed"), { code: "ENOTSOCK" });
}

/**
 * Receives one message. In `"wait"` mode zeromq's own wait; in `"poll"`
 * mode a non-blocking receive (the socket's `receiveTimeout` is 0) retried
 * on the next turn of the event loop, then every millisecond, then every
 * 5 ms while idle; `activity()` (called on each send) starts it over.
 *
 * Once closed, it never touches the native socket again: under Deno a
 * getter called on a closed zeromq socket (`closed`, `readable`) crashed
 * the process now and then (a segfault inside `Socket::GetClosed`).
 */
class Receiver {
  readonly #socket: ZmqReadable;
  readonly #mode: ZeromqReceiveMode;
  #idle = 0;
  #closed = false;

  constructor(socket: ZmqReadable, mode: ZeromqReceiveMode) {
    this.#socket = socket;
    this.#mode = mode;
  }

  get closed(): boolean {
    return this.#closed;
  }

  activity(): void {
    this.#idle = 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  async receive(): Promise<Uint8Array[]> {
    if (this.#closed) throw closedError();
    if (this.#mode === "wait") return await this.#socket.receive();
    for (;;) {
      if (this.#closed) throw closedError();
      // `readable` asks libzmq (ZMQ_EVENTS) without the EAGAIN error an
      // empty receive costs.
      if (this.#socket.readable) {
        try {
          const frames = await this.#socket.receive();
          this.#idle = 0;
          return frames;
        } catch (error) {
          if (this.#closed) throw closedError();
          if (!isAgain(error)) throw error;
        }
      }
      this.#idle++;
      if (this.#idle < SPIN_POLLS) {
        await nextTurn();
      } else {
        await sleep(this.#idle < SPIN_POLLS + SHORT_POLLS ? 1 : IDLE_POLL_MS);
      }
    }
  }
}

class ZeromqSocket implements RpcBoundSocket {
  readonly #socket: Zmq.Dealer | Zmq.Router;
  readonly #receiver: Receiver;
  readonly #onClose: (() => void) | undefined;
  readonly endpoint: string;

  constructor(
    socket: Zmq.Dealer | Zmq.Router,
    endpoint: string,
    mode: ZeromqReceiveMode,
    onClose?: () => void,
  ) {
    this.#socket = socket;
    this.#receiver = new Receiver(socket, mode);
    this.endpoint = endpoint;
    this.#onClose = onClose;
  }

  async send(frames: Uint8Array[]): Promise<void> {
    this.#receiver.activity();
    for (let attempt = 0;; attempt++) {
      if (this.#receiver.closed) throw closedError();
      try {
        return await this.#socket.send(frames);
      } catch (error) {
        // With sendTimeout 0 a full queue (the high-water mark) is EAGAIN.
        if (this.#receiver.closed) throw closedError();
        if (!isAgain(error)) throw error;
      }
      await sleep(Math.min(attempt, 10));
    }
  }

  async receive(): Promise<Uint8Array[]> {
    // zeromq gives Node Buffers; hand out plain Uint8Array views of them, so
    // the bytes decoded from a frame are plain Uint8Arrays too.
    const frames = await this.#receiver.receive();
    return frames.map((frame) =>
      new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
    );
  }

  close(): void {
    if (this.#receiver.closed) return;
    this.#receiver.close();
    this.#onClose?.();
  }
}

async function serveZap(
  socket: Zmq.Reply,
  receiver: Receiver,
  keys: CurveServerKeys,
): Promise<void> {
  const domain = keys.domain ?? "local";
  const allowed = new Set(keys.allowedClientKeys);
  while (!receiver.closed) {
    let frames: Uint8Array[];
    try {
      frames = await receiver.receive();
    } catch {
      return; // closed
    }
    const [version, requestId, reqDomain, , , mechanism, ...credentials] =
      frames;
    const id = requestId ?? new Uint8Array(0);
    let status = "400";
    let text = "Access denied";
    let userId = "";
    if (frames.length < 6) {
      text = "Not enough frames";
    } else if (UTF8.decode(version) !== "1.0") {
      text = "Invalid version";
    } else if (UTF8.decode(mechanism) !== "CURVE") {
      text = "Unsupported authentication mechanism";
    } else if (credentials.length !== 1 || credentials[0]!.length !== 32) {
      text = "Invalid credentials";
    } else if (
      UTF8.decode(reqDomain) === domain &&
      allowed.has(z85Encode(credentials[0]!))
    ) {
      status = "200";
      text = "OK";
      userId = "manager";
    }
    if (receiver.closed) return;
    try {
      await socket.send([
        TEXT.encode("1.0"),
        id,
        TEXT.encode(status),
        TEXT.encode(text),
        TEXT.encode(userId),
        new Uint8Array(0),
      ]);
    } catch {
      return;
    }
  }
}

/** The zeromq transport; the module is imported at the first socket. */
export class ZeromqTransport implements RpcTransport {
  #module: Promise<ZmqModule> | undefined;
  readonly #mode: ZeromqReceiveMode;

  constructor(mode: ZeromqReceiveMode = defaultReceiveMode()) {
    this.#mode = mode;
  }

  #receiveTimeout(): { receiveTimeout?: number; sendTimeout?: number } {
    // Both 0 on Deno: zeromq then answers at once, without its uv_check
    // deferral (taken after a run of synchronous operations), which Deno
    // runs late.
    return this.#mode === "poll" ? { receiveTimeout: 0, sendTimeout: 0 } : {};
  }

  #load(): Promise<ZmqModule> {
    const runtime = unsupportedRuntime();
    if (runtime !== undefined) {
      return Promise.reject(
        new AgentRpcUnsupportedRuntimeError(
          `npm zeromq cannot run on ${runtime}: its Node-API lacks uv_poll_init_socket and the process would abort at the first socket; give the client or server another RpcTransport`,
          { data: { runtime } },
        ),
      );
    }
    this.#module ??= import("zeromq");
    return this.#module;
  }

  async connect(
    address: string,
    options: ConnectSocketOptions,
  ): Promise<RpcSocket> {
    const zmq = await this.#load();
    const socket = new zmq.Dealer({
      linger: options.lingerMs ?? 100,
      ...this.#receiveTimeout(),
    });
    try {
      const { curve, keepalive } = options;
      if (curve) {
        checkKey("curve.serverPublicKey", curve.serverPublicKey);
        checkKey("curve.publicKey", curve.publicKey);
        checkKey("curve.secretKey", curve.secretKey);
        socket.zapDomain = "local";
        socket.curveServerKey = curve.serverPublicKey;
        socket.curvePublicKey = curve.publicKey;
        socket.curveSecretKey = curve.secretKey;
      }
      if (keepalive) {
        socket.tcpKeepalive = 1;
        socket.tcpKeepaliveIdle = keepalive.idleSeconds;
        socket.tcpKeepaliveInterval = keepalive.intervalSeconds ??
          Math.max(2, Math.floor(keepalive.idleSeconds / 3));
        socket.tcpKeepaliveCount = keepalive.count ?? 3;
      }
      socket.connect(address);
    } catch (error) {
      socket.close();
      throw wrapSocketError(error, address);
    }
    return new ZeromqSocket(socket, address, this.#mode);
  }

  async bind(
    address: string,
    options: BindSocketOptions,
  ): Promise<RpcBoundSocket> {
    const zmq = await this.#load();
    const { curve } = options;
    const context = curve ? new zmq.Context() : undefined;
    let zap: Receiver | undefined;
    const socket = new zmq.Router({
      linger: options.lingerMs ?? 100,
      ...this.#receiveTimeout(),
      ...(context ? { context } : {}),
    });
    try {
      if (curve && context) {
        checkKey("curve.secretKey", curve.secretKey);
        for (const key of curve.allowedClientKeys) {
          checkKey("curve.allowedClientKeys", key);
        }
        const reply = new zmq.Reply({
          context,
          linger: 1,
          ...this.#receiveTimeout(),
        });
        zap = new Receiver(reply, this.#mode);
        await reply.bind("inproc://zeromq.zap.01");
        void serveZap(reply, zap, curve);
        socket.zapDomain = curve.domain ?? "local";
        socket.curveServer = true;
        socket.curveSecretKey = curve.secretKey;
      }
      await socket.bind(address.replace(/:0$/, ":*"));
    } catch (error) {
      socket.close();
      zap?.close();
      throw wrapSocketError(error, address);
    }
    const endpoint = socket.lastEndpoint ?? address;
    return new ZeromqSocket(socket, endpoint, this.#mode, () => zap?.close());
  }

  async curveKeyPair(): Promise<CurveKeyPair> {
    const zmq = await this.#load();
    return zmq.curveKeyPair();
  }
}

function wrapSocketError(error: unknown, address: string): unknown {
  if (error instanceof InvalidAPIParameters) return error;
  return new InvalidAPIParameters(
    `Cannot use the address "${address}": ${(error as Error).message}`,
    { data: { field: "address", value: address }, cause: error },
  );
}
