// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The manager's client of the storage proxy's manager API (upstream
 * `manager/clients/storage_proxy/`): {@linkcode StorageProxyClient} sends
 * each call with the manager secret (`X-BackendAI-Storage-Auth-Token`) and
 * JSON bodies over web-standard `fetch` (a `GET` with a body over
 * `node:http`, which the storage proxy's `GET` calls need), with upstream's
 * timeouts, and answers every failure with a typed error: an error answer
 * routed by the domain of its `error_code`, one that is not JSON passed
 * through with its status, a timeout and a connection failure each their
 * own. Its session can come from `clients/http`'s pool.
 *
 * ```ts
 * import { QuotaScopeNotFoundError, StorageProxyClient } from "@backendai/common/clients/storage-proxy";
 * import assert from "node:assert/strict";
 *
 * await using client = new StorageProxyClient({
 *   endpoint: "http://storage-proxy.test:6021",
 *   secret: "s3cret",
 *   transport: async () =>
 *     Response.json({ type: "https://api.backend.ai/probs/object-not-found", title: "No such quota scope.", error_code: "quota-scope_read_not-found" }, { status: 404 }),
 * });
 * await assert.rejects(client.getQuotaScope({ volume: "local", qsid: "user:u1" }), (error) => {
 *   assert.ok(error instanceof QuotaScopeNotFoundError);
 *   assert.equal(error.data?.errorCode, "quota-scope_read_not-found");
 *   return true;
 * });
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./client.ts";
export * from "./options.ts";
