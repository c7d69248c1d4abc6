// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue conformance suite on the embedded memory backend.

import { MemoryStreamStore, StreamQueue } from "../../message_queue/mod.ts";
import { defineMessageQueueConformance } from "./message_queue_suite.ts";
import { quietLogger } from "../_logger.ts";

defineMessageQueueConformance(
  { name: "memory", ttlSlackMs: 50 },
  () => {
    const store = new MemoryStreamStore();
    return Promise.resolve({
      queue: new StreamQueue(store, { logger: quietLogger }),
      writeRaw: async (stream, fields) => {
        await store.add([{ stream, fields }], 100_000);
      },
      publishRaw: (channel, data) =>
        store.publish([{ channel, data, cacheTtlSeconds: 1 }]),
      cleanup: () => Promise.resolve(),
    });
  },
);
