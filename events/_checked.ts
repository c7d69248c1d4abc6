// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Internal: not exported from mod.ts.

import type { Event, EventDefinition } from "./define.ts";

/**
 * An event made by `EventDefinition.create()`: its body passed the schema
 * and is frozen, so it is encoded without a second check. Being an instance
 * of this class is the proof (it was a WeakSet of bodies, which cost a weak
 * table entry per event).
 */
export class CheckedEvent<Body> implements Event<Body> {
  readonly definition: EventDefinition<Body>;
  readonly body: Body;
  readonly #toJson: (body: Body) => string;

  constructor(
    definition: EventDefinition<Body>,
    body: Body,
    toJson: (body: Body) => string,
  ) {
    this.definition = definition;
    this.body = body;
    this.#toJson = toJson;
    Object.freeze(this);
  }

  /** The body's wire JSON, without checking it again. */
  json(): string {
    return this.#toJson(this.body);
  }
}

/** The wire JSON of an event's body: checked once, whoever made it. */
export function encodeEventBody<Body>(event: Event<Body>): string {
  return event instanceof CheckedEvent
    ? event.json()
    : event.definition.encode(event.body);
}
