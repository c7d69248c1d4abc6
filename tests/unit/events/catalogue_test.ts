// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

// The wire contract of the upstream catalogue, one row per event: decoding
// a JSON body or a legacy msgpack tuple (with upstream's defaults), JSON
// text in upstream's field order with Python floats, domain ids, cache ids,
// the SSE projection, and what must not decode. Each row's inputs and
// expected values are those of the event's former doc example.

import assert from "node:assert/strict";
import {
  AGENT_EVENTS,
  AgentErrorEvent,
  AgentHeartbeatEvent,
  AgentImagesRemoveEvent,
  AgentInstalledImagesRemoveEvent,
  AgentStartedEvent,
  AgentStatusHeartbeatEvent,
  AgentTerminatedEvent,
  BGTASK_EVENTS,
  BgtaskCancelledEvent,
  BgtaskDoneEvent,
  BgtaskFailedEvent,
  BgtaskPartialSuccessEvent,
  BgtaskUpdatedEvent,
  DoAgentResourceCheckEvent,
  DoDeploymentLifecycleEvent,
  DoDeploymentLifecycleIfNeededEvent,
  DoReconcileProcessEvent,
  DoReconcileProcessIfNeededEvent,
  DoRouteLifecycleEvent,
  DoRouteLifecycleIfNeededEvent,
  DoSokovanProcessIfNeededEvent,
  DoSokovanProcessScheduleEvent,
  DoSweepStaleServicesEvent,
  DoSyncKernelLogsEvent,
  DoTerminateSessionAnycastEvent,
  DoTerminateSessionEvent,
  DoVolumeMountEvent,
  DoVolumeUnmountEvent,
  type EventDefinition,
  ExecutionCancelledEvent,
  ExecutionFinishedEvent,
  ExecutionStartedEvent,
  ExecutionTimeoutEvent,
  IMAGE_EVENTS,
  ImagePullFailedEvent,
  ImagePullFinishedEvent,
  ImagePullStartedEvent,
  KERNEL_ANYCAST_EVENTS,
  KERNEL_BROADCAST_EVENTS,
  KernelCancelledAnycastEvent,
  KernelCancelledBroadcastEvent,
  KernelCreatingAnycastEvent,
  KernelCreatingBroadcastEvent,
  KernelPreparingAnycastEvent,
  KernelPreparingBroadcastEvent,
  KernelPullingAnycastEvent,
  KernelPullingBroadcastEvent,
  KernelStartedAnycastEvent,
  KernelStartedBroadcastEvent,
  KernelTerminatedAnycastEvent,
  KernelTerminatedBroadcastEvent,
  KernelTerminatingAnycastEvent,
  KernelTerminatingBroadcastEvent,
  SCHEDULE_EVENTS,
  SchedulingEvent,
  SERVICE_DISCOVERY_EVENTS,
  ServiceDeregisteredEvent,
  ServiceRegisteredEvent,
  SESSION_ANYCAST_EVENTS,
  SESSION_BROADCAST_EVENTS,
  SessionCancelledAnycastEvent,
  SessionCancelledEvent,
  SessionCheckingPreconditionAnycastEvent,
  SessionCheckingPreconditionEvent,
  SessionEnqueuedAnycastEvent,
  SessionEnqueuedEvent,
  SessionFailureAnycastEvent,
  SessionFailureEvent,
  SessionPreparingEvent,
  SessionScheduledEvent,
  SessionStartedAnycastEvent,
  SessionStartedBroadcastEvent,
  SessionSuccessAnycastEvent,
  SessionSuccessEvent,
  SessionTerminatedAnycastEvent,
  SessionTerminatedBroadcastEvent,
  SessionTerminatingAnycastEvent,
  SessionTerminatingEvent,
  VFOLDER_EVENTS,
  VFolderCloneFailureEvent,
  VFolderCloneSuccessEvent,
  VFolderDeleteRequestEvent,
  VFolderDeletionFailureEvent,
  VFolderDeletionSuccessEvent,
  VOLUME_EVENTS,
  VolumeMountedEvent,
  VolumeUnmountedEvent,
} from "../../../events/mod.ts";

/** What a message carries to `decode`: a JSON body or a legacy tuple. */
interface Wire {
  body: unknown;
  legacyArgs?: readonly unknown[];
}

/** One event and what it must do on the wire. */
interface Row {
  event: EventDefinition<unknown>;
  name: string;
  pattern: "anycast" | "broadcast";
  /** The body under test is decoded from this... */
  decode?: Wire;
  /** ...or is this one, as is. */
  body?: unknown;
  /** Fields of that body, by dotted path (`endpoints.0.metadata`). */
  fields?: Record<string, unknown>;
  /** `encode(body)`, exactly. */
  json?: string;
  /** `domainId(body)` (`null`: the event does not route). */
  domainId?: string | null;
  /** `cacheId(body)`. */
  cacheId?: string;
  /** Fields of `userEvent(body)`: its event name and data. */
  userEvent?: { event?: string; data?: Record<string, unknown> };
  /** A message that must not decode. */
  rejects?: Wire;
}

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const KERNEL = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const SESSION = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const VFID = `user:${SESSION}/${KERNEL}`;

const ROWS: readonly Row[] = [
  // agent.ts
  {
    event: AgentStartedEvent,
    name: "agent_started",
    pattern: "anycast",
    body: { reason: "self-started" },
    json: '{"reason":"self-started"}',
  },
  {
    event: AgentTerminatedEvent,
    name: "agent_terminated",
    pattern: "anycast",
    body: { reason: "shutdown" },
    domainId: null,
  },
  {
    event: AgentErrorEvent,
    name: "agent_error",
    pattern: "anycast",
    decode: { body: { message: "disk full" } },
    fields: { severity: "ERROR", traceback: null },
  },
  {
    event: AgentHeartbeatEvent,
    name: "agent_heartbeat",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [{ region: "local" }] },
    fields: { agent_info: { region: "local" } },
  },
  {
    event: AgentImagesRemoveEvent,
    name: "agent_images_remove",
    pattern: "anycast",
  },
  {
    event: AgentInstalledImagesRemoveEvent,
    name: "agent_installed_images_remove",
    pattern: "anycast",
  },
  {
    event: DoAgentResourceCheckEvent,
    name: "do_agent_resource_check",
    pattern: "anycast",
    body: { agent_id: "i-1" },
    json: '{"agent_id":"i-1"}',
  },
  {
    event: AgentStatusHeartbeatEvent,
    name: "agent_status_heartbeat",
    pattern: "anycast",
    decode: { body: { agent_id: "i-1", containers: [] } },
    fields: { containers: [] },
  },
  // bgtask.ts
  {
    event: BgtaskUpdatedEvent,
    name: "bgtask_updated",
    pattern: "broadcast",
    body: {
      task_id: TASK,
      current_progress: 0,
      total_progress: 10,
      message: "Task started",
    },
    json: `{"task_id":"${TASK}","current_progress":0.0,` +
      '"total_progress":10.0,"message":"Task started"}',
  },
  {
    event: BgtaskDoneEvent,
    name: "bgtask_done",
    pattern: "broadcast",
    body: { task_id: TASK, message: null },
    cacheId: `bgtask.${TASK}`,
    userEvent: { data: { message: "None" } },
  },
  {
    event: BgtaskCancelledEvent,
    name: "bgtask_cancelled",
    pattern: "broadcast",
  },
  { event: BgtaskFailedEvent, name: "bgtask_failed", pattern: "broadcast" },
  {
    event: BgtaskPartialSuccessEvent,
    name: "bgtask_partial_success",
    pattern: "broadcast",
    decode: { body: { task_id: TASK, message: "ok" } },
    fields: { errors: [] },
    userEvent: { event: "bgtask_done" },
  },
  // image.ts
  {
    event: ImagePullStartedEvent,
    name: "image_pull_started",
    pattern: "anycast",
    decode: { body: null, legacyArgs: ["python:3.12", "i-1", 1700000000] },
    domainId: "python:3.12",
    json: '{"image":"python:3.12","agent_id":"i-1",' +
      '"timestamp":1700000000.0,"image_ref":null}',
  },
  {
    event: ImagePullFinishedEvent,
    name: "image_pull_finished",
    pattern: "anycast",
    decode: { body: { image: "x", agent_id: "i-1", timestamp: 1.5 } },
    fields: { msg: null },
  },
  {
    event: ImagePullFailedEvent,
    name: "image_pull_failed",
    pattern: "anycast",
  },
  // kernel.ts
  {
    event: KernelPreparingAnycastEvent,
    name: "kernel_preparing",
    pattern: "anycast",
    decode: { body: { kernel_id: KERNEL, session_id: SESSION } },
    fields: { creation_info: {} },
    domainId: KERNEL,
  },
  {
    event: KernelPullingAnycastEvent,
    name: "kernel_pulling",
    pattern: "anycast",
  },
  {
    event: KernelCreatingAnycastEvent,
    name: "kernel_creating",
    pattern: "anycast",
  },
  {
    event: KernelStartedAnycastEvent,
    name: "kernel_started",
    pattern: "anycast",
    decode: {
      body: null,
      legacyArgs: [KERNEL, SESSION, "", { container_id: "c1" }],
    },
    fields: { creation_info: { container_id: "c1" } },
  },
  {
    event: KernelCancelledAnycastEvent,
    name: "kernel_cancelled",
    pattern: "anycast",
  },
  {
    event: KernelTerminatingAnycastEvent,
    name: "kernel_terminating",
    pattern: "anycast",
    decode: { body: { kernel_id: KERNEL, session_id: SESSION } },
    fields: { exit_code: -1 },
    domainId: null,
  },
  {
    event: KernelTerminatedAnycastEvent,
    name: "kernel_terminated",
    pattern: "anycast",
  },
  {
    event: DoSyncKernelLogsEvent,
    name: "do_sync_kernel_logs",
    pattern: "anycast",
    body: { kernel_id: KERNEL, container_id: "c1" },
    json: `{"kernel_id":"${KERNEL}","container_id":"c1"}`,
  },
  {
    event: KernelPreparingBroadcastEvent,
    name: "kernel_preparing",
    pattern: "broadcast",
  },
  {
    event: KernelPullingBroadcastEvent,
    name: "kernel_pulling",
    pattern: "broadcast",
  },
  {
    event: KernelCreatingBroadcastEvent,
    name: "kernel_creating",
    pattern: "broadcast",
  },
  {
    event: KernelStartedBroadcastEvent,
    name: "kernel_started",
    pattern: "broadcast",
  },
  {
    event: KernelCancelledBroadcastEvent,
    name: "kernel_cancelled",
    pattern: "broadcast",
  },
  {
    event: KernelTerminatingBroadcastEvent,
    name: "kernel_terminating",
    pattern: "broadcast",
  },
  {
    event: KernelTerminatedBroadcastEvent,
    name: "kernel_terminated",
    pattern: "broadcast",
  },
  // schedule.ts
  {
    event: DoSokovanProcessIfNeededEvent,
    name: "do_sokovan_process_if_needed",
    pattern: "anycast",
    body: { schedule_type: "schedule" },
    json: '{"schedule_type":"schedule"}',
  },
  {
    event: DoSokovanProcessScheduleEvent,
    name: "do_sokovan_process_schedule",
    pattern: "anycast",
    decode: { body: null, legacyArgs: ["start"] },
    fields: { schedule_type: "start" },
  },
  {
    event: DoDeploymentLifecycleIfNeededEvent,
    name: "do_deployment_lifecycle_if_needed",
    pattern: "anycast",
  },
  {
    event: DoDeploymentLifecycleEvent,
    name: "do_deployment_lifecycle",
    pattern: "anycast",
  },
  {
    event: DoRouteLifecycleIfNeededEvent,
    name: "do_route_lifecycle_if_needed",
    pattern: "anycast",
  },
  {
    event: DoRouteLifecycleEvent,
    name: "do_route_lifecycle",
    pattern: "anycast",
    body: { lifecycle_type: "x" },
    domainId: null,
  },
  {
    event: DoReconcileProcessIfNeededEvent,
    name: "do_reconcile_process_if_needed",
    pattern: "anycast",
    body: { reconcile_type: "kernel" },
    json: '{"reconcile_type":"kernel"}',
  },
  {
    event: DoReconcileProcessEvent,
    name: "do_reconcile_process",
    pattern: "anycast",
  },
  // service_discovery.ts
  {
    event: ServiceRegisteredEvent,
    name: "service_registered",
    pattern: "anycast",
    decode: {
      body: {
        instance_id: "i-1",
        service_group: "manager",
        display_name: "Manager",
        version: "26.1.0",
        startup_time: "2026-11-28T12:00:00Z",
        endpoints: [{
          role: "main",
          scope: "private",
          address: "10.0.0.2",
          port: 8081,
          protocol: "http",
        }],
      },
    },
    fields: { "endpoints.0.metadata": {}, config_hash: "" },
  },
  {
    event: ServiceDeregisteredEvent,
    name: "service_deregistered",
    pattern: "anycast",
    body: { instance_id: "i-1", service_group: "manager" },
    json: '{"instance_id":"i-1","service_group":"manager"}',
  },
  {
    event: DoSweepStaleServicesEvent,
    name: "do_sweep_stale_services",
    pattern: "anycast",
    body: {},
    json: "{}",
  },
  // session.ts, broadcast
  {
    event: DoTerminateSessionEvent,
    name: "do_terminate_session",
    pattern: "broadcast",
    decode: { body: null, legacyArgs: [SESSION, "idle-timeout"] },
    fields: { reason: "idle-timeout" },
  },
  {
    event: SessionEnqueuedEvent,
    name: "session_enqueued",
    pattern: "broadcast",
    decode: { body: { session_id: SESSION, creation_id: "c-1" } },
    fields: { reason: "unknown" },
    domainId: SESSION,
  },
  {
    event: SessionScheduledEvent,
    name: "session_scheduled",
    pattern: "broadcast",
  },
  {
    event: SessionCheckingPreconditionEvent,
    name: "session_checking_precondition",
    pattern: "broadcast",
  },
  {
    event: SessionPreparingEvent,
    name: "session_preparing",
    pattern: "broadcast",
  },
  {
    event: SessionCancelledEvent,
    name: "session_cancelled",
    pattern: "broadcast",
  },
  {
    event: SessionStartedBroadcastEvent,
    name: "session_started",
    pattern: "broadcast",
  },
  {
    event: SessionTerminatingEvent,
    name: "session_terminating",
    pattern: "broadcast",
  },
  {
    event: SessionTerminatedBroadcastEvent,
    name: "session_terminated",
    pattern: "broadcast",
  },
  {
    event: SessionSuccessEvent,
    name: "session_success",
    pattern: "broadcast",
    decode: { body: { session_id: SESSION, exit_code: 0 } },
    fields: { exit_code: 0 },
  },
  {
    event: SessionFailureEvent,
    name: "session_failure",
    pattern: "broadcast",
  },
  {
    event: SchedulingEvent,
    name: "scheduling",
    pattern: "broadcast",
    decode: {
      body: null,
      legacyArgs: [SESSION, "c-1", "pending->scheduled", "ok"],
    },
    cacheId: `session_scheduler.${SESSION}`,
  },
  // session.ts, anycast
  {
    event: DoTerminateSessionAnycastEvent,
    name: "do_terminate_session",
    pattern: "anycast",
  },
  {
    event: SessionEnqueuedAnycastEvent,
    name: "session_enqueued",
    pattern: "anycast",
  },
  {
    event: SessionCheckingPreconditionAnycastEvent,
    name: "session_checking_precondition",
    pattern: "anycast",
  },
  {
    event: SessionCancelledAnycastEvent,
    name: "session_cancelled",
    pattern: "anycast",
  },
  {
    event: SessionStartedAnycastEvent,
    name: "session_started",
    pattern: "anycast",
  },
  {
    event: SessionTerminatingAnycastEvent,
    name: "session_terminating",
    pattern: "anycast",
  },
  {
    event: SessionTerminatedAnycastEvent,
    name: "session_terminated",
    pattern: "anycast",
  },
  {
    event: SessionSuccessAnycastEvent,
    name: "session_success",
    pattern: "anycast",
  },
  {
    event: SessionFailureAnycastEvent,
    name: "session_failure",
    pattern: "anycast",
  },
  {
    event: ExecutionStartedEvent,
    name: "execution_started",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [SESSION] },
    domainId: SESSION,
  },
  {
    event: ExecutionFinishedEvent,
    name: "execution_finished",
    pattern: "anycast",
  },
  {
    event: ExecutionTimeoutEvent,
    name: "execution_timeout",
    pattern: "anycast",
  },
  {
    event: ExecutionCancelledEvent,
    name: "execution_cancelled",
    pattern: "anycast",
  },
  // vfolder.ts
  {
    event: VFolderDeletionSuccessEvent,
    name: "vfolder_deletion_success",
    pattern: "anycast",
    decode: { body: null, legacyArgs: [VFID] },
    domainId: VFID,
  },
  {
    event: VFolderDeletionFailureEvent,
    name: "vfolder_deletion_failure",
    pattern: "anycast",
  },
  {
    event: VFolderCloneSuccessEvent,
    name: "vfolder_clone_success",
    pattern: "anycast",
    decode: { body: { vfid: KERNEL, dst_vfid: SESSION } },
    fields: { dst_vfid: SESSION },
    rejects: { body: { vfid: "a", dst_vfid: "b" } },
  },
  {
    event: VFolderCloneFailureEvent,
    name: "vfolder_clone_failure",
    pattern: "anycast",
  },
  {
    event: VFolderDeleteRequestEvent,
    name: "vfolder_delete_request",
    pattern: "anycast",
  },
  // volume.ts
  {
    event: DoVolumeMountEvent,
    name: "do_volume_mount",
    pattern: "broadcast",
    decode: {
      body: {
        dir_name: "d",
        volume_backend_name: "nfs1",
        quota_scope_id: `user:${SESSION}`,
        fs_location: "10.0.0.1:/export",
      },
    },
    fields: { fs_type: "nfs", fstab_path: "/etc/fstab" },
  },
  {
    event: DoVolumeUnmountEvent,
    name: "do_volume_unmount",
    pattern: "broadcast",
    decode: {
      body: null,
      legacyArgs: ["d", "nfs1", `project:${SESSION}`, null, true, null],
    },
    fields: { edit_fstab: true },
  },
  {
    event: VolumeMountedEvent,
    name: "volume_mounted",
    pattern: "broadcast",
  },
  {
    event: VolumeUnmountedEvent,
    name: "volume_unmounted",
    pattern: "broadcast",
  },
];

/** The exported lists: how many events each holds, all of one pattern. */
const LISTS: readonly {
  name: string;
  list: readonly EventDefinition<unknown>[];
  length: number;
  pattern: "anycast" | "broadcast";
}[] = [
  { name: "AGENT_EVENTS", list: AGENT_EVENTS, length: 8, pattern: "anycast" },
  {
    name: "BGTASK_EVENTS",
    list: BGTASK_EVENTS,
    length: 5,
    pattern: "broadcast",
  },
  { name: "IMAGE_EVENTS", list: IMAGE_EVENTS, length: 3, pattern: "anycast" },
  {
    name: "KERNEL_ANYCAST_EVENTS",
    list: KERNEL_ANYCAST_EVENTS,
    length: 8,
    pattern: "anycast",
  },
  {
    name: "KERNEL_BROADCAST_EVENTS",
    list: KERNEL_BROADCAST_EVENTS,
    length: 7,
    pattern: "broadcast",
  },
  {
    name: "SCHEDULE_EVENTS",
    list: SCHEDULE_EVENTS,
    length: 8,
    pattern: "anycast",
  },
  {
    name: "SERVICE_DISCOVERY_EVENTS",
    list: SERVICE_DISCOVERY_EVENTS,
    length: 3,
    pattern: "anycast",
  },
  {
    name: "SESSION_BROADCAST_EVENTS",
    list: SESSION_BROADCAST_EVENTS,
    length: 12,
    pattern: "broadcast",
  },
  {
    name: "SESSION_ANYCAST_EVENTS",
    list: SESSION_ANYCAST_EVENTS,
    length: 13,
    pattern: "anycast",
  },
  {
    name: "VFOLDER_EVENTS",
    list: VFOLDER_EVENTS,
    length: 5,
    pattern: "anycast",
  },
  {
    name: "VOLUME_EVENTS",
    list: VOLUME_EVENTS,
    length: 4,
    pattern: "broadcast",
  },
];

/** The value at a dotted path (`endpoints.0.metadata`) of `value`. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (node, key) => (node as Record<string, unknown> | undefined)?.[key],
    value,
  );
}

for (const row of ROWS) {
  const label = `${row.name} (${row.pattern})`;
  Deno.test(`catalogue: ${label} keeps its wire contract`, () => {
    const { event } = row;
    assert.equal(event.name, row.name);
    assert.equal(event.pattern, row.pattern);
    const body = row.decode === undefined ? row.body : event.decode(row.decode);
    for (const [path, expected] of Object.entries(row.fields ?? {})) {
      assert.deepEqual(at(body, path), expected, path);
    }
    if (row.json !== undefined) assert.equal(event.encode(body), row.json);
    if (row.domainId !== undefined) {
      assert.equal(event.domainId(body), row.domainId);
    }
    if (row.cacheId !== undefined) {
      assert.equal(event.cacheId(body), row.cacheId);
    }
    if (row.userEvent?.event !== undefined) {
      assert.equal(event.userEvent(body)?.event, row.userEvent.event);
    }
    for (
      const [key, expected] of Object.entries(row.userEvent?.data ?? {})
    ) {
      assert.deepEqual(event.userEvent(body)?.data[key], expected, key);
    }
    if (row.rejects !== undefined) {
      const rejected = row.rejects;
      assert.throws(() => event.decode(rejected));
    }
  });
}

Deno.test("catalogue: every event of every list has one row", () => {
  const listed = LISTS.flatMap(({ list }) => list);
  assert.equal(new Set(listed).size, listed.length);
  assert.deepEqual(
    new Set(ROWS.map((row) => row.event)),
    new Set(listed),
  );
  assert.equal(ROWS.length, listed.length);
});

for (const { name, list, length, pattern } of LISTS) {
  Deno.test(`catalogue: ${name} holds ${length} ${pattern} events`, () => {
    assert.equal(list.length, length);
    assert.ok(list.every((definition) => definition.pattern === pattern));
  });
}
