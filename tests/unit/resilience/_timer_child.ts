// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A process for timeout_test.ts: calls through timeout policies on the
// system clock, one call timing out, and prints their counts. The test
// checks that the process then exits by itself, long before the watchdogs'
// limits: an idle watchdog must not keep it alive.

import {
  CircuitBreakerPolicy,
  RetryPolicy,
  TimeoutPolicy,
  wrap,
} from "../../../resilience/mod.ts";

const LONG_MS = 600_000;
const long = new TimeoutPolicy({ timeoutMs: LONG_MS });
const short = new TimeoutPolicy({ timeoutMs: 5 });
const pipeline = wrap(
  new RetryPolicy({ maxAttempts: 2, delayMs: 1 }),
  new CircuitBreakerPolicy(),
  new TimeoutPolicy({ timeoutMs: LONG_MS }),
);
let timedOut = 0;
// A fast call arms the long watchdog; it stays armed (unref'd) when idle.
await long.execute(() => 1);
// A call that times out, then a fast one that arms the watchdog again.
await short.execute(() => new Promise(() => {})).catch(() => timedOut++);
await short.execute(() => 1);
// A retried call through a pipeline, its last attempt fast.
await pipeline.execute(({ attempt }) => {
  if (attempt === 1) throw new Error("flaky");
  return "ok";
});
console.log(JSON.stringify({
  timedOut,
  pending: long.pending + short.pending,
}));
