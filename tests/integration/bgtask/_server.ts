// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * A background task server on the halfstack's Redis for the integration
 * tests: bgtask keys in DB 7 (as upstream), events in {@linkcode EVENT_DB}.
 *
 * @module
 */

import { Redis } from "ioredis";
import {
  BackgroundTaskManager,
  type BgtaskStoreOptions,
  RedisBgtaskStore,
} from "../../../bgtask/mod.ts";
import { EventProducer } from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { EVENT_DB } from "./_shared.ts";

export interface Server extends AsyncDisposable {
  manager: BackgroundTaskManager;
  store: RedisBgtaskStore;
  connection: Redis;
  queue: RedisStreamQueue;
}

export function redisOf(db: number, addr?: string): Redis {
  const env = halfstackEnv();
  const [host = "", port = ""] = addr?.split(":") ?? [];
  const target = addr === undefined ? env.redis : { host, port: Number(port) };
  return new Redis({ ...target, db, lazyConnect: false });
}

export async function server(
  options: {
    serverId: string;
    tags: string[];
    channel: string;
    lifetimes?: BgtaskStoreOptions;
    /** Another address of the halfstack's master (a proxy). */
    addr?: string;
    /** Another address for the store only. */
    storeAddr?: string;
    durableStream?: string;
  },
): Promise<Server> {
  const env = halfstackEnv();
  const addr = options.addr ?? `${env.redis.host}:${env.redis.port}`;
  const queue = await RedisStreamQueue.connect({ addr, db: EVENT_DB }, {
    nodeId: options.serverId,
    logger: quietLogger,
  });
  const connection = redisOf(7, options.storeAddr ?? options.addr);
  const store = new RedisBgtaskStore(connection, options.lifetimes);
  const manager = new BackgroundTaskManager({
    producer: new EventProducer(queue, {
      source: options.serverId,
      channel: options.channel,
      durableStream: options.durableStream,
    }),
    serverId: options.serverId,
    store,
    tags: options.tags,
    logger: quietLogger,
    cancelGraceMs: 100,
  });
  return {
    manager,
    store,
    connection,
    queue,
    async [Symbol.asyncDispose]() {
      await manager.close();
      await store.close();
      await connection.quit();
      await queue.close();
    },
  };
}

export async function until(
  check: () => Promise<boolean> | boolean,
  ms = 15_000,
) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}
