// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
// Internal: not exported from mod.ts.

/**
 * Event bodies as the JSON text upstream writes: Python floats written the
 * way orjson writes them (upstream's JSON library; pydantic-core, which
 * upstream main's event bodies go through, formatted floats the same way at
 * the version upstream locks), everything else as `JSON.stringify` does.
 *
 * @module
 */

/**
 * Which fields of a body are Python floats: a tree of path segments, `*`
 * standing for any object key or array index.
 */
export interface FloatPaths {
  /** Whether the value here is a float. */
  readonly float: boolean;
  /** The float paths below, by segment. */
  readonly children: ReadonlyMap<string, FloatPaths> | undefined;
  /** The paths below any segment (`*`), if any. */
  readonly wildcard: FloatPaths | undefined;
}

interface MutableFloatPaths {
  float: boolean;
  children: Map<string, MutableFloatPaths> | undefined;
  wildcard: MutableFloatPaths | undefined;
}

/**
 * Compiles dotted paths (`progress`, `result.verifiers.*.scan_time`) into a
 * tree.
 *
 * @param paths The dotted paths.
 * @returns The tree, or `undefined` when there are none.
 */
export function compileFloatPaths(
  paths: readonly string[],
): FloatPaths | undefined {
  if (paths.length === 0) return undefined;
  const root: MutableFloatPaths = {
    float: false,
    children: new Map(),
    wildcard: undefined,
  };
  for (const path of paths) {
    let node = root;
    for (const segment of path.split(".")) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { float: false, children: undefined, wildcard: undefined };
        node.children.set(segment, child);
        if (segment === "*") node.wildcard = child;
      }
      node = child;
    }
    node.float = true;
  }
  return root;
}

/**
 * A float field held NaN or an infinity, which JSON cannot carry. Internal:
 * `defineEvent` turns it into an `EventPayloadEncodingError` naming `path`.
 */
export class NonFiniteFloatError extends Error {
  /** The dotted path of the field. */
  readonly path: string;

  /**
   * @param path The dotted path of the field.
   * @param value The value.
   */
  constructor(path: string, value: number) {
    super(`"${path}" is ${value}, which JSON cannot carry`);
    this.path = path;
  }
}

/**
 * A finite number as the text orjson writes for a Python float: the shortest
 * digits that read back as the same number, `.0` on integral values (`3.0`,
 * `-0.0`), plain decimals from 1e-5 up to below 1e16, and the exponent form
 * outside that range without a `+` (`1e16`, `1.5e21`, `1e-6`, `5e-324`).
 * JavaScript's own rendering differs at both ends (`1e+21`, `0.0000015`).
 *
 * @param value A finite number.
 * @returns The text.
 */
export function pythonFloatText(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e16 || (magnitude < 1e-5 && magnitude !== 0)) {
    // toExponential() without digits gives the shortest round-trip digits.
    const text = value.toExponential();
    const e = text.indexOf("e");
    return text.charCodeAt(e + 1) === 43 /* + */
      ? text.slice(0, e + 1) + text.slice(e + 2)
      : text;
  }
  if (Number.isInteger(value)) {
    return value === 0 && 1 / value < 0 ? "-0.0" : `${value}.0`;
  }
  return String(value);
}

function floatText(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new NonFiniteFloatError(path, value);
  return pythonFloatText(value);
}

function childOf(
  node: FloatPaths,
  segment: string,
): FloatPaths | undefined {
  return node.children?.get(segment) ?? node.wildcard;
}

function write(value: unknown, node: FloatPaths, path: string): string {
  if (typeof value === "number" && node.float) return floatText(value, path);
  if (node.children !== undefined && typeof value === "object" && value) {
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) {
        const child = childOf(node, String(i));
        const item = value[i];
        items.push(
          child === undefined
            ? JSON.stringify(item) ?? "null"
            : write(item, child, `${path}.${i}`),
        );
      }
      return `[${items.join(",")}]`;
    }
    return writeObject(value as Record<string, unknown>, node, path);
  }
  return JSON.stringify(value);
}

function writeObject(
  body: Record<string, unknown>,
  node: FloatPaths,
  prefix: string | undefined,
): string {
  const parts: string[] = [];
  for (const key of Object.keys(body)) {
    const value = body[key];
    const child = childOf(node, key);
    const text = child === undefined
      ? JSON.stringify(value)
      : write(value, child, prefix === undefined ? key : `${prefix}.${key}`);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}

/**
 * A body as compact JSON text with its float fields written as Python
 * floats; the top-level object is written field by field, so no marker can
 * collide with a value.
 *
 * @param body The body.
 * @param floats The float paths, or `undefined` for none.
 * @returns The JSON text.
 * @throws {NonFiniteFloatError} When a float field is NaN or infinite.
 * @throws {TypeError} When a value is not JSON-representable (a bigint).
 */
export function bodyToJson(
  body: unknown,
  floats: FloatPaths | undefined,
): string {
  if (
    floats === undefined || typeof body !== "object" || body === null ||
    Array.isArray(body)
  ) {
    return JSON.stringify(body);
  }
  return writeObject(body as Record<string, unknown>, floats, undefined);
}
