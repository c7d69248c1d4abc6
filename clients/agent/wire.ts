// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * callosum's frames (`callosum/lower/zeromq.py`, `callosum/rpc/message.py`,
 * version 1.0.3 as Backend.AI pins it), byte for byte:
 *
 * - a DEALER sends `["UPPER", header, data]`; a ROUTER sees the peer id in
 *   front and answers `[peer id, "UPPER", header, data]`;
 * - the connect check is `["PING", "", ""]`, answered `["PONG", "", ""]` with
 *   every frame echoed;
 * - the header is the map `{"type", "meth", "okey", "seq", "zip"}` in that
 *   order (`zip` always false: no snappy);
 * - the data frame is `{"meta": bin, "body": bin | nil}`: `meta` holds the
 *   packed metadata (`[]` for results and cancels, `[name, repr, traceback]`
 *   for failures, empty for calls) and `body` the serializer's bytes for
 *   calls and results, nil otherwise.
 *
 * The order key is echoed with its msgpack type (`bin` from upstream's pool,
 * `str` from its CLI): Python compares `b""` and `""` as different.
 *
 * @module
 */

import { Decoder, Encoder } from "@msgpack/msgpack";
import { InvalidAPIParameters } from "../../exception.ts";

/** callosum's `RPCMessageTypes`. */
export const RpcMessageType = {
  NULL: 0,
  FUNCTION: 1,
  RESULT: 2,
  FAILURE: 3,
  ERROR: 4,
  CANCEL: 5,
  CANCELLED: 6,
} as const;
/** One of the {@linkcode RpcMessageType} values. */
export type RpcMessageType = typeof RpcMessageType[keyof typeof RpcMessageType];

/** An order key as it travels: `bin` (a `Uint8Array`) or `str`. */
export type RpcOrderKey = Uint8Array | string;

/** The metadata of a FAILURE or ERROR: callosum's `ErrorMetadata`. */
export interface RpcErrorInfo {
  /** The exception's class name (`type(exc).__name__`). */
  readonly name: string;
  /** `repr(exc)`. */
  readonly repr: string;
  /** `traceback.format_exc()`. */
  readonly traceback: string;
}

/** One callosum RPC message (an `RPCMessage` without the peer id). */
export interface RpcMessage {
  /** The message type. */
  readonly type: RpcMessageType;
  /** The method name. */
  readonly method: string;
  /** The order key, echoed as received. */
  readonly orderKey: RpcOrderKey;
  /** The client's sequence id, echoed as received. */
  readonly seq: number;
  /** The error of a FAILURE or ERROR, otherwise `null`. */
  readonly error: RpcErrorInfo | null;
  /**
   * The serialized body of a FUNCTION or RESULT (the serializer's bytes),
   * otherwise `null`.
   */
  readonly body: Uint8Array | null;
}

/** What one received multipart message is. */
export type RpcFrameKind = "ping" | "pong" | "upper";

/** A received multipart message, split as callosum splits it. */
export interface DecodedRpcFrames {
  /** `"ping"`, `"pong"` or `"upper"`. */
  readonly kind: RpcFrameKind;
  /** The frames before the type frame (a ROUTER's peer id). */
  readonly prefix: Uint8Array[];
  /** The message, for `"upper"`. */
  readonly message: RpcMessage | null;
  /** The last two frames as received (echoed in a PONG). */
  readonly tail: [Uint8Array, Uint8Array];
}

const TEXT = new TextEncoder();
const UPPER = TEXT.encode("UPPER");
const PING = TEXT.encode("PING");
const PONG = TEXT.encode("PONG");
const EMPTY = new Uint8Array(0);
/** The packed metadata of results and cancels: `mpackb([])`. */
const EMPTY_LIST = new Uint8Array([0x90]);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function protocolError(detail: string, data: Record<string, unknown>): never {
  throw new InvalidAPIParameters(`Invalid callosum message: ${detail}`, {
    data,
  });
}

const TYPES = new Set<number>(Object.values(RpcMessageType));

/**
 * Writes and reads callosum frames. One instance per socket: its msgpack
 * encoder's buffer is reused.
 */
export class RpcFrameCodec {
  readonly #encoder: Encoder = new Encoder();
  readonly #decoder: Decoder = new Decoder();

  /**
   * The frames of the connect check, `["PING", "", ""]`.
   *
   * @example Usage
   * ```ts
   * import { RpcFrameCodec } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const [type] = new RpcFrameCodec().ping();
   * assert.equal(new TextDecoder().decode(type), "PING");
   * ```
   *
   * @returns The three frames.
   */
  ping(): Uint8Array[] {
    return [PING, EMPTY, EMPTY];
  }

  /**
   * The answer to a PING: its prefix and last two frames echoed.
   *
   * @example Usage
   * ```ts
   * import { RpcFrameCodec } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const codec = new RpcFrameCodec();
   * const ping = codec.decode([new Uint8Array([0, 1]), ...codec.ping()]);
   * const pong = codec.pong(ping);
   * assert.equal(new TextDecoder().decode(pong[1]), "PONG");
   * ```
   *
   * @param ping The received PING.
   * @returns The frames to send.
   */
  pong(ping: DecodedRpcFrames): Uint8Array[] {
    return [...ping.prefix, PONG, ping.tail[0], ping.tail[1]];
  }

  /**
   * Encodes a message as `["UPPER", header, data]`, after `prefix` (a
   * ROUTER's peer id).
   *
   * @example The first ping call of upstream's pool
   * ```ts
   * import { packRpcBody, RpcFrameCodec, RpcMessageType } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const frames = new RpcFrameCodec().encode({
   *   type: RpcMessageType.FUNCTION, method: "ping", orderKey: new Uint8Array(0), seq: 0,
   *   error: null, body: packRpcBody({ args: ["ping"], kwargs: {} }),
   * });
   * assert.equal(frames.length, 3);
   * assert.equal(frames[1]![0], 0x85); // a map of five keys
   * ```
   *
   * @param message The message.
   * @param prefix Frames to put first (the peer id on a ROUTER).
   * @returns The frames.
   * @throws {InvalidAPIParameters} When the sequence id is not a 32-bit
   * unsigned integer.
   */
  encode(message: RpcMessage, prefix: Uint8Array[] = []): Uint8Array[] {
    const { seq } = message;
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) {
      protocolError("the sequence id is not a 32-bit unsigned integer", {
        field: "seq",
        value: seq,
      });
    }
    const header = this.#encoder.encode({
      type: message.type,
      meth: message.method,
      okey: message.orderKey,
      seq,
      zip: false,
    });
    let meta: Uint8Array;
    let body: Uint8Array | null = null;
    switch (message.type) {
      case RpcMessageType.FUNCTION:
        meta = EMPTY;
        body = message.body ?? EMPTY;
        break;
      case RpcMessageType.RESULT:
        meta = EMPTY_LIST;
        body = message.body ?? new Uint8Array([0xc0]);
        break;
      case RpcMessageType.FAILURE:
      case RpcMessageType.ERROR: {
        const error = message.error ?? { name: "", repr: "", traceback: "" };
        meta = this.#encoder.encode([error.name, error.repr, error.traceback]);
        break;
      }
      default:
        meta = EMPTY_LIST;
    }
    const data = this.#encoder.encode({ meta, body });
    return [...prefix, UPPER, header, data];
  }

  /**
   * Splits a received multipart message as callosum does (`*pre, type,
   * header, body`) and decodes an UPPER message.
   *
   * @example Usage
   * ```ts
   * import { RpcFrameCodec, RpcMessageType } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const codec = new RpcFrameCodec();
   * const frames = codec.encode({
   *   type: RpcMessageType.CANCEL, method: "ping", orderKey: "", seq: 7, error: null, body: null,
   * });
   * const decoded = codec.decode(frames);
   * assert.equal(decoded.kind, "upper");
   * assert.equal(decoded.message?.seq, 7);
   * ```
   *
   * @param frames The frames as received.
   * @returns The split message.
   * @throws {InvalidAPIParameters} When the frames are not a callosum
   * message (too few frames, an unknown type frame, a bad header or data
   * map).
   */
  decode(frames: Uint8Array[]): DecodedRpcFrames {
    const count = frames.length;
    if (count < 3) {
      protocolError(`${count} frames, at least 3 expected`, {
        field: "frames",
        value: count,
      });
    }
    const typeFrame = frames[count - 3]!;
    const tail: [Uint8Array, Uint8Array] = [
      frames[count - 2]!,
      frames[count - 1]!,
    ];
    const prefix = frames.slice(0, count - 3);
    if (sameBytes(typeFrame, PING)) {
      return { kind: "ping", prefix, message: null, tail };
    }
    if (sameBytes(typeFrame, PONG)) {
      return { kind: "pong", prefix, message: null, tail };
    }
    if (!sameBytes(typeFrame, UPPER)) {
      protocolError("unknown frame type", {
        field: "type",
        value: new TextDecoder().decode(typeFrame).slice(0, 32),
      });
    }
    return {
      kind: "upper",
      prefix,
      message: this.#decodeMessage(tail[0], tail[1]),
      tail,
    };
  }

  #decodeMessage(rawHeader: Uint8Array, rawData: Uint8Array): RpcMessage {
    let header: unknown;
    let data: unknown;
    try {
      header = this.#decoder.decode(rawHeader);
      data = this.#decoder.decode(rawData);
    } catch (error) {
      throw new InvalidAPIParameters(
        "Invalid callosum message: the header or data frame is not msgpack",
        { data: { field: "header" }, cause: error },
      );
    }
    if (typeof header !== "object" || header === null) {
      protocolError("the header is not a map", { field: "header" });
    }
    const { type, meth, okey, seq, zip } = header as Record<string, unknown>;
    if (typeof type !== "number" || !TYPES.has(type)) {
      protocolError("unknown message type", { field: "type", value: type });
    }
    if (typeof meth !== "string") {
      protocolError("the method is not a string", { field: "meth" });
    }
    if (typeof okey !== "string" && !(okey instanceof Uint8Array)) {
      protocolError("the order key is neither bytes nor a string", {
        field: "okey",
      });
    }
    // Callosum counts sequence ids modulo 2**32, and a reply must echo the
    // id: one past 32 bits could never be answered, so it is refused here,
    // where the drop is logged, not after the handler ran.
    if (
      typeof seq !== "number" || !Number.isInteger(seq) || seq < 0 ||
      seq > 0xffffffff
    ) {
      protocolError("the sequence id is not a 32-bit unsigned integer", {
        field: "seq",
        value: seq,
      });
    }
    if (zip) {
      protocolError("compressed (snappy) bodies are not supported", {
        field: "zip",
        value: zip,
      });
    }
    if (typeof data !== "object" || data === null) {
      protocolError("the data frame is not a map", { field: "data" });
    }
    const { meta, body } = data as Record<string, unknown>;
    let error: RpcErrorInfo | null = null;
    if (type === RpcMessageType.FAILURE || type === RpcMessageType.ERROR) {
      error = this.#decodeError(meta);
    } else if (
      meta !== null && meta !== undefined && !(meta instanceof Uint8Array)
    ) {
      protocolError("the metadata is not bytes", { field: "meta" });
    }
    let rawBody: Uint8Array | null = null;
    if (type === RpcMessageType.FUNCTION || type === RpcMessageType.RESULT) {
      if (!(body instanceof Uint8Array)) {
        protocolError("the body of a call or result is not bytes", {
          field: "body",
        });
      }
      rawBody = body;
    }
    return {
      type: type as RpcMessageType,
      method: meth,
      orderKey: okey,
      seq,
      error,
      body: rawBody,
    };
  }

  #decodeError(meta: unknown): RpcErrorInfo {
    if (!(meta instanceof Uint8Array) || meta.length === 0) {
      protocolError("an error without metadata", { field: "meta" });
    }
    let fields: unknown;
    try {
      fields = this.#decoder.decode(meta);
    } catch (error) {
      throw new InvalidAPIParameters(
        "Invalid callosum message: the error metadata is not msgpack",
        { data: { field: "meta" }, cause: error },
      );
    }
    if (
      !Array.isArray(fields) || fields.length !== 3 ||
      fields.some((field) => typeof field !== "string")
    ) {
      protocolError("the error metadata is not [name, repr, traceback]", {
        field: "meta",
      });
    }
    const [name, repr, traceback] = fields as string[];
    return { name: name!, repr: repr!, traceback: traceback! };
  }
}

/**
 * Whether two order keys are equal the way Python compares them: the same
 * type (`bytes` or `str`) and the same content.
 *
 * @example Usage
 * ```ts
 * import { sameOrderKey } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * assert.ok(sameOrderKey("", ""));
 * assert.ok(!sameOrderKey(new Uint8Array(0), ""));
 * ```
 *
 * @param a One key.
 * @param b The other.
 * @returns `true` when equal.
 */
export function sameOrderKey(a: RpcOrderKey, b: RpcOrderKey): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  return sameBytes(a, b);
}
