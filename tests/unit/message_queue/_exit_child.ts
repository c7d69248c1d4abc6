// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// For retention_test.ts: a program that anycasts on a memory queue and
// ends without closing it. Its trimming loop must not keep it alive.

import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

const queue = new MemoryQueue({ trimIntervalMs: 50, logger: quietLogger });
await queue.anycaster().anycast({ name: "m", source: "s", payload: "{}" });
console.log("sent");
