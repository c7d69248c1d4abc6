// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * How a queue trims its streams, and what it reports: the trimming options
 * every queue takes ({@linkcode TrimmingOptions}, part of
 * `MessageQueueOptions`), the report of one trimming step
 * ({@linkcode TrimReport}) and the queue's counters ({@linkcode QueueStats}).
 *
 * @module
 */

import type { TrimLoss, TrimResult } from "./store.ts";

/**
 * The trimming options of a queue (part of `MessageQueueOptions`).
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type TrimmingOptions } from "@backendai/common/message-queue";
 *
 * const trimming: TrimmingOptions = {
 *   maxLen: 10_000,
 *   hardMaxLen: 1_000_000,
 *   backpressure: "wait",
 *   onTrimLoss: (loss) => console.error(loss),
 * };
 * await using queue = new MemoryQueue(trimming);
 * ```
 */
export interface TrimmingOptions {
  /**
   * How many entries a stream keeps once every consumer group has
   * acknowledged them (approximately). Trimming never drops an entry some
   * group has not read and acknowledged: while a group is behind, the
   * stream grows past `maxLen` (a warning says so) until it catches up or
   * `hardMaxLen` is reached. A stream no group reads is trimmed to
   * `maxLen`. Dead-letter streams (`<stream>.dlq`, `<channel>.dlq`) are
   * capped at it too, by the same step, never on add: each dead letter the
   * cap drops is counted (`stats.droppedDeadLetters`) and logged as an
   * error. Upstream's producers trim to about 128 on every add, whoever has
   * read what.
   *
   * @default {100000}
   */
  maxLen?: number | undefined;
  /**
   * The safety valve: past this length the oldest entries are dropped even
   * when a group has not acknowledged them. Never silently: each group's
   * loss is logged as an error with the count and id range, counted in
   * `stats`, passed to `onTrimLoss` and recorded in `<stream>.dlq`. A
   * warning comes first, when a group's backlog passes 80 % of it. At
   * least `maxLen`.
   *
   * @default {undefined} (no hard cap: streams grow while a group is behind)
   */
  hardMaxLen?: number | undefined;
  /**
   * How often streams are trimmed, in milliseconds: one script call per
   * stream this queue writes or reads, never a round trip per add. Between
   * two runs a stream grows by what is added meanwhile.
   *
   * @default {1000}
   */
  trimIntervalMs?: number | undefined;
  /**
   * What an anycast does when its stream is at `hardMaxLen` (needs
   * `hardMaxLen`): `"none"` sends (the hard cap then drops the oldest,
   * loudly); `"wait"` waits until a trimming step finds room (at most
   * `backpressureTimeoutMs`, or until the call's signal aborts); `"reject"`
   * throws `StreamFullError` at once. The length is the last
   * step's, plus what this queue added since.
   *
   * @default {"none"}
   */
  backpressure?: "none" | "wait" | "reject" | undefined;
  /**
   * How long a `"wait"` anycast waits before `StreamFullError`.
   *
   * @default {30000}
   */
  backpressureTimeoutMs?: number | undefined;
  /**
   * Called with each loss (a metrics module's hook; also logged, counted
   * and dead-lettered). Errors it throws are logged.
   *
   * @default {undefined}
   */
  onTrimLoss?: ((loss: TrimLoss) => void) | undefined;
  /**
   * Called after each trimming step of each stream, with what it did and
   * the groups' lag (a metrics module's hook).
   *
   * @default {undefined}
   */
  onTrim?: ((report: TrimReport) => void) | undefined;
}

/**
 * What a queue holds and has done so far (`StreamQueue.stats`).
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type QueueStats } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * const stats: QueueStats = queue.stats;
 * assert.equal(stats.openComponents, 0);
 * ```
 */
export interface QueueStats {
  /** Anycasters, broadcasters, consumers and subscribers made and not closed. */
  readonly openComponents: number;
  /** Entries trimmed that no consumer group still needed. */
  readonly trimmedEntries: number;
  /** Entries the hard cap (`hardMaxLen`) dropped, needed or not. */
  readonly droppedEntries: number;
  /**
   * Entries a consumer group lost: trimmed before it acknowledged them, by
   * the hard cap or by another client. Each loss is also logged as an
   * error, passed to `onTrimLoss`, and recorded in `<stream>.dlq`.
   */
  readonly lostEntries: number;
  /** How many losses (one per stream, group and trimming step). */
  readonly trimLosses: number;
  /** Trimming steps that failed (logged; tried again at the next interval). */
  readonly trimFailures: number;
  /**
   * Dead letters dropped because a dead-letter stream grew past `maxLen`
   * (logged as an error, at most once a minute per stream, with the count).
   */
  readonly droppedDeadLetters: number;
}

/**
 * What one trimming step did to one stream: `StreamStore.trim`'s result and
 * the stream. `queue.trimNow()` returns one per stream, and `onTrim`
 * receives each (a metrics module can export lag and loss from it).
 *
 * @example Usage
 * ```ts
 * import { MemoryQueue, type TrimReport } from "@backendai/common/message-queue";
 * import assert from "node:assert/strict";
 *
 * await using queue = new MemoryQueue();
 * await queue.anycaster().anycast({ name: "m", source: "s", payload: "{}" });
 * const [report]: TrimReport[] = await queue.trimNow();
 * assert.equal(report?.stream, "events");
 * assert.equal(report?.info?.length, 1);
 * ```
 */
export interface TrimReport extends TrimResult {
  /** The stream. */
  readonly stream: string;
}
