// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Scenarios for isolated_test.ts, run by runIsolated in a child process.
// Each run appends a line to the file named by ISOLATED_TEST_RUNS, so the
// test can count the runs.

import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import process from "node:process";

/** This module's URL, for runIsolated. */
export const SCENARIOS_URL: string = import.meta.url;

function countRun(): number {
  const path = process.env.ISOLATED_TEST_RUNS ?? "";
  appendFileSync(path, "run\n");
  return readFileSync(path, "utf8").split("\n").length - 1;
}

/** Passes, and prints a figure. */
export function passes(): Promise<void> {
  countRun();
  console.log("figure 42");
  return Promise.resolve();
}

/** Fails an assertion. */
export function failsAnAssertion(): Promise<void> {
  countRun();
  assert.equal(1 + 1, 3, "one and one make three");
  return Promise.resolve();
}

/** Aborts (as the runtime does on the nghttp2 assertion) on its first run. */
export function abortsOnce(): Promise<void> {
  if (countRun() === 1) process.kill(process.pid, "SIGABRT");
  return Promise.resolve();
}

/** Aborts on every run. */
export function abortsAlways(): Promise<void> {
  countRun();
  process.kill(process.pid, "SIGABRT");
  return Promise.resolve();
}

/** Is ended by SIGTERM, not a runtime crash. */
export function terminated(): Promise<void> {
  countRun();
  process.kill(process.pid, "SIGTERM");
  return new Promise((resolve) => setTimeout(resolve, 5_000));
}
