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
  readonly #codec: CheckedCodec<Body>;

  constructor(
    definition: EventDefinition<Body>,
    body: Body,
    codec: CheckedCodec<Body>,
  ) {
    this.definition = definition;
    this.body = body;
    this.#codec = codec;
    Object.freeze(this);
  }

  /** The body's wire JSON, without checking it again. */
  json(): string {
    return this.#codec.json(this.body);
  }

  /** The body's legacy msgpack tuple, without checking it again. */
  legacy(): Uint8Array {
    return this.#codec.legacy(this.body);
  }
}

/** How a definition renders a body it has checked (one object per definition). */
export interface CheckedCodec<Body> {
  /** As upstream main's JSON text. */
  json(body: Body): string;
  /** As the legacy (26.8) msgpack tuple. */
  legacy(body: Body): Uint8Array;
}

/** The wire JSON of an event's body: checked once, whoever made it. */
export function encodeEventBody<Body>(event: Event<Body>): string {
  return event instanceof CheckedEvent
    ? event.json()
    : event.definition.encode(event.body);
}

/** The legacy msgpack tuple of an event's body: checked once, whoever made it. */
export function encodeEventLegacy<Body>(event: Event<Body>): Uint8Array {
  return event instanceof CheckedEvent
    ? event.legacy()
    : event.definition.encodeLegacy(event.body);
}
