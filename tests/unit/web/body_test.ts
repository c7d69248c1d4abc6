// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import { z } from "zod";
import {
  BackendAISchemaValidationFailed,
  MalformedRequestBody,
} from "../../../exception.ts";
import {
  compose,
  errorResponse,
  jsonResponse,
  type Middleware,
  readBytes,
  readJson,
  RequestBodyTooLarge,
  UnsupportedMediaType,
} from "../../../web/mod.ts";

/** Answers what the chain throws as problem+json (the error middleware's job). */
const answerErrors: Middleware = async (_request, next) => {
  try {
    return await next();
  } catch (error) {
    return errorResponse(error);
  }
};

const Spec = z.object({
  name: z.string(),
  resources: z.object({ cpu: z.number().int().positive() }),
  tags: z.array(z.string()).optional(),
});

const app = compose(
  [answerErrors],
  async (request) =>
    jsonResponse(await readJson(request, Spec, { maxBytes: 256 })),
);

function post(body: BodyInit, contentType: string | null = "application/json") {
  const headers = new Headers();
  if (contentType !== null) headers.set("content-type", contentType);
  return new Request("http://x/sessions", { method: "POST", body, headers });
}

async function problem(response: Response) {
  assert.equal(
    response.headers.get("content-type"),
    "application/problem+json",
  );
  return await response.json();
}

Deno.test("readJson through the error middleware: a valid body is parsed and checked", async () => {
  const response = await app(post('{"name":"a","resources":{"cpu":2}}'));
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { name: "a", resources: { cpu: 2 } });
  const plusJson = await app(
    post(
      '{"name":"a","resources":{"cpu":1}}',
      "application/vnd.api+json; charset=utf-8",
    ),
  );
  assert.equal(plusJson.status, 200);
});

Deno.test("readJson: text that is not JSON is a 400 problem (MalformedRequestBody)", async () => {
  for (const body of ['{"name":', "", "\u00ff\u00fe"]) {
    const response = await app(post(body));
    assert.equal(response.status, 400, body);
    const json = await problem(response);
    assert.equal(json.error_code, "api_parsing_bad-request");
    assert.equal(json.title, "Malformed request body.");
  }
  const invalidUtf8 = await app(post(new Uint8Array([0x22, 0xc3, 0x28, 0x22])));
  assert.equal(invalidUtf8.status, 400);
});

Deno.test("readJson: a schema failure is a 400 problem listing each failing path, never the value", async () => {
  const response = await app(
    post(
      '{"name":7,"resources":{"cpu":-1},"tags":["ok",3],"secret":"hunter2"}',
    ),
  );
  assert.equal(response.status, 400);
  const json = await problem(response);
  assert.equal(json.error_code, "backendai_parsing_invalid-parameters");
  assert.deepEqual(
    json.data.errors.map((error: { loc: unknown[] }) => error.loc),
    [["name"], ["resources", "cpu"], ["tags", 1]],
  );
  for (const error of json.data.errors) {
    assert.equal(typeof error.msg, "string");
  }
  assert.equal(JSON.stringify(json).includes("hunter2"), false);
  assert.match(json.msg, /name, resources\.cpu, tags\.1/);
});

Deno.test("readJson: a body over the limit is a 413 problem, declared or streamed", async () => {
  const big = JSON.stringify({ name: "x".repeat(300), resources: { cpu: 1 } });
  const declared = post(big);
  const withLength = new Request(declared, {
    headers: {
      "content-type": "application/json",
      "content-length": String(big.length),
    },
  });
  const response = await app(withLength);
  assert.equal(response.status, 413);
  assert.deepEqual((await problem(response)).data, { limit: 256 });
  let pulled = 0;
  const streamed = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (pulled > 100) controller.close();
      else controller.enqueue(new TextEncoder().encode("x".repeat(64)));
    },
  });
  const chunked = await app(
    new Request("http://x/", {
      method: "POST",
      body: streamed,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit),
  );
  assert.equal(chunked.status, 413);
  assert.ok(pulled < 10, `reading stopped at the limit (${pulled} chunks)`);
});

Deno.test("readJson: a content type that is not JSON, or none, is a 415 problem", async () => {
  for (
    const type of ["text/plain", "application/x-www-form-urlencoded", null]
  ) {
    const response = await app(
      post('{"name":"a","resources":{"cpu":1}}', type),
    );
    assert.equal(response.status, 415, String(type));
    const json = await problem(response);
    assert.equal(json.error_code, "api_parsing_content-type-mismatch");
    assert.deepEqual(json.data.expected, ["application/json"]);
  }
});

Deno.test("readBytes and readJson throw the web errors to a caller without middleware", async () => {
  await assert.rejects(readJson(post("{"), Spec), MalformedRequestBody);
  await assert.rejects(
    readJson(post("{}"), Spec),
    BackendAISchemaValidationFailed,
  );
  await assert.rejects(
    readJson(post("{}", "text/plain"), Spec),
    UnsupportedMediaType,
  );
  await assert.rejects(readBytes(post("12345"), 4), RequestBodyTooLarge);
  assert.equal((await readBytes(new Request("http://x/"), 0)).length, 0);
});
