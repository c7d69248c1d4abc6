// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Default consumer names: unique per process, stable across a restart of the
// same worker. Real processes (_name_child.ts) on one node, sharing a
// temporary directory of their own.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { InvalidAPIParameters } from "../../../exception.ts";
import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

interface Worker {
  proc: ChildProcess;
  name: string;
}

/** Starts a worker process and waits for the name it prints. */
function startWorker(lockDir: string): Promise<Worker> {
  const here = fileURLToPath(import.meta.url);
  const compiled = here.endsWith(".js");
  const child = here.replace(
    /consumer_name_test\.(ts|js)$/,
    `_name_child.${compiled ? "js" : "ts"}`,
  );
  const command = compiled ? process.execPath : Deno.execPath();
  const args = compiled ? [child] : ["run", "-A", child];
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, {
      stdio: ["pipe", "pipe", "inherit"],
      env: { ...process.env, TMPDIR: lockDir },
    });
    let out = "";
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error("The worker printed no name in 30 s"));
    }, 30_000);
    proc.stdout?.on("data", (chunk) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n") && line !== undefined) {
        clearTimeout(timer);
        resolve({ proc, name: (JSON.parse(line) as { name: string }).name });
      }
    });
    proc.on("error", reject);
  });
}

/** Ends a worker: gracefully (stdin closed) or by SIGKILL (a crash). */
function stopWorker(worker: Worker, how: "close" | "crash"): Promise<void> {
  return new Promise((resolve) => {
    worker.proc.on("exit", () => resolve());
    if (how === "crash") worker.proc.kill("SIGKILL");
    else worker.proc.stdin?.end();
  });
}

Deno.test("consumer names: two workers on one node differ; each restarted gets its own name back", async () => {
  const lockDir = mkdtempSync(join(tmpdir(), "mq-names-"));
  const running: Worker[] = [];
  try {
    const a = await startWorker(lockDir);
    running.push(a);
    const b = await startWorker(lockDir);
    running.push(b);
    assert.notEqual(a.name, b.name, "two processes, two names");
    assert.match(a.name, /^node-a:[0-9a-f]{12}:0$/);
    assert.match(b.name, /^node-a:[0-9a-f]{12}:1$/);

    // A crashes (its slot file stays behind) and is started again.
    await stopWorker(a, "crash");
    running.shift();
    const a2 = await startWorker(lockDir);
    running.push(a2);
    assert.equal(a2.name, a.name, "a crashed worker restarts under its name");

    // B stops cleanly and is started again.
    await stopWorker(b, "close");
    running.splice(running.indexOf(b), 1);
    const b2 = await startWorker(lockDir);
    running.push(b2);
    assert.equal(b2.name, b.name, "a stopped worker restarts under its name");

    const c = await startWorker(lockDir);
    running.push(c);
    assert.equal(new Set([a2.name, b2.name, c.name]).size, 3);
  } finally {
    await Promise.all(running.map((w) => stopWorker(w, "close")));
    assert.deepEqual(readdirSync(lockDir), [], "every slot file released");
    rmSync(lockDir, { recursive: true, force: true });
  }
});

Deno.test("consumer names: two queues in one process, two consumers of a group in one queue, a pinned name", async () => {
  await using first = new MemoryQueue({ nodeId: "n", logger: quietLogger });
  await using second = new MemoryQueue({ nodeId: "n", logger: quietLogger });
  const one = await first.consumer({ group: "g" });
  const other = await second.consumer({ group: "g" });
  assert.notEqual(one.name, other.name);
  const sibling = await first.consumer({ group: "g" });
  assert.equal(sibling.name, `${one.name}.1`, "a second consumer of g");
  const elsewhere = await first.consumer({ group: "h" });
  assert.equal(elsewhere.name, one.name, "another group reuses the name");
  await sibling.close();
  const again = await first.consumer({ group: "g" });
  assert.equal(again.name, `${one.name}.1`, "a closed one's suffix is reused");
  const pinned = await first.consumer({ group: "g", name: "worker-7" });
  assert.equal(pinned.name, "worker-7");
  await using indexed = new MemoryQueue({
    nodeId: "n",
    workerIndex: 3,
    logger: quietLogger,
  });
  assert.match((await indexed.consumer({ group: "g" })).name, /^n:\w{12}:3$/);
  assert.throws(
    () => new MemoryQueue({ workerIndex: -1 }),
    (err: unknown) =>
      err instanceof InvalidAPIParameters &&
      err.data?.field === "workerIndex",
  );
});
