// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The one policy shape and its composition: {@linkcode Policy},
 * {@linkcode PolicyBase}, {@linkcode wrap}, {@linkcode withPolicy}.
 *
 * How a composed call runs without per-call closures, controllers or timers:
 * a pipeline is a flat array of {@linkcode PolicyStage}s; each stage calls
 * {@linkcode runNext} with the index of the next one, and the last calls the
 * function. What the function receives is a {@linkcode PolicyScope} whose
 * `signal` is created only when read.
 *
 * @module
 */

/**
 * What a function run under a policy receives.
 *
 * @example Usage
 * ```ts
 * import { type PolicyContext, RetryPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const seen: number[] = [];
 * const retry = new RetryPolicy({ maxAttempts: 2, delayMs: 0 });
 * await retry.execute((context: PolicyContext) => {
 *   seen.push(context.attempt);
 *   if (context.attempt === 1) throw new Error("flaky");
 *   return context.signal.aborted;
 * });
 * assert.deepEqual(seen, [1, 2]);
 * ```
 */
export interface PolicyContext {
  /**
   * Aborted when the caller aborts or an enclosing timeout expires; pass it
   * to fetch, sleeps and clients. Created on first read, so a function that
   * never reads it costs no `AbortController`.
   */
  readonly signal: AbortSignal;
  /** The attempt number, from 1 (always 1 without a retry policy). */
  readonly attempt: number;
}

/** Options of one {@linkcode Policy.execute} call. */
export interface ExecuteOptions {
  /**
   * Aborts the call: waits inside the policies end at once and the
   * function's signal is aborted with the same reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal | undefined;
  /**
   * The operation name used by a {@linkcode MetricPolicy}.
   *
   * @default {the function's name, or "anonymous"}
   */
  operation?: string | undefined;
}

/** A function a policy runs. */
export type PolicyFunction<T> = (context: PolicyContext) => T | PromiseLike<T>;

/**
 * The one shape every policy has. Anything with this method composes with
 * the built-in policies through {@linkcode wrap}.
 *
 * @example A custom policy that logs
 * ```ts
 * import { type Policy, RetryPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const log: string[] = [];
 * const logging: Policy = {
 *   async execute(fn, options) {
 *     log.push("before");
 *     try {
 *       return await fn({ signal: options?.signal ?? new AbortController().signal, attempt: 1 });
 *     } finally {
 *       log.push("after");
 *     }
 *   },
 * };
 * const result = await wrap(logging, new RetryPolicy({ maxAttempts: 1 })).execute(() => 42);
 * assert.equal(result, 42);
 * assert.deepEqual(log, ["before", "after"]);
 * ```
 */
export interface Policy {
  /**
   * Runs `fn` under this policy.
   *
   * @param fn The function; it receives the context with signal and attempt.
   * @param options The caller's signal and the operation name.
   * @returns What `fn` returns, unless the policy changes the outcome.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T>;
}

/**
 * The per-call state a {@linkcode PolicyStage} receives and hands down: the
 * function's context plus what the stages share.
 *
 * @example Usage
 * ```ts
 * import { type PolicyScope, RetryPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * await new RetryPolicy().execute((context) => {
 *   const scope = context as PolicyScope;
 *   assert.equal(scope.waitSignal, undefined); // nothing can abort this call
 * });
 * ```
 */
export interface PolicyScope extends PolicyContext {
  /**
   * The signal that waits in a stage (backoff, queue, latency) must observe,
   * or `undefined` when nothing can abort them.
   */
  readonly waitSignal: AbortSignal | undefined;
  /** The operation name given to `execute`, if any. */
  readonly operation: string | undefined;
  /** Called by a retry stage before each retry (a metric stage counts them). */
  readonly onRetry: (() => void) | undefined;
  /**
   * The enclosing stages that may stop waiting for this call before it
   * settles (a timeout that expires, or the caller's abort seen by it), or
   * `undefined` when none can. A stage that keeps state per call, as a
   * breaker does, registers with it so that a call given up on is settled
   * when it is given up on, not when (or if) the function ends. A scope
   * that wraps another forwards its parent's.
   */
  readonly abandonment?: Abandonment | undefined;
}

/**
 * Told when an enclosing stage stops waiting for a call; see
 * {@linkcode PolicyScope.abandonment}.
 *
 * @example A stage that hears when its call is given up on
 * ```ts
 * import {
 *   type AbandonListener, ManualClock, PolicyBase, type PolicyStage, runNext, TimeoutPolicy, wrap,
 * } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const heard: boolean[] = [];
 * const listening: PolicyStage = {
 *   run(chain, next, fn, scope) {
 *     const listener: AbandonListener = { abandoned: (_reason, timedOut) => heard.push(timedOut) };
 *     scope.abandonment?.watch(listener);
 *     return runNext(chain, next, fn, scope);
 *   },
 * };
 * const clock = new ManualClock();
 * const pipeline = wrap(new TimeoutPolicy({ timeoutMs: 10, clock }), new PolicyBase([listening]));
 * const call = pipeline.execute(() => new Promise(() => {}));
 * call.catch(() => {});
 * await clock.advance(10);
 * assert.deepEqual(heard, [true]);
 * ```
 */
export interface AbandonListener {
  /**
   * The call was given up on; whatever it does later is not its outcome.
   *
   * @param reason The error the caller receives: a `ResilienceTimeoutError`
   * when a timeout expired, else the caller's abort reason.
   * @param timedOut `true` when a timeout expired, `false` when the caller aborted.
   */
  abandoned(reason: unknown, timedOut: boolean): void;
}

/**
 * Where a stage registers an {@linkcode AbandonListener}: the
 * {@linkcode PolicyScope.abandonment} of a call inside a timeout.
 *
 * @example Usage
 * ```ts
 * import { type Abandonment, type PolicyScope, TimeoutPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * await new TimeoutPolicy({ timeoutMs: 1000 }).execute((context) => {
 *   const abandonment: Abandonment | undefined = (context as PolicyScope).abandonment;
 *   assert.ok(abandonment !== undefined); // this call runs inside a timeout
 * });
 * ```
 */
export interface Abandonment {
  /**
   * Registers `listener`; it is called at most once per enclosing stage,
   * at once when the call was already given up on.
   *
   * @param listener The listener.
   */
  watch(listener: AbandonListener): void;
}

/**
 * One step of a pipeline. A stage does its work around
 * `runNext(chain, next, fn, scope)`, which runs the rest of the pipeline.
 * Implement it to write a policy that composes without closures.
 *
 * @example A stage that counts calls
 * ```ts
 * import { PolicyBase, type PolicyStage, runNext } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * let calls = 0;
 * const counting: PolicyStage = {
 *   run(chain, next, fn, scope) {
 *     calls++;
 *     return runNext(chain, next, fn, scope);
 *   },
 * };
 * class CountingPolicy extends PolicyBase {
 *   constructor() {
 *     super([counting]);
 *   }
 * }
 * await new CountingPolicy().execute(() => "ok");
 * assert.equal(calls, 1);
 * ```
 */
export interface PolicyStage {
  /**
   * Runs this stage and, through {@linkcode runNext}, the rest.
   *
   * @param chain The pipeline's stages.
   * @param next The index of the next stage.
   * @param fn The user's function.
   * @param scope The call's scope.
   * @returns The outcome.
   */
  run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown>;
}

/**
 * Runs the stage at `next`, or the function once the stages are used up.
 * Never throws: a synchronous throw becomes a rejection.
 *
 * @example Usage
 * ```ts
 * import { type PolicyScope, runNext } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const scope: PolicyScope = {
 *   signal: new AbortController().signal,
 *   attempt: 1,
 *   waitSignal: undefined,
 *   operation: undefined,
 *   onRetry: undefined,
 * };
 * assert.equal(await runNext([], 0, () => 7, scope), 7);
 * await assert.rejects(runNext([], 0, () => { throw new Error("x"); }, scope), /x/);
 * ```
 *
 * @param chain The pipeline's stages.
 * @param next The index of the stage to run.
 * @param fn The user's function.
 * @param scope The call's scope.
 * @returns The outcome.
 */
export function runNext(
  chain: readonly PolicyStage[],
  next: number,
  fn: PolicyFunction<unknown>,
  scope: PolicyScope,
): Promise<unknown> {
  try {
    const stage = chain[next];
    if (stage !== undefined) return stage.run(chain, next + 1, fn, scope);
    const result = fn(scope);
    return result instanceof Promise ? result : Promise.resolve(result);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The scope of one call. Without a caller's signal, `fn` gets a signal of
 * its own, made only when read: one shared signal would collect every
 * call's abort listeners for the policy's lifetime.
 */
class CallScope implements PolicyScope {
  readonly attempt: number = 1;
  readonly waitSignal: AbortSignal | undefined;
  readonly operation: string | undefined;
  readonly onRetry: undefined = undefined;
  readonly abandonment: undefined = undefined;
  #signal: AbortSignal | undefined;

  constructor(options: ExecuteOptions | undefined) {
    this.#signal = this.waitSignal = options?.signal;
    this.operation = options?.operation;
  }

  get signal(): AbortSignal {
    return this.#signal ??= new AbortController().signal;
  }
}

/**
 * Adapts a {@linkcode Policy} that is not a {@linkcode PolicyBase} into a
 * stage (one closure per call).
 */
class ForeignStage implements PolicyStage {
  readonly #policy: Policy;

  constructor(policy: Policy) {
    this.#policy = policy;
  }

  run(
    chain: readonly PolicyStage[],
    next: number,
    fn: PolicyFunction<unknown>,
    scope: PolicyScope,
  ): Promise<unknown> {
    const options: ExecuteOptions = {};
    if (scope.waitSignal !== undefined) options.signal = scope.waitSignal;
    if (scope.operation !== undefined) options.operation = scope.operation;
    return this.#policy.execute((context) =>
      runNext(chain, next, fn, {
        signal: context.signal,
        attempt: scope.attempt,
        waitSignal: context.signal,
        operation: scope.operation,
        onRetry: scope.onRetry,
        abandonment: scope.abandonment,
      }), options);
  }
}

/**
 * The base of the built-in policies and of {@linkcode PolicyPipeline}: runs
 * its stages for {@linkcode PolicyBase.execute} and turns functions into
 * protected functions with {@linkcode PolicyBase.wrapFunction}.
 *
 * @example Protect a function
 * ```ts
 * import { RetryPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * let calls = 0;
 * async function fetchUser(id: string): Promise<string> {
 *   if (++calls < 2) throw new Error("connection reset");
 *   return `user ${id}`;
 * }
 * const getUser = new RetryPolicy({ maxAttempts: 3, delayMs: 0 }).wrapFunction(fetchUser);
 * assert.equal(await getUser("u1"), "user u1");
 * assert.equal(calls, 2);
 * ```
 */
export class PolicyBase implements Policy {
  readonly #stages: readonly PolicyStage[];

  /**
   * Makes a policy from stages (subclasses pass their own).
   *
   * @param stages The stages, outermost first.
   */
  constructor(stages: readonly PolicyStage[]) {
    this.#stages = stages;
  }

  /**
   * This policy's stages, outermost first; {@linkcode wrap} concatenates them.
   *
   * @returns The stages.
   */
  get stages(): readonly PolicyStage[] {
    return this.#stages;
  }

  /**
   * Runs `fn` under this policy.
   *
   * @param fn The function; it receives the context with signal and attempt.
   * @param options The caller's signal and the operation name.
   * @returns What `fn` returns, unless a policy changes the outcome.
   */
  execute<T>(fn: PolicyFunction<T>, options?: ExecuteOptions): Promise<T> {
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason);
    return runNext(this.#stages, 0, fn, new CallScope(options)) as Promise<T>;
  }

  /**
   * Returns a function that runs `fn` under this policy on every call; the
   * operation name is `fn`'s name unless given.
   *
   * @param fn The function to protect.
   * @param options The operation name.
   * @returns The protected function.
   */
  wrapFunction<A extends unknown[], T>(
    fn: (...args: A) => T | PromiseLike<T>,
    options: { operation?: string } = {},
  ): (...args: A) => Promise<T> {
    const operation = options.operation ?? (fn.name || "anonymous");
    return (...args: A): Promise<T> =>
      this.execute(() => fn(...args), { operation });
  }
}

/**
 * Several policies run as one: the first is the outermost. Made by
 * {@linkcode wrap}.
 *
 * @example Usage
 * ```ts
 * import { PolicyPipeline, RetryPolicy, TimeoutPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const pipeline = wrap(new RetryPolicy({ maxAttempts: 2 }), new TimeoutPolicy({ timeoutMs: 1000 }));
 * assert.ok(pipeline instanceof PolicyPipeline);
 * assert.equal(pipeline.policies.length, 2);
 * assert.equal(await pipeline.execute(() => "ok"), "ok");
 * ```
 */
export class PolicyPipeline extends PolicyBase {
  /** The policies as given to {@linkcode wrap}. */
  readonly policies: readonly Policy[];

  /**
   * Makes a pipeline; prefer {@linkcode wrap}.
   *
   * @param policies The policies, outermost first.
   */
  constructor(policies: readonly Policy[]) {
    super(
      policies.flatMap((policy) =>
        policy instanceof PolicyBase
          ? policy.stages
          : [new ForeignStage(policy)]
      ),
    );
    this.policies = [...policies];
  }
}

/**
 * Composes policies into one; the first is the outermost, as upstream's
 * `Resilience([P1, P2, P3])` orders them: `P1 → P2 → P3 → fn → P3 → P2 → P1`.
 * A pipeline is a policy and can be wrapped again.
 *
 * @example Retry outside a timeout: each attempt gets its own time limit
 * ```ts
 * import { ManualClock, RetryPolicy, TimeoutPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * const pipeline = wrap(
 *   new RetryPolicy({ maxAttempts: 2, delayMs: 0, clock }),
 *   new TimeoutPolicy({ timeoutMs: 100, clock }),
 * );
 * const result = pipeline.execute(({ attempt }) =>
 *   attempt === 1 ? new Promise<string>(() => {}) : "second attempt"
 * );
 * await clock.advance(100);
 * assert.equal(await result, "second attempt");
 * ```
 *
 * @param policies The policies, outermost first.
 * @returns The composed policy.
 */
export function wrap(...policies: Policy[]): PolicyPipeline {
  return new PolicyPipeline(policies);
}

/** Options for {@linkcode withPolicy}. */
export interface WithPolicyOptions<T> {
  /**
   * The methods to protect.
   *
   * @default {every function property}
   */
  methods?: readonly (keyof T & string)[] | undefined;
  /**
   * Prefixed to the method name to make the operation name.
   *
   * @default {""}
   */
  operationPrefix?: string | undefined;
}

/**
 * Middleware for a client: returns a view of `target` whose methods run
 * under `policy`, each with its method name as the operation name (what a
 * {@linkcode MetricPolicy} labels). Other properties pass through.
 *
 * @example Retry and measure a client's calls
 * ```ts
 * import { InMemoryLayerMetrics, MetricPolicy, RetryPolicy, withPolicy, wrap } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * let failures = 1;
 * const client = {
 *   async get(key: string): Promise<string> {
 *     if (failures-- > 0) throw new Error("connection reset");
 *     return `value of ${key}`;
 *   },
 * };
 * const metrics = new InMemoryLayerMetrics();
 * const safe = withPolicy(
 *   client,
 *   wrap(
 *     new MetricPolicy({ domain: "valkey", layer: "valkey_live", recorder: metrics }),
 *     new RetryPolicy({ maxAttempts: 3, delayMs: 0 }),
 *   ),
 * );
 * assert.equal(await safe.get("k"), "value of k");
 * assert.equal(metrics.get({ domain: "valkey", layer: "valkey_live", operation: "get" })?.retries, 1);
 * ```
 *
 * @param target The client.
 * @param policy The policy every protected call runs under.
 * @param options Which methods, and an operation name prefix.
 * @returns The protected view (a Proxy).
 */
export function withPolicy<T extends object>(
  target: T,
  policy: Policy,
  options: WithPolicyOptions<T> = {},
): T {
  const only = options.methods === undefined
    ? undefined
    : new Set<PropertyKey>(options.methods);
  const prefix = options.operationPrefix ?? "";
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (
        typeof value !== "function" || typeof key !== "string" ||
        (only !== undefined && !only.has(key))
      ) return value;
      let wrapped = cache.get(key);
      if (wrapped === undefined) {
        const operation = prefix + key;
        wrapped = (...args: unknown[]): Promise<unknown> =>
          policy.execute(
            () => (value as (...a: unknown[]) => unknown).apply(object, args),
            { operation },
          );
        cache.set(key, wrapped);
      }
      return wrapped;
    },
  });
}

/**
 * A registered listener; dispose of it to stop listening.
 *
 * @example Usage
 * ```ts
 * import { CircuitBreakerPolicy } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const breaker = new CircuitBreakerPolicy({ failureThreshold: 1 });
 * const seen: string[] = [];
 * const listener = breaker.onStateChange((change) => seen.push(change.to));
 * await breaker.execute(() => Promise.reject(new Error("down"))).catch(() => {});
 * listener.dispose();
 * breaker.reset();
 * assert.deepEqual(seen, ["open"]);
 * ```
 */
export interface Listener extends Disposable {
  /** Stops calling the listener. */
  dispose(): void;
}

/** A list of listeners; `emit` costs nothing when nobody listens. */
export class Emitter<T> {
  #listeners: ((event: T) => void)[] = [];

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  on(listener: (event: T) => void): Listener {
    this.#listeners = [...this.#listeners, listener];
    const dispose = (): void => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
    return { dispose, [Symbol.dispose]: dispose };
  }

  /** Calls every listener; one that throws is skipped, never the policy's outcome. */
  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not change the call's outcome.
      }
    }
  }
}
