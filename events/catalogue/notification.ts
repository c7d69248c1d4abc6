// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The notification event (upstream `event_types/notification/anycast.py`),
 * anycast so that one handler processes each notification; it does not
 * route. Upstream 26.8 carried it as three byte strings: the UTF-8 of
 * `rule_type` and of `timestamp` (ISO 8601), and the JSON of
 * `notification_data`.
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The body of `notification_triggered`. */
export interface NotificationTriggeredBody {
  /** What notification rules match on, e.g. `"session.started"`. */
  rule_type: string;
  /** When it happened (ISO 8601, as pydantic writes datetimes). */
  timestamp: string;
  /** The data for the message templates and filters (default `{}`). */
  notification_data: Record<string, unknown>;
}

/** `notification_triggered`: a notification is to be processed. */
export const NotificationTriggeredEvent: EventDefinition<
  NotificationTriggeredBody
> = defineEvent({
  name: "notification_triggered",
  domain: EventDomain.NOTIFICATION,
  pattern: "anycast",
  schema: z.object({
    rule_type: z.string(),
    timestamp: z.string(),
    notification_data: z.record(z.string(), z.unknown()).default({}),
  }),
  legacyFields: [
    { field: "rule_type", as: "utf8" },
    { field: "timestamp", as: "utf8" },
    { field: "notification_data", as: "json" },
  ],
});

/**
 * The notification events (anycast).
 *
 * @example Usage
 * ```ts
 * import { NOTIFICATION_EVENTS, NotificationTriggeredEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(NOTIFICATION_EVENTS, [NotificationTriggeredEvent]);
 * const body = NotificationTriggeredEvent.decode({
 *   body: { rule_type: "session.started", timestamp: "2026-11-28T12:00:00Z" },
 * });
 * assert.deepEqual(body.notification_data, {});
 * ```
 */
export const NOTIFICATION_EVENTS: readonly EventDefinition<unknown>[] = [
  NotificationTriggeredEvent,
];
