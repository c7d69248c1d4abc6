// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Server-Sent Events: {@linkcode sseResponse} turns a stream of
 * {@linkcode SseEvent}s into a `text/event-stream` Response with keep-alive
 * comments, and ends it (stopping the source) when the client goes away or
 * a signal aborts.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";

/** One server-sent event. */
export interface SseEvent {
  /**
   * The event name (`event:`).
   *
   * @default {undefined: a "message" event}
   */
  event?: string | undefined;
  /** The data; each line becomes a `data:` line. */
  data: string;
  /**
   * The event id (`id:`).
   *
   * @default {undefined}
   */
  id?: string | undefined;
  /**
   * How long the client waits before reconnecting, in ms (`retry:`).
   *
   * @default {undefined}
   */
  retry?: number | undefined;
}

/**
 * The text of one event on the wire, ending with the blank line.
 *
 * @example Usage
 * ```ts
 * import { formatSseEvent } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatSseEvent({ event: "bgtask_updated", retry: 5, data: "a\nb" }),
 *   "event: bgtask_updated\nretry: 5\ndata: a\ndata: b\n\n",
 * );
 * ```
 *
 * @param event The event.
 * @returns Its frame.
 */
export function formatSseEvent(event: SseEvent): string {
  let frame = "";
  if (event.event !== undefined) frame += `event: ${singleLine(event.event)}\n`;
  if (event.id !== undefined) frame += `id: ${singleLine(event.id)}\n`;
  if (event.retry !== undefined) frame += `retry: ${event.retry}\n`;
  const data = event.data;
  if (data.indexOf("\n") < 0 && data.indexOf("\r") < 0) {
    frame += `data: ${data}\n`;
  } else {
    for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  }
  return frame + "\n";
}

/** A field that must stay on its line: line breaks become spaces. */
function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** Options of {@linkcode sseResponse}. */
export interface SseOptions {
  /**
   * Ends the stream (e.g. the request's signal).
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * Extra response headers.
   *
   * @default {{}}
   */
  headers?: HeadersInit | undefined;
  /**
   * Send a `: keep-alive` comment after this long without an event, in ms,
   * so proxies and clients do not time an idle stream out; 0 sends none.
   *
   * @default {15000}
   */
  keepAliveMs?: number | undefined;
  /**
   * Called once when the stream ends, for whatever reason: the source ended,
   * the client went away, the signal aborted, or the source threw (then with
   * the error).
   *
   * @default {undefined}
   */
  onClose?: ((error?: unknown) => void) | undefined;
}

/** Where the events come from: a stream, or a function of the stop signal. */
export type SseSource =
  | AsyncIterable<SseEvent>
  | ((signal: AbortSignal) => AsyncIterable<SseEvent>);

const DEFAULT_KEEP_ALIVE_MS = 15_000;
const KEEP_ALIVE_FRAME = ": keep-alive\n\n";
const TICK: unique symbol = Symbol("tick");
const STOP: unique symbol = Symbol("stop");

/**
 * A `text/event-stream` Response. The source is read one event at a time as
 * the client reads. The stream ends when the source ends, the client goes
 * away (the body is cancelled: every server does that on a disconnect) or
 * `options.signal` aborts; then the source is stopped: a function source's
 * signal aborts, and the iterator's `return()` is called, without waiting
 * behind a pending `next()`. A source that throws ends the stream.
 *
 * @example A finite stream
 * ```ts
 * import { sseResponse } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * async function* ticks() {
 *   yield { event: "tick", data: "1" };
 *   yield { event: "tick", data: "2" };
 * }
 * const response = sseResponse(ticks());
 * assert.equal(response.headers.get("content-type"), "text/event-stream");
 * assert.equal(await response.text(), "event: tick\ndata: 1\n\nevent: tick\ndata: 2\n\n");
 * ```
 *
 * @example The source hears the client go
 * ```ts
 * import { sseResponse } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * let stopped = false;
 * const response = sseResponse(async function* (signal) {
 *   signal.addEventListener("abort", () => (stopped = true));
 *   yield { data: "hello" };
 *   await new Promise(() => {}); // waits for ever
 * });
 * const reader = response.body!.getReader();
 * await reader.read();
 * await reader.cancel(); // the client disconnects
 * assert.equal(stopped, true);
 * ```
 *
 * @param source The events, or a function of the stop signal giving them.
 * @param options Signal, headers, keep-alive interval and a close callback.
 * @returns The streaming response.
 */
export function sseResponse(
  source: SseSource,
  options: SseOptions = {},
): Response {
  const keepAliveMs = options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  if (!(Number.isFinite(keepAliveMs) && keepAliveMs >= 0)) {
    invalidOption("SSE", "keepAliveMs", keepAliveMs, "must be 0 or more");
  }
  const encoder = new TextEncoder();
  const stop = new AbortController();
  let stopped: Promise<typeof STOP> | undefined;
  const whenStopped = () =>
    stopped ??= new Promise<typeof STOP>((resolve) => {
      if (stop.signal.aborted) resolve(STOP);
      else {
        stop.signal.addEventListener("abort", () => resolve(STOP), {
          once: true,
        });
      }
    });
  let iterator: AsyncIterator<SseEvent> | undefined;
  let pending: Promise<IteratorResult<SseEvent>> | undefined;
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let closed = false;
  const finish = (error?: unknown) => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener("abort", onAbort);
    stop.abort();
    try {
      controller?.close();
    } catch {
      // Cancelled by the client: nothing to close.
    }
    // A pending next() is left to settle on its own; its result is dropped.
    pending?.catch(() => {});
    void Promise.resolve(iterator?.return?.()).catch(() => {});
    try {
      options.onClose?.(error);
    } catch {
      // A close callback that throws must not break the stream's end.
    }
  };
  const onAbort = () => finish();
  if (options.signal?.aborted) finish();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      if (closed) streamController.close();
    },
    async pull(streamController) {
      if (closed) return;
      try {
        iterator ??=
          (typeof source === "function" ? source(stop.signal) : source)
            [Symbol.asyncIterator]();
        pending ??= iterator.next();
        let timer: ReturnType<typeof setTimeout> | undefined;
        const racers: Promise<
          IteratorResult<SseEvent> | typeof TICK | typeof STOP
        >[] = [pending, whenStopped()];
        if (keepAliveMs > 0) {
          racers.push(
            new Promise((resolve) => {
              timer = setTimeout(() => resolve(TICK), keepAliveMs);
            }),
          );
        }
        const next = await Promise.race(racers);
        clearTimeout(timer);
        if (closed) return;
        if (next === TICK) {
          streamController.enqueue(encoder.encode(KEEP_ALIVE_FRAME));
          return;
        }
        pending = undefined;
        if (next === STOP || next.done) {
          finish();
          return;
        }
        streamController.enqueue(encoder.encode(formatSseEvent(next.value)));
      } catch (error) {
        pending = undefined;
        finish(error);
      }
    },
    cancel() {
      finish();
    },
  });
  const headers = new Headers(options.headers);
  headers.set("content-type", "text/event-stream");
  headers.set("cache-control", "no-cache");
  return new Response(body, { headers });
}
