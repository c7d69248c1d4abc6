// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { BackendAIError, InvalidAPIParameters } from "../../../exception.ts";
import {
  CircuitOpenError,
  isProgrammingError,
  ManualClock,
  RetryPolicy,
} from "../../../resilience/mod.ts";

function failing(
  calls: { n: number },
  error: () => unknown = () => new Error("busy"),
) {
  return (): never => {
    calls.n++;
    throw error();
  };
}

Deno.test("retry: maxAttempts counts every call, and the last error is thrown", async () => {
  const clock = new ManualClock();
  const retry = new RetryPolicy({ maxAttempts: 3, delayMs: 100, clock });
  const calls = { n: 0 };
  let last: unknown;
  const call = retry.execute(failing(calls, () => (last = new Error("busy"))));
  call.catch(() => {});
  await clock.advance(200);
  await assert.rejects(call, (error) => error === last);
  assert.equal(calls.n, 3);
  assert.equal(clock.pending, 0); // no wait after the last attempt
});

Deno.test("retry: fixed, exponential and capped delays", async () => {
  const sequence = async (
    options: ConstructorParameters<typeof RetryPolicy>[0],
  ) => {
    const clock = new ManualClock();
    const retry = new RetryPolicy({ ...options, clock });
    const delays: number[] = [];
    const attempts: number[] = [];
    retry.onRetry((event) => {
      delays.push(event.delayMs);
      attempts.push(event.attempt);
    });
    const call = retry.execute(failing({ n: 0 }));
    call.catch(() => {});
    await clock.advance(100_000);
    await assert.rejects(call, /busy/);
    return { delays, attempts };
  };
  assert.deepEqual(await sequence({ maxAttempts: 4, delayMs: 50 }), {
    delays: [50, 50, 50],
    attempts: [1, 2, 3],
  });
  assert.deepEqual(
    (await sequence({
      maxAttempts: 6,
      delayMs: 100,
      backoff: "exponential",
      maxDelayMs: 1000,
    })).delays,
    [100, 200, 400, 800, 1000],
  );
  assert.deepEqual(
    (await sequence({
      maxAttempts: 4,
      delayMs: 100,
      backoff: "exponential",
      jitter: "full",
      random: () => 0.5,
    })).delays,
    [50, 100, 200],
  );
  assert.deepEqual(
    (await sequence({
      maxAttempts: 3,
      delayMs: 100,
      backoff: "exponential",
      jitter: "equal",
      random: () => 0,
    })).delays,
    [50, 100],
  );
});

Deno.test("retry: the waits really wait on the clock", async () => {
  const clock = new ManualClock();
  const retry = new RetryPolicy({ maxAttempts: 2, delayMs: 100, clock });
  const calls = { n: 0 };
  const call = retry.execute(() => {
    if (++calls.n === 1) throw new Error("busy");
    return "ok";
  });
  await clock.advance(99);
  assert.equal(calls.n, 1);
  await clock.advance(1);
  assert.equal(await call, "ok");
  assert.equal(calls.n, 2);
});

Deno.test("retry: programming errors and non-retryable errors are thrown after one call", async () => {
  const cases: [
    string,
    () => unknown,
    ConstructorParameters<typeof RetryPolicy>[0],
  ][] = [
    ["TypeError", () => new TypeError("x is not a function"), {}],
    ["ReferenceError", () => new ReferenceError("y is not defined"), {}],
    ["SyntaxError", () => new SyntaxError("bad JSON"), {}],
    ["CircuitOpenError", () => new CircuitOpenError("c", 10), {}],
    ["listed class", () => new BackendAIError("any"), {
      nonRetryable: [BackendAIError],
    }],
    ["predicate", () => new Error("fatal"), {
      retryIf: (error) => (error as Error).message !== "fatal",
    }],
  ];
  for (const [label, make, options] of cases) {
    const calls = { n: 0 };
    const retry = new RetryPolicy({ maxAttempts: 5, delayMs: 0, ...options });
    const gaveUp: number[] = [];
    retry.onGiveUp((event) => gaveUp.push(event.attempts));
    await assert.rejects(retry.execute(failing(calls, make)));
    assert.equal(calls.n, 1, label);
    assert.deepEqual(gaveUp, [1], label);
  }
});

Deno.test("retry: the predicate sees the error and the attempt", async () => {
  const seen: number[] = [];
  const retry = new RetryPolicy({
    maxAttempts: 5,
    delayMs: 0,
    retryIf: (_error, attempt) => {
      seen.push(attempt);
      return attempt < 3;
    },
  });
  const calls = { n: 0 };
  await assert.rejects(retry.execute(failing(calls)));
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(calls.n, 3);
});

Deno.test("retry: an abort during the wait rejects at once and stops the attempts", async () => {
  const clock = new ManualClock();
  const retry = new RetryPolicy({ maxAttempts: 5, delayMs: 10_000, clock });
  const controller = new AbortController();
  const calls = { n: 0 };
  const call = retry.execute(failing(calls), { signal: controller.signal });
  call.catch(() => {});
  await clock.advance(1);
  assert.equal(clock.pending, 1); // the backoff timer
  controller.abort(new Error("shutting down"));
  await assert.rejects(call, /shutting down/);
  assert.equal(clock.pending, 0);
  assert.equal(calls.n, 1);
});

Deno.test("retry: an error after the caller aborted is not retried", async () => {
  const controller = new AbortController();
  const calls = { n: 0 };
  const retry = new RetryPolicy({ maxAttempts: 5, delayMs: 0 });
  await assert.rejects(
    retry.execute(() => {
      calls.n++;
      controller.abort(new Error("stop"));
      throw new Error("interrupted");
    }, { signal: controller.signal }),
    /interrupted/,
  );
  assert.equal(calls.n, 1);
});

Deno.test("retry: attempts are numbered in the context", async () => {
  const seen: number[] = [];
  await new RetryPolicy({ maxAttempts: 3, delayMs: 0 }).execute(
    ({ attempt }) => {
      seen.push(attempt);
      if (attempt < 3) throw new Error("again");
    },
  );
  assert.deepEqual(seen, [1, 2, 3]);
});

Deno.test("retry: invalid options name the field", () => {
  for (
    const [options, field] of [
      [{ maxAttempts: 0 }, "maxAttempts"],
      [{ maxAttempts: 1.5 }, "maxAttempts"],
      [{ delayMs: -1 }, "delayMs"],
      [{ backoff: "linear" as "fixed" }, "backoff"],
      [{ jitter: "some" as "none" }, "jitter"],
    ] as const
  ) {
    assert.throws(
      () => new RetryPolicy(options),
      (error) =>
        error instanceof InvalidAPIParameters &&
        error.message.includes(field),
    );
  }
});

Deno.test("retry: retryIf decides about programming errors too", async () => {
  for (
    const make of [
      () => new TypeError("fetch failed"),
      () => new TypeError("x is not a function"),
      () => new SyntaxError("Unexpected end of JSON input"),
    ]
  ) {
    const calls = { n: 0 };
    const retry = new RetryPolicy({
      maxAttempts: 3,
      delayMs: 0,
      retryIf: () => true,
    });
    await assert.rejects(retry.execute(failing(calls, make)));
    assert.equal(calls.n, 3, String(make()));
  }
});

/** The TypeErrors fetch throws on a network failure, as each runtime builds them. */
const NETWORK_TYPE_ERRORS: [string, () => TypeError][] = [
  ["Node (undici)", () =>
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
    })],
  ["Node, socket closed", () =>
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), {
        code: "UND_ERR_SOCKET",
      }),
    })],
  ["Deno", () =>
    new TypeError("fetch failed", {
      cause: new Error(
        "error sending request for url (http://127.0.0.1:9/): client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    })],
  ["older Deno", () =>
    new TypeError(
      "error sending request for url (http://127.0.0.1:9/): client error (Connect)",
    )],
  ["Bun", () =>
    Object.assign(
      new TypeError(
        "ECONNREFUSED: Unable to connect. Is the computer able to access the url?",
      ),
      { code: "ECONNREFUSED" },
    )],
];

/** TypeErrors of a bug or a bad argument, fetch's included. */
const PROGRAMMING_TYPE_ERRORS: [string, () => TypeError][] = [
  ["not a function", () => new TypeError("x is not a function")],
  [
    "of undefined",
    () => new TypeError("Cannot read properties of undefined (reading 'id')"),
  ],
  ["Node, bad URL", () =>
    new TypeError("Failed to parse URL from not a url", {
      cause: Object.assign(new TypeError("Invalid URL"), {
        code: "ERR_INVALID_URL",
      }),
    })],
  ["Bun, bad argument", () =>
    Object.assign(
      new TypeError("fetch() request with GET/HEAD method cannot have body."),
      { code: "ERR_INVALID_ARG_VALUE" },
    )],
  ["Deno, bad URL", () => new TypeError("Invalid URL: 'not a url'")],
];

Deno.test("retry: by default fetch's network TypeError is retried, a programming TypeError is not", async () => {
  for (const [label, make] of NETWORK_TYPE_ERRORS) {
    const calls = { n: 0 };
    const retry = new RetryPolicy({ maxAttempts: 3, delayMs: 0 });
    await assert.rejects(retry.execute(failing(calls, make)), TypeError);
    assert.equal(calls.n, 3, label);
  }
  for (const [label, make] of PROGRAMMING_TYPE_ERRORS) {
    const calls = { n: 0 };
    const retry = new RetryPolicy({ maxAttempts: 3, delayMs: 0 });
    await assert.rejects(retry.execute(failing(calls, make)), TypeError);
    assert.equal(calls.n, 1, label);
  }
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

Deno.test("retry: a real fetch to a closed port is retried by default; a bad URL is not", async () => {
  const port = await closedPort();
  const retry = new RetryPolicy({ maxAttempts: 3, delayMs: 0 });
  let calls = 0;
  const refused = await retry.execute(async ({ signal }) => {
    calls++;
    await fetch(`http://127.0.0.1:${port}/`, { signal });
  }).then(() => undefined, (error: unknown) => error);
  assert.ok(refused instanceof TypeError, String(refused));
  assert.equal(calls, 3, `fetch threw ${String(refused)}`);
  calls = 0;
  const badUrl = await retry.execute(async () => {
    calls++;
    await fetch("not a url");
  }).then(() => undefined, (error: unknown) => error);
  assert.ok(badUrl instanceof TypeError, String(badUrl));
  assert.equal(calls, 1, `fetch threw ${String(badUrl)}`);
});

Deno.test("retry: isProgrammingError tells fetch's network TypeError from a bug", () => {
  for (const [label, make] of NETWORK_TYPE_ERRORS) {
    assert.equal(isProgrammingError(make()), false, label);
  }
  for (const [label, make] of PROGRAMMING_TYPE_ERRORS) {
    assert.equal(isProgrammingError(make()), true, label);
  }
  assert.equal(
    isProgrammingError(new ReferenceError("y is not defined")),
    true,
  );
  assert.equal(isProgrammingError(new SyntaxError("Unexpected token")), true);
  for (const other of [new Error("reset"), "text", undefined, null, 42]) {
    assert.equal(isProgrammingError(other), false, String(other));
  }
});

Deno.test("retry: construction draws no random number; a seeded run gets the seeded delays", async () => {
  const draws = [0.1, 0.2, 0.3];
  let taken = 0;
  const random = () => draws[taken++] ?? 0.9;
  const clock = new ManualClock();
  const retry = new RetryPolicy({
    maxAttempts: 4,
    delayMs: 100,
    backoff: "exponential",
    jitter: "full",
    random,
    clock,
  });
  assert.equal(taken, 0, "draws at construction");
  const delays: number[] = [];
  retry.onRetry((event) => delays.push(event.delayMs));
  const call = retry.execute(failing({ n: 0 }));
  call.catch(() => {});
  await clock.advance(10_000);
  await assert.rejects(call, /busy/);
  assert.deepEqual(delays, [0.1 * 100, 0.2 * 200, 0.3 * 400]);
  assert.equal(taken, 3);
});

Deno.test("retry: a NaN delay from the random source is refused on a manual clock", async () => {
  const clock = new ManualClock();
  const retry = new RetryPolicy({
    maxAttempts: 2,
    delayMs: 100,
    jitter: "full",
    random: () => Number.NaN,
    clock,
  });
  const call = retry.execute(() => {
    throw new Error("busy");
  });
  call.catch(() => {});
  await clock.advance(10_000);
  const outcome = await Promise.race([
    call.then(() => "resolved", (error: unknown) => error),
    new Promise((resolve) => setTimeout(() => resolve("pending"), 0)),
  ]);
  assert.ok(outcome instanceof InvalidAPIParameters, String(outcome));
  assert.equal((outcome as Error).cause instanceof Error, true);
});
