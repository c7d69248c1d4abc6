// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  type Policy,
  PolicyBase,
  PolicyPipeline,
  type PolicyStage,
  RetryPolicy,
  runNext,
  standardPipeline,
  withPolicy,
  wrap,
} from "../../../resilience/mod.ts";

/** A built-in-style policy that records when it is entered and left. */
class TracePolicy extends PolicyBase {
  constructor(name: string, trace: string[]) {
    const stage: PolicyStage = {
      async run(chain, next, fn, scope) {
        trace.push(`${name}>`);
        try {
          return await runNext(chain, next, fn, scope);
        } finally {
          trace.push(`<${name}`);
        }
      },
    };
    super([stage]);
  }
}

/** A policy that is not a PolicyBase: composed through the adapter. */
function foreignTrace(name: string, trace: string[]): Policy {
  return {
    async execute(fn, options) {
      trace.push(`${name}>`);
      try {
        return await fn({
          signal: options?.signal ?? new AbortController().signal,
          attempt: 1,
        });
      } finally {
        trace.push(`<${name}`);
      }
    },
  };
}

Deno.test("wrap: the first policy is the outermost", async () => {
  const trace: string[] = [];
  const pipeline = wrap(
    new TracePolicy("a", trace),
    foreignTrace("b", trace),
    new TracePolicy("c", trace),
  );
  const result = await pipeline.execute(() => {
    trace.push("fn");
    return 5;
  });
  assert.equal(result, 5);
  assert.deepEqual(trace, ["a>", "b>", "c>", "fn", "<c", "<b", "<a"]);
});

Deno.test("wrap: a pipeline inside a pipeline is flattened, in order", async () => {
  const trace: string[] = [];
  const inner = wrap(new TracePolicy("b", trace), new TracePolicy("c", trace));
  const outer = wrap(new TracePolicy("a", trace), inner);
  assert.ok(outer instanceof PolicyPipeline);
  assert.equal(outer.stages.length, 3);
  assert.equal(outer.policies.length, 2);
  await outer.execute(() => trace.push("fn"));
  assert.deepEqual(trace, ["a>", "b>", "c>", "fn", "<c", "<b", "<a"]);
});

Deno.test("execute: sync values, sync throws and thenables", async () => {
  const policy = wrap(new RetryPolicy({ maxAttempts: 1 }));
  assert.equal(await policy.execute(() => "sync"), "sync");
  await assert.rejects(
    policy.execute(() => {
      throw new RangeError("sync throw");
    }),
    RangeError,
  );
  const thenable: PromiseLike<string> = {
    then: (resolve) => Promise.resolve("thenable").then(resolve),
  };
  assert.equal(await policy.execute(() => thenable), "thenable");
});

Deno.test("execute: an already aborted signal rejects without calling fn", async () => {
  let calls = 0;
  const controller = new AbortController();
  controller.abort(new Error("stop"));
  await assert.rejects(
    wrap(new RetryPolicy()).execute(() => calls++, {
      signal: controller.signal,
    }),
    /stop/,
  );
  assert.equal(calls, 0);
});

Deno.test("execute: the context carries the caller's signal and attempt 1", async () => {
  const controller = new AbortController();
  const seen = await new RetryPolicy().execute(
    (context) => [context.signal, context.attempt] as const,
    { signal: controller.signal },
  );
  assert.equal(seen[0], controller.signal);
  assert.equal(seen[1], 1);
  const idle = await new RetryPolicy().execute(({ signal }) => signal.aborted);
  assert.equal(idle, false);
});

Deno.test("wrapFunction: passes arguments and names the operation", async () => {
  const operations: (string | undefined)[] = [];
  const recording = new PolicyBase([{
    run(chain, next, fn, scope) {
      operations.push(scope.operation);
      return runNext(chain, next, fn, scope);
    },
  }]);
  function add(a: number, b: number): number {
    return a + b;
  }
  assert.equal(await recording.wrapFunction(add)(2, 3), 5);
  assert.equal(
    await recording.wrapFunction(add, { operation: "sum" })(1, 1),
    2,
  );
  assert.deepEqual(operations, ["add", "sum"]);
});

Deno.test("withPolicy: wraps the chosen methods, keeps this and other properties", async () => {
  const operations: (string | undefined)[] = [];
  const recording = new PolicyBase([{
    run(chain, next, fn, scope) {
      operations.push(scope.operation);
      return runNext(chain, next, fn, scope);
    },
  }]);
  const client = {
    prefix: "v:",
    get(key: string): string {
      return this.prefix + key;
    },
    set(key: string): string {
      return `set ${key}`;
    },
  };
  const safe = withPolicy(client, recording, {
    methods: ["get"],
    operationPrefix: "redis.",
  });
  assert.equal(safe.prefix, "v:");
  const got: unknown = safe.get("a");
  assert.ok(got instanceof Promise);
  assert.equal(await got, "v:a");
  assert.equal(safe.set("b"), "set b"); // not listed: untouched, synchronous
  assert.equal(safe.get, safe.get); // one wrapper per method
  assert.deepEqual(operations, ["redis.get"]);
});

Deno.test("standardPipeline: fallback, metric, retry, breaker, timeout, bulkhead", async () => {
  const trace: string[] = [];
  const names = [
    "bulkhead",
    "timeout",
    "circuitBreaker",
    "retry",
    "metric",
    "fallback",
  ] as const;
  const parts = Object.fromEntries(
    names.map((name) => [name, foreignTrace(name, trace)]),
  );
  await standardPipeline(parts).execute(() => trace.push("fn"));
  assert.deepEqual(trace.slice(0, 7), [
    "fallback>",
    "metric>",
    "retry>",
    "circuitBreaker>",
    "timeout>",
    "bulkhead>",
    "fn",
  ]);
  assert.equal(standardPipeline({ retry: new RetryPolicy() }).stages.length, 1);
});

Deno.test("policy: each call without a caller's signal gets a signal of its own", async () => {
  const policy = new RetryPolicy({ maxAttempts: 1 });
  const signals = new Set<AbortSignal>();
  for (let i = 0; i < 3; i++) {
    await policy.execute(({ signal }) => void signals.add(signal));
    await policy.execute(({ signal }) => void signals.add(signal), {
      operation: "op",
    });
  }
  assert.equal(signals.size, 6, "no signal (and its listeners) is shared");
});
