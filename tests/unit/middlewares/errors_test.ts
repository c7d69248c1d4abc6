// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

import assert from "node:assert/strict";
import {
  BackendAIError,
  ErrorCode,
  ErrorDetail,
  ErrorDomain,
  ErrorOperation,
  InvalidAPIParameters,
} from "../../../exception.ts";
import { errorMiddleware } from "../../../middlewares/mod.ts";
import { compose, type RequestContext } from "../../../web/mod.ts";
import { recordingLogger } from "./_helpers.ts";

class Teapot extends BackendAIError {
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.API,
    ErrorOperation.READ,
    ErrorDetail.CONFLICT,
  );
  override readonly status: number = 418;
  override readonly errorType: string = "https://api.backend.ai/probs/teapot";
  override readonly errorTitle: string = "I am a teapot.";
}

Deno.test("errorMiddleware: a BackendAIError becomes its problem document and status; a 4xx is a warning", async () => {
  const logger = recordingLogger();
  let seen: RequestContext | undefined;
  const app = compose([async (request, next, context) => {
    const response = await next(request);
    seen = context;
    return response;
  }, errorMiddleware({ logger })], () => {
    throw new Teapot("No coffee here", { data: { field: "beverage" } });
  });
  const response = await app(new Request("http://x/brew?token=abc"));
  assert.equal(response.status, 418);
  assert.equal(
    response.headers.get("content-type"),
    "application/problem+json",
  );
  assert.deepEqual(await response.json(), {
    type: "https://api.backend.ai/probs/teapot",
    title: "I am a teapot.",
    error_code: "api_read_conflict",
    msg: "No coffee here",
    data: { field: "beverage" },
  });
  assert.ok(
    seen?.error instanceof Teapot,
    "the error is kept for the outer middlewares",
  );
  assert.equal(logger.lines.length, 1);
  const [line] = logger.lines;
  assert.equal(line?.level, "warn");
  assert.equal(line?.fields.errorCode, "api_read_conflict");
  assert.equal(line?.fields.status, 418);
  assert.equal(line?.fields.path, "/brew");
  assert.equal(line?.fields.stack, undefined);
});

Deno.test("errorMiddleware: anything else is a 500 that leaks nothing; it is logged with its stack", async () => {
  const logger = recordingLogger();
  const app = compose([errorMiddleware({ logger })], () => {
    throw new Error("connect to postgres://admin:hunter2@db failed");
  });
  const response = await app(new Request("http://x/"));
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.equal(text.includes("hunter2"), false);
  assert.equal(text.includes("postgres"), false);
  assert.deepEqual(JSON.parse(text), {
    type: "https://api.backend.ai/probs/internal-server-error",
    title: "Internal server error.",
    error_code: "backendai_generic_internal-error",
  });
  const [line] = logger.lines;
  assert.equal(line?.level, "error");
  assert.match(
    String(line?.fields.error),
    /hunter2/,
    "the log keeps what the client does not get",
  );
  assert.match(String(line?.fields.stack), /errors_test\.[jt]s/);
});

Deno.test("errorMiddleware: a request whose client went away is logged at debug level", async () => {
  const logger = recordingLogger();
  const controller = new AbortController();
  const app = compose([errorMiddleware({ logger })], () => {
    controller.abort();
    throw new DOMException("The client went away", "AbortError");
  });
  const response = await app(
    new Request("http://x/", { signal: controller.signal }),
  );
  assert.equal(response.status, 500);
  assert.deepEqual(logger.lines.map((line) => line.level), ["debug"]);
  const thrown = await compose([errorMiddleware({ logger })], () => {
    throw new InvalidAPIParameters("x");
  })(new Request("http://x/"));
  assert.equal(thrown.status, 400);
});
