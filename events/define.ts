// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Typed event definitions: {@linkcode defineEvent} declares an event (name,
 * domain, delivery pattern, zod schema of its JSON body, routing and cache
 * ids, upstream's legacy positional form) and {@linkcode EventRegistry}
 * resolves broadcast events by name.
 *
 * @module
 */

import type { z } from "zod";
import { CheckedEvent } from "./_checked.ts";
import { bodyToJson, compileFloatPaths, NonFiniteFloatError } from "./_json.ts";
import {
  compileLegacyForm,
  type LegacyField,
  LegacyFieldError,
  type LegacyForm,
  packLegacy,
  unpackLegacy,
} from "./_legacy.ts";
import { InvalidAPIParameters } from "../exception.ts";
import type { DecodedMessage } from "../message_queue/payload.ts";
import {
  EventPayloadDecodingError,
  EventPayloadEncodingError,
} from "./errors.ts";

// The legacy tuple types live with the codec; they are part of this API.
export type { LegacyElement, LegacyField } from "./_legacy.ts";

/**
 * Upstream `EventDomain`: what an event is about.
 *
 * @example Usage
 * ```ts
 * import { EventDomain } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EventDomain.BGTASK, "bgtask");
 * assert.equal(Object.keys(EventDomain).length, 16);
 * ```
 */
export const EventDomain = {
  BGTASK: "bgtask",
  IMAGE: "image",
  KERNEL: "kernel",
  MODEL_SERVING: "model_serving",
  MODEL_ROUTE: "model_route",
  NOTIFICATION: "notification",
  SCHEDULE: "schedule",
  IDLE_CHECK: "idle_check",
  SESSION: "session",
  AGENT: "agent",
  ARTIFACT: "artifact",
  VFOLDER: "vfolder",
  VOLUME: "volume",
  LOG: "log",
  WORKFLOW: "workflow",
  SERVICE_DISCOVERY: "service_discovery",
} as const;
/** One of the {@linkcode EventDomain} values. */
export type EventDomain = typeof EventDomain[keyof typeof EventDomain];

/**
 * Upstream `EventCacheDomain`: the prefix of broadcast cache ids.
 *
 * @example Usage
 * ```ts
 * import { EventCacheDomain } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(EventCacheDomain.SESSION_SCHEDULER, "session_scheduler");
 * ```
 */
export const EventCacheDomain = {
  BGTASK: "bgtask",
  SESSION_SCHEDULER: "session_scheduler",
} as const;
/** One of the {@linkcode EventCacheDomain} values. */
export type EventCacheDomain =
  typeof EventCacheDomain[keyof typeof EventCacheDomain];

/** How an event travels: to one consumer per group, or to every subscriber. */
export type DeliveryPattern = "anycast" | "broadcast";

/**
 * An event's projection for end users over SSE (upstream `UserEvent`).
 *
 * @example Usage
 * ```ts
 * import type { UserEventProjection } from "@backendai/common/events";
 *
 * const done: UserEventProjection = {
 *   event: "bgtask_done", retry: undefined, close: true,
 *   data: { task_id: "t-1", message: "None" },
 * };
 * ```
 */
export interface UserEventProjection {
  /** The SSE `event:` name. */
  readonly event: string;
  /** The SSE `retry:` value in milliseconds, when set. */
  readonly retry: number | undefined;
  /** Whether the stream ends after this event. */
  readonly close: boolean;
  /** The `data:` object. */
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * What {@linkcode defineEvent} takes.
 *
 * @typeParam Schema The zod schema of the body.
 */
export interface EventSpec<Schema extends z.ZodType> {
  /** The unique snake_case name (upstream `event_name()`). */
  readonly name: string;
  /** The domain (upstream `event_domain()`). */
  readonly domain: EventDomain;
  /** Anycast or broadcast. */
  readonly pattern: DeliveryPattern;
  /**
   * The body's schema, with upstream's JSON field names. Objects should strip
   * unknown keys (zod's default), so newer producers can add fields.
   */
  readonly schema: Schema;
  /** The id that routes the event to SSE clients (upstream `domain_id()`). */
  readonly domainId?: ((body: z.output<Schema>) => string | null) | undefined;
  /** The cache domain, for `<cacheDomain>.<domainId>` cache ids. */
  readonly cacheDomain?: EventCacheDomain | undefined;
  /**
   * The elements of upstream's legacy msgpack tuple (releases up to 26.8.x),
   * in order: what `serialize()` returned there. It decodes legacy messages
   * and lets a producer write them (`wireFormat: "legacy"`). Leave it out
   * for an event that had no legacy form; `[]` is an empty tuple.
   */
  readonly legacyFields?: readonly LegacyField[] | undefined;
  /**
   * Fields that are Python floats, by dotted path (`progress`,
   * `result.verifiers.*.scan_time`; `*` is any key or array item): written
   * as orjson writes a float (`0.0` for 0, `1e21`, `1e-6`), so the bytes
   * match upstream. NaN and infinities are refused when encoding, naming the
   * field (JSON cannot carry them).
   */
  readonly floatFields?: readonly string[] | undefined;
  /** The SSE projection (upstream `user_event()`), or none. */
  readonly userEvent?:
    | ((body: z.output<Schema>) => UserEventProjection | null)
    | undefined;
}

/**
 * An event: its definition and its body.
 *
 * @typeParam Body The body type.
 */
export interface Event<Body = unknown> {
  /** What kind of event this is. */
  readonly definition: EventDefinition<Body>;
  /** The body. */
  readonly body: Body;
}

/**
 * A declared event type: encodes and decodes bodies, and makes events.
 *
 * @typeParam Body The body type.
 */
export interface EventDefinition<Body = unknown> {
  /** The unique snake_case name. */
  readonly name: string;
  /** The domain. */
  readonly domain: EventDomain;
  /** Anycast or broadcast. */
  readonly pattern: DeliveryPattern;
  /** The cache domain, if the event is cached. */
  readonly cacheDomain: EventCacheDomain | undefined;
  /**
   * Makes an event of this type, checking the body.
   *
   * @param body The body.
   * @returns The event.
   * @throws {EventPayloadEncodingError} When the body does not fit the schema.
   */
  create(body: Body): Event<Body>;
  /**
   * Renders a body as the JSON text upstream main sends.
   *
   * @param body The body.
   * @returns The JSON text.
   * @throws {EventPayloadEncodingError} When the body does not fit the schema
   * or is not JSON-representable.
   */
  encode(body: Body): string;
  /**
   * The elements of the legacy tuple (releases up to 26.8.x), or
   * `undefined` when the event has no legacy form.
   */
  readonly legacyFields: readonly LegacyField[] | undefined;
  /**
   * Renders a body as upstream 26.8.x sends it: its legacy tuple packed
   * with msgpack (the `args` of a legacy message).
   *
   * @param body The body.
   * @returns The msgpack bytes.
   * @throws {EventPayloadEncodingError} When the body does not fit the
   * schema, the event has no legacy form, or a field cannot be carried in it
   * (one upstream pickles); `data.field` names the field.
   */
  encodeLegacy(body: Body): Uint8Array;
  /**
   * Reads a body from a received message: its JSON body, or the legacy
   * positional arguments mapped through `legacyFields`.
   *
   * @param message The decoded queue message (`body` and `legacyArgs`).
   * @returns The checked body.
   * @throws {EventPayloadDecodingError} When it does not fit the schema.
   */
  decode(message: Pick<DecodedMessage, "body" | "legacyArgs">): Body;
  /**
   * The routing id of a body.
   *
   * @param body The body.
   * @returns The id, or `null`.
   */
  domainId(body: Body): string | null;
  /**
   * The cache id of a body: `<cacheDomain>.<domainId>`, or `null` when
   * either part is missing.
   *
   * @param body The body.
   * @returns The cache id, or `null`.
   */
  cacheId(body: Body): string | null;
  /**
   * The SSE projection of a body.
   *
   * @param body The body.
   * @returns The projection, or `null`.
   */
  userEvent(body: Body): UserEventProjection | null;
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    `${
      issue.path.length === 0 ? "(body)" : issue.path.join(".")
    }: ${issue.message}`
  );
}

/**
 * Declares an event type.
 *
 * @example An upstream-compatible broadcast event
 * ```ts
 * import { defineEvent, EventDomain } from "@backendai/common/events";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const KernelPulling = defineEvent({
 *   name: "kernel_pulling_demo",
 *   domain: EventDomain.KERNEL,
 *   pattern: "broadcast",
 *   schema: z.object({ kernel_id: z.string(), progress: z.number() }),
 *   domainId: (body) => body.kernel_id,
 *   floatFields: ["progress"],
 * });
 * assert.equal(
 *   KernelPulling.encode({ kernel_id: "k-1", progress: 1 }),
 *   '{"kernel_id":"k-1","progress":1.0}',
 * );
 * const body = KernelPulling.decode({ body: { kernel_id: "k-1", progress: 0.5, extra: 1 } });
 * assert.deepEqual(body, { kernel_id: "k-1", progress: 0.5 });
 * ```
 *
 * @typeParam Schema The zod schema of the body.
 * @param spec The name, domain, pattern, schema and optional parts.
 * @returns The definition.
 * @throws {InvalidAPIParameters} When the name is not snake_case or an
 * element of `legacyFields` is malformed.
 */
export function defineEvent<Schema extends z.ZodType>(
  spec: EventSpec<Schema>,
): EventDefinition<z.output<Schema>> {
  type Body = z.output<Schema>;
  if (!NAME_PATTERN.test(spec.name)) {
    throw new InvalidAPIParameters(
      `An event name must be snake_case, got ${JSON.stringify(spec.name)}`,
      { data: { field: "name", value: spec.name } },
    );
  }
  if (spec.pattern !== "anycast" && spec.pattern !== "broadcast") {
    throw new InvalidAPIParameters(
      `An event's pattern is "anycast" or "broadcast", got ${
        JSON.stringify(spec.pattern)
      }`,
      { data: { field: "pattern", value: spec.pattern } },
    );
  }
  const floats = compileFloatPaths(spec.floatFields ?? []);
  const legacy: LegacyForm | undefined = spec.legacyFields === undefined
    ? undefined
    : compileLegacyForm(spec.legacyFields, floats);
  const legacyFields = spec.legacyFields === undefined
    ? undefined
    : Object.freeze([...spec.legacyFields]);
  const check = (
    value: unknown,
    fail: (message: string, issues: string[], cause: unknown) => never,
  ): Body => {
    const result = spec.schema.safeParse(value);
    if (!result.success) {
      const issues = issuesOf(result.error);
      fail(issues.join("; "), issues, result.error);
    }
    return (result as { data: Body }).data;
  };
  const encodingFailure =
    (what: string) => (message: string, issues: string[], cause: unknown) => {
      throw new EventPayloadEncodingError(
        `Cannot ${what} event "${spec.name}": ${message}`,
        { cause, data: { event: spec.name, issues } },
      );
    };
  // Throws the error for a float or legacy field at fault; returns for any
  // other error, which the caller wraps.
  const fieldFailure = (err: unknown, form: string): void => {
    if (err instanceof NonFiniteFloatError) {
      throw new EventPayloadEncodingError(
        `Cannot encode event "${spec.name}"${form}: the float field ${err.message}`,
        {
          cause: err,
          data: {
            event: spec.name,
            field: err.path,
            issues: [`${err.path}: not a finite number`],
          },
        },
      );
    }
    if (err instanceof LegacyFieldError) {
      throw new EventPayloadEncodingError(
        `Cannot encode event "${spec.name}"${form}: ${err.message}`,
        {
          cause: err,
          data: {
            event: spec.name,
            field: err.field,
            issues: [`${err.field}: ${err.message}`],
          },
        },
      );
    }
  };
  const legacyChecked = (checked: Body): Uint8Array => {
    const form = " in the legacy (26.8) form";
    if (legacy === undefined) {
      throw new EventPayloadEncodingError(
        `Cannot encode event "${spec.name}"${form}: it has none ` +
          "(no legacyFields; it did not exist in 26.8 or was not ported)",
        { data: { event: spec.name, issues: [] } },
      );
    }
    try {
      return packLegacy(legacy, checked);
    } catch (err) {
      fieldFailure(err, form);
      throw new EventPayloadEncodingError(
        `Cannot encode event "${spec.name}"${form}: ${(err as Error).message}`,
        { cause: err, data: { event: spec.name, issues: [] } },
      );
    }
  };
  const encodeChecked = (checked: Body): string => {
    try {
      return bodyToJson(checked, floats);
    } catch (err) {
      fieldFailure(err, "");
      throw new EventPayloadEncodingError(
        `Cannot encode event "${spec.name}": not JSON-representable: ${
          (err as Error).message
        }`,
        { cause: err, data: { event: spec.name, issues: [] } },
      );
    }
  };
  // One codec object per definition: a checked event holds it, not a
  // closure of its own.
  const codec = { json: encodeChecked, legacy: legacyChecked };
  const definition: EventDefinition<Body> = {
    name: spec.name,
    domain: spec.domain,
    pattern: spec.pattern,
    cacheDomain: spec.cacheDomain,
    create(body: Body): Event<Body> {
      const checked = check(body, encodingFailure("make"));
      // The body checked here is frozen, and the event knows it is checked,
      // so the producer does not check it a second time on its way out.
      if (typeof checked === "object" && checked !== null) {
        Object.freeze(checked);
      }
      return new CheckedEvent(definition, checked, codec);
    },
    encode(body: Body): string {
      return encodeChecked(check(body, encodingFailure("encode")));
    },
    legacyFields,
    encodeLegacy(body: Body): Uint8Array {
      return legacyChecked(check(body, encodingFailure("encode")));
    },
    decode(message: Pick<DecodedMessage, "body" | "legacyArgs">): Body {
      let value = message.body;
      if (message.legacyArgs !== undefined) {
        if (legacy === undefined) {
          throw new EventPayloadDecodingError(
            `Cannot decode event "${spec.name}": it has no legacy (msgpack) form`,
            { data: { event: spec.name, issues: [] } },
          );
        }
        try {
          value = unpackLegacy(legacy, message.legacyArgs);
        } catch (err) {
          if (!(err instanceof LegacyFieldError)) throw err;
          throw new EventPayloadDecodingError(
            `Cannot decode event "${spec.name}": ${err.message}`,
            {
              cause: err,
              data: {
                event: spec.name,
                field: err.field,
                issues: [`${err.field}: ${err.message}`],
              },
            },
          );
        }
      }
      return check(value, (text, issues, cause) => {
        throw new EventPayloadDecodingError(
          `Cannot decode event "${spec.name}": ${text}`,
          { cause, data: { event: spec.name, issues } },
        );
      });
    },
    domainId(body: Body): string | null {
      return spec.domainId?.(body) ?? null;
    },
    cacheId(body: Body): string | null {
      const id = spec.domainId?.(body) ?? null;
      if (spec.cacheDomain === undefined || id === null) return null;
      return `${spec.cacheDomain}.${id}`;
    },
    userEvent(body: Body): UserEventProjection | null {
      return spec.userEvent?.(body) ?? null;
    },
  };
  return Object.freeze(definition);
}

/**
 * Broadcast event definitions by name (upstream's class registry of
 * `AbstractBroadcastEvent`), as an object you own: no global state.
 *
 * @example Usage
 * ```ts
 * import { EventRegistry, BgtaskDoneEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const registry = new EventRegistry([BgtaskDoneEvent]);
 * assert.equal(registry.get("bgtask_done"), BgtaskDoneEvent);
 * assert.throws(() => registry.register(BgtaskDoneEvent), /already registered/);
 * ```
 */
export class EventRegistry {
  readonly #byName = new Map<string, EventDefinition<unknown>>();

  /**
   * Makes a registry.
   *
   * @param definitions Definitions to register at once.
   * @throws {InvalidAPIParameters} On a duplicate name.
   */
  constructor(definitions: Iterable<EventDefinition<unknown>> = []) {
    for (const definition of definitions) this.register(definition);
  }

  /**
   * Adds a definition.
   *
   * @param definition The definition.
   * @throws {InvalidAPIParameters} When the name is already registered.
   */
  register(definition: EventDefinition<unknown>): void {
    if (this.#byName.has(definition.name)) {
      throw new InvalidAPIParameters(
        `Event "${definition.name}" is already registered`,
        { data: { field: "name", value: definition.name } },
      );
    }
    this.#byName.set(
      definition.name,
      definition,
    );
  }

  /**
   * Looks a definition up.
   *
   * @param name The event name.
   * @returns The definition, or `undefined`.
   */
  get(name: string): EventDefinition<unknown> | undefined {
    return this.#byName.get(name);
  }

  /** The registered names. */
  get names(): string[] {
    return [...this.#byName.keys()];
  }

  /**
   * Decodes a received message into an event by its name (upstream
   * `from_broadcast_payload`).
   *
   * @param message The decoded queue message.
   * @returns The event.
   * @throws {EventPayloadDecodingError} When the name is unknown or the body
   * does not fit.
   */
  decode(
    message: Pick<DecodedMessage, "name" | "body" | "legacyArgs">,
  ): Event<unknown> {
    const definition = this.#byName.get(message.name);
    if (definition === undefined) {
      throw new EventPayloadDecodingError(
        `Cannot decode event "${message.name}": no such event is registered`,
        { data: { event: message.name, issues: [] } },
      );
    }
    return { definition, body: definition.decode(message) };
  }
}
