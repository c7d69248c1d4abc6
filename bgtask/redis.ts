// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * {@linkcode RedisBgtaskStore}: retriable tasks in Redis / Valkey with
 * upstream's key layout and lifetimes, each write one round trip.
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type { Cluster, Redis } from "ioredis";
import {
  closeValkey,
  connectValkey,
  connectValkeyCluster,
  isValkeyClusterTarget,
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
  finishLua,
  PROGRESS_LUA,
  publishArgs,
  registerLua,
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

interface Scripts {
  bgtaskRegister(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskProgress(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskFinish(...args: (string | number | Buffer)[]): Promise<number>;
  bgtaskClaim(...args: (string | number)[]): Promise<string>;
}
type ScriptRedis = (Redis | Cluster) & Scripts;

/** One command of a {@linkcode batch}: its name and arguments. */
type Op = [string, ...(string | number)[]];

/**
 * Runs commands in one round trip: one pipeline on a single server; on a
 * cluster, where one pipeline must stay in one slot, one command each
 * (ioredis auto-pipelines them per node). The first error is thrown.
 */
async function batch(
  redis: Redis | Cluster,
  ops: readonly Op[],
): Promise<void> {
  if (ops.length === 0) return;
  if ((redis as { isCluster?: boolean }).isCluster === true) {
    await Promise.all(ops.map(([name, ...args]) => redis.call(name, ...args)));
    return;
  }
  const results = await redis.pipeline(ops.map((op) => [...op])).exec();
  for (const [err] of results ?? []) if (err) throw err;
}

/**
 * The keys of a task: upstream's names on one server; on a cluster the
 * task's own keys carry its id as a hash tag (`bgtask:meta:{<id>}`), so
 * the scripts that write them together stay in one slot.
 */
interface TaskKeys {
  meta(id: string): string;
  subkeys(id: string): string;
  subtask(id: string, key: string): string;
}

const UPSTREAM_KEYS: TaskKeys = {
  meta: (id) => `bgtask:meta:${id}`,
  subkeys: (id) => `bgtask:subkey:${id}`,
  subtask: (id, key) => `bgtask:subtask:${id}:${key}`,
};

const CLUSTER_KEYS: TaskKeys = {
  meta: (id) => `bgtask:meta:{${id}}`,
  subkeys: (id) => `bgtask:subkey:{${id}}`,
  subtask: (id, key) => `bgtask:subtask:{${id}}:${key}`,
};

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
 * On a Redis / Valkey Cluster (a connection from `connectValkeyCluster`,
 * or a target with `cluster` seeds) a task's own keys carry its id as a
 * hash tag: `bgtask:meta:{<id>}`, `bgtask:subkey:{<id>}`,
 * `bgtask:subtask:{<id>}:<subkey>` (names upstream's Python, which has no
 * cluster support, never reads there); the server and tag sets are in
 * other slots, so they are written beside the scripts (added before a
 * task's registration, removed after its end: an id left behind by a
 * crash in between is dropped by the next orphan check, as an expired
 * one is). Events always go through the producer there.
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
  readonly #cluster: boolean;
  readonly #keys: TaskKeys;
  readonly #owned: boolean;
  readonly #server: string;
  readonly #ttl: number;
  readonly #threshold: number;
  readonly #finishedTtl: number;

  /**
   * Wraps a connection (not closed by {@linkcode RedisBgtaskStore.close}
   * unless made by {@linkcode RedisBgtaskStore.connect}).
   *
   * @param redis A connection selected on the bgtask DB, or a cluster
   * client.
   * @param options The lifetimes.
   * @param owned Whether `close()` closes the connection.
   * @throws {InvalidAPIParameters} When a lifetime is out of range.
   */
  constructor(
    redis: Redis | Cluster,
    options: RedisBgtaskStoreOptions = {},
    owned: boolean = false,
  ) {
    const lifetimes = storeLifetimes(options);
    this.#ttl = lifetimes.metadataTtlSeconds;
    this.#threshold = lifetimes.claimThresholdSeconds;
    this.#finishedTtl = lifetimes.finishedTtlSeconds;
    this.#owned = owned;
    this.#server = redisLocationOf(redis).server;
    this.#cluster = (redis as { isCluster?: boolean }).isCluster === true;
    this.#keys = this.#cluster ? CLUSTER_KEYS : UPSTREAM_KEYS;
    const scripts: [string, string][] = [
      ["bgtaskRegister", registerLua(this.#cluster)],
      ["bgtaskProgress", PROGRESS_LUA],
      ["bgtaskFinish", finishLua(this.#cluster)],
      ["bgtaskClaim", CLAIM_LUA],
    ];
    for (const [name, lua] of scripts) {
      if (!(name in redis)) redis.defineCommand(name, { lua });
    }
    this.#redis = redis as ScriptRedis;
  }

  /**
   * Connects to the bgtask DB (7 unless the target says otherwise), or to
   * a cluster (DB 0, the only one there).
   *
   * @param target Where Redis is; `db` defaults to 7, as upstream.
   * @param options The lifetimes.
   * @returns The store, owning its connection.
   */
  static async connect(
    target: ValkeyTarget,
    options: RedisBgtaskStoreOptions = {},
  ): Promise<RedisBgtaskStore> {
    if (isValkeyClusterTarget(target)) {
      const cluster = await connectValkeyCluster(target, {
        name: "backendai-bgtask",
        purpose: "command",
      });
      return new RedisBgtaskStore(cluster, options, true);
    }
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
   * through the producer; so does every queue when the store is on a
   * cluster.
   *
   * @param location Where the producer's queue keeps its keys.
   * @returns Whether `broadcast` arguments bound there are accepted.
   */
  publishesTo(location: QueueLocation | undefined): boolean {
    // On a cluster the event's keys and channel are in other slots than
    // the task's: the producer sends them.
    return !this.#cluster && location !== undefined &&
      location.server === this.#server;
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
    const sets = setKeys(args.serverId, args.tags);
    if (this.#cluster) {
      // The sets first: an id whose task never came is dropped by the next
      // orphan check; a task missing from its sets would never be found.
      await this.#addToSets(info.taskId, sets);
    }
    const keys = this.#cluster ? [] : sets;
    await this.#redis.bgtaskRegister(
      2 + keys.length,
      this.#keys.meta(info.taskId),
      this.#keys.subkeys(info.taskId),
      ...keys,
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
    await this.#addToSets(taskId, setKeys(serverId, tags));
  }

  async #addToSets(taskId: string, sets: readonly string[]): Promise<void> {
    await batch(
      this.#redis,
      sets.flatMap((key): Op[] => [
        ["sadd", key, uuidToHex(taskId)],
        ["expire", key, this.#ttl],
      ]),
    );
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
    const ops: Op[] = [];
    for (const { taskId, subkeys } of tasks) {
      ops.push(["expire", this.#keys.meta(taskId), this.#ttl]);
      ops.push(["expire", this.#keys.subkeys(taskId), this.#ttl]);
      for (const key of subkeys) {
        ops.push(["expire", this.#keys.subtask(taskId, key), this.#ttl]);
      }
    }
    for (const key of setKeys(serverId, tags)) {
      ops.push(["expire", key, this.#ttl]);
    }
    await batch(this.#redis, ops);
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
      this.#keys.subtask(taskId, subkey),
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
    const sets = setKeys(args.serverId, args.tags);
    const keys = this.#cluster ? [] : sets;
    const done = await this.#redis.bgtaskFinish(
      3 + keys.length,
      this.#keys.meta(args.taskId),
      this.#keys.subkeys(args.taskId),
      this.#keys.subtask(args.taskId, args.subkey),
      ...keys,
      args.status,
      args.lastMessage,
      this.#finishedTtl,
      uuidToHex(args.taskId),
      args.taskId,
      final === undefined ? -1 : final.length,
      ...final ?? [],
      ...publish,
    );
    if (done === 1 && this.#cluster) {
      const hex = uuidToHex(args.taskId);
      await batch(this.#redis, sets.map((key): Op => ["srem", key, hex]));
    }
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
    const subkeys = await this.#redis.smembers(this.#keys.subkeys(taskId));
    const ops: Op[] = [
      ["expire", this.#keys.meta(taskId), this.#finishedTtl],
      ["expire", this.#keys.subkeys(taskId), this.#finishedTtl],
    ];
    for (const key of subkeys) {
      ops.push(["expire", this.#keys.subtask(taskId, key), this.#finishedTtl]);
    }
    for (const key of setKeys(serverId, tags)) {
      ops.push(["srem", key, uuidToHex(taskId)]);
    }
    await batch(this.#redis, ops);
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
    const verdicts = await this.#claims(candidates.map((c) => c.taskId));
    const gone: Op[] = [];
    const won: string[] = [];
    candidates.forEach(({ hex, taskId }, i) => {
      const verdict = verdicts[i];
      if (verdict === "key_not_exist") {
        for (const key of keys) gone.push(["srem", key, hex]);
      } else if (verdict === "ttl_insufficient") won.push(taskId);
    });
    await batch(this.#redis, gone);
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
   * Runs the claim script for each task, in one round trip: one pipeline
   * (each script still atomic on its own), or on a cluster one call each.
   */
  async #claims(taskIds: readonly string[]): Promise<unknown[]> {
    if (taskIds.length === 0) return [];
    const args = (taskId: string) =>
      [1, this.#keys.meta(taskId), this.#threshold, this.#ttl] as const;
    if (this.#cluster) {
      return await Promise.all(
        taskIds.map((taskId) => this.#redis.bgtaskClaim(...args(taskId))),
      );
    }
    const pipeline = (this.#redis as Redis).pipeline();
    for (const taskId of taskIds) {
      (pipeline as unknown as Scripts).bgtaskClaim(...args(taskId));
    }
    return ((await pipeline.exec()) ?? []).map(([err, verdict]) => {
      if (err) throw err;
      return verdict;
    });
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
      this.#redis.hgetall(this.#keys.meta(taskId)),
      this.#redis.smembers(this.#keys.subkeys(taskId)),
    ]);
    if (Object.keys(meta).length === 0) return undefined;
    const info = parseTaskInfo(taskId, meta);
    const hashes = await Promise.all(
      subkeys.map((key) =>
        this.#redis.hgetall(this.#keys.subtask(taskId, key))
      ),
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
