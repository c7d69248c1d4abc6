// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The wire format of queue messages, byte-compatible with upstream main
 * (`message_queue/payload.py`):
 *
 * - an anycast message is a stream entry with the fields `name`, `source`,
 *   `payload` (the event body as a JSON text), `metadata` (the
 *   {@linkcode MessageMetadata} JSON, absent when there is none) and
 *   `_retry_count` (a decimal string, absent when 0);
 * - a broadcast message is one compact JSON text
 *   `{"name":…,"source":…,"payload":"<JSON text>","metadata":"<JSON text>"}`
 *   where `payload` and `metadata` are JSON texts inside the JSON.
 *
 * The legacy form of releases up to 26.8.x is read, and written for a
 * message that has {@linkcode OutgoingMessage.packedArgs}: the body is a
 * msgpack array under `args` in place of `payload` (base64 in a broadcast).
 *
 * @module
 */

import { decode as msgpackDecode, ExtensionCodec } from "@msgpack/msgpack";
import { MessageMetadata } from "../data/message_metadata.ts";
import { encodeBase64, uuidFromHex } from "../utils.ts";
import { InvalidMessagePayloadError } from "./errors.ts";

/** One field value of a stream entry: text, or raw bytes as Redis returns them. */
export type StreamFieldValue = string | Uint8Array;

/** The fields of one stream entry, by name. */
export type StreamFields = Readonly<Record<string, StreamFieldValue>>;

/**
 * A message to send: what an anycast or a broadcast carries.
 *
 * @example Usage
 * ```ts
 * import type { OutgoingMessage } from "@backendai/common/message-queue";
 *
 * const message: OutgoingMessage = {
 *   name: "bgtask_done",
 *   source: "manager",
 *   payload: JSON.stringify({ task_id: "t-1", message: "ok" }),
 * };
 * ```
 */
export interface OutgoingMessage {
  /** The event name: the routing key (`event_name()` upstream). */
  readonly name: string;
  /** The node that produced it, e.g. `"manager"` or an agent id. */
  readonly source: string;
  /** The event body as a JSON text (upstream main writes JSON, not msgpack). */
  readonly payload: string;
  /**
   * Request id and users of the request that caused the message.
   *
   * @default {undefined} (the `metadata` field is left out)
   */
  readonly metadata?: MessageMetadata | undefined;
  /**
   * The body as upstream 26.8.x sends it: the msgpack bytes of its
   * positional arguments. When set, the message is written in that legacy
   * form, which released Python components read: an `args` field (base64 in
   * a broadcast) in place of `payload`, and `payload` is not sent. Make it
   * with `EventDefinition.encodeLegacy()`, or let `EventProducer` do it
   * (`wireFormat: "legacy"`). Decoding does not set it: a decoded legacy
   * message has {@linkcode DecodedMessage.legacyArgs} instead.
   *
   * @default {undefined} (the JSON `payload` is sent, as upstream main does)
   */
  readonly packedArgs?: Uint8Array | undefined;
}

/**
 * A message as read from the wire: what was sent, plus the parsed body.
 *
 * @example Usage
 * ```ts
 * import { decodeBroadcast, type DecodedMessage } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const message: DecodedMessage = decodeBroadcast(
 *   '{"name":"ping","source":"manager","payload":"{\\"n\\":1}"}',
 * );
 * assert.deepEqual(message.body, { n: 1 });
 * ```
 */
export interface DecodedMessage extends OutgoingMessage {
  /**
   * The parsed body: `JSON.parse(payload)`, or the positional arguments of a
   * legacy entry (see {@linkcode DecodedMessage.legacyArgs}).
   */
  readonly body: unknown;
  /**
   * For a legacy (≤ 26.8.x) message only: the msgpack `args` array, with
   * UUID ext values as canonical UUID strings and paths as strings. Then
   * `payload` is these arguments as a JSON text (bytes in base64).
   */
  readonly legacyArgs?: readonly unknown[] | undefined;
}

/**
 * A decoded anycast stream entry: a {@linkcode DecodedMessage} plus the
 * upstream `_retry_count` (0 when absent).
 *
 * @example Usage
 * ```ts
 * import { decodeStreamFields, type DecodedAnycast } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const message: DecodedAnycast = decodeStreamFields({
 *   name: "ping", source: "manager", payload: "{}", _retry_count: "2",
 * });
 * assert.equal(message.retryCount, 2);
 * ```
 */
export interface DecodedAnycast extends DecodedMessage {
  /** How many times upstream's auto-claim re-added the entry (`_retry_count`). */
  readonly retryCount: number;
}

const NAME = "name";
const SOURCE = "source";
const PAYLOAD = "payload";
const LEGACY_ARGS = "args";
const METADATA = "metadata";
const RETRY_COUNT = "_retry_count";

/**
 * Renders a message as the fields of an anycast stream entry, in upstream's
 * order (`name`, `source`, `payload`, then `metadata` and `_retry_count`
 * when set). A message with `packedArgs` is written in the legacy form:
 * `args` (the msgpack bytes) in place of `payload`, as 26.8.x writes it.
 *
 * @example Usage
 * ```ts
 * import { encodeStreamFields } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   encodeStreamFields({ name: "ping", source: "manager", payload: "{}" }),
 *   ["name", "ping", "source", "manager", "payload", "{}"],
 * );
 * const legacy = encodeStreamFields({
 *   name: "ping", source: "manager", payload: "{}",
 *   packedArgs: new Uint8Array([0x90]), // msgpack: an empty array
 * });
 * assert.deepEqual(legacy.slice(0, 5), ["name", "ping", "source", "manager", "args"]);
 * assert.deepEqual(legacy[5], new Uint8Array([0x90]));
 * ```
 *
 * @param message The message to send.
 * @param retryCount Upstream's `_retry_count`; written only when above 0.
 * @returns Field names and values, alternating, as `XADD` takes them: all
 * text, except the bytes of `args` in the legacy form.
 * @throws {InvalidMessagePayloadError} When `name`, `source` or `payload` is
 * not a string, or `packedArgs` is not a `Uint8Array`.
 */
export function encodeStreamFields(
  message: OutgoingMessage,
  retryCount: number = 0,
): StreamFieldValue[] {
  checkOutgoing(message);
  const packed = message.packedArgs;
  const fields: StreamFieldValue[] = packed === undefined
    ? [NAME, message.name, SOURCE, message.source, PAYLOAD, message.payload]
    : [NAME, message.name, SOURCE, message.source, LEGACY_ARGS, packed];
  if (message.metadata !== undefined) {
    fields.push(METADATA, message.metadata.serialize());
  }
  if (retryCount > 0) fields.push(RETRY_COUNT, String(retryCount));
  return fields;
}

/**
 * Reads an anycast stream entry, in upstream main's form or the legacy
 * msgpack `args` form.
 *
 * @example Usage
 * ```ts
 * import { decodeStreamFields } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const message = decodeStreamFields({
 *   name: "bgtask_done",
 *   source: "manager",
 *   payload: '{"task_id":"t-1"}',
 *   metadata: '{"request_id":"req-1","user":null,"triggered_user":null}',
 * });
 * assert.equal(message.metadata?.requestId, "req-1");
 * assert.deepEqual(message.body, { task_id: "t-1" });
 * ```
 *
 * @param fields The entry's fields; values may be strings or raw bytes.
 * @returns The decoded message.
 * @throws {InvalidMessagePayloadError} When a field is missing, not UTF-8, not
 * JSON where JSON is due, or the metadata is invalid; `data.field` names it.
 */
export function decodeStreamFields(fields: StreamFields): DecodedAnycast {
  return decodeAnycast(fields, undefined);
}

/**
 * Where and how often a stream entry was delivered: what a consumer adds to
 * the decoded fields.
 *
 * @example Usage
 * ```ts
 * import type { StreamDelivery } from "@backendai/common/message-queue";
 *
 * const delivery: StreamDelivery = { id: "1-0", stream: "events", deliveryCount: 1 };
 * ```
 */
export interface StreamDelivery {
  /** The stream entry id. */
  readonly id: string;
  /** The stream it was read from. */
  readonly stream: string;
  /** The delivery count, this delivery included. */
  readonly deliveryCount: number;
}

/**
 * {@linkcode decodeStreamFields} for a consumer: the message and its
 * delivery facts in one object (one allocation, one shape), for the hot path.
 *
 * @example Usage
 * ```ts
 * import { decodeStreamEntry } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const message = decodeStreamEntry({
 *   id: "1-0",
 *   stream: "events",
 *   deliveryCount: 2,
 *   fields: { name: "bgtask_done", source: "manager", payload: '{"task_id":"t-1"}' },
 * });
 * assert.equal(message.deliveryCount, 2);
 * assert.deepEqual(message.body, { task_id: "t-1" });
 * ```
 *
 * @param entry The delivered entry: its fields, id, stream and count.
 * @returns The decoded message with `id`, `stream` and `deliveryCount`.
 * @throws {InvalidMessagePayloadError} As {@linkcode decodeStreamFields}.
 */
export function decodeStreamEntry(
  entry: StreamDelivery & { readonly fields: StreamFields },
): DecodedAnycast & StreamDelivery {
  return decodeAnycast(entry.fields, entry) as DecodedAnycast & StreamDelivery;
}

function decodeAnycast(
  fields: StreamFields,
  delivery: StreamDelivery | undefined,
): DecodedAnycast {
  const name = textField(fields, NAME, "anycast");
  const source = textField(fields, SOURCE, "anycast");
  const rawRetry = fields[RETRY_COUNT];
  let retryCount = 0;
  if (rawRetry !== undefined) {
    const text = toText(rawRetry, RETRY_COUNT, "anycast");
    if (!/^\d+$/.test(text)) {
      throw new InvalidMessagePayloadError(
        `Malformed anycast message: "${RETRY_COUNT}" is not a decimal count: ${
          JSON.stringify(text)
        }`,
        { data: { field: RETRY_COUNT } },
      );
    }
    retryCount = Number(text);
  }
  const rawMetadata = fields[METADATA];
  const metadata = rawMetadata === undefined || rawMetadata.length === 0
    ? undefined
    : readMetadata(toText(rawMetadata, METADATA, "anycast"), "anycast");
  const rawPayload = fields[PAYLOAD];
  if (rawPayload === undefined && fields[LEGACY_ARGS] !== undefined) {
    const args = decodeLegacyArgs(toBytes(fields[LEGACY_ARGS]), "anycast");
    const message = legacyMessage(name, source, args, metadata, retryCount);
    return delivery === undefined ? message : {
      ...message,
      id: delivery.id,
      stream: delivery.stream,
      deliveryCount: delivery.deliveryCount,
    } as DecodedAnycast;
  }
  const payload = textField(fields, PAYLOAD, "anycast");
  const body = parseBody(payload, "anycast");
  return delivery === undefined
    ? { name, source, payload, body, metadata, retryCount }
    : {
      name,
      source,
      payload,
      body,
      metadata,
      retryCount,
      id: delivery.id,
      stream: delivery.stream,
      deliveryCount: delivery.deliveryCount,
    } as DecodedAnycast;
}

/**
 * Renders a message as the JSON text of one broadcast (pub/sub) message, as
 * upstream main's `BroadcastPayload.to_json` does; a message with
 * `packedArgs` in the legacy form instead, as 26.8.x writes it:
 * `{"name","source","args":"<base64 of the msgpack bytes>","metadata"?}`.
 *
 * @example Usage
 * ```ts
 * import { encodeBroadcast } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   encodeBroadcast({ name: "ping", source: "manager", payload: '{"n":1}' }),
 *   '{"name":"ping","source":"manager","payload":"{\\"n\\":1}"}',
 * );
 * ```
 *
 * @param message The message to send.
 * @returns The compact JSON text.
 * @throws {InvalidMessagePayloadError} When `name`, `source` or `payload` is
 * not a string, or `packedArgs` is not a `Uint8Array`.
 */
export function encodeBroadcast(message: OutgoingMessage): string {
  checkOutgoing(message);
  const document: Record<string, string> = message.packedArgs === undefined
    ? { name: message.name, source: message.source, payload: message.payload }
    : {
      name: message.name,
      source: message.source,
      args: encodeBase64(message.packedArgs),
    };
  if (message.metadata !== undefined) {
    document.metadata = message.metadata.serialize();
  }
  return JSON.stringify(document);
}

/**
 * Reads one broadcast message, in upstream main's form or the legacy form
 * (`args`: base64 of a msgpack array).
 *
 * @example Usage
 * ```ts
 * import { decodeBroadcast } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * const message = decodeBroadcast('{"name":"ping","source":"agent-1","payload":"[]"}');
 * assert.equal(message.source, "agent-1");
 * assert.throws(() => decodeBroadcast("not json"), /Malformed broadcast message/);
 * ```
 *
 * @param data The JSON text, or its UTF-8 bytes.
 * @returns The decoded message.
 * @throws {InvalidMessagePayloadError} When the message does not match the format.
 */
export function decodeBroadcast(data: string | Uint8Array): DecodedMessage {
  const text = toText(data, undefined, "broadcast");
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new InvalidMessagePayloadError(
      "Malformed broadcast message: not valid JSON",
      { cause: err },
    );
  }
  if (
    typeof document !== "object" || document === null || Array.isArray(document)
  ) {
    throw new InvalidMessagePayloadError(
      "Malformed broadcast message: not a JSON object",
    );
  }
  const fields = document as Record<string, unknown>;
  const name = jsonString(fields, NAME);
  const source = jsonString(fields, SOURCE);
  const rawMetadata = fields[METADATA];
  let metadata: MessageMetadata | undefined;
  if (rawMetadata !== undefined && rawMetadata !== null && rawMetadata !== "") {
    metadata = readMetadata(jsonString(fields, METADATA), "broadcast");
  }
  if (fields[PAYLOAD] === undefined && fields[LEGACY_ARGS] !== undefined) {
    const encoded = jsonString(fields, LEGACY_ARGS);
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    } catch (err) {
      throw new InvalidMessagePayloadError(
        `Malformed broadcast message: "${LEGACY_ARGS}" is not base64`,
        { cause: err, data: { field: LEGACY_ARGS } },
      );
    }
    const args = decodeLegacyArgs(bytes, "broadcast");
    return legacyMessage(name, source, args, metadata, 0);
  }
  const payload = jsonString(fields, PAYLOAD);
  return {
    name,
    source,
    payload,
    body: parseBody(payload, "broadcast"),
    metadata,
  };
}

function checkOutgoing(message: OutgoingMessage): void {
  for (const field of [NAME, SOURCE, PAYLOAD] as const) {
    if (typeof message?.[field] !== "string") {
      throw new InvalidMessagePayloadError(
        `Cannot send a message: "${field}" must be a string, got ${typeof message
          ?.[field]}`,
        { data: { field } },
      );
    }
  }
  if (
    message.packedArgs !== undefined &&
    !(message.packedArgs instanceof Uint8Array)
  ) {
    throw new InvalidMessagePayloadError(
      'Cannot send a message: "packedArgs" must be a Uint8Array',
      { data: { field: "packedArgs" } },
    );
  }
  if (
    message.metadata !== undefined &&
    !(message.metadata instanceof MessageMetadata)
  ) {
    throw new InvalidMessagePayloadError(
      'Cannot send a message: "metadata" must be a MessageMetadata',
      { data: { field: METADATA } },
    );
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function toText(
  value: StreamFieldValue,
  field: string | undefined,
  kind: string,
): string {
  if (typeof value === "string") return value;
  try {
    return utf8.decode(value);
  } catch (err) {
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: ${
        field === undefined ? "it" : `"${field}"`
      } is not valid UTF-8`,
      { cause: err, data: field === undefined ? undefined : { field } },
    );
  }
}

function toBytes(value: StreamFieldValue): Uint8Array {
  return typeof value === "string" ? new TextEncoder().encode(value) : value;
}

function textField(fields: StreamFields, field: string, kind: string): string {
  const value = fields[field];
  if (value === undefined) {
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: the field "${field}" is missing`,
      { data: { field } },
    );
  }
  return toText(value, field, kind);
}

function jsonString(fields: Record<string, unknown>, field: string): string {
  const value = fields[field];
  if (typeof value !== "string") {
    throw new InvalidMessagePayloadError(
      `Malformed broadcast message: "${field}" must be a string, got ${
        value === undefined ? "nothing" : typeof value
      }`,
      { data: { field } },
    );
  }
  return value;
}

function parseBody(payload: string, kind: string): unknown {
  try {
    return JSON.parse(payload);
  } catch (err) {
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: "${PAYLOAD}" is not a JSON text`,
      { cause: err, data: { field: PAYLOAD } },
    );
  }
}

function readMetadata(text: string, kind: string): MessageMetadata {
  try {
    return MessageMetadata.deserialize(text);
  } catch (err) {
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: invalid "${METADATA}": ${
        (err as Error).message
      }`,
      { cause: err, data: { field: METADATA } },
    );
  }
}

// Upstream's msgpack ext codes (spec 3.3). UUIDs and paths decode; the
// pickle-based ones and temporenc datetimes cannot, and make the message
// malformed (it then goes to the dead-letter stream, it is not dropped).
const LEGACY_EXT_NAMES: Record<number, string> = {
  2: "datetime (temporenc)",
  3: "Decimal (pickle)",
  6: "Enum (pickle)",
  7: "ImageRef (pickle)",
  8: "ResourceSlot (pickle)",
  9: "SlotName (pickle)",
  16: "BinarySize (pickle)",
};

function legacyExtensionCodec(): ExtensionCodec {
  const codec = new ExtensionCodec();
  const hex = (data: Uint8Array) =>
    Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
  codec.register({
    type: 1,
    encode: () => null,
    decode: (data) => uuidFromHex(hex(data)),
  });
  for (const type of [4, 5, 17]) {
    codec.register({
      type,
      encode: () => null,
      decode: (data) => utf8.decode(data),
    });
  }
  for (const [type, name] of Object.entries(LEGACY_EXT_NAMES)) {
    codec.register({
      type: Number(type),
      encode: () => null,
      decode: () => {
        throw new InvalidMessagePayloadError(
          `Malformed legacy message: msgpack ext ${type} (${name}) cannot be decoded outside Python`,
          { data: { field: LEGACY_ARGS } },
        );
      },
    });
  }
  return codec;
}

const LEGACY_CODEC: ExtensionCodec = legacyExtensionCodec();

function decodeLegacyArgs(bytes: Uint8Array, kind: string): unknown[] {
  let value: unknown;
  try {
    value = msgpackDecode(bytes, { extensionCodec: LEGACY_CODEC });
  } catch (err) {
    if (err instanceof InvalidMessagePayloadError) throw err;
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: "${LEGACY_ARGS}" is not msgpack`,
      { cause: err, data: { field: LEGACY_ARGS } },
    );
  }
  if (!Array.isArray(value)) {
    throw new InvalidMessagePayloadError(
      `Malformed ${kind} message: "${LEGACY_ARGS}" is not a msgpack array`,
      { data: { field: LEGACY_ARGS } },
    );
  }
  return value;
}

function legacyMessage(
  name: string,
  source: string,
  args: unknown[],
  metadata: MessageMetadata | undefined,
  retryCount: number,
): DecodedAnycast {
  const payload = JSON.stringify(
    args,
    (_key, value) =>
      value instanceof Uint8Array
        ? encodeBase64(value)
        : typeof value === "bigint"
        ? value.toString()
        : value,
  );
  return {
    name,
    source,
    payload,
    body: args,
    metadata,
    retryCount,
    legacyArgs: args,
  };
}
