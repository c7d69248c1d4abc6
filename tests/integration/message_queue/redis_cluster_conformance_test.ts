// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue conformance suite on a Redis Cluster (the halfstack's,
// started with `deno task halfstack up --cluster`): three masters, three
// replicas. Fails, never skips, without it.

import { Buffer } from "node:buffer";
import { Cluster } from "ioredis";
import { RedisStreamStore, StreamQueue } from "../../../message_queue/mod.ts";
import { defineMessageQueueConformance } from "../../conformance/message_queue_suite.ts";
import { clusterNodes, halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

defineMessageQueueConformance(
  { name: "redis-cluster", ttlSlackMs: 300 },
  async () => {
    const seeds = clusterNodes(halfstackEnv());
    const store = await RedisStreamStore.connect({ cluster: seeds }, {
      logger: quietLogger,
    });
    const raw = new Cluster(seeds, { lazyConnect: true });
    await raw.connect();
    return {
      queue: new StreamQueue(store, { logger: quietLogger }),
      writeRaw: async (stream, fields) => {
        const wire = fields.map((f) =>
          typeof f === "string" ? f : Buffer.from(f)
        );
        await raw.xadd(stream, "*", ...(wire as string[]));
      },
      publishRaw: async (channel, data) => {
        await raw.spublish(channel, data);
      },
      cleanup: async () => {
        await raw.quit();
      },
    };
  },
);
