// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue retention suite on the embedded memory backend.

import { MemoryStreamStore, StreamQueue } from "../../message_queue/mod.ts";
import { defineRetentionConformance } from "./message_queue_retention_suite.ts";
import { quietLogger } from "../_logger.ts";

defineRetentionConformance({ name: "memory" }, (options) => {
  const store = new MemoryStreamStore();
  return Promise.resolve({
    queue: new StreamQueue(store, { logger: quietLogger, ...options }),
    writeRaw: async (stream, fields, maxLen) => {
      await store.add([{ stream, fields }], maxLen);
    },
    publishRaw: async (channel, data) => {
      await store.publish([{ channel, data, cacheTtlSeconds: 1 }]);
    },
    removeStreams: () => Promise.resolve(),
    cleanup: () => Promise.resolve(),
  });
});
