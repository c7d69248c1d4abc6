// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  API_VFOLDER_LENGTH_LIMIT,
  DEFAULT_DOMAIN_NAME,
  DEFAULT_FILE_IO_TIMEOUT,
  DEFAULT_VFOLDER_PERMISSION_MODE,
  isReservedVFolderName,
  JOB_PRIORITY_DEFAULT,
  MODEL_VFOLDER_LENGTH_LIMIT,
  NOOP_STORAGE_BACKEND_TYPE,
  NOOP_STORAGE_VOLUME_NAME,
  REDIS_BGTASK_DB,
  REDIS_CONTAINER_LOG,
  REDIS_IMAGE_DB,
  REDIS_LIVE_DB,
  REDIS_RATE_LIMIT_DB,
  REDIS_STATISTICS_DB,
  REDIS_STREAM_DB,
  REDIS_STREAM_LOCK,
  REDIS_TUS_DB,
  RedisDB,
  redisDbForRole,
  RedisRole,
  RESERVED_VFOLDERS,
  SESSION_PRIORITY_DEFAULT,
  SESSION_PRIORITY_MAX,
  SESSION_PRIORITY_MIN,
  UNKNOWN_CONTAINER_ID,
  VFOLDER_GROUP_PERMISSION_MODE,
} from "../../../types.ts";

Deno.test("Redis logical DB ids match upstream defs", () => {
  assert.deepEqual(
    [
      REDIS_STATISTICS_DB,
      REDIS_RATE_LIMIT_DB,
      REDIS_LIVE_DB,
      REDIS_IMAGE_DB,
      REDIS_STREAM_DB,
      REDIS_STREAM_LOCK,
      REDIS_CONTAINER_LOG,
      REDIS_BGTASK_DB,
      REDIS_TUS_DB,
    ],
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
});

Deno.test("RedisRole values are upstream's snake_case strings", () => {
  assert.deepEqual(Object.values(RedisRole), [
    "statistics",
    "rate_limit",
    "live",
    "image",
    "stream",
    "stream_lock",
    "container_log",
    "bgtask",
    "tus",
  ]);
});

Deno.test("RedisDB has the same keys as RedisRole and redisDbForRole() agrees with it", () => {
  assert.deepEqual(Object.keys(RedisDB), Object.keys(RedisRole));
  for (const [key, role] of Object.entries(RedisRole)) {
    assert.equal(
      redisDbForRole(role),
      RedisDB[key as keyof typeof RedisDB],
      role,
    );
  }
  assert.equal(redisDbForRole("stream"), 4);
  assert.equal(redisDbForRole("bgtask"), 7);
});

Deno.test("isReservedVFolderName() matches the list and the rc/profile patterns", () => {
  for (const name of RESERVED_VFOLDERS) {
    assert.equal(isReservedVFolderName(name), true, name);
  }
  for (
    const name of [
      ".bashrc",
      ".zshrc",
      ".vimrc",
      ".bash_profile",
      ".x1_profile",
    ]
  ) {
    assert.equal(isReservedVFolderName(name), true, name);
  }
  for (
    const name of [
      "data",
      ".bashrc.bak",
      "bashrc",
      ".Bashrc",
      ".rc",
      "/home/work/x",
      ".ssh2",
      "home",
    ]
  ) {
    assert.equal(isReservedVFolderName(name), false, name);
  }
});

Deno.test("RESERVED_VFOLDERS is frozen", () => {
  assert.ok(Object.isFrozen(RESERVED_VFOLDERS));
  assert.ok(RESERVED_VFOLDERS.includes("/home/work"));
  assert.equal(RESERVED_VFOLDERS.length, 24);
});

Deno.test("simple constants match upstream", () => {
  assert.equal(DEFAULT_FILE_IO_TIMEOUT, 10);
  assert.equal(API_VFOLDER_LENGTH_LIMIT, 64);
  assert.equal(MODEL_VFOLDER_LENGTH_LIMIT, 128);
  assert.equal(DEFAULT_VFOLDER_PERMISSION_MODE, 493);
  assert.equal(VFOLDER_GROUP_PERMISSION_MODE, 509);
  assert.equal(DEFAULT_DOMAIN_NAME, "default");
  assert.equal(NOOP_STORAGE_VOLUME_NAME, "noop");
  assert.equal(NOOP_STORAGE_BACKEND_TYPE, "noop");
  assert.equal(UNKNOWN_CONTAINER_ID, "unknown");
  assert.deepEqual(
    [
      SESSION_PRIORITY_MIN,
      SESSION_PRIORITY_DEFAULT,
      SESSION_PRIORITY_MAX,
      JOB_PRIORITY_DEFAULT,
    ],
    [0, 10, 100, 0],
  );
});
