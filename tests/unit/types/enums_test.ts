// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
import assert from "node:assert/strict";
import {
  AgentSelectionStrategy,
  AutoPullBehavior,
  capMountPermission,
  ClusterMode,
  CONTAINER_STATUS_ACTIVE_SET,
  CONTAINER_STATUS_DEAD_SET,
  ContainerStatus,
  InvalidEnumValueError,
  isPrivateSessionType,
  KernelLifecycleEventReason,
  kernelLifecycleEventReasonFromValue,
  KernelLifecycleStatus,
  MountPermission,
  mountPermissionExceeds,
  MountTypes,
  parseClusterMode,
  parseSessionResult,
  parseSessionTypes,
  parseUserRole,
  parseVFolderUsageMode,
  QuotaScopeType,
  ResourceGroupType,
  ServiceCatalogStatus,
  ServiceDiscoveryType,
  ServicePortProtocols,
  SessionExecutionStatus,
  SessionResult,
  SessionTypes,
  UserRole,
  VFolderHostPermission,
  VFolderUsageMode,
} from "../../../types.ts";

Deno.test("enum values are upstream's wire strings", () => {
  assert.deepEqual(Object.values(SessionTypes), [
    "interactive",
    "batch",
    "inference",
    "system",
  ]);
  assert.deepEqual(Object.values(SessionResult), [
    "undefined",
    "success",
    "failure",
  ]);
  assert.deepEqual(Object.values(UserRole), [
    "superadmin",
    "admin",
    "user",
    "monitor",
  ]);
  assert.deepEqual(Object.values(VFolderUsageMode), [
    "general",
    "model",
    "data",
  ]);
  assert.deepEqual(Object.values(ClusterMode), ["single-node", "multi-node"]);
  assert.deepEqual(Object.values(ContainerStatus), [
    "created",
    "running",
    "restarting",
    "paused",
    "exited",
    "dead",
    "removing",
  ]);
  assert.deepEqual(Object.values(KernelLifecycleStatus), [
    "preparing",
    "running",
    "terminating",
    "not_registered",
    "container_not_found",
  ]);
  assert.deepEqual(Object.values(ServicePortProtocols), [
    "http",
    "tcp",
    "preopen",
    "internal",
    "vnc",
    "rdp",
  ]);
  assert.deepEqual(Object.values(MountPermission), ["ro", "rw", "wd"]);
  assert.deepEqual(Object.values(MountTypes), [
    "volume",
    "bind",
    "tmpfs",
    "overlay",
    "k8s-generic",
    "k8s-hostpath",
  ]);
  assert.deepEqual(Object.values(VFolderHostPermission), [
    "create-vfolder",
    "modify-vfolder",
    "delete-vfolder",
    "mount-in-session",
    "upload-file",
    "download-file",
    "invite-others",
    "set-user-specific-permission",
  ]);
  assert.deepEqual(Object.values(AutoPullBehavior), ["digest", "tag", "none"]);
  assert.deepEqual(Object.values(AgentSelectionStrategy), [
    "dispersed",
    "concentrated",
    "roundrobin",
    "legacy",
  ]);
  assert.deepEqual(Object.values(ServiceDiscoveryType), ["etcd", "redis"]);
  assert.deepEqual(Object.values(ServiceCatalogStatus), [
    "healthy",
    "unhealthy",
    "deregistered",
  ]);
  assert.deepEqual(Object.values(SessionExecutionStatus), [
    "started",
    "finished",
    "canceled",
    "timeout",
  ]);
  assert.deepEqual(Object.values(ResourceGroupType), ["compute", "storage"]);
  assert.deepEqual(Object.values(QuotaScopeType), ["user", "project"]);
});

Deno.test("KernelLifecycleEventReason has upstream's 30 kebab-case reasons", () => {
  const values = Object.values(KernelLifecycleEventReason);
  assert.equal(values.length, 30);
  assert.equal(new Set(values).size, 30);
  for (const v of values) assert.match(v, /^[a-z]+(-[a-z]+)*$/);
  assert.equal(KernelLifecycleEventReason.USER_REQUESTED, "user-requested");
  assert.equal(KernelLifecycleEventReason.TASK_CANCELLED, "task-cancelled");
  assert.equal(
    KernelLifecycleEventReason.NOT_FOUND_IN_MANAGER,
    "not-found-in-manager",
  );
  assert.equal(
    KernelLifecycleEventReason.TERMINATED_UNKNOWN_CONTAINER,
    "terminated-unknown-container",
  );
});

Deno.test("kernelLifecycleEventReasonFromValue() returns the member or undefined", () => {
  for (const v of Object.values(KernelLifecycleEventReason)) {
    assert.equal(kernelLifecycleEventReasonFromValue(v), v);
  }
  assert.equal(
    kernelLifecycleEventReasonFromValue("no-such-reason"),
    undefined,
  );
  assert.equal(
    kernelLifecycleEventReasonFromValue("USER-REQUESTED"),
    undefined,
  ); // case-sensitive
  assert.equal(
    kernelLifecycleEventReasonFromValue("USER_REQUESTED"),
    undefined,
  ); // names are not values
  assert.equal(kernelLifecycleEventReasonFromValue(""), undefined);
  assert.equal(kernelLifecycleEventReasonFromValue(null), undefined);
  assert.equal(kernelLifecycleEventReasonFromValue(undefined), undefined);
});

Deno.test("parseX() for CIStrEnums ignore case", () => {
  assert.equal(parseSessionTypes("interactive"), "interactive");
  assert.equal(parseSessionTypes("INFERENCE"), "inference");
  assert.equal(parseSessionTypes("SyStEm"), "system");
  assert.equal(parseSessionResult("UNDEFINED"), "undefined");
  assert.equal(parseUserRole("ADMIN"), "admin");
  assert.equal(parseUserRole("Monitor"), "monitor");
  assert.equal(parseUserRole("user"), "user");
  assert.equal(parseVFolderUsageMode("General"), "general");
});

Deno.test("parseX() reject unknown values with InvalidEnumValueError naming the enum", () => {
  const cases: [(v: string) => string, string, string][] = [
    [parseSessionTypes, "SessionTypes", "batches"],
    [parseSessionTypes, "SessionTypes", ""],
    [parseSessionTypes, "SessionTypes", " batch"],
    [parseSessionResult, "SessionResult", "ok"],
    [parseUserRole, "UserRole", "root"],
    [parseUserRole, "UserRole", "SUPER_ADMIN"],
    [parseVFolderUsageMode, "VFolderUsageMode", "models"],
    [parseClusterMode, "ClusterMode", "single"],
    [parseClusterMode, "ClusterMode", "single node"],
  ];
  for (const [parse, name, value] of cases) {
    assert.throws(() => parse(value), (err: unknown) => {
      assert.ok(err instanceof InvalidEnumValueError);
      assert.equal(err.status, 400);
      assert.deepEqual(err.data, { enum: name, value });
      assert.equal(
        err.message,
        `Cannot parse "${value}" as ${name}: not a member`,
      );
      return true;
    }, `${name} ${value}`);
  }
});

Deno.test("parseX() reject non-strings", () => {
  assert.throws(
    () => parseUserRole(1 as unknown as string),
    InvalidEnumValueError,
  );
  assert.throws(
    () => parseClusterMode(null as unknown as string),
    InvalidEnumValueError,
  );
});

Deno.test("parseClusterMode() accepts values and names in any case", () => {
  for (
    const v of ["single-node", "single_node", "SINGLE_NODE", "Single-Node"]
  ) {
    assert.equal(parseClusterMode(v), ClusterMode.SINGLE_NODE);
  }
  for (const v of ["multi-node", "multi_node", "MULTI_NODE", "Multi-Node"]) {
    assert.equal(parseClusterMode(v), ClusterMode.MULTI_NODE);
  }
});

Deno.test("isPrivateSessionType() is true only for system", () => {
  for (const t of Object.values(SessionTypes)) {
    assert.equal(isPrivateSessionType(t), t === "system");
  }
});

Deno.test("container status active and dead sets match upstream", () => {
  assert.deepEqual([...CONTAINER_STATUS_ACTIVE_SET].sort(), [
    "paused",
    "restarting",
    "running",
  ]);
  assert.deepEqual([...CONTAINER_STATUS_DEAD_SET].sort(), [
    "dead",
    "exited",
    "removing",
  ]);
});

Deno.test("capMountPermission() returns the more restrictive permission", () => {
  const order = ["ro", "rw", "wd"] as const;
  for (const ceiling of order) {
    for (const requested of order) {
      const expected = order.indexOf(requested) > order.indexOf(ceiling)
        ? ceiling
        : requested;
      assert.equal(
        capMountPermission(ceiling, requested),
        expected,
        `${ceiling} ${requested}`,
      );
    }
    assert.equal(capMountPermission(ceiling, undefined), ceiling);
  }
});

Deno.test("mountPermissionExceeds() is strict ordering ro < rw < wd", () => {
  assert.equal(mountPermissionExceeds("wd", "ro"), true);
  assert.equal(mountPermissionExceeds("rw", "ro"), true);
  assert.equal(mountPermissionExceeds("ro", "ro"), false);
  assert.equal(mountPermissionExceeds("ro", "wd"), false);
  assert.equal(mountPermissionExceeds("wd", "wd"), false);
});
