// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode RedisBgtaskStore}: retriable tasks in Redis / Valkey with
 * upstream's key layout and lifetimes, each write one round trip.
 *
 * @module
 */

import type { Redis } from "ioredis";
import {
  closeValkey,
  connectValkey,
  type ValkeyTarget,
} from "../clients/valkey/mod.ts";
import type { PreparedBroadcast } from "../message_queue/types.ts";
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

/** Options of {@linkcode RedisBgtaskStore}. */
export interface RedisBgtaskStoreOptions extends BgtaskStoreOptions {
  /**
   * The DB of the message queue's broadcast cache. When set, the store
   * publishes each task event (`SET <cache id> … EX`, `PUBLISH`) in the same
   * script as its own write, so a progress update is one round trip. The
   * queue must use the same Redis server. When unset, the manager sends
   * events through its producer (two round trips per update).
   *
   * @default {undefined}
   */
  eventDb?: number | undefined;
}

const PUBLISH_LUA = `
local function publish(i)
  local db = ARGV[i]
  if db == nil or db == '' then return end
  redis.call('SELECT', db)
  if ARGV[i + 1] ~= '' then
    redis.call('SET', ARGV[i + 1], ARGV[i + 2], 'EX', ARGV[i + 3])
  end
  redis.call('PUBLISH', ARGV[i + 4], ARGV[i + 2])
end
`;

/**
 * KEYS: meta, subkey set, server set, tag sets…
 * ARGV: ttl, id, hex, n, n meta field/value texts, subtask count, then per
 * subtask: key, m, m field/value texts; then publish…
 */
const REGISTER_LUA = PUBLISH_LUA + `
local ttl = ARGV[1]
local n = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], unpack(ARGV, 5, 4 + n))
redis.call('EXPIRE', KEYS[1], ttl)
local i = 5 + n
local subtasks = tonumber(ARGV[i])
i = i + 1
for _ = 1, subtasks do
  local subkey = ARGV[i]
  local m = tonumber(ARGV[i + 1])
  local key = 'bgtask:subtask:' .. ARGV[2] .. ':' .. subkey
  redis.call('SADD', KEYS[2], subkey)
  redis.call('HSET', key, unpack(ARGV, i + 2, i + 1 + m))
  redis.call('EXPIRE', key, ttl)
  i = i + 2 + m
end
redis.call('EXPIRE', KEYS[2], ttl)
for k = 3, #KEYS do
  redis.call('SADD', KEYS[k], ARGV[3])
  redis.call('EXPIRE', KEYS[k], ttl)
end
publish(i)
return 1
`;

/** KEYS: subtask. ARGV: current, total, has message, message, publish… */
const PROGRESS_LUA = PUBLISH_LUA + `
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[3] == '1' then
    redis.call('HSET', KEYS[1], 'current_progress', ARGV[1],
      'total_progress', ARGV[2], 'last_message', ARGV[4])
  else
    redis.call('HSET', KEYS[1], 'current_progress', ARGV[1],
      'total_progress', ARGV[2])
  end
end
publish(5)
return 1
`;

/** KEYS: meta, subkey set, subtask, server set, tag sets… ARGV: status, message, finished ttl, hex, id, publish… */
const FINISH_LUA = PUBLISH_LUA + `
local done = 1
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('HSET', KEYS[3], 'status', ARGV[1], 'last_message', ARGV[2])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[1] == 'success' then
    redis.call('HINCRBY', KEYS[1], 'success_count', 1)
  else
    redis.call('HINCRBY', KEYS[1], 'failure_count', 1)
  end
  if redis.call('HINCRBY', KEYS[1], 'ongoing_count', -1) > 0 then done = 0 end
end
if done == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  for _, sub in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    redis.call('EXPIRE', 'bgtask:subtask:' .. ARGV[5] .. ':' .. sub, ARGV[3])
  end
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  for i = 4, #KEYS do redis.call('SREM', KEYS[i], ARGV[4]) end
end
publish(6)
return done
`;

/**
 * Upstream's claim (KEYS: meta. ARGV: threshold, new ttl), with one fix: the
 * TTL is renewed only when the task is claimed (or has none). Upstream
 * renews it on every check, so servers that check more often than the
 * threshold gap (several servers sharing a tag) keep an orphan alive for
 * ever.
 */
const CLAIM_LUA = `
local ttl = redis.call('TTL', KEYS[1])
if ttl == -2 then return 'key_not_exist' end
if ttl == -1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 'no_expiry'
end
if ttl < tonumber(ARGV[1]) then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 'ttl_insufficient'
end
return 'ttl_sufficient'
`;

type ScriptRedis = Redis & {
  bgtaskRegister(...args: (string | number)[]): Promise<number>;
  bgtaskProgress(...args: (string | number)[]): Promise<number>;
  bgtaskFinish(...args: (string | number)[]): Promise<number>;
  bgtaskClaim(...args: (string | number)[]): Promise<string>;
};

const metaKey = (id: string): string => `bgtask:meta:${id}`;
const subkeysKey = (id: string): string => `bgtask:subkey:${id}`;
const subtaskKey = (id: string, key: string): string =>
  `bgtask:subtask:${id}:${key}`;
const serverKey = (serverId: string): string => `bgtask:server:${serverId}`;
const tagKey = (tag: string): string => `bgtask:tag:${tag}`;

function setKeys(serverId: string, tags: readonly string[]): string[] {
  return [serverKey(serverId), ...tags.map(tagKey)];
}

/** Upstream's hash fields of a task (all strings). */
export function taskInfoFields(info: TaskInfo): Record<string, string> {
  return {
    task_id: info.taskId,
    task_name: info.taskName,
    task_type: info.taskType,
    body: JSON.stringify(info.body),
    ongoing_count: String(info.ongoingCount),
    success_count: String(info.successCount),
    failure_count: String(info.failureCount),
  };
}

function subtaskFields(sub: TaskSubKeyInfo): Record<string, string> {
  return {
    task_id: sub.taskId,
    key: sub.key,
    status: sub.status,
    last_message: sub.lastMessage,
    current_progress: String(sub.currentProgress),
    total_progress: String(sub.totalProgress),
  };
}

/** A hash as `count, field, value, …` script arguments. */
function flatFields(hash: Record<string, string>): string[] {
  const flat = Object.entries(hash).flat();
  return [String(flat.length), ...flat];
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

function publishArgs(
  eventDb: number | undefined,
  broadcast: PreparedBroadcast | undefined,
): string[] {
  if (eventDb === undefined || broadcast === undefined) return [""];
  return [
    String(eventDb),
    broadcast.cacheId ?? "",
    broadcast.data,
    String(broadcast.cacheTtlSeconds),
    broadcast.channel,
  ];
}

/**
 * Keeps retriable tasks in Redis with upstream's layout (DB 7 by default):
 * `bgtask:meta:{id}` and `bgtask:subtask:{id}:{subkey}` hashes, the
 * `bgtask:subkey:{id}` set, and `bgtask:server:{server}` /
 * `bgtask:tag:{tag}` sets of 32-hex ids, all with a lifetime renewed by
 * heartbeats. Registration, progress and completion are one Lua script
 * each (one round trip), which with `eventDb` also publishes the task's
 * event; the orphan claim is upstream's TTL-threshold script.
 *
 * @example Usage
 * ```ts ignore
 * import { RedisBgtaskStore } from "@backendai/common/bgtask";
 *
 * const store = await RedisBgtaskStore.connect({ addr: "127.0.0.1:6379" }, { eventDb: 0 });
 * console.log(await store.listTaskIds({ serverId: "manager-1" }));
 * await store.close();
 * ```
 */
export class RedisBgtaskStore implements BgtaskStore {
  /** Whether events are published by the store's scripts (`eventDb` set). */
  readonly publishesEvents: boolean;
  readonly #redis: ScriptRedis;
  readonly #owned: boolean;
  readonly #eventDb: number | undefined;
  readonly #ttl: number;
  readonly #threshold: number;
  readonly #finishedTtl: number;

  /**
   * Wraps a connection (not closed by {@linkcode RedisBgtaskStore.close}
   * unless made by {@linkcode RedisBgtaskStore.connect}).
   *
   * @param redis A connection selected on the bgtask DB.
   * @param options Lifetimes and the event DB.
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
    this.#eventDb = options.eventDb;
    this.publishesEvents = options.eventDb !== undefined;
    this.#owned = owned;
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
   * @param options Lifetimes and the event DB.
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
   * Stores a task and publishes its started event: one round trip.
   *
   * @param args The task, server, tags and event.
   */
  async registerTask(args: RegisterTaskArgs): Promise<void> {
    const { info, subtasks } = args.task;
    await this.#redis.bgtaskRegister(
      2 + 1 + args.tags.length,
      metaKey(info.taskId),
      subkeysKey(info.taskId),
      ...setKeys(args.serverId, args.tags),
      this.#ttl,
      info.taskId,
      uuidToHex(info.taskId),
      ...flatFields(taskInfoFields(info)),
      subtasks.length,
      ...subtasks.flatMap((
        sub,
      ) => [sub.key, ...flatFields(subtaskFields(sub))]),
      ...publishArgs(this.#eventDb, args.broadcast),
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
    await pipeline.exec();
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
    await pipeline.exec();
  }

  /**
   * Records progress and publishes the event: one round trip.
   *
   * @param taskId The task id.
   * @param subkey The subkey.
   * @param progress The progress.
   * @param broadcast The progress event.
   */
  async updateProgress(
    taskId: string,
    subkey: string,
    progress: TaskProgress,
    broadcast?: PreparedBroadcast,
  ): Promise<void> {
    await this.#redis.bgtaskProgress(
      1,
      subtaskKey(taskId, subkey),
      String(progress.current),
      String(progress.total),
      progress.message === null ? "0" : "1",
      progress.message ?? "",
      ...publishArgs(this.#eventDb, broadcast),
    );
  }

  /**
   * Records a subtask's end, unregisters a finished task and publishes the
   * event: one round trip.
   *
   * @param args The task, subtask, outcome, server, tags and event.
   * @returns Whether the whole task is finished.
   */
  async finishSubtask(args: FinishSubtaskArgs): Promise<boolean> {
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
      ...publishArgs(this.#eventDb, args.broadcast),
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
    await pipeline.exec();
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
    const claimed: StoredTask[] = [];
    for (const taskId of won) {
      try {
        const task = await this.getTask(taskId);
        if (task !== undefined) claimed.push(task);
      } catch (err) {
        if (!(err instanceof InvalidTaskMetadataError)) throw err;
        await this.unregisterTask(taskId, serverId, tags);
      }
    }
    return claimed;
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
