// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode Retention}: the queue's trimming loop. Every stream the queue
 * writes or reads (anycast streams, durable broadcast streams, the streams
 * of its consumers) is watched while a component uses it; every
 * `intervalMs` the loop runs `StreamStore.trim` on each, so that an add
 * never pays a round trip for trimming. It turns what the store reports
 * into what a user sees: an error log, the counters of `queue.stats`, the
 * `onTrimLoss` and `onTrim` hooks for every loss and every run, a warning
 * when a group's backlog nears the cap, and, with backpressure on, the
 * gate that holds or refuses anycasts while a stream is at `hardMaxLen`.
 * Dead-letter streams are capped at `maxLen` here too (never on add), and
 * every dead letter the cap drops is counted and logged as an error: a
 * stream's `<stream>.dlq` with the stream's step, a broadcast channel's
 * `<channel>.dlq` through a dead-letters-only watch.
 *
 * @module
 */

import type { Logger } from "../utils.ts";
import { MessageQueueClosedError, StreamFullError } from "./errors.ts";
import type { StreamStore, TrimLoss } from "./store.ts";
import type { TrimReport } from "./trimming.ts";
import { DEAD_LETTER_SUFFIX } from "./dead_letter.ts";
import { errorText } from "./_util.ts";

/** The resolved retention settings of a queue. */
export interface RetentionOptions {
  maxLen: number;
  hardMaxLen: number | undefined;
  intervalMs: number;
  backpressure: "none" | "wait" | "reject";
  backpressureTimeoutMs: number;
  logger: Logger;
  onTrim: ((report: TrimReport) => void) | undefined;
  onTrimLoss: ((loss: TrimLoss) => void) | undefined;
}

/** What the loop has done so far. */
export interface RetentionStats {
  trimmedEntries: number;
  droppedEntries: number;
  lostEntries: number;
  trimLosses: number;
  trimFailures: number;
  droppedDeadLetters: number;
}

/**
 * Admits anycasts to a stream at the cap: `undefined` when the send may go
 * at once (the hot path allocates nothing), else a promise that resolves
 * when it may, or rejects.
 */
export interface Gate {
  admit(
    count: number,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined;
}

interface Waiter {
  readonly count: number;
  readonly since: number;
  resolve(): void;
  reject(reason: unknown): void;
}

interface LossLog {
  loggedAt: number;
  count: number;
  unread: number;
  pending: number;
  losses: number;
}

interface Watched {
  refs: number;
  /** The length the last run found; 0 before the first. */
  length: number;
  /** What this queue added through the gate since the last run. */
  added: number;
  readonly waiters: Waiter[];
  /** When each group's backlog warning was last logged. */
  readonly warnedAt: Map<string, number>;
  /** Per group: when a loss was last logged, and what came since. */
  readonly lossLog: Map<string, LossLog>;
  readonly uncountedWarned: Set<string>;
  /** Watched only to cap its dead letters (a broadcast channel's `.dlq`). */
  readonly deadLettersOnly: boolean;
  /** Dead letters the cap dropped: when last logged, and how many since. */
  readonly deadLetterLog: { loggedAt: number; count: number };
}

// While anycasts wait for room, the loop runs at least this often.
const WAITING_INTERVAL_MS = 250;
// A group's backlog warning is repeated at most this often.
const WARN_EVERY_MS = 60_000;
// The backlog warning fires at this share of hardMaxLen.
const WARN_RATIO = 0.8;
// A group's losses are logged one by one at most this often; those in
// between are summed and logged when the time is up (or on close).
const LOSS_LOG_EVERY_MS = 60_000;

/** Lets the process exit while `timer` is pending (Deno, Node, Bun). */
function unref(timer: unknown): void {
  if (typeof timer === "number") {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno
      ?.unrefTimer?.(timer);
  } else (timer as { unref?(): void } | null)?.unref?.();
}

/** The trimming loop of one queue. */
export class Retention {
  readonly #store: StreamStore;
  readonly #options: RetentionOptions;
  readonly #watched = new Map<string, Watched>();
  readonly #stats: RetentionStats = {
    trimmedEntries: 0,
    droppedEntries: 0,
    lostEntries: 0,
    trimLosses: 0,
    trimFailures: 0,
    droppedDeadLetters: 0,
  };
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #running = false;
  #closed = false;

  /**
   * Prepares the loop; it starts with the first watched stream.
   *
   * @param store The backend.
   * @param options The resolved settings.
   */
  constructor(store: StreamStore, options: RetentionOptions) {
    this.#store = store;
    this.#options = options;
  }

  /** A copy of the counters. */
  get stats(): RetentionStats {
    return { ...this.#stats };
  }

  /**
   * Watches a stream until `release()`.
   *
   * @param stream The stream; with `"dead-letters"`, a dead-letter stream of
   * its own (a broadcast channel's `<channel>.dlq`), only capped.
   * @param kind What to do with it at each step.
   * @returns The release, and the gate when backpressure is on.
   */
  watch(
    stream: string,
    kind: "stream" | "dead-letters" = "stream",
  ): { release(): void; gate: Gate | undefined } {
    let watched = this.#watched.get(stream);
    if (watched === undefined) {
      watched = {
        refs: 0,
        length: 0,
        added: 0,
        waiters: [],
        warnedAt: new Map(),
        lossLog: new Map(),
        uncountedWarned: new Set(),
        deadLettersOnly: kind === "dead-letters",
        deadLetterLog: { loggedAt: -Infinity, count: 0 },
      };
      this.#watched.set(stream, watched);
    }
    watched.refs++;
    this.#schedule(this.#options.intervalMs);
    const state = watched;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        state.refs--;
        this.#forgetIfIdle(stream, state);
      },
      gate: kind === "dead-letters" || this.#options.backpressure === "none" ||
          this.#options.hardMaxLen === undefined
        ? undefined
        : {
          admit: (count, signal) => this.#admit(stream, state, count, signal),
        },
    };
  }

  /**
   * Runs the step on every watched stream now (after a run under way).
   *
   * @returns A report per stream.
   * @throws When the store fails for a stream.
   */
  runNow(): Promise<TrimReport[]> {
    const run = this.#chain.then(() => this.#run(true));
    this.#chain = run.catch(() => {});
    return run;
  }

  /**
   * Stops the loop; anycasts waiting for room are refused, and losses held
   * back from the log are logged.
   */
  close(): void {
    this.#closed = true;
    this.#stop();
    for (const [stream, watched] of this.#watched) {
      this.#logHeldLosses(stream, watched, Infinity);
      this.#logDroppedDeadLetters(stream, watched, Infinity);
      for (const waiter of watched.waiters.splice(0)) {
        waiter.reject(
          new MessageQueueClosedError(
            `Cannot anycast to "${stream}": the message queue is closed`,
          ),
        );
      }
    }
    this.#watched.clear();
  }

  /** Stops watching a stream no component uses and no anycast waits on. */
  #forgetIfIdle(stream: string, watched: Watched): void {
    if (watched.refs > 0 || watched.waiters.length > 0) return;
    if (this.#watched.get(stream) !== watched) return;
    this.#logHeldLosses(stream, watched, Infinity);
    this.#logDroppedDeadLetters(stream, watched, Infinity);
    this.#watched.delete(stream);
    if (this.#watched.size === 0) this.#stop();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(delayMs: number): void {
    if (this.#closed || this.#timer !== undefined || this.#running) return;
    if (this.#watched.size === 0) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const run = this.#chain.then(() => this.#run(false));
      this.#chain = run.catch(() => {});
    }, delayMs);
    // Housekeeping never keeps a process alive, unless anycasts wait on it.
    const waiting = [...this.#watched.values()].some((w) =>
      w.waiters.length > 0
    );
    if (!waiting) unref(this.#timer);
  }

  async #run(throwErrors: boolean): Promise<TrimReport[]> {
    this.#running = true;
    this.#stop();
    const reports: TrimReport[] = [];
    let failure: unknown;
    try {
      for (const [stream, watched] of [...this.#watched]) {
        if (this.#closed) break;
        try {
          reports.push(await this.#trim(stream, watched));
        } catch (err) {
          if (this.#closed) break;
          this.#stats.trimFailures++;
          failure ??= err;
          this.#options.logger.warn(
            "message queue: trimming failed; trying again at the next interval",
            { stream, error: errorText(err) },
          );
        }
      }
    } finally {
      this.#running = false;
      const waiting = [...this.#watched.values()].some((w) =>
        w.waiters.length > 0
      );
      this.#schedule(
        waiting
          ? Math.min(this.#options.intervalMs, WAITING_INTERVAL_MS)
          : this.#options.intervalMs,
      );
    }
    if (throwErrors && failure !== undefined) throw failure;
    return reports;
  }

  async #trim(stream: string, watched: Watched): Promise<TrimReport> {
    const { maxLen, hardMaxLen, logger } = this.#options;
    const addedBefore = watched.added;
    const result = await this.#store.trim({
      stream,
      maxLen,
      hardMaxLen,
      deadLetterStream: watched.deadLettersOnly
        ? stream
        : stream + DEAD_LETTER_SUFFIX,
      deadLetterMaxLen: maxLen,
      deadLettersOnly: watched.deadLettersOnly,
    });
    const report: TrimReport = { ...result, stream };
    if (result.deadLettersDropped > 0) {
      this.#stats.droppedDeadLetters += result.deadLettersDropped;
      watched.deadLetterLog.count += result.deadLettersDropped;
      this.#logDroppedDeadLetters(
        stream,
        watched,
        Date.now() - LOSS_LOG_EVERY_MS,
      );
    }
    watched.added = Math.max(0, watched.added - addedBefore);
    watched.length = result.info?.length ?? 0;
    this.#stats.trimmedEntries += result.trimmed;
    this.#stats.droppedEntries += result.dropped;
    const now = Date.now();
    for (const loss of result.losses) {
      this.#stats.lostEntries += loss.count;
      this.#stats.trimLosses++;
      const log = watched.lossLog.get(loss.group);
      if (log === undefined || now - log.loggedAt >= LOSS_LOG_EVERY_MS) {
        logger.error(
          "message queue: entries were trimmed before a consumer group acknowledged them",
          {
            stream,
            group: loss.group,
            cause: loss.cause,
            count: loss.count,
            unread: loss.unread,
            pending: loss.pending,
            firstId: loss.firstId,
            endId: loss.endId,
            deadLetterId: loss.deadLetterId,
            ...(loss.cause === "hard-cap" ? { hardMaxLen } : {}),
            ...(log !== undefined && log.losses > 0
              ? {
                alsoLostSinceLastLog: log.count,
                lossesSinceLastLog: log.losses,
              }
              : {}),
          },
        );
        watched.lossLog.set(loss.group, {
          loggedAt: now,
          count: 0,
          unread: 0,
          pending: 0,
          losses: 0,
        });
      } else {
        log.count += loss.count;
        log.unread += loss.unread;
        log.pending += loss.pending;
        log.losses++;
      }
      this.#call("onTrimLoss", () => this.#options.onTrimLoss?.(loss));
    }
    this.#logHeldLosses(stream, watched, now - LOSS_LOG_EVERY_MS);
    for (const group of result.uncounted) {
      if (watched.uncountedWarned.has(group)) continue;
      watched.uncountedWarned.add(group);
      logger.warn(
        "message queue: a consumer group is behind the stream's first entry and the server keeps no read counter for it; entries it lost cannot be counted",
        { stream, group },
      );
    }
    this.#warnBacklogs(stream, watched, report);
    this.#call("onTrim", () => this.#options.onTrim?.(report));
    this.#wake(watched);
    return report;
  }

  /**
   * Logs, as one error per group, the losses held back since a group's
   * last loss log, for groups last logged before `before`.
   */
  #logHeldLosses(stream: string, watched: Watched, before: number): void {
    for (const [group, log] of watched.lossLog) {
      if (log.losses === 0 || log.loggedAt > before) continue;
      this.#options.logger.error(
        "message queue: more entries were trimmed before a consumer group acknowledged them",
        {
          stream,
          group,
          count: log.count,
          unread: log.unread,
          pending: log.pending,
          losses: log.losses,
          sinceMs: Date.now() - log.loggedAt,
        },
      );
      watched.lossLog.set(group, {
        loggedAt: Date.now(),
        count: 0,
        unread: 0,
        pending: 0,
        losses: 0,
      });
    }
  }

  /**
   * Logs, as one error, the dead letters the cap dropped since the last such
   * log, when that log is older than `before`.
   */
  #logDroppedDeadLetters(
    stream: string,
    watched: Watched,
    before: number,
  ): void {
    const log = watched.deadLetterLog;
    if (log.count === 0 || log.loggedAt > before) return;
    this.#options.logger.error(
      "message queue: dead letters were dropped: the dead-letter stream is over its cap (maxLen)",
      {
        deadLetterStream: watched.deadLettersOnly
          ? stream
          : stream + DEAD_LETTER_SUFFIX,
        count: log.count,
        maxLen: this.#options.maxLen,
      },
    );
    watched.deadLetterLog.loggedAt = Date.now();
    watched.deadLetterLog.count = 0;
  }

  /** Warns when a group's backlog nears the cap (or passes maxLen). */
  #warnBacklogs(stream: string, watched: Watched, report: TrimReport): void {
    const { maxLen, hardMaxLen, logger } = this.#options;
    const threshold = hardMaxLen === undefined
      ? maxLen
      : Math.floor(hardMaxLen * WARN_RATIO);
    const now = Date.now();
    for (const group of report.info?.groups ?? []) {
      const backlog = (group.lag ?? 0) + group.pending;
      if (backlog < threshold) {
        watched.warnedAt.delete(group.name);
        continue;
      }
      const last = watched.warnedAt.get(group.name);
      if (last !== undefined && now - last < WARN_EVERY_MS) continue;
      watched.warnedAt.set(group.name, now);
      logger.warn(
        hardMaxLen === undefined
          ? "message queue: a consumer group is far behind; the stream is kept beyond maxLen for it"
          : "message queue: a consumer group nears the stream's hardMaxLen; past it, entries it has not acknowledged are dropped",
        {
          stream,
          group: group.name,
          lag: group.lag,
          pending: group.pending,
          length: report.info?.length,
          maxLen,
          hardMaxLen,
        },
      );
    }
  }

  #call(hook: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.#options.logger.error(`message queue: the ${hook} hook threw`, {
        error: errorText(err),
      });
    }
  }

  #fits(watched: Watched, count: number): boolean {
    return watched.length + watched.added + count <=
      (this.#options.hardMaxLen as number);
  }

  #admit(
    stream: string,
    watched: Watched,
    count: number,
    signal: AbortSignal | undefined,
  ): Promise<void> | undefined {
    if (watched.waiters.length === 0 && this.#fits(watched, count)) {
      watched.added += count;
      return undefined;
    }
    const hardMaxLen = this.#options.hardMaxLen as number;
    const full = (waitedMs: number) =>
      new StreamFullError(
        `Cannot anycast to "${stream}": it holds ${
          watched.length + watched.added
        } entries and hardMaxLen is ${hardMaxLen}; a consumer group is that far behind`,
        {
          data: {
            stream,
            length: watched.length + watched.added,
            hardMaxLen,
            waitedMs,
          },
        },
      );
    if (this.#options.backpressure === "reject" || count > hardMaxLen) {
      return Promise.reject(full(0));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const since = Date.now();
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = watched.waiters.indexOf(waiter);
        if (index >= 0) watched.waiters.splice(index, 1);
        this.#forgetIfIdle(stream, watched);
      };
      const onAbort = () => {
        settle();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        settle();
        reject(full(Date.now() - since));
      }, this.#options.backpressureTimeoutMs);
      const waiter: Waiter = {
        count,
        since,
        resolve: () => {
          settle();
          resolve();
        },
        reject: (reason) => {
          settle();
          reject(reason);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      watched.waiters.push(waiter);
      // Check at once rather than at the next interval.
      if (!this.#running) {
        this.#stop();
        this.#schedule(0);
      }
    });
  }

  /** Lets waiting anycasts go, oldest first, while they fit. */
  #wake(watched: Watched): void {
    while (watched.waiters.length > 0) {
      const waiter = watched.waiters[0] as Waiter;
      if (!this.#fits(watched, waiter.count)) return;
      watched.added += waiter.count;
      waiter.resolve();
    }
  }
}
