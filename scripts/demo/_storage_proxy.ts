// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The demo's storage proxy part: an in-process stand-in for the storage
 * proxy's manager API (a few of its routes on `node:http`, checking the
 * secret and reading the JSON body of its `GET` calls as the real one
 * does), and the manager-side client calling it through a client pool.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { HttpClientPool } from "../../clients/http/mod.ts";
import {
  StorageProxyClient,
  VFolderNotFound,
} from "../../clients/storage_proxy/mod.ts";
import { withRequestId } from "../../contexts/mod.ts";

const SECRET = "demo-manager-secret";
const VFID = "user:6f1c3f7e-0d55-4f39-9d0e-6b1e8f3a4c21/2b9d6f5e1c3a4b7d";

/** What the demo's main file lends this part. */
export interface StorageProxyDemoTools {
  /** Prints a section title. */
  section: (title: string) => void;
  /** Prints a labelled value. */
  show: (label: string, value: unknown) => void;
}

/**
 * Runs the storage proxy part of the tour.
 *
 * @param tools The main file's printing functions.
 */
export async function storageProxyTour(
  tools: StorageProxyDemoTools,
): Promise<void> {
  const { section, show } = tools;
  section(
    "clients/storage-proxy: the manager API against a stand-in (embedded)",
  );
  const seen: string[] = [];
  // node:http, not web's adapter: a web Request cannot carry a GET's body.
  const standIn = createServer((incoming, outgoing) => {
    const chunks: Uint8Array[] = [];
    incoming.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    incoming.on("end", () => {
      const path = new URL(incoming.url ?? "/", "http://x").pathname;
      const answer = (
        status: number,
        body: unknown,
        type = "application/json",
      ) =>
        outgoing.writeHead(status, { "content-type": type })
          .end(JSON.stringify(body));
      seen.push(
        `${incoming.method} ${path} (request id ${
          incoming.headers["x-backendai-requestid"] ?? "none"
        })`,
      );
      if (incoming.headers["x-backendai-storage-auth-token"] !== SECRET) {
        return answer(403, { title: "Forbidden (invalid auth token)" });
      }
      if (path === "/volumes") {
        return answer(200, {
          volumes: [{
            name: "local",
            backend: "vfs",
            path: "/vfroot/local",
            fsprefix: ".",
            capabilities: ["vfolder", "quota", "metric"],
          }],
        });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        vfid: string;
      };
      if (path === "/folder/usage" && body.vfid === VFID) {
        return answer(200, { file_count: 42, used_bytes: 1_048_576 });
      }
      answer(404, {
        type: "https://api.backend.ai/probs/vfolder-not-found",
        title: "Virtual Folder Not Found",
        error_code: "vfolder_read_not-found",
      }, "application/problem+json");
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, "127.0.0.1", resolve));
  const port = (standIn.address() as AddressInfo).port;
  try {
    await calls(port, show, seen);
  } finally {
    await new Promise((resolve) => standIn.close(resolve));
  }
}

async function calls(
  port: number,
  show: StorageProxyDemoTools["show"],
  seen: string[],
): Promise<void> {
  await using pool = new HttpClientPool();
  await using client = new StorageProxyClient({
    endpoint: `http://127.0.0.1:${port}`,
    secret: SECRET,
    pool,
  });
  const { volumes } = await client.getVolumes();
  show("getVolumes()", volumes.map((v) => `${v.name} (${v.backend})`));
  const usage = await withRequestId(
    "demo-req-1",
    () => client.getFolderUsage({ volume: "local", vfid: VFID }),
  );
  show("getFolderUsage() (a GET with a JSON body)", usage);
  const missing = await client.getFolderUsage({
    volume: "local",
    vfid: "user:00000000-0000-0000-0000-000000000000/00",
  }).catch((error) => error);
  show(
    "an unknown folder",
    missing instanceof VFolderNotFound
      ? `VFolderNotFound ${missing.status} ${missing.errorCode()} (${missing.message})`
      : missing,
  );
  show("the stand-in saw", seen);
  show("pooled sessions", pool.size);
}
