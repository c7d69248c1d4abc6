// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue retention suite on real Redis (the halfstack master),
// DB 13. Needs `deno task halfstack up`; fails, never skips, without it.

import { Buffer } from "node:buffer";
import { Redis } from "ioredis";
import { RedisStreamStore, StreamQueue } from "../../../message_queue/mod.ts";
import { defineRetentionConformance } from "../../conformance/message_queue_retention_suite.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

const DB = 13;

defineRetentionConformance({ name: "redis" }, async (options) => {
  const env = halfstackEnv();
  const addr = `${env.redis.host}:${env.redis.port}`;
  const store = await RedisStreamStore.connect({ addr, db: DB }, {
    logger: quietLogger,
  });
  const raw = new Redis({ ...env.redis, db: DB, lazyConnect: true });
  await raw.connect();
  return {
    queue: new StreamQueue(store, { logger: quietLogger, ...options }),
    writeRaw: async (stream, fields, maxLen) => {
      const wire = fields.map((f) =>
        typeof f === "string" ? f : Buffer.from(f)
      );
      const trim = maxLen === undefined ? [] : ["MAXLEN", String(maxLen)];
      await raw.xadd(stream, ...trim, "*", ...(wire as string[]));
    },
    publishRaw: async (channel, data) => {
      await raw.publish(channel, data);
    },
    removeStreams: async (streams) => {
      if (streams.length === 0) return;
      await raw.del(...streams.flatMap((s) => [s, `${s}.dlq`]));
    },
    cleanup: async () => {
      await raw.quit();
    },
  };
});
