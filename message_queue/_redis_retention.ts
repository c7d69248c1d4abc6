// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * The Redis store's retention: the Lua scripts behind `ensureGroup`,
 * `streamInfo` and `trim`, and the decoding of their replies. Each script
 * call is one round trip and atomic, which is what makes the loss counts
 * exact: nothing reads or trims between the count and the record.
 *
 * How losses are counted (Redis 7): a group's `entries-read` is the
 * position, in the stream's history, of the last entry delivered to it, and
 * `entries-added - length` the position just before the first entry still
 * there. When the group's last delivered id is older than the first entry,
 * the difference is how many entries it never read and can no longer read.
 * Groups we create get an exact counter at once (`ENTRIESREAD`); a group
 * another client created gets one from the script as soon as its position
 * is known exactly (caught up, or nothing ever trimmed). After a loss is
 * recorded the counter is moved past the gap (`XGROUP SETID … ENTRIESREAD`),
 * so each loss is counted once, and the lost ids that were pending are
 * acknowledged (they cannot be delivered again). Redis 7.0 also counts
 * entries a group skipped over in `lag`; the `lag` reported here is the
 * number of entries still in the stream after the group's last delivered
 * one (by position where the counter is sound, clamped to the length).
 *
 * @module
 */

import type { Valkey } from "./_redis_cluster.ts";
import { LOSS_ERRORS, LOSS_FIELDS } from "./dead_letter.ts";
import type {
  GroupInfo,
  StreamInfo,
  TrimArgs,
  TrimLoss,
  TrimResult,
} from "./store.ts";

// Shared helpers of both scripts.
const LUA_HELPERS = `
local function parse(id)
  local d = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1))
end
local function lt(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  if am ~= bm then return am < bm end
  return as < bs
end
local function nextid(id)
  local d = string.find(id, '-', 1, true)
  return string.sub(id, 1, d - 1) .. '-' .. tostring(tonumber(string.sub(id, d + 1)) + 1)
end
local function kv(list)
  local m = {}
  for i = 1, #list, 2 do m[list[i]] = list[i + 1] end
  return m
end
`;

/**
 * `KEYS[1]` stream; `ARGV[1]` group, `ARGV[2]` `$` or `0`. Creates the group
 * with its read counter set (`ENTRIESREAD`): every entry added so far for
 * `$`, those trimmed away before the first for `0`. An existing group is
 * left alone (0); a server without `ENTRIESREAD` (before 7.0) creates it
 * plainly.
 */
const ENSURE_GROUP_LUA = `${LUA_HELPERS}
local added, len = 0, 0
if redis.call('EXISTS', KEYS[1]) == 1 then
  local s = kv(redis.call('XINFO', 'STREAM', KEYS[1]))
  added = s['entries-added'] or 0
  len = s['length']
end
local read = added
if ARGV[2] == '0' then read = added - len end
local r = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM', 'ENTRIESREAD', read)
if type(r) == 'table' and r.err then
  if string.find(r.err, 'BUSYGROUP', 1, true) then return 0 end
  r = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], ARGV[2], 'MKSTREAM')
  if type(r) == 'table' and r.err then
    if string.find(r.err, 'BUSYGROUP', 1, true) then return 0 end
    return r
  end
end
return 1
`;

/**
 * `KEYS[1]` stream, `KEYS[2]` dead-letter stream. `ARGV`: 1 mode (`info` or
 * `trim`), 2 maxLen, 3 hardMaxLen (0: none), 4 dead-letter maxLen, 5 `1` to
 * trim with `ACKED` (Redis 8.2), then the loss record's field names
 * (stream, group, error, cause, count, unread, pending, first id, end id)
 * and the two errors (hard cap, trimmed elsewhere).
 *
 * Returns `{trimmed, dropped, losses, uncounted, info}`, where a loss is
 * `{group, cause, count, unread, pending, firstId, endId, deadLetterId}` and
 * info is `{length, firstId|'', lastId, entriesAdded|-1, groups}` with a
 * group `{name, consumers, pending, oldestPendingId|'', lastDeliveredId,
 * entriesRead|-1, lag|-1}` (or info `0` when the stream does not exist).
 */
const RETAIN_LUA = `${LUA_HELPERS}
local stream, dlq = KEYS[1], KEYS[2]
local mode, maxLen, hard = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local dlqMaxLen, acked = tonumber(ARGV[4]), ARGV[5] == '1'
local F = {ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13], ARGV[14]}
local ERR = {['hard-cap'] = ARGV[15], ['trimmed-elsewhere'] = ARGV[16]}

local function state()
  if redis.call('EXISTS', stream) == 0 then return nil end
  local s = kv(redis.call('XINFO', 'STREAM', stream))
  local st = {
    length = s['length'], last = s['last-generated-id'],
    added = s['entries-added'], maxdel = s['max-deleted-entry-id'] or '0-0',
    first = false, groups = {},
  }
  if s['first-entry'] then st.first = s['first-entry'][1] end
  for _, raw in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    local g = kv(raw)
    local oldest = false
    if g['pending'] > 0 then oldest = redis.call('XPENDING', stream, g['name'])[2] end
    table.insert(st.groups, {
      name = g['name'], consumers = g['consumers'], pending = g['pending'],
      last = g['last-delivered-id'], read = g['entries-read'], rlag = g['lag'],
      oldest = oldest,
    })
  end
  return st
end

local function clamp(n, st)
  if n < 0 then return 0 end
  if n > st.length then return st.length end
  return n
end

local function lag(st, g)
  if st.length == 0 or not lt(g.last, st.last) then return 0 end
  if lt(g.last, st.first) then return st.length end
  if g.read and st.added then return clamp(st.added - g.read, st) end
  if g.rlag then return clamp(g.rlag, st) end
  return -1
end

local function encode(st)
  if not st then return 0 end
  local groups = {}
  for _, g in ipairs(st.groups) do
    table.insert(groups, {
      g.name, g.consumers, g.pending, g.oldest or '', g.last, g.read or -1, lag(st, g),
    })
  end
  return {st.length, st.first or '', st.last, st.added or -1, groups}
end

if mode == 'info' then return {0, 0, {}, {}, encode(state()), 0} end

-- The dead-letter stream's cap, counted (before this step's loss records).
local deadDropped = 0
if dlqMaxLen > 0 then deadDropped = redis.call('XTRIM', dlq, 'MAXLEN', '~', dlqMaxLen) end
if mode == 'dlq' then return {0, 0, {}, {}, 0, deadDropped} end

local st = state()
if not st then return {0, 0, {}, {}, 0, deadDropped} end

-- A counter the server does not keep is set where the position is exact.
if st.added then
  for _, g in ipairs(st.groups) do
    if not g.read then
      local pos = false
      if not lt(g.last, st.last) then pos = st.added
      elseif st.added == st.length then pos = 0 end
      if pos then
        redis.call('XGROUP', 'SETID', stream, g.name, g.last, 'ENTRIESREAD', pos)
        g.read = pos
      end
    end
  end
end

local losses, uncounted = {}, {}

local function collect(cause, peeks)
  local ends = st.first or nextid(st.last)
  for _, g in ipairs(st.groups) do
    local behind
    if st.first then behind = lt(g.last, st.first) else behind = lt(g.last, st.last) end
    local unread = 0
    if behind then
      if g.read and st.added and not lt(g.last, st.maxdel) then
        unread = st.added - st.length - g.read
        if unread < 0 then unread = 0 end
      elseif not (st.added and st.added == st.length) then
        table.insert(uncounted, g.name)
      end
    end
    local gone = {}
    if g.oldest and (not st.first or lt(g.oldest, st.first)) then
      local upper = '+'
      if st.first then upper = '(' .. st.first end
      for _, row in ipairs(redis.call('XPENDING', stream, g.name, '-', upper, 10000)) do
        table.insert(gone, row[1])
      end
    end
    if unread > 0 or #gone > 0 then
      for i = 1, #gone, 500 do
        redis.call('XACK', stream, g.name, unpack(gone, i, math.min(i + 499, #gone)))
      end
      g.pending = g.pending - #gone
      if g.pending == 0 then g.oldest = false end
      if unread > 0 then
        local pos = st.added - st.length
        redis.call('XGROUP', 'SETID', stream, g.name, g.last, 'ENTRIESREAD', pos)
        g.read = pos
      end
      local first = gone[1]
      if unread > 0 then
        local f = peeks[g.name] or nextid(g.last)
        if not first or lt(f, first) then first = f end
      end
      local count = unread + #gone
      local id = redis.call('XADD', dlq, '*',
        F[1], stream, F[2], g.name, F[3], ERR[cause], F[4], cause,
        F[5], count, F[6], unread, F[7], #gone, F[8], first, F[9], ends)
      table.insert(losses, {g.name, cause, count, unread, #gone, first, ends, id})
    end
  end
end

-- 1. What is gone already: another client trimmed it.
collect('trimmed-elsewhere', {})

-- 2. What every group has acknowledged, beyond maxLen.
local trimmed = 0
if st.length > maxLen then
  if #st.groups == 0 then
    trimmed = redis.call('XTRIM', stream, 'MAXLEN', '~', maxLen)
  else
    local floor = false
    for _, g in ipairs(st.groups) do
      local f = nextid(g.last)
      if g.oldest and lt(g.oldest, f) then f = g.oldest end
      if not floor or lt(f, floor) then floor = f end
    end
    if acked then
      trimmed = redis.call('XTRIM', stream, 'MINID', '~', floor, 'LIMIT', st.length - maxLen, 'ACKED')
    else
      trimmed = redis.call('XTRIM', stream, 'MINID', '~', floor, 'LIMIT', st.length - maxLen)
    end
  end
  if trimmed > 0 then st = state() end
end

-- 3. The hard cap, whoever needs the entries.
local dropped = 0
if hard > 0 and st.length > hard then
  local peeks = {}
  for _, g in ipairs(st.groups) do
    local r = redis.call('XRANGE', stream, '(' .. g.last, '+', 'COUNT', 1)
    if #r > 0 then peeks[g.name] = r[1][1] end
  end
  dropped = redis.call('XTRIM', stream, 'MAXLEN', hard)
  st = state()
  collect('hard-cap', peeks)
end

return {trimmed, dropped, losses, uncounted, encode(state()), deadDropped}
`;

/** A connection with the retention scripts defined. */
interface ScriptRedis {
  backendaiMqEnsureGroup(
    stream: string,
    group: string,
    start: string,
  ): Promise<number>;
  backendaiMqRetain(
    stream: string,
    deadLetterStream: string,
    ...args: (string | number)[]
  ): Promise<unknown>;
}

/**
 * Defines the scripts on a connection (`EVALSHA`, loaded on first use).
 *
 * @param redis The command connection.
 */
export function defineRetentionScripts(redis: Valkey): void {
  if (!("backendaiMqEnsureGroup" in redis)) {
    redis.defineCommand("backendaiMqEnsureGroup", {
      numberOfKeys: 1,
      lua: ENSURE_GROUP_LUA,
    });
  }
  if (!("backendaiMqRetain" in redis)) {
    redis.defineCommand("backendaiMqRetain", {
      numberOfKeys: 2,
      lua: RETAIN_LUA,
    });
  }
}

/**
 * Creates a group with an exact read counter, unless it exists.
 *
 * @param redis A connection with the scripts defined.
 * @param stream The stream (made when missing).
 * @param group The group.
 * @param start `"$"` or `"0"`.
 */
export async function ensureGroupExact(
  redis: Valkey,
  stream: string,
  group: string,
  start: "$" | "0",
): Promise<void> {
  await (redis as unknown as ScriptRedis).backendaiMqEnsureGroup(
    stream,
    group,
    start,
  );
}

type RawGroup = [string, number, number, string, string, number, number];
type RawInfo = 0 | [number, string, string, number, RawGroup[]];
type RawLoss = [
  string,
  TrimLoss["cause"],
  number,
  number,
  number,
  string,
  string,
  string,
];
type RawResult = [number, number, RawLoss[], string[], RawInfo, number];

function decodeInfo(stream: string, raw: RawInfo): StreamInfo | undefined {
  if (raw === 0) return undefined;
  const [length, firstId, lastId, entriesAdded, groups] = raw;
  return {
    stream,
    length,
    firstId: firstId === "" ? undefined : firstId,
    lastId,
    entriesAdded: entriesAdded < 0 ? length : entriesAdded,
    groups: groups.map((
      [name, consumers, pending, oldest, last, read, lag],
    ): GroupInfo => ({
      name,
      consumers,
      pending,
      oldestPendingId: oldest === "" ? undefined : oldest,
      lastDeliveredId: last,
      entriesRead: read < 0 ? undefined : read,
      lag: lag < 0 ? undefined : lag,
    })),
  };
}

function scriptArgs(
  mode: "info" | "trim" | "dlq",
  args: Partial<TrimArgs>,
  acked: boolean,
): (string | number)[] {
  return [
    mode,
    args.maxLen ?? 0,
    args.hardMaxLen ?? 0,
    args.deadLetterMaxLen ?? 0,
    acked ? "1" : "0",
    "_dlq_stream",
    "_dlq_group",
    "_dlq_error",
    LOSS_FIELDS.cause,
    LOSS_FIELDS.count,
    LOSS_FIELDS.unread,
    LOSS_FIELDS.pending,
    LOSS_FIELDS.firstId,
    LOSS_FIELDS.endId,
    LOSS_ERRORS["hard-cap"],
    LOSS_ERRORS["trimmed-elsewhere"],
  ];
}

/**
 * Reads a stream's state and its groups', in one script call.
 *
 * @param redis A connection with the scripts defined.
 * @param stream The stream.
 * @param deadLetterStream Its dead-letter stream's key (the script's second
 * key, in the stream's slot on a cluster).
 * @returns The state, or `undefined` when the stream does not exist.
 */
export async function readStreamInfo(
  redis: Valkey,
  stream: string,
  deadLetterStream: string,
): Promise<StreamInfo | undefined> {
  const raw = await (redis as unknown as ScriptRedis).backendaiMqRetain(
    stream,
    deadLetterStream,
    ...scriptArgs("info", {}, false),
  ) as RawResult;
  return decodeInfo(stream, raw[4]);
}

/**
 * Runs the retention step in one script call.
 *
 * @param redis A connection with the scripts defined.
 * @param args The stream, the lengths and the dead-letter stream.
 * @param acked Whether to trim with `ACKED` (Redis 8.2 and later).
 * @returns What was trimmed and lost, and the state after.
 */
export async function retain(
  redis: Valkey,
  args: TrimArgs,
  acked: boolean,
): Promise<TrimResult> {
  const raw = await (redis as unknown as ScriptRedis).backendaiMqRetain(
    args.stream,
    args.deadLetterStream,
    ...scriptArgs(args.deadLettersOnly ? "dlq" : "trim", args, acked),
  ) as RawResult;
  const [trimmed, dropped, losses, uncounted, info, deadLettersDropped] = raw;
  return {
    trimmed,
    dropped,
    deadLettersDropped,
    losses: losses.map((
      [group, cause, count, unread, pending, firstId, endId, deadLetterId],
    ) => ({
      stream: args.stream,
      group,
      cause,
      count,
      unread,
      pending,
      firstId,
      endId,
      deadLetterId,
    })),
    uncounted: [...new Set(uncounted)],
    info: decodeInfo(args.stream, info),
  };
}

/**
 * Whether the server trims with `ACKED` (Redis 8.2 and later; Valkey
 * reports `redis_version:7.2.4` and has no `ACKED`).
 *
 * @param redis A connection.
 * @returns `true` on Redis 8.2 or later.
 */
export async function supportsAckedTrim(redis: Valkey): Promise<boolean> {
  const info = await redis.info("server");
  if (/^(valkey_version|server_name:valkey)/m.test(info)) return false;
  const match = /^redis_version:(\d+)\.(\d+)/m.exec(info);
  if (match === null) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > 8 || (major === 8 && minor >= 2);
}
