// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The bgtask hash schemas of dto accept what RedisBgtaskStore writes on the
// halfstack's Redis (DB 7): the meta hash and the subtask hash, before and
// after a progress update and at the end.

import assert from "node:assert/strict";
import { z } from "zod";
import { type ProgressReporter, WHOLE_TASK_KEY } from "../../../bgtask/mod.ts";
import {
  BgtaskMetaHashSchema,
  BgtaskSubtaskHashSchema,
  parseDto,
} from "../../../dto/mod.ts";
import { redisOf, server } from "../bgtask/_server.ts";

Deno.test("dto: the bgtask hashes RedisBgtaskStore writes parse", async () => {
  const uid = crypto.randomUUID().slice(0, 8);
  await using s = await server({
    serverId: `dto-${uid}`,
    tags: [`dto-tag-${uid}`],
    channel: `events_all-dto-${uid}`,
  });
  const raw = redisOf(7);
  try {
    let reporter!: ProgressReporter;
    let release!: () => void;
    s.manager.registry.register({
      name: "dto-wire",
      manifest: z.object({ volume: z.string(), n: z.number() }),
      async execute(_manifest, context) {
        reporter = context.reporter;
        reporter.total = 4;
        await new Promise<void>((resolve) => (release = resolve));
        return "done";
      },
    });
    const id = await s.manager.startRetriable("dto-wire", {
      volume: "local",
      n: 1.5,
    });
    const metaKey = `bgtask:meta:${id}`;
    const subtaskKey = `bgtask:subtask:${id}:${WHOLE_TASK_KEY}`;
    const meta = await raw.hgetall(metaKey);
    assert.deepEqual(parseDto(BgtaskMetaHashSchema, meta, "meta"), meta);
    assert.equal(meta.task_id, id);
    const fresh = await raw.hgetall(subtaskKey);
    assert.deepEqual(
      parseDto(BgtaskSubtaskHashSchema, fresh, "subtask"),
      fresh,
    );
    while (reporter === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await reporter.update(1.5, "a step");
    const progressed = await raw.hgetall(subtaskKey);
    assert.ok(progressed.current_progress !== undefined);
    assert.deepEqual(
      parseDto(BgtaskSubtaskHashSchema, progressed, "subtask"),
      progressed,
    );
    release();
    assert.equal(await s.manager.wait(id), "bgtask_done");
    const finished = await raw.hgetall(subtaskKey);
    assert.equal(finished.status, "success");
    assert.deepEqual(
      parseDto(BgtaskSubtaskHashSchema, finished, "subtask"),
      finished,
    );
    const closed = await raw.hgetall(metaKey);
    assert.deepEqual(parseDto(BgtaskMetaHashSchema, closed, "meta"), closed);
    assert.equal(closed.ongoing_count, "0");
  } finally {
    await raw.quit();
  }
});
