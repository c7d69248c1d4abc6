// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The encodings behind `NatsNames` (see `names.ts`), the entry ids of the
 * NATS store (`0-<stream sequence>`), what an ack subject says, and the
 * JetStream API's "not found" errors.
 *
 * @module
 */

const utf8 = new TextEncoder();

function isPlain(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte === 0x2d;
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}

/**
 * A queue name as one token of a subject, stream or consumer name.
 *
 * @param name The name.
 * @returns The token (never empty: `""` is `~`).
 */
export function nameToken(name: string): string {
  if (name === "") return "~";
  let out = "";
  for (const byte of utf8.encode(name)) {
    if (isPlain(byte)) out += String.fromCharCode(byte);
    else if (byte === 0x2e) out += ":";
    else out += `~${hex(byte)}`;
  }
  return out;
}

/**
 * The name a {@linkcode nameToken} token stands for.
 *
 * @param token The token.
 * @returns The name.
 */
export function nameOfToken(token: string): string {
  if (token === "~") return "";
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const char = token[i] as string;
    if (char === "~") {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(char === ":" ? 0x2e : char.charCodeAt(0));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * A name as one token of a KV key.
 *
 * @param name The name.
 * @returns The token (never empty: `""` is `=`).
 */
export function keyToken(name: string): string {
  if (name === "") return "=";
  let out = "";
  for (const byte of utf8.encode(name)) {
    out += isPlain(byte) ? String.fromCharCode(byte) : `=${hex(byte)}`;
  }
  return out;
}

/**
 * The id of the entry at a stream sequence: `0-<seq>`, a Redis-style id
 * whose order is the sequence's.
 *
 * @param seq The stream sequence.
 * @returns The id.
 */
export function idOf(seq: number): string {
  return `0-${seq}`;
}

/**
 * The stream sequence of an id made by {@linkcode idOf}; `"-"` (the start)
 * is 0.
 *
 * @param id The id.
 * @returns The sequence, or `undefined` when `id` is not one of ours.
 */
export function seqOf(id: string): number | undefined {
  if (id === "-") return 0;
  if (!id.startsWith("0-")) return undefined;
  const seq = Number(id.slice(2));
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

/**
 * What a message's ack subject says: how often it was delivered, and its
 * stream sequence. `$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.
 * <ts>.<pending>`, with `<domain>.<account hash>.` after `ACK` (and a token
 * at the end) in the newer form.
 *
 * @param reply The ack subject.
 * @returns The delivery count and the stream sequence.
 */
export function parseAck(reply: string): { deliveries: number; seq: number } {
  const tokens = reply.split(".");
  const at = tokens.length >= 11 ? 6 : 4;
  return { deliveries: Number(tokens[at]), seq: Number(tokens[at + 1]) };
}

/**
 * Whether a JetStream API error says the stream (10059) or the consumer
 * (10014) does not exist.
 *
 * @param err The error.
 * @returns `true` for "not found".
 */
export function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 10059 || code === 10014;
}
