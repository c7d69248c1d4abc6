// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Every ported broadcast event, and a registry of them.
 *
 * @module
 */

import { type EventDefinition, EventRegistry } from "../define.ts";
import { BGTASK_EVENTS } from "./bgtask.ts";
import { KERNEL_BROADCAST_EVENTS } from "./kernel.ts";
import { SESSION_BROADCAST_EVENTS } from "./session.ts";
import { VOLUME_EVENTS } from "./volume.ts";

/**
 * The broadcast events of the ported upstream catalogue.
 *
 * @example Usage
 * ```ts
 * import { BUILTIN_BROADCAST_EVENTS } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BUILTIN_BROADCAST_EVENTS.length, 28);
 * assert.ok(BUILTIN_BROADCAST_EVENTS.every((definition) => definition.pattern === "broadcast"));
 * ```
 */
export const BUILTIN_BROADCAST_EVENTS: readonly EventDefinition<unknown>[] = [
  ...BGTASK_EVENTS,
  ...KERNEL_BROADCAST_EVENTS,
  ...SESSION_BROADCAST_EVENTS,
  ...VOLUME_EVENTS,
];

/**
 * A new registry with {@linkcode BUILTIN_BROADCAST_EVENTS}, to decode what
 * upstream components broadcast (e.g. for an `EventHub` fetcher).
 *
 * @example Usage
 * ```ts
 * import { builtinEventRegistry } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const registry = builtinEventRegistry();
 * assert.ok(registry.get("session_enqueued") !== undefined);
 * assert.ok(registry.get("bgtask_done") !== undefined);
 * ```
 *
 * @returns The registry; add your own events to it.
 */
export function builtinEventRegistry(): EventRegistry {
  return new EventRegistry(BUILTIN_BROADCAST_EVENTS);
}
