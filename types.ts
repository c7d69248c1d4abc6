// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The domain types every Backend.AI component shares: branded ids
 * (`SessionId`, `KernelId`, `AgentId`, `AccessKey`, …) with validating
 * constructors, `BinarySize` (an exact byte count on bigint), `ResourceSlot`
 * (decimal.js values, pure operations), `SlotName`, `HostPortPair`, the shared
 * enums with upstream's wire strings, and the Redis DB constants. Redis
 * connection targets live with the client: `@backendai/common/clients/valkey`.
 *
 * ```ts
 * import { BinarySize, HostPortPair, ResourceSlot, SessionId } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(BinarySize.parseFinite("512m").bytes, 536870912n);
 * assert.equal(HostPortPair.parse("127.0.0.1:2379").port, 2379);
 * assert.equal(
 *   SessionId("0123456789ABCDEF0123456789ABCDEF"),
 *   "01234567-89ab-cdef-0123-456789abcdef",
 * );
 * const free = new ResourceSlot({ cpu: "8", mem: "32g" })
 *   .subtract(new ResourceSlot({ cpu: "2", mem: "4g" }));
 * assert.deepEqual(free.toJSON(), { cpu: "6", mem: "30064771072" });
 * ```
 *
 * @module
 */
export * from "./_types/errors.ts";
export * from "./_types/ids.ts";
export * from "./_types/enums.ts";
export * from "./_types/defs.ts";
export * from "./_types/host_port.ts";
export * from "./_types/storage_ids.ts";
export * from "./_types/dispatch_result.ts";
export * from "./_types/binary_size.ts";
export * from "./_types/slot_name.ts";
export * from "./_types/slot_types.ts";
export * from "./_types/resource_slot.ts";
