// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Agent events (upstream `event_types/agent/anycast.py`), anycast to the
 * manager; none of them routes to SSE clients.
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of `agent_started` and `agent_terminated`. */
export interface AgentLifecycleBody {
  /** Why. */
  reason: string;
}

/** The body of `agent_error`. */
export interface AgentErrorBody {
  /** The error message. */
  message: string;
  /** The traceback, if any. */
  traceback: string | null;
  /** Who caused it, if known. */
  user: unknown;
  /** Context values. */
  context_env: Record<string, unknown>;
  /** A log level name (upstream `LogLevel`), default `"ERROR"`. */
  severity: string;
}

/** The body of `agent_heartbeat`. */
export interface AgentHeartbeatBody {
  /** The agent's self-description (slots, images, …). */
  agent_info: Record<string, unknown>;
}

/** The body of `agent_images_remove`. */
export interface AgentImagesRemoveBody {
  /** Canonical names of the removed images. */
  image_canonicals: string[];
}

/** The body of `agent_installed_images_remove`. */
export interface AgentInstalledImagesRemoveBody {
  /** Scanned images by name (upstream `ScannedImage` objects). */
  scanned_images: Record<string, unknown>;
}

/** The body of `do_agent_resource_check`. */
export interface DoAgentResourceCheckBody {
  /** The agent to check. */
  agent_id: string;
}

/** One container in {@linkcode AgentStatusHeartbeatBody}. */
export interface ContainerStatusData {
  /** The container id. */
  container_id: string;
  /** The kernel's UUID. */
  kernel_id: string;
  /** A `ContainerStatus` value. */
  status: string;
  /** The kernel lifecycle status. */
  kernel_lifecycle_status: string;
}

/** The body of `agent_status_heartbeat`. */
export interface AgentStatusHeartbeatBody {
  /** The agent. */
  agent_id: string;
  /** Its containers. */
  containers: ContainerStatusData[];
}

function lifecycle(name: string): EventDefinition<AgentLifecycleBody> {
  return defineEvent({
    name,
    domain: EventDomain.AGENT,
    pattern: "anycast",
    schema: z.object({ reason: z.string() }),
    legacyFields: ["reason"],
  });
}

/** `agent_started`: an agent came up (reason e.g. `self-started`). */
export const AgentStartedEvent: EventDefinition<AgentLifecycleBody> = lifecycle(
  "agent_started",
);

/** `agent_terminated`: an agent shut down. */
export const AgentTerminatedEvent: EventDefinition<AgentLifecycleBody> =
  lifecycle("agent_terminated");

/** `agent_error`: an agent reports an error, with its traceback and severity. */
export const AgentErrorEvent: EventDefinition<AgentErrorBody> = defineEvent({
  name: "agent_error",
  domain: EventDomain.AGENT,
  pattern: "anycast",
  schema: z.object({
    message: z.string(),
    traceback: z.string().nullable().default(null),
    user: z.unknown().default(null),
    context_env: z.record(z.string(), z.unknown()).default({}),
    severity: z.string().default("ERROR"),
  }),
  legacyFields: ["message", "traceback", "user", "context_env", "severity"],
});

/** `agent_heartbeat`: an agent's periodic report of itself (slots, images, …). */
export const AgentHeartbeatEvent: EventDefinition<AgentHeartbeatBody> =
  defineEvent({
    name: "agent_heartbeat",
    domain: EventDomain.AGENT,
    pattern: "anycast",
    schema: z.object({ agent_info: z.record(z.string(), z.unknown()) }),
    // Upstream 26.8 packs agent_info.model_dump(): a ResourceSlot, SlotName
    // keys and SlotTypes values, all pickled; its reader accepts nothing
    // else. The legacy form reads it (when it decodes) but cannot write it.
    legacyFields: [{
      field: "agent_info",
      as: "pickled",
      pythonType: "AgentInfo (a pickled ResourceSlot inside)",
    }],
  });

/** `agent_images_remove`: an agent removed images (by canonical name). */
export const AgentImagesRemoveEvent: EventDefinition<AgentImagesRemoveBody> =
  defineEvent({
    name: "agent_images_remove",
    domain: EventDomain.AGENT,
    pattern: "anycast",
    schema: z.object({ image_canonicals: z.array(z.string()) }),
    legacyFields: ["image_canonicals"],
  });

/** `agent_installed_images_remove`: an agent removed installed images. */
export const AgentInstalledImagesRemoveEvent: EventDefinition<
  AgentInstalledImagesRemoveBody
> = defineEvent({
  name: "agent_installed_images_remove",
  domain: EventDomain.AGENT,
  pattern: "anycast",
  schema: z.object({ scanned_images: z.record(z.string(), z.unknown()) }),
  legacyFields: ["scanned_images"],
});

/** `do_agent_resource_check`: ask the manager to check an agent's resources. */
export const DoAgentResourceCheckEvent: EventDefinition<
  DoAgentResourceCheckBody
> = defineEvent({
  name: "do_agent_resource_check",
  domain: EventDomain.AGENT,
  pattern: "anycast",
  schema: z.object({ agent_id: z.string() }),
  legacyFields: ["agent_id"],
});

/** `agent_status_heartbeat`: an agent reports the status of its containers. */
export const AgentStatusHeartbeatEvent: EventDefinition<
  AgentStatusHeartbeatBody
> = defineEvent({
  name: "agent_status_heartbeat",
  domain: EventDomain.AGENT,
  pattern: "anycast",
  schema: z.object({
    agent_id: z.string(),
    containers: z.array(z.object({
      container_id: z.string(),
      kernel_id: z.guid(),
      status: z.string(),
      kernel_lifecycle_status: z.string(),
    })),
  }),
  legacyFields: ["agent_id", "containers"],
});

/**
 * The agent events (all anycast).
 *
 * @example Decoding a legacy tuple
 * ```ts
 * import { AGENT_EVENTS, AgentHeartbeatEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AGENT_EVENTS.length, 8);
 * assert.ok(AGENT_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const body = AgentHeartbeatEvent.decode({ body: null, legacyArgs: [{ region: "local" }] });
 * assert.deepEqual(body.agent_info, { region: "local" });
 * ```
 */
export const AGENT_EVENTS: readonly EventDefinition<unknown>[] = [
  AgentStartedEvent,
  AgentTerminatedEvent,
  AgentErrorEvent,
  AgentHeartbeatEvent,
  AgentImagesRemoveEvent,
  AgentInstalledImagesRemoveEvent,
  DoAgentResourceCheckEvent,
  AgentStatusHeartbeatEvent,
];
