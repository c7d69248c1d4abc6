// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * zod schemas of what crosses a process boundary. The agent RPC calls
 * (`ping`, `health_v2`, `gather_hwinfo_v2`) are in `agent.ts`.
 *
 * ```ts
 * import { AgentCallBodySchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(AgentCallBodySchema.parse({ args: ["ping"], kwargs: {} }), { args: ["ping"], kwargs: {} });
 * ```
 *
 * @module
 */

export * from "./agent.ts";
