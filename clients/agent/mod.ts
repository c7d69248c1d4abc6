// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The agent RPC of Backend.AI: callosum's protocol over ZeroMQ, wire
 * compatible with upstream's manager and agent (callosum 1.0.3).
 *
 * @module
 */

export * from "./errors.ts";
export * from "./serializer.ts";
export * from "./wire.ts";
export * from "./transport.ts";
export * from "./rpc_client.ts";
export * from "./rpc_server.ts";
export * from "./agent_client.ts";
export * from "./agent_methods.ts";
export * from "./agent_pool.ts";
export * from "./zmtp_transport.ts";
