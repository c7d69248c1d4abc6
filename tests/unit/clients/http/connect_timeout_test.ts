// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The connect timeout of the node:http path, against a listener whose
 * accept queue is full (a Python process that listens with backlog 0,
 * never accepts, and fills the queue), so that a new connection's SYN goes
 * unanswered and connecting hangs.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  HttpConnectionError,
  HttpSession,
  nodeHttpTransport,
} from "../../../../clients/http/mod.ts";
import {
  StorageProxyClient,
  StorageProxyConnectionError,
} from "../../../../clients/storage_proxy/mod.ts";

const FULL_LISTENER = `
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(0)
port = s.getsockname()[1]
held = []
for _ in range(3):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    held.append(c)
time.sleep(0.2)
sys.stdout.write(f"{port}\\n")
sys.stdout.flush()
time.sleep(60)
`;

async function withFullListener(
  run: (port: number) => Promise<void>,
): Promise<void> {
  const child = spawn("/usr/bin/python3", ["-c", FULL_LISTENER], {
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
        (code) => reject(new Error(`python3 exited: ${code}`)),
      );
      child.stdout!.on("data", (chunk: Uint8Array) => {
        text += new TextDecoder().decode(chunk);
        if (text.includes("\n")) resolve(Number(text.trim()));
      });
    });
    await run(port);
  } finally {
    child.kill("SIGKILL");
    await exited;
  }
}

Deno.test("nodeHttpTransport fails a connection that does not open within connectTimeoutMs", async () => {
  await withFullListener(async (port) => {
    await using session = new HttpSession({
      endpoint: `http://127.0.0.1:${port}`,
      transport: nodeHttpTransport({ connectTimeoutMs: 200 }),
      timeoutMs: 20_000,
    });
    const started = Date.now();
    await assert.rejects(session.request("/x", { json: {} }), (error) => {
      assert.ok(error instanceof HttpConnectionError);
      assert.equal((error.cause as Error).name, "ConnectTimeoutError");
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 150 && elapsed < 5_000, `took ${elapsed} ms`);
  });
});

Deno.test("StorageProxyClient's connect timeout applies to its GET calls with a body", async () => {
  await withFullListener(async (port) => {
    await using client = new StorageProxyClient({
      endpoint: `http://127.0.0.1:${port}`,
      secret: "s",
      connectTimeoutMs: 200,
    });
    const started = Date.now();
    await assert.rejects(client.getFsUsage("local"), (error) => {
      assert.ok(error instanceof StorageProxyConnectionError);
      assert.equal(error.status, 503);
      const cause = error.cause as HttpConnectionError;
      assert.ok(cause instanceof HttpConnectionError);
      assert.equal((cause.cause as Error).name, "ConnectTimeoutError");
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
  });
});
