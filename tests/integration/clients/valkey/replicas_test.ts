// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Durable writes against the halfstack's master and its one replica: WAIT
// confirms a write, asking for more replicas than exist fails clearly with
// the entry still there, and the message queue's waitForReplicas option
// delivers as before. Needs the halfstack (no server is broken here).

import assert from "node:assert/strict";
import {
  closeValkey,
  connectValkey,
  ValkeyReplicationError,
  ValkeyReplicaWaiter,
} from "../../../../clients/valkey/mod.ts";
import { RedisStreamQueue } from "../../../../message_queue/mod.ts";
import { halfstackEnv } from "../../../_halfstack.ts";
import { quietLogger } from "../../../_logger.ts";

const DB = 12;

function sentinelTarget() {
  const env = halfstackEnv();
  return {
    sentinels: env.sentinels,
    serviceName: env.sentinelMasterName,
    db: DB,
  };
}

Deno.test("ValkeyReplicaWaiter: the halfstack's replica confirms; two replicas cannot, and the entry exists", async () => {
  const redis = await connectValkey(sentinelTarget(), { logger: quietLogger });
  const stream = `replicas-${crypto.randomUUID().slice(0, 8)}`;
  try {
    const one = new ValkeyReplicaWaiter(redis, { timeoutMs: 2_000 });
    const id = await one.confirm(() =>
      redis.xadd(stream, "*", "k", "v") as Promise<string>
    );
    assert.match(id, /^\d+-\d+$/);
    one.close();
    const two = new ValkeyReplicaWaiter(redis, {
      replicas: 2,
      timeoutMs: 200,
    });
    let unconfirmed: string | undefined;
    await assert.rejects(
      two.confirm(async () =>
        unconfirmed = await redis.xadd(stream, "*", "k", "w") as string
      ),
      (err) =>
        err instanceof ValkeyReplicationError &&
        err.data?.replicas === 1 && err.data?.required === 2 &&
        /may still exist/.test(err.message),
    );
    two.close();
    const ids = (await redis.xrange(stream, "-", "+")).map(([entry]) => entry);
    assert.deepEqual(ids, [id, unconfirmed]);
  } finally {
    await redis.del(stream);
    await closeValkey(redis);
  }
});

Deno.test("RedisStreamQueue with waitForReplicas: anycast is confirmed by the replica and delivered", async () => {
  const stream = `replicas-${crypto.randomUUID().slice(0, 8)}`;
  await using queue = await RedisStreamQueue.connect(sentinelTarget(), {
    nodeId: "replicas-test",
    logger: quietLogger,
    waitForReplicas: { replicas: 1, timeoutMs: 2_000 },
  });
  const consumer = await queue.consumer({
    group: "g",
    streams: [stream],
    startFrom: "beginning",
  });
  try {
    const anycaster = queue.anycaster({ stream });
    const ids = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) =>
          anycaster.anycast({ name: "e", source: "t", payload: `{"i":${i}}` }),
      ),
    );
    const seen: string[] = [];
    for await (const message of consumer) {
      seen.push(message.id);
      await consumer.done(message);
      if (seen.length === ids.length) break;
    }
    assert.deepEqual(seen.sort(), [...ids].sort());
  } finally {
    await consumer.close();
    const raw = await connectValkey(sentinelTarget(), { logger: quietLogger });
    await raw.del(stream);
    await closeValkey(raw);
  }
});
