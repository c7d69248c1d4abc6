// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Dead letters: the {@linkcode DEAD_LETTER_SUFFIX} of dead-letter streams
 * (`events` → `events.dlq`), and the encoding of a dead letter's fields: the
 * original fields followed by `_dlq_stream`, `_dlq_id`, `_dlq_group`,
 * `_dlq_consumer`, `_dlq_delivery_count` and `_dlq_error`. The consumer and
 * the subscriber write them; `StreamQueue.deadLetters()` reads them back.
 * The stores also record there what a group lost to trimming (a loss
 * record: `_dlq_stream`, `_dlq_group`, `_dlq_error` and the
 * {@linkcode LOSS_FIELDS}).
 *
 * @module
 */

import type { StreamFields, StreamFieldValue } from "./payload.ts";
import type { StoredEntry, TrimLoss } from "./store.ts";
import type { DeadLetter } from "./types.ts";
import { setField, text } from "./_util.ts";

/**
 * The suffix of dead-letter streams: `events` → `events.dlq`.
 *
 * @example Usage
 * ```ts
 * import { DEAD_LETTER_SUFFIX } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * assert.equal(`events${DEAD_LETTER_SUFFIX}`, "events.dlq");
 * ```
 */
export const DEAD_LETTER_SUFFIX = ".dlq";

const DLQ_FIELDS = {
  stream: "_dlq_stream",
  id: "_dlq_id",
  group: "_dlq_group",
  consumer: "_dlq_consumer",
  deliveryCount: "_dlq_delivery_count",
  error: "_dlq_error",
} as const;

/**
 * How a dead letter keeps an original field whose name starts with `_dlq_`:
 * under this prefix, so that it can neither be lost among nor pose as the
 * dead letter's own fields (`_dlq_error`, a loss record's `_dlq_loss_cause`).
 */
const ESCAPED_FIELD_PREFIX = "_dlq_field:";

/**
 * The fields of a loss record (what a group lost to trimming), after
 * `_dlq_stream`, `_dlq_group` and `_dlq_error`. The stores write them;
 * `readDeadLetter` reads them into `DeadLetter.loss`.
 */
export const LOSS_FIELDS = {
  cause: "_dlq_loss_cause",
  count: "_dlq_loss_count",
  unread: "_dlq_loss_unread",
  pending: "_dlq_loss_pending",
  firstId: "_dlq_loss_first_id",
  endId: "_dlq_loss_end_id",
} as const;

/** The `_dlq_error` of a loss record, by cause. */
export const LOSS_ERRORS: Readonly<Record<TrimLoss["cause"], string>> = {
  "hard-cap":
    "Trimmed before the group acknowledged them: the stream was over hardMaxLen",
  "trimmed-elsewhere":
    "Trimmed before the group acknowledged them, by another client (e.g. a producer's XADD MAXLEN)",
};

/**
 * Encodes a loss record.
 *
 * @param loss What the group lost (its dead-letter id is not known yet).
 * @returns The flat field list.
 */
export function lossFields(
  loss: Omit<TrimLoss, "deadLetterId">,
): StreamFieldValue[] {
  return [
    DLQ_FIELDS.stream,
    loss.stream,
    DLQ_FIELDS.group,
    loss.group,
    DLQ_FIELDS.error,
    LOSS_ERRORS[loss.cause],
    LOSS_FIELDS.cause,
    loss.cause,
    LOSS_FIELDS.count,
    String(loss.count),
    LOSS_FIELDS.unread,
    String(loss.unread),
    LOSS_FIELDS.pending,
    String(loss.pending),
    LOSS_FIELDS.firstId,
    loss.firstId,
    LOSS_FIELDS.endId,
    loss.endId,
  ];
}

/**
 * The cache key under which `fail()` stores the handler's error, with a TTL,
 * so that the consumer that finally dead-letters the entry (maybe another
 * one, after a crash) can record it. It is never deleted: it expires.
 *
 * @param stream The stream the entry is in.
 * @param group The consumer group.
 * @param id The entry id.
 * @returns `<stream>.dlq:error:<group>:<id>`.
 */
export function errorKey(stream: string, group: string, id: string): string {
  return `${stream}${DEAD_LETTER_SUFFIX}:error:${group}:${id}`;
}

/**
 * Decodes a dead-letter entry.
 *
 * @param entry An entry of a dead-letter stream.
 * @returns The dead letter: where it came from, why, and the original fields.
 */
export function readDeadLetter(entry: StoredEntry): DeadLetter {
  const fields: Record<string, StreamFieldValue> = {};
  for (const [key, value] of Object.entries(entry.fields)) {
    if (key.startsWith(ESCAPED_FIELD_PREFIX)) {
      setField(fields, key.slice(ESCAPED_FIELD_PREFIX.length), value);
    } else if (!key.startsWith("_dlq_")) {
      setField(fields, key, value);
    }
  }
  const read = (name: string) => text(entry.fields[name]);
  const cause = read(LOSS_FIELDS.cause);
  return {
    id: entry.id,
    stream: read(DLQ_FIELDS.stream),
    originalId: read(DLQ_FIELDS.id),
    group: read(DLQ_FIELDS.group),
    consumer: read(DLQ_FIELDS.consumer),
    deliveryCount: Number(read(DLQ_FIELDS.deliveryCount)),
    error: read(DLQ_FIELDS.error),
    fields,
    loss: cause === "hard-cap" || cause === "trimmed-elsewhere"
      ? {
        cause,
        count: Number(read(LOSS_FIELDS.count)),
        unread: Number(read(LOSS_FIELDS.unread)),
        pending: Number(read(LOSS_FIELDS.pending)),
        firstId: read(LOSS_FIELDS.firstId),
        endId: read(LOSS_FIELDS.endId),
      }
      : undefined,
  };
}

/**
 * Encodes a consumer's dead letter.
 *
 * @param fields The original entry's fields.
 * @param info Where the entry was, who gave up on it, after how many
 * deliveries, and why.
 * @returns The flat field list: the original fields (one named `_dlq_...`
 * as `_dlq_field:_dlq_...`), then the `_dlq_` ones.
 */
export function deadLetterFields(
  fields: StreamFields,
  info: {
    stream: string;
    id: string;
    group: string;
    consumer: string;
    deliveryCount: number;
    error: string;
  },
): StreamFieldValue[] {
  const flat: StreamFieldValue[] = [];
  for (const [key, value] of Object.entries(fields)) {
    flat.push(
      key.startsWith("_dlq_") ? ESCAPED_FIELD_PREFIX + key : key,
      value,
    );
  }
  flat.push(
    DLQ_FIELDS.stream,
    info.stream,
    DLQ_FIELDS.id,
    info.id,
    DLQ_FIELDS.group,
    info.group,
    DLQ_FIELDS.consumer,
    info.consumer,
    DLQ_FIELDS.deliveryCount,
    String(info.deliveryCount),
    DLQ_FIELDS.error,
    info.error,
  );
  return flat;
}

/**
 * Encodes a subscriber's dead letter: a broadcast it could not decode, kept
 * raw under `data`.
 *
 * @param channel The channel it came on.
 * @param data The raw message.
 * @param consumer The subscriber's node name.
 * @param error Why it could not be decoded.
 * @returns The flat field list.
 */
export function broadcastDeadLetterFields(
  channel: string,
  data: StreamFieldValue,
  consumer: string,
  error: string,
): StreamFieldValue[] {
  return [
    "data",
    data,
    DLQ_FIELDS.stream,
    channel,
    DLQ_FIELDS.consumer,
    consumer,
    DLQ_FIELDS.deliveryCount,
    "1",
    DLQ_FIELDS.error,
    error,
  ];
}
