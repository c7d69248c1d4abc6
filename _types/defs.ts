// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Constants shared by every component (upstream `defs/__init__.py` and
 * `defs/session.py`): the Redis logical databases and roles, reserved vfolder
 * names, and default values.
 *
 * @module
 */

/**
 * Redis logical database for statistics (kernel and agent metrics).
 *
 * @example Usage
 * ```ts
 * import { REDIS_STATISTICS_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_STATISTICS_DB, 0);
 * ```
 */
export const REDIS_STATISTICS_DB = 0;
/**
 * Redis logical database for API rate limiting.
 *
 * @example Usage
 * ```ts
 * import { REDIS_RATE_LIMIT_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_RATE_LIMIT_DB, 1);
 * ```
 */
export const REDIS_RATE_LIMIT_DB = 1;
/**
 * Redis logical database for live state (agent heartbeats, session state).
 *
 * @example Usage
 * ```ts
 * import { REDIS_LIVE_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_LIVE_DB, 2);
 * ```
 */
export const REDIS_LIVE_DB = 2;
/**
 * Redis logical database for the image catalog per agent.
 *
 * @example Usage
 * ```ts
 * import { REDIS_IMAGE_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_IMAGE_DB, 3);
 * ```
 */
export const REDIS_IMAGE_DB = 3;
/**
 * Redis logical database for the event streams (message queue).
 *
 * @example Usage
 * ```ts
 * import { REDIS_STREAM_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_STREAM_DB, 4);
 * ```
 */
export const REDIS_STREAM_DB = 4;
/**
 * Redis logical database for stream locks. Upstream spells it without the
 * `_DB` suffix.
 *
 * @example Usage
 * ```ts
 * import { REDIS_STREAM_LOCK } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_STREAM_LOCK, 5);
 * ```
 */
export const REDIS_STREAM_LOCK = 5;
/**
 * Redis logical database for container logs. Upstream spells it without the
 * `_DB` suffix.
 *
 * @example Usage
 * ```ts
 * import { REDIS_CONTAINER_LOG } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_CONTAINER_LOG, 6);
 * ```
 */
export const REDIS_CONTAINER_LOG = 6;
/**
 * Redis logical database for background task state.
 *
 * @example Usage
 * ```ts
 * import { REDIS_BGTASK_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_BGTASK_DB, 7);
 * ```
 */
export const REDIS_BGTASK_DB = 7;
/**
 * Redis logical database for resumable (tus) uploads.
 *
 * @example Usage
 * ```ts
 * import { REDIS_TUS_DB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(REDIS_TUS_DB, 8);
 * ```
 */
export const REDIS_TUS_DB = 8;

/**
 * The purpose of a Redis connection; also the key of a per-role override in
 * a Redis configuration (`override_configs`).
 *
 * @example Usage
 * ```ts
 * import { RedisRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RedisRole.STREAM_LOCK, "stream_lock");
 * ```
 */
export const RedisRole = {
  STATISTICS: "statistics",
  RATE_LIMIT: "rate_limit",
  LIVE: "live",
  IMAGE: "image",
  STREAM: "stream",
  STREAM_LOCK: "stream_lock",
  CONTAINER_LOG: "container_log",
  BGTASK: "bgtask",
  TUS: "tus",
} as const;
/** One of the {@linkcode RedisRole} wire strings. */
export type RedisRole = typeof RedisRole[keyof typeof RedisRole];

/**
 * The Redis logical database of each role, keyed like {@linkcode RedisRole}.
 *
 * @example Usage
 * ```ts
 * import { RedisDB } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RedisDB.STREAM, 4);
 * assert.equal(RedisDB.TUS, 8);
 * ```
 */
export const RedisDB = {
  STATISTICS: REDIS_STATISTICS_DB,
  RATE_LIMIT: REDIS_RATE_LIMIT_DB,
  LIVE: REDIS_LIVE_DB,
  IMAGE: REDIS_IMAGE_DB,
  STREAM: REDIS_STREAM_DB,
  STREAM_LOCK: REDIS_STREAM_LOCK,
  CONTAINER_LOG: REDIS_CONTAINER_LOG,
  BGTASK: REDIS_BGTASK_DB,
  TUS: REDIS_TUS_DB,
} as const;
/** One of the {@linkcode RedisDB} numbers. */
export type RedisDB = typeof RedisDB[keyof typeof RedisDB];

const REDIS_DB_BY_ROLE: Readonly<Record<RedisRole, RedisDB>> = {
  statistics: REDIS_STATISTICS_DB,
  rate_limit: REDIS_RATE_LIMIT_DB,
  live: REDIS_LIVE_DB,
  image: REDIS_IMAGE_DB,
  stream: REDIS_STREAM_DB,
  stream_lock: REDIS_STREAM_LOCK,
  container_log: REDIS_CONTAINER_LOG,
  bgtask: REDIS_BGTASK_DB,
  tus: REDIS_TUS_DB,
};

/**
 * The default Redis logical database for a role.
 *
 * @param role The role.
 * @returns Its database number.
 *
 * @example Usage
 * ```ts
 * import { redisDbForRole, RedisRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(redisDbForRole(RedisRole.BGTASK), 7);
 * ```
 */
export function redisDbForRole(role: RedisRole): RedisDB {
  return REDIS_DB_BY_ROLE[role];
}

/**
 * Default timeout of a file I/O operation, in seconds.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_FILE_IO_TIMEOUT } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_FILE_IO_TIMEOUT, 10);
 * ```
 */
export const DEFAULT_FILE_IO_TIMEOUT = 10;

/**
 * Names a vfolder may not have, because the agent mounts something there or
 * because they are system directories.
 *
 * @example Usage
 * ```ts
 * import { RESERVED_VFOLDERS } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.ok(RESERVED_VFOLDERS.includes(".ssh"));
 * assert.ok(RESERVED_VFOLDERS.includes("/home/work"));
 * ```
 */
export const RESERVED_VFOLDERS: readonly string[] = Object.freeze([
  ".terminfo",
  ".jupyter",
  ".tmux.conf",
  ".ssh",
  "/home/work",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib64",
  "/media",
  "/mnt",
  "/opt",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/srv",
  "/sys",
  "/tmp",
  "/usr",
  "/var",
  "/home",
]);

/**
 * Patterns of reserved vfolder names: shell rc files (`.bashrc`) and login
 * profiles (`.bash_profile`).
 *
 * @example Usage
 * ```ts
 * import { RESERVED_VFOLDER_PATTERNS } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.ok(RESERVED_VFOLDER_PATTERNS.some((p) => p.test(".zshrc")));
 * ```
 */
export const RESERVED_VFOLDER_PATTERNS: readonly RegExp[] = Object.freeze([
  /^\.[a-z0-9]+rc$/,
  /^\.[a-z0-9]+_profile$/,
]);

/**
 * Whether a vfolder name is reserved: listed in
 * {@linkcode RESERVED_VFOLDERS} or matching a
 * {@linkcode RESERVED_VFOLDER_PATTERNS} entry.
 *
 * @param name The vfolder name.
 * @returns `true` if the name is reserved.
 *
 * @example Usage
 * ```ts
 * import { isReservedVFolderName } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isReservedVFolderName(".bashrc"), true);
 * assert.equal(isReservedVFolderName("my-data"), false);
 * ```
 */
export function isReservedVFolderName(name: string): boolean {
  return RESERVED_VFOLDERS.includes(name) ||
    RESERVED_VFOLDER_PATTERNS.some((pattern) => pattern.test(name));
}

/**
 * The longest vfolder name the create and rename APIs accept.
 *
 * @example Usage
 * ```ts
 * import { API_VFOLDER_LENGTH_LIMIT } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(API_VFOLDER_LENGTH_LIMIT, 64);
 * ```
 */
export const API_VFOLDER_LENGTH_LIMIT = 64;
/**
 * The longest model vfolder name.
 *
 * @example Usage
 * ```ts
 * import { MODEL_VFOLDER_LENGTH_LIMIT } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MODEL_VFOLDER_LENGTH_LIMIT, 128);
 * ```
 */
export const MODEL_VFOLDER_LENGTH_LIMIT = 128;
/**
 * Default POSIX mode of a new vfolder directory (`0o755`).
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_VFOLDER_PERMISSION_MODE } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_VFOLDER_PERMISSION_MODE, 0o755);
 * ```
 */
export const DEFAULT_VFOLDER_PERMISSION_MODE = 0o755;
/**
 * POSIX mode of a project (group) vfolder directory (`0o775`).
 *
 * @example Usage
 * ```ts
 * import { VFOLDER_GROUP_PERMISSION_MODE } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFOLDER_GROUP_PERMISSION_MODE, 0o775);
 * ```
 */
export const VFOLDER_GROUP_PERMISSION_MODE = 0o775;
/**
 * The name of the default domain.
 *
 * @example Usage
 * ```ts
 * import { DEFAULT_DOMAIN_NAME } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(DEFAULT_DOMAIN_NAME, "default");
 * ```
 */
export const DEFAULT_DOMAIN_NAME = "default";
/**
 * The volume name of the no-op storage backend.
 *
 * @example Usage
 * ```ts
 * import { NOOP_STORAGE_VOLUME_NAME } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(NOOP_STORAGE_VOLUME_NAME, "noop");
 * ```
 */
export const NOOP_STORAGE_VOLUME_NAME = "noop";
/**
 * The backend type of the no-op storage backend.
 *
 * @example Usage
 * ```ts
 * import { NOOP_STORAGE_BACKEND_TYPE } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(NOOP_STORAGE_BACKEND_TYPE, "noop");
 * ```
 */
export const NOOP_STORAGE_BACKEND_TYPE = "noop";
/**
 * The container id recorded when a kernel's container is not known.
 *
 * @example Usage
 * ```ts
 * import { UNKNOWN_CONTAINER_ID } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(UNKNOWN_CONTAINER_ID, "unknown");
 * ```
 */
export const UNKNOWN_CONTAINER_ID = "unknown";

/**
 * The default scheduling priority of a session.
 *
 * @example Usage
 * ```ts
 * import { SESSION_PRIORITY_DEFAULT, SESSION_PRIORITY_MAX, SESSION_PRIORITY_MIN } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.ok(SESSION_PRIORITY_MIN <= SESSION_PRIORITY_DEFAULT && SESSION_PRIORITY_DEFAULT <= SESSION_PRIORITY_MAX);
 * ```
 */
export const SESSION_PRIORITY_DEFAULT = 10;
/**
 * The lowest scheduling priority of a session.
 *
 * @example Usage
 * ```ts
 * import { SESSION_PRIORITY_MIN } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SESSION_PRIORITY_MIN, 0);
 * ```
 */
export const SESSION_PRIORITY_MIN = 0;
/**
 * The highest scheduling priority of a session.
 *
 * @example Usage
 * ```ts
 * import { SESSION_PRIORITY_MAX } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SESSION_PRIORITY_MAX, 100);
 * ```
 */
export const SESSION_PRIORITY_MAX = 100;
/**
 * The default scope-local preemption priority of a user's session (higher
 * preempts lower; negative values are allowed, no fixed range).
 *
 * @example Usage
 * ```ts
 * import { JOB_PRIORITY_DEFAULT } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(JOB_PRIORITY_DEFAULT, 0);
 * ```
 */
export const JOB_PRIORITY_DEFAULT = 0;
