// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The agent RPC of Backend.AI: callosum's protocol (1.0.3) over ZeroMQ,
 * wire compatible with upstream's manager and agents. {@linkcode RpcClient}
 * and {@linkcode RpcServer} are callosum's peers (DEALER and ROUTER, the
 * PING/PONG check, sequence ids, FAILURE / ERROR / CANCELLED as typed
 * errors, CANCEL on timeout, CurveZMQ); {@linkcode AgentClient},
 * {@linkcode agentRpcMethods} and {@linkcode AgentClientPool} add
 * Backend.AI's conventions (`{args, kwargs}` bodies, the typed v3 calls
 * checked with `dto`, one health-checked client per agent). npm `zeromq`
 * is imported at the first socket ({@linkcode zeromqTransport}); the frames
 * and bodies ({@linkcode RpcFrameCodec}, {@linkcode packRpcBody}) are pure.
 *
 * ```ts
 * import {
 *   packRpcBody, RpcFrameCodec, RpcMessageType, unpackRpcBody, Uuid,
 * } from "@backendai/common/clients/agent";
 * import assert from "node:assert/strict";
 *
 * // The first ping of upstream's pool, as it goes on the wire.
 * const codec = new RpcFrameCodec();
 * const frames = codec.encode({
 *   type: RpcMessageType.FUNCTION, method: "ping", orderKey: new Uint8Array(0), seq: 0,
 *   error: null, body: packRpcBody({ args: ["ping"], kwargs: {} }),
 * });
 * assert.equal(new TextDecoder().decode(frames[0]), "UPPER");
 * const { message } = codec.decode(frames);
 * assert.deepEqual(unpackRpcBody(message!.body!), { args: ["ping"], kwargs: {} });
 *
 * // A kernel id travels as Python's uuid.UUID (msgpack extension 1).
 * const id = new Uuid("0c3c2b8e-6f4e-4e43-9b1d-2b7c1c6f0a11");
 * assert.equal(String(unpackRpcBody(packRpcBody(id))), String(id));
 * ```
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
