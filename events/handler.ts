// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The shapes around an `EventDispatcher`: a handler and its registration
 * options (context, name, coalescing, reporters), what reporters and
 * observers are told about a run, and the dispatcher's own options.
 *
 * @module
 */

import type { ConsumerOptions } from "../message_queue/types.ts";
import type { Logger } from "../utils.ts";

/**
 * A handler: `(context, source, body)`, sync or async (upstream's callback
 * signature, with the typed body as the event).
 *
 * @typeParam Context What was given as `context` at registration.
 * @typeParam Body The event body.
 */
export type EventHandler<Context, Body> = (
  context: Context,
  source: string,
  body: Body,
) => void | Promise<void>;

/** Debounce settings of a handler (upstream `CoalescingOptions`). */
export interface CoalescingOptions {
  /** The quiet period after the last event before the handler runs, in ms. */
  maxWaitMs: number;
  /** Run at once when this many events came within the period. */
  maxBatchSize: number;
}

/** What reporters and observers are told about one handler run. */
export interface HandlerRun {
  /** The event name. */
  readonly event: string;
  /** The handler's name. */
  readonly handler: string;
  /** The message source. */
  readonly source: string;
  /** The decoded body. */
  readonly body: unknown;
}

/**
 * Metrics hook (upstream `EventObserver`): one call per handler run.
 *
 * @example Counting outcomes
 * ```ts
 * import type { EventObserver } from "@backendai/common/events";
 *
 * const counts = { ok: 0, failed: 0 };
 * const observer: EventObserver = {
 *   onSuccess: () => void counts.ok++,
 *   onFailure: () => void counts.failed++,
 * };
 * ```
 */
export interface EventObserver {
  /**
   * A handler succeeded.
   *
   * @param event The event name.
   * @param durationMs How long it ran.
   */
  onSuccess(event: string, durationMs: number): void;
  /**
   * A handler failed, or the body did not decode.
   *
   * @param event The event name.
   * @param durationMs How long it ran.
   * @param error What went wrong.
   */
  onFailure(event: string, durationMs: number, error: unknown): void;
}

/** Options of one handler registration. */
export interface HandlerOptions<Context> {
  /**
   * The first argument of every call.
   *
   * @default {undefined}
   */
  context?: Context | undefined;
  /**
   * The handler's name in logs and reports.
   *
   * @default {"evh-" + a random suffix}
   */
  name?: string | undefined;
  /**
   * Debounce the handler; skipped calls count as handled (and anycast
   * messages are acked, unlike upstream).
   *
   * @default {undefined}
   */
  coalescing?: CoalescingOptions | undefined;
  /**
   * Called before the handler runs.
   *
   * @default {[]}
   */
  startReporters?:
    | readonly ((run: HandlerRun) => void | Promise<void>)[]
    | undefined;
  /**
   * Called after it ran, with the duration and the error if it failed.
   *
   * @default {[]}
   */
  completeReporters?: readonly ((
    run: HandlerRun,
    outcome: { durationMs: number; error: unknown },
  ) => void | Promise<void>)[];
}

/** Options of {@linkcode EventDispatcher}. */
export interface EventDispatcherOptions {
  /**
   * The consumer group for anycast events; without it `consume()` is
   * refused. Further consumer settings go in `consumer`.
   *
   * @default {undefined}
   */
  group?: string | undefined;
  /**
   * More consumer settings (name, streams, idle timeout, maxDeliveries, …).
   *
   * @default {{}}
   */
  consumer?: Omit<ConsumerOptions, "group"> | undefined;
  /**
   * The broadcast channels.
   *
   * @default {["events_all"]}
   */
  channels?: readonly string[] | undefined;
  /**
   * Most anycast messages handled at the same time.
   *
   * @default {64}
   */
  concurrency?: number | undefined;
  /**
   * Called when an anycast handler fails (the message is then redelivered,
   * or dead-lettered after `maxDeliveries`).
   *
   * @default {logs an error}
   */
  onConsumerError?: ((error: unknown, run: HandlerRun) => void) | undefined;
  /**
   * Called when a broadcast handler fails; the other handlers still run.
   *
   * @default {logs an error}
   */
  onSubscriberError?: ((error: unknown, run: HandlerRun) => void) | undefined;
  /**
   * Success and failure counts and durations, by event name.
   *
   * @default {undefined}
   */
  observer?: EventObserver | undefined;
  /**
   * Where errors go when no handler above is given.
   *
   * @default {console}
   */
  logger?: Logger | undefined;
}
