// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Errors about virtual folders, storage namespaces and buckets, volume mounts
 * and the NFS mount checks, from upstream's `exception.py`.
 *
 * @module
 */

import { BackendAIError, ErrorCode } from "./backend_ai_error.ts";
import { ErrorDetail, ErrorDomain, ErrorOperation } from "./code_parts.ts";

/**
 * The virtual folder does not exist (HTTP 404, `vfolder_read_not-found`).
 *
 * @example Usage
 * ```ts
 * import { BaseNFSMountCheckFailed, NFSTimeoutError, VFolderNotFound } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(new VFolderNotFound().toProblemJSON().error_code, "vfolder_read_not-found");
 * const err = new NFSTimeoutError("nfs.example.com", { data: { server: "nfs.example.com" } });
 * assert.ok(err instanceof BaseNFSMountCheckFailed);
 * assert.equal(err.status, 408);
 * ```
 */
export class VFolderNotFound extends BackendAIError {
  /** The code of every error of this class: `vfolder_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.VFOLDER,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/vfolder-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Virtual Folder Not Found";
}

/**
 * The storage namespace does not exist (HTTP 404,
 * `storage-namespace_read_not-found`).
 */
export class StorageNamespaceNotFoundError extends BackendAIError {
  /** The code of every error of this class: `storage-namespace_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE_NAMESPACE,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/storage-namespace-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Storage Namespace Not Found";
}

/**
 * The object storage bucket does not exist (HTTP 404,
 * `object-storage_read_not-found`).
 */
export class ObjectStorageBucketNotFoundError extends BackendAIError {
  /** The code of every error of this class: `object-storage_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.OBJECT_STORAGE,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/object-storage-bucket-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "Object Storage Bucket Not Found";
}

/**
 * Mounting a volume failed (HTTP 500, `storage_execute_internal-error`;
 * upstream: a `RuntimeError`). Put the mount point in `data`.
 */
export class VolumeMountFailed extends BackendAIError {
  /** The code of every error of this class: `storage_execute_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE,
    ErrorOperation.EXECUTE,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/volume-mount-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Volume mount failed";
}

/**
 * Unmounting a volume failed (HTTP 500, `storage_execute_internal-error`;
 * upstream: a `RuntimeError`). Put the mount point in `data`.
 */
export class VolumeUnmountFailed extends BackendAIError {
  /** The code of every error of this class: `storage_execute_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.STORAGE,
    ErrorOperation.EXECUTE,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/volume-unmount-failed";
  /** The problem title. */
  override readonly errorTitle: string = "Volume unmount failed";
}

/**
 * The base of the NFS mount check errors; abstract, as upstream (its status
 * and code are the subclass's).
 */
export abstract class BaseNFSMountCheckFailed extends BackendAIError {
}

/**
 * The `showmount` command failed (HTTP 500,
 * `external-system_read_internal-error`).
 */
export class ShowmountFailed extends BaseNFSMountCheckFailed {
  /** The code of every error of this class: `external-system_read_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/showmount-failed";
  /** The problem title. */
  override readonly errorTitle: string = "showmount command failed";
}

/**
 * The `showmount` command is not installed (HTTP 404,
 * `external-system_read_not-found`).
 */
export class ShowmountNotFound extends BaseNFSMountCheckFailed {
  /** The code of every error of this class: `external-system_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/showmount-not-found";
  /** The problem title. */
  override readonly errorTitle: string = "showmount command not found";
}

/**
 * The NFS server does not export the path (HTTP 404,
 * `external-system_read_not-found`).
 */
export class ExportPathNotFound extends BaseNFSMountCheckFailed {
  /** The code of every error of this class: `external-system_read_not-found`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.NOT_FOUND,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 404;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/nfs-export-path-not-found";
  /** The problem title. */
  override readonly errorTitle: string =
    "NFS export path not found on the server";
}

/**
 * The NFS server did not answer in time (HTTP 408,
 * `external-system_read_timeout`).
 */
export class NFSTimeoutError extends BaseNFSMountCheckFailed {
  /** The code of every error of this class: `external-system_read_timeout`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.TIMEOUT,
  );
  /** The HTTP status of this error. */
  override readonly status: number = 408;
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/nfs-timeout";
  /** The problem title. */
  override readonly errorTitle: string =
    "NFS server is not reachable (timeout)";
}

/**
 * An unexpected NFS error (HTTP 500, `external-system_read_internal-error`).
 */
export class NFSUnexpectedError extends BaseNFSMountCheckFailed {
  /** The code of every error of this class: `external-system_read_internal-error`. */
  static override readonly code: ErrorCode = new ErrorCode(
    ErrorDomain.EXTERNAL_SYSTEM,
    ErrorOperation.READ,
    ErrorDetail.INTERNAL_ERROR,
  );
  /** The problem type URL. */
  override readonly errorType: string =
    "https://api.backend.ai/probs/nfs-unexpected-error";
  /** The problem title. */
  override readonly errorTitle: string = "Unexpected NFS error";
}
