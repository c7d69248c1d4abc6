// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Backend.AI's RPC body serializer (`ai.backend.common.msgpack`): msgpack with
 * `bin` for bytes, `str` for strings, and upstream's extension types where
 * they are not Python pickles:
 *
 * | code | Python                | here                                   |
 * | ---- | --------------------- | -------------------------------------- |
 * | 1    | `uuid.UUID`           | {@linkcode Uuid} (16 raw bytes)        |
 * | 2    | `datetime`            | `Date` (temporenc, written as DTSZ ms) |
 * | 4    | `PosixPath`           | {@linkcode PosixPath} `kind: "posix"`  |
 * | 5    | `PurePosixPath`       | {@linkcode PosixPath} `kind: "pure"`   |
 * | 17   | `AutoDirectoryPath`   | {@linkcode PosixPath} `kind: "auto"`   |
 *
 * The pickled ones (3 `Decimal`, 6 `Enum`, 7 `ImageRef`, 8 `ResourceSlot`,
 * 9 `SlotName`, 16 `BinarySize`) cannot be written without a Python pickler,
 * so they are refused on the way out unless passed through: reading one gives
 * an `ExtData` (code and raw bytes, nothing lost), and an `ExtData` is
 * written back byte for byte. Integers read as numbers up to 2^53 and as
 * `bigint` past it (never rounded), and a `bigint` is written as a 64-bit
 * integer. A number with no fraction is
 * written as an integer (Python reads `1.0` sent from here as `1`).
 *
 * @module
 */

import {
  Decoder,
  decodeTimestampExtension,
  Encoder,
  ExtensionCodec,
} from "@msgpack/msgpack";
import { InvalidAPIParameters } from "../../exception.ts";

/** The msgpack extension codes of upstream's `ai.backend.common.msgpack`. */
export const RpcExtType = {
  UUID: 1,
  DATETIME: 2,
  DECIMAL: 3,
  POSIX_PATH: 4,
  PURE_POSIX_PATH: 5,
  ENUM: 6,
  IMAGE_REF: 7,
  RESOURCE_SLOT: 8,
  SLOT_NAME: 9,
  BINARY_SIZE: 16,
  AUTO_DIRECTORY_PATH: 17,
} as const;
/** One of the {@linkcode RpcExtType} codes. */
export type RpcExtType = typeof RpcExtType[keyof typeof RpcExtType];

const HEX_REGEXP = /^[0-9a-f]{32}$/;

/**
 * A UUID as Python's `uuid.UUID` crosses the wire (msgpack extension 1 with
 * the 16 raw bytes), so that an agent that indexes by `UUID` finds it; a
 * plain string would arrive as `str`.
 *
 * @example Usage
 * ```ts
 * import { packRpcBody, unpackRpcBody, Uuid } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const id = new Uuid("0c3c2b8e-6f4e-4e43-9b1d-2b7c1c6f0a11");
 * const back = unpackRpcBody(packRpcBody({ kernel: id })) as { kernel: Uuid };
 * assert.equal(String(back.kernel), "0c3c2b8e-6f4e-4e43-9b1d-2b7c1c6f0a11");
 * ```
 */
export class Uuid {
  /** The 16 bytes of the UUID. */
  readonly bytes: Uint8Array;

  /**
   * Reads a UUID from its text or its 16 bytes.
   *
   * @param value The canonical text (with or without dashes) or 16 bytes.
   * @throws {InvalidAPIParameters} When `value` is not a UUID.
   */
  constructor(value: string | Uint8Array) {
    if (typeof value === "string") {
      const hex = value.replaceAll("-", "").toLowerCase();
      if (!HEX_REGEXP.test(hex)) {
        throw new InvalidAPIParameters(`Invalid UUID "${value}"`, {
          data: { field: "uuid", value },
        });
      }
      const bytes = new Uint8Array(16);
      for (let i = 0; i < 16; i++) {
        bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
      }
      this.bytes = bytes;
    } else {
      if (value.length !== 16) {
        throw new InvalidAPIParameters(
          `Invalid UUID: ${value.length} bytes instead of 16`,
          { data: { field: "uuid", value: value.length } },
        );
      }
      this.bytes = value.slice();
    }
  }

  /**
   * The canonical text, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
   *
   * @returns The text.
   */
  toString(): string {
    let hex = "";
    for (const byte of this.bytes) hex += byte.toString(16).padStart(2, "0");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
      hex.slice(16, 20)
    }-${hex.slice(20)}`;
  }

  /**
   * The canonical text, so JSON shows the UUID as Python's `str(uuid)`.
   *
   * @returns The text.
   */
  toJSON(): string {
    return this.toString();
  }
}

/** Which of upstream's path classes a {@linkcode PosixPath} is. */
export type PosixPathKind = "posix" | "pure" | "auto";

const PATH_EXT: Record<PosixPathKind, number> = {
  posix: RpcExtType.POSIX_PATH,
  pure: RpcExtType.PURE_POSIX_PATH,
  auto: RpcExtType.AUTO_DIRECTORY_PATH,
};

/**
 * A path as upstream sends it: `PosixPath` (extension 4), `PurePosixPath`
 * (5) or `AutoDirectoryPath` (17), the path's bytes (`os.fsencode`).
 *
 * @example Usage
 * ```ts
 * import { packRpcBody, PosixPath, unpackRpcBody } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * const back = unpackRpcBody(packRpcBody(new PosixPath("/home/work", "pure"))) as PosixPath;
 * assert.equal(back.path, "/home/work");
 * assert.equal(back.kind, "pure");
 * ```
 */
export class PosixPath {
  /** The path text. */
  readonly path: string;
  /** Which path class it is on the Python side. */
  readonly kind: PosixPathKind;

  /**
   * Makes a path of one of upstream's path classes.
   *
   * @param path The path text.
   * @param kind The Python class; `"posix"` (`PosixPath`) by default.
   */
  constructor(path: string, kind: PosixPathKind = "posix") {
    this.path = path;
    this.kind = kind;
  }

  /**
   * The path text.
   *
   * @returns The path.
   */
  toString(): string {
    return this.path;
  }

  /**
   * The path text.
   *
   * @returns The path.
   */
  toJSON(): string {
    return this.path;
  }
}

// temporenc (https://temporenc.org): the date is 21 bits (year 12, month 4
// from 0, day 5 from 0), the time 17 bits (hour 5, minute 6, second 6), the
// sub-second part 10/20/30/0 bits (precision 00 ms, 01 us, 10 ns, 11 none),
// the zone 7 bits (15-minute steps, biased by 64; 127 = none). With a zone,
// date and time are UTC.

function readBits(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const bit = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
    value = value * 2 + bit;
  }
  return value;
}

function writeBits(
  bytes: Uint8Array,
  start: number,
  count: number,
  value: number,
): void {
  for (let i = start + count - 1; i >= start; i--) {
    if (value % 2) bytes[i >> 3]! |= 1 << (7 - (i & 7));
    value = Math.floor(value / 2);
  }
}

const SUBSECOND_BITS = [10, 20, 30, 0] as const;

function temporencError(data: Uint8Array, detail: string): never {
  throw new InvalidAPIParameters(
    `Cannot read a datetime (msgpack extension 2): ${detail}`,
    { data: { field: "datetime", length: data.length } },
  );
}

/**
 * Reads a temporenc value (types D, DT, DTZ, DTS, DTSZ) as a `Date`. A value
 * without a zone is read as UTC; a missing date part is refused.
 *
 * @param data The extension payload.
 * @returns The instant.
 */
function decodeTemporenc(data: Uint8Array): Date {
  if (data.length === 0) temporencError(data, "empty");
  const first = data[0]!;
  let dateAt: number;
  let timeAt = -1;
  let subAt = -1;
  let precision = 3;
  if (first >> 6 === 0) { // DT: 00
    dateAt = 2;
    timeAt = 23;
  } else if (first >> 6 === 1) { // DTS: 01 PP
    precision = (first >> 4) & 3;
    dateAt = 4;
    timeAt = 25;
    subAt = 42;
  } else if (first >> 5 === 0b100) { // D
    dateAt = 3;
  } else if (first >> 5 === 0b110) { // DTZ
    dateAt = 3;
    timeAt = 24;
  } else if (first >> 5 === 0b111) { // DTSZ: 111 PP
    precision = (first >> 3) & 3;
    dateAt = 5;
    timeAt = 26;
    subAt = 43;
  } else {
    return temporencError(data, "a time without a date");
  }
  const bitsNeeded = subAt >= 0 ? subAt + SUBSECOND_BITS[precision]! : 0;
  if (data.length * 8 < Math.max(bitsNeeded, dateAt + 21, timeAt + 17)) {
    temporencError(data, "too short");
  }
  const year = readBits(data, dateAt, 12);
  const month = readBits(data, dateAt + 12, 4);
  const day = readBits(data, dateAt + 16, 5);
  if (year === 4095 || month === 15 || day === 31) {
    temporencError(data, "the date is incomplete");
  }
  let hour = 0, minute = 0, second = 0, millis = 0;
  if (timeAt >= 0) {
    hour = readBits(data, timeAt, 5);
    minute = readBits(data, timeAt + 5, 6);
    second = readBits(data, timeAt + 11, 6);
    if (hour === 31) hour = 0;
    if (minute === 63) minute = 0;
    if (second === 63) second = 0;
  }
  if (subAt >= 0 && precision !== 3) {
    const raw = readBits(data, subAt, SUBSECOND_BITS[precision]!);
    millis = precision === 0 ? raw : precision === 1 ? raw / 1e3 : raw / 1e6;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month, day + 1);
  date.setUTCHours(hour, minute, second, Math.floor(millis));
  return date;
}

/**
 * Writes a `Date` as temporenc DTSZ with millisecond precision and a zero
 * UTC offset (8 bytes), which Python's `temporenc.unpackb(...).datetime()`
 * reads as an aware UTC datetime.
 *
 * @param date The instant.
 * @returns The extension payload.
 */
function encodeTemporenc(date: Date): Uint8Array {
  const time = date.getTime();
  if (!Number.isFinite(time)) {
    throw new InvalidAPIParameters("Cannot send an invalid Date", {
      data: { field: "datetime", value: String(date) },
    });
  }
  const year = date.getUTCFullYear();
  if (year < 0 || year > 4094) {
    throw new InvalidAPIParameters(
      `Cannot send a Date in year ${year}: temporenc holds years 0 to 4094`,
      { data: { field: "datetime", value: date.toISOString() } },
    );
  }
  const bytes = new Uint8Array(8);
  writeBits(bytes, 0, 3, 0b111);
  writeBits(bytes, 3, 2, 0); // millisecond precision
  writeBits(bytes, 5, 12, year);
  writeBits(bytes, 17, 4, date.getUTCMonth());
  writeBits(bytes, 21, 5, date.getUTCDate() - 1);
  writeBits(bytes, 26, 5, date.getUTCHours());
  writeBits(bytes, 31, 6, date.getUTCMinutes());
  writeBits(bytes, 37, 6, date.getUTCSeconds());
  writeBits(bytes, 43, 10, date.getUTCMilliseconds());
  writeBits(bytes, 53, 7, 64); // UTC
  return bytes;
}

const UTF8_ENCODER = new TextEncoder();
const UTF8_DECODER = new TextDecoder();

function pathDecoder(kind: PosixPathKind) {
  return (data: Uint8Array): PosixPath =>
    new PosixPath(UTF8_DECODER.decode(data), kind);
}

function buildCodec(): ExtensionCodec {
  const codec = new ExtensionCodec();
  // Python's msgpack reads the built-in timestamp (-1) as its own Timestamp,
  // not a datetime: write Dates as upstream's extension 2 instead, and still
  // read a -1 timestamp as a Date.
  codec.register({
    type: -1,
    encode: () => null,
    decode: (data: Uint8Array) => decodeTimestampExtension(data),
  });
  codec.register({
    type: RpcExtType.UUID,
    encode: (value: unknown) => value instanceof Uuid ? value.bytes : null,
    decode: (data: Uint8Array) => new Uuid(data),
  });
  codec.register({
    type: RpcExtType.DATETIME,
    encode: (value: unknown) =>
      value instanceof Date ? encodeTemporenc(value) : null,
    decode: decodeTemporenc,
  });
  for (const kind of ["posix", "pure", "auto"] as const) {
    codec.register({
      type: PATH_EXT[kind],
      encode: (value: unknown) =>
        value instanceof PosixPath && value.kind === kind
          ? UTF8_ENCODER.encode(value.path)
          : null,
      decode: pathDecoder(kind),
    });
  }
  return codec;
}

const CODEC = buildCodec();

type BigIntReader = () => bigint;

/**
 * A decoder that reads a 64-bit integer as a number when it is a safe
 * integer and as a `bigint` only past 2^53, so sizes over 4 GiB stay
 * numbers and nothing is rounded. @msgpack/msgpack reads 64-bit integers
 * all one way or the other, so its two readers are wrapped on the instance.
 */
function mixedIntDecoder(): Decoder {
  const decoder = new Decoder({ extensionCodec: CODEC, useBigInt64: true });
  const readers = decoder as unknown as Record<string, BigIntReader>;
  for (const name of ["readU64AsBigInt", "readI64AsBigInt"]) {
    const read = readers[name];
    if (typeof read !== "function") continue;
    readers[name] = function (this: Decoder): bigint {
      const value = read.call(this);
      return value <= MAX_SAFE && value >= -MAX_SAFE
        ? Number(value) as unknown as bigint
        : value;
    };
  }
  return decoder;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The encoder and decoder of one peer. Each is reused for every message, so
 * one instance serves one socket (they are not re-entrant across awaits, and
 * none is used across one).
 */
export class RpcBodyCodec {
  readonly #encoder: Encoder = new Encoder({
    extensionCodec: CODEC,
    useBigInt64: true,
    ignoreUndefined: false,
  });
  readonly #decoder: Decoder = mixedIntDecoder();

  /**
   * Packs a value as upstream's `msgpack.packb`.
   *
   * @example Usage
   * ```ts
   * import { RpcBodyCodec } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const codec = new RpcBodyCodec();
   * assert.deepEqual([...codec.pack("ping")], [0xa4, 0x70, 0x69, 0x6e, 0x67]);
   * ```
   *
   * @param value The value.
   * @returns The msgpack bytes.
   * @throws {InvalidAPIParameters} When the value cannot be sent (a function,
   * a symbol, an invalid Date).
   */
  pack(value: unknown): Uint8Array {
    try {
      return this.#encoder.encode(value);
    } catch (error) {
      if (error instanceof InvalidAPIParameters) throw error;
      throw new InvalidAPIParameters(
        `Cannot pack the RPC body: ${(error as Error).message}`,
        { data: { field: "body" }, cause: error },
      );
    }
  }

  /**
   * Unpacks a value as upstream's `msgpack.unpackb` (arrays as arrays).
   *
   * @example Usage
   * ```ts
   * import { RpcBodyCodec } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * const codec = new RpcBodyCodec();
   * assert.deepEqual(codec.unpack(codec.pack({ args: ["ping"], kwargs: {} })), { args: ["ping"], kwargs: {} });
   * ```
   *
   * @param bytes The msgpack bytes; empty bytes read as `null` (upstream's
   * `packb` writes `b""` for nothing).
   * @returns The value.
   * @throws {InvalidAPIParameters} When the bytes are not msgpack.
   */
  unpack(bytes: Uint8Array): unknown {
    if (bytes.length === 0) return null;
    try {
      return this.#decoder.decode(bytes);
    } catch (error) {
      if (error instanceof InvalidAPIParameters) throw error;
      throw new InvalidAPIParameters(
        `Cannot unpack the RPC body: ${(error as Error).message}`,
        { data: { field: "body", length: bytes.length }, cause: error },
      );
    }
  }
}

const SHARED = new RpcBodyCodec();

/**
 * Packs a value as upstream's `ai.backend.common.msgpack.packb` does.
 *
 * @example Usage
 * ```ts
 * import { packRpcBody } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual([...packRpcBody(null)], [0xc0]);
 * ```
 *
 * @param value The value.
 * @returns The msgpack bytes.
 * @throws {InvalidAPIParameters} When the value cannot be sent.
 */
export function packRpcBody(value: unknown): Uint8Array {
  return SHARED.pack(value);
}

/**
 * Unpacks a value as upstream's `ai.backend.common.msgpack.unpackb` does.
 *
 * @example Usage
 * ```ts
 * import { unpackRpcBody } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * assert.equal(unpackRpcBody(new Uint8Array([0xa4, 0x70, 0x69, 0x6e, 0x67])), "ping");
 * ```
 *
 * @param bytes The msgpack bytes.
 * @returns The value.
 * @throws {InvalidAPIParameters} When the bytes are not msgpack.
 */
export function unpackRpcBody(bytes: Uint8Array): unknown {
  return SHARED.unpack(bytes);
}
