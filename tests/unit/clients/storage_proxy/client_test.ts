// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The storage proxy client against a real HTTP server on 127.0.0.1 that
 * answers each form an answer can take: problem+json of each error domain,
 * plain JSON errors, a non-JSON 502, a hang past the timeout, and a port
 * nothing listens on.
 */

import assert from "node:assert/strict";
import {
  QuotaScopeNotFoundError,
  STORAGE_PROXY_AUTH_HEADER,
  StorageProxyClient,
  StorageProxyConnectionError,
  StorageProxyPassthroughError,
  StorageProxyTimeoutError,
  storageProxyTimeouts,
  UnexpectedStorageProxyResponseError,
  VFolderBadRequest,
  VFolderGone,
  VFolderOperationFailed,
} from "../../../../clients/storage_proxy/mod.ts";
import {
  HttpClientPool,
  HttpConnectionError,
  HttpTimeoutError,
} from "../../../../clients/http/mod.ts";
import {
  type BackendAIError,
  BackendAISchemaValidationFailed,
  PassthroughError,
  RemoteProblemError,
  VFolderNotFound,
} from "../../../../exception.ts";
import { withRequestId } from "../../../../contexts/mod.ts";
import {
  refusedPort,
  sendJson,
  startServer,
  type TestHandler,
} from "../_http_server.ts";

const SECRET = "manager-secret";
const VFID =
  "user:6f1c3f7e-0d55-4f39-9d0e-6b1e8f3a4c21/2b9d6f5e1c3a4b7d8e9f0a1b2c3d4e5f";

function problem(errorCode: string | undefined, extra: object = {}) {
  const body: Record<string, unknown> = {
    type: "https://api.backend.ai/probs/test",
    title: "Test problem",
    ...extra,
  };
  if (errorCode !== undefined) body.error_code = errorCode;
  return body;
}

async function withClient(
  handler: TestHandler,
  run: (client: StorageProxyClient, seen: { length: number }) => Promise<void>,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  await using server = await startServer(handler);
  await using client = new StorageProxyClient({
    endpoint: server.url,
    secret: SECRET,
    timeoutMs: options.timeoutMs,
  });
  await run(client, server.seen);
}

/** Asserts the typed error, its status, code and call fields. */
function expectError(
  error: unknown,
  type: abstract new (...args: never[]) => BackendAIError,
  fields: { status: number; code: string; data?: Record<string, unknown> },
): true {
  assert.ok(error instanceof type, `expected ${type.name}, got ${error}`);
  const err = error as BackendAIError;
  assert.equal(err.status, fields.status);
  assert.equal(String(err.errorCode()), fields.code);
  for (const [key, value] of Object.entries(fields.data ?? {})) {
    assert.deepEqual(err.data?.[key], value, `data.${key}`);
  }
  return true;
}

Deno.test("StorageProxyClient sends the secret, the request id and a JSON body on GET", async () => {
  await withClient((request, response) => {
    if (request.path === "/folder/usage") {
      sendJson(response, 200, { file_count: 3, used_bytes: 1024 });
    } else sendJson(response, 200, { volumes: [] });
  }, async (client, seen) => {
    const usage = await withRequestId(
      "req-42",
      () => client.getFolderUsage({ volume: "local", vfid: VFID }),
    );
    assert.deepEqual(usage, { file_count: 3, used_bytes: 1024 });
    const request = (seen as unknown as Array<
      {
        method: string;
        path: string;
        headers: Record<string, string>;
        body: string;
      }
    >)[0]!;
    assert.equal(request.method, "GET");
    assert.equal(request.path, "/folder/usage");
    assert.equal(
      request.headers[STORAGE_PROXY_AUTH_HEADER.toLowerCase()],
      SECRET,
    );
    assert.equal(request.headers["x-backendai-requestid"], "req-42");
    assert.equal(request.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(request.body), { volume: "local", vfid: VFID });
    // GET /volumes is sent without a body: the storage proxy refuses one there.
    assert.deepEqual(await client.getVolumes(), { volumes: [] });
    const volumes = (seen as unknown as Array<
      { body: string; headers: Record<string, string> }
    >)[1]!;
    assert.equal(volumes.body, "");
    assert.equal(volumes.headers["content-type"], undefined);
    assert.equal(volumes.headers["x-backendai-requestid"], undefined);
  });
});

Deno.test("StorageProxyClient gives nothing for 204 and an empty 2xx body", async () => {
  await withClient((request, response) => {
    if (request.path === "/folder/create") {
      response.writeHead(204).end();
    } else {
      response.writeHead(200, { "content-type": "application/json" }).end();
    }
  }, async (client, seen) => {
    await client.createFolder({
      volume: "local",
      vfid: VFID,
      maxQuotaScopeSize: 1024,
      mode: 0o755,
    });
    const sent = JSON.parse(
      (seen as unknown as Array<{ body: string }>)[0]!.body,
    );
    assert.deepEqual(sent, {
      volume: "local",
      vfid: VFID,
      mode: 0o755,
      options: { initial_max_size_for_quota_scope: 1024 },
    });
    assert.equal(
      await client.request("POST", "folder/create", { body: {} }),
      undefined,
    );
    assert.equal(await client.request("GET", "status"), undefined);
    await assert.rejects(
      client.getUsedBytes({ volume: "local", vfid: VFID }),
      (error) =>
        expectError(error, UnexpectedStorageProxyResponseError, {
          status: 500,
          code: "storage-proxy_request_unreachable",
          data: { method: "GET", path: "folder/used-bytes" },
        }),
    );
  });
});

Deno.test("StorageProxyClient routes vfolder error answers by status", async () => {
  const cases: Array<
    [
      number,
      unknown,
      abstract new (...args: never[]) => BackendAIError,
      string,
      number,
      string,
    ]
  > = [
    [
      400,
      problem("vfolder_generic_bad-request"),
      VFolderBadRequest,
      "vfolder_generic_bad-request",
      400,
      "Bad request to storage proxy",
    ],
    [
      404,
      problem("vfolder_read_not-found"),
      VFolderNotFound,
      "vfolder_read_not-found",
      404,
      "Requested resource not found",
    ],
    [
      410,
      problem("vfolder_read_gone"),
      VFolderGone,
      "vfolder_read_gone",
      410,
      "The requested resource is gone. It may have been deleted or moved.",
    ],
    [
      500,
      problem("vfolder_generic_internal-error"),
      VFolderOperationFailed,
      "vfolder_generic_internal-error",
      400,
      "Internal server error from storage proxy",
    ],
    [
      503,
      problem("vfolder_generic_unavailable"),
      VFolderOperationFailed,
      "vfolder_generic_internal-error",
      400,
      "Unexpected error 503 from storage proxy",
    ],
  ];
  for (const [status, body, type, code, ourStatus, message] of cases) {
    await withClient(
      (_request, response) =>
        sendJson(response, status, body, "application/problem+json"),
      async (client) => {
        await assert.rejects(
          client.getMountPath({ volume: "local", vfid: VFID }),
          (error) => {
            expectError(error, type, {
              status: ourStatus,
              code,
              data: {
                method: "GET",
                path: "folder/mount",
                status,
                errorCode: (body as { error_code: string }).error_code,
              },
            });
            const err = error as BackendAIError;
            assert.equal(err.message, message);
            // The storage proxy's own problem document is kept as the cause.
            assert.ok(err.cause instanceof RemoteProblemError);
            assert.equal(err.cause.status, status);
            assert.equal(err.cause.errorTitle, "Test problem");
            return true;
          },
        );
      },
    );
  }
});

Deno.test("StorageProxyClient routes quota-scope and other domains", async () => {
  const cases: Array<
    [
      number,
      string,
      abstract new (...args: never[]) => BackendAIError,
      number,
      string,
    ]
  > = [
    [
      404,
      "quota-scope_read_not-found",
      QuotaScopeNotFoundError,
      404,
      "quota-scope_read_not-found",
    ],
    [
      409,
      "quota-scope_update_conflict",
      UnexpectedStorageProxyResponseError,
      500,
      "storage-proxy_request_unreachable",
    ],
    [
      500,
      "storage_execute_internal-error",
      UnexpectedStorageProxyResponseError,
      500,
      "storage-proxy_request_unreachable",
    ],
    [
      404,
      "backendai_generic_not-found",
      UnexpectedStorageProxyResponseError,
      500,
      "storage-proxy_request_unreachable",
    ],
  ];
  for (const [status, remoteCode, type, ourStatus, code] of cases) {
    await withClient(
      (_request, response) =>
        sendJson(
          response,
          status,
          problem(remoteCode),
          "application/problem+json",
        ),
      async (client) => {
        await assert.rejects(
          client.getQuotaScope({ volume: "local", qsid: "user:u1" }),
          (error) =>
            expectError(error, type, {
              status: ourStatus,
              code,
              data: { path: "quota-scope", status, errorCode: remoteCode },
            }),
        );
      },
    );
  }
});

Deno.test("StorageProxyClient reads an error without a usable error_code as the vfolder domain", async () => {
  const cases: Array<
    [number, unknown, abstract new (...args: never[]) => BackendAIError, string]
  > = [
    // The storage proxy's own check_params answer has no error_code.
    [
      400,
      {
        type: "https://api.backend.ai/probs/storage/invalid-api-params",
        title: "Invalid API parameters",
        data: { vfid: "bad" },
      },
      VFolderBadRequest,
      "vfolder_generic_bad-request",
    ],
    // A plain JSON error, as its handlers write ({"msg": ...}).
    [
      409,
      { msg: "Volume already exists with given quota scope." },
      VFolderOperationFailed,
      "vfolder_generic_internal-error",
    ],
    [404, problem("not-a-code"), VFolderNotFound, "vfolder_read_not-found"],
    [
      400,
      ["not", "an", "object"],
      VFolderBadRequest,
      "vfolder_generic_bad-request",
    ],
  ];
  for (const [status, body, type, code] of cases) {
    await withClient(
      (_request, response) => sendJson(response, status, body),
      async (client) => {
        await assert.rejects(
          client.request("POST", "quota-scope", { body: { volume: "local" } }),
          (error) => {
            expectError(error, type, {
              status: (error as BackendAIError).status,
              code,
              data: { method: "POST", path: "quota-scope", status },
            });
            return true;
          },
        );
      },
    );
  }
});

Deno.test("StorageProxyClient passes a non-JSON error answer through with its status", async () => {
  const page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
  await withClient((_request, response) => {
    response.writeHead(502, { "content-type": "text/html" });
    response.end(page);
  }, async (client) => {
    await assert.rejects(client.getVolumes(), (error) => {
      expectError(error, StorageProxyPassthroughError, {
        status: 502,
        code: "storage-proxy_request_content-type-mismatch",
        data: {
          method: "GET",
          path: "volumes",
          status: 502,
          contentType: "text/html",
          text: page,
        },
      });
      assert.ok(error instanceof PassthroughError);
      assert.equal(
        (error as Error).message,
        `Failed to parse error response from storage proxy. Original response: ${page}`,
      );
      assert.ok((error as Error).cause instanceof SyntaxError);
      return true;
    });
  });
});

Deno.test("StorageProxyClient times out a call that hangs", async () => {
  await withClient(() => {/* never answers */}, async (client) => {
    const started = Date.now();
    await assert.rejects(
      client.getFolderUsage({ volume: "local", vfid: VFID }),
      (error) => {
        expectError(error, StorageProxyTimeoutError, {
          status: 504,
          code: "storage-proxy_request_timeout",
          data: { method: "GET", path: "folder/usage", timeoutMs: 300 },
        });
        assert.ok((error as Error).cause instanceof HttpTimeoutError);
        return true;
      },
    );
    assert.ok(Date.now() - started < 5_000);
    // A per-call timeout wins over the client's, on fetch's path too.
    await assert.rejects(
      client.getVolumes({ timeoutMs: 100 }),
      (error) =>
        expectError(error, StorageProxyTimeoutError, {
          status: 504,
          code: "storage-proxy_request_timeout",
          data: { timeoutMs: 100 },
        }),
    );
  }, { timeoutMs: 300 });
});

Deno.test("StorageProxyClient times out a body that stops half way", async () => {
  await withClient((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.write('{"volumes": [');
  }, async (client) => {
    await assert.rejects(
      client.getVolumes(),
      (error) =>
        expectError(error, StorageProxyTimeoutError, {
          status: 504,
          code: "storage-proxy_request_timeout",
          data: { path: "volumes" },
        }),
    );
  }, { timeoutMs: 300 });
});

Deno.test("StorageProxyClient reports a refused connection", async () => {
  const port = await refusedPort();
  await using client = new StorageProxyClient({
    endpoint: `http://127.0.0.1:${port}`,
    secret: SECRET,
  });
  // Over fetch (no body) and over node:http (a GET with a body).
  for (
    const call of [
      () => client.getVolumes(),
      () => client.getFsUsage("local"),
    ]
  ) {
    await assert.rejects(call(), (error) => {
      expectError(error, StorageProxyConnectionError, {
        status: 503,
        code: "storage-proxy_request_unavailable",
      });
      assert.ok((error as Error).cause instanceof HttpConnectionError);
      return true;
    });
  }
});

Deno.test("StorageProxyClient rejects with the caller's abort reason", async () => {
  await withClient(() => {/* never answers */}, async (client) => {
    const controller = new AbortController();
    const reason = new DOMException("Stopped by the test", "AbortError");
    const call = client.getFsUsage("local", { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(call, (error) => error === reason);
    await assert.rejects(
      client.getVolumes({ signal: AbortSignal.abort(reason) }),
      (error) => error === reason,
    );
  });
});

Deno.test("StorageProxyClient checks arguments before sending and answers after", async () => {
  await withClient(
    (_request, response) => sendJson(response, 200, { volumes: [{ name: 1 }] }),
    async (client, seen) => {
      await assert.rejects(
        client.getQuotaScope({ volume: "local", qsid: "u1" }),
        (error) => {
          assert.ok(error instanceof BackendAISchemaValidationFailed);
          assert.deepEqual(
            (error.data?.errors as Array<{ loc: unknown[] }>).map((e) => e.loc),
            [["qsid"]],
          );
          return true;
        },
      );
      await assert.rejects(
        client.mkdir({
          volume: "local",
          vfid: VFID,
          relpath: "a",
          exist_ok: "yes" as unknown as boolean,
        }),
        (error) => {
          assert.ok(error instanceof BackendAISchemaValidationFailed);
          assert.deepEqual(
            (error.data?.errors as Array<{ loc: unknown[] }>)[0]?.loc,
            ["exist_ok"],
          );
          return true;
        },
      );
      assert.equal(seen.length, 0);
      await assert.rejects(client.getVolumes(), (error) => {
        expectError(error, UnexpectedStorageProxyResponseError, {
          status: 500,
          code: "storage-proxy_request_unreachable",
          data: { method: "GET", path: "volumes" },
        });
        const cause = (error as Error).cause as BackendAISchemaValidationFailed;
        assert.ok(cause instanceof BackendAISchemaValidationFailed);
        assert.deepEqual(
          (cause.data?.errors as Array<{ loc: unknown[] }>).map((e) => e.loc),
          [
            ["volumes", 0, "name"],
            ["volumes", 0, "backend"],
            [
              "volumes",
              0,
              "path",
            ],
            ["volumes", 0, "fsprefix"],
            ["volumes", 0, "capabilities"],
          ],
        );
        return true;
      });
    },
  );
});

Deno.test("StorageProxyClient answers a 2xx body that is not JSON with a typed error", async () => {
  await withClient((_request, response) => {
    response.writeHead(200, { "content-type": "text/plain" });
    response.end("ok");
  }, async (client) => {
    await assert.rejects(
      client.request("GET", "status"),
      (error) => {
        expectError(error, UnexpectedStorageProxyResponseError, {
          status: 500,
          code: "storage-proxy_request_unreachable",
          data: { method: "GET", path: "status", status: 200 },
        });
        assert.ok((error as Error).cause instanceof SyntaxError);
        return true;
      },
    );
  });
});

Deno.test("StorageProxyClient streams a file and refuses an empty one", async () => {
  const content = "line\n".repeat(10_000);
  await withClient((request, response) => {
    const { relpath } = JSON.parse(request.body) as { relpath: string };
    response.writeHead(200, { "content-type": "application/octet-stream" });
    response.end(relpath === "empty" ? "" : content);
  }, async (client) => {
    const stream = await client.fetchFile({
      volume: "local",
      vfid: VFID,
      relpath: ".logs/task.log",
    });
    const text = await new Response(stream).text();
    assert.equal(text, content);
    const bytes = await client.fetchFileContent({
      volume: "local",
      vfid: VFID,
      relpath: ".logs/task.log",
    });
    assert.equal(bytes.byteLength, content.length);
    await assert.rejects(
      client.fetchFileContent({
        volume: "local",
        vfid: VFID,
        relpath: "empty",
      }),
      (error) =>
        expectError(error, UnexpectedStorageProxyResponseError, {
          status: 500,
          code: "storage-proxy_request_unreachable",
          data: { relpath: "empty" },
        }),
    );
  });
});

Deno.test("StorageProxyClient calls each endpoint with upstream's method, path and body", async () => {
  const answers: Record<string, unknown> = {
    "GET /volume/hwinfo": {
      status: "healthy",
      status_info: null,
      metadata: {},
    },
    "GET /volume/performance-metric": {
      metric: { iops_read: 1 },
      observed_at: "2026-12-07T12:00:00+00:00",
    },
    "POST /folder/clone": { bgtask_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b" },
    "POST /folder/delete": {
      bgtask_id: "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b",
    },
    "GET /quota-scope": { used_bytes: 10, limit_bytes: null },
    "POST /folder/file/mkdir": {
      results: { success: [{ msg: null, item: "a" }], failed: [] },
    },
    "POST /folder/file/list": { items: [] },
    "POST /folder/file/delete": { status: "ok" },
    "POST /folder/file/upload": { token: "t-up" },
    "POST /folder/file/download": { token: "t-down" },
  };
  await withClient((request, response) => {
    const answer = answers[`${request.method} ${request.path}`];
    if (answer === undefined) response.writeHead(204).end();
    else {sendJson(
        response,
        request.path === "/folder/delete" ? 202 : 200,
        answer,
      );}
  }, async (client, seenList) => {
    const seen = seenList as unknown as Array<
      { method: string; path: string; body: string }
    >;
    const folder = { volume: "local", vfid: VFID };
    assert.equal((await client.getVolumeHwinfo("local")).status, "healthy");
    assert.equal(
      (await client.getVolumePerformanceMetric("local")).metric.iops_read,
      1,
    );
    assert.match(
      (await client.cloneFolder({
        src_volume: "local",
        src_vfid: VFID,
        dst_volume: "local",
        dst_vfid: VFID,
      })).bgtask_id,
      /^0f3b/,
    );
    assert.match((await client.deleteFolder(folder))!.bgtask_id, /^0f3b/);
    assert.deepEqual(
      await client.getQuotaScope({ volume: "local", qsid: "user:u1" }),
      { used_bytes: 10, limit_bytes: null },
    );
    await client.updateQuotaScope({
      volume: "local",
      qsid: "user:u1",
      options: { limit_bytes: 2048 },
    });
    await client.deleteQuotaScopeQuota({ volume: "local", qsid: "user:u1" });
    assert.equal(
      (await client.mkdir({ ...folder, relpath: "a", exist_ok: true })).results
        .success[0]?.item,
      "a",
    );
    assert.deepEqual(await client.listFiles({ ...folder, relpath: "." }), {
      items: [],
    });
    await client.renameFile({ ...folder, relpath: "a", new_name: "b" });
    await client.moveFile({ ...folder, src_relpath: "b", dst_relpath: "c" });
    assert.deepEqual(
      await client.deleteFiles({ ...folder, relpaths: ["c"], recursive: true }),
      { status: "ok" },
    );
    assert.equal(
      (await client.uploadFile({ ...folder, relpath: "x", size: 10 })).token,
      "t-up",
    );
    assert.equal(
      (await client.downloadFile({
        ...folder,
        relpath: "x",
        archive: false,
        unmanaged_path: null,
      })).token,
      "t-down",
    );
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.path}`),
      [
        "GET /volume/hwinfo",
        "GET /volume/performance-metric",
        "POST /folder/clone",
        "POST /folder/delete",
        "GET /quota-scope",
        "PATCH /quota-scope",
        "DELETE /quota-scope/quota",
        "POST /folder/file/mkdir",
        "POST /folder/file/list",
        "POST /folder/file/rename",
        "POST /folder/file/move",
        "POST /folder/file/delete",
        "POST /folder/file/upload",
        "POST /folder/file/download",
      ],
    );
    assert.deepEqual(JSON.parse(seen[5]!.body), {
      volume: "local",
      qsid: "user:u1",
      options: { limit_bytes: 2048 },
    });
    assert.deepEqual(JSON.parse(seen[10]!.body), {
      ...folder,
      src_relpath: "b",
      dst_relpath: "c",
    });
  });
});

Deno.test("StorageProxyClient takes its session from a pool and leaves the pool open", async () => {
  await using server = await startServer((_request, response) =>
    sendJson(response, 200, { volumes: [] })
  );
  await using pool = new HttpClientPool();
  const client = new StorageProxyClient({
    endpoint: server.url,
    secret: SECRET,
    pool,
  });
  await client.getVolumes();
  await client.getVolumes();
  assert.equal(pool.size, 1);
  await client.close();
  assert.equal(pool.size, 1);
  assert.equal(
    pool.load({ endpoint: `${server.url}/`, domain: "storage-proxy" }).closed,
    false,
  );
});

Deno.test("StorageProxyClient refuses a bad endpoint, secret or timeout", () => {
  assert.throws(
    () =>
      new StorageProxyClient({
        endpoint: "storage-proxy:6021",
        secret: SECRET,
      }),
    /endpoint/,
  );
  assert.throws(
    () => new StorageProxyClient({ endpoint: "http://sp:6021", secret: "" }),
    /secret/,
  );
  assert.throws(
    () =>
      new StorageProxyClient({
        endpoint: "http://sp:6021",
        secret: SECRET,
        timeoutMs: -1,
      }),
    /timeoutMs/,
  );
});

Deno.test("storageProxyTimeouts reads upstream's HttpTimeoutConfig; null means no limit", async () => {
  assert.deepEqual(storageProxyTimeouts({}), {
    timeoutMs: 300_000,
    connectTimeoutMs: 30_000,
  });
  assert.deepEqual(
    storageProxyTimeouts({ total: 1.5, connect: null, sock_connect: null }),
    { timeoutMs: 1_500, connectTimeoutMs: null },
  );
  assert.deepEqual(
    storageProxyTimeouts({
      total: 60,
      connect: 45,
      sock_connect: 10,
      sock_read: 5,
    }),
    { timeoutMs: 60_000, connectTimeoutMs: 10_000 },
  );
  // No total timeout: a hanging call waits until its caller gives up.
  await using server = await startServer(() => {/* never answers */});
  await using client = new StorageProxyClient({
    endpoint: server.url,
    secret: SECRET,
    ...storageProxyTimeouts({ total: null }),
  });
  const controller = new AbortController();
  const call = client.getVolumes({ signal: controller.signal });
  let settled = false;
  void call.catch(() => {}).finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(settled, false);
  controller.abort(new Error("gave up"));
  await assert.rejects(call, /gave up/);
});
