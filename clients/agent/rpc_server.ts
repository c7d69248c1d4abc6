// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode RpcServer}: callosum's server `Peer` on a ROUTER socket, for
 * agents written in TypeScript. It speaks upstream's frames to upstream's
 * manager, with Backend.AI's body convention (`{ args, kwargs }`), and is
 * sturdier than upstream's agent where that one breaks:
 *
 * - an unknown method gets a FAILURE (`KeyError`) and the server keeps
 *   serving (upstream's receive loop dies on it);
 * - an unreadable message is dropped and logged, never fatal;
 * - a CANCEL aborts the handler's `signal` and is answered CANCELLED
 *   (upstream's agent, on `ExitOrderedAsyncScheduler`, ignores it);
 * - at most `maxConcurrency` handlers run at once (upstream accepts the
 *   option and ignores it); the rest wait in arrival order;
 * - `close()` lets running calls finish within a grace period, then
 *   cancels them with a CANCELLED reply.
 *
 * @module
 */

import { InvalidAPIParameters } from "../../exception.ts";
import { type Clock, systemClock } from "../../resilience/clock.ts";
import { consoleLogger, type Logger } from "../../utils.ts";
import { AgentRpcClosedError } from "./errors.ts";
import { RpcBodyCodec } from "./serializer.ts";
import type {
  CurveServerKeys,
  RpcBoundSocket,
  RpcTransport,
} from "./transport.ts";
import { autoTransport } from "./zmtp_transport.ts";
import {
  type RpcErrorInfo,
  RpcFrameCodec,
  type RpcMessage,
  RpcMessageType,
  sameOrderKey,
} from "./wire.ts";

/** One call as a handler receives it. */
export interface RpcCall {
  /** The method name. */
  readonly method: string;
  /** The positional arguments (`body.args`; empty when the body is nil). */
  readonly args: readonly unknown[];
  /** The keyword arguments (`body.kwargs`; empty when the body is nil). */
  readonly kwargs: Readonly<Record<string, unknown>>;
  /** Aborted when the client cancels or the server closes past its grace. */
  readonly signal: AbortSignal;
  /** The ROUTER's id of the calling peer. */
  readonly peerId: Uint8Array;
}

/** A method's implementation: its return value is the RESULT body. */
export type RpcHandler = (call: RpcCall) => unknown;

/** Options of {@linkcode RpcServer}. */
export interface RpcServerOptions {
  /**
   * The methods served, by name (more can be added with
   * {@linkcode RpcServer.register}).
   *
   * @default {{}}
   */
  methods?: Record<string, RpcHandler> | undefined;
  /**
   * How many handlers run at once; more calls wait in arrival order.
   *
   * @default {100}
   */
  maxConcurrency?: number | undefined;
  /**
   * CurveZMQ keys and the client keys accepted; absent means plain text.
   *
   * @default {undefined}
   */
  curve?: CurveServerKeys | undefined;
  /**
   * Where sockets come from.
   *
   * @default {autoTransport() (ZMTP in TypeScript; npm zeromq for CURVE)}
   */
  transport?: RpcTransport | undefined;
  /**
   * The time source of the close grace period.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
  /**
   * Where dropped messages and handler errors are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** Options of {@linkcode RpcServer.close}. */
export interface RpcServerCloseOptions {
  /**
   * How long running calls may still finish, in milliseconds; then they are
   * aborted and answered CANCELLED.
   *
   * @default {5000}
   */
  graceMs?: number | undefined;
}

interface ServerTask {
  readonly key: string;
  readonly peerId: Uint8Array;
  readonly message: RpcMessage;
  readonly handler: RpcHandler;
  readonly args: readonly unknown[];
  readonly kwargs: Record<string, unknown>;
  readonly controller: AbortController;
  replied: boolean;
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
  return text;
}

function pythonRepr(name: string, message: string): string {
  const quoted = message.replaceAll("\\", "\\\\").replaceAll("'", "\\'")
    .replaceAll("\n", "\\n");
  return `${name}('${quoted}')`;
}

function errorInfo(error: unknown): RpcErrorInfo {
  if (error instanceof Error) {
    return {
      name: error.name,
      repr: pythonRepr(error.name, error.message),
      traceback: error.stack ?? `${error.name}: ${error.message}`,
    };
  }
  const text = String(error);
  return { name: "Error", repr: pythonRepr("Error", text), traceback: text };
}

/**
 * A callosum RPC server: a ROUTER bound to one address, answering calls with
 * the registered handlers.
 *
 * @example Serve ping on a free port
 * ```ts
 * import { RpcServer } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const server = new RpcServer({ methods: { ping: ({ args }) => args[0] } });
 * assert.deepEqual(server.methods, ["ping"]);
 * await server.close(); // never listened: nothing to close
 * ```
 */
export class RpcServer {
  readonly #methods = new Map<string, RpcHandler>();
  readonly #maxConcurrency: number;
  readonly #curve: CurveServerKeys | undefined;
  readonly #transport: RpcTransport;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #frames: RpcFrameCodec = new RpcFrameCodec();
  readonly #bodies: RpcBodyCodec = new RpcBodyCodec();
  readonly #running = new Map<string, ServerTask>();
  readonly #waiting: ServerTask[] = [];
  readonly #outbox: Uint8Array[][] = [];
  #pumping: Promise<void> | undefined;
  #socket: RpcBoundSocket | undefined;
  #loop: Promise<void> = Promise.resolve();
  #closing = false;
  #idle: (() => void) | undefined;

  /**
   * Makes a server; it serves once {@linkcode RpcServer.listen} binds it.
   *
   * @param options Methods, concurrency, keys, transport.
   * @throws {InvalidAPIParameters} When `maxConcurrency` is not a positive
   * integer.
   */
  constructor(options: RpcServerOptions = {}) {
    const max = options.maxConcurrency ?? 100;
    if (!Number.isInteger(max) || max < 1) {
      throw new InvalidAPIParameters(
        `Invalid RPC server option "maxConcurrency": a positive integer expected`,
        { data: { field: "maxConcurrency", value: max } },
      );
    }
    this.#maxConcurrency = max;
    this.#curve = options.curve;
    this.#transport = options.transport ?? autoTransport();
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? consoleLogger;
    for (const [name, handler] of Object.entries(options.methods ?? {})) {
      this.register(name, handler);
    }
  }

  /** The names of the methods served. */
  get methods(): string[] {
    return [...this.#methods.keys()];
  }

  /** The bound address (with the port resolved), once listening. */
  get endpoint(): string | undefined {
    return this.#socket?.endpoint;
  }

  /** How many handlers run now. */
  get inFlight(): number {
    return this.#running.size;
  }

  /**
   * Adds (or replaces) a method.
   *
   * @example Usage
   * ```ts
   * import { RpcServer } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const server = new RpcServer().register("ping", ({ args }) => args[0]);
   * assert.deepEqual(server.methods, ["ping"]);
   * ```
   *
   * @param method The method name.
   * @param handler Its implementation.
   * @returns This server.
   */
  register(method: string, handler: RpcHandler): this {
    if (typeof handler !== "function" || method === "") {
      throw new InvalidAPIParameters(
        `Invalid RPC method "${method}": a name and a function expected`,
        { data: { field: "method", value: method } },
      );
    }
    this.#methods.set(method, handler);
    return this;
  }

  /**
   * Binds the ROUTER and starts serving.
   *
   * @example Usage (binds a socket; shown, not run)
   * ```ts ignore
   * import { RpcServer } from "@backendai/common/clients/agent";
   *
   * await using server = new RpcServer({ methods: { ping: ({ args }) => args[0] } });
   * const endpoint = await server.listen("tcp://127.0.0.1:0");
   * ```
   *
   * @param address `tcp://host:port`; port `0` picks a free one.
   * @returns The bound address.
   * @throws {AgentRpcClosedError} After `close()`.
   * @throws {InvalidAPIParameters} When already listening, or for a bad
   * address or key.
   */
  async listen(address: string): Promise<string> {
    if (this.#closing) {
      throw new AgentRpcClosedError("The RPC server is closed", {
        data: { address },
      });
    }
    if (this.#socket) {
      throw new InvalidAPIParameters(
        `The RPC server already listens on ${this.#socket.endpoint}`,
        { data: { field: "address", value: address } },
      );
    }
    const socket = await this.#transport.bind(address, { curve: this.#curve });
    this.#socket = socket;
    this.#loop = this.#receiveLoop(socket);
    return socket.endpoint;
  }

  async #receiveLoop(socket: RpcBoundSocket): Promise<void> {
    // Reads until the socket closes, so calls that arrive while close()
    // waits for running ones are answered CANCELLED, not left unread.
    for (;;) {
      let frames: Uint8Array[];
      try {
        frames = await socket.receive();
      } catch (error) {
        if (!this.#closing) {
          this.#logger.error("agent RPC server receive failed", {
            endpoint: socket.endpoint,
            error: String(error),
          });
        }
        return;
      }
      try {
        const decoded = this.#frames.decode(frames);
        const peerId = decoded.prefix[0];
        if (decoded.kind === "ping") {
          this.#send(this.#frames.pong(decoded));
        } else if (decoded.kind === "upper" && decoded.message && peerId) {
          this.#onMessage(peerId, decoded.message);
        }
      } catch (error) {
        this.#logger.warn("agent RPC server dropped an unreadable message", {
          endpoint: socket.endpoint,
          error: String(error),
        });
      }
    }
  }

  #onMessage(peerId: Uint8Array, message: RpcMessage): void {
    const key = `${hex(peerId)}/${message.seq}`;
    if (message.type === RpcMessageType.CANCEL) {
      this.#cancel(key, message);
      return;
    }
    if (message.type !== RpcMessageType.FUNCTION) return;
    if (this.#closing) {
      this.#reply(peerId, message, RpcMessageType.CANCELLED);
      return;
    }
    const handler = this.#methods.get(message.method);
    if (!handler) {
      this.#reply(peerId, message, RpcMessageType.FAILURE, {
        error: {
          name: "KeyError",
          repr: pythonRepr("KeyError", message.method),
          traceback:
            `KeyError: '${message.method}' is not a method of this agent`,
        },
      });
      return;
    }
    if (this.#running.has(key) || this.#waiting.some((t) => t.key === key)) {
      this.#reply(peerId, message, RpcMessageType.ERROR, {
        error: {
          name: "RuntimeError",
          repr: "RuntimeError('duplicate request')",
          traceback: "RuntimeError: duplicate request",
        },
      });
      return;
    }
    let body: unknown;
    try {
      body = this.#bodies.unpack(message.body ?? new Uint8Array(0));
    } catch (error) {
      this.#reply(peerId, message, RpcMessageType.ERROR, {
        error: errorInfo(error),
      });
      return;
    }
    let args: readonly unknown[] = [];
    let kwargs: Record<string, unknown> = {};
    if (body !== null && body !== undefined) {
      const { args: a, kwargs: k } = body as Record<string, unknown>;
      if (
        typeof body !== "object" || !Array.isArray(a) ||
        typeof k !== "object" || k === null || Array.isArray(k)
      ) {
        this.#reply(peerId, message, RpcMessageType.FAILURE, {
          error: {
            name: "KeyError",
            repr: pythonRepr("KeyError", "args"),
            traceback:
              "KeyError: the body is not {'args': [...], 'kwargs': {...}}",
          },
        });
        return;
      }
      args = a;
      kwargs = k as Record<string, unknown>;
    }
    const task: ServerTask = {
      key,
      peerId,
      message,
      handler,
      args,
      kwargs,
      controller: new AbortController(),
      replied: false,
    };
    if (this.#running.size < this.#maxConcurrency) void this.#run(task);
    else this.#waiting.push(task);
  }

  #cancel(key: string, message: RpcMessage): void {
    const matches = (task: ServerTask) =>
      task.key === key && task.message.method === message.method &&
      sameOrderKey(task.message.orderKey, message.orderKey);
    const index = this.#waiting.findIndex(matches);
    if (index >= 0) {
      const [task] = this.#waiting.splice(index, 1);
      this.#cancelTask(task!);
      return;
    }
    const task = this.#running.get(key);
    if (task && matches(task)) this.#cancelTask(task);
  }

  #cancelTask(task: ServerTask): void {
    task.controller.abort(
      new AgentRpcClosedError("The call was cancelled", {
        data: { method: task.message.method },
      }),
    );
    if (!task.replied) {
      task.replied = true;
      this.#reply(task.peerId, task.message, RpcMessageType.CANCELLED);
    }
  }

  async #run(task: ServerTask): Promise<void> {
    this.#running.set(task.key, task);
    const { message, peerId } = task;
    try {
      const result = await task.handler({
        method: message.method,
        args: task.args,
        kwargs: task.kwargs,
        signal: task.controller.signal,
        peerId,
      });
      if (task.replied) return;
      task.replied = true;
      let body: Uint8Array;
      try {
        body = this.#bodies.pack(result);
      } catch (error) {
        this.#reply(peerId, message, RpcMessageType.ERROR, {
          error: errorInfo(error),
        });
        return;
      }
      this.#reply(peerId, message, RpcMessageType.RESULT, { body });
    } catch (error) {
      if (task.replied) return;
      task.replied = true;
      if (task.controller.signal.aborted) {
        this.#reply(peerId, message, RpcMessageType.CANCELLED);
      } else {
        this.#reply(peerId, message, RpcMessageType.FAILURE, {
          error: errorInfo(error),
        });
      }
    } finally {
      this.#running.delete(task.key);
      const next = this.#waiting.shift();
      if (next) void this.#run(next);
      else if (this.#running.size === 0) this.#idle?.();
    }
  }

  #reply(
    peerId: Uint8Array,
    request: RpcMessage,
    type: RpcMessageType,
    extra: { error?: RpcErrorInfo; body?: Uint8Array } = {},
  ): void {
    this.#send(this.#frames.encode({
      type,
      method: request.method,
      orderKey: request.orderKey,
      seq: request.seq,
      error: extra.error ?? null,
      body: extra.body ?? null,
    }, [peerId]));
  }

  #send(frames: Uint8Array[]): void {
    this.#outbox.push(frames);
    this.#pumping ??= this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (this.#outbox.length > 0 && this.#socket) {
        const frames = this.#outbox.shift()!;
        try {
          await this.#socket.send(frames);
        } catch (error) {
          this.#logger.warn("agent RPC server send failed", {
            error: String(error),
          });
        }
      }
    } finally {
      this.#pumping = undefined;
    }
  }

  /**
   * Stops serving: new calls are answered CANCELLED, running calls get
   * `graceMs` to finish, then are aborted and answered CANCELLED; the
   * replies are sent, and the socket closed. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { RpcServer } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const server = new RpcServer();
   * await server.close({ graceMs: 0 });
   * assert.equal(server.endpoint, undefined);
   * ```
   *
   * @param options The grace period.
   * @returns When closed.
   */
  async close(options: RpcServerCloseOptions = {}): Promise<void> {
    if (this.#closing) {
      await this.#loop;
      return;
    }
    this.#closing = true;
    for (const task of this.#waiting.splice(0)) this.#cancelTask(task);
    if (this.#running.size > 0) {
      const graceMs = options.graceMs ?? 5_000;
      let timer: unknown;
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
        timer = this.#clock.setTimeout(resolve, graceMs);
      });
      this.#clock.clearTimeout(timer);
      this.#idle = undefined;
      for (const task of this.#running.values()) this.#cancelTask(task);
    }
    while (this.#pumping) await this.#pumping;
    const socket = this.#socket;
    this.#socket = undefined; // the pump stops; late replies are dropped
    this.#outbox.length = 0;
    socket?.close();
    await this.#loop;
  }

  /**
   * Same as {@linkcode RpcServer.close} with the default grace.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
