// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Following a Sentinel failover at once.
 *
 * Sentinel announces `+switch-master` only after it has seen the promoted
 * replica report `role:master` in an `INFO` reply, which it asks for once a
 * second during a failover: on the halfstack the notice came 0.9 to 1.0 s
 * after the replica was promoted. A client that waits for it (ioredis's
 * `failoverDetector`) keeps writing to the old master all that time, and
 * those writes vanish when the old master is turned into a replica.
 *
 * The leader Sentinel announces `+selected-slave` (with the replica's
 * address) about 50 ms before it sends that replica `REPLICAOF NO ONE`. A
 * {@linkcode SentinelWatch} subscribed to every Sentinel takes it as a
 * fence: the connection is closed at once (replies to commands already sent
 * still arrive), and its reconnection, made by the connector of
 * {@linkcode followingConnector}, waits until the selected replica answers
 * `ROLE` with `master` (polled every 10 ms), then connects there directly.
 * Commands issued meanwhile wait in ioredis's offline queue. The fence ends
 * with `+switch-master` (the Sentinels agree), a `-failover-abort-*`
 * notice, or after `maxFenceMs`; from then on connections are resolved
 * through the Sentinels again.
 *
 * @module
 */

import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { Redis, type RedisOptions, SentinelConnector } from "ioredis";
import type { Logger } from "../../utils.ts";
import { reconnect } from "./_reconnect.ts";
import type { ValkeyEvent } from "./health.ts";
import type { ValkeyAddress } from "./target.ts";

type NetStream = ReturnType<typeof netConnect>;

/** Options of a {@linkcode SentinelWatch}. */
export interface SentinelWatchOptions {
  /** The Sentinels. */
  sentinels: readonly ValkeyAddress[];
  /** The master name they monitor. */
  serviceName: string;
  /** Options of the Sentinel connections (password, TLS). */
  sentinelOptions: RedisOptions;
  /** Options of the connection that polls the selected replica. */
  probeOptions: RedisOptions;
  /** Longest fence, in milliseconds. */
  maxFenceMs: number;
  /** Where failover steps are logged. */
  logger: Logger;
  /** Where failover steps are reported. */
  onEvent: ((event: ValkeyEvent) => void) | undefined;
}

interface Fence {
  readonly replica: ValkeyAddress;
  readonly master: ValkeyAddress;
  readonly startedAt: number;
  readonly route: Promise<ValkeyAddress | undefined>;
  settle(address: ValkeyAddress | undefined): void;
  promoted: ValkeyAddress | undefined;
  done: boolean;
  timer: ReturnType<typeof setTimeout>;
  probe: Redis | undefined;
}

function address(host: string | undefined, port: string | undefined) {
  return { host: host ?? "", port: Number(port) };
}

function sameAddress(a: ValkeyAddress, b: ValkeyAddress): boolean {
  return a.port === b.port &&
    a.host.replace(/^::ffff:/, "") === b.host.replace(/^::ffff:/, "");
}

function text(value: ValkeyAddress): string {
  return `${value.host}:${value.port}`;
}

/**
 * Watches the Sentinels for failovers of one master and steers one
 * connection through them (see the module doc).
 */
export class SentinelWatch {
  readonly #options: SentinelWatchOptions;
  readonly #subscribers: Redis[] = [];
  #redis: Redis | undefined;
  #fence: Fence | undefined;
  #lastSwitch = { key: "", at: 0 };
  #closed = false;

  /**
   * Makes the watch; {@linkcode SentinelWatch.start} subscribes.
   *
   * @param options The Sentinels, the master name, logging.
   */
  constructor(options: SentinelWatchOptions) {
    this.#options = options;
  }

  /**
   * Sets the connection to steer.
   *
   * @param redis The connection.
   */
  attach(redis: Redis): void {
    this.#redis = redis;
  }

  /**
   * Subscribes to every Sentinel; a Sentinel that cannot be reached is
   * retried in the background (its notices are missed meanwhile).
   *
   * @param timeoutMs How long to wait for the subscriptions.
   */
  async start(timeoutMs: number): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const sentinel of this.#options.sentinels) {
      const subscriber = new Redis({
        ...this.#options.sentinelOptions,
        host: sentinel.host,
        port: sentinel.port,
        lazyConnect: true,
        enableReadyCheck: false,
        maxRetriesPerRequest: null,
        retryStrategy: (times) => Math.min(100 * 2 ** times, 5_000),
        connectionName: "backendai-sentinel-watch",
      });
      subscriber.on("error", () => {});
      subscriber.on(
        "message",
        (channel: string, message: string) => this.#onNotice(channel, message),
      );
      subscriber.on(
        "pmessage",
        (_: string, channel: string, message: string) =>
          this.#onNotice(channel, message),
      );
      this.#subscribers.push(subscriber);
      waits.push(
        subscriber.connect()
          .then(() =>
            Promise.all([
              subscriber.subscribe("+selected-slave", "+switch-master"),
              subscriber.psubscribe("-failover-abort-*"),
            ])
          )
          .catch((err) =>
            this.#options.logger.warn(
              "valkey: cannot watch a Sentinel for failovers",
              { sentinel: text(sentinel), error: String(err) },
            )
          ),
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise((resolve) => timer = setTimeout(resolve, timeoutMs)),
    ]);
    clearTimeout(timer);
  }

  /**
   * Where the next connection must go while a failover is under way: a
   * promise of the promoted replica (or of `undefined` when the failover
   * ended without one); `undefined` when there is no failover.
   *
   * @returns The route, or `undefined`.
   */
  route(): Promise<ValkeyAddress | undefined> | undefined {
    return this.#fence?.route;
  }

  #emit(event: ValkeyEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch (err) {
      this.#options.logger.error("valkey: an event listener threw", {
        event: event.type,
        error: String(err),
      });
    }
  }

  #onNotice(channel: string, message: string): void {
    if (this.#closed) return;
    const parts = message.split(" ");
    if (channel === "+selected-slave") {
      // slave <name> <ip> <port> @ <master-name> <master-ip> <master-port>
      if (parts[5] !== this.#options.serviceName) return;
      this.#startFence(
        address(parts[2], parts[3]),
        address(parts[6], parts[7]),
      );
    } else if (channel === "+switch-master") {
      // <master-name> <old-ip> <old-port> <new-ip> <new-port>
      if (parts[0] !== this.#options.serviceName) return;
      this.#switched(address(parts[1], parts[2]), address(parts[3], parts[4]));
    } else if (channel.startsWith("-failover-abort-")) {
      // master <name> <ip> <port>
      if (parts[1] !== this.#options.serviceName) return;
      const fence = this.#fence;
      if (fence === undefined) return;
      this.#endFence(fence, undefined);
      this.#options.logger.warn("valkey: the Sentinel failover was aborted", {
        reason: channel,
      });
      this.#emit({ type: "failover-aborted", reason: channel });
    }
  }

  #startFence(replica: ValkeyAddress, master: ValkeyAddress): void {
    const current = this.#fence;
    if (current !== undefined && sameAddress(current.replica, replica)) return;
    if (current !== undefined) this.#endFence(current, undefined);
    let settle!: (address: ValkeyAddress | undefined) => void;
    const route = new Promise<ValkeyAddress | undefined>((resolve) =>
      settle = resolve
    );
    const fence: Fence = {
      replica,
      master,
      startedAt: performance.now(),
      route,
      settle,
      promoted: undefined,
      done: false,
      timer: setTimeout(() => {
        this.#options.logger.warn(
          "valkey: no failover outcome in time; asking the Sentinels again",
          { replica: text(replica), maxFenceMs: this.#options.maxFenceMs },
        );
        this.#endFence(fence, undefined);
      }, this.#options.maxFenceMs),
      probe: undefined,
    };
    this.#fence = fence;
    this.#options.logger.info("valkey: Sentinel failover started", {
      master: text(master),
      replica: text(replica),
    });
    this.#emit({ type: "failover-started", master, replica });
    // Stop writing to the master now; the reconnection waits for the fence.
    if (this.#redis !== undefined) reconnect(this.#redis);
    void this.#awaitPromotion(fence);
  }

  async #awaitPromotion(fence: Fence): Promise<void> {
    // The promotion kills the replica's normal clients, this one included:
    // reconnect at once and ask again.
    const probe = fence.probe = new Redis({
      ...this.#options.probeOptions,
      host: fence.replica.host,
      port: fence.replica.port,
      db: 0,
      lazyConnect: true,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 10,
      connectionName: "backendai-failover-probe",
    });
    probe.on("error", () => {});
    while (!fence.done) {
      try {
        const role = await probe.role() as unknown[];
        if (role[0] === "master") {
          if (fence.done) break;
          fence.promoted = fence.replica;
          const afterMs = Math.round(performance.now() - fence.startedAt);
          this.#options.logger.info("valkey: the selected replica is master", {
            address: text(fence.replica),
            afterMs,
          });
          this.#emit({
            type: "failover-promoted",
            address: fence.replica,
            afterMs,
          });
          fence.settle(fence.replica);
          break;
        }
      } catch {
        // Killed or not reachable yet: the loop asks again.
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    fence.probe = undefined;
    probe.disconnect();
  }

  #endFence(fence: Fence, route: ValkeyAddress | undefined): void {
    if (fence.done) return;
    fence.done = true;
    clearTimeout(fence.timer);
    fence.settle(route);
    fence.probe?.disconnect();
    if (this.#fence === fence) this.#fence = undefined;
  }

  #switched(from: ValkeyAddress, to: ValkeyAddress): void {
    // Every Sentinel announces the switch; act on the first.
    const key = `${text(from)} ${text(to)}`;
    const now = performance.now();
    if (key === this.#lastSwitch.key && now - this.#lastSwitch.at < 10_000) {
      return;
    }
    this.#lastSwitch = { key, at: now };
    const fence = this.#fence;
    if (fence !== undefined) this.#endFence(fence, to);
    const redis = this.#redis;
    const stream = redis?.stream as NetStream | undefined;
    const at = stream?.remoteAddress === undefined
      ? undefined
      : address(stream.remoteAddress, String(stream.remotePort));
    const there = redis?.status === "ready" && at !== undefined &&
      sameAddress(at, to);
    if (fence === undefined && there) return;
    this.#options.logger.info("valkey: Sentinels switched the master", {
      from: text(from),
      to: text(to),
    });
    this.#emit({ type: "failover-switched", from, to });
    if (!there && redis !== undefined) reconnect(redis);
  }

  /** Unsubscribes and ends any fence. */
  close(): void {
    this.#closed = true;
    if (this.#fence !== undefined) this.#endFence(this.#fence, undefined);
    for (const subscriber of this.#subscribers) subscriber.disconnect();
    this.#subscribers.length = 0;
  }
}

/**
 * A Sentinel connector for ioredis (its `Connector` option) whose
 * connections follow a {@linkcode SentinelWatch}'s fence.
 *
 * @param watch The watch.
 * @returns The connector class.
 */
export function followingConnector(
  watch: SentinelWatch,
): NonNullable<RedisOptions["Connector"]> {
  return class FollowingSentinelConnector extends SentinelConnector {
    override async connect(
      eventEmitter: Parameters<SentinelConnector["connect"]>[0],
    ): Promise<NetStream> {
      const route = watch.route();
      if (route !== undefined) {
        this.connecting = true;
        const to = await route;
        if (!this.connecting) throw new Error("Connection is closed.");
        if (to !== undefined) return this.#open(to);
      }
      return await super.connect(eventEmitter) as NetStream;
    }

    #open(to: ValkeyAddress): NetStream {
      const options = this.options as RedisOptions;
      const stream = options.enableTLSForSentinelMode && options.tls
        ? tlsConnect({ ...options.tls, host: to.host, port: to.port })
        : netConnect({ host: to.host, port: to.port });
      stream.once("error", (err: Error) => {
        this.firstError = err;
      });
      this.stream = stream;
      return stream;
    }
  } as unknown as NonNullable<RedisOptions["Connector"]>;
}
