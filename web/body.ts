// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Request bodies: {@linkcode readJson} reads a JSON body under a size
 * limit and checks it against a schema (zod's, or anything with
 * `safeParse`), answering each way a body can be wrong with its own 4xx
 * error; {@linkcode readBytes} reads any body under a limit;
 * {@linkcode limitBody} caps a body still to be read.
 *
 * @module
 */

import {
  BackendAIError,
  BackendAISchemaValidationFailed,
  MalformedRequestBody,
} from "../exception.ts";
import { invalidOption } from "../_options.ts";
import { RequestBodyTooLarge, UnsupportedMediaType } from "./errors.ts";

/** The default body limit of {@linkcode readJson}: 1 MiB. */
export const DEFAULT_BODY_LIMIT: number = 1024 * 1024;

/** One failed check of a schema, as zod reports it. */
export interface SchemaIssue {
  /** Where in the value (keys and indexes). */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
}

/**
 * What {@linkcode readJson} checks a body with: a zod schema fits.
 *
 * @typeParam T What a valid body becomes.
 */
export interface BodySchema<T> {
  /**
   * Checks a value.
   *
   * @param value The parsed JSON.
   * @returns The checked value, or the issues.
   */
  safeParse(value: unknown):
    | { readonly success: true; readonly data: T }
    | {
      readonly success: false;
      readonly error: { readonly issues: readonly SchemaIssue[] };
    };
}

/** Options of {@linkcode readJson}. */
export interface ReadJsonOptions {
  /**
   * The largest body read, in bytes; a larger one is
   * {@linkcode RequestBodyTooLarge} (413).
   *
   * @default {1048576}
   */
  maxBytes?: number | undefined;
}

/**
 * Reads the body under a limit: a `Content-Length` over it is refused
 * before reading, and a body without one is read until it passes the limit.
 *
 * @example Usage
 * ```ts
 * import { readBytes, RequestBodyTooLarge } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const ok = await readBytes(new Request("http://x/", { method: "POST", body: "abc" }), 10);
 * assert.equal(ok.length, 3);
 * await assert.rejects(
 *   readBytes(new Request("http://x/", { method: "POST", body: "abcdef" }), 4),
 *   RequestBodyTooLarge,
 * );
 * ```
 *
 * @param request The request.
 * @param maxBytes The limit in bytes.
 * @returns The bytes (empty when there is no body).
 * @throws {RequestBodyTooLarge} When the body is larger than the limit.
 */
export async function readBytes(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array> {
  checkLimit(maxBytes);
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof BackendAIError) throw error;
    throw new MalformedRequestBody("Cannot read the request body", {
      cause: error,
    });
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Whether a content type is JSON: `application/json` or a `+json` type,
 * parameters ignored.
 *
 * @example Usage
 * ```ts
 * import { isJsonContentType } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isJsonContentType("application/json; charset=utf-8"), true);
 * assert.equal(isJsonContentType("application/merge-patch+json"), true);
 * assert.equal(isJsonContentType("text/plain"), false);
 * assert.equal(isJsonContentType(null), false);
 * ```
 *
 * @param contentType The header's value.
 * @returns Whether it is JSON.
 */
export function isJsonContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const media = mediaType(contentType);
  return media === "application/json" || media.endsWith("+json");
}

/**
 * The media type of a `Content-Type` value: the part before any `;`,
 * trimmed and lower-cased (as aiohttp's `content_type`).
 *
 * @example Usage
 * ```ts
 * import { mediaType } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mediaType("Multipart/Form-Data; boundary=x"), "multipart/form-data");
 * ```
 *
 * @param contentType The header's value.
 * @returns The media type.
 */
export function mediaType(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon))
    .trim().toLowerCase();
}

/**
 * Reads a JSON body and checks it. Each way a body can be wrong has its
 * own error, answered as problem+json by the error middleware: a content
 * type that is not JSON is {@linkcode UnsupportedMediaType} (415), a body
 * over the limit {@linkcode RequestBodyTooLarge} (413), text that is not
 * JSON `MalformedRequestBody` (400), and a value the schema refuses
 * `BackendAISchemaValidationFailed` (400) with `data.errors`, one
 * `{ loc, msg }` per issue (the path as a list of keys, as pydantic gives
 * `loc`); the value itself is never echoed.
 *
 * @example Valid and invalid bodies
 * ```ts
 * import { BackendAISchemaValidationFailed } from "@backendai/common/exception";
 * import { readJson } from "@backendai/common/web";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const Spec = z.object({ name: z.string(), cpu: z.number() });
 * const post = (body: string) =>
 *   new Request("http://x/", { method: "POST", body, headers: { "content-type": "application/json" } });
 * assert.deepEqual(await readJson(post('{"name":"a","cpu":2}'), Spec), { name: "a", cpu: 2 });
 * await assert.rejects(readJson(post('{"name":"a","cpu":"2"}'), Spec), (error) => {
 *   assert.ok(error instanceof BackendAISchemaValidationFailed);
 *   assert.deepEqual((error.data?.errors as { loc: unknown[] }[])[0]?.loc, ["cpu"]);
 *   return true;
 * });
 * ```
 *
 * @typeParam T What a valid body becomes.
 * @param request The request.
 * @param schema The schema.
 * @param options The size limit.
 * @returns The checked body.
 */
export async function readJson<T>(
  request: Request,
  schema: BodySchema<T>,
  options: ReadJsonOptions = {},
): Promise<T> {
  const contentType = request.headers.get("content-type");
  if (!isJsonContentType(contentType)) {
    throw new UnsupportedMediaType("Expected a JSON request body", {
      data: { contentType, expected: ["application/json"] },
    });
  }
  const bytes = await readBytes(
    request,
    options.maxBytes ?? DEFAULT_BODY_LIMIT,
  );
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MalformedRequestBody("The request body is not valid JSON", {
      cause: error,
    });
  }
  const checked = schema.safeParse(value);
  if (checked.success) return checked.data;
  const errors = checked.error.issues.map((issue) => ({
    loc: issue.path.map((key) => typeof key === "symbol" ? String(key) : key),
    msg: issue.message,
  }));
  throw new BackendAISchemaValidationFailed(
    `The request body is invalid at ${
      errors.map((error) => error.loc.join(".") || "(root)").join(", ")
    }`,
    { data: { errors } },
  );
}

/**
 * A request whose body ends in {@linkcode RequestBodyTooLarge} once more
 * than `maxBytes` are read (for bodies without a `Content-Length`; the body
 * limit middleware refuses a larger declared length before reading).
 *
 * @example Usage
 * ```ts
 * import { limitBody, readBytes, RequestBodyTooLarge } from "@backendai/common/web";
 * import assert from "node:assert/strict";
 *
 * const request = limitBody(new Request("http://x/", { method: "POST", body: "abcdef" }), 4);
 * await assert.rejects(readBytes(request, 100), RequestBodyTooLarge);
 * ```
 *
 * @param request The request.
 * @param maxBytes The limit in bytes.
 * @returns The same request with a capped body (or itself, without a body).
 */
export function limitBody(request: Request, maxBytes: number): Request {
  checkLimit(maxBytes);
  if (request.body === null) return request;
  let size = 0;
  const capped = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxBytes) controller.error(tooLarge(maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request, {
    body: capped,
    duplex: "half",
  } as RequestInit);
}

function checkLimit(maxBytes: number): void {
  if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0)) {
    invalidOption(
      "body",
      "maxBytes",
      maxBytes,
      "must be a whole number of bytes",
    );
  }
}

function tooLarge(maxBytes: number): RequestBodyTooLarge {
  return new RequestBodyTooLarge(
    `The request body exceeds ${maxBytes} bytes`,
    { data: { limit: maxBytes } },
  );
}
