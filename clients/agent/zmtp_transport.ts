// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode zmtpTransport}: the agent RPC's sockets written in TypeScript
 * on `node:net`, speaking ZMTP 3.1 (RFC 37) with the NULL mechanism, so no
 * native addon is loaded (Deno, Node and Bun alike); and
 * {@linkcode autoTransport}, which uses it for plain-text sockets and
 * {@linkcode zeromqTransport} for CURVE ones.
 *
 * What the ZMTP sockets do, as libzmq's DEALER and ROUTER do by default:
 *
 * - DEALER: one connection, made again with a backoff (100 ms, doubling to
 *   5 s) when it drops; while it is down up to 1000 messages queue, and a
 *   send past that waits. Messages still queued at `close()` are dropped;
 *   bytes already written get `lingerMs` to flush.
 * - ROUTER: many connections; each message received starts with the
 *   sender's routing id (its Identity, or 5 bytes starting with 0x00); a
 *   message to an unknown routing id is dropped.
 * - PING is answered with PONG; an ERROR command, a peer speaking ZMTP
 *   before 3.0, another mechanism or an incompatible socket type closes the
 *   connection. Reading pauses while 1000 messages wait to be received.
 * - TCP keepalive: node:net sets the idle time only; the probe interval and
 *   count stay the operating system's.
 *
 * @module
 */

import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
} from "../../exception.ts";
import { ZmtpDealer, ZmtpRouter } from "./_zmtp.ts";
import {
  type BindSocketOptions,
  type ConnectSocketOptions,
  type CurveKeyPair,
  type RpcBoundSocket,
  type RpcSocket,
  type RpcTransport,
  zeromqTransport,
} from "./transport.ts";

/**
 * CURVE keys were given to {@linkcode zmtpTransport}, which speaks only
 * the NULL mechanism (HTTP 400, `agent_setup_not-implemented`);
 * `data.field` is `"curve"`. Use `zeromqTransport()` or `autoTransport()`.
 *
 * @example Usage
 * ```ts
 * import { ZmtpCurveUnsupportedError } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const err = new ZmtpCurveUnsupportedError();
 * assert.equal(err.toProblemJSON().error_code, "agent_setup_not-implemented");
 * assert.match(err.message, /zeromqTransport/);
 * ```
 */
export class ZmtpCurveUnsupportedError extends BackendAIError {
  /** The code of every error of this class: `agent_setup_not-implemented`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.AGENT,
    ErrorOperation.SETUP,
    ErrorDetail.NOT_IMPLEMENTED,
  );
  /** HTTP 400. */
  override readonly status: number = 400;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/agent-rpc-curve-unsupported";
  /** The problem title. */
  override readonly errorTitle: string = "The ZMTP transport does not do CURVE";

  /**
   * Makes the error.
   *
   * @param message What was asked.
   */
  constructor(
    message =
      "zmtpTransport() speaks only the NULL mechanism; use zeromqTransport() (or autoTransport()) for CURVE keys",
  ) {
    super(message, { data: { field: "curve" } });
  }
}

class ZmtpTransport implements RpcTransport {
  connect(address: string, options: ConnectSocketOptions): Promise<RpcSocket> {
    if (options.curve) {
      return Promise.reject(new ZmtpCurveUnsupportedError());
    }
    try {
      return Promise.resolve(
        new ZmtpDealer(address, {
          keepalive: options.keepalive,
          lingerMs: options.lingerMs,
        }),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  bind(address: string, options: BindSocketOptions): Promise<RpcBoundSocket> {
    if (options.curve) {
      return Promise.reject(new ZmtpCurveUnsupportedError());
    }
    return ZmtpRouter.bind(address, options.lingerMs ?? 100);
  }

  curveKeyPair(): Promise<CurveKeyPair> {
    return zeromqTransport().curveKeyPair();
  }
}

/**
 * The transport in TypeScript on `node:net`: ZMTP 3.1 with the NULL
 * mechanism, wire compatible with libzmq's (pyzmq's, callosum's) DEALER
 * and ROUTER, no native addon. CURVE keys make `connect` and `bind` reject
 * with {@linkcode ZmtpCurveUnsupportedError}; `curveKeyPair()` asks npm
 * `zeromq`.
 *
 * @example A DEALER and a ROUTER on loopback
 * ```ts
 * import { zmtpTransport } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const transport = zmtpTransport();
 * const router = await transport.bind("tcp://127.0.0.1:0", {});
 * const dealer = await transport.connect(router.endpoint, {});
 * await dealer.send([new TextEncoder().encode("hello")]);
 * const [id, body] = await router.receive();
 * assert.equal(new TextDecoder().decode(body), "hello");
 * await router.send([id!, new TextEncoder().encode("world")]);
 * const [reply] = await dealer.receive();
 * assert.equal(new TextDecoder().decode(reply), "world");
 * dealer.close();
 * router.close();
 * ```
 *
 * @returns A transport.
 */
export function zmtpTransport(): RpcTransport {
  return new ZmtpTransport();
}

/**
 * The transport the RPC client and server use by default: ZMTP
 * ({@linkcode zmtpTransport}) for plain-text (NULL mechanism) `tcp://`
 * sockets, and npm `zeromq` ({@linkcode zeromqTransport}, loaded only then)
 * for CURVE keys or `ipc://` and `inproc://` addresses. On Deno ZMTP is
 * several times faster than npm `zeromq`, whose receives must poll there
 * (bench/RESULTS.md).
 *
 * @example Usage
 * ```ts
 * import { autoTransport } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const transport = autoTransport();
 * const router = await transport.bind("tcp://127.0.0.1:0", {}); // ZMTP
 * assert.match(router.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
 * router.close();
 * ```
 *
 * @returns A transport.
 */
export function autoTransport(): RpcTransport {
  const zmtp = zmtpTransport();
  let zeromq: RpcTransport | undefined;
  const native = () => zeromq ??= zeromqTransport();
  const pick = (address: string, curve: unknown) =>
    curve || !address.startsWith("tcp://") ? native() : zmtp;
  return {
    connect: (address, options) =>
      pick(address, options.curve).connect(address, options),
    bind: (address, options) =>
      pick(address, options.curve).bind(address, options),
    curveKeyPair: () => native().curveKeyPair(),
  };
}
