// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * What the manager and the storage proxy exchange on the storage proxy's
 * manager API (upstream `storage/api/manager.py`): the JSON bodies the
 * client sends and the JSON answers it reads, with upstream's snake_case
 * keys. Request schemas are strict about what upstream's handlers require
 * and keep no unknown keys; response schemas let unknown keys through, so a
 * newer storage proxy that adds a field is still read.
 *
 * A virtual folder id (`vfid`) is upstream's `VFolderID` text,
 * `<quota scope id>/<folder id hex>` (e.g.
 * `user:2d1b2a0c-…/9f3c…`); byte counts are JSON numbers.
 *
 * @module
 */

import { z } from "zod";

const volumeName = z.string().min(1);
const vfid = z.string().min(1);
const relpath = z.string();
const bytes = z.number().int().min(0);

/** One volume of `GET /volumes`. */
export interface VolumeInfo {
  /** The volume name. */
  name: string;
  /** Its backend (`vfs`, `xfs`, `purestorage`, ...). */
  backend: string;
  /** Its mount path on the storage proxy host. */
  path: string;
  /** The path prefix of its folders. */
  fsprefix: string;
  /** What it supports (`vfolder`, `quota`, `metric`, ...). */
  capabilities: string[];
}

/**
 * A volume of `GET /volumes`.
 *
 * @example Usage
 * ```ts
 * import { VolumeInfoSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const parsed = VolumeInfoSchema.parse({ name: "local", backend: "vfs", path: "/vfroot/local", fsprefix: ".", capabilities: [] });
 * assert.equal(parsed.backend, "vfs");
 * ```
 */
export const VolumeInfoSchema: z.ZodType<VolumeInfo, unknown> = z.looseObject({
  name: z.string(),
  backend: z.string(),
  path: z.string(),
  fsprefix: z.string(),
  capabilities: z.array(z.string()),
});

/** The answer of `GET /volumes`. */
export interface GetVolumesResponse {
  /** Every volume. */
  volumes: VolumeInfo[];
}

/**
 * The answer of `GET /volumes`.
 *
 * @example Usage
 * ```ts
 * import { GetVolumesResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(GetVolumesResponseSchema.parse({ volumes: [] }), { volumes: [] });
 * assert.equal(GetVolumesResponseSchema.safeParse({}).success, false);
 * ```
 */
export const GetVolumesResponseSchema: z.ZodType<GetVolumesResponse, unknown> =
  z.looseObject({ volumes: z.array(VolumeInfoSchema) });

/** The body of the calls that name only a volume (`GET /volume/hwinfo`, ...). */
export interface VolumeRequest {
  /** The volume name. */
  volume: string;
}

/**
 * The body of `GET /volume/hwinfo`, `GET /volume/performance-metric` and
 * `GET /folder/fs-usage`.
 *
 * @example Usage
 * ```ts
 * import { VolumeRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(VolumeRequestSchema.parse({ volume: "local" }), { volume: "local" });
 * assert.equal(VolumeRequestSchema.safeParse({ volume: "" }).success, false);
 * ```
 */
export const VolumeRequestSchema: z.ZodType<VolumeRequest, unknown> = z.object(
  { volume: volumeName },
);

/** The body of the calls that name one folder. */
export interface FolderRequest {
  /** The volume name. */
  volume: string;
  /** The folder id, `<quota scope id>/<folder id hex>`. */
  vfid: string;
}

/**
 * The body of `POST /folder/delete`, `GET /folder/usage`,
 * `GET /folder/used-bytes` and `GET /volume/quota`.
 *
 * @example Usage
 * ```ts
 * import { FolderRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(FolderRequestSchema.safeParse({ volume: "local" }).success, false);
 * ```
 */
export const FolderRequestSchema: z.ZodType<FolderRequest, unknown> = z.object({
  volume: volumeName,
  vfid,
});

/** The body of `POST /folder/create`. */
export interface CreateFolderRequest extends FolderRequest {
  /** The folder's permission bits; the storage proxy's default when absent. */
  mode?: number | undefined;
  /**
   * Options; `initial_max_size_for_quota_scope` sizes a quota scope the
   * call makes.
   *
   * @default {{}}
   */
  options?:
    | { initial_max_size_for_quota_scope?: number | undefined }
    | undefined;
}

/**
 * The body of `POST /folder/create`.
 *
 * @example Usage
 * ```ts
 * import { CreateFolderRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "local", vfid: "user:u1/f1", options: {}, mode: 0o755 };
 * assert.deepEqual(CreateFolderRequestSchema.parse(body), body);
 * assert.equal(CreateFolderRequestSchema.safeParse({ ...body, mode: 1.5 }).success, false);
 * ```
 */
export const CreateFolderRequestSchema: z.ZodType<
  CreateFolderRequest,
  unknown
> = z.object({
  volume: volumeName,
  vfid,
  mode: z.number().int().min(0).max(0o7777).optional(),
  options: z.object({
    initial_max_size_for_quota_scope: bytes.optional(),
  }).default({}),
});

/** The body of `POST /folder/clone`. */
export interface CloneFolderRequest {
  /** The source volume. */
  src_volume: string;
  /** The source folder. */
  src_vfid: string;
  /** The destination volume (upstream clones within one volume only). */
  dst_volume: string | null;
  /** The destination folder. */
  dst_vfid: string;
}

/**
 * The body of `POST /folder/clone`.
 *
 * @example Usage
 * ```ts
 * import { CloneFolderRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { src_volume: "local", src_vfid: "user:u/a", dst_volume: "local", dst_vfid: "user:u/b" };
 * assert.deepEqual(CloneFolderRequestSchema.parse(body), body);
 * ```
 */
export const CloneFolderRequestSchema: z.ZodType<CloneFolderRequest, unknown> =
  z.object({
    src_volume: volumeName,
    src_vfid: vfid,
    dst_volume: volumeName.nullable(),
    dst_vfid: vfid,
  });

/** An answer that names a background task of the storage proxy. */
export interface BgtaskIdResponse {
  /** The task id (a UUID). */
  bgtask_id: string;
}

/**
 * The answer of `POST /folder/clone`, `POST /folder/delete` (status 202) and
 * an asynchronous `POST /folder/file/delete` (upstream's
 * `VFolderCloneResponse`, `VFolderDeleteResponse`, `FileDeleteAsyncResponse`).
 *
 * @example Usage
 * ```ts
 * import { BgtaskIdResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const id = "0f3b9c1e-2a4d-4e6f-8a0b-1c2d3e4f5a6b";
 * assert.equal(BgtaskIdResponseSchema.parse({ bgtask_id: id }).bgtask_id, id);
 * assert.equal(BgtaskIdResponseSchema.safeParse({ bgtask_id: "x" }).success, false);
 * ```
 */
export const BgtaskIdResponseSchema: z.ZodType<BgtaskIdResponse, unknown> = z
  .looseObject({ bgtask_id: z.uuid() });

/** The body of `GET /folder/mount`. */
export interface MountPathRequest extends FolderRequest {
  /** A path inside the folder. */
  subpath: string;
}

/**
 * The body of `GET /folder/mount`.
 *
 * @example Usage
 * ```ts
 * import { MountPathRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MountPathRequestSchema.parse({ volume: "local", vfid: "user:u/a", subpath: "." }).subpath, ".");
 * ```
 */
export const MountPathRequestSchema: z.ZodType<MountPathRequest, unknown> = z
  .object({ volume: volumeName, vfid, subpath: z.string() });

/** The answer of `GET /folder/mount`. */
export interface MountPathResponse {
  /** The folder's path on the host. */
  path: string;
}

/**
 * The answer of `GET /folder/mount`.
 *
 * @example Usage
 * ```ts
 * import { MountPathResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MountPathResponseSchema.parse({ path: "/vfroot/local/a" }).path, "/vfroot/local/a");
 * ```
 */
export const MountPathResponseSchema: z.ZodType<MountPathResponse, unknown> = z
  .looseObject({ path: z.string() });

/** The answer of `GET /volume/performance-metric`. */
export interface PerformanceMetricResponse {
  /** The metric fields (`iops_read`, `io_bytes_write`, ...). */
  metric: Record<string, unknown>;
  /** When it was observed, ISO 8601. */
  observed_at: string;
}

/**
 * The answer of `GET /volume/performance-metric`.
 *
 * @example Usage
 * ```ts
 * import { PerformanceMetricResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const answer = { metric: { iops_read: 10 }, observed_at: "2026-12-07T12:00:00+00:00" };
 * assert.deepEqual(PerformanceMetricResponseSchema.parse(answer), answer);
 * ```
 */
export const PerformanceMetricResponseSchema: z.ZodType<
  PerformanceMetricResponse,
  unknown
> = z.looseObject({
  metric: z.record(z.string(), z.unknown()),
  observed_at: z.string(),
});

/** The answer of `GET /folder/fs-usage`. */
export interface FsUsageResponse {
  /** The volume's capacity in bytes. */
  capacity_bytes: number;
  /** What is used, in bytes. */
  used_bytes: number;
}

/**
 * The answer of `GET /folder/fs-usage`.
 *
 * @example Usage
 * ```ts
 * import { FsUsageResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(FsUsageResponseSchema.parse({ capacity_bytes: 100, used_bytes: 5 }).used_bytes, 5);
 * assert.equal(FsUsageResponseSchema.safeParse({ capacity_bytes: -1, used_bytes: 5 }).success, false);
 * ```
 */
export const FsUsageResponseSchema: z.ZodType<FsUsageResponse, unknown> = z
  .looseObject({ capacity_bytes: bytes, used_bytes: bytes });

/** The answer of `GET /folder/usage`. */
export interface FolderUsageResponse {
  /** How many files the folder holds. */
  file_count: number;
  /** Their size in bytes. */
  used_bytes: number;
}

/**
 * The answer of `GET /folder/usage`.
 *
 * @example Usage
 * ```ts
 * import { FolderUsageResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(FolderUsageResponseSchema.parse({ file_count: 3, used_bytes: 42 }).file_count, 3);
 * ```
 */
export const FolderUsageResponseSchema: z.ZodType<
  FolderUsageResponse,
  unknown
> = z.looseObject({ file_count: z.number().int(), used_bytes: z.number() });

/** The answer of `GET /folder/used-bytes`. */
export interface UsedBytesResponse {
  /** The folder's size in bytes. */
  used_bytes: number;
}

/**
 * The answer of `GET /folder/used-bytes`.
 *
 * @example Usage
 * ```ts
 * import { UsedBytesResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(UsedBytesResponseSchema.parse({ used_bytes: 42 }).used_bytes, 42);
 * ```
 */
export const UsedBytesResponseSchema: z.ZodType<UsedBytesResponse, unknown> = z
  .looseObject({ used_bytes: z.number() });

/** The body of the quota scope calls. */
export interface QuotaScopeRequest {
  /** The volume name. */
  volume: string;
  /** The quota scope id (`user:<uuid>`, `project:<uuid>`). */
  qsid: string;
}

/**
 * The body of `GET /quota-scope` and `DELETE /quota-scope/quota`.
 *
 * @example Usage
 * ```ts
 * import { QuotaScopeRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(QuotaScopeRequestSchema.parse({ volume: "local", qsid: "user:u1" }).qsid, "user:u1");
 * assert.equal(QuotaScopeRequestSchema.safeParse({ volume: "local", qsid: "u1" }).success, false);
 * ```
 */
export const QuotaScopeRequestSchema: z.ZodType<QuotaScopeRequest, unknown> = z
  .object({
    volume: volumeName,
    qsid: z.string().regex(
      /^(user|project):.+$/,
      "Expected a quota scope id: user:<id> or project:<id>",
    ),
  });

/** The body of `PATCH /quota-scope` and `POST /quota-scope`. */
export interface UpdateQuotaScopeRequest extends QuotaScopeRequest {
  /** The quota: `limit_bytes`. */
  options: { limit_bytes: number };
}

/**
 * The body of `PATCH /quota-scope` (and `POST /quota-scope`).
 *
 * @example Usage
 * ```ts
 * import { UpdateQuotaScopeRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "local", qsid: "project:p1", options: { limit_bytes: 1024 } };
 * assert.deepEqual(UpdateQuotaScopeRequestSchema.parse(body), body);
 * ```
 */
export const UpdateQuotaScopeRequestSchema: z.ZodType<
  UpdateQuotaScopeRequest,
  unknown
> = z.object({
  volume: volumeName,
  qsid: z.string().regex(/^(user|project):.+$/),
  options: z.object({ limit_bytes: bytes }),
});

/** The answer of `GET /quota-scope`. */
export interface QuotaScopeResponse {
  /** What the scope uses, in bytes; `null` when the backend does not say. */
  used_bytes: number | null;
  /** Its limit in bytes; `null` when there is none. */
  limit_bytes: number | null;
}

/**
 * The answer of `GET /quota-scope`.
 *
 * @example Usage
 * ```ts
 * import { QuotaScopeResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(QuotaScopeResponseSchema.parse({ used_bytes: 1, limit_bytes: null }), { used_bytes: 1, limit_bytes: null });
 * ```
 */
export const QuotaScopeResponseSchema: z.ZodType<QuotaScopeResponse, unknown> =
  z.looseObject({
    used_bytes: z.number().nullable(),
    limit_bytes: z.number().nullable(),
  });

/** The body of `POST /folder/file/mkdir`. */
export interface MkdirRequest extends FolderRequest {
  /** One path or several, relative to the folder. */
  relpath: string | string[];
  /** Whether an existing directory is fine. */
  exist_ok: boolean;
  /** Whether missing parents are made (the storage proxy's default: yes). */
  parents?: boolean | undefined;
}

/**
 * The body of `POST /folder/file/mkdir`.
 *
 * @example Usage
 * ```ts
 * import { MkdirRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "local", vfid: "user:u/a", relpath: ["x", "y/z"], exist_ok: true };
 * assert.deepEqual(MkdirRequestSchema.parse(body), body);
 * ```
 */
export const MkdirRequestSchema: z.ZodType<MkdirRequest, unknown> = z.object({
  volume: volumeName,
  vfid,
  relpath: z.union([relpath, z.array(relpath)]),
  exist_ok: z.boolean(),
  parents: z.boolean().optional(),
});

/** One path of a mkdir answer. */
export interface MkdirResult {
  /** Why it failed (`null` on success). */
  msg: string | null;
  /** The path. */
  item: string;
}

/** The answer of `POST /folder/file/mkdir` (status 200, or 207/422 on failures). */
export interface MkdirResponse {
  /** The paths made and those that failed. */
  results: { success: MkdirResult[]; failed: MkdirResult[] };
}

/**
 * The answer of `POST /folder/file/mkdir`.
 *
 * @example Usage
 * ```ts
 * import { MkdirResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const answer = { results: { success: [{ msg: null, item: "x" }], failed: [] } };
 * assert.deepEqual(MkdirResponseSchema.parse(answer), answer);
 * ```
 */
export const MkdirResponseSchema: z.ZodType<MkdirResponse, unknown> = z
  .looseObject({
    results: z.looseObject({
      success: z.array(
        z.looseObject({ msg: z.string().nullable(), item: z.string() }),
      ),
      failed: z.array(
        z.looseObject({ msg: z.string().nullable(), item: z.string() }),
      ),
    }),
  });

/** The body of `POST /folder/file/list`, `/fetch` and the other one-path calls. */
export interface FileRequest extends FolderRequest {
  /** The path, relative to the folder. */
  relpath: string;
}

/**
 * The body of `POST /folder/file/list` and `POST /folder/file/fetch`.
 *
 * @example Usage
 * ```ts
 * import { FileRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(FileRequestSchema.parse({ volume: "local", vfid: "user:u/a", relpath: "." }).relpath, ".");
 * ```
 */
export const FileRequestSchema: z.ZodType<FileRequest, unknown> = z.object({
  volume: volumeName,
  vfid,
  relpath,
});

/** One entry of `POST /folder/file/list`. */
export interface DirEntry {
  /** Its name. */
  name: string;
  /** `FILE`, `DIRECTORY` or `SYMLINK`. */
  type: string;
  /** Its mode, size and times (ISO 8601). */
  stat: { mode: number; size: number; created: string; modified: string };
  /** Where a symlink points (empty for others). */
  symlink_target: string;
}

/** The answer of `POST /folder/file/list`. */
export interface ListFilesResponse {
  /** The entries. */
  items: DirEntry[];
}

/**
 * The answer of `POST /folder/file/list`.
 *
 * @example Usage
 * ```ts
 * import { ListFilesResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const entry = {
 *   name: "a.txt", type: "FILE", symlink_target: "",
 *   stat: { mode: 0o644, size: 3, created: "2026-12-07T12:00:00+00:00", modified: "2026-12-07T12:00:00+00:00" },
 * };
 * assert.deepEqual(ListFilesResponseSchema.parse({ items: [entry] }).items[0], entry);
 * ```
 */
export const ListFilesResponseSchema: z.ZodType<ListFilesResponse, unknown> = z
  .looseObject({
    items: z.array(z.looseObject({
      name: z.string(),
      type: z.string(),
      stat: z.looseObject({
        mode: z.number().int(),
        size: z.number(),
        created: z.string(),
        modified: z.string(),
      }),
      symlink_target: z.string(),
    })),
  });

/** The body of `POST /folder/file/rename`. */
export interface RenameFileRequest extends FileRequest {
  /** The new name. */
  new_name: string;
}

/**
 * The body of `POST /folder/file/rename`.
 *
 * @example Usage
 * ```ts
 * import { RenameFileRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(RenameFileRequestSchema.safeParse({ volume: "l", vfid: "user:u/a", relpath: "x" }).success, false);
 * ```
 */
export const RenameFileRequestSchema: z.ZodType<RenameFileRequest, unknown> = z
  .object({ volume: volumeName, vfid, relpath, new_name: z.string().min(1) });

/** The body of `POST /folder/file/move`. */
export interface MoveFileRequest extends FolderRequest {
  /** The path to move. */
  src_relpath: string;
  /** Where it goes. */
  dst_relpath: string;
}

/**
 * The body of `POST /folder/file/move`.
 *
 * @example Usage
 * ```ts
 * import { MoveFileRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "l", vfid: "user:u/a", src_relpath: "x", dst_relpath: "y" };
 * assert.deepEqual(MoveFileRequestSchema.parse(body), body);
 * ```
 */
export const MoveFileRequestSchema: z.ZodType<MoveFileRequest, unknown> = z
  .object({
    volume: volumeName,
    vfid,
    src_relpath: relpath,
    dst_relpath: relpath,
  });

/** The body of `POST /folder/file/delete`. */
export interface DeleteFilesRequest extends FolderRequest {
  /** The paths to delete. */
  relpaths: string[];
  /** Whether directories are deleted with what they hold. */
  recursive: boolean;
}

/**
 * The body of `POST /folder/file/delete`.
 *
 * @example Usage
 * ```ts
 * import { DeleteFilesRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "l", vfid: "user:u/a", relpaths: ["x"], recursive: false };
 * assert.deepEqual(DeleteFilesRequestSchema.parse(body), body);
 * ```
 */
export const DeleteFilesRequestSchema: z.ZodType<DeleteFilesRequest, unknown> =
  z.object({
    volume: volumeName,
    vfid,
    relpaths: z.array(relpath),
    recursive: z.boolean(),
  });

/** The body of `POST /folder/file/upload`. */
export interface UploadFileRequest extends FileRequest {
  /** The size of the upload in bytes (upstream sends it as text or number). */
  size: string | number;
}

/**
 * The body of `POST /folder/file/upload`.
 *
 * @example Usage
 * ```ts
 * import { UploadFileRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(UploadFileRequestSchema.parse({ volume: "l", vfid: "user:u/a", relpath: "x", size: "10" }).size, "10");
 * assert.equal(UploadFileRequestSchema.safeParse({ volume: "l", vfid: "user:u/a", relpath: "x", size: "ten" }).success, false);
 * ```
 */
export const UploadFileRequestSchema: z.ZodType<UploadFileRequest, unknown> = z
  .object({
    volume: volumeName,
    vfid,
    relpath,
    size: z.union([z.string().regex(/^\d+$/), bytes]),
  });

/** The body of `POST /folder/file/download`. */
export interface DownloadFileRequest extends FileRequest {
  /** Whether a directory is downloaded as an archive. */
  archive: boolean;
  /** A path outside the folder, for unmanaged downloads. */
  unmanaged_path: string | null;
}

/**
 * The body of `POST /folder/file/download`.
 *
 * @example Usage
 * ```ts
 * import { DownloadFileRequestSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * const body = { volume: "l", vfid: "user:u/a", relpath: "x", archive: false, unmanaged_path: null };
 * assert.deepEqual(DownloadFileRequestSchema.parse(body), body);
 * ```
 */
export const DownloadFileRequestSchema: z.ZodType<
  DownloadFileRequest,
  unknown
> = z.object({
  volume: volumeName,
  vfid,
  relpath,
  archive: z.boolean(),
  unmanaged_path: z.string().nullable(),
});

/** The answer of the upload and download session calls. */
export interface SessionTokenResponse {
  /** The JWT the client presents to the storage proxy's client API. */
  token: string;
}

/**
 * The answer of `POST /folder/file/upload` and `POST /folder/file/download`.
 *
 * @example Usage
 * ```ts
 * import { SessionTokenResponseSchema } from "@backendai/common/dto";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTokenResponseSchema.parse({ token: "eyJ..." }).token, "eyJ...");
 * ```
 */
export const SessionTokenResponseSchema: z.ZodType<
  SessionTokenResponse,
  unknown
> = z.looseObject({ token: z.string().min(1) });
