// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// The cases of scripts/bench/resilience.ts, in plain JavaScript so that the
// same code runs under Deno (from resilience.ts) and under Node (from
// _resilience_node.mjs, against the npm build). Each case awaits one call at
// a time; the figure is nanoseconds per successful call, median of rounds.

/** The function every pipeline runs: an already-resolved promise. */
function work() {
  return Promise.resolve(1);
}

/**
 * Builds the cases from the three libraries' modules.
 *
 * @param {{ ours: any, cockatiel: any, Opossum: any }} libs
 */
export function makeCases({ ours, cockatiel, Opossum }) {
  const c = cockatiel;
  const oursPipeline = ours.wrap(
    new ours.RetryPolicy({ maxAttempts: 3, delayMs: 100 }),
    new ours.CircuitBreakerPolicy({ failureThreshold: 5, recoveryMs: 10_000 }),
    new ours.TimeoutPolicy({ timeoutMs: 1000 }),
  );
  const cockatielPipeline = c.wrap(
    c.retry(c.handleAll, { maxAttempts: 2 }),
    c.circuitBreaker(c.handleAll, {
      halfOpenAfter: 10_000,
      breaker: new c.ConsecutiveBreaker(5),
    }),
    c.timeout(1000, c.TimeoutStrategy.Aggressive),
  );
  const opossum = new Opossum(work, { timeout: 1000, resetTimeout: 10_000 });
  return {
    cases: {
      bare: () => work(),
      ours: () => oursPipeline.execute(work),
      cockatiel: () => cockatielPipeline.execute(work),
      opossum: () => opossum.fire(),
    },
    close() {
      opossum.shutdown();
    },
  };
}

async function loop(call, n) {
  const started = performance.now();
  for (let i = 0; i < n; i++) await call();
  return ((performance.now() - started) * 1e6) / n;
}

/**
 * Runs every case `rounds` times, interleaved, `n` calls each.
 *
 * @returns {Promise<Record<string, number>>} median ns per call by case.
 */
export async function runCases(libs, { n = 200_000, rounds = 7 } = {}) {
  const { cases, close } = makeCases(libs);
  const samples = {};
  try {
    for (const [name, call] of Object.entries(cases)) {
      samples[name] = [];
      await loop(call, Math.min(n, 50_000)); // warm-up
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, call] of Object.entries(cases)) {
        samples[name].push(await loop(call, n));
      }
    }
  } finally {
    close();
  }
  const medians = {};
  for (const [name, values] of Object.entries(samples)) {
    values.sort((a, b) => a - b);
    medians[name] = Math.round(values[Math.floor(values.length / 2)]);
  }
  return medians;
}
