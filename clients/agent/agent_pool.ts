// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode AgentClientPool}: one {@linkcode AgentClient} per agent
 * address, as upstream's manager keeps one persistent peer per agent, with:
 *
 * - a health check every 30 s (`ping` with a 5 s timeout, upstream's
 *   numbers); a peer that fails it is closed and replaced at the next use,
 *   so a stuck connection (under Deno a receive can stall) does not stay;
 * - a call that times out triggers that check at once;
 * - idle peers (unused for 10 min by default) closed by the same loop;
 * - each call under the address's circuit breaker (resilience), which
 *   counts transport failures (timeouts, unreachable, cancelled) and not
 *   the agent's own errors (`AgentRpcUserError`) or bad input.
 *
 * Time comes from a {@linkcode Clock}, so tests drive the loop with
 * `ManualClock`.
 *
 * @module
 */

import { BackendAIError } from "../../exception.ts";
import { CircuitBreakerPolicy } from "../../resilience/circuit_breaker.ts";
import { type Clock, systemClock } from "../../resilience/clock.ts";
import { ResilienceTimeoutError } from "../../resilience/errors.ts";
import { type Policy, wrap } from "../../resilience/policy.ts";
import { TimeoutPolicy } from "../../resilience/timeout.ts";
import { consoleLogger, type Logger } from "../../utils.ts";
import { AgentClient, type AgentClientOptions } from "./agent_client.ts";
import {
  AgentRpcClosedError,
  AgentRpcRemoteError,
  AgentRpcTimeoutError,
} from "./errors.ts";
import type { InvokeOptions } from "./rpc_client.ts";
import type { CurveClientKeys } from "./transport.ts";

/** How the pool makes a client for an address. */
export type AgentConnector = (
  address: string,
  options: AgentClientOptions,
) => Promise<AgentClient>;

/** Options of {@linkcode AgentClientPool}. */
export interface AgentClientPoolOptions {
  /**
   * The options every client is made with (transport, manager keys,
   * timeouts); `clock` and `logger` default to the pool's.
   *
   * @default {{}}
   */
  clientOptions?: AgentClientOptions | undefined;
  /**
   * Makes a client.
   *
   * @default {AgentClient.connect}
   */
  connector?: AgentConnector | undefined;
  /**
   * Time between health checks, in milliseconds.
   *
   * @default {30000}
   */
  healthCheckIntervalMs?: number | undefined;
  /**
   * The timeout of a health check's `ping`, in milliseconds.
   *
   * @default {5000}
   */
  healthCheckTimeoutMs?: number | undefined;
  /**
   * A client unused this long (milliseconds) is closed.
   *
   * @default {600000}
   */
  idleTimeoutMs?: number | undefined;
  /**
   * A limit on each {@linkcode AgentClientPool.run} (a `TimeoutPolicy` inside
   * the breaker), in milliseconds: its signal aborts the call, which sends a
   * CANCEL, and the run throws `ResilienceTimeoutError`. Each call also keeps
   * its client's own timeout.
   *
   * @default {undefined (none beyond the client's)}
   */
  callTimeoutMs?: number | undefined;
  /**
   * Makes the breaker of one address.
   *
   * @default {a breaker opening after 5 failures in a row, for 30 s}
   */
  breaker?: ((address: string) => CircuitBreakerPolicy) | undefined;
  /**
   * The time source of the loop, the idle time and (unless the client
   * options give one) the clients' timeouts.
   *
   * @default {systemClock}
   */
  clock?: Clock | undefined;
  /**
   * Where health changes are logged.
   *
   * @default {consoleLogger}
   */
  logger?: Logger | undefined;
}

/** Per-agent options of {@linkcode AgentClientPool.get}. */
export interface AgentPoolGetOptions {
  /**
   * CURVE keys for this agent (its public key differs per agent); absent
   * means the client options' keys, or plain text.
   *
   * @default {undefined}
   */
  curve?: CurveClientKeys | undefined;
  /**
   * The `agent_id` for the v3 calls.
   *
   * @default {the client options' agentId}
   */
  agentId?: string | null | undefined;
  /**
   * Aborts the connect.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
}

/** What the pool knows of one agent's health. */
export interface AgentPeerHealth {
  /** The address. */
  readonly address: string;
  /** Whether the last check passed (`true` before the first). */
  readonly healthy: boolean;
  /** When it was last checked, in clock time (`null`: never). */
  readonly lastCheckedAt: number | null;
  /** Why the last check failed. */
  readonly lastError: unknown;
  /** How many times its client was replaced. */
  readonly replacements: number;
}

interface PoolEntry {
  readonly address: string;
  readonly options: AgentPoolGetOptions;
  client: Promise<AgentClient> | undefined;
  lastUsed: number;
  healthy: boolean;
  lastCheckedAt: number | null;
  lastError: unknown;
  replacements: number;
  checking: Promise<void> | undefined;
  readonly breaker: CircuitBreakerPolicy;
  readonly policy: Policy;
}

function isTransportFailure(error: unknown): boolean {
  if (error instanceof AgentRpcRemoteError) return false;
  if (error instanceof BackendAIError) {
    return error.status >= 500 || error.retryable === true;
  }
  return true;
}

/**
 * A pool of agent clients keyed by address.
 *
 * @example Usage
 * ```ts
 * import { AgentClientPool } from "@backendai/common/clients/agent";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * await using pool = new AgentClientPool({ clock: new ManualClock() });
 * assert.equal(pool.size, 0);
 * ```
 */
export class AgentClientPool {
  readonly #entries = new Map<string, PoolEntry>();
  readonly #clientOptions: AgentClientOptions;
  readonly #connector: AgentConnector;
  readonly #intervalMs: number;
  readonly #checkTimeoutMs: number;
  readonly #idleMs: number;
  readonly #breaker: (address: string) => CircuitBreakerPolicy;
  readonly #callTimeoutMs: number | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  #timer: unknown;
  #tick: Promise<void> | undefined;
  #closed = false;

  /**
   * Makes an empty pool; its health loop starts with the first agent.
   *
   * @param options Client options, intervals, clock.
   */
  constructor(options: AgentClientPoolOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? consoleLogger;
    this.#clientOptions = {
      clock: this.#clock,
      logger: this.#logger,
      ...options.clientOptions,
    };
    this.#connector = options.connector ??
      ((address, clientOptions) => AgentClient.connect(address, clientOptions));
    this.#intervalMs = options.healthCheckIntervalMs ?? 30_000;
    this.#checkTimeoutMs = options.healthCheckTimeoutMs ?? 5_000;
    this.#idleMs = options.idleTimeoutMs ?? 600_000;
    this.#callTimeoutMs = options.callTimeoutMs;
    this.#breaker = options.breaker ??
      ((address) =>
        new CircuitBreakerPolicy({
          name: `agent ${address}`,
          failureThreshold: 5,
          recoveryMs: 30_000,
          isFailure: isTransportFailure,
          clock: this.#clock,
        }));
  }

  /** How many agents have an entry. */
  get size(): number {
    return this.#entries.size;
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#tick = this.#runTick().finally(() => {
        this.#tick = undefined;
        if (this.#entries.size > 0) this.#schedule();
      });
    }, this.#intervalMs);
    this.#clock.unref?.(this.#timer);
  }

  async #runTick(): Promise<void> {
    const now = this.#clock.now();
    const checks: Promise<void>[] = [];
    for (const entry of [...this.#entries.values()]) {
      if (now - entry.lastUsed >= this.#idleMs) {
        this.#entries.delete(entry.address);
        this.#logger.debug("agent client idle, closing", {
          address: entry.address,
        });
        checks.push(this.#drop(entry));
      } else {
        checks.push(this.#check(entry));
      }
    }
    await Promise.all(checks);
  }

  async #drop(entry: PoolEntry): Promise<void> {
    const client = entry.client;
    entry.client = undefined;
    if (!client) return;
    try {
      await (await client).close();
    } catch {
      // A client that never connected has nothing to close.
    }
  }

  #check(entry: PoolEntry): Promise<void> {
    entry.checking ??= this.#runCheck(entry).finally(() => {
      entry.checking = undefined;
    });
    return entry.checking;
  }

  async #runCheck(entry: PoolEntry): Promise<void> {
    const pending = entry.client;
    if (!pending) return;
    try {
      const client = await pending;
      await client.ping({ timeoutMs: this.#checkTimeoutMs });
      entry.healthy = true;
      entry.lastError = undefined;
    } catch (error) {
      if (this.#closed) return;
      entry.healthy = false;
      entry.lastError = error;
      entry.replacements++;
      this.#logger.warn("agent failed its health check; replacing its client", {
        address: entry.address,
        error: String(error),
      });
      if (entry.client === pending) await this.#drop(entry);
    } finally {
      entry.lastCheckedAt = this.#clock.now();
    }
  }

  #entry(address: string, options: AgentPoolGetOptions): PoolEntry {
    let entry = this.#entries.get(address);
    if (!entry) {
      const breaker = this.#breaker(address);
      entry = {
        address,
        options,
        client: undefined,
        lastUsed: this.#clock.now(),
        healthy: true,
        lastCheckedAt: null,
        lastError: undefined,
        replacements: 0,
        checking: undefined,
        breaker,
        policy: this.#callTimeoutMs === undefined ? breaker : wrap(
          breaker,
          new TimeoutPolicy({
            timeoutMs: this.#callTimeoutMs,
            clock: this.#clock,
          }),
        ),
      };
      this.#entries.set(address, entry);
      this.#schedule();
    }
    return entry;
  }

  /**
   * The client of `address`, connecting it if there is none (concurrent
   * calls share one connect).
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   *
   * await using pool = new AgentClientPool();
   * const agent = await pool.get("tcp://10.0.0.2:6001");
   * await agent.ping();
   * ```
   *
   * @param address `tcp://host:port`.
   * @param options This agent's keys, id, signal.
   * @returns The client.
   * @throws {AgentRpcClosedError} After `close()`.
   * @throws {AgentRpcConnectError} When the agent does not answer.
   */
  async get(
    address: string,
    options: AgentPoolGetOptions = {},
  ): Promise<AgentClient> {
    if (this.#closed) {
      throw new AgentRpcClosedError("The agent client pool is closed", {
        data: { address },
      });
    }
    const entry = this.#entry(address, options);
    entry.lastUsed = this.#clock.now();
    if (!entry.client) {
      const pending = this.#connector(address, {
        ...this.#clientOptions,
        ...(options.curve ? { curve: options.curve } : {}),
        ...(options.agentId !== undefined ? { agentId: options.agentId } : {}),
        signal: options.signal,
      });
      entry.client = pending;
      pending.then((client) => {
        if (entry.client !== pending || this.#closed) void client.close();
      }, () => {
        if (entry.client === pending) entry.client = undefined;
      });
    }
    const pending = entry.client;
    const client = await pending;
    if (client.rpc.closed) {
      // Closed underneath (its socket failed): connect a new one.
      if (entry.client === pending) await this.#drop(entry);
      return await this.get(address, options);
    }
    return client;
  }

  /**
   * Runs `fn` with the client of `address` under the address's circuit
   * breaker (and `callTimeoutMs`, when set); a timeout inside starts a
   * health check of that agent at once.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   *
   * await using pool = new AgentClientPool();
   * const hw = await pool.run("tcp://10.0.0.2:6001", (agent, signal) => agent.gatherHwinfo({ signal }));
   * ```
   *
   * @typeParam T What `fn` returns.
   * @param address The agent.
   * @param fn What to do with its client.
   * @param options This agent's keys and id, and a signal.
   * @returns What `fn` returns.
   * @throws {CircuitOpenError} While the agent's breaker is open.
   * @throws {ResilienceTimeoutError} Past `callTimeoutMs`.
   */
  async run<T>(
    address: string,
    fn: (client: AgentClient, signal: AbortSignal) => Promise<T>,
    options: AgentPoolGetOptions = {},
  ): Promise<T> {
    const entry = this.#entry(address, options);
    try {
      return await entry.policy.execute(
        async ({ signal }) => fn(await this.get(address, options), signal),
        { signal: options.signal },
      );
    } catch (error) {
      if (
        error instanceof AgentRpcTimeoutError ||
        error instanceof ResilienceTimeoutError
      ) void this.#check(entry);
      throw error;
    }
  }

  /**
   * Calls `method(*args, **kwargs)` on the agent at `address` through
   * {@linkcode AgentClientPool.run}.
   *
   * @example Usage (needs an agent; shown, not run)
   * ```ts ignore
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   *
   * await using pool = new AgentClientPool();
   * await pool.call("tcp://10.0.0.2:6001", "ping", ["ping"]);
   * ```
   *
   * @param address The agent.
   * @param method The method.
   * @param args Positional arguments.
   * @param options Keyword arguments, timeout, signal.
   * @returns The result.
   */
  call(
    address: string,
    method: string,
    args: readonly unknown[] = [],
    options: InvokeOptions & { kwargs?: Record<string, unknown> } = {},
  ): Promise<unknown> {
    const { kwargs, ...invoke } = options;
    return this.run(
      address,
      (client, signal) =>
        client.call(method, args, kwargs ?? {}, { ...invoke, signal }),
      { signal: options.signal },
    );
  }

  /**
   * Runs the health check of every agent now (the loop runs it every
   * interval).
   *
   * @example Usage
   * ```ts
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   *
   * await using pool = new AgentClientPool();
   * await pool.checkAll();
   * ```
   *
   * @returns When every check is done.
   */
  async checkAll(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => this.#check(e)));
  }

  /**
   * What the pool knows of each agent's health.
   *
   * @example Usage
   * ```ts
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   * import assert from "node:assert/strict";
   *
   * await using pool = new AgentClientPool();
   * assert.deepEqual(pool.health(), []);
   * ```
   *
   * @returns One record per agent.
   */
  health(): AgentPeerHealth[] {
    return [...this.#entries.values()].map((entry) => ({
      address: entry.address,
      healthy: entry.healthy,
      lastCheckedAt: entry.lastCheckedAt,
      lastError: entry.lastError,
      replacements: entry.replacements,
    }));
  }

  /**
   * Stops the loop and closes every client. Idempotent.
   *
   * @example Usage
   * ```ts
   * import { AgentClientPool } from "@backendai/common/clients/agent";
   *
   * const pool = new AgentClientPool();
   * await pool.close();
   * ```
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#drop(entry)));
    await this.#tick;
  }

  /**
   * Same as {@linkcode AgentClientPool.close}, for `await using`.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
