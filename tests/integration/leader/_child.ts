// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A second server for the leader tests, which kill it with SIGKILL.
// argv: <redis addr> <db> <role> <key> <server id> <stream>
// "elect": a LeaderElection (TTL 2 000 ms, renew 500 ms) that prints
//   "elected <term>" when it leads.
// "timer": a GlobalTimer (400 ms) anycasting to <stream>; prints "ready".

import process from "node:process";
import { EventProducer } from "../../../events/mod.ts";
import {
  GlobalTimer,
  LeaderElection,
  RedisLeaderStore,
} from "../../../leader/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { quietLogger } from "../../_logger.ts";
import { CHILD_TIMINGS, TIMER_INTERVAL_MS, TimerTick } from "./_shared.ts";

const [addr = "", db = "", role = "", key = "", serverId = "", stream = ""] =
  process.argv.slice(-6);
const store = await RedisLeaderStore.connect({ addr, db: Number(db) }, {
  logger: quietLogger,
});
if (role === "elect") {
  const election = new LeaderElection({
    store,
    serverId,
    key,
    logger: quietLogger,
    ...CHILD_TIMINGS,
    onChange: (change) => {
      if (change.isLeader) console.log(`elected ${change.term}`);
    },
  });
  await election.start();
} else {
  const queue = await RedisStreamQueue.connect({ addr, db: Number(db) }, {
    nodeId: serverId,
  });
  const timer = new GlobalTimer({
    store,
    key,
    serverId,
    intervalMs: TIMER_INTERVAL_MS,
    producer: new EventProducer(queue, { source: serverId, stream }),
    event: () => TimerTick.create({}),
    logger: quietLogger,
  });
  timer.start();
  console.log("ready");
}
// Wait to be killed.
await new Promise(() => setInterval(() => {}, 1000));
