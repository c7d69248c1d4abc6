// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// Events on real Redis (halfstack, DB 15): groups, frames in upstream's
// exact format written by hand, legacy msgpack, and a request id carried
// from another process. Needs `deno task halfstack up`.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import { encode as msgpackEncode } from "@msgpack/msgpack";
import { Redis } from "ioredis";
import { currentRequestId, withRequestId } from "../../../contexts/mod.ts";
import {
  BgtaskDoneEvent,
  BgtaskUpdatedEvent,
  EventDispatcher,
  EventProducer,
} from "../../../events/mod.ts";
import { RedisStreamQueue } from "../../../message_queue/mod.ts";
import { halfstackEnv } from "../../_halfstack.ts";
import { quietLogger } from "../../_logger.ts";
import { CrossProcessEvent, LegacyJobEvent } from "./_events.ts";

const DB = 15;
const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";

interface Fixture {
  addr: string;
  queue: RedisStreamQueue;
  raw: Redis;
  stream: string;
  channel: string;
}

/** Runs `body` with a queue, a raw client and fresh names; cleans up after. */
async function withRedis(body: (fixture: Fixture) => Promise<void>) {
  const env = halfstackEnv();
  const addr = `${env.redis.host}:${env.redis.port}`;
  const queue = await RedisStreamQueue.connect({ addr, db: DB }, {
    nodeId: "events-test",
    logger: quietLogger,
  });
  const raw = new Redis({ ...env.redis, db: DB, lazyConnect: true });
  await raw.connect();
  const tag = crypto.randomUUID().slice(0, 8);
  const stream = `events-${tag}`;
  try {
    await body({ addr, queue, raw, stream, channel: `events_all-${tag}` });
  } finally {
    await queue.close();
    await raw.del(stream);
    await raw.quit();
  }
}

/** A dispatcher of group "manager" on the fixture's stream and channel. */
function managerOf(fixture: Fixture): EventDispatcher {
  return new EventDispatcher(fixture.queue, {
    group: "manager",
    consumer: { streams: [fixture.stream] },
    channels: [fixture.channel],
    logger: quietLogger,
  });
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("events on Redis: two dispatchers in one group handle N once in total; two groups each all", async () => {
  const made: EventDispatcher[] = [];
  await withRedis(async ({ queue, stream }) => {
    const handled: number[] = [];
    const other: number[] = [];
    for (
      const [group, name, sink] of [
        ["manager", "m1", handled],
        ["manager", "m2", handled],
        ["appproxy", "p1", other],
      ] as const
    ) {
      const d = new EventDispatcher(queue, {
        group,
        consumer: { name, streams: [stream] },
        logger: quietLogger,
      });
      d.consume(CrossProcessEvent, (_c, _s, body) => void sink.push(body.pid));
      await d.start();
      made.push(d);
    }
    const producer = new EventProducer(queue, { source: "t", stream });
    const n = 300;
    for (let i = 0; i < n; i++) {
      await producer.anycast(CrossProcessEvent.create({ pid: i }));
    }
    await until(() => handled.length >= n && other.length >= n);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(handled.length, n);
    assert.equal(new Set(handled).size, n);
    assert.equal(other.length, n);
    await Promise.all(made.map((d) => d.close()));
  });
});

Deno.test("events on Redis: frames in upstream's exact format are dispatched, and ours read back the same", async () => {
  await withRedis(async (fixture) => {
    const { queue, raw, stream, channel } = fixture;
    const seen: string[] = [];
    await using d = managerOf(fixture);
    d.consume(CrossProcessEvent, (_c, source, body) => {
      seen.push(`anycast ${source} ${body.pid} ${currentRequestId()}`);
    });
    d.subscribe(BgtaskDoneEvent, (_c, source, body) => {
      seen.push(`broadcast ${source} ${body.message} ${currentRequestId()}`);
    });
    await d.start();
    const metadata =
      '{"request_id":"req-py","user":null,"triggered_user":null}';
    // As upstream main's RedisQueue writes them (spec 5.3), by hand:
    await raw.xadd(
      stream,
      "MAXLEN",
      "~",
      "128",
      "*",
      "name",
      "test_cross_process",
      "source",
      "agent-1",
      "payload",
      '{"pid":7}',
      "metadata",
      metadata,
    );
    await raw.publish(
      channel,
      JSON.stringify({
        name: "bgtask_done",
        source: "manager",
        payload: JSON.stringify({ task_id: TASK, message: "from python" }),
        metadata,
      }),
    );
    await until(() => seen.length === 2);
    assert.deepEqual(seen.sort(), [
      "anycast agent-1 7 req-py",
      "broadcast manager from python req-py",
    ]);

    // What our producer writes, read back raw.
    const producer = new EventProducer(queue, { source: "ts-node", stream });
    const id = await withRequestId(
      "req-ts",
      () => producer.anycast(CrossProcessEvent.create({ pid: 8 })),
    );
    const [[, fields]] = await raw.xrange(stream, id, id) as [
      [string, string[]],
    ];
    assert.deepEqual(fields, [
      "name",
      "test_cross_process",
      "source",
      "ts-node",
      "payload",
      '{"pid":8}',
      "metadata",
      '{"request_id":"req-ts","user":null,"triggered_user":null}',
    ]);
  });
});

Deno.test("events on Redis: the legacy msgpack form (stream args, broadcast base64 args) decodes", async () => {
  await withRedis(async (fixture) => {
    const { raw, stream, channel } = fixture;
    const seen: string[] = [];
    await using d = managerOf(fixture);
    d.consume(LegacyJobEvent, (_c, _s, body) => {
      seen.push(`${body.job_id}/${body.size}`);
    });
    d.subscribe(BgtaskUpdatedEvent, (_c, _s, body) => {
      seen.push(
        `${body.current_progress}/${body.total_progress} ${body.message}`,
      );
    });
    await d.start();
    await raw.xadd(
      stream,
      "*",
      "name",
      "test_legacy_job",
      "source",
      "agent-1",
      "args",
      Buffer.from(msgpackEncode(["job-1", 42])),
    );
    await raw.publish(
      channel,
      JSON.stringify({
        name: "bgtask_updated",
        source: "manager",
        args: Buffer.from(msgpackEncode([TASK, 1.5, 3, "legacy"])).toString(
          "base64",
        ),
      }),
    );
    await until(() => seen.length === 2);
    assert.deepEqual(seen.sort(), ["1.5/3 legacy", "job-1/42"]);
  });
});

Deno.test("events on Redis: a request id travels from another process to the handler", async () => {
  await withRedis(async (fixture) => {
    const { addr, stream } = fixture;
    const seen: string[] = [];
    await using d = managerOf(fixture);
    d.consume(CrossProcessEvent, (_c, source, body) => {
      seen.push(`${source} ${body.pid} ${currentRequestId()}`);
    });
    await d.start();
    // Deno runs the .ts source; the Node/Bun runs use the compiled .js.
    const here = fileURLToPath(import.meta.url);
    const compiled = here.endsWith(".js");
    const child = here.replace(
      /events_test\.(ts|js)$/,
      `_produce_child.${compiled ? "js" : "ts"}`,
    );
    const command = compiled ? process.execPath : Deno.execPath();
    const args = compiled ? [child] : ["run", "-A", child];
    const code = await new Promise<number | null>((resolve, reject) => {
      const proc = spawn(
        command,
        [...args, addr, String(DB), stream, "req-from-child"],
        { stdio: ["ignore", "inherit", "inherit"] },
      );
      proc.on("error", reject);
      proc.on("exit", resolve);
    });
    assert.equal(code, 0);
    await until(() => seen.length === 1);
    assert.match(seen[0] ?? "", /^child-process \d+ req-from-child$/);
  });
});
