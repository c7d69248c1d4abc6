// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Health of a connection, as upstream's `MonitoringValkeyClient` keeps it:
 * {@linkcode checkValkeyHealth} (`ROLE` through Sentinel, so a demoted
 * master is noticed; `PING` otherwise) and {@linkcode ValkeyHealthMonitor},
 * which runs it periodically and reconnects; {@linkcode ValkeyEvent} is
 * what a connection reports about its health and about failovers.
 *
 * @module
 */

import { Command, type Redis } from "ioredis";
import type { BackendAIError } from "../../exception.ts";
import { consoleLogger, type Logger } from "../../utils.ts";
import { COMMAND_TIMED_OUT, sendWithTimeout } from "./_deadlines.ts";
import { reconnect } from "./_reconnect.ts";
import { ValkeyConnectionError, ValkeyRoleMismatchError } from "./errors.ts";
import type { ValkeyAddress, ValkeyTarget } from "./target.ts";

/** Why a connection was told to reconnect. */
export type ValkeyReconnectReason =
  /** Through Sentinel, `ROLE` did not say `master`. */
  | "role-mismatch"
  /** The health check found the connection gone. */
  | "connection-lost"
  /** The health check failed `failureThreshold` times in a row. */
  | "repeated-failures"
  /** Ten commands in a row timed out and none was answered. */
  | "commands-stalled";

/**
 * What a connection reports (the `onEvent` option of
 * {@linkcode connectValkey}): failed health checks, reconnections it asked
 * for, and the steps of a Sentinel failover it follows.
 *
 * @example Count failovers
 * ```ts
 * import type { ValkeyEvent } from "@backendai/common/clients/valkey";
 * import assert from "node:assert/strict";
 *
 * let failovers = 0;
 * const onEvent = (event: ValkeyEvent) => {
 *   if (event.type === "failover-promoted") failovers++;
 * };
 * onEvent({ type: "failover-promoted", address: { host: "10.0.0.2", port: 6379 }, afterMs: 40 });
 * assert.equal(failovers, 1);
 * ```
 */
export type ValkeyEvent =
  | {
    /** A health check failed. */
    readonly type: "health-check-failed";
    /** Why. */
    readonly error: BackendAIError;
    /** Failures in a row, this one included. */
    readonly consecutiveFailures: number;
  }
  | {
    /** The connection was told to reconnect. */
    readonly type: "reconnect";
    /** Why. */
    readonly reason: ValkeyReconnectReason;
  }
  | {
    /** The leader Sentinel selected a replica to promote: writes pause. */
    readonly type: "failover-started";
    /** The master being replaced. */
    readonly master: ValkeyAddress;
    /** The replica selected. */
    readonly replica: ValkeyAddress;
  }
  | {
    /** The selected replica answers `ROLE` with `master`: writes resume there. */
    readonly type: "failover-promoted";
    /** The new master. */
    readonly address: ValkeyAddress;
    /** Milliseconds since `failover-started`. */
    readonly afterMs: number;
  }
  | {
    /** The Sentinels announced the new master (`+switch-master`). */
    readonly type: "failover-switched";
    /** The old master. */
    readonly from: ValkeyAddress;
    /** The new master. */
    readonly to: ValkeyAddress;
  }
  | {
    /** The failover was aborted; the Sentinels are asked again. */
    readonly type: "failover-aborted";
    /** The Sentinel's notice, e.g. `-failover-abort-no-good-slave`. */
    readonly reason: string;
  };

/** Options of {@linkcode checkValkeyHealth}. */
export interface ValkeyHealthCheckOptions {
  /**
   * Longest wait for the answer, in milliseconds (upstream's monitor
   * client uses 3 000).
   *
   * @default {3000}
   */
  timeoutMs?: number | undefined;
}

/**
 * Upstream's health check: through Sentinel, `ROLE` must say `master` (a
 * demoted master after failover fails it); standalone, `PING`.
 *
 * @example Usage
 * ```ts ignore
 * import { checkValkeyHealth, connectValkey } from "@backendai/common/clients/valkey";
 *
 * const target = { addr: "127.0.0.1:6379" };
 * const redis = await connectValkey(target);
 * await checkValkeyHealth(redis, target, { timeoutMs: 3_000 });
 * ```
 *
 * @param redis The connection.
 * @param target The target it was made from.
 * @param options The timeout.
 * @throws {ValkeyRoleMismatchError} When a Sentinel target is not a master.
 * @throws {ValkeyConnectionError} When the server does not answer in time
 * or the connection fails (`cause` holds the client's error).
 */
export async function checkValkeyHealth(
  redis: Redis,
  target: ValkeyTarget,
  options: ValkeyHealthCheckOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const sentinel = target.sentinels !== undefined;
  let reply: unknown;
  try {
    const command = new Command(sentinel ? "role" : "ping", [], {
      replyEncoding: "utf8",
    });
    reply = await sendWithTimeout(redis, command, timeoutMs);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ValkeyConnectionError(
      message === COMMAND_TIMED_OUT
        ? `Valkey did not answer ${
          sentinel ? "ROLE" : "PING"
        } within ${timeoutMs} ms`
        : `Valkey health check failed: ${message}`,
      { cause: err, data: { timeoutMs } },
    );
  }
  if (!sentinel) return;
  const role = Array.isArray(reply) ? String(reply[0]) : String(reply);
  if (role !== "master") {
    throw new ValkeyRoleMismatchError(
      `Valkey through Sentinel ${
        JSON.stringify(target.serviceName)
      } is not a master: ROLE says ${role}`,
      { data: { role } },
    );
  }
}

/** Options of {@linkcode ValkeyHealthMonitor}. */
export interface ValkeyHealthMonitorOptions {
  /**
   * Time between checks, in milliseconds.
   *
   * @default {10000}
   */
  intervalMs?: number | undefined;
  /**
   * Longest wait for a check's answer, in milliseconds.
   *
   * @default {3000}
   */
  timeoutMs?: number | undefined;
  /**
   * Failed checks in a row, of the kind that does not mean the connection
   * is gone (a timeout, an error reply), before a reconnect.
   *
   * @default {3}
   */
  failureThreshold?: number | undefined;
  /**
   * Where failures and reconnects are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
  /**
   * Called with each failed check and each reconnect asked for.
   *
   * @default {undefined}
   */
  onEvent?: ((event: ValkeyEvent) => void) | undefined;
}

const GONE =
  /^(Connection is closed|Stream isn't writeable)|ECONNRESET|EPIPE|ENOTCONN|ECONNREFUSED/;

/**
 * Checks a connection periodically, as upstream's monitor does: a
 * {@linkcode ValkeyRoleMismatchError} (a demoted master) or an error that
 * means the connection is gone makes it reconnect at once (through
 * Sentinel, to the current master); other failures make it reconnect after
 * `failureThreshold` in a row. A check also runs whenever the connection
 * comes back after a reset. It stops when the connection ends or on
 * `close()`.
 *
 * {@linkcode connectValkey} attaches one to every command connection;
 * make one yourself for other connections.
 *
 * @example Watch a connection
 * ```ts ignore
 * import { connectValkey, ValkeyHealthMonitor } from "@backendai/common/clients/valkey";
 *
 * const target = { sentinels: "127.0.0.1:26379", serviceName: "mymaster" };
 * const redis = await connectValkey(target, { healthCheckIntervalMs: 0 });
 * await using monitor = new ValkeyHealthMonitor(redis, target, {
 *   intervalMs: 5_000,
 *   onEvent: (event) => console.log(event.type),
 * });
 * ```
 */
export class ValkeyHealthMonitor implements AsyncDisposable {
  readonly #redis: Redis;
  readonly #target: ValkeyTarget;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #threshold: number;
  readonly #logger: Logger;
  readonly #onEvent: ((event: ValkeyEvent) => void) | undefined;
  readonly #onReady: () => void;
  readonly #onClose: () => void;
  readonly #onEnd: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #checking: Promise<boolean> | undefined;
  #failures = 0;
  #reset = false;
  #closed = false;

  /**
   * Starts checking.
   *
   * @param redis The connection.
   * @param target The target it was made from.
   * @param options Interval, timeout, threshold, logger and events.
   */
  constructor(
    redis: Redis,
    target: ValkeyTarget,
    options: ValkeyHealthMonitorOptions = {},
  ) {
    this.#redis = redis;
    this.#target = target;
    this.#intervalMs = options.intervalMs ?? 10_000;
    this.#timeoutMs = options.timeoutMs ?? 3_000;
    this.#threshold = options.failureThreshold ?? 3;
    this.#logger = options.logger ?? consoleLogger;
    this.#onEvent = options.onEvent;
    this.#onClose = () => {
      this.#reset = true;
    };
    this.#onReady = () => {
      if (!this.#reset) return;
      this.#reset = false;
      void this.check();
    };
    this.#onEnd = () => void this.close();
    redis.on("close", this.#onClose);
    redis.on("ready", this.#onReady);
    redis.on("end", this.#onEnd);
    if (redis.status === "end") {
      this.#closed = true;
    } else {
      this.#schedule();
    }
  }

  /** Failed checks in a row. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  #schedule(): void {
    if (this.#closed || this.#intervalMs <= 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      this.#timer = undefined;
      await this.check();
      this.#schedule();
    }, this.#intervalMs);
  }

  #emit(event: ValkeyEvent): void {
    try {
      this.#onEvent?.(event);
    } catch (err) {
      this.#logger.error("valkey: an event listener threw", {
        event: event.type,
        error: String(err),
      });
    }
  }

  /**
   * Runs one check now (or joins the one running) and acts on its outcome.
   *
   * @returns Whether the connection was healthy.
   */
  check(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<boolean> {
    try {
      await checkValkeyHealth(this.#redis, this.#target, {
        timeoutMs: this.#timeoutMs,
      });
      this.#failures = 0;
      return true;
    } catch (err) {
      if (this.#closed) return false;
      const error = err as BackendAIError;
      const failures = ++this.#failures;
      this.#logger.warn("valkey: health check failed", {
        error: error.message,
        consecutiveFailures: failures,
      });
      this.#emit({
        type: "health-check-failed",
        error,
        consecutiveFailures: failures,
      });
      const cause = error.cause instanceof Error ? error.cause.message : "";
      if (error instanceof ValkeyRoleMismatchError) {
        this.reconnect("role-mismatch");
      } else if (GONE.test(cause) && this.#redis.status === "ready") {
        this.reconnect("connection-lost");
      } else if (failures >= this.#threshold) {
        this.reconnect("repeated-failures");
      }
      return false;
    }
  }

  /**
   * Drops the connection and makes ioredis connect again (through
   * Sentinel, to the master it names now); commands issued meanwhile wait.
   * Nothing happens while a reconnection is under way.
   *
   * @param reason Why, as reported in the `reconnect` event.
   */
  reconnect(reason: ValkeyReconnectReason): void {
    if (this.#closed) return;
    this.#failures = 0;
    if (!reconnect(this.#redis)) return; // one is under way already
    this.#logger.warn("valkey: reconnecting", { reason });
    this.#emit({ type: "reconnect", reason });
  }

  /** Stops checking; the connection is left as it is. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#redis.off("close", this.#onClose);
    this.#redis.off("ready", this.#onReady);
    this.#redis.off("end", this.#onEnd);
    return Promise.resolve();
  }

  /** Same as {@linkcode ValkeyHealthMonitor.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
