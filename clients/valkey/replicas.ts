// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Durable writes: {@linkcode ValkeyReplicaWaiter} waits, after a write,
 * until replicas hold it (`WAIT numreplicas timeout`), so that a Sentinel
 * failover cannot take an acknowledged write away.
 *
 * @module
 */

import { Command, type Redis } from "ioredis";
import { invalidOption } from "../../_options.ts";
import { sendWithTimeout } from "./_deadlines.ts";
import { ValkeyReplicationError } from "./errors.ts";

/** Options of {@linkcode ValkeyReplicaWaiter}. */
export interface ValkeyReplicaWaitOptions {
  /**
   * Replicas that must hold a write before it counts as done (`WAIT`'s
   * `numreplicas`), at least 1.
   *
   * @default {1}
   */
  replicas?: number | undefined;
  /**
   * Longest wait for them, in milliseconds (`WAIT`'s `timeout`; 0, which
   * would wait for ever, is refused).
   *
   * @default {1000}
   */
  timeoutMs?: number | undefined;
}

type Outcome =
  | { readonly acked: number; readonly epoch: number }
  | { readonly error: unknown };

// The writes answered between two WAITs, and the WAIT that confirms them.
class Round {
  readonly outcome: Promise<Outcome>;
  settle!: (outcome: Outcome) => void;
  writing = 0;
  written = 0;
  open = true;
  constructor() {
    this.outcome = new Promise<Outcome>((resolve) => this.settle = resolve);
  }
}

/**
 * Confirms writes made on one connection by `WAIT`, in rounds: the writes
 * of a round run concurrently; once one is answered the round takes no new
 * write, and when all are answered one `WAIT` confirms them together while
 * new writes wait for the next round. A busy producer thus pays about one
 * round trip to the replicas per batch, not per write, and no write queues
 * on the server behind a `WAIT` (which blocks its connection until the
 * replicas answer or the timeout passes: give the waiter a connection of
 * its own, or other commands on it wait as long).
 *
 * `WAIT` confirms the writes of its own connection only: if the connection
 * is reset between a write and its `WAIT` (a failover), the write is
 * reported unconfirmed rather than confirmed by a `WAIT` on the new master.
 *
 * What a confirmed write survives: the failover of its master to any
 * replica that confirmed it. What it does not: losing the master and every
 * replica that confirmed it together (without persistence, a restart of
 * all of them; with AOF `appendfsync everysec`, up to a second of writes
 * on each); a failover to a replica that had not confirmed it (with more
 * replicas than `replicas`).
 *
 * @example Confirm an XADD
 * ```ts ignore
 * import { connectValkey, ValkeyReplicaWaiter } from "@backendai/common/clients/valkey";
 *
 * const redis = await connectValkey({ sentinels: "127.0.0.1:26379", serviceName: "mymaster" });
 * const waiter = new ValkeyReplicaWaiter(redis, { replicas: 1, timeoutMs: 1_000 });
 * const id = await waiter.confirm(() => redis.xadd("events", "*", "k", "v"));
 * ```
 */
export class ValkeyReplicaWaiter {
  readonly #redis: Redis;
  readonly #replicas: number;
  readonly #timeoutMs: number;
  readonly #onClose: () => void;
  #epoch = 0;
  #round = new Round();
  #waiting: Promise<Outcome> | undefined;

  /**
   * Makes the waiter.
   *
   * @param redis The connection the writes are made on (a master).
   * @param options How many replicas and how long.
   * @throws {InvalidAPIParameters} When `replicas` is not an integer >= 1 or
   * `timeoutMs` not a positive finite number.
   */
  constructor(redis: Redis, options: ValkeyReplicaWaitOptions = {}) {
    const replicas = options.replicas ?? 1;
    const timeoutMs = options.timeoutMs ?? 1_000;
    if (!Number.isInteger(replicas) || replicas < 1) {
      invalidOption("replica wait", "replicas", replicas, "an integer >= 1");
    }
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      invalidOption(
        "replica wait",
        "timeoutMs",
        timeoutMs,
        "a finite number > 0",
      );
    }
    this.#redis = redis;
    this.#replicas = replicas;
    this.#timeoutMs = Math.ceil(timeoutMs);
    this.#onClose = () => {
      this.#epoch++;
    };
    redis.on("close", this.#onClose);
  }

  /** The connection the writes are made on. */
  get redis(): Redis {
    return this.#redis;
  }

  /**
   * Runs a write on the connection, then waits until the replicas hold it.
   *
   * @param write Makes the write on {@linkcode ValkeyReplicaWaiter.redis}.
   * @returns What the write returned.
   * @throws {ValkeyReplicationError} When fewer replicas confirmed in time,
   * or the connection was reset before they could; the write may still
   * exist (see the class doc). Errors of the write pass through.
   */
  async confirm<T>(write: () => Promise<T>): Promise<T> {
    while (!this.#round.open || this.#waiting !== undefined) {
      await (this.#waiting ?? this.#round.outcome);
    }
    const round = this.#round;
    round.writing++;
    let result: T;
    try {
      result = await write();
      round.written++;
    } finally {
      round.open = false;
      if (--round.writing === 0) this.#close(round);
    }
    const epoch = this.#epoch;
    const outcome = await round.outcome;
    if ("error" in outcome) {
      const err = outcome.error;
      throw new ValkeyReplicationError(
        `Cannot confirm the write on ${this.#replicas} replica(s): WAIT failed (${
          err instanceof Error ? err.message : String(err)
        }); the write was made and may still exist`,
        { cause: err, data: this.#data(0) },
      );
    }
    if (outcome.epoch !== epoch) {
      throw new ValkeyReplicationError(
        "Cannot confirm the write on replicas: the connection was reset " +
          "before WAIT answered (a failover?); the write was made and may still exist",
        { data: this.#data(0) },
      );
    }
    if (outcome.acked < this.#replicas) {
      throw new ValkeyReplicationError(
        `${outcome.acked} of ${this.#replicas} replica(s) confirmed the write within ${this.#timeoutMs} ms; ` +
          "the write was made on the master and may still exist, or be lost if it fails over",
        { data: this.#data(outcome.acked) },
      );
    }
    return result;
  }

  #data(acked: number): Record<string, unknown> {
    return {
      replicas: acked,
      required: this.#replicas,
      timeoutMs: this.#timeoutMs,
    };
  }

  // Every write of the round is answered: one WAIT confirms them all (none
  // when every write failed), then the next round opens.
  #close(round: Round): void {
    if (round.written === 0) {
      this.#round = new Round();
      round.settle({ acked: 0, epoch: this.#epoch });
      return;
    }
    const command = new Command("wait", [this.#replicas, this.#timeoutMs]);
    // WAIT may take its whole timeout: give the command that much more.
    const waiting = sendWithTimeout(
      this.#redis,
      command,
      this.#timeoutMs + 1_000,
    ).then(
      (acked): Outcome => ({ acked: Number(acked), epoch: this.#epoch }),
      (error: unknown): Outcome => ({ error }),
    );
    this.#waiting = waiting;
    this.#round = new Round();
    void waiting.then((outcome) => {
      this.#waiting = undefined;
      round.settle(outcome);
    });
  }

  /** Stops tracking the connection's resets; the connection is left open. */
  close(): void {
    this.#redis.off("close", this.#onClose);
  }
}
