// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The run shared by the network fault tests of the request clients (agent
 * RPC, HTTP): a caller makes one call every 50 ms (through a circuit
 * breaker, whose state changes are recorded) while the proxy goes through a list of faults, each followed by a return
 * to `pass`; every call's start, duration and outcome is recorded, and for
 * each fault the time from its end to the end of the first call started
 * after it that succeeded.
 *
 * @module
 */

import {
  type CircuitBreakerPolicy,
  CircuitOpenError,
} from "../../resilience/mod.ts";
import type { FaultMode, FaultProxy } from "./_fault_proxy.ts";

/** One call the caller made. */
export interface NetworkCall {
  /** Start, in ms since the run began. */
  at: number;
  /** Duration in ms. */
  ms: number;
  /** Succeeded, refused by the open breaker, or failed. */
  outcome: "ok" | "open" | "failed";
  /** The error's class name, when it failed. */
  error?: string;
}

/** One fault of the run. */
export interface NetworkFault {
  /** The name recoveries are reported under. */
  name: string;
  /** The proxy's mode during the fault. */
  mode: FaultMode;
  /** How long the fault lasts, in ms. */
  ms: number;
  /** Reset every open connection when the fault starts. */
  cut?: boolean;
}

/** What a run saw. */
export interface NetworkRun {
  /** Every call, in order. */
  calls: NetworkCall[];
  /** The breaker's states, in order of change. */
  states: string[];
  /** Per fault, ms from its end to the first success after it. */
  recoveries: Record<string, number>;
  /** Per fault, the calls started from its start to the next fault. */
  during: Record<string, NetworkCall[]>;
  /** Whether the breaker was open at some point during each fault. */
  openedDuring: Record<string, boolean>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the faults in turn while calling `call`.
 *
 * @param options The proxy, the call, the breaker and the faults.
 * @returns What the run saw.
 */
export async function runNetworkFaults(options: {
  proxy: FaultProxy;
  /** One call; it goes through `breaker` itself. */
  call: () => Promise<unknown>;
  /** The breaker the call goes through, to record its states. */
  breaker: CircuitBreakerPolicy;
  faults: NetworkFault[];
  /** The longest wait for a success after a fault, in ms. */
  recoveryLimitMs?: number;
}): Promise<NetworkRun> {
  const { proxy, breaker } = options;
  const states: string[] = [];
  const off = breaker.onStateChange(({ to }) => states.push(to));
  const calls: NetworkCall[] = [];
  const started = performance.now();
  const now = () => performance.now() - started;
  let calling = true;
  const caller = (async () => {
    while (calling) {
      const at = now();
      const call: NetworkCall = { at, ms: 0, outcome: "ok" };
      try {
        await options.call();
      } catch (error) {
        call.outcome = error instanceof CircuitOpenError ? "open" : "failed";
        call.error = error instanceof Error ? error.name : String(error);
      }
      call.ms = now() - at;
      calls.push(call);
      await sleep(50);
    }
  })();
  const run: NetworkRun = {
    calls,
    states,
    recoveries: {},
    during: {},
    openedDuring: {},
  };
  try {
    await sleep(500);
    for (const fault of options.faults) {
      const before = calls.length;
      const statesBefore = states.length;
      proxy.mode = fault.mode;
      if (fault.cut) proxy.cut();
      await sleep(fault.ms);
      run.openedDuring[fault.name] = states.slice(statesBefore).includes(
        "open",
      );
      proxy.mode = "pass";
      const healedAt = now();
      const deadline = Date.now() + (options.recoveryLimitMs ?? 15_000);
      let first: NetworkCall | undefined;
      while (first === undefined && Date.now() < deadline) {
        await sleep(20);
        first = calls.slice(before).find((c) =>
          c.at >= healedAt && c.outcome === "ok"
        );
      }
      run.recoveries[fault.name] = first === undefined
        ? Number.POSITIVE_INFINITY
        : Math.round(first.at + first.ms - healedAt);
      run.during[fault.name] = calls.slice(before);
    }
    await sleep(500);
  } finally {
    calling = false;
    await caller;
    off.dispose();
  }
  return run;
}
