// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  BackendAIError,
  BackendAISchemaValidationFailed,
  ClientNotConnectedError,
  ErrorCode,
  ErrorDetail,
  errorDetailFromHttpStatus,
  ErrorDomain,
  ErrorOperation,
  GenericNotImplementedError,
  InvalidAPIParameters,
  InvalidConfigError,
  InvalidErrorCode,
  InvalidParameterError,
  MalformedRequestBody,
  PassthroughError,
  PermissionDeniedError,
  PROBLEM_JSON_CONTENT_TYPE,
  problemResponse,
  RemoteProblemError,
  ResourcePresetConflict,
  SchemaValidationFailed,
  UnreachableError,
} from "../../exception.ts";

Deno.test("ErrorCode round-trips every domain, operation and detail", () => {
  for (const domain of Object.values(ErrorDomain)) {
    for (const operation of Object.values(ErrorOperation)) {
      for (const detail of Object.values(ErrorDetail)) {
        const code = new ErrorCode(domain, operation, detail);
        const parsed = ErrorCode.fromString(code.toString());
        assert.ok(parsed.equals(code), code.toString());
      }
    }
  }
});

Deno.test("ErrorCode wire strings use hyphens inside parts and underscores between them", () => {
  const code = new ErrorCode(
    ErrorDomain.MESSAGE_QUEUE,
    ErrorOperation.READ,
    ErrorDetail.INVALID_DATA_FORMAT,
  );
  assert.equal(code.toString(), "message-queue_read_invalid-data-format");
  assert.equal(
    JSON.stringify({ code }),
    '{"code":"message-queue_read_invalid-data-format"}',
  );
  assert.equal(ErrorOperation.LIST, "list-query");
  assert.equal(ErrorOperation.HARD_DELETE, "purge");
});

Deno.test("ErrorCode.default() is backendai_generic_internal-error", () => {
  assert.equal(String(ErrorCode.default()), "backendai_generic_internal-error");
});

Deno.test("ErrorCode.fromString() rejects malformed codes with InvalidErrorCode", () => {
  const rejected = [
    "",
    "api",
    "api_parsing",
    "api_parsing_invalid-parameters_extra",
    "api_parsing_invalid_parameters",
    "nope_parsing_bad-request",
    "api_nope_bad-request",
    "api_parsing_nope",
    "API_parsing_bad-request",
    " api_parsing_bad-request",
  ];
  for (const value of rejected) {
    assert.throws(
      () => ErrorCode.fromString(value),
      (err: unknown) => {
        assert.ok(err instanceof InvalidErrorCode, value);
        assert.ok(err instanceof BackendAIError);
        assert.equal(err.status, 500);
        assert.equal(err.data?.value, value);
        assert.equal(
          err.errorCode().toString(),
          "backendai_generic_internal-error",
        );
        return true;
      },
    );
  }
});

Deno.test("BackendAIError renders problem+json with msg and data only when given", () => {
  const bare = new InvalidAPIParameters();
  assert.deepEqual(bare.toProblemJSON(), {
    type: "https://api.backend.ai/probs/generic-bad-request",
    title: "Invalid or Missing API Parameters.",
    error_code: "api_parsing_invalid-parameters",
  });
  const full = new InvalidAPIParameters("Bad port", {
    data: { field: "port" },
  });
  assert.deepEqual(full.toProblemJSON(), {
    type: "https://api.backend.ai/probs/generic-bad-request",
    title: "Invalid or Missing API Parameters.",
    error_code: "api_parsing_invalid-parameters",
    msg: "Bad port",
    data: { field: "port" },
  });
});

Deno.test("BackendAIError defaults to status 500 and the default code", () => {
  const err = new BackendAIError("boom");
  assert.equal(err.status, 500);
  assert.equal(err.errorCode().toString(), "backendai_generic_internal-error");
  assert.equal(err.errorType, "https://api.backend.ai/probs/general-error");
  assert.equal(err.name, "BackendAIError");
  assert.equal(err.message, "boom");
});

Deno.test("BackendAIError keeps its cause and subclass name", () => {
  const root = new Error("socket closed");
  const err = new ClientNotConnectedError("Redis is gone", { cause: root });
  assert.equal(err.cause, root);
  assert.equal(err.name, "ClientNotConnectedError");
  assert.ok(err instanceof Error);
  assert.ok(err.stack?.includes("ClientNotConnectedError"));
  assert.equal("cause" in new ClientNotConnectedError(), false);
});

Deno.test("BackendAIError.toString() follows upstream's str() form", () => {
  assert.equal(new PermissionDeniedError().toString(), "Permission Denied.");
  assert.equal(
    new PermissionDeniedError("Not the owner").toString(),
    "Permission Denied. (Not the owner)",
  );
  assert.equal(
    new PermissionDeniedError("Not the owner", { data: { vfolder: "v1" } })
      .toString(),
    'Permission Denied. (Not the owner)\n -> extra_data: {"vfolder":"v1"}',
  );
});

Deno.test("BackendAIError.toResponse() is application/problem+json with the status", async () => {
  const res = new ResourcePresetConflict("Preset exists").toResponse();
  assert.equal(res.status, 409);
  assert.equal(res.headers.get("content-type"), PROBLEM_JSON_CONTENT_TYPE);
  assert.deepEqual(await res.json(), {
    type: "https://api.backend.ai/probs/duplicate-resource",
    title: "Duplicate Resource Preset",
    error_code: "resource-preset_generic_conflict",
    msg: "Preset exists",
  });
});

Deno.test("Representative subclasses carry upstream statuses and codes", () => {
  const table: Array<[BackendAIError, number, string]> = [
    [new MalformedRequestBody(), 400, "api_parsing_bad-request"],
    [new InvalidAPIParameters(), 400, "api_parsing_invalid-parameters"],
    [
      new BackendAISchemaValidationFailed(),
      400,
      "backendai_parsing_invalid-parameters",
    ],
    [new PermissionDeniedError(), 403, "api_auth_forbidden"],
    [new ResourcePresetConflict(), 409, "resource-preset_generic_conflict"],
    [new UnreachableError(), 500, "backendai_generic_unreachable"],
    [
      new GenericNotImplementedError(),
      500,
      "backendai_generic_not-implemented",
    ],
    [new InvalidConfigError(), 500, "backendai_generic_internal-error"],
    [new ClientNotConnectedError(), 503, "backendai_read_unavailable"],
  ];
  for (const [err, status, code] of table) {
    assert.equal(err.status, status, err.name);
    assert.equal(err.errorCode().toString(), code, err.name);
    assert.equal(err.toProblemJSON().error_code, code, err.name);
  }
});

Deno.test("errorDetailFromHttpStatus() follows upstream's table", () => {
  const table: Array<[number, string]> = [
    [400, "bad-request"],
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not-found"],
    [408, "timeout"],
    [409, "conflict"],
    [410, "gone"],
    [415, "content-type-mismatch"],
    [422, "invalid-parameters"],
    [500, "internal-error"],
    [501, "not-implemented"],
    [502, "unreachable"],
    [503, "unavailable"],
    [504, "timeout"],
    [405, "internal-error"],
    [429, "internal-error"],
    [200, "internal-error"],
  ];
  for (const [status, detail] of table) {
    assert.equal(errorDetailFromHttpStatus(status), detail, String(status));
  }
});

Deno.test("PassthroughError keeps the downstream status and code", () => {
  const code = new ErrorCode("storage-proxy", "request", "unreachable");
  const err = new PassthroughError(502, code, "Storage proxy is down");
  assert.equal(err.status, 502);
  assert.equal(err.errorCode(), code);
  assert.deepEqual(err.toProblemJSON(), {
    type: "https://api.backend.ai/probs/forwarded-error",
    title: "Forwarded Error from Downstream Service",
    error_code: "storage-proxy_request_unreachable",
    msg: "Storage proxy is down",
  });
});

Deno.test("PassthroughError.fromHttpStatus() derives the detail and a default message", () => {
  const err = PassthroughError.fromHttpStatus(429);
  assert.equal(err.status, 429);
  assert.equal(err.errorCode().toString(), "backendai_generic_internal-error");
  assert.equal(err.message, "An error occurred with status code 429");
  const cause = new Error("upstream body");
  const withOpts = PassthroughError.fromHttpStatus(503, {
    domain: ErrorDomain.AGENT,
    operation: ErrorOperation.EXECUTE,
    message: "Agent busy",
    cause,
  });
  assert.equal(withOpts.errorCode().toString(), "agent_execute_unavailable");
  assert.equal(withOpts.message, "Agent busy");
  assert.equal(withOpts.cause, cause);
});

Deno.test("RemoteProblemError round-trips a problem document", () => {
  const original = new InvalidAPIParameters("Bad name", {
    data: { field: "name" },
  });
  const rebuilt = RemoteProblemError.fromProblemJSON(
    JSON.parse(JSON.stringify(original.toProblemJSON())),
    original.status,
  );
  assert.deepEqual(rebuilt.toProblemJSON(), original.toProblemJSON());
  assert.equal(rebuilt.status, 400);
  assert.ok(rebuilt.errorCode().equals(original.errorCode()));
});

Deno.test("RemoteProblemError.fromProblemJSON() is lenient with malformed documents", () => {
  const noCode = RemoteProblemError.fromProblemJSON({ title: "Oops" }, 502);
  assert.equal(
    noCode.errorCode().toString(),
    "backendai_generic_internal-error",
  );
  assert.equal(noCode.errorTitle, "Oops");
  assert.equal(noCode.status, 502);
  const badCode = RemoteProblemError.fromProblemJSON(
    { error_code: "not a code", data: [1, 2] },
    500,
  );
  assert.equal(
    badCode.errorCode().toString(),
    "backendai_generic_internal-error",
  );
  assert.equal(badCode.data, undefined);
  const text = RemoteProblemError.fromProblemJSON("<html>", 503);
  assert.deepEqual(text.data, { body: "<html>" });
});

Deno.test("problemResponse() never leaks the message of a foreign error", async () => {
  const res = problemResponse(new TypeError("password=hunter2"));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.ok(!text.includes("hunter2"));
  assert.deepEqual(JSON.parse(text), {
    type: "https://api.backend.ai/probs/general-error",
    title: "General Backend API Error.",
    error_code: "backendai_generic_internal-error",
  });
});

Deno.test("each error class declares its code once: a frozen constant, the same object on every call", () => {
  const classes = [
    InvalidErrorCode,
    InvalidAPIParameters,
    MalformedRequestBody,
    BackendAISchemaValidationFailed,
    PermissionDeniedError,
    UnreachableError,
    GenericNotImplementedError,
    InvalidConfigError,
    ResourcePresetConflict,
    ClientNotConnectedError,
  ];
  for (const Class of classes) {
    const a = new Class("a");
    const b = new Class("b");
    assert.equal(a.errorCode(), b.errorCode(), Class.name);
    assert.equal(a.errorCode(), Class.code, Class.name);
    assert.ok(Object.isFrozen(Class.code), Class.name);
    assert.throws(() => {
      (Class.code as { detail: string }).detail = "gone";
    }, TypeError);
  }
  assert.ok(Object.isFrozen(ErrorCode.default()));
  assert.equal(ErrorCode.default(), ErrorCode.default());
  // A subclass without its own code inherits its parent's.
  class Narrower extends InvalidAPIParameters {}
  assert.equal(new Narrower().errorCode(), InvalidAPIParameters.code);
  // InvalidConfigError declares none: upstream's default code.
  assert.equal(InvalidConfigError.code, BackendAIError.code);
  assert.equal(String(BackendAIError.code), "backendai_generic_internal-error");
});

Deno.test("InvalidParameterError is another name for InvalidAPIParameters, the one bad-input base", () => {
  assert.equal(InvalidParameterError, InvalidAPIParameters);
  const err = new InvalidParameterError("x");
  assert.ok(err instanceof InvalidAPIParameters);
  assert.equal(
    err.toProblemJSON().error_code,
    "api_parsing_invalid-parameters",
  );
});

Deno.test("SchemaValidationFailed is another name for BackendAISchemaValidationFailed", () => {
  assert.equal(SchemaValidationFailed, BackendAISchemaValidationFailed);
  const err: BackendAISchemaValidationFailed = new SchemaValidationFailed("x");
  assert.equal(err.name, "BackendAISchemaValidationFailed");
  assert.equal(String(err.errorCode()), "backendai_parsing_invalid-parameters");
});
