// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue conformance suite on real Redis (the halfstack master),
// DB 11. Needs `deno task halfstack up`; fails, never skips, without it.

import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { RedisStreamStore, StreamQueue } from "../../../message_queue/mod.ts";
import { defineMessageQueueConformance } from "../../conformance/message_queue_suite.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

const DB = 11;

defineMessageQueueConformance(
  { name: "redis", ttlSlackMs: 300 },
  async () => {
    const env = halfstackEnv();
    const addr = `${env.redis.host}:${env.redis.port}`;
    const store = await RedisStreamStore.connect({ addr, db: DB }, {
      logger: quietLogger,
    });
    const raw = new Redis({ ...env.redis, db: DB, lazyConnect: true });
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
        await raw.publish(channel, data);
      },
      cleanup: async () => {
        await raw.quit();
      },
    };
  },
);
