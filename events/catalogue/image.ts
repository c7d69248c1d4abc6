// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Image pull events (upstream `event_types/image/anycast.py`), anycast,
 * routed by image name. `image_ref` is kept as an opaque object: its
 * legacy form is a pickle-based msgpack ext that cannot be decoded outside
 * Python (such messages go to the dead-letter stream), nor written: in the
 * legacy form these events go only with `image_ref` null (then left out of
 * the tuple, as upstream 26.8 does for `image_pull_started` and
 * `image_pull_failed`).
 *
 * @module
 */

import { z } from "zod";
import { defineEvent, type EventDefinition, EventDomain } from "../define.ts";

/** The fields every image event has. */
export interface ImageEventBody {
  /** The image name. */
  image: string;
  /** The agent pulling it. */
  agent_id: string;
  /** The image reference, when sent (opaque). */
  image_ref: Record<string, unknown> | null;
}

/** The body of `image_pull_started`. */
export interface ImagePullStartedBody extends ImageEventBody {
  /** When, in seconds since the epoch (a Python float). */
  timestamp: number;
}

/** The body of `image_pull_finished`. */
export interface ImagePullFinishedBody extends ImagePullStartedBody {
  /** A message, if any. */
  msg: string | null;
}

/** The body of `image_pull_failed`. */
export interface ImagePullFailedBody extends ImageEventBody {
  /** What went wrong. */
  msg: string;
}

// `image_ref` goes last, as upstream's field order has it (the JSON text is
// written in schema order).
const head = { image: z.string(), agent_id: z.string() };
const imageRef = {
  image_ref: z.record(z.string(), z.unknown()).nullable().default(null),
};
// Upstream 26.8 packs an ImageRef as a pickle (msgpack ext 7).
const pickledImageRef = {
  field: "image_ref",
  as: "pickled",
  pythonType: "ImageRef",
} as const;

/** `image_pull_started`: an agent began pulling an image. */
export const ImagePullStartedEvent: EventDefinition<ImagePullStartedBody> =
  defineEvent({
    name: "image_pull_started",
    domain: EventDomain.IMAGE,
    pattern: "anycast",
    schema: z.object({ ...head, timestamp: z.number(), ...imageRef }),
    domainId: (body) => body.image,
    legacyFields: ["image", "agent_id", "timestamp", {
      ...pickledImageRef,
      omitWhenNull: true,
    }],
    floatFields: ["timestamp"],
  });

/** `image_pull_finished`: an agent finished pulling an image. */
export const ImagePullFinishedEvent: EventDefinition<ImagePullFinishedBody> =
  defineEvent({
    name: "image_pull_finished",
    domain: EventDomain.IMAGE,
    pattern: "anycast",
    schema: z.object({
      ...head,
      timestamp: z.number(),
      msg: z.string().nullable().default(null),
      ...imageRef,
    }),
    domainId: (body) => body.image,
    legacyFields: ["image", "agent_id", "timestamp", "msg", pickledImageRef],
    floatFields: ["timestamp"],
  });

/** `image_pull_failed`: an agent could not pull an image. */
export const ImagePullFailedEvent: EventDefinition<ImagePullFailedBody> =
  defineEvent({
    name: "image_pull_failed",
    domain: EventDomain.IMAGE,
    pattern: "anycast",
    schema: z.object({ ...head, msg: z.string(), ...imageRef }),
    domainId: (body) => body.image,
    legacyFields: ["image", "agent_id", "msg", {
      ...pickledImageRef,
      omitWhenNull: true,
    }],
  });

/**
 * The image events (all anycast).
 *
 * @example Legacy tuple in, JSON out
 * ```ts
 * import { IMAGE_EVENTS, ImagePullStartedEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * assert.equal(IMAGE_EVENTS.length, 3);
 * assert.ok(IMAGE_EVENTS.every((definition) => definition.pattern === "anycast"));
 * const body = ImagePullStartedEvent.decode({ body: null, legacyArgs: ["python:3.12", "i-1", 1700000000] });
 * assert.equal(ImagePullStartedEvent.domainId(body), "python:3.12");
 * assert.equal(
 *   ImagePullStartedEvent.encode(body),
 *   '{"image":"python:3.12","agent_id":"i-1","timestamp":1700000000.0,"image_ref":null}',
 * );
 * ```
 */
export const IMAGE_EVENTS: readonly EventDefinition<unknown>[] = [
  ImagePullStartedEvent,
  ImagePullFinishedEvent,
  ImagePullFailedEvent,
];
