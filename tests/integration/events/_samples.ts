// Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.

/**
 * One sample body per event of the catalogue, for the interop tests. The
 * values exercise what differs between the forms: integral and fractional
 * floats, nulls, non-ASCII text, nested maps, booleans, negative integers.
 *
 * @module
 */

import {
  AGENT_EVENTS,
  ARTIFACT_EVENTS,
  BGTASK_EVENTS,
  type EventDefinition,
  IDLE_CHECK_EVENTS,
  IMAGE_EVENTS,
  KERNEL_ANYCAST_EVENTS,
  KERNEL_BROADCAST_EVENTS,
  NOTIFICATION_EVENTS,
  SCHEDULE_EVENTS,
  SERVICE_DISCOVERY_EVENTS,
  SESSION_ANYCAST_EVENTS,
  SESSION_BROADCAST_EVENTS,
  VFOLDER_EVENTS,
  VOLUME_EVENTS,
} from "../../../events/mod.ts";

/** Every event definition of the catalogue. */
export const CATALOGUE: readonly EventDefinition<unknown>[] = [
  ...AGENT_EVENTS,
  ...BGTASK_EVENTS,
  ...IMAGE_EVENTS,
  ...KERNEL_ANYCAST_EVENTS,
  ...KERNEL_BROADCAST_EVENTS,
  ...SCHEDULE_EVENTS,
  ...SERVICE_DISCOVERY_EVENTS,
  ...SESSION_BROADCAST_EVENTS,
  ...SESSION_ANYCAST_EVENTS,
  ...VFOLDER_EVENTS,
  ...VOLUME_EVENTS,
  ...ARTIFACT_EVENTS,
  ...IDLE_CHECK_EVENTS,
  ...NOTIFICATION_EVENTS,
];

/** `name (pattern)`: names repeat across patterns. */
export function keyOf(definition: EventDefinition<unknown>): string {
  return `${definition.name} (${definition.pattern})`;
}

/**
 * Events of this catalogue that upstream 26.8.x no longer had (they are
 * from older releases): no 26.8 component reads or writes them.
 */
export const NOT_IN_26_8: ReadonlySet<string> = new Set([
  "agent_status_heartbeat (anycast)",
  "vfolder_delete_request (anycast)",
  "session_scheduled (broadcast)",
  "session_preparing (broadcast)",
  "session_started (broadcast)",
]);

/** Events the legacy form refuses, with the field it names. */
export const LEGACY_REFUSED: ReadonlyMap<string, string> = new Map([
  ["agent_heartbeat (anycast)", "agent_info"],
]);

const TASK = "0b6ac8f0-6ad1-4e0b-9bd7-a1f8ad1a8e0d";
const KERNEL = "5d7bb8a5-9ab4-4f4b-8c8e-7c0a3b2f1e9d";
const SESSION = "f38dea23-50fa-42a0-b5ae-338f5f4693f4";
const QUOTA_SCOPE = `user:${SESSION}`;

const creation = {
  kernel_id: KERNEL,
  session_id: SESSION,
  reason: "",
  creation_info: { container_id: "c0ffee", ports: [8080, 8081], gpu: 0.5 },
};
const termination = {
  kernel_id: KERNEL,
  session_id: SESSION,
  reason: "user-requested",
  exit_code: -1,
};
const sessionCreation = {
  session_id: SESSION,
  creation_id: "cr-한글",
  reason: "unknown",
};
const sessionTermination = { session_id: SESSION, reason: "idle-timeout" };
const sessionResult = {
  session_id: SESSION,
  reason: "task-finished",
  exit_code: 0,
};
const mountResult = {
  node_id: "i-agent-1",
  node_type: "agent",
  mount_path: "/mnt/nfs1",
  quota_scope_id: QUOTA_SCOPE,
  err_msg: null,
};

const BY_NAME: Record<string, unknown> = {
  agent_started: { reason: "self-started" },
  agent_terminated: { reason: "shutdown" },
  agent_error: {
    message: "disk full — 디스크",
    traceback: "Traceback (most recent call last): ...",
    user: SESSION,
    context_env: { host: "i-1", load: 1.5 },
    severity: "ERROR",
  },
  agent_heartbeat: { agent_info: { region: "local", addr: "tcp://1.2.3.4" } },
  agent_images_remove: {
    image_canonicals: ["cr.backend.ai/stable/python:3.13"],
  },
  agent_installed_images_remove: {
    scanned_images: {
      "cr.backend.ai/stable/python:3.13": {
        canonical: "cr.backend.ai/stable/python:3.13",
        digest: "sha256:0123",
      },
    },
  },
  do_agent_resource_check: { agent_id: "i-agent-1" },
  agent_status_heartbeat: { agent_id: "i-agent-1", containers: [] },
  bgtask_updated: {
    task_id: TASK,
    current_progress: 3,
    total_progress: 7.5,
    message: "half — 절반",
  },
  bgtask_done: { task_id: TASK, message: null },
  bgtask_cancelled: { task_id: TASK, message: "cancelled" },
  bgtask_failed: { task_id: TASK, message: "boom" },
  bgtask_partial_success: {
    task_id: TASK,
    message: "partly",
    errors: ["a failed", "b failed"],
  },
  image_pull_started: {
    image: "python:3.13",
    agent_id: "i-agent-1",
    timestamp: 1_764_331_200,
    image_ref: null,
  },
  image_pull_finished: {
    image: "python:3.13",
    agent_id: "i-agent-1",
    timestamp: 1_764_331_260.125,
    msg: null,
    image_ref: null,
  },
  image_pull_failed: {
    image: "python:3.13",
    agent_id: "i-agent-1",
    msg: "manifest unknown",
    image_ref: null,
  },
  kernel_preparing: creation,
  kernel_pulling: creation,
  kernel_creating: creation,
  kernel_started: creation,
  kernel_cancelled: { kernel_id: KERNEL, session_id: SESSION, reason: "x" },
  kernel_terminating: termination,
  kernel_terminated: { ...termination, exit_code: 137 },
  do_sync_kernel_logs: { kernel_id: KERNEL, container_id: "c0ffee" },
  do_sokovan_process_if_needed: { schedule_type: "schedule" },
  do_sokovan_process_schedule: { schedule_type: "start" },
  do_deployment_lifecycle_if_needed: {
    lifecycle_type: "check_pending",
    sub_step: null,
  },
  do_deployment_lifecycle: {
    lifecycle_type: "check_pending",
    sub_step: "replicas",
  },
  do_route_lifecycle_if_needed: { lifecycle_type: "provisioning" },
  do_route_lifecycle: { lifecycle_type: "terminating" },
  do_reconcile_process_if_needed: { reconcile_type: "kernel" },
  do_reconcile_process: { reconcile_type: "session" },
  service_registered: {
    instance_id: "i-1",
    service_group: "manager",
    display_name: "Manager 1",
    version: "26.8.1",
    labels: { zone: "a" },
    endpoints: [{
      role: "main",
      scope: "private",
      address: "10.0.0.2",
      port: 8081,
      protocol: "http",
      metadata: { weight: 2 },
    }],
    startup_time: "2026-11-28T12:00:00+00:00",
    config_hash: "abc",
  },
  service_deregistered: { instance_id: "i-1", service_group: "manager" },
  do_sweep_stale_services: {},
  do_terminate_session: sessionTermination,
  session_enqueued: sessionCreation,
  session_scheduled: sessionCreation,
  session_checking_precondition: sessionCreation,
  session_preparing: sessionCreation,
  session_cancelled: sessionCreation,
  session_started: sessionCreation,
  session_terminating: sessionTermination,
  session_terminated: { session_id: SESSION, reason: "" },
  session_success: sessionResult,
  session_failure: { ...sessionResult, reason: "task-failed", exit_code: 2 },
  scheduling: {
    session_id: SESSION,
    creation_id: "cr-1",
    status_transition: "SCHEDULED",
    reason: "ok",
  },
  execution_started: { session_id: SESSION },
  execution_finished: { session_id: SESSION },
  execution_timeout: { session_id: SESSION },
  execution_cancelled: { session_id: SESSION },
  vfolder_deletion_success: { vfid: `${QUOTA_SCOPE}/${KERNEL}` },
  vfolder_deletion_failure: { vfid: KERNEL, message: "busy" },
  vfolder_clone_success: {
    vfid: `${QUOTA_SCOPE}/${KERNEL}`,
    dst_vfid: `project:${TASK}/${SESSION}`,
  },
  vfolder_clone_failure: {
    vfid: KERNEL,
    dst_vfid: SESSION,
    message: "no space",
  },
  vfolder_delete_request: { vfid: KERNEL, volume: "local:volume1" },
  do_volume_mount: {
    dir_name: "d",
    volume_backend_name: "nfs1",
    quota_scope_id: QUOTA_SCOPE,
    fs_location: "10.0.0.1:/export",
    fs_type: "nfs",
    cmd_options: null,
    scaling_group: "default",
    edit_fstab: true,
    fstab_path: "/etc/fstab",
  },
  do_volume_unmount: {
    dir_name: "d",
    volume_backend_name: "nfs1",
    quota_scope_id: `project:${SESSION}`,
    scaling_group: null,
    edit_fstab: false,
    fstab_path: null,
  },
  volume_mounted: mountResult,
  volume_unmounted: { ...mountResult, err_msg: "busy" },
  model_verifying: {
    model_id: "org/model",
    revision: "main",
    registry_type: "huggingface",
    registry_name: "hf",
  },
  model_import_done: {
    model_id: "org/model",
    revision: "main",
    registry_type: "reservoir",
    registry_name: "r1",
    success: true,
    digest: null,
    verification_result: {
      verifiers: {
        clamav: {
          success: true,
          infected_count: 0,
          scanned_at: "2026-11-28T12:00:00Z",
          scan_time: 2,
          scanned_count: 14,
          metadata: { engine: "1.0" },
          error: null,
        },
      },
    },
  },
  models_metadata_fetch_done: {
    model: {
      model_id: "org/model",
      revision: "main",
      readme_content: "# Model\nÜbersicht",
      registry_type: "huggingface",
      registry_name: "hf",
      size: 1_234_567_890_123,
    },
  },
  do_scan_reservoir_registry: {},
  do_idle_check: {},
  notification_triggered: {
    rule_type: "session.started",
    timestamp: "2026-11-28T12:00:00+00:00",
    notification_data: { session_id: SESSION, user: "john", cost: 1.25 },
  },
};

/**
 * The sample body of an event (checked by its schema).
 *
 * @param definition The event.
 * @returns The body, as its definition's `create()` returns it.
 */
export function sampleOf(definition: EventDefinition<unknown>): unknown {
  const body = BY_NAME[definition.name];
  if (body === undefined) {
    throw new Error(`No sample body for ${keyOf(definition)}: add one`);
  }
  return definition.create(body).body;
}
