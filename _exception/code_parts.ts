// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
/**
 * The three parts of an error code, as upstream's wire strings:
 * {@linkcode ErrorDomain}, {@linkcode ErrorOperation} and {@linkcode ErrorDetail}.
 *
 * @module
 */

/**
 * The domain part of an {@linkcode ErrorCode}: which part of the platform failed.
 * Values are upstream's wire strings.
 *
 * @example Usage
 * ```ts
 * import { ErrorDomain } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorDomain.MESSAGE_QUEUE, "message-queue");
 * ```
 */
export const ErrorDomain = {
  BACKENDAI: "backendai",
  API: "api",
  AUTH: "auth",
  ARTIFACT: "artifact",
  ARTIFACT_REGISTRY: "artifact-registry",
  ARTIFACT_ASSOCIATION: "artifact-association",
  OBJECT_STORAGE: "object-storage",
  VFS_STORAGE: "vfs-storage",
  STORAGE_NAMESPACE: "storage-namespace",
  PLUGIN: "plugin",
  BGTASK: "bgtask",
  LEADER_ELECTION: "leader-election",
  KERNEL: "kernel",
  USER: "user",
  KEYPAIR: "keypair",
  SESSION: "session",
  GROUP: "group",
  DOMAIN: "domain",
  IMAGE: "image",
  IMAGE_ALIAS: "image-alias",
  TEMPLATE: "template",
  CONTAINER_REGISTRY: "container-registry",
  SCALING_GROUP: "scaling-group",
  INSTANCE: "instance",
  ENDPOINT: "endpoint",
  ENDPOINT_AUTO_SCALING: "endpoint-auto-scaling",
  ROUTE: "route",
  DOTFILE: "dotfile",
  VFOLDER: "vfolder",
  QUOTA_SCOPE: "quota-scope",
  VFOLDER_INVITATION: "vfolder-invitation",
  MODEL_CARD: "model-card",
  MODEL_SERVICE: "model-service",
  MODEL_DEPLOYMENT: "model-deployment",
  RESOURCE_PRESET: "resource-preset",
  STORAGE: "storage",
  WATCHER: "watcher",
  AGENT: "agent",
  KERNEL_REGISTRY: "kernel-registry",
  PERMISSION: "permission",
  ROLE: "role",
  METRIC: "metric",
  STORAGE_PROXY: "storage-proxy",
  APPPROXY: "appproxy",
  MESSAGE_QUEUE: "message-queue",
  EVENT: "event",
  NOTIFICATION: "notification",
  HEALTH_CHECK: "health-check",
  KEYPAIR_RESOURCE_POLICY: "keypair-resource-policy",
  DATABASE: "database",
  USER_RESOURCE_POLICY: "user-resource-policy",
  PROMETHEUS_QUERY_PRESET: "prometheus-query-preset",
  PROMETHEUS_QUERY_PRESET_CATEGORY: "prometheus-query-preset-category",
  RUNTIME_VARIANT: "runtime-variant",
  ROLE_INVITATION: "role-invitation",
  RETENTION_POLICY: "retention-policy",
  EXTERNAL_SYSTEM: "external-system",
} as const;
/** One of the {@linkcode ErrorDomain} wire strings. */
export type ErrorDomain = typeof ErrorDomain[keyof typeof ErrorDomain];

/**
 * The operation part of an {@linkcode ErrorCode}: what was being done.
 *
 * @example Usage
 * ```ts
 * import { ErrorOperation } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorOperation.HARD_DELETE, "purge");
 * ```
 */
export const ErrorOperation = {
  GENERIC: "generic",
  CREATE: "create",
  ACCESS: "access",
  READ: "read",
  UPDATE: "update",
  START: "start",
  SOFT_DELETE: "soft-delete",
  HARD_DELETE: "purge",
  LIST: "list-query",
  AUTH: "auth",
  HOOK: "hook",
  REQUEST: "request",
  PARSING: "parsing",
  EXECUTE: "execute",
  SCHEDULE: "schedule",
  SETUP: "setup",
  GRANT: "grant",
  CHECK_LIMIT: "check-limit",
} as const;
/** One of the {@linkcode ErrorOperation} wire strings. */
export type ErrorOperation = typeof ErrorOperation[keyof typeof ErrorOperation];

/**
 * The detail part of an {@linkcode ErrorCode}: what kind of failure it was.
 *
 * @example Usage
 * ```ts
 * import { ErrorDetail } from "@backendai/common/exception";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ErrorDetail.NOT_FOUND, "not-found");
 * ```
 */
export const ErrorDetail = {
  BAD_REQUEST: "bad-request",
  NOT_FOUND: "not-found",
  GONE: "gone",
  CONFLICT: "conflict",
  ALREADY_EXISTS: "already-exists",
  INVALID_PARAMETERS: "invalid-parameters",
  DATA_EXPIRED: "data-expired",
  FORBIDDEN: "forbidden",
  UNAUTHORIZED: "unauthorized",
  INCOMPLETE_USER_PROFILE: "incomplete-user-profile",
  NOT_READY: "not-ready",
  INVALID_DATA_FORMAT: "invalid-data-format",
  INTERNAL_ERROR: "internal-error",
  UNAVAILABLE: "unavailable",
  UNREACHABLE: "unreachable",
  TASK_TIMEOUT: "task-timeout",
  CANCELED: "canceled",
  NOT_IMPLEMENTED: "not-implemented",
  DEPRECATED: "deprecated",
  MISMATCH: "mismatch",
  TIMEOUT: "timeout",
  CONTENT_TYPE_MISMATCH: "content-type-mismatch",
} as const;
/** One of the {@linkcode ErrorDetail} wire strings. */
export type ErrorDetail = typeof ErrorDetail[keyof typeof ErrorDetail];
