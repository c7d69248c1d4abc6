// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Lua scripts of `RedisBgtaskStore`, and the arguments that publish a
 * prepared broadcast from inside them.
 *
 * Each write of a task is one script, so that a progress update is one
 * command and one round trip, the store's write and its event are atomic,
 * and a task or subtask that is gone is never written back without a TTL.
 * The scripts are lean on purpose: field names are in the script, not in
 * the arguments, because every argument and every inner call crosses from
 * Redis to Lua and back (measured: about 1 µs of the server's CPU per inner
 * call, a tenth of that per argument).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { PreparedBroadcast } from "../message_queue/prepared.ts";

/**
 * Publishes a prepared broadcast, from `ARGV[i]`: DB (empty: nothing to
 * publish), cache key (empty: not cached), data, cache TTL, channel, durable
 * stream (empty: none), the number of trim arguments, the trim arguments,
 * then the durable entry's fields to the end of `ARGV`. The cache key and
 * the stream are in another DB than the task keys, which a script on a
 * standalone server or a Sentinel master may write.
 */
const PUBLISH = `
local function publish(i)
  local db = ARGV[i]
  if db == nil or db == '' then return end
  redis.call('SELECT', db)
  local data = ARGV[i + 2]
  if ARGV[i + 1] ~= '' then
    redis.call('SET', ARGV[i + 1], data, 'EX', ARGV[i + 3])
  end
  local stream = ARGV[i + 5]
  if stream ~= '' then
    local n = tonumber(ARGV[i + 6])
    local args = {stream}
    for k = 1, n do args[k + 1] = ARGV[i + 6 + k] end
    args[n + 2] = '*'
    for k = i + 7 + n, #ARGV do args[#args + 1] = ARGV[k] end
    redis.call('XADD', unpack(args))
  end
  redis.call('PUBLISH', ARGV[i + 4], data)
end
`;

/**
 * The Lua expression of a subtask key's prefix, from the Lua expression of
 * the task id: upstream's `bgtask:subtask:<id>:` on one server, or
 * `bgtask:subtask:{<id>}:` on a cluster (the task's hash tag).
 */
function subtaskPrefix(id: string, cluster: boolean): string {
  return cluster
    ? `'bgtask:subtask:{' .. ${id} .. '}:'`
    : `'bgtask:subtask:' .. ${id} .. ':'`;
}

/**
 * Registers a task. KEYS: meta, subkey set, then the server and tag sets
 * (none on a cluster: the store adds them apart, they are in other slots).
 * ARGV: ttl, id, hex id, name, type, body, ongoing, success and failure
 * counts, the number of subtasks, then per subtask its key, status, last
 * message, progress and total; then the broadcast.
 *
 * @param cluster Whether the keys carry the task's hash tag.
 * @returns The script.
 */
export function registerLua(cluster: boolean): string {
  return PUBLISH + `
local ttl, id = ARGV[1], ARGV[2]
redis.call('HSET', KEYS[1], 'task_id', id, 'task_name', ARGV[4],
  'task_type', ARGV[5], 'body', ARGV[6], 'ongoing_count', ARGV[7],
  'success_count', ARGV[8], 'failure_count', ARGV[9])
redis.call('EXPIRE', KEYS[1], ttl)
local n = tonumber(ARGV[10])
local i = 11
if n > 0 then
  local subkeys = {}
  for s = 1, n do subkeys[s] = ARGV[i + 5 * (s - 1)] end
  redis.call('SADD', KEYS[2], unpack(subkeys))
  redis.call('EXPIRE', KEYS[2], ttl)
end
for _ = 1, n do
  local key = ${subtaskPrefix("id", cluster)} .. ARGV[i]
  if ARGV[i + 3] == '0' and ARGV[i + 4] == '0' then
    redis.call('HSET', key, 'task_id', id, 'key', ARGV[i],
      'status', ARGV[i + 1], 'last_message', ARGV[i + 2])
  else
    redis.call('HSET', key, 'task_id', id, 'key', ARGV[i],
      'status', ARGV[i + 1], 'last_message', ARGV[i + 2],
      'current_progress', ARGV[i + 3], 'total_progress', ARGV[i + 4])
  end
  redis.call('EXPIRE', key, ttl)
  i = i + 5
end
for k = 3, #KEYS do
  redis.call('SADD', KEYS[k], ARGV[3])
  redis.call('EXPIRE', KEYS[k], ttl)
end
publish(i)
return 1
`;
}

/**
 * Records progress on a subtask that still exists. KEYS: subtask. ARGV:
 * progress, total, '1' when a message follows (else '0'), the message; then
 * the broadcast.
 */
export const PROGRESS_LUA: string = PUBLISH + `
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

/**
 * Records a subtask's end and, when the task is finished, shortens its
 * lifetimes and takes it out of the sets. KEYS: meta, subkey set, subtask,
 * then the server and tag sets (none on a cluster). ARGV: status, message,
 * finished ttl, hex id, id, the number of final subkeys (-1: read the
 * counter and the subkey set instead), the final subkeys; then the
 * broadcast. Returns 1 when the task is finished.
 *
 * @param cluster Whether the keys carry the task's hash tag.
 * @returns The script.
 */
export function finishLua(cluster: boolean): string {
  return PUBLISH + `
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
local n = tonumber(ARGV[6])
if n >= 0 then done = 1 end
if done == 1 then
  local ttl = ARGV[3]
  local prefix = ${subtaskPrefix("ARGV[5]", cluster)}
  redis.call('EXPIRE', KEYS[1], ttl)
  if n >= 0 then
    for k = 7, 6 + n do redis.call('EXPIRE', prefix .. ARGV[k], ttl) end
  else
    for _, sub in ipairs(redis.call('SMEMBERS', KEYS[2])) do
      redis.call('EXPIRE', prefix .. sub, ttl)
    end
  end
  redis.call('EXPIRE', KEYS[2], ttl)
  for k = 4, #KEYS do redis.call('SREM', KEYS[k], ARGV[4]) end
end
publish(7 + math.max(n, 0))
return done
`;
}

/**
 * Upstream's claim (KEYS: meta. ARGV: threshold, new ttl), with one fix: the
 * TTL is renewed only when the task is claimed (or has none). Upstream
 * renews it on every check, so servers that check more often than the
 * threshold gap (several servers sharing a tag) keep an orphan alive for
 * ever.
 */
export const CLAIM_LUA: string = `
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

/**
 * The script arguments that publish `broadcast` (see `PUBLISH`), or the
 * one empty argument that publishes nothing.
 *
 * @param broadcast The prepared broadcast, with its location.
 * @returns The arguments, last in `ARGV`.
 */
export function publishArgs(
  broadcast: PreparedBroadcast | undefined,
): (string | Buffer)[] {
  const location = broadcast?.location;
  if (broadcast === undefined || location === undefined) return [""];
  const args: (string | Buffer)[] = [
    String(location.db),
    broadcast.cacheId ?? "",
    broadcast.data,
    String(broadcast.cacheTtlSeconds),
    broadcast.channel,
  ];
  const durable = broadcast.durable;
  if (durable === undefined) args.push("");
  else {
    args.push(durable.stream, String(location.trim.length), ...location.trim);
    // ioredis sends a Buffer as bytes but stringifies any other Uint8Array
    // (a legacy envelope's `args`).
    for (const field of durable.fields) {
      args.push(
        typeof field === "string"
          ? field
          : Buffer.from(field.buffer, field.byteOffset, field.byteLength),
      );
    }
  }
  return args;
}
