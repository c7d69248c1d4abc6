// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Every event definition of the catalogue decodes generated bodies (its
// sample body with one place deleted, replaced or wrapped, or random JSON)
// and legacy argument tuples (the sample's, mutated, or random msgpack
// values: text, numbers, bigints, bytes, arrays, maps, null) without
// crashing: a body it
// refuses is an EventPayloadDecodingError with a code, and a body it takes
// gives its routing id, cache id and SSE projection without throwing, and
// encodes again (or is refused with EventPayloadEncodingError).
// Seeded: see _gen.ts.

import assert from "node:assert/strict";
import * as events from "../../events/mod.ts";
import { EventPayloadDecodingError } from "../../events/mod.ts";
import { decodeStreamFields } from "../../message_queue/mod.ts";
import {
  keyOf,
  LEGACY_REFUSED,
  sampleOf,
} from "../integration/events/_samples.ts";
import { reportFaultFigures } from "../faults/_report.ts";
import { type Fuzz, fuzz, fuzzCases } from "./_gen.ts";

type Definition = events.EventDefinition<unknown>;

function definitions(): Definition[] {
  return (Object.values(events) as unknown[]).filter((
    value,
  ): value is Definition =>
    typeof value === "object" && value !== null &&
    typeof (value as Partial<Definition>).decode === "function" &&
    typeof (value as Partial<Definition>).name === "string"
  );
}

/** A value as msgpack may carry it in a legacy tuple. */
function legacyValue(f: Fuzz, depth: number): unknown {
  switch (f.int(depth > 0 ? 10 : 8)) {
    case 0:
      return null;
    case 1:
      return f.text(f.int(10));
    case 2:
      return f.pick([0, -1, 1.5, 2 ** 53, NaN, Infinity, -0]);
    case 3:
      return f.pick([0n, -(2n ** 63n), 2n ** 64n - 1n]);
    case 4:
      return f.bytes(f.int(20));
    case 5:
      return f.chance(0.5);
    case 6:
      return JSON.stringify(f.json(2));
    case 7:
      return f.pick([
        "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d",
        "not-a-uuid",
        "",
        "{",
      ]);
    case 8:
      return Array.from({ length: f.int(4) }, () => legacyValue(f, depth - 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let n = f.int(4); n > 0; n--) {
        out[f.pick([f.word(), "__proto__", "constructor"])] = legacyValue(
          f,
          depth - 1,
        );
      }
      return out;
    }
  }
}

/** Every path to a value inside a JSON-like value. */
function pathsOf(
  value: unknown,
  path: (string | number)[] = [],
): (string | number)[][] {
  const out: (string | number)[][] = [path];
  if (Array.isArray(value)) {
    value.forEach((item, i) => out.push(...pathsOf(item, [...path, i])));
  } else if (
    typeof value === "object" && value !== null && !ArrayBuffer.isView(value)
  ) {
    for (const [key, item] of Object.entries(value)) {
      out.push(...pathsOf(item, [...path, key]));
    }
  }
  return out;
}

/** The value with one place deleted, replaced or wrapped. */
function mutate(f: Fuzz, value: unknown, replacement: () => unknown): unknown {
  const copy = structuredClone(value);
  const paths = pathsOf(copy);
  const path = f.pick(paths);
  if (path.length === 0) return replacement();
  let parent = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) {
    parent = parent[part] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  switch (f.int(3)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 1:
      parent[last] = replacement();
      break;
    default:
      parent[last] = [parent[last]];
  }
  return copy;
}

/** A sample's legacy tuple as a reader gets it, or undefined. */
function legacyTuple(
  definition: Definition,
  body: unknown,
): unknown[] | undefined {
  if (definition.legacyFields === undefined) return undefined;
  if (LEGACY_REFUSED.has(keyOf(definition))) return undefined;
  const decoded = decodeStreamFields({
    name: definition.name,
    source: "fuzz",
    args: definition.encodeLegacy(body),
  });
  return decoded.legacyArgs as unknown[];
}

Deno.test("fuzz: every catalogue event decodes generated bodies and legacy tuples, or refuses them with a typed error", async () => {
  const all = definitions();
  assert.ok(all.length > 50, `only ${all.length} definitions found`);
  const cases = fuzzCases("events-decode");
  const f = fuzz("events-decode");
  let refused = 0;
  let accepted = 0;
  let crashes = 0;
  for (let i = 0; i < cases; i++) {
    f.caseIndex = i;
    const definition = f.pick(all);
    const sample = sampleOf(definition);
    const tuple = legacyTuple(definition, sample);
    const legacy = definition.legacyFields !== undefined && f.chance(0.5);
    const fromSample = f.chance(0.7);
    let message: { body: unknown; legacyArgs: unknown[] | undefined };
    if (legacy) {
      const args = fromSample && tuple !== undefined
        ? mutate(f, tuple, () => legacyValue(f, 2))
        : Array.from({ length: f.int(8) }, () => legacyValue(f, 2));
      message = {
        body: undefined,
        legacyArgs: Array.isArray(args) ? args : [args],
      };
    } else {
      // Through JSON, as a body arrives.
      const body = fromSample
        ? mutate(f, JSON.parse(definition.encode(sample)), () => f.json(2))
        : f.json(3);
      message = { body, legacyArgs: undefined };
    }
    let body: unknown;
    try {
      body = definition.decode(message);
    } catch (err) {
      if (
        err instanceof EventPayloadDecodingError &&
        String(err.errorCode()) === "event_parsing_invalid-data-format"
      ) {
        refused++;
        continue;
      }
      crashes++;
      f.fail(
        `${definition.name} (${legacy ? "legacy" : "json"}): ${
          err instanceof Error ? `${err.name}: ${err.message}` : String(err)
        }`,
      );
    }
    accepted++;
    try {
      definition.domainId(body);
      definition.cacheId(body);
      definition.userEvent(body);
      // What was taken can be sent on, or is refused with a typed error.
      try {
        definition.encode(body);
      } catch (err) {
        if (!(err instanceof events.EventPayloadEncodingError)) throw err;
      }
    } catch (err) {
      crashes++;
      f.fail(
        `${definition.name}: a decoded body broke a projection or its encoding: ${
          err instanceof Error ? `${err.name}: ${err.message}` : String(err)
        }`,
      );
    }
  }
  assert.ok(refused > 0, "some bodies were refused");
  assert.ok(accepted > 0, "some bodies were taken");
  await reportFaultFigures({
    kind: "fuzz",
    name: "events-decode",
    cases,
    crashes,
  });
});
