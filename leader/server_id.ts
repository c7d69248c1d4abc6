// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * {@linkcode stableServerId}: a server id in upstream's form.
 *
 * @module
 */

import { hostname } from "node:os";
import { invalidOption } from "../_options.ts";

/**
 * A server id in upstream's form, `<component>-<hostname>-<worker index>`
 * (upstream's manager uses `manager-{hostname}-{pidx}`): unique per worker
 * of a host as long as each worker has its own index, and the same after a
 * restart of that worker, so a restarted leader renews its own key at once.
 * On Deno, reading the host name needs `--allow-sys=hostname`.
 *
 * @example Usage
 * ```ts
 * import { stableServerId } from "@backendai/common/leader";
 * import { hostname } from "node:os";
 * import assert from "node:assert/strict";
 *
 * assert.equal(stableServerId("manager", 2), `manager-${hostname()}-2`);
 * ```
 *
 * @param component The component's name (`manager`, `appproxy-coordinator`).
 * @param workerIndex This worker's index on its host.
 * @returns The id.
 * @throws {InvalidAPIParameters} When the component is empty or the index
 * is not a whole number of at least 0.
 */
export function stableServerId(
  component: string,
  workerIndex: number = 0,
): string {
  if (typeof component !== "string" || component === "") {
    invalidOption("server id", "component", component, "a non-empty string");
  }
  if (!Number.isInteger(workerIndex) || workerIndex < 0) {
    invalidOption(
      "server id",
      "workerIndex",
      workerIndex,
      "a whole number of at least 0",
    );
  }
  return `${component}-${hostname()}-${workerIndex}`;
}
