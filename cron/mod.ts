// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Periodic tasks in one process (upstream `cron/`): a
 * {@linkcode PeriodicTask} has a name, an interval, an initial delay and an
 * optional run timeout; {@linkcode LocalCron} runs each on its own schedule,
 * logs failures and keeps going, never overlaps two runs of one task, and
 * closes without leaving a timer behind. Its clock is injectable (a
 * `ManualClock` from `@backendai/common/resilience` in tests). To run tasks on
 * one server of a cluster only, see `LeaderCron` in
 * `@backendai/common/leader`.
 *
 * ```ts
 * import { LocalCron } from "@backendai/common/cron";
 * import { ManualClock } from "@backendai/common/resilience";
 * import assert from "node:assert/strict";
 *
 * const clock = new ManualClock();
 * let beats = 0;
 * await using cron = new LocalCron([
 *   { name: "heartbeat", intervalMs: 10_000, run: () => void beats++ },
 * ], { clock });
 * cron.start();
 * await clock.advance(30_000);
 * assert.equal(beats, 4); // at 0, 10 s, 20 s and 30 s
 * assert.equal(cron.stats()[0]?.runs, 4);
 * ```
 *
 * @module
 */

export * from "./types.ts";
export * from "./local_cron.ts";
export * from "./errors.ts";
