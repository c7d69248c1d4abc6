// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Every upstream error class of `ai.backend.common` against ours: the table
 * in `_upstream_catalogue.ts` is generated from upstream's Python source by
 * `scripts/extract_upstream_errors.py` (never typed by hand), so a class that
 * drifts from upstream's problem document fails here.
 */
import assert from "node:assert/strict";
import * as exception from "../../../exception.ts";
import { BackendAIError, ErrorCode } from "../../../exception.ts";
import * as bgtask from "../../../bgtask/mod.ts";
import * as events from "../../../events/mod.ts";
import * as messageQueue from "../../../message_queue/mod.ts";
import * as valkey from "../../../clients/valkey/mod.ts";
import * as resilience from "../../../resilience/mod.ts";
import * as types from "../../../types.ts";
import { UPSTREAM_ERRORS, type UpstreamError } from "./_upstream_catalogue.ts";

type ErrorClass = typeof BackendAIError;

/**
 * Where each upstream module's classes are exported here. Upstream's
 * `exception.py` is spread over the faces whose module owns the class
 * (bgtask, Valkey, resource slots); the modules this library does not have
 * yet (health checker, leader, JWT) export theirs from `exception`.
 */
const FACES: Record<string, readonly Record<string, unknown>[]> = {
  "exception": [exception, bgtask, valkey, types],
  "cgroup": [exception],
  "bgtask.exception": [bgtask],
  "events.exceptions": [events],
  "message_queue.exceptions": [messageQueue],
  "message_queue.redis_queue.exceptions": [messageQueue],
  "clients.valkey_client.valkey_tus.exceptions": [valkey],
  "resilience.policies.retry": [resilience],
  "resilience.policies.timeout": [resilience],
  "health_checker.exceptions": [exception],
  "leader.exceptions": [exception],
  "jwt.exceptions": [exception.jwtExceptions],
};

/**
 * Our status for each class upstream gives none (no aiohttp `web.HTTP*`
 * mixin, so aiohttp's `status_code` is -1; a TypeScript `Response` needs a
 * real one). A class extracted without an entry here fails until decided.
 */
const UNMIXED_STATUS: Record<string, number> = {
  // Our own stored metadata is corrupt: a server-side failure.
  "bgtask.exception.InvalidTaskMetadataError": 500,
  "bgtask.exception.BgtaskInvalidMetadata": 500,
  // The producer built a bad event: a defect of the server.
  "events.exceptions.EventPayloadEncodingError": 500,
  // A body that came from outside is malformed: the sender's fault.
  "events.exceptions.EventPayloadDecodingError": 400,
  "message_queue.exceptions.InvalidMessagePayloadError": 400,
  // The queue is closed: unavailable.
  "message_queue.redis_queue.exceptions.MessageQueueClosedError": 503,
  "resilience.policies.retry.ResilienceRetryError": 500,
  // A call outlived its limit: a gateway timeout.
  "resilience.policies.timeout.ResilienceTimeoutError": 504,
  "leader.exceptions.LeaderElectionError": 500,
  "leader.exceptions.AlreadyStartedError": 500,
  // Every subclass is 401; so is the base.
  "jwt.exceptions.JWTError": 401,
  // Abstract bases: BackendAIError's default.
  "health_checker.exceptions.HealthCheckError": 500,
  "exception.BaseNFSMountCheckFailed": 500,
};

/**
 * Our problem documents for upstream's plain exceptions of `exception.py`
 * (`ValueError`, `RuntimeError`, `Exception`), which upstream never renders.
 * Every error thrown to our callers is a `BackendAIError`, so these are our
 * choices, documented on each class; `parent` is the class it derives from.
 */
const PLAIN: Record<
  string,
  { parent: string; status: number; code: string; type: string; title: string }
> = {
  ConfigurationError: {
    parent: "InvalidConfigError",
    status: 500,
    code: "backendai_setup_invalid-parameters",
    type: "configuration-error",
    title: "Configuration error",
  },
  InvalidAPIHandlerDefinition: {
    parent: "BackendAIError",
    status: 500,
    code: "api_setup_internal-error",
    type: "invalid-api-handler-definition",
    title: "Invalid API handler definition",
  },
  UnknownImageReference: {
    parent: "BackendAIError",
    status: 404,
    code: "image_read_not-found",
    type: "unknown-image-reference",
    title: "Unknown image reference",
  },
  ImageNotAvailable: {
    parent: "BackendAIError",
    status: 404,
    code: "image_read_not-found",
    type: "image-not-available",
    title: "Unavailable image in the agent",
  },
  UnknownImageRegistry: {
    parent: "BackendAIError",
    status: 404,
    code: "container-registry_read_not-found",
    type: "unknown-image-registry",
    title: "Unknown image registry",
  },
  InvalidImageName: {
    parent: "InvalidAPIParameters",
    status: 400,
    code: "image_parsing_invalid-parameters",
    type: "invalid-image-name",
    title: "Invalid image name",
  },
  InvalidImageTag: {
    parent: "InvalidAPIParameters",
    status: 400,
    code: "image_parsing_invalid-parameters",
    type: "invalid-image-tag",
    title: "Invalid or duplicate image name tag",
  },
  ProjectMismatchWithCanonical: {
    parent: "InvalidAPIParameters",
    status: 400,
    code: "image_parsing_mismatch",
    type: "project-mismatch-with-canonical",
    title: "Project mismatch with the image canonical",
  },
  AliasResolutionFailed: {
    parent: "BackendAIError",
    status: 404,
    code: "image-alias_read_not-found",
    type: "alias-resolution-failed",
    title: "Failed to resolve alias",
  },
  InvalidIpAddressValue: {
    parent: "InvalidAPIParameters",
    status: 400,
    code: "api_parsing_invalid-parameters",
    type: "invalid-ip-address",
    title: "Invalid IP address.",
  },
  VolumeMountFailed: {
    parent: "BackendAIError",
    status: 500,
    code: "storage_execute_internal-error",
    type: "volume-mount-failed",
    title: "Volume mount failed",
  },
  VolumeUnmountFailed: {
    parent: "BackendAIError",
    status: 500,
    code: "storage_execute_internal-error",
    type: "volume-unmount-failed",
    title: "Volume unmount failed",
  },
};

const PROBS = "https://api.backend.ai/probs/";

function findClass(row: UpstreamError): ErrorClass {
  const faces = FACES[row.module];
  assert.ok(faces, `no face is mapped for upstream module ${row.module}`);
  for (const face of faces) {
    const value = face[row.name];
    if (typeof value === "function") return value as ErrorClass;
  }
  assert.fail(`${row.module}.${row.name} has no TypeScript class`);
}

function findParent(row: UpstreamError, name: string): ErrorClass {
  if (name === "BackendAIError") return BackendAIError;
  return findClass({ ...row, name });
}

/** Makes an instance whatever the constructor's parameters are. */
function instantiate(cls: ErrorClass, row: UpstreamError): BackendAIError {
  if (row.abstract) {
    return new (class extends cls {})("occurrence");
  }
  if (row.code === "dynamic") {
    const ctor = cls as unknown as new (
      status: number,
      code: ErrorCode,
      message: string,
    ) => BackendAIError;
    return new ctor(418, ErrorCode.fromString("agent_read_not-found"), "msg");
  }
  return Reflect.construct(cls, ["occurrence"]) as BackendAIError;
}

const rows = UPSTREAM_ERRORS;

Deno.test("the upstream table was extracted and is not empty", () => {
  assert.ok(rows.length >= 100, `only ${rows.length} upstream classes`);
  assert.ok(rows.some((row) => row.name === "AgentNotFound"));
});

for (const row of rows) {
  const label = `${row.module}.${row.name}`;
  if (row.kind === "BackendAIError") {
    Deno.test(`${label} renders upstream's problem document`, () => {
      const cls = findClass(row);
      assert.equal(cls.name, row.name, "class name");
      assert.ok(
        cls.prototype instanceof BackendAIError,
        "derives from BackendAIError",
      );
      const parent = findParent(row, row.parent ?? "BackendAIError");
      assert.ok(
        cls === parent || cls.prototype instanceof parent,
        `derives from ${row.parent ?? "BackendAIError"}`,
      );
      const err = instantiate(cls, row);
      if (!row.abstract) assert.equal(err.name, row.name, "err.name");
      const doc = err.toProblemJSON();
      assert.equal(doc.type, row.type, "type");
      assert.equal(doc.title, row.title, "title");
      if (row.code === "dynamic") {
        assert.equal(err.status, 418, "status given per error");
        assert.equal(
          doc.error_code,
          "agent_read_not-found",
          "code given per error",
        );
        return;
      }
      const code = row.code ?? String(ErrorCode.default());
      assert.equal(doc.error_code, code, "error_code");
      assert.equal(String(cls.code), code, "static code");
      assert.equal(
        err.errorCode(),
        cls.code,
        "errorCode() returns the static code",
      );
      const status = row.status === -1 ? UNMIXED_STATUS[label] : row.status;
      assert.ok(status !== undefined, `no status decided for ${label}`);
      assert.equal(err.status, status, `status (upstream ${row.status})`);
    });
  } else {
    Deno.test(`${label} (a plain ${row.kind} upstream) is a BackendAIError`, () => {
      const cls = findClass(row);
      const ours = PLAIN[row.name];
      assert.ok(ours, `no documented choice for ${row.name}`);
      assert.equal(cls.name, row.name, "class name");
      assert.ok(
        cls.prototype instanceof findParent(row, ours.parent),
        `derives from ${ours.parent}`,
      );
      const err = instantiate(cls, row);
      assert.equal(err.name, row.name);
      assert.deepEqual(
        { ...err.toProblemJSON(), status: err.status },
        {
          type: PROBS + ours.type,
          title: ours.title,
          error_code: ours.code,
          msg: "occurrence",
          status: ours.status,
        },
      );
      assert.equal(String(cls.code), ours.code, "static code");
    });
  }
}

Deno.test("every documented choice is for a class upstream still has", () => {
  const plain = new Set(
    rows.filter((r) => r.kind !== "BackendAIError").map((r) => r.name),
  );
  assert.deepEqual(Object.keys(PLAIN).filter((name) => !plain.has(name)), []);
  const unmixed = new Set(
    rows.filter((r) => r.status === -1 && !r.dynamicStatus).map((r) =>
      `${r.module}.${r.name}`
    ),
  );
  assert.deepEqual(
    Object.keys(UNMIXED_STATUS).filter((name) => !unmixed.has(name)),
    [],
  );
});

Deno.test("upstream's two JWTError families stay apart", () => {
  const auth = new exception.JWTInvalidClaimsError();
  const module = new exception.jwtExceptions.JWTInvalidClaimsError();
  assert.ok(auth instanceof exception.JWTError);
  assert.ok(!(auth instanceof exception.jwtExceptions.JWTError));
  assert.ok(module instanceof exception.jwtExceptions.JWTError);
  assert.equal(String(auth.errorCode()), "auth_auth_forbidden");
  assert.equal(String(module.errorCode()), "user_auth_unauthorized");
  // Python's method resolution order puts JWTError's HTTPUnauthorized first.
  assert.equal(auth.status, 401);
});

Deno.test("instanceof narrows to the class", () => {
  const thrown: unknown = new exception.AgentNotFound("i-ag1", {
    data: { agentId: "i-ag1" },
  });
  if (!(thrown instanceof exception.AgentNotFound)) assert.fail("not narrowed");
  const status: 404 | number = thrown.status;
  assert.equal(status, 404);
  assert.equal(thrown.data?.agentId, "i-ag1");
});
