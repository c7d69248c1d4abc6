// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The message queue retention suite on a Redis Cluster (the halfstack's,
// started with `deno task halfstack up --cluster`). A dead-letter stream is
// `{<stream>}.dlq` there, in its stream's slot. Fails, never skips,
// without it.

import { Buffer } from "node:buffer";
import { Cluster } from "ioredis";
import { RedisStreamStore, StreamQueue } from "../../../message_queue/mod.ts";
import { defineRetentionConformance } from "../../conformance/message_queue_retention_suite.ts";
import { clusterNodes, halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";

defineRetentionConformance({ name: "redis-cluster" }, async (options) => {
  const seeds = clusterNodes(halfstackEnv());
  const store = await RedisStreamStore.connect({ cluster: seeds }, {
    logger: quietLogger,
  });
  const raw = new Cluster(seeds, { lazyConnect: true });
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
      await raw.spublish(channel, data);
    },
    removeStreams: async (streams) => {
      await Promise.all(
        streams.flatMap((s) => [raw.del(s), raw.del(`{${s}}.dlq`)]),
      );
    },
    cleanup: async () => {
      await raw.quit();
    },
  };
});
