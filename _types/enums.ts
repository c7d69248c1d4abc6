// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * Shared enums. Values are upstream's wire strings, verbatim. Enums that are
 * case-insensitive upstream (`CIStrEnum`) also have a `parseX()` function.
 *
 * @module
 */

import { InvalidEnumValueError } from "./errors.ts";

function invalidMember(
  enumName: string,
  value: unknown,
): InvalidEnumValueError {
  const shown = typeof value === "string" ? `"${value}"` : String(value);
  return new InvalidEnumValueError(
    `Cannot parse ${shown} as ${enumName}: not a member`,
    { data: { enum: enumName, value } },
  );
}

function parseCaseInsensitive<T extends string>(
  enumName: string,
  members: Readonly<Record<string, T>>,
  value: string,
): T {
  if (typeof value === "string") {
    const lowered = value.toLowerCase();
    for (const member of Object.values(members)) {
      if (member.toLowerCase() === lowered) return member;
    }
  }
  throw invalidMember(enumName, value);
}

/**
 * The kind of a compute session. Case-insensitive upstream.
 *
 * @example Usage
 * ```ts
 * import { SessionTypes } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionTypes.INTERACTIVE, "interactive");
 * ```
 */
export const SessionTypes = {
  INTERACTIVE: "interactive",
  BATCH: "batch",
  INFERENCE: "inference",
  SYSTEM: "system",
} as const;
/** One of the {@linkcode SessionTypes} wire strings. */
export type SessionTypes = typeof SessionTypes[keyof typeof SessionTypes];

/**
 * Parses a session type, ignoring case.
 *
 * @param value The input.
 * @returns The member.
 * @throws {InvalidEnumValueError} If `value` is not a session type.
 *
 * @example Usage
 * ```ts
 * import { parseSessionTypes } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseSessionTypes("BATCH"), "batch");
 * ```
 */
export function parseSessionTypes(value: string): SessionTypes {
  return parseCaseInsensitive("SessionTypes", SessionTypes, value);
}

/**
 * Whether a session type is private (hidden from users). Upstream's only
 * private type is `system`.
 *
 * @param type The session type.
 * @returns `true` for private types.
 *
 * @example Usage
 * ```ts
 * import { isPrivateSessionType, SessionTypes } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isPrivateSessionType(SessionTypes.SYSTEM), true);
 * assert.equal(isPrivateSessionType(SessionTypes.BATCH), false);
 * ```
 */
export function isPrivateSessionType(type: SessionTypes): boolean {
  return type === SessionTypes.SYSTEM;
}

/**
 * How a session ended. Case-insensitive upstream.
 *
 * @example Usage
 * ```ts
 * import { SessionResult } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionResult.FAILURE, "failure");
 * ```
 */
export const SessionResult = {
  UNDEFINED: "undefined",
  SUCCESS: "success",
  FAILURE: "failure",
} as const;
/** One of the {@linkcode SessionResult} wire strings. */
export type SessionResult = typeof SessionResult[keyof typeof SessionResult];

/**
 * Parses a session result, ignoring case.
 *
 * @param value The input.
 * @returns The member.
 * @throws {InvalidEnumValueError} If `value` is not a session result.
 *
 * @example Usage
 * ```ts
 * import { parseSessionResult } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseSessionResult("Success"), "success");
 * ```
 */
export function parseSessionResult(value: string): SessionResult {
  return parseCaseInsensitive("SessionResult", SessionResult, value);
}

/**
 * A user's role. Case-insensitive upstream (`data/user/types.py`).
 *
 * @example Usage
 * ```ts
 * import { UserRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(UserRole.SUPERADMIN, "superadmin");
 * ```
 */
export const UserRole = {
  SUPERADMIN: "superadmin",
  ADMIN: "admin",
  USER: "user",
  MONITOR: "monitor",
} as const;
/** One of the {@linkcode UserRole} wire strings. */
export type UserRole = typeof UserRole[keyof typeof UserRole];

/**
 * Parses a user role, ignoring case.
 *
 * @param value The input.
 * @returns The member.
 * @throws {InvalidEnumValueError} If `value` is not a role.
 *
 * @example Usage
 * ```ts
 * import { parseUserRole } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseUserRole("SuperAdmin"), "superadmin");
 * ```
 */
export function parseUserRole(value: string): UserRole {
  return parseCaseInsensitive("UserRole", UserRole, value);
}

/**
 * What a virtual folder is used for. Case-insensitive upstream.
 *
 * @example Usage
 * ```ts
 * import { VFolderUsageMode } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFolderUsageMode.MODEL, "model");
 * ```
 */
export const VFolderUsageMode = {
  GENERAL: "general",
  MODEL: "model",
  DATA: "data",
} as const;
/** One of the {@linkcode VFolderUsageMode} wire strings. */
export type VFolderUsageMode =
  typeof VFolderUsageMode[keyof typeof VFolderUsageMode];

/**
 * Parses a vfolder usage mode, ignoring case.
 *
 * @param value The input.
 * @returns The member.
 * @throws {InvalidEnumValueError} If `value` is not a usage mode.
 *
 * @example Usage
 * ```ts
 * import { parseVFolderUsageMode } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseVFolderUsageMode("DATA"), "data");
 * ```
 */
export function parseVFolderUsageMode(value: string): VFolderUsageMode {
  return parseCaseInsensitive("VFolderUsageMode", VFolderUsageMode, value);
}

/**
 * Whether a session's kernels share one node.
 *
 * @example Usage
 * ```ts
 * import { ClusterMode } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ClusterMode.MULTI_NODE, "multi-node");
 * ```
 */
export const ClusterMode = {
  SINGLE_NODE: "single-node",
  MULTI_NODE: "multi-node",
} as const;
/** One of the {@linkcode ClusterMode} wire strings. */
export type ClusterMode = typeof ClusterMode[keyof typeof ClusterMode];

/**
 * Parses a cluster mode, ignoring case and accepting the member names
 * `single_node`/`multi_node` as well as the values, as upstream does (the
 * database, GraphQL and REST layers mix both spellings).
 *
 * @param value The input.
 * @returns The member.
 * @throws {InvalidEnumValueError} If `value` is neither spelling.
 *
 * @example Usage
 * ```ts
 * import { parseClusterMode } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseClusterMode("SINGLE_NODE"), "single-node");
 * assert.equal(parseClusterMode("multi-node"), "multi-node");
 * ```
 */
export function parseClusterMode(value: string): ClusterMode {
  if (typeof value === "string") {
    switch (value.toLowerCase()) {
      case "single-node":
      case "single_node":
        return ClusterMode.SINGLE_NODE;
      case "multi-node":
      case "multi_node":
        return ClusterMode.MULTI_NODE;
    }
  }
  throw invalidMember("ClusterMode", value);
}

/**
 * A container's state as the container runtime reports it.
 *
 * @example Usage
 * ```ts
 * import { ContainerStatus } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ContainerStatus.EXITED, "exited");
 * ```
 */
export const ContainerStatus = {
  CREATED: "created",
  RUNNING: "running",
  RESTARTING: "restarting",
  PAUSED: "paused",
  EXITED: "exited",
  DEAD: "dead",
  REMOVING: "removing",
} as const;
/** One of the {@linkcode ContainerStatus} wire strings. */
export type ContainerStatus =
  typeof ContainerStatus[keyof typeof ContainerStatus];

/**
 * The container states upstream counts as active (`ContainerStatus.active_set()`).
 *
 * @example Usage
 * ```ts
 * import { CONTAINER_STATUS_ACTIVE_SET } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.ok(CONTAINER_STATUS_ACTIVE_SET.has("paused"));
 * assert.ok(!CONTAINER_STATUS_ACTIVE_SET.has("created"));
 * ```
 */
export const CONTAINER_STATUS_ACTIVE_SET: ReadonlySet<ContainerStatus> =
  new Set<
    ContainerStatus
  >([
    ContainerStatus.RUNNING,
    ContainerStatus.RESTARTING,
    ContainerStatus.PAUSED,
  ]);

/**
 * The container states upstream counts as dead (`ContainerStatus.dead_set()`).
 *
 * @example Usage
 * ```ts
 * import { CONTAINER_STATUS_DEAD_SET } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.ok(CONTAINER_STATUS_DEAD_SET.has("removing"));
 * ```
 */
export const CONTAINER_STATUS_DEAD_SET: ReadonlySet<ContainerStatus> = new Set<
  ContainerStatus
>([ContainerStatus.EXITED, ContainerStatus.DEAD, ContainerStatus.REMOVING]);

/**
 * A kernel's lifecycle state on the agent side.
 *
 * @example Usage
 * ```ts
 * import { KernelLifecycleStatus } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(KernelLifecycleStatus.NOT_REGISTERED, "not_registered");
 * ```
 */
export const KernelLifecycleStatus = {
  PREPARING: "preparing",
  RUNNING: "running",
  TERMINATING: "terminating",
  NOT_REGISTERED: "not_registered",
  CONTAINER_NOT_FOUND: "container_not_found",
} as const;
/** One of the {@linkcode KernelLifecycleStatus} wire strings. */
export type KernelLifecycleStatus =
  typeof KernelLifecycleStatus[keyof typeof KernelLifecycleStatus];

/**
 * The protocol of a service port exposed by a kernel.
 *
 * @example Usage
 * ```ts
 * import { ServicePortProtocols } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(Object.values(ServicePortProtocols), ["http", "tcp", "preopen", "internal", "vnc", "rdp"]);
 * ```
 */
export const ServicePortProtocols = {
  HTTP: "http",
  TCP: "tcp",
  PREOPEN: "preopen",
  INTERNAL: "internal",
  VNC: "vnc",
  RDP: "rdp",
} as const;
/** One of the {@linkcode ServicePortProtocols} wire strings. */
export type ServicePortProtocols =
  typeof ServicePortProtocols[keyof typeof ServicePortProtocols];

/**
 * A mount's permission. Ordered `ro` < `rw` < `wd`.
 *
 * @example Usage
 * ```ts
 * import { MountPermission } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MountPermission.RW_DELETE, "wd");
 * ```
 */
export const MountPermission = {
  READ_ONLY: "ro",
  READ_WRITE: "rw",
  RW_DELETE: "wd",
} as const;
/** One of the {@linkcode MountPermission} wire strings. */
export type MountPermission =
  typeof MountPermission[keyof typeof MountPermission];

const MOUNT_PERMISSION_ORDER: Readonly<Record<MountPermission, number>> = {
  ro: 0,
  rw: 1,
  wd: 2,
};

/**
 * Caps a requested permission at a ceiling and returns the more restrictive
 * of the two (upstream `ceiling.cap(requested)`). An absent request means "no
 * override" and yields the ceiling.
 *
 * @param ceiling The most the vfolder grants.
 * @param requested The caller's request.
 * @returns The capped permission.
 *
 * @example Usage
 * ```ts
 * import { capMountPermission } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(capMountPermission("rw", "wd"), "rw");
 * assert.equal(capMountPermission("rw", "ro"), "ro");
 * assert.equal(capMountPermission("ro", undefined), "ro");
 * ```
 */
export function capMountPermission(
  ceiling: MountPermission,
  requested: MountPermission | undefined,
): MountPermission {
  if (requested === undefined) return ceiling;
  return MOUNT_PERMISSION_ORDER[requested] > MOUNT_PERMISSION_ORDER[ceiling]
    ? ceiling
    : requested;
}

/**
 * Whether one permission grants more than another (upstream `a.exceeds(b)`).
 *
 * @param permission The permission to test.
 * @param other The permission to compare with.
 * @returns `true` if `permission` is strictly stronger.
 *
 * @example Usage
 * ```ts
 * import { mountPermissionExceeds } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(mountPermissionExceeds("wd", "rw"), true);
 * assert.equal(mountPermissionExceeds("rw", "rw"), false);
 * ```
 */
export function mountPermissionExceeds(
  permission: MountPermission,
  other: MountPermission,
): boolean {
  return MOUNT_PERMISSION_ORDER[permission] > MOUNT_PERMISSION_ORDER[other];
}

/**
 * How a path is mounted into a container.
 *
 * @example Usage
 * ```ts
 * import { MountTypes } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(MountTypes.K8S_HOSTPATH, "k8s-hostpath");
 * ```
 */
export const MountTypes = {
  VOLUME: "volume",
  BIND: "bind",
  TMPFS: "tmpfs",
  OVERLAY: "overlay",
  K8S_GENERIC: "k8s-generic",
  K8S_HOSTPATH: "k8s-hostpath",
} as const;
/** One of the {@linkcode MountTypes} wire strings. */
export type MountTypes = typeof MountTypes[keyof typeof MountTypes];

/**
 * An atomic permission on a storage host, granted to an access key.
 *
 * @example Usage
 * ```ts
 * import { VFolderHostPermission } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(VFolderHostPermission.SET_USER_PERM, "set-user-specific-permission");
 * ```
 */
export const VFolderHostPermission = {
  CREATE: "create-vfolder",
  MODIFY: "modify-vfolder",
  DELETE: "delete-vfolder",
  MOUNT_IN_SESSION: "mount-in-session",
  UPLOAD_FILE: "upload-file",
  DOWNLOAD_FILE: "download-file",
  INVITE_OTHERS: "invite-others",
  SET_USER_PERM: "set-user-specific-permission",
} as const;
/** One of the {@linkcode VFolderHostPermission} wire strings. */
export type VFolderHostPermission =
  typeof VFolderHostPermission[keyof typeof VFolderHostPermission];

/**
 * When an agent pulls an image again.
 *
 * @example Usage
 * ```ts
 * import { AutoPullBehavior } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AutoPullBehavior.DIGEST, "digest");
 * ```
 */
export const AutoPullBehavior = {
  DIGEST: "digest",
  TAG: "tag",
  NONE: "none",
} as const;
/** One of the {@linkcode AutoPullBehavior} wire strings. */
export type AutoPullBehavior =
  typeof AutoPullBehavior[keyof typeof AutoPullBehavior];

/**
 * How the scheduler picks an agent for a kernel.
 *
 * @example Usage
 * ```ts
 * import { AgentSelectionStrategy } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(AgentSelectionStrategy.ROUNDROBIN, "roundrobin");
 * ```
 */
export const AgentSelectionStrategy = {
  DISPERSED: "dispersed",
  CONCENTRATED: "concentrated",
  ROUNDROBIN: "roundrobin",
  LEGACY: "legacy",
} as const;
/** One of the {@linkcode AgentSelectionStrategy} wire strings. */
export type AgentSelectionStrategy =
  typeof AgentSelectionStrategy[keyof typeof AgentSelectionStrategy];

/**
 * Which backend stores the service discovery catalog.
 *
 * @example Usage
 * ```ts
 * import { ServiceDiscoveryType } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ServiceDiscoveryType.REDIS, "redis");
 * ```
 */
export const ServiceDiscoveryType = {
  ETCD: "etcd",
  REDIS: "redis",
} as const;
/** One of the {@linkcode ServiceDiscoveryType} wire strings. */
export type ServiceDiscoveryType =
  typeof ServiceDiscoveryType[keyof typeof ServiceDiscoveryType];

/**
 * The health of a service in the discovery catalog.
 *
 * @example Usage
 * ```ts
 * import { ServiceCatalogStatus } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ServiceCatalogStatus.DEREGISTERED, "deregistered");
 * ```
 */
export const ServiceCatalogStatus = {
  HEALTHY: "healthy",
  UNHEALTHY: "unhealthy",
  DEREGISTERED: "deregistered",
} as const;
/** One of the {@linkcode ServiceCatalogStatus} wire strings. */
export type ServiceCatalogStatus =
  typeof ServiceCatalogStatus[keyof typeof ServiceCatalogStatus];

/**
 * The state of a session's execution (batch or model service).
 *
 * @example Usage
 * ```ts
 * import { SessionExecutionStatus } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(SessionExecutionStatus.CANCELED, "canceled");
 * ```
 */
export const SessionExecutionStatus = {
  STARTED: "started",
  FINISHED: "finished",
  CANCELED: "canceled",
  TIMEOUT: "timeout",
} as const;
/** One of the {@linkcode SessionExecutionStatus} wire strings. */
export type SessionExecutionStatus =
  typeof SessionExecutionStatus[keyof typeof SessionExecutionStatus];

/**
 * Whether a resource group runs compute sessions or serves storage.
 *
 * @example Usage
 * ```ts
 * import { ResourceGroupType } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ResourceGroupType.STORAGE, "storage");
 * ```
 */
export const ResourceGroupType = {
  COMPUTE: "compute",
  STORAGE: "storage",
} as const;
/** One of the {@linkcode ResourceGroupType} wire strings. */
export type ResourceGroupType =
  typeof ResourceGroupType[keyof typeof ResourceGroupType];

/**
 * The owner kind of a storage quota scope.
 *
 * @example Usage
 * ```ts
 * import { QuotaScopeType } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(QuotaScopeType.PROJECT, "project");
 * ```
 */
export const QuotaScopeType = {
  USER: "user",
  PROJECT: "project",
} as const;
/** One of the {@linkcode QuotaScopeType} wire strings. */
export type QuotaScopeType = typeof QuotaScopeType[keyof typeof QuotaScopeType];

/**
 * Why a kernel was created, restarted or terminated, as carried by kernel
 * lifecycle events (upstream `events/event_types/kernel/types.py`).
 *
 * @example Usage
 * ```ts
 * import { KernelLifecycleEventReason } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(KernelLifecycleEventReason.IDLE_TIMEOUT, "idle-timeout");
 * assert.equal(Object.keys(KernelLifecycleEventReason).length, 30);
 * ```
 */
export const KernelLifecycleEventReason = {
  AGENT_TERMINATION: "agent-termination",
  ALREADY_TERMINATED: "already-terminated",
  ANOMALY_DETECTED: "anomaly-detected",
  EXEC_TIMEOUT: "exec-timeout",
  FAILED_TO_CREATE: "failed-to-create",
  FAILED_TO_START: "failed-to-start",
  FORCE_TERMINATED: "force-terminated",
  BOOTSTRAP_TIMEOUT: "bootstrap-timeout",
  HANG_TIMEOUT: "hang-timeout",
  IDLE_TIMEOUT: "idle-timeout",
  IDLE_SESSION_LIFETIME: "idle-session-lifetime",
  IDLE_UTILIZATION: "idle-utilization",
  KILLED_BY_EVENT: "killed-by-event",
  SERVICE_SCALED_DOWN: "service-scaled-down",
  NEW_CONTAINER_STARTED: "new-container-started",
  PENDING_TIMEOUT: "pending-timeout",
  RESTARTING: "restarting",
  RESTART_TIMEOUT: "restart-timeout",
  RESUMING_AGENT_OPERATION: "resuming-agent-operation",
  SELF_TERMINATED: "self-terminated",
  TASK_FAILED: "task-failed",
  TASK_TIMEOUT: "task-timeout",
  TASK_CANCELLED: "task-cancelled",
  TASK_FINISHED: "task-finished",
  TERMINATED_UNKNOWN_CONTAINER: "terminated-unknown-container",
  UNKNOWN: "unknown",
  USER_REQUESTED: "user-requested",
  USER_PURGED: "user-purged",
  NOT_FOUND_IN_MANAGER: "not-found-in-manager",
  CONTAINER_NOT_FOUND: "container-not-found",
} as const;
/** One of the {@linkcode KernelLifecycleEventReason} wire strings. */
export type KernelLifecycleEventReason =
  typeof KernelLifecycleEventReason[keyof typeof KernelLifecycleEventReason];

const KERNEL_LIFECYCLE_EVENT_REASONS: ReadonlySet<string> = new Set(
  Object.values(KernelLifecycleEventReason),
);

/**
 * Looks up a kernel lifecycle event reason by its exact (case-sensitive)
 * value, as upstream's `KernelLifecycleEventReason.from_value()` does.
 *
 * @param value The wire string, or nothing.
 * @returns The member, or `undefined` for an absent or unknown value.
 *
 * @example Usage
 * ```ts
 * import { kernelLifecycleEventReasonFromValue } from "@backendai/common/types";
 * import assert from "node:assert/strict";
 *
 * assert.equal(kernelLifecycleEventReasonFromValue("user-requested"), "user-requested");
 * assert.equal(kernelLifecycleEventReasonFromValue("no-such-reason"), undefined);
 * assert.equal(kernelLifecycleEventReasonFromValue(null), undefined);
 * ```
 */
export function kernelLifecycleEventReasonFromValue(
  value: string | null | undefined,
): KernelLifecycleEventReason | undefined {
  if (typeof value !== "string") return undefined;
  return KERNEL_LIFECYCLE_EVENT_REASONS.has(value)
    ? value as KernelLifecycleEventReason
    : undefined;
}
