// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The common layer every Backend.AI service shares, reimplementing Lablup's
 * Python `backend.ai-common` in TypeScript with upstream's wire formats. The
 * root entry re-exports the base modules: {@link ./types.ts | types} (ids,
 * `BinarySize`, `ResourceSlot`, enums), {@link ./exception.ts | exception}
 * (`ErrorCode`, the `BackendAIError` tree, problem+json) and
 * {@link ./utils.ts | utils}. Each capability also has its own subpath, e.g.
 * `@backendai/common/contexts`.
 *
 * ```ts
 * import { BinarySize, InvalidAPIParameters, strToTimedelta } from "@backendai/common";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BinarySize.parseFinite("1g").toString(), "1 GiB");
 * assert.equal(strToTimedelta("1m30s"), 90_000);
 * assert.equal(new InvalidAPIParameters().status, 400);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./exception.ts";
export * from "./utils.ts";
