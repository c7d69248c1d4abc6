// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * zod schemas of what crosses a process boundary, with upstream's wire keys:
 * the agent RPC calls (`ping`, `health_v2`, `gather_hwinfo_v2`), the storage
 * proxy's manager API (requests and answers), the service discovery records
 * and the background task payloads this library writes, and
 * {@linkcode parseDto}, which answers a refused value with a typed error
 * naming each offending path.
 *
 * ```ts
 * import { AgentCallBodySchema, GetVolumesResponseSchema, parseDto } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const answer = parseDto(GetVolumesResponseSchema, { volumes: [] }, "GetVolumesResponse");
 * assert.deepEqual(answer.volumes, []);
 * assert.deepEqual(AgentCallBodySchema.parse({ args: ["ping"], kwargs: {} }), { args: ["ping"], kwargs: {} });
 * ```
 *
 * @module
 */

export * from "./parse.ts";
export * from "./agent.ts";
export * from "./storage_proxy.ts";
export * from "./service_discovery.ts";
export * from "./bgtask.ts";
