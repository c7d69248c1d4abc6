// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Command timeouts without a timer per command.
 *
 * ioredis's `commandTimeout` starts one timer per command; under Deno that
 * halved the rate of auto-pipelined `XADD`s (43 000/s to 23 000/s on the
 * halfstack), and keeping our own list of commands cost a quarter. Here a
 * command gets only its deadline, written on it when it is sent; one timer,
 * running while commands are outstanding, walks ioredis's own queues of
 * commands waiting for a reply or for a connection (oldest first) and fails
 * those past their deadline with ioredis's own "Command timed out" error,
 * the very rejection ioredis's timer makes. Like ioredis's, a timed-out
 * command may still be executed: only the caller stops waiting.
 *
 * ioredis 5 internals relied on, checked by the unit tests: every command
 * (pipelined or not) goes through `Redis#sendCommand`, and the connection
 * keeps unanswered commands in `commandQueue`, `offlineQueue` and, during a
 * reconnection, `prevCommandQueue` (deques with `length` and `peekAt`),
 * each in the order the commands were issued.
 *
 * @module
 */

import type { Command, Redis } from "ioredis";

/** The error a timed-out command is rejected with (ioredis's wording). */
export const COMMAND_TIMED_OUT = "Command timed out";

// Where a connection keeps its CommandDeadlines.
const DEADLINES: unique symbol = Symbol("commandDeadlines");
// A deadline that has passed and been acted on.
const EXPIRED = -1;

interface TrackedCommand {
  reject(error: Error): void;
  _backendaiDeadline?: number;
  _backendaiIssued?: number;
}

interface Queue {
  readonly length: number;
  peekAt(index: number): { command: TrackedCommand } | undefined;
}

interface Queues {
  prevCommandQueue?: Queue | null;
  offlineQueue?: Queue;
  commandQueue?: Queue;
}

/** Options of {@linkcode CommandDeadlines}. */
export interface CommandDeadlineOptions {
  /** The timeout of a command without one of its own, in ms (> 0). */
  timeoutMs: number;
  /**
   * Timeouts in a row, with no reply received meanwhile, that make the
   * connection look stalled.
   *
   * @default {10}
   */
  stallThreshold?: number | undefined;
  /** Called when the stall threshold is reached. */
  onStall?: ((consecutiveTimeouts: number) => void) | undefined;
}

/**
 * The deadlines of one connection's commands. {@linkcode installDeadlines}
 * makes one and gives every command of the connection a deadline.
 */
export class CommandDeadlines {
  readonly #queues: Queues;
  readonly #timeoutMs: number;
  // The shortest timeout any command got: no command issued less than
  // this (plus a tick) ago can be late.
  #shortestMs: number;
  readonly #tickMs: number;
  readonly #stallThreshold: number;
  readonly #onStall: ((consecutive: number) => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #now = 0;
  #front: unknown;
  #consecutive = 0;
  #closed = false;

  /**
   * Makes the tracker.
   *
   * @param redis The connection whose queues are walked.
   * @param options The default timeout and the stall report.
   */
  constructor(redis: Redis, options: CommandDeadlineOptions) {
    this.#queues = redis as unknown as Queues;
    this.#timeoutMs = options.timeoutMs;
    this.#shortestMs = options.timeoutMs;
    // Commands time out up to a tenth of the timeout late (10 to 100 ms).
    this.#tickMs = Math.min(
      100,
      Math.max(10, Math.floor(options.timeoutMs / 10)),
    );
    this.#stallThreshold = options.stallThreshold ?? 10;
    this.#onStall = options.onStall;
  }

  /**
   * Gives a command about to be sent its deadline; a command that has one
   * (sent again after a reconnection) keeps it.
   *
   * @param command The ioredis command.
   * @param timeoutMs Its timeout, when not the connection's.
   */
  track(command: Command, timeoutMs: number = this.#timeoutMs): void {
    const tracked = command as unknown as TrackedCommand;
    if (tracked._backendaiDeadline !== undefined) return;
    if (this.#closed) {
      // Sent after close() (an auto-pipeline flushed late): ioredis would
      // keep it for ever if the connection was closed while reconnecting.
      tracked._backendaiDeadline = EXPIRED;
      command.reject(new Error("Connection is closed."));
      return;
    }
    if (this.#timer === undefined) {
      this.#now = performance.now();
      this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    }
    // Reading the clock per command cost a fifth of the rate: the clock of
    // the last tick, at most one tick old, plus one tick, so no command
    // times out early.
    if (timeoutMs < this.#shortestMs) this.#shortestMs = timeoutMs;
    tracked._backendaiIssued = this.#now;
    tracked._backendaiDeadline = this.#now + this.#tickMs + timeoutMs;
  }

  #tick(): void {
    const now = this.#now = performance.now();
    const queues = this.#queues;
    const front = queues.commandQueue?.peekAt(0)?.command;
    if (front !== this.#front) {
      // A reply came: the connection answers.
      this.#front = front;
      this.#consecutive = 0;
    }
    let outstanding = 0;
    for (
      const queue of [
        queues.prevCommandQueue,
        queues.offlineQueue,
        queues.commandQueue,
      ]
    ) {
      if (queue === undefined || queue === null) continue;
      outstanding += queue.length;
      for (let i = 0; i < queue.length; i++) {
        const command = queue.peekAt(i)?.command;
        const deadline = command?._backendaiDeadline;
        if (command === undefined || deadline === undefined) continue;
        if (deadline === EXPIRED) continue;
        if (deadline <= now) {
          command._backendaiDeadline = EXPIRED;
          command.reject(new Error(COMMAND_TIMED_OUT));
          if (++this.#consecutive === this.#stallThreshold) {
            this.#consecutive = 0;
            this.#onStall?.(this.#stallThreshold);
          }
        } else if (
          (command._backendaiIssued ?? 0) + this.#tickMs +
              this.#shortestMs > now
        ) {
          // Issued too recently for it, or any later one, to be late (by
          // when it was sent: a command with a longer timeout of its own, a
          // health check's PING, must not hold back those behind it).
          break;
        }
      }
    }
    if (outstanding === 0) this.#stop();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Stops the timer and fails the commands still outstanding with
   * "Connection is closed." (ioredis does so itself when the connection
   * ends, but not when it was closed while waiting to reconnect).
   */
  close(): void {
    this.#closed = true;
    this.#stop();
    const queues = this.#queues;
    for (
      const queue of [
        queues.prevCommandQueue,
        queues.offlineQueue,
        queues.commandQueue,
      ]
    ) {
      if (queue === undefined || queue === null) continue;
      for (let i = 0; i < queue.length; i++) {
        const command = queue.peekAt(i)?.command;
        if (command === undefined || command._backendaiDeadline === EXPIRED) {
          continue;
        }
        command._backendaiDeadline = EXPIRED;
        command.reject(new Error("Connection is closed."));
      }
    }
  }
}

/**
 * Gives every command of a connection a deadline (see the module doc).
 *
 * @param redis The connection, made without `commandTimeout`.
 * @param options The default timeout and the stall report.
 * @returns The tracker; close it when the connection ends.
 */
export function installDeadlines(
  redis: Redis,
  options: CommandDeadlineOptions,
): CommandDeadlines {
  const deadlines = new CommandDeadlines(redis, options);
  const send = redis.sendCommand as (
    this: Redis,
    command: Command,
    stream?: unknown,
    node?: unknown,
  ) => unknown;
  redis.sendCommand = function (
    this: Redis,
    command: Command,
    stream?: unknown,
    node?: unknown,
  ): unknown {
    deadlines.track(command);
    return send.call(this, command, stream, node);
  } as Redis["sendCommand"];
  (redis as unknown as Record<symbol, CommandDeadlines>)[DEADLINES] = deadlines;
  return deadlines;
}

/**
 * Sends a command with a timeout of its own: given that deadline when the
 * connection has deadlines, else raced against one timer.
 *
 * @param redis The connection.
 * @param command The command.
 * @param timeoutMs Its timeout.
 * @returns Its reply.
 */
export function sendWithTimeout(
  redis: Redis,
  command: Command,
  timeoutMs: number,
): Promise<unknown> {
  const deadlines = (redis as unknown as Record<symbol, CommandDeadlines>)[
    DEADLINES
  ];
  if (deadlines !== undefined) {
    deadlines.track(command, timeoutMs);
    return redis.sendCommand(command) as Promise<unknown>;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    redis.sendCommand(command) as Promise<unknown>,
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(COMMAND_TIMED_OUT)),
        timeoutMs,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}
