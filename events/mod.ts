// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * Typed events over the message queue, wire-compatible with upstream main:
 * definitions ({@linkcode defineEvent}, {@linkcode EventRegistry}), the
 * upstream catalogue (bgtask, agent, kernel, session, artifact, idle check,
 * notification, …), the
 * {@linkcode EventProducer}, the {@linkcode EventDispatcher}, and the
 * {@linkcode EventHub} with its propagators and {@linkcode eventStreamResponse}
 * for SSE.
 *
 * @example Define, encode, decode
 * ```ts
 * import { BgtaskDoneEvent } from "@backendai/common/events";
 * import assert from "node:assert/strict";
 *
 * const text = BgtaskDoneEvent.encode({
 *   task_id: "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d", message: "ok",
 * });
 * assert.equal(BgtaskDoneEvent.decode({ body: JSON.parse(text) }).message, "ok");
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./define.ts";
export * from "./catalogue/bgtask.ts";
export * from "./producer.ts";
export * from "./handler.ts";
export * from "./dispatcher.ts";
export * from "./hub.ts";
export * from "./catalogue/kernel.ts";
export * from "./catalogue/session.ts";
export * from "./catalogue/builtin.ts";
export * from "./catalogue/agent.ts";
export * from "./catalogue/image.ts";
export * from "./catalogue/volume.ts";
export * from "./catalogue/schedule.ts";
export * from "./catalogue/vfolder.ts";
export * from "./catalogue/service_discovery.ts";
export * from "./catalogue/artifact.ts";
export * from "./catalogue/idle.ts";
export * from "./catalogue/notification.ts";
