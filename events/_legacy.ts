// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Internal: not exported from mod.ts.

/**
 * The legacy form of event bodies (releases up to 26.8.x): a positional
 * tuple packed with msgpack as upstream's `msgpack.packb` does
 * (`use_bin_type=True`, tuples as arrays, Python floats as float 64), and
 * its reading back into a body. `defineEvent` compiles an event's
 * `legacyFields` once with {@linkcode compileLegacyForm}.
 *
 * @module
 */

import { Encoder } from "@msgpack/msgpack";
import { InvalidAPIParameters } from "../exception.ts";
import { bodyToJson, type FloatPaths, NonFiniteFloatError } from "./_json.ts";

/**
 * How upstream 26.8.x carried one element of an event's legacy tuple, when
 * it is not simply the field's value (see {@linkcode LegacyField}).
 *
 * @example Upstream's `service_deregistered`: `(instance_id.encode(), service_group.encode())`
 * ```ts
 * import type { LegacyElement } from "@backendai/common/events";
 *
 * const legacyFields: LegacyElement[] = [
 *   { field: "instance_id", as: "utf8" },
 *   { field: "service_group", as: "utf8" },
 * ];
 * ```
 */
export interface LegacyElement {
  /**
   * The body field the element carries, by dotted path (`model.model_id`
   * for a field of a nested object). Set exactly one of `field`, `fields`
   * and `constant`.
   */
  readonly field?: string | undefined;
  /**
   * Several top-level fields carried as one JSON object (with
   * `as: "json"`), as upstream's `service_registered` packs most of its
   * body.
   */
  readonly fields?: readonly string[] | undefined;
  /**
   * A value upstream writes here and never reads (its
   * `do_sweep_stale_services` sends `(b"",)`): written as is, skipped when
   * read.
   */
  readonly constant?: string | number | boolean | Uint8Array | null;
  /**
   * How the value is carried:
   * - `"value"`: as is (text, numbers, floats per `floatFields`, booleans,
   *   `null`, arrays, maps);
   * - `"utf8"`: a string as its UTF-8 bytes (msgpack bin; upstream
   *   `.encode()`);
   * - `"json"`: the value's JSON text as UTF-8 bytes (upstream
   *   `dump_json_str(...).encode()`);
   * - `"pickled"`: a Python object upstream pickles into a msgpack extension
   *   (`ImageRef`, `ResourceSlot`, ...). Only `null` can be written; any
   *   other value makes the legacy form refuse the event, naming the field.
   *
   * @default {"value"}
   */
  readonly as?: "value" | "utf8" | "json" | "pickled" | undefined;
  /** For `as: "pickled"`: the Python type, named in the refusal. */
  readonly pythonType?: string | undefined;
  /**
   * Upstream leaves this element out of the tuple when it is `null` (only
   * trailing elements may set this).
   *
   * @default {false}
   */
  readonly omitWhenNull?: boolean | undefined;
}

/**
 * One element of an event's legacy msgpack tuple (releases up to 26.8.x):
 * the name (or dotted path) of the body field carried as is, or a
 * {@linkcode LegacyElement} saying how upstream carried it.
 */
export type LegacyField = string | LegacyElement;

type Carried = "value" | "utf8" | "json" | "pickled";

type Element =
  | { readonly kind: "constant"; readonly value: unknown }
  | {
    readonly kind: "fields";
    readonly name: string;
    readonly fields: readonly string[];
  }
  | {
    readonly kind: "field";
    readonly name: string;
    readonly path: readonly string[];
    readonly as: Carried;
    readonly floats: FloatPaths | undefined;
    readonly omitWhenNull: boolean;
    readonly pythonType: string | undefined;
  };

/** An event's compiled legacy tuple. */
export interface LegacyForm {
  /** The tuple's elements, in order. */
  readonly elements: readonly Element[];
  /** Whether some element holds a float: then it is packed piece by piece. */
  readonly hasFloats: boolean;
  /** The float paths of the whole body (for JSON-carried fields). */
  readonly floats: FloatPaths | undefined;
  /** The event's packer, made on its first legacy send. */
  packer?: Packer | undefined;
}

/**
 * msgpack encoders kept per event (one allocates a 2 KiB buffer; one per
 * value cost more than the rest of a send), and the buffer a tuple is
 * assembled in.
 */
class Packer {
  readonly plain: Encoder = new Encoder();
  readonly float: Encoder = new Encoder({ forceIntegerToFloat: true });
  #bytes = new Uint8Array(512);
  #length = 0;

  reset(): void {
    this.#length = 0;
  }

  write(part: Uint8Array): void {
    const needed = this.#length + part.length;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(part, this.#length);
    this.#length = needed;
  }

  header(fix: number, wide16: number, size: number): void {
    if (size < 16) this.write(Uint8Array.of(fix | size));
    else if (size < 0x10000) {
      this.write(Uint8Array.of(wide16, size >> 8, size & 0xff));
    } else {
      this.write(Uint8Array.of(
        wide16 + 1,
        size >>> 24,
        (size >> 16) & 0xff,
        (size >> 8) & 0xff,
        size & 0xff,
      ));
    }
  }

  result(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/**
 * An element cannot be written in the legacy form: a field upstream pickles,
 * or one of the wrong type. Internal: `defineEvent` turns it into an
 * `EventPayloadEncodingError` naming `field`.
 */
export class LegacyFieldError extends Error {
  /** The dotted path of the field. */
  readonly field: string;

  /**
   * @param field The dotted path of the field.
   * @param message What is wrong with it.
   * @param options The cause, if any.
   */
  constructor(field: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.field = field;
  }
}

const CARRIED: ReadonlySet<string> = new Set([
  "value",
  "utf8",
  "json",
  "pickled",
]);

function badSpec(message: string, index: number): never {
  throw new InvalidAPIParameters(`"legacyFields"[${index}]: ${message}`, {
    data: { field: `legacyFields.${index}` },
  });
}

function subtree(
  floats: FloatPaths | undefined,
  path: readonly string[],
): FloatPaths | undefined {
  let node = floats;
  for (const segment of path) {
    node = node?.children?.get(segment) ?? node?.wildcard;
    if (node === undefined) return undefined;
  }
  return node;
}

function isDottedPath(value: unknown): value is string {
  return typeof value === "string" &&
    value.split(".").every((segment) => segment !== "");
}

/**
 * Compiles an event's `legacyFields`.
 *
 * @param fields The spec's elements.
 * @param floats The event's float paths.
 * @returns The compiled form.
 * @throws {InvalidAPIParameters} When an element is malformed.
 */
export function compileLegacyForm(
  fields: readonly LegacyField[],
  floats: FloatPaths | undefined,
): LegacyForm {
  const elements: Element[] = [];
  let omitting = false;
  fields.forEach((field, index) => {
    const spec = typeof field === "string" ? { field } : field;
    if (typeof spec !== "object" || spec === null) {
      badSpec("a field name or an object", index);
    }
    const kinds = ["field", "fields", "constant"].filter((key) =>
      key in spec && (key === "constant" ||
        (spec as Record<string, unknown>)[key] !== undefined)
    );
    if (kinds.length !== 1) {
      badSpec('set exactly one of "field", "fields" and "constant"', index);
    }
    const omitWhenNull = spec.omitWhenNull === true;
    if (omitting && !omitWhenNull) {
      badSpec('only trailing elements may set "omitWhenNull"', index);
    }
    omitting ||= omitWhenNull;
    if ("constant" in spec) {
      if (omitWhenNull) badSpec('a constant cannot be "omitWhenNull"', index);
      elements.push({ kind: "constant", value: spec.constant });
      return;
    }
    const as = spec.as ?? "value";
    if (!CARRIED.has(as)) {
      badSpec(
        `"as" is "value", "utf8", "json" or "pickled", got ${
          JSON.stringify(as)
        }`,
        index,
      );
    }
    if (spec.fields !== undefined) {
      if (as !== "json") badSpec('"fields" needs as: "json"', index);
      if (
        !Array.isArray(spec.fields) || spec.fields.length === 0 ||
        !spec.fields.every((name) =>
          typeof name === "string" && name !== "" && !name.includes(".")
        )
      ) {
        badSpec('"fields" lists top-level field names', index);
      }
      if (omitWhenNull) badSpec('"fields" cannot be "omitWhenNull"', index);
      elements.push({
        kind: "fields",
        name: spec.fields.join(","),
        fields: [...spec.fields],
      });
      return;
    }
    if (!isDottedPath(spec.field)) {
      badSpec('"field" is a dotted path of the body', index);
    }
    const path = spec.field.split(".");
    elements.push({
      kind: "field",
      name: spec.field,
      path,
      as,
      floats: subtree(floats, path),
      omitWhenNull,
      pythonType: spec.pythonType,
    });
  });
  return {
    elements,
    hasFloats: elements.some((element) =>
      element.kind === "field" && element.as === "value" &&
      element.floats !== undefined
    ),
    floats,
  };
}

function valueAt(body: unknown, path: readonly string[]): unknown {
  let value = body;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });
function childOf(node: FloatPaths, segment: string): FloatPaths | undefined {
  return node.children?.get(segment) ?? node.wildcard;
}

// msgpack packs each value; only where a float path leads does this walk
// into a container, write its header and pack the float as float 64 (a
// JavaScript number carries no int/float distinction).
function pack(
  value: unknown,
  node: FloatPaths | undefined,
  path: string,
  out: Packer,
): void {
  if (node !== undefined) {
    if (node.float && typeof value === "number") {
      if (!Number.isFinite(value)) throw new NonFiniteFloatError(path, value);
      out.write(out.float.encodeSharedRef(value));
      return;
    }
    if (
      node.children !== undefined && typeof value === "object" &&
      value !== null && !ArrayBuffer.isView(value)
    ) {
      if (Array.isArray(value)) {
        out.header(0x90, 0xdc, value.length);
        value.forEach((item, i) => {
          const child = childOf(node, String(i));
          pack(item, child, `${path}.${i}`, out);
        });
        return;
      }
      const keys = Object.keys(value);
      out.header(0x80, 0xde, keys.length);
      for (const key of keys) {
        out.write(out.plain.encodeSharedRef(key));
        pack(
          (value as Record<string, unknown>)[key],
          childOf(node, key),
          `${path}.${key}`,
          out,
        );
      }
      return;
    }
  }
  out.write(out.plain.encodeSharedRef(value));
}

/**
 * Packs a checked body as its legacy tuple.
 *
 * @param form The compiled form.
 * @param body The body.
 * @returns The msgpack bytes (an array).
 * @throws {LegacyFieldError} When a field cannot be written in this form.
 * @throws {NonFiniteFloatError} When a float field is NaN or infinite.
 */
export function packLegacy(form: LegacyForm, body: unknown): Uint8Array {
  const values: unknown[] = [];
  const nodes: (FloatPaths | undefined)[] = [];
  const omittable: boolean[] = [];
  for (const element of form.elements) {
    let value: unknown;
    let node: FloatPaths | undefined;
    let omit = false;
    if (element.kind === "constant") {
      value = element.value;
    } else if (element.kind === "fields") {
      const picked: Record<string, unknown> = {};
      for (const field of element.fields) {
        picked[field] = valueAt(body, [field]);
      }
      value = utf8Encoder.encode(bodyToJson(picked, form.floats));
    } else {
      value = valueAt(body, element.path) ?? null;
      omit = element.omitWhenNull && value === null;
      if (element.as === "value") {
        node = element.floats;
      } else if (value !== null) {
        value = carry(element, value);
      }
    }
    values.push(value);
    nodes.push(node);
    omittable.push(omit);
  }
  while (omittable.length > 0 && omittable[omittable.length - 1]) {
    omittable.pop();
    values.pop();
    nodes.pop();
  }
  const packer = form.packer ??= new Packer();
  if (!form.hasFloats) return packer.plain.encode(values);
  packer.reset();
  packer.header(0x90, 0xdc, values.length);
  values.forEach((value, i) => {
    const element = form.elements[i];
    const name = element?.kind === "field" ? element.name : String(i);
    pack(value, nodes[i], name, packer);
  });
  return packer.result();
}

function carry(
  element: Extract<Element, { kind: "field" }>,
  value: unknown,
): unknown {
  switch (element.as) {
    case "utf8":
      if (typeof value !== "string") {
        throw new LegacyFieldError(
          element.name,
          `"${element.name}" must be a string, got ${typeof value}`,
        );
      }
      return utf8Encoder.encode(value);
    case "json":
      return utf8Encoder.encode(bodyToJson(value, element.floats));
    case "pickled":
      throw new LegacyFieldError(
        element.name,
        `"${element.name}" holds a Python ${
          element.pythonType ?? "object"
        } that upstream 26.8 pickles into a msgpack extension only Python ` +
          "can read: leave it null where it may be, or send this event in " +
          "the JSON form",
      );
    default:
      return value;
  }
}

function text(value: unknown, field: string): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) {
    try {
      return utf8Decoder.decode(value);
    } catch (err) {
      throw new LegacyFieldError(field, `"${field}" is not valid UTF-8`, {
        cause: err,
      });
    }
  }
  throw new LegacyFieldError(
    field,
    `"${field}" must be text or bytes, got ${typeof value}`,
  );
}

function json(value: unknown, field: string): unknown {
  const source = text(value, field);
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new LegacyFieldError(field, `"${field}" is not a JSON text`, {
      cause: err,
    });
  }
}

function setAt(
  body: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let node = body;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i] as string;
    const next = node[segment];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      node = next as Record<string, unknown>;
    } else {
      const created: Record<string, unknown> = {};
      node[segment] = created;
      node = created;
    }
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Reads a legacy tuple back into a body (before the schema checks it): a
 * missing trailing element reads as `null`, as upstream's readers take it.
 *
 * @param form The compiled form.
 * @param args The decoded msgpack array.
 * @returns The body.
 * @throws {LegacyFieldError} When an element cannot be read.
 */
export function unpackLegacy(
  form: LegacyForm,
  args: readonly unknown[],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  form.elements.forEach((element, i) => {
    const arg = args[i] ?? null;
    if (element.kind === "constant") return;
    if (element.kind === "fields") {
      if (arg === null) return;
      const parsed = json(arg, element.name);
      if (
        typeof parsed !== "object" || parsed === null || Array.isArray(parsed)
      ) {
        throw new LegacyFieldError(
          element.name,
          `"${element.name}" is not a JSON object`,
        );
      }
      for (const field of element.fields) {
        if (Object.hasOwn(parsed, field)) {
          body[field] = (parsed as Record<string, unknown>)[field];
        }
      }
      return;
    }
    let value: unknown = arg;
    if (value !== null) {
      if (element.as === "utf8") value = text(value, element.name);
      else if (element.as === "json") value = json(value, element.name);
    }
    setAt(body, element.path, value);
  });
  return body;
}
