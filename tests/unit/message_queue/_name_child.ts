// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A worker for consumer_name_test.ts: makes a consumer with the default
// name, prints the name as JSON, and closes when its stdin ends.

import process from "node:process";
import { MemoryQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";

const queue = new MemoryQueue({ nodeId: "node-a", logger: quietLogger });
const consumer = await queue.consumer({ group: "workers" });
process.stdout.write(`${JSON.stringify({ name: consumer.name })}\n`);
process.stdin.resume();
await new Promise((resolve) => process.stdin.on("end", resolve));
await queue.close();
process.exit(0);
