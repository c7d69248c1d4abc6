// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The checked timings of a LeaderElection, with their defaults.

import { invalidOption } from "../_options.ts";
import { type Clock, systemClock } from "../resilience/clock.ts";
import type { LeaderElectionOptions } from "./election_options.ts";

/** The system clock read from `performance.now()`, which does not jump. */
export const monotonicClock: Clock = {
  ...systemClock,
  now: (): number => performance.now(),
};

/** What {@linkcode electionTimings} returns. */
export interface ElectionTimings {
  readonly key: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly marginMs: number;
  readonly retryMs: number;
  readonly closeGraceMs: number;
}

function positive(field: string, value: unknown, integer = false): number {
  if (
    typeof value !== "number" || !Number.isFinite(value) || value <= 0 ||
    (integer && !Number.isInteger(value))
  ) {
    invalidOption(
      "leader election",
      field,
      value,
      integer ? "a whole number above 0" : "a finite number above 0",
    );
  }
  return value;
}

/** Checks the server id, the key and the timings, and fills in defaults. */
export function electionTimings(
  options: LeaderElectionOptions,
): ElectionTimings {
  if (typeof options.serverId !== "string" || options.serverId === "") {
    invalidOption(
      "leader election",
      "serverId",
      options.serverId,
      "a non-empty string unique to this process",
    );
  }
  const key = options.key ?? "leader:default";
  if (typeof key !== "string" || key === "") {
    invalidOption("leader election", "key", key, "a non-empty string");
  }
  const ttlMs = positive("ttlMs", options.ttlMs ?? 30_000, true);
  const renewMs = positive(
    "renewIntervalMs",
    options.renewIntervalMs ?? ttlMs / 3,
  );
  const marginMs = options.stepDownMarginMs ?? ttlMs / 6;
  if (
    typeof marginMs !== "number" || !(marginMs >= 0 && marginMs < ttlMs)
  ) {
    invalidOption(
      "leader election",
      "stepDownMarginMs",
      marginMs,
      "at least 0 and below ttlMs",
    );
  }
  if (renewMs >= ttlMs - marginMs) {
    invalidOption(
      "leader election",
      "renewIntervalMs",
      renewMs,
      `below ttlMs - stepDownMarginMs (${ttlMs - marginMs} ms)`,
    );
  }
  const retryMs = positive(
    "retryIntervalMs",
    options.retryIntervalMs ?? renewMs / 4,
  );
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  if (
    typeof closeGraceMs !== "number" ||
    !(closeGraceMs >= 0 && closeGraceMs < Infinity)
  ) {
    invalidOption(
      "leader election",
      "closeGraceMs",
      closeGraceMs,
      "a finite number of at least 0",
    );
  }
  return { key, ttlMs, renewMs, marginMs, retryMs, closeGraceMs };
}
