// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The storage proxy client against aiohttp, the server framework of
// upstream's storage proxy (Debian's python3-aiohttp under /usr/bin/python3):
// a stand-in with the manager API's token check, a GET handler that reads
// its JSON body, one that refuses a body, problem+json errors with an
// error_code, and aiohttp's own text 404 for an unknown route.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  QuotaScopeNotFoundError,
  StorageProxyClient,
  StorageProxyPassthroughError,
  VFolderBadRequest,
  VFolderNotFound,
  VFolderOperationFailed,
} from "../../../../clients/storage_proxy/mod.ts";
import { withRequestId } from "../../../../contexts/mod.ts";

const SECRET = "aiohttp-secret";
const VFID = "user:6f1c3f7e-0d55-4f39-9d0e-6b1e8f3a4c21/2b9d6f5e1c3a4b7d";

const STAND_IN = String.raw`
import json, sys
from aiohttp import web

SECRET = sys.argv[1]
KNOWN = sys.argv[2]

def problem(status, title, error_code=None):
    body = {"type": "https://api.backend.ai/probs/test", "title": title}
    if error_code is not None:
        body["error_code"] = error_code
    return web.Response(status=status, text=json.dumps(body), content_type="application/problem+json")

@web.middleware
async def token(request, handler):
    if request.headers.get("X-BackendAI-Storage-Auth-Token") != SECRET:
        return problem(403, "Forbidden (invalid auth token)")
    return await handler(request)

async def volumes(request):
    if request.can_read_body:
        return problem(400, "Malformed request (request body should be empty)")
    return web.json_response({"volumes": [{"name": "local", "backend": "vfs", "path": "/vfroot/local", "fsprefix": ".", "capabilities": ["vfolder"]}]})

async def usage(request):
    params = await request.json()
    if params.get("vfid") != KNOWN:
        return problem(404, "Virtual Folder Not Found", "vfolder_read_not-found")
    return web.json_response({"file_count": 7, "used_bytes": 4096, "request_id": request.headers.get("X-BackendAI-RequestID")})

async def quota_scope(request):
    params = await request.json()
    return problem(404, "Quota scope not found: " + params["qsid"], "quota-scope_read_not-found")

async def create(request):
    params = await request.json()
    if "vfid" not in params:
        return problem(400, "Invalid API parameters")
    return web.Response(status=204)

async def main():
    app = web.Application(middlewares=[token])
    app.router.add_route("GET", "/volumes", volumes)
    app.router.add_route("GET", "/folder/usage", usage)
    app.router.add_route("GET", "/quota-scope", quota_scope)
    app.router.add_route("POST", "/folder/create", create)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    import asyncio
    await asyncio.Event().wait()

import asyncio
asyncio.run(main())
`;

async function withStandIn(run: (url: string) => Promise<void>): Promise<void> {
  const child = spawn("/usr/bin/python3", ["-c", STAND_IN, SECRET, VFID], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve())
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      child.once("error", reject);
      child.once(
        "exit",
        (code) =>
          reject(
            new Error(
              `The aiohttp stand-in exited (${code}): is python3-aiohttp installed?`,
            ),
          ),
      );
      child.stdout!.on("data", (chunk: Uint8Array) => {
        text += new TextDecoder().decode(chunk);
        if (text.includes("\n")) resolve(Number(text.trim()));
      });
    });
    await run(`http://127.0.0.1:${port}`);
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

Deno.test("StorageProxyClient talks to an aiohttp storage proxy stand-in", async () => {
  await withStandIn(async (url) => {
    await using client = new StorageProxyClient({
      endpoint: url,
      secret: SECRET,
    });
    // GET without a body: the handler that refuses one answers.
    const { volumes } = await client.getVolumes();
    assert.equal(volumes[0]?.name, "local");
    // GET with a JSON body: aiohttp reads it (request.json()).
    const usage = await withRequestId(
      "req-aiohttp",
      () => client.getFolderUsage({ volume: "local", vfid: VFID }),
    );
    assert.deepEqual(usage, {
      file_count: 7,
      used_bytes: 4096,
      request_id: "req-aiohttp",
    });
    await client.createFolder({ volume: "local", vfid: VFID });
    await assert.rejects(
      client.getFolderUsage({ volume: "local", vfid: "user:u/unknown" }),
      (error) => {
        assert.ok(error instanceof VFolderNotFound);
        assert.equal(error.data?.errorCode, "vfolder_read_not-found");
        return true;
      },
    );
    await assert.rejects(
      client.getQuotaScope({ volume: "local", qsid: "user:u1" }),
      (error) => {
        assert.ok(error instanceof QuotaScopeNotFoundError);
        assert.equal(
          (error.cause as { errorTitle: string }).errorTitle,
          "Quota scope not found: user:u1",
        );
        return true;
      },
    );
    // A body where the storage proxy wants none: its problem has no error_code.
    await assert.rejects(
      client.request("GET", "volumes", { body: { volume: "local" } }),
      (error) => {
        assert.ok(error instanceof VFolderBadRequest);
        assert.equal(error.data?.errorCode, null);
        return true;
      },
    );
    // aiohttp's own 404 for an unknown route is text/plain.
    await assert.rejects(client.request("GET", "no/such/route"), (error) => {
      assert.ok(error instanceof StorageProxyPassthroughError);
      assert.equal(error.status, 404);
      assert.equal(error.data?.text, "404: Not Found");
      return true;
    });
    await using wrong = new StorageProxyClient({
      endpoint: url,
      secret: "wrong",
    });
    await assert.rejects(wrong.getVolumes(), (error) => {
      assert.ok(error instanceof VFolderOperationFailed);
      assert.equal(error.data?.status, 403);
      return true;
    });
  });
});
