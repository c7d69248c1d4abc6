// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Short lifetimes for the bgtask fault test: a task without a heartbeat is
 * claimable after about a second (4 s TTL, claimable below 3 s left).
 */
export const BGTASK_LIFETIMES = {
  metadataTtlSeconds: 4,
  claimThresholdSeconds: 3,
  finishedTtlSeconds: 60,
} as const;
