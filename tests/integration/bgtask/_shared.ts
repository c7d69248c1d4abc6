// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/** The DB of the message queue in the bgtask tests (bgtask keys use DB 7). */
export const EVENT_DB = 14;

/** Short lifetimes: a task without heartbeat is claimable after about 2 s. */
export const CHILD_LIFETIMES = {
  metadataTtlSeconds: 8,
  claimThresholdSeconds: 6,
  finishedTtlSeconds: 60,
} as const;
