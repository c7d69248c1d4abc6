// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// A consumer group down while more events arrive than the stream's maxLen,
// on a Redis of the test's own. Another group reads and acknowledges
// everything meanwhile, so only what the down group still needs keeps the
// stream long.
//
// 1. No hard cap: on its return the group handles every event, each once.
//    The recovery code under test is the MINID floor of the trimming
//    script (message_queue/_redis_retention.ts, step 2: `XTRIM MINID` to
//    the oldest entry a group still needs); trimming by MAXLEN alone there
//    loses all but about maxLen of the events and fails the test.
// 2. With hardMaxLen: the group loses the oldest events, and the loss is
//    reported with the exact count (onTrimLoss, stats.lostEntries and the
//    loss record in the dead-letter stream agree, and with what was read
//    they add up to what was sent). The accounting under test is step 3 of
//    the same script and message_queue/_retention.ts.

import assert from "node:assert/strict";
import { RedisStreamQueue, type TrimLoss } from "../../message_queue/mod.ts";
import type { Logger } from "../../utils.ts";
import { FaultRedis, faultScale } from "./_redis.ts";
import { reportFaultFigures } from "./_report.ts";

const SOAK = faultScale() === "soak";
const EVENTS = SOAK ? 100_000 : 5_000;
const MAX_LEN = 500;
const HARD_MAX_LEN = 2_000;

async function run(options: { hardMaxLen?: number }) {
  await using redis = await FaultRedis.start();
  const stream = "down";
  const losses: TrimLoss[] = [];
  // Losses must be loud: every error the queue logs is kept.
  const errorLogs: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message) => errorLogs.push(message),
  };
  const queue = await RedisStreamQueue.connect({ addr: redis.address }, {
    nodeId: "faults",
    logger,
    maxLen: MAX_LEN,
    trimIntervalMs: 100,
    onTrimLoss: (loss) => losses.push(loss),
    ...options,
  });
  try {
    // Both groups exist before the first event; "late" goes down at once.
    await (await queue.consumer({ group: "late", streams: [stream] })).close();
    const live = await queue.consumer({
      group: "live",
      streams: [stream],
      batchSize: 500,
      blockMs: 100,
    });
    const stop = new AbortController();
    let liveRead = 0;
    const reading = (async () => {
      for await (const batch of live.batches({ signal: stop.signal })) {
        liveRead += batch.length;
        await live.doneAll(batch);
      }
    })();
    const anycaster = queue.anycaster({ stream });
    for (let n = 0; n < EVENTS;) {
      const items = [];
      for (const end = Math.min(EVENTS, n + 250); n < end; n++) {
        items.push({ name: "n", source: "faults", payload: `{"n":${n}}` });
      }
      await anycaster.anycastBatch(items);
      // Trimming runs while the group is down, as its loop would.
      if (n % 1_000 === 0) await queue.trimNow();
    }
    while (liveRead < EVENTS) await new Promise((r) => setTimeout(r, 50));
    await queue.trimNow();
    const lengthWhileDown = (await queue.streamInfo(stream))?.length ?? 0;
    stop.abort();
    await reading;
    await live.close();

    // The group comes back.
    const back = performance.now();
    let recoveryMs: number | undefined;
    const seen = new Map<number, number>();
    const late = await queue.consumer({
      group: "late",
      streams: [stream],
      batchSize: 500,
      blockMs: 200,
    });
    const lostToCap = () =>
      losses.filter((l) => l.group === "late").reduce((s, l) => s + l.count, 0);
    try {
      for await (
        const batch of late.batches({ signal: AbortSignal.timeout(60_000) })
      ) {
        recoveryMs ??= Math.round(performance.now() - back);
        for (const message of batch) {
          const n = (message.body as { n: number }).n;
          seen.set(n, (seen.get(n) ?? 0) + 1);
        }
        await late.doneAll(batch);
        if (seen.size + lostToCap() >= EVENTS) break;
      }
    } finally {
      await late.close();
    }
    const recorded = (await queue.deadLetters(stream, { count: 1_000 }))
      .filter((letter) => letter.group === "late" && letter.loss !== undefined)
      .reduce((sum, letter) => sum + (letter.loss?.count ?? 0), 0);
    const readTwice = [...seen.values()].reduce((s, c) => s + c - 1, 0);
    return {
      lengthWhileDown,
      seen,
      readTwice,
      lostToCap: lostToCap(),
      recorded,
      statsLost: queue.stats.lostEntries,
      recoveryMs,
      errorLogs,
    };
  } finally {
    await queue.close();
  }
}

Deno.test("fault: a consumer group down past maxLen handles every event on its return", async () => {
  const result = await run({});
  const missing = [];
  for (let n = 0; n < EVENTS; n++) if (!result.seen.has(n)) missing.push(n);
  await reportFaultFigures({
    kind: "fault",
    name: "group-down-past-maxlen",
    sent: EVENTS,
    handled: result.seen.size,
    deadLettered: 0,
    lost: missing.length,
    duplicates: result.readTwice,
    ...(result.recoveryMs === undefined
      ? {}
      : { recoveryMs: result.recoveryMs }),
  });
  console.log(
    `group down, no hard cap: ${EVENTS} sent, ${result.seen.size} handled, ` +
      `stream ${result.lengthWhileDown} long while down (maxLen ${MAX_LEN})`,
  );
  assert.ok(
    result.lengthWhileDown >= EVENTS,
    `the stream kept what the group needs (${result.lengthWhileDown})`,
  );
  assert.equal(missing.length, 0, `${missing.length} events lost`);
  assert.equal(result.readTwice, 0);
  assert.equal(result.lostToCap, 0);
  assert.equal(result.statsLost, 0);
  assert.deepEqual(result.errorLogs, []);
});

Deno.test("fault: a consumer group down past hardMaxLen loses the oldest events, counted exactly", async () => {
  const result = await run({ hardMaxLen: HARD_MAX_LEN });
  const handled = result.seen.size;
  const unaccounted = EVENTS - handled - result.lostToCap;
  await reportFaultFigures({
    kind: "fault",
    name: "group-down-hard-cap",
    sent: EVENTS,
    handled,
    // The loss records in the dead-letter stream.
    deadLettered: result.recorded,
    lost: unaccounted,
    duplicates: result.readTwice,
    ...(result.recoveryMs === undefined
      ? {}
      : { recoveryMs: result.recoveryMs }),
  });
  console.log(
    `group down, hardMaxLen ${HARD_MAX_LEN}: ${EVENTS} sent, ${handled} handled, ` +
      `${result.lostToCap} reported lost (dead-letter records ${result.recorded}, stats ${result.statsLost})`,
  );
  assert.ok(result.lostToCap > 0, "the hard cap dropped events");
  assert.equal(unaccounted, 0, "handled + reported loss = sent");
  assert.equal(result.recorded, result.lostToCap, "the loss records agree");
  assert.equal(result.statsLost, result.lostToCap, "stats.lostEntries agrees");
  assert.ok(handled <= HARD_MAX_LEN + 1_000, `kept about the cap (${handled})`);
  // What was lost is the oldest: every event after the loss was handled.
  const first = Math.min(...result.seen.keys());
  assert.equal(first, EVENTS - handled, "the oldest events were the ones lost");
  assert.equal(result.readTwice, 0);
  assert.ok(
    result.errorLogs.some((line) => line.includes("trimmed before")),
    `the loss was logged as an error: ${JSON.stringify(result.errorLogs)}`,
  );
});
