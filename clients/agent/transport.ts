// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The transport seam of the agent RPC: what the client and server need from
 * a socket library, and nothing more. {@linkcode zeromqTransport} implements
 * it on npm `zeromq` 6, imported only when the first socket is made (so
 * importing this module loads no native addon); a test or another runtime
 * can give the client and server any other {@linkcode RpcTransport}.
 *
 * @module
 */

import { ZeromqTransport } from "./_zeromq.ts";

/** A connected or bound message socket. */
export interface RpcSocket {
  /**
   * Sends one multipart message. At most one send is in flight at a time.
   *
   * @param frames The frames.
   * @returns When the message is queued.
   */
  send(frames: Uint8Array[]): Promise<void>;
  /**
   * Receives one multipart message. At most one receive is in flight at a
   * time; it rejects once the socket is closed.
   *
   * @returns The frames.
   */
  receive(): Promise<Uint8Array[]>;
  /** Closes the socket; a pending receive rejects. */
  close(): void;
}

/** A bound (server) socket. */
export interface RpcBoundSocket extends RpcSocket {
  /** The address it is bound to, with the port resolved (`tcp://127.0.0.1:40123`). */
  readonly endpoint: string;
}

/**
 * CurveZMQ keys of a client (the manager): Z85 text, 40 characters each,
 * as upstream's `ManagerAuthHandler` takes them.
 */
export interface CurveClientKeys {
  /** The agent's public key. */
  serverPublicKey: string;
  /** The manager's public key. */
  publicKey: string;
  /** The manager's secret key. */
  secretKey: string;
}

/**
 * CurveZMQ keys of a server (an agent), as upstream's `AgentAuthHandler`:
 * its secret key and the client public keys it accepts in its domain.
 */
export interface CurveServerKeys {
  /** The agent's secret key (Z85). */
  secretKey: string;
  /**
   * The client public keys (Z85) accepted; any other client is refused by
   * the ZAP handler, and sees only silence.
   */
  allowedClientKeys: readonly string[];
  /**
   * The ZAP domain the server checks; upstream uses `"local"` on both sides.
   *
   * @default {"local"}
   */
  domain?: string | undefined;
}

/** TCP keepalive of a client socket, as upstream's manager sets it. */
export interface TcpKeepalive {
  /** Idle seconds before the first probe (upstream: 60). */
  idleSeconds: number;
  /**
   * Seconds between probes.
   *
   * @default {max(2, idleSeconds / 3), rounded down}
   */
  intervalSeconds?: number | undefined;
  /**
   * Probes before the connection is dropped.
   *
   * @default {3}
   */
  count?: number | undefined;
}

/** Options of {@linkcode RpcTransport.connect}. */
export interface ConnectSocketOptions {
  /** CurveZMQ keys; absent means the NULL mechanism (plain text). */
  curve?: CurveClientKeys | undefined;
  /** TCP keepalive; absent means the operating system's default. */
  keepalive?: TcpKeepalive | undefined;
  /**
   * How long unsent messages are kept after close, in milliseconds
   * (callosum's 100).
   *
   * @default {100}
   */
  lingerMs?: number | undefined;
}

/** Options of {@linkcode RpcTransport.bind}. */
export interface BindSocketOptions {
  /** CurveZMQ keys; absent means the NULL mechanism (plain text). */
  curve?: CurveServerKeys | undefined;
  /**
   * How long unsent messages are kept after close, in milliseconds.
   *
   * @default {100}
   */
  lingerMs?: number | undefined;
}

/** A CurveZMQ key pair in Z85 text. */
export interface CurveKeyPair {
  /** The public key, 40 characters. */
  publicKey: string;
  /** The secret key, 40 characters. */
  secretKey: string;
}

/**
 * What the RPC client and server use to make sockets: a DEALER that
 * connects and a ROUTER that binds.
 *
 * @example A transport that counts the sockets it makes
 * ```ts
 * import { type RpcTransport, zeromqTransport } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const inner = zeromqTransport();
 * let made = 0;
 * const counting: RpcTransport = {
 *   connect: (address, options) => (made++, inner.connect(address, options)),
 *   bind: (address, options) => (made++, inner.bind(address, options)),
 *   curveKeyPair: () => inner.curveKeyPair(),
 * };
 * assert.equal(made, 0);
 * assert.equal(typeof counting.bind, "function");
 * ```
 */
export interface RpcTransport {
  /**
   * Makes a DEALER socket connected to `address`. Connecting does not wait
   * for the peer.
   *
   * @param address A `tcp://host:port` address.
   * @param options Keys, keepalive and linger.
   * @returns The socket.
   */
  connect(address: string, options: ConnectSocketOptions): Promise<RpcSocket>;
  /**
   * Makes a ROUTER socket bound to `address` (port `0` or `*` picks a free
   * port); with CURVE keys, a ZAP handler that accepts only the allowed
   * client keys runs beside it.
   *
   * @param address A `tcp://host:port` address.
   * @param options Keys and linger.
   * @returns The socket.
   */
  bind(address: string, options: BindSocketOptions): Promise<RpcBoundSocket>;
  /**
   * Generates a CurveZMQ key pair.
   *
   * @returns The keys in Z85.
   */
  curveKeyPair(): Promise<CurveKeyPair>;
}

/**
 * The transport on npm `zeromq` 6 (libzmq 4.3), loaded at the first socket.
 * Needs `--allow-ffi` (and read, net) under Deno; it loads on Node and Bun
 * from the package's prebuilt addon.
 *
 * @example Usage
 * ```ts
 * import { zeromqTransport } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const transport = zeromqTransport(); // nothing is loaded yet
 * assert.equal(typeof transport.connect, "function");
 * ```
 *
 * @returns A transport.
 */
export function zeromqTransport(): RpcTransport {
  return new ZeromqTransport();
}
