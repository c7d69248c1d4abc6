// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A registered handler as the dispatcher keeps it, and calling it inside
 * the producer's request context.
 *
 * @module
 */

import { withMetadata } from "../contexts/metadata.ts";
import type { DecodedMessage } from "../message_queue/payload.ts";
import { Coalescer } from "./_coalescer.ts";
import type { EventDefinition } from "./define.ts";
import type { EventHandler, HandlerOptions } from "./handler.ts";
import { encodeBase64 } from "../utils.ts";

/**
 * A handler with its definition, context, debounce and reporters (what the
 * dispatcher hands out as a `HandlerRegistration`, whose fields come first).
 */
export interface Registration<Context = unknown, Body = unknown> {
  /** The handler's name. */
  readonly name: string;
  /** The event name. */
  readonly event: string;
  /** Anycast (`consume`) or broadcast (`subscribe`). */
  readonly pattern: "anycast" | "broadcast";
  /** The event it decodes bodies with. */
  readonly definition: EventDefinition<Body>;
  /** The handler. */
  readonly handler: EventHandler<Context, Body>;
  /** Its first argument. */
  readonly context: Context;
  /** The debounce, when `coalescing` was given. */
  readonly coalescer: Coalescer | undefined;
  /** Called before it runs. */
  readonly startReporters: NonNullable<
    HandlerOptions<Context>["startReporters"]
  >;
  /** Called after it ran. */
  readonly completeReporters: NonNullable<
    HandlerOptions<Context>["completeReporters"]
  >;
}

/**
 * A handler name for a registration without one.
 *
 * @returns `evh-` and 16 random URL-safe base64 characters.
 */
function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return "evh-" + encodeBase64(bytes, { alphabet: "base64url" });
}

/**
 * Makes the registration of one handler.
 *
 * @param pattern Anycast (`consume`) or broadcast (`subscribe`).
 * @param definition The event.
 * @param handler The handler.
 * @param options Context, name, coalescing and reporters.
 * @param eventName The event name to listen to.
 * @returns The registration.
 */
export function newRegistration<Context, Body>(
  pattern: "anycast" | "broadcast",
  definition: EventDefinition<Body>,
  handler: EventHandler<Context, Body>,
  options: HandlerOptions<Context>,
  eventName: string,
): Registration<Context, Body> {
  return {
    name: options.name ?? randomName(),
    event: eventName,
    pattern,
    definition,
    handler,
    context: options.context as Context,
    coalescer: options.coalescing === undefined
      ? undefined
      : new Coalescer(options.coalescing),
    startReporters: options.startReporters ?? [],
    completeReporters: options.completeReporters ?? [],
  };
}

/**
 * The registration the anycast fast path may run on its own: the only one
 * of an event, with no coalescing or reporters.
 *
 * @param set The event's anycast registrations.
 * @returns That registration, or `undefined` when the full path must run.
 */
export function plainRegistration(
  set: Set<Registration> | undefined,
): Registration | undefined {
  const only = set?.size === 1
    ? set.values().next().value as Registration
    : undefined;
  if (
    only === undefined || only.coalescer !== undefined ||
    only.startReporters.length > 0 || only.completeReporters.length > 0
  ) {
    return undefined;
  }
  return only;
}

/**
 * Calls a handler inside the producer's metadata (request id, users).
 *
 * @param registration The handler's registration.
 * @param message The message, for its source and metadata.
 * @param body The decoded body.
 * @returns What the handler returned (a promise when it is async).
 */
export function callHandler(
  registration: Registration,
  message: DecodedMessage,
  body: unknown,
): unknown {
  if (message.metadata === undefined) {
    return registration.handler(registration.context, message.source, body);
  }
  return withMetadata(
    message.metadata,
    () => registration.handler(registration.context, message.source, body),
  );
}
