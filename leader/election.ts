// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode LeaderElection}: one leader among the servers sharing a key
 * (upstream `ValkeyLeaderElection`), with tasks that run only while this
 * server leads and stop before its lease can expire.
 *
 * @module
 */

import { invalidOption } from "../_options.ts";
import { raceSignal } from "../_wait.ts";
import type { Clock } from "../resilience/clock.ts";
import { consoleLogger, type Logger } from "../utils.ts";
import {
  AlreadyStartedError,
  LeaderElectionError,
  type LeadershipLossReason,
  LeadershipLostError,
} from "./errors.ts";
import type {
  LeadershipChange,
  LeaderStore,
  LeaderTask,
  LeaseResult,
} from "./types.ts";
import type {
  LeaderElectionOptions,
  WaitForLeadershipOptions,
} from "./election_options.ts";
import { electionTimings, monotonicClock } from "./_timings.ts";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Elects one leader among the servers that share a key in a
 * {@linkcode LeaderStore} (upstream `ValkeyLeaderElection`), and runs the
 * registered {@linkcode LeaderTask}s only while this server leads.
 *
 * How it keeps one leader:
 *
 * - Every `renewIntervalMs` the leader renews its key for `ttlMs`; a
 *   follower polls as often, and sooner when the holder's key is about to
 *   expire (it waits for the reported remainder), or at once when the
 *   holder releases the key (`watchReleases`).
 * - A lease is counted from when the renew was sent, on this server's
 *   clock, so it never ends later here than in the store. If no renew
 *   succeeds by `ttlMs - stepDownMarginMs` after the last good one was
 *   sent (failed, or not answered in time), the leader steps down: it
 *   aborts its tasks' signals and reports the loss while its key is still
 *   live, so its tasks have `stepDownMarginMs` to stop before another
 *   server can be elected.
 * - A server that finds another holder while it thought it led steps down
 *   at once (`"taken"`).
 * - `close()` aborts the tasks, waits for them to end and releases the key
 *   (compare-and-delete), so a follower takes over at once.
 *
 * With the defaults (30 s lease, renew every 10 s, step down 5 s before
 * expiry): a leader that loses the store keeps leading at most 25 s after
 * its last good renew was sent, then stops; its key expires at most 30 s
 * after that renew, and a follower is elected within a few milliseconds of
 * the expiry. A killed leader is replaced within 30 s; a closed one at once.
 * Upstream's election keeps leading until three renews in a row have failed
 * (up to 30 s and three retries), so its key can expire while it still leads.
 *
 * @example Two servers, one leader (memory store, manual clock)
 * ```ts
 * import { LeaderElection, MemoryLeaderStore } from "@backendai/common/leader";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const store = new MemoryLeaderStore({ clock });
 * const a = new LeaderElection({ store, serverId: "a", clock });
 * const b = new LeaderElection({ store, serverId: "b", clock });
 * let termsOfA = 0;
 * a.register({ name: "work", run: () => void termsOfA++ });
 * await a.start();
 * await b.start();
 * await clock.advance(0);
 * assert.deepEqual([a.isLeader, b.isLeader], [true, false]);
 * assert.equal(termsOfA, 1);
 * await a.close(); // releases the key: b takes over at once
 * await clock.advance(0);
 * assert.equal(b.isLeader, true);
 * await b.close();
 * ```
 */
export class LeaderElection implements AsyncDisposable {
  readonly #store: LeaderStore;
  readonly #serverId: string;
  readonly #key: string;
  readonly #ttlMs: number;
  readonly #renewMs: number;
  readonly #marginMs: number;
  readonly #retryMs: number;
  readonly #closeGraceMs: number;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #tasks: LeaderTask[] = [];
  readonly #listeners = new Set<(change: LeadershipChange) => void>();
  readonly #waiters = new Set<Waiter>();
  #started = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  #leading = false;
  #term = 0;
  #leaderId: string | undefined;
  #deadline = 0;
  #attemptTimer: unknown;
  #deadlineTimer: unknown;
  #inFlight: Promise<void> | undefined;
  #callController: AbortController | undefined;
  #again = false;
  #failures = 0;
  #lastError: unknown;
  #termController: AbortController | undefined;
  #tasksDone: Promise<void> = Promise.resolve();
  #unwatch: (() => Promise<void>) | undefined;

  /**
   * Makes an election; {@linkcode LeaderElection.start} starts it.
   *
   * @param options The store, server id, key, timings and observers.
   * @throws {InvalidAPIParameters} When an option is malformed (`data.field`
   * names it).
   */
  constructor(options: LeaderElectionOptions) {
    const timings = electionTimings(options);
    this.#store = options.store;
    this.#serverId = options.serverId;
    this.#key = timings.key;
    this.#ttlMs = timings.ttlMs;
    this.#renewMs = timings.renewMs;
    this.#marginMs = timings.marginMs;
    this.#retryMs = timings.retryMs;
    this.#closeGraceMs = timings.closeGraceMs;
    this.#logger = options.logger ?? consoleLogger;
    this.#clock = options.clock ?? monotonicClock;
    if (options.onChange !== undefined) this.#listeners.add(options.onChange);
  }

  /**
   * Whether this server leads now.
   *
   * @returns `true` while leading.
   */
  get isLeader(): boolean {
    return this.#leading;
  }

  /**
   * This server's id.
   *
   * @returns The id.
   */
  get serverId(): string {
    return this.#serverId;
  }

  /**
   * The election's key.
   *
   * @returns The key.
   */
  get key(): string {
    return this.#key;
  }

  /**
   * This server's current (or last) term; 0 before its first election.
   *
   * @returns The term.
   */
  get term(): number {
    return this.#term;
  }

  /**
   * The holder of the key as last seen by this server.
   *
   * @returns The leader's server id, or `undefined` before the first answer.
   */
  get leaderId(): string | undefined {
    return this.#leaderId;
  }

  /**
   * Adds a task to run while this server leads (before `start()`).
   *
   * @param task The task.
   * @throws {AlreadyStartedError} After `start()`.
   * @throws {InvalidAPIParameters} When the task has no name or no `run`.
   */
  register(task: LeaderTask): void {
    if (this.#started) {
      throw new AlreadyStartedError(
        "Cannot register tasks after leader election has started",
        { data: { task: task?.name } },
      );
    }
    if (typeof task?.name !== "string" || task.name === "") {
      invalidOption("leader task", "name", task?.name, "a non-empty string");
    }
    if (typeof task.run !== "function") {
      invalidOption(
        `leader task "${task.name}"`,
        "run",
        task.run,
        "a function",
      );
    }
    this.#tasks.push(task);
  }

  /**
   * Calls `listener` on every change of leadership.
   *
   * @param listener The observer (errors it throws are logged).
   * @returns A function that removes it.
   */
  onChange(listener: (change: LeadershipChange) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * Resolves when this server leads (at once if it does).
   *
   * @param options A signal to stop waiting.
   * @returns A promise that resolves once leading.
   * @throws {LeaderElectionError} (as a rejection) When the election closes.
   */
  waitForLeadership(options: WaitForLeadershipOptions = {}): Promise<void> {
    if (this.#leading) return Promise.resolve();
    if (this.#closed) return Promise.reject(this.#closedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => waiter.reject(signal?.reason);
      const settle = (): void => {
        this.#waiters.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
      };
      const waiter: Waiter = {
        resolve: () => {
          settle();
          resolve();
        },
        reject: (err) => {
          settle();
          reject(err);
        },
      };
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #closedError(): LeaderElectionError {
    return new LeaderElectionError("The leader election is closed", {
      data: { serverId: this.#serverId, key: this.#key },
    });
  }

  /**
   * Starts watching releases and makes the first attempt; resolves once it
   * is answered (or has failed, which is logged and retried), so
   * {@linkcode LeaderElection.isLeader} is known. Later attempts follow on
   * their own.
   *
   * @throws {AlreadyStartedError} When already started or closed.
   */
  async start(): Promise<void> {
    if (this.#started || this.#closed) {
      throw new AlreadyStartedError("Leader election already started", {
        data: { serverId: this.#serverId, key: this.#key },
      });
    }
    this.#started = true;
    try {
      // Bounded: the subscription waits for a connection that may be down.
      const unwatch = await this.#bounded(
        "Watching releases",
        this.#renewMs,
        () => this.#store.watchReleases(this.#key, () => this.#onRelease()),
      );
      if (this.#closed) await unwatch();
      else this.#unwatch = unwatch;
    } catch (err) {
      this.#logger.warn(
        "leader: cannot watch releases; a follower takes over at its next poll",
        { key: this.#key, error: String(err) },
      );
    }
    if (!this.#closed) await this.#launch();
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    if (this.#attemptTimer !== undefined) {
      this.#clock.clearTimeout(this.#attemptTimer);
    }
    this.#attemptTimer = this.#clock.setTimeout(() => {
      this.#attemptTimer = undefined;
      if (this.#inFlight !== undefined) {
        this.#again = true;
        return;
      }
      this.#launch();
    }, Math.max(0, delayMs));
  }

  #launch(): Promise<void> {
    const attempt = this.#attempt().catch((err) => {
      this.#logger.error("leader: an election attempt failed unexpectedly", {
        key: this.#key,
        error: String(err),
      });
    }).finally(() => {
      this.#inFlight = undefined;
      if (this.#again) {
        this.#again = false;
        this.#schedule(0);
      }
    });
    this.#inFlight = attempt;
    return attempt;
  }

  #onRelease(): void {
    if (this.#closed || this.#leading) return;
    this.#schedule(0);
  }

  async #attempt(): Promise<void> {
    const sentAt = this.#clock.now();
    const leading = this.#leading;
    // A renew must be answered before the step-down deadline; an acquire
    // within one renew interval.
    const limitMs = leading
      ? Math.max(1, this.#deadline - sentAt)
      : this.#renewMs;
    let result: LeaseResult;
    try {
      result = await this.#call(limitMs);
    } catch (err) {
      if (this.#closed) return;
      this.#failures++;
      this.#lastError = err;
      this.#logger.warn("leader: acquire or renew failed", {
        key: this.#key,
        serverId: this.#serverId,
        leading: this.#leading,
        failures: this.#failures,
        error: String(err),
      });
      this.#schedule(this.#retryMs);
      return;
    }
    if (this.#closed) return;
    this.#failures = 0;
    this.#lastError = undefined;
    this.#leaderId = result.holder;
    const now = this.#clock.now();
    if (result.acquired) {
      const deadline = sentAt + this.#ttlMs - this.#marginMs;
      if (deadline <= now) {
        // Answered too late to lead on: the next attempt decides.
        this.#schedule(this.#retryMs);
        return;
      }
      this.#deadline = deadline;
      this.#armDeadline(deadline - now);
      if (!this.#leading) this.#elect();
      this.#schedule(Math.min(this.#renewMs, deadline - now));
      return;
    }
    if (this.#leading) this.#stepDown("taken");
    // Poll when the holder's key is due to expire, or after one interval.
    const remaining = result.ttlMs;
    this.#schedule(
      remaining >= 0 ? Math.min(this.#renewMs, remaining + 1) : this.#renewMs,
    );
  }

  #call(limitMs: number): Promise<LeaseResult> {
    return this.#bounded(
      "Acquire or renew",
      limitMs,
      (signal) =>
        this.#store.acquireOrRenew(this.#key, this.#serverId, this.#ttlMs, {
          signal,
        }),
    );
  }

  /** Runs a store call that is abandoned after `limitMs` or on close. */
  async #bounded<T>(
    what: string,
    limitMs: number,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    this.#callController = controller;
    limitMs = Math.ceil(limitMs);
    const timer = this.#clock.setTimeout(() =>
      controller.abort(
        new LeaderElectionError(
          `${what} of ${
            JSON.stringify(this.#key)
          } took longer than ${limitMs} ms`,
          { data: { key: this.#key, limitMs } },
        ),
      ), limitMs);
    try {
      return await raceSignal(call(controller.signal), controller.signal);
    } finally {
      this.#clock.clearTimeout(timer);
      if (this.#callController === controller) {
        this.#callController = undefined;
      }
    }
  }

  #armDeadline(delayMs: number): void {
    if (this.#deadlineTimer !== undefined) {
      this.#clock.clearTimeout(this.#deadlineTimer);
    }
    this.#deadlineTimer = this.#clock.setTimeout(() => {
      this.#deadlineTimer = undefined;
      this.#stepDown(
        "lease-lapsing",
        this.#lastError ??
          new LeaderElectionError(
            `No renew of ${
              JSON.stringify(this.#key)
            } was answered before the step-down deadline`,
            { data: { key: this.#key, ttlMs: this.#ttlMs } },
          ),
      );
    }, delayMs);
  }

  #elect(): void {
    this.#leading = true;
    const term = ++this.#term;
    const controller = new AbortController();
    this.#termController = controller;
    this.#logger.info("leader: this server leads", {
      key: this.#key,
      serverId: this.#serverId,
      term,
    });
    this.#emit({ isLeader: true, reason: "elected", term });
    for (const waiter of [...this.#waiters]) waiter.resolve();
    const previous = this.#tasksDone;
    this.#tasksDone = previous.then(async () => {
      if (controller.signal.aborted) return;
      await Promise.all(
        this.#tasks.map((task) => this.#runTask(task, controller.signal, term)),
      );
    });
  }

  async #runTask(
    task: LeaderTask,
    signal: AbortSignal,
    term: number,
  ): Promise<void> {
    try {
      await task.run({ signal, term, serverId: this.#serverId });
    } catch (err) {
      if (signal.aborted && err === signal.reason) return;
      this.#logger.error("leader: a leader task failed", {
        task: task.name,
        key: this.#key,
        term,
        error: String(err),
      });
    }
  }

  #stepDown(reason: LeadershipLossReason, error?: unknown): void {
    if (!this.#leading) return;
    this.#leading = false;
    if (this.#deadlineTimer !== undefined) {
      this.#clock.clearTimeout(this.#deadlineTimer);
      this.#deadlineTimer = undefined;
    }
    const term = this.#term;
    this.#termController?.abort(
      new LeadershipLostError({
        serverId: this.#serverId,
        key: this.#key,
        term,
        reason,
      }),
    );
    this.#termController = undefined;
    const fields = { key: this.#key, serverId: this.#serverId, term, reason };
    if (reason === "closed") {
      this.#logger.info("leader: this server stopped leading", fields);
    } else {
      this.#logger.warn("leader: this server lost leadership", {
        ...fields,
        ...(error === undefined ? {} : { error: String(error) }),
      });
    }
    this.#emit({
      isLeader: false,
      reason,
      term,
      ...(error === undefined ? {} : { error }),
    });
  }

  #emit(
    change: Omit<LeadershipChange, "serverId" | "key">,
  ): void {
    const full: LeadershipChange = {
      ...change,
      serverId: this.#serverId,
      key: this.#key,
    };
    for (const listener of [...this.#listeners]) {
      try {
        listener(full);
      } catch (err) {
        this.#logger.error("leader: a leadership listener threw", {
          error: String(err),
        });
      }
    }
  }

  /**
   * Stops: no more attempts; when leading, aborts the tasks, waits up to
   * `closeGraceMs` for them to end and releases the key so a follower takes
   * over at once. When the tasks do not end in time the key is left to
   * expire (logged); a release not answered within `renewIntervalMs` is
   * abandoned (logged; the key expires on its own). Calling it again waits
   * for the first call.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    if (this.#attemptTimer !== undefined) {
      this.#clock.clearTimeout(this.#attemptTimer);
      this.#attemptTimer = undefined;
    }
    for (const waiter of [...this.#waiters]) waiter.reject(this.#closedError());
    this.#stepDown("closed");
    // The release below is sent after this call on the same connection, so
    // the server runs them in that order even when the call is abandoned.
    this.#callController?.abort(this.#closedError());
    await this.#inFlight;
    const unwatch = this.#unwatch;
    this.#unwatch = undefined;
    if (unwatch !== undefined) {
      await this.#bounded("Unwatch", this.#renewMs, () => unwatch())
        .catch(() => {});
    }
    if (!this.#started) return;
    let timer: unknown;
    const ended = await Promise.race([
      this.#tasksDone.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = this.#clock.setTimeout(
          () => resolve(false),
          this.#closeGraceMs,
        );
      }),
    ]);
    this.#clock.clearTimeout(timer);
    if (!ended) {
      this.#logger.error(
        "leader: leader tasks did not end after their abort; the key is left to expire",
        { key: this.#key, serverId: this.#serverId, ttlMs: this.#ttlMs },
      );
      return;
    }
    try {
      await this.#bounded(
        "Release",
        this.#renewMs,
        (signal) => this.#store.release(this.#key, this.#serverId, { signal }),
      );
    } catch (err) {
      this.#logger.warn(
        "leader: cannot release the key; it expires on its own",
        { key: this.#key, serverId: this.#serverId, error: String(err) },
      );
    }
  }

  /** Same as {@linkcode LeaderElection.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
