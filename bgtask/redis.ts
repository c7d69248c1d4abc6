// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode RedisBgtaskStore}: retriable tasks in Redis / Valkey with
 * upstream's key layout and lifetimes, each write one round trip.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import {
  closeValkey,
  connectValkey,
  type ValkeyTarget,
} from "../clients/valkey/mod.ts";
import { InvalidAPIParameters } from "../exception.ts";
import { redisLocationOf } from "../message_queue/redis_location.ts";
import type {
  PreparedBroadcast,
  QueueLocation,
} from "../message_queue/prepared.ts";
import { uuidFromHex, uuidToHex } from "../utils.ts";
import type {
  BgtaskStore,
  BgtaskStoreOptions,
  FinishSubtaskArgs,
  HeartbeatTask,
  RegisterTaskArgs,
  TaskProgress,
} from "./store.ts";
import { storeLifetimes } from "./store.ts";
import {
  type StoredTask,
  type TaskInfo,
  TaskStatus,
  type TaskSubKeyInfo,
  TaskType,
} from "./types.ts";
import { InvalidTaskMetadataError } from "./errors.ts";
import {
  CLAIM_LUA,
  FINISH_LUA,
  PROGRESS_LUA,
  publishArgs,
  REGISTER_LUA,
} from "./_redis_lua.ts";

/** Options of {@linkcode RedisBgtaskStore}. */
export interface RedisBgtaskStoreOptions extends BgtaskStoreOptions {
  /**
   * Ignored. The store publishes task events into the DB of the producer's
   * queue, which each prepared broadcast names, whenever that queue is on
   * the store's server (see {@linkcode RedisBgtaskStore.publishesTo}); it
   * no longer has to be kept equal to the queue's DB by hand.
   *
   * @deprecated Leave it out; it goes in 0.3.0.
   * @default {undefined}
   */
  eventDb?: number | undefined;
}

type ScriptRedis = Redis & {
  bgtaskRegister(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskProgress(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskFinish(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskClaim(...args: (string | number)[]): Promise<string>;
};

type Pipeline = ReturnType<Redis["pipeline"]>;

/** Runs a pipeline; the first failed command's error is thrown. */
async function run(pipeline: Pipeline): Promise<void> {
  for (const [err] of (await pipeline.exec()) ?? []) if (err) throw err;
}

const metaKey = (id: string): string => `bgtask:meta:${id}`;
const subkeysKey = (id: string): string => `bgtask:subkey:${id}`;
const subtaskKey = (id: string, key: string): string =>
  `bgtask:subtask:${id}:${key}`;
const serverKey = (serverId: string): string => `bgtask:server:${serverId}`;
const tagKey = (tag: string): string => `bgtask:tag:${tag}`;

function setKeys(serverId: string, tags: readonly string[]): string[] {
  return [serverKey(serverId), ...tags.map(tagKey)];
}

function field(
  hash: Record<string, string>,
  name: string,
  taskId: string,
): string {
  const value = hash[name];
  if (value === undefined) {
    throw new InvalidTaskMetadataError(
      `Stored task "${taskId}" lacks the field "${name}"`,
      { data: { taskId, field: name } },
    );
  }
  return value;
}

function count(hash: Record<string, string>, name: string, id: string): number {
  const value = Number(field(hash, name, id));
  if (!Number.isInteger(value)) {
    throw new InvalidTaskMetadataError(
      `Stored task "${id}" has a non-integer "${name}"`,
      { data: { taskId: id, field: name, value: hash[name] } },
    );
  }
  return value;
}

/** Parses upstream's meta hash. */
export function parseTaskInfo(
  taskId: string,
  hash: Record<string, string>,
): TaskInfo {
  const taskType = field(hash, "task_type", taskId);
  if (!(Object.values(TaskType) as string[]).includes(taskType)) {
    throw new InvalidTaskMetadataError(
      `Stored task "${taskId}" has an unknown task_type`,
      { data: { taskId, field: "task_type", value: taskType } },
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(field(hash, "body", taskId));
  } catch (cause) {
    if (cause instanceof InvalidTaskMetadataError) throw cause;
    throw new InvalidTaskMetadataError(
      `Stored task "${taskId}" has a body that is not JSON`,
      { data: { taskId, field: "body" }, cause },
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidTaskMetadataError(
      `Stored task "${taskId}" has a body that is not an object`,
      { data: { taskId, field: "body" } },
    );
  }
  return {
    taskId,
    taskName: field(hash, "task_name", taskId),
    taskType: taskType as TaskType,
    body: body as Record<string, unknown>,
    ongoingCount: count(hash, "ongoing_count", taskId),
    successCount: count(hash, "success_count", taskId),
    failureCount: count(hash, "failure_count", taskId),
  };
}

function parseSubtask(
  taskId: string,
  key: string,
  hash: Record<string, string>,
): TaskSubKeyInfo {
  const status = field(hash, "status", taskId);
  if (!(Object.values(TaskStatus) as string[]).includes(status)) {
    throw new InvalidTaskMetadataError(
      `Stored subtask "${taskId}:${key}" has an unknown status`,
      { data: { taskId, field: "status", value: status } },
    );
  }
  return {
    taskId,
    key,
    status: status as TaskStatus,
    lastMessage: hash.last_message ?? "",
    currentProgress: Number(hash.current_progress ?? 0) || 0,
    totalProgress: Number(hash.total_progress ?? 0) || 0,
  };
}

/** A progress figure as a script argument (not finite: 0). */
function numberArg(value: number): string {
  return Number.isFinite(value) ? String(value) : "0";
}

/**
 * Keeps retriable tasks in Redis with upstream's layout (DB 7 by default):
 * `bgtask:meta:{id}` and `bgtask:subtask:{id}:{subkey}` hashes, the
 * `bgtask:subkey:{id}` set, and `bgtask:server:{server}` /
 * `bgtask:tag:{tag}` sets of 32-hex ids, all with a lifetime renewed by
 * heartbeats. Registration, progress and completion are one Lua script
 * each (one command, one round trip); the orphan claim is upstream's
 * TTL-threshold script.
 *
 * When the producer's queue is on this store's server (same address and
 * port, or the same Sentinels and master name: see
 * {@linkcode RedisBgtaskStore.publishesTo}), the manager hands each task
 * event to the script, which also writes its cache key, its durable copy
 * (when the producer has a durable stream) and `PUBLISH`es it, in the
 * queue's DB: a progress update is then one command. Otherwise the
 * manager sends events through the producer, beside the script.
 *
 * @example Usage
 * ```ts ignore
 * import { RedisBgtaskStore } from "@backendai/common/bgtask";
 *
 * const store = await RedisBgtaskStore.connect({ addr: "127.0.0.1:6379" });
 * console.log(await store.listTaskIds({ serverId: "manager-1" }));
 * await store.close();
 * ```
 */
export class RedisBgtaskStore implements BgtaskStore {
  readonly #redis: ScriptRedis;
  readonly #owned: boolean;
  readonly #server: string;
  readonly #ttl: number;
  readonly #threshold: number;
  readonly #finishedTtl: number;

  /**
   * Wraps a connection (not closed by {@linkcode RedisBgtaskStore.close}
   * unless made by {@linkcode RedisBgtaskStore.connect}).
   *
   * @param redis A connection selected on the bgtask DB.
   * @param options The lifetimes.
   * @param owned Whether `close()` closes the connection.
   * @throws {InvalidAPIParameters} When a lifetime is out of range.
   */
  constructor(
    redis: Redis,
    options: RedisBgtaskStoreOptions = {},
    owned: boolean = false,
  ) {
    const lifetimes = storeLifetimes(options);
    this.#ttl = lifetimes.metadataTtlSeconds;
    this.#threshold = lifetimes.claimThresholdSeconds;
    this.#finishedTtl = lifetimes.finishedTtlSeconds;
    this.#owned = owned;
    this.#server = redisLocationOf(redis).server;
    const scripts: [string, string][] = [
      ["bgtaskRegister", REGISTER_LUA],
      ["bgtaskProgress", PROGRESS_LUA],
      ["bgtaskFinish", FINISH_LUA],
      ["bgtaskClaim", CLAIM_LUA],
    ];
    for (const [name, lua] of scripts) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
    this.#redis = redis as ScriptRedis;
  }

  /**
   * Connects to the bgtask DB (7 unless the target says otherwise).
   *
   * @param target Where Redis is; `db` defaults to 7, as upstream.
   * @param options The lifetimes.
   * @returns The store, owning its connection.
   */
  static async connect(
    target: ValkeyTarget,
    options: RedisBgtaskStoreOptions = {},
  ): Promise<RedisBgtaskStore> {
    const redis = await connectValkey(
      { ...target, db: target.db ?? 7 },
      { name: "backendai-bgtask", purpose: "command" },
    );
    return new RedisBgtaskStore(redis, options, true);
  }

  /**
   * Whether the queue at `location` is on this store's server (named alike:
   * see `redisLocationOf`), so that the scripts can publish its broadcasts.
   * A queue on another server, or named differently, gets its events
   * through the producer.
   *
   * @param location Where the producer's queue keeps its keys.
   * @returns Whether `broadcast` arguments bound there are accepted.
   */
  publishesTo(location: QueueLocation | undefined): boolean {
    return location !== undefined && location.server === this.#server;
  }

  /** The publish arguments of `broadcast`, refused when bound elsewhere. */
  #publish(broadcast: PreparedBroadcast | undefined): (string | Buffer)[] {
    if (broadcast !== undefined && !this.publishesTo(broadcast.location)) {
      throw new InvalidAPIParameters(
        "A background task store cannot publish an event bound for another server: send it through the producer",
        {
          data: {
            field: "broadcast",
            server: broadcast.location?.server ?? null,
            storeServer: this.#server,
          },
        },
      );
    }
    return publishArgs(broadcast);
  }

  /**
   * Stores a task and publishes its started event: one round trip.
   *
   * @param args The task, server, tags and event.
   * @throws {InvalidAPIParameters} When the event is bound for another server.
   */
  async registerTask(args: RegisterTaskArgs): Promise<void> {
    const { info, subtasks } = args.task;
    const publish = this.#publish(args.broadcast);
    await this.#redis.bgtaskRegister(
      2 + 1 + args.tags.length,
      metaKey(info.taskId),
      subkeysKey(info.taskId),
      ...setKeys(args.serverId, args.tags),
      this.#ttl,
      info.taskId,
      uuidToHex(info.taskId),
      info.taskName,
      info.taskType,
      JSON.stringify(info.body),
      info.ongoingCount,
      info.successCount,
      info.failureCount,
      subtasks.length,
      ...subtasks.flatMap((sub) => [
        sub.key,
        sub.status,
        sub.lastMessage,
        numberArg(sub.currentProgress),
        numberArg(sub.totalProgress),
      ]),
      ...publish,
    );
  }

  /**
   * Adds a task to this server's and tags' sets.
   *
   * @param taskId The task id.
   * @param serverId This server.
   * @param tags This server's tags.
   */
  async claimTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const key of setKeys(serverId, tags)) {
      pipeline.sadd(key, uuidToHex(taskId)).expire(key, this.#ttl);
    }
    await run(pipeline);
  }

  /**
   * Renews the lifetimes of running tasks and this server's sets: one
   * pipeline.
   *
   * @param tasks The running tasks.
   * @param serverId This server.
   * @param tags This server's tags.
   */
  async heartbeat(
    tasks: readonly HeartbeatTask[],
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    const pipeline = this.#redis.pipeline();
    for (const { taskId, subkeys } of tasks) {
      pipeline.expire(metaKey(taskId), this.#ttl);
      pipeline.expire(subkeysKey(taskId), this.#ttl);
      for (const key of subkeys) {
        pipeline.expire(subtaskKey(taskId, key), this.#ttl);
      }
    }
    for (const key of setKeys(serverId, tags)) {
      pipeline.expire(key, this.#ttl);
    }
    await run(pipeline);
  }

  /**
   * Records progress and publishes the event: one round trip.
   *
   * @param taskId The task id.
   * @param subkey The subkey.
   * @param progress The progress.
   * @param broadcast The progress event.
   * @throws {InvalidAPIParameters} When the event is bound for another server.
   */
  async updateProgress(
    taskId: string,
    subkey: string,
    progress: TaskProgress,
    broadcast?: PreparedBroadcast,
  ): Promise<void> {
    const publish = this.#publish(broadcast);
    await this.#redis.bgtaskProgress(
      1,
      subtaskKey(taskId, subkey),
      numberArg(progress.current),
      numberArg(progress.total),
      progress.message === null ? "0" : "1",
      progress.message ?? "",
      ...publish,
    );
  }

  /**
   * Records a subtask's end, unregisters a finished task and publishes the
   * event: one round trip.
   *
   * @param args The task, subtask, outcome, server, tags, final subkeys and event.
   * @returns Whether the whole task is finished.
   * @throws {InvalidAPIParameters} When the event is bound for another server.
   */
  async finishSubtask(args: FinishSubtaskArgs): Promise<boolean> {
    const publish = this.#publish(args.broadcast);
    const final = args.finalSubkeys;
    const done = await this.#redis.bgtaskFinish(
      3 + 1 + args.tags.length,
      metaKey(args.taskId),
      subkeysKey(args.taskId),
      subtaskKey(args.taskId, args.subkey),
      ...setKeys(args.serverId, args.tags),
      args.status,
      args.lastMessage,
      this.#finishedTtl,
      uuidToHex(args.taskId),
      args.taskId,
      final === undefined ? -1 : final.length,
      ...final ?? [],
      ...publish,
    );
    return done === 1;
  }

  /**
   * Shortens a task's lifetimes and removes it from the sets.
   *
   * @param taskId The task id.
   * @param serverId The server set.
   * @param tags The tag sets.
   */
  async unregisterTask(
    taskId: string,
    serverId: string,
    tags: readonly string[],
  ): Promise<void> {
    const subkeys = await this.#redis.smembers(subkeysKey(taskId));
    const pipeline = this.#redis.pipeline();
    pipeline.expire(metaKey(taskId), this.#finishedTtl);
    pipeline.expire(subkeysKey(taskId), this.#finishedTtl);
    for (const key of subkeys) {
      pipeline.expire(subtaskKey(taskId, key), this.#finishedTtl);
    }
    for (const key of setKeys(serverId, tags)) {
      pipeline.srem(key, uuidToHex(taskId));
    }
    await run(pipeline);
  }

  /**
   * Claims the orphaned tasks of this server and tags with upstream's
   * script; unreadable tasks are unregistered, ids of expired tasks leave
   * the sets.
   *
   * @param serverId This server.
   * @param tags This server's tags.
   * @returns The claimed tasks.
   */
  async fetchUnmanagedTasks(
    serverId: string,
    tags: readonly string[],
  ): Promise<StoredTask[]> {
    const keys = setKeys(serverId, tags);
    const members = await Promise.all(
      keys.map((key) => this.#redis.smembers(key)),
    );
    const candidates: { hex: string; taskId: string }[] = [];
    for (const hex of new Set(members.flat())) {
      try {
        candidates.push({ hex, taskId: uuidFromHex(hex) });
      } catch {
        // Not an id this layout writes; skip it.
      }
    }
    // Every claim in one pipeline: each script is still atomic on its own.
    const claims = this.#redis.pipeline();
    for (const { taskId } of candidates) {
      (claims as unknown as ScriptRedis).bgtaskClaim(
        1,
        metaKey(taskId),
        this.#threshold,
        this.#ttl,
      );
    }
    const verdicts = candidates.length === 0 ? [] : await claims.exec() ?? [];
    const gone = this.#redis.pipeline();
    const won: string[] = [];
    candidates.forEach(({ hex, taskId }, i) => {
      const [err, verdict] = verdicts[i] ?? [null, undefined];
      if (err) throw err;
      if (verdict === "key_not_exist") {
        for (const key of keys) gone.srem(key, hex);
      } else if (verdict === "ttl_insufficient") won.push(taskId);
    });
    if (gone.length > 0) await gone.exec();
    // Read together: every claimed orphan at once, not one after another.
    const read = await Promise.all(won.map(async (taskId) => {
      try {
        return await this.getTask(taskId);
      } catch (err) {
        if (!(err instanceof InvalidTaskMetadataError)) throw err;
        await this.unregisterTask(taskId, serverId, tags);
        return undefined;
      }
    }));
    return read.filter((task) => task !== undefined);
  }

  /**
   * Reads a task and its subtasks.
   *
   * @param taskId The task id.
   * @returns The task, or `undefined` when missing.
   * @throws {InvalidTaskMetadataError} When the stored hash is malformed.
   */
  async getTask(taskId: string): Promise<StoredTask | undefined> {
    const [meta, subkeys] = await Promise.all([
      this.#redis.hgetall(metaKey(taskId)),
      this.#redis.smembers(subkeysKey(taskId)),
    ]);
    if (Object.keys(meta).length === 0) return undefined;
    const info = parseTaskInfo(taskId, meta);
    const hashes = await Promise.all(
      subkeys.map((key) => this.#redis.hgetall(subtaskKey(taskId, key))),
    );
    const subtasks: TaskSubKeyInfo[] = [];
    subkeys.forEach((key, i) => {
      const hash = hashes[i] ?? {};
      if (Object.keys(hash).length > 0) {
        subtasks.push(parseSubtask(taskId, key, hash));
      }
    });
    return { info, subtasks };
  }

  /**
   * The ids in a server's or a tag's set.
   *
   * @param by The server id or the tag.
   * @returns The task ids (UUIDs with dashes).
   */
  async listTaskIds(
    by: { serverId: string } | { tag: string },
  ): Promise<string[]> {
    const key = "serverId" in by ? serverKey(by.serverId) : tagKey(by.tag);
    const members = await this.#redis.smembers(key);
    const ids: string[] = [];
    for (const hex of members) {
      try {
        ids.push(uuidFromHex(hex));
      } catch {
        // Not an id this layout writes; skip it.
      }
    }
    return ids;
  }

  /** Closes the connection if the store made it. */
  async close(): Promise<void> {
    if (this.#owned) await closeValkey(this.#redis);
  }

  /** Same as {@linkcode RedisBgtaskStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
