// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The bytes of ZMTP 3.1 (RFC 37) with the NULL mechanism: the 64-byte
 * greeting, frames (flags, 1- or 8-byte size, body), commands (name length,
 * name, data) and READY's metadata properties, and a streaming frame parser
 * that hands out views of the bytes it was given where it can.
 *
 * @module
 */

/** Frame flag: more frames of this message follow. */
export const FLAG_MORE = 0x01;
/** Frame flag: the size is 8 bytes (big-endian), not 1. */
export const FLAG_LONG = 0x02;
/** Frame flag: the frame is a command, not a message frame. */
export const FLAG_COMMAND = 0x04;

/** The greeting's length. */
export const GREETING_LENGTH = 64;

/** The largest frame accepted (a frame larger than this closes the link). */
export const MAX_FRAME_BYTES = 0x7fff_ffff;

const ASCII = new TextEncoder();
const LATIN1 = new TextDecoder("latin1");

/**
 * Our greeting: signature `FF 00*7 01 7F` (as libzmq sends it, the 8
 * padding bytes read as a ZMTP 1.0 length of 1), version 3.1, mechanism
 * `NULL` zero-padded to 20 bytes, as-server 0, 31 zero bytes.
 *
 * @returns A fresh 64-byte greeting.
 */
export function encodeGreeting(): Uint8Array {
  const bytes = new Uint8Array(GREETING_LENGTH);
  bytes[0] = 0xff;
  bytes[8] = 0x01;
  bytes[9] = 0x7f;
  bytes[10] = 3;
  bytes[11] = 1;
  bytes.set(ASCII.encode("NULL"), 12);
  return bytes;
}

/** A peer's greeting, read. */
export interface Greeting {
  /** Major version (3). */
  major: number;
  /** Minor version (0 or 1). */
  minor: number;
  /** The mechanism name (`NULL`, `PLAIN`, `CURVE`). */
  mechanism: string;
  /** The as-server flag. */
  asServer: boolean;
}

/**
 * Checks the first bytes of a peer's greeting as soon as they are there:
 * the signature (byte 0 is 0xFF, byte 9 is 0x7F) and a major version of at
 * least 3. Returns an error text, or undefined while nothing is wrong.
 *
 * @param bytes The greeting bytes received so far.
 * @returns What is wrong, if anything.
 */
export function checkGreetingPrefix(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 1 && bytes[0] !== 0xff) {
    return "not a ZMTP peer (bad signature)";
  }
  if (bytes.length >= 10 && (bytes[9]! & 0x01) !== 0x01) {
    return "not a ZMTP 3 peer (bad signature)";
  }
  if (bytes.length >= 11 && bytes[10]! < 3) {
    return `the peer speaks ZMTP ${bytes[10]}.x; 3.0 or later is needed`;
  }
  return undefined;
}

/**
 * Reads a whole 64-byte greeting.
 *
 * @param bytes At least 64 bytes.
 * @returns The greeting, or an error text.
 */
export function decodeGreeting(bytes: Uint8Array): Greeting | string {
  const wrong = checkGreetingPrefix(bytes);
  if (wrong) return wrong;
  if (bytes.length < GREETING_LENGTH) return "short greeting";
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  return {
    major: bytes[10]!,
    minor: bytes[11]!,
    mechanism: LATIN1.decode(bytes.subarray(12, end)),
    asServer: bytes[32] === 1,
  };
}

/**
 * The header of a frame of `size` bytes.
 *
 * @param size The body's length.
 * @param flags MORE and COMMAND; LONG is added when needed.
 * @returns 2 or 9 bytes.
 */
export function encodeFrameHeader(size: number, flags: number): Uint8Array {
  if (size <= 255) return Uint8Array.of(flags & ~FLAG_LONG, size);
  const header = new Uint8Array(9);
  header[0] = flags | FLAG_LONG;
  new DataView(header.buffer).setBigUint64(1, BigInt(size));
  return header;
}

/**
 * Encodes a whole multipart message into one buffer (MORE on every frame
 * but the last).
 *
 * @param frames The frames.
 * @returns The bytes.
 */
export function encodeMessage(frames: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const frame of frames) {
    total += (frame.length <= 255 ? 2 : 9) + frame.length;
  }
  const out = new Uint8Array(total);
  let view: DataView | undefined;
  let pos = 0;
  const last = frames.length - 1;
  for (let i = 0; i <= last; i++) {
    const frame = frames[i]!;
    const more = i < last ? FLAG_MORE : 0;
    if (frame.length <= 255) {
      out[pos] = more;
      out[pos + 1] = frame.length;
      pos += 2;
    } else {
      out[pos] = more | FLAG_LONG;
      view ??= new DataView(out.buffer);
      view.setBigUint64(pos + 1, BigInt(frame.length));
      pos += 9;
    }
    out.set(frame, pos);
    pos += frame.length;
  }
  return out;
}

/**
 * Encodes a command frame (header included).
 *
 * @param name The command name (`READY`, `PING`, `PONG`, `ERROR`).
 * @param data The command data.
 * @returns The bytes.
 */
export function encodeCommand(name: string, data: Uint8Array): Uint8Array {
  const nameBytes = ASCII.encode(name);
  const body = new Uint8Array(1 + nameBytes.length + data.length);
  body[0] = nameBytes.length;
  body.set(nameBytes, 1);
  body.set(data, 1 + nameBytes.length);
  const header = encodeFrameHeader(body.length, FLAG_COMMAND);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/**
 * A READY command with the metadata properties given (name length byte,
 * name, 4-byte big-endian value length, value).
 *
 * @param properties The properties, in order.
 * @returns The command frame.
 */
export function encodeReady(
  properties: ReadonlyArray<readonly [string, Uint8Array]>,
): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of properties) {
    const nameBytes = ASCII.encode(name);
    const part = new Uint8Array(1 + nameBytes.length + 4 + value.length);
    part[0] = nameBytes.length;
    part.set(nameBytes, 1);
    new DataView(part.buffer).setUint32(1 + nameBytes.length, value.length);
    part.set(value, 5 + nameBytes.length);
    parts.push(part);
  }
  let total = 0;
  for (const part of parts) total += part.length;
  const data = new Uint8Array(total);
  let pos = 0;
  for (const part of parts) {
    data.set(part, pos);
    pos += part.length;
  }
  return encodeCommand("READY", data);
}

/** A command, split. */
export interface Command {
  /** The name. */
  name: string;
  /** The data after the name. */
  data: Uint8Array;
}

/**
 * Splits a command body into its name and data.
 *
 * @param body The frame body.
 * @returns The command, or an error text.
 */
export function decodeCommand(body: Uint8Array): Command | string {
  if (body.length < 1) return "empty command";
  const length = body[0]!;
  if (body.length < 1 + length) return "truncated command name";
  return {
    name: LATIN1.decode(body.subarray(1, 1 + length)),
    data: body.subarray(1 + length),
  };
}

/**
 * Reads READY's metadata properties; names are matched case-insensitively
 * by the caller, so they are returned lower-cased.
 *
 * @param data The READY data.
 * @returns The properties, or an error text.
 */
export function decodeProperties(
  data: Uint8Array,
): Map<string, Uint8Array> | string {
  const properties = new Map<string, Uint8Array>();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  while (pos < data.length) {
    const nameLength = data[pos]!;
    if (pos + 1 + nameLength + 4 > data.length) return "truncated property";
    const name = LATIN1.decode(data.subarray(pos + 1, pos + 1 + nameLength));
    const valueLength = view.getUint32(pos + 1 + nameLength);
    const start = pos + 1 + nameLength + 4;
    if (start + valueLength > data.length) return "truncated property value";
    properties.set(
      name.toLowerCase(),
      data.subarray(start, start + valueLength),
    );
    pos = start + valueLength;
  }
  return properties;
}

/** What the parser calls for each frame. */
export type FrameHandler = (flags: number, body: Uint8Array) => void;

/**
 * A streaming frame parser. Bodies wholly inside one chunk are views of it
 * (no copy); a body split across chunks is copied once into a buffer of its
 * size. A frame larger than {@linkcode MAX_FRAME_BYTES} is an error.
 */
export class FrameParser {
  readonly #onFrame: FrameHandler;
  /** Leftover bytes of an incomplete header. */
  #head: Uint8Array = new Uint8Array(0);
  /** A body being filled across chunks. */
  #body: Uint8Array | undefined;
  #bodyFlags = 0;
  #bodyFilled = 0;

  /**
   * @param onFrame Called for each complete frame, in order.
   */
  constructor(onFrame: FrameHandler) {
    this.#onFrame = onFrame;
  }

  /**
   * Feeds bytes.
   *
   * @param chunk The bytes received.
   * @returns An error text if the stream is malformed (stop feeding then).
   */
  push(chunk: Uint8Array): string | undefined {
    let data = chunk;
    if (this.#body) {
      const body = this.#body;
      const take = Math.min(body.length - this.#bodyFilled, data.length);
      body.set(data.subarray(0, take), this.#bodyFilled);
      this.#bodyFilled += take;
      if (this.#bodyFilled < body.length) return undefined;
      this.#body = undefined;
      this.#onFrame(this.#bodyFlags, body);
      data = data.subarray(take);
    }
    if (this.#head.length > 0) {
      const joined = new Uint8Array(this.#head.length + data.length);
      joined.set(this.#head);
      joined.set(data, this.#head.length);
      data = joined;
      this.#head = new Uint8Array(0);
    }
    let pos = 0;
    const end = data.length;
    while (pos < end) {
      if (end - pos < 2) break;
      const flags = data[pos]!;
      let size: number;
      let header: number;
      if (flags & FLAG_LONG) {
        if (end - pos < 9) break;
        const view = new DataView(data.buffer, data.byteOffset + pos + 1, 8);
        const high = view.getUint32(0);
        const low = view.getUint32(4);
        if (high !== 0 || low > MAX_FRAME_BYTES) {
          return "frame too large";
        }
        size = low;
        header = 9;
      } else {
        size = data[pos + 1]!;
        header = 2;
      }
      const start = pos + header;
      if (end - start < size) {
        // An incomplete body: copy what is here into a buffer of its size.
        const body = new Uint8Array(size);
        body.set(data.subarray(start, end));
        this.#body = body;
        this.#bodyFlags = flags;
        this.#bodyFilled = end - start;
        return undefined;
      }
      pos = start + size;
      this.#onFrame(flags, data.subarray(start, pos));
    }
    if (pos < end) this.#head = data.slice(pos);
    return undefined;
  }
}
